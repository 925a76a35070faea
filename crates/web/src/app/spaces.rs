//! Spaces: the typed input of a space's form, and the forum's page size.

#[derive(Debug, Default, serde::Deserialize)]
pub struct SpaceForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub territory: String,
}

/// Messages shown per page of a topic.
pub const MESSAGES_PER_PAGE: i64 = 50;
