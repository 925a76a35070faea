/// What an establishment is, from the *Type_etablissement* of the Annuaire de l'éducation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EstablishmentKind {
    Ecole,
    College,
    Lycee,
    Erea,
    MedicoSocial,
    Orientation,
    Administratif,
    Autre,
}

impl EstablishmentKind {
    pub const ALL: [Self; 8] = [
        Self::Ecole,
        Self::College,
        Self::Lycee,
        Self::Erea,
        Self::MedicoSocial,
        Self::Orientation,
        Self::Administratif,
        Self::Autre,
    ];

    /// The stable code stored in the database and used in URLs and the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ecole => "ecole",
            Self::College => "college",
            Self::Lycee => "lycee",
            Self::Erea => "erea",
            Self::MedicoSocial => "medico-social",
            Self::Orientation => "orientation",
            Self::Administratif => "administratif",
            Self::Autre => "autre",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Ecole => "École",
            Self::College => "Collège",
            Self::Lycee => "Lycée",
            Self::Erea => "EREA",
            Self::MedicoSocial => "Établissement médico-social",
            Self::Orientation => "Information et orientation",
            Self::Administratif => "Service administratif",
            Self::Autre => "Autre",
        }
    }

    /// Reads the annuaire's label (`Ecole`, `Collège`, `Lycée`, `EREA`, `Médico-social`…),
    /// whatever its case and accents; unknown labels are `Autre`.
    pub fn from_annuaire(label: &str) -> Self {
        let folded = crate::text::fold(label);
        match folded.as_str() {
            "ecole" => Self::Ecole,
            "college" => Self::College,
            "lycee" => Self::Lycee,
            "erea" => Self::Erea,
            "medico social" => Self::MedicoSocial,
            "information et orientation" => Self::Orientation,
            "service administratif" => Self::Administratif,
            _ => Self::Autre,
        }
    }

    /// First degree (écoles, under an IEN) or second degree (collèges, lycées, EREA).
    pub fn is_first_degree(self) -> bool {
        self == Self::Ecole
    }

    pub fn is_second_degree(self) -> bool {
        matches!(self, Self::College | Self::Lycee | Self::Erea)
    }
}

/// Membership of the *éducation prioritaire* network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EducationPrioritaire {
    #[serde(rename = "REP")]
    Rep,
    #[serde(rename = "REP+")]
    RepPlus,
}

impl EducationPrioritaire {
    pub fn code(self) -> &'static str {
        match self {
            Self::Rep => "REP",
            Self::RepPlus => "REP+",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_uppercase().as_str() {
            "REP" => Some(Self::Rep),
            "REP+" | "REP +" => Some(Self::RepPlus),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_annuaire_labels() {
        assert_eq!(
            EstablishmentKind::from_annuaire("Collège"),
            EstablishmentKind::College
        );
        assert_eq!(
            EstablishmentKind::from_annuaire("LYCEE"),
            EstablishmentKind::Lycee
        );
        assert_eq!(
            EstablishmentKind::from_annuaire("Ecole"),
            EstablishmentKind::Ecole
        );
        assert_eq!(
            EstablishmentKind::from_annuaire("Médico-social"),
            EstablishmentKind::MedicoSocial
        );
        assert_eq!(
            EstablishmentKind::from_annuaire("Planétarium"),
            EstablishmentKind::Autre
        );
    }

    #[test]
    fn codes_round_trip() {
        for kind in EstablishmentKind::ALL {
            assert_eq!(EstablishmentKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(EstablishmentKind::from_code("usine"), None);
        assert_eq!(
            EducationPrioritaire::from_code("rep+"),
            Some(EducationPrioritaire::RepPlus)
        );
        assert_eq!(EducationPrioritaire::from_code(""), None);
    }
}
