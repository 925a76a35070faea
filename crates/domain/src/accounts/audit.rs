//! The audit trail: the security-relevant events a platform keeps, append-only, with who,
//! what, when and from where.

/// What happened. The code is what the database and the API hold; the label is what an
/// administrator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    SessionRevoked,
    PasswordReset,
    AppPasswordCreated,
    AppPasswordRevoked,
    RoleChanged,
    AccountCreated,
    AccountLinked,
    AccountDisabled,
    AccountEnabled,
    InvitationSent,
    InvitationAccepted,
    Export,
    ObservationRead,
    ConsentChanged,
    Deletion,
    AccountClosed,
    Retention,
    ExceptionalAccess,
}

impl AuditAction {
    pub const ALL: [Self; 21] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::SignOut,
        Self::SessionRevoked,
        Self::PasswordReset,
        Self::AppPasswordCreated,
        Self::AppPasswordRevoked,
        Self::RoleChanged,
        Self::AccountCreated,
        Self::AccountLinked,
        Self::AccountDisabled,
        Self::AccountEnabled,
        Self::InvitationSent,
        Self::InvitationAccepted,
        Self::Export,
        Self::ObservationRead,
        Self::ConsentChanged,
        Self::Deletion,
        Self::AccountClosed,
        Self::Retention,
        Self::ExceptionalAccess,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::SignIn => "sign-in",
            Self::SignInFailed => "sign-in-failed",
            Self::SignOut => "sign-out",
            Self::SessionRevoked => "session-revoked",
            Self::PasswordReset => "password-reset",
            Self::AppPasswordCreated => "app-password-created",
            Self::AppPasswordRevoked => "app-password-revoked",
            Self::RoleChanged => "role-changed",
            Self::AccountCreated => "account-created",
            Self::AccountLinked => "account-linked",
            Self::AccountDisabled => "account-disabled",
            Self::AccountEnabled => "account-enabled",
            Self::InvitationSent => "invitation-sent",
            Self::InvitationAccepted => "invitation-accepted",
            Self::Export => "export",
            Self::ObservationRead => "observation-read",
            Self::ConsentChanged => "consent-changed",
            Self::Deletion => "deletion",
            Self::AccountClosed => "account-closed",
            Self::Retention => "retention",
            Self::ExceptionalAccess => "exceptional-access",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SignIn => "Connexion",
            Self::SignInFailed => "Échec de connexion",
            Self::SignOut => "Déconnexion",
            Self::SessionRevoked => "Session fermée à distance",
            Self::PasswordReset => "Mot de passe réinitialisé",
            Self::AppPasswordCreated => "Mot de passe d'application créé",
            Self::AppPasswordRevoked => "Mot de passe d'application révoqué",
            Self::RoleChanged => "Changement de rôle",
            Self::AccountCreated => "Compte créé",
            Self::AccountLinked => "Compte lié à l'identité académique",
            Self::AccountDisabled => "Compte désactivé",
            Self::AccountEnabled => "Compte réactivé",
            Self::InvitationSent => "Invitation envoyée",
            Self::InvitationAccepted => "Invitation acceptée",
            Self::Export => "Export de données",
            Self::ObservationRead => "Lecture d'observations de visite",
            Self::ConsentChanged => "Changement de consentement",
            Self::Deletion => "Suppression",
            Self::AccountClosed => "Compte fermé",
            Self::Retention => "Application des durées de conservation",
            Self::ExceptionalAccess => "Accès exceptionnel d'un administrateur",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// One event to record: `actor` is who did it (none for an unknown caller or the platform
/// itself), `target` what it was done to (`personne:12`, `pratique:4`…), `ip` where from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub actor: Option<crate::ids::PersonId>,
    pub action: AuditAction,
    pub target: String,
    pub ip: String,
    pub detail: String,
}

impl AuditEvent {
    pub fn new(
        actor: Option<crate::ids::PersonId>,
        action: AuditAction,
        target: impl Into<String>,
        ip: impl Into<String>,
    ) -> Self {
        Self {
            actor,
            action,
            target: target.into(),
            ip: ip.into(),
            detail: String::new(),
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// The target naming a person in the trail (by id: the trail holds no names).
pub fn person_target(id: crate::ids::PersonId) -> String {
    format!("personne:{}", id.0)
}

/// A failed sign-in with an address that has no account: the trail keeps only its domain,
/// not an address that may belong to no one here.
pub fn unknown_address_target(typed: &str) -> String {
    match typed.trim().rsplit_once('@') {
        Some((_, domain)) if !domain.is_empty() => {
            format!("adresse inconnue (…@{})", domain.to_lowercase())
        }
        _ => "adresse inconnue".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut codes: Vec<_> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.code()), Some(action));
            assert!(!action.label().is_empty());
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len());
        assert_eq!(AuditAction::parse("inconnu"), None);
    }

    #[test]
    fn unknown_addresses_keep_only_their_domain() {
        assert_eq!(
            unknown_address_target(" Marie.Curie@AC-Lille.fr "),
            "adresse inconnue (…@ac-lille.fr)"
        );
        assert_eq!(unknown_address_target("marie"), "adresse inconnue");
    }
}
