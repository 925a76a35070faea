//! Observatories and peer visits: a visit is asked for by an establishment, made by a binôme
//! of peers with no hierarchical link to the observed teachers, and leads to a reflexive
//! analysis, never to a judgement.

pub mod binome;
pub mod solver;
pub mod visit;

use crate::practices::FieldError;

/// An observatory as a form or the API sends it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ObservatoryInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub research_question: String,
    #[serde(default)]
    pub inspe_partner: String,
}

/// An observatory's texts, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservatoryContent {
    pub name: String,
    pub theme: String,
    pub scope: String,
    pub research_question: String,
    pub inspe_partner: String,
}

fn text(
    field: &'static str,
    label: &str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<String, FieldError> {
    let value = value.trim();
    let length = value.chars().count();
    if length < min || length > max {
        let message = if length < min && min == 1 {
            format!("{label} est obligatoire")
        } else {
            format!("{label} compte de {min} à {max} caractères ({length} saisis)")
        };
        return Err(FieldError { field, message });
    }
    Ok(value.replace("\r\n", "\n"))
}

impl ObservatoryContent {
    pub fn parse(input: &ObservatoryInput) -> Result<Self, FieldError> {
        Ok(Self {
            name: text(
                "name",
                "Le nom",
                &crate::text::one_line(&input.name),
                3,
                120,
            )?,
            theme: text(
                "theme",
                "Le thème",
                &crate::text::one_line(&input.theme),
                3,
                200,
            )?,
            scope: text("scope", "Le périmètre", &input.scope, 0, 500)?,
            research_question: text(
                "research_question",
                "La question de recherche",
                &input.research_question,
                0,
                1_000,
            )?,
            inspe_partner: text(
                "inspe_partner",
                "Le partenaire de recherche",
                &input.inspe_partner,
                0,
                200,
            )?,
        })
    }
}

/// The focus (problématique) of a visit request, checked.
pub fn parse_focus(focus: &str) -> Result<String, FieldError> {
    text("focus", "La problématique", focus, 10, 2_000)
}

/// The constraints of a visit request, checked.
pub fn parse_constraints(constraints: &str) -> Result<String, FieldError> {
    text("constraints", "Les contraintes", constraints, 0, 1_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_observatory_needs_a_name_and_a_theme() {
        let mut input = ObservatoryInput {
            name: " Observatoire de l'oral ".to_owned(),
            theme: "L'oral".to_owned(),
            ..ObservatoryInput::default()
        };
        assert_eq!(
            ObservatoryContent::parse(&input).map(|c| c.name),
            Ok("Observatoire de l'oral".to_owned())
        );
        input.name = "Observatoire\tde\r\nl'oral".to_owned();
        assert_eq!(
            ObservatoryContent::parse(&input).map(|c| c.name),
            Ok("Observatoire de l'oral".to_owned())
        );
        input.theme = "  ".to_owned();
        assert_eq!(
            ObservatoryContent::parse(&input).map_err(|e| e.message),
            Err("Le thème compte de 3 à 200 caractères (0 saisis)".to_owned())
        );
        assert!(parse_focus("court").is_err());
        assert!(parse_focus("La reformulation des consignes").is_ok());
    }
}
