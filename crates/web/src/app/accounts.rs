//! Accounts: what the audit trail's page asks, and how many entries a page holds.

/// The audit trail's filters, as the page's form and the API send them.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct AuditQuery {
    /// An action code (`sign-in-failed`…).
    #[serde(default)]
    pub action: String,
    /// The id of the person who acted.
    #[serde(default)]
    pub personne: String,
    /// Exactly what was acted upon (`personne:12`).
    #[serde(default)]
    pub cible: String,
    /// Words in the target or the detail.
    #[serde(default)]
    pub texte: String,
    #[serde(default)]
    pub ip: String,
    /// First day (AAAA-MM-JJ).
    #[serde(default)]
    pub du: String,
    /// Last day (AAAA-MM-JJ), included.
    #[serde(default)]
    pub au: String,
    /// The next page: entries older than this id.
    #[serde(default)]
    pub avant: String,
}

pub const AUDIT_PAGE: i64 = 100;
