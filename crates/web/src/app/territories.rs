//! Territories: the typed input of the creation form.

/// The form's fields, as typed.
#[derive(Debug, Default, serde::Deserialize)]
pub struct NewTerritoryForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub coordination: String,
    /// Words to find establishments with.
    #[serde(default)]
    pub q: String,
    /// The UAIs of the establishments ticked.
    #[serde(default)]
    pub uai: Vec<String>,
    /// The zone of the map shown (south, west, north, east), written by the map's script.
    #[serde(default)]
    pub zone: String,
    /// `chercher` to search the directory, `zone` to list the establishments of the map's
    /// zone, anything else to make the territory.
    #[serde(default)]
    pub action: String,
}
