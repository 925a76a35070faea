//! The directory: what a search of the establishments asks, on the page and in the API.

/// The directory's search parameters, as in the page's address and the API.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Words of the name or the commune, or a UAI (accents and case ignored).
    pub q: Option<String>,
    /// Département code (`62`, `2A`, `974`).
    pub departement: Option<String>,
    /// Kind: `ecole`, `college`, `lycee`, `erea`, `medico-social`, `orientation`, `administratif`, `autre`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// `public` or `prive`.
    pub statut: Option<String>,
    /// Circonscription code (1er degré).
    pub circonscription: Option<String>,
    /// Bassin de formation code (2nd degré).
    pub bassin: Option<String>,
    /// Éducation prioritaire: `REP` or `REP+`.
    pub ep: Option<String>,
    /// Page number, from 1.
    pub page: Option<String>,
}
