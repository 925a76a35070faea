use super::AccountError;

/// A person's function in the school system (DESIGN.md §1), written in kebab-case on the
/// command line, in the database and in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Function {
    #[serde(rename = "enseignant-1d")]
    Enseignant1d,
    #[serde(rename = "enseignant-2d")]
    Enseignant2d,
    DirecteurEcole,
    Perdir,
    Ien,
    IaIpr,
    Cpe,
    Psyen,
    Cpc,
    Formateur,
    ChargeDeMission,
    Partenaire,
    EtudiantMeef,
    Chercheur,
}

impl Function {
    pub const ALL: [Self; 14] = [
        Self::Enseignant1d,
        Self::Enseignant2d,
        Self::DirecteurEcole,
        Self::Perdir,
        Self::Ien,
        Self::IaIpr,
        Self::Cpe,
        Self::Psyen,
        Self::Cpc,
        Self::Formateur,
        Self::ChargeDeMission,
        Self::Partenaire,
        Self::EtudiantMeef,
        Self::Chercheur,
    ];

    /// Functions a person may give themselves when signing up with a local account: none
    /// that carries a hierarchical or training role (those come from the académie's identity
    /// provider or an administrator).
    pub fn self_service(self) -> bool {
        matches!(
            self,
            Self::Enseignant1d
                | Self::Enseignant2d
                | Self::Cpe
                | Self::Psyen
                | Self::Partenaire
                | Self::EtudiantMeef
                | Self::Chercheur
        )
    }

    /// Functions of the people a coordinator invites: those with no academic account.
    pub fn invitable(self) -> bool {
        matches!(
            self,
            Self::Partenaire | Self::EtudiantMeef | Self::Chercheur
        )
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Enseignant1d => "enseignant-1d",
            Self::Enseignant2d => "enseignant-2d",
            Self::DirecteurEcole => "directeur-ecole",
            Self::Perdir => "perdir",
            Self::Ien => "ien",
            Self::IaIpr => "ia-ipr",
            Self::Cpe => "cpe",
            Self::Psyen => "psyen",
            Self::Cpc => "cpc",
            Self::Formateur => "formateur",
            Self::ChargeDeMission => "charge-de-mission",
            Self::Partenaire => "partenaire",
            Self::EtudiantMeef => "etudiant-meef",
            Self::Chercheur => "chercheur",
        }
    }

    pub fn parse(code: &str) -> Result<Self, AccountError> {
        let code = code.trim();
        Self::ALL
            .into_iter()
            .find(|f| f.code() == code)
            .ok_or_else(|| AccountError::Function(code.to_owned()))
    }

    /// The French title shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Enseignant1d => "Professeur des écoles",
            Self::Enseignant2d => "Professeur de collège ou de lycée",
            Self::DirecteurEcole => "Directeur ou directrice d'école",
            Self::Perdir => "Personnel de direction",
            Self::Ien => "Inspecteur de l'Éducation nationale (IEN)",
            Self::IaIpr => "Inspecteur d'académie – IPR",
            Self::Cpe => "Conseiller principal d'éducation",
            Self::Psyen => "Psychologue de l'Éducation nationale",
            Self::Cpc => "Conseiller pédagogique de circonscription",
            Self::Formateur => "Formateur ou formatrice",
            Self::ChargeDeMission => "Chargé ou chargée de mission",
            Self::Partenaire => "Partenaire",
            Self::EtudiantMeef => "Étudiant M1 MEEF",
            Self::Chercheur => "Chercheur ou chercheuse",
        }
    }

    /// Teaches classes (and so can be observed in a peer visit).
    pub fn teaches(self) -> bool {
        matches!(
            self,
            Self::Enseignant1d | Self::Enseignant2d | Self::DirecteurEcole
        )
    }
}

impl std::fmt::Display for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for function in Function::ALL {
            assert_eq!(Function::parse(function.code()), Ok(function));
            let json = serde_json::to_string(&function).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", function.code()));
        }
        assert_eq!(
            Function::parse("recteur"),
            Err(AccountError::Function("recteur".to_owned()))
        );
    }
}
