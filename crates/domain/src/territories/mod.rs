//! A *territoire apprenant*: a network of establishments and partners of an area.

pub mod events;
pub mod groups;
pub mod inspe;
pub mod launch;
pub mod maturity;
pub mod networks;
pub mod partners;

use crate::text::slugify;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TerritoryError {
    #[error("le nom du territoire doit compter entre 3 et 120 caractères")]
    Name,
    #[error("la description ne doit pas dépasser 5 000 caractères")]
    Description,
}

/// A validated new territory: a name (and the slug of its address) and a description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTerritory {
    pub name: String,
    pub slug: String,
    pub description: String,
}

impl NewTerritory {
    pub fn parse(name: &str, description: &str) -> Result<Self, TerritoryError> {
        let name = crate::text::one_line(name);
        let slug = slugify(&name);
        if !(3..=120).contains(&name.chars().count()) || slug.is_empty() {
            return Err(TerritoryError::Name);
        }
        let description = description.trim().to_owned();
        if description.chars().count() > 5_000 {
            return Err(TerritoryError::Description);
        }
        Ok(Self {
            name,
            slug,
            description,
        })
    }
}

/// Kinds of partners of a territory (seed 000, 001, 002).
pub const PARTNER_KINDS: &[(&str, &str)] = &[
    ("collectivite", "Collectivité territoriale"),
    ("association", "Association"),
    ("culture", "Structure culturelle"),
    ("fablab", "FabLab, tiers-lieu"),
    ("canope", "Réseau Canopé"),
    ("inspe", "INSPE, université"),
    ("academique", "Service académique (CARDIE, DANE…)"),
    ("entreprise", "Entreprise"),
];

pub fn partner_kind_label(code: &str) -> &'static str {
    PARTNER_KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Partenaire", |(_, l)| *l)
}

/// Where the caller stands with a territory they are not a member of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// A member already, or nothing to offer (signed out, not of its staff).
    Nothing,
    /// Of its staff: joins at once (`true`) or asks (`false`).
    MayJoin { open: bool },
    /// Asked; the coordination has not answered yet.
    Waiting,
}

/// Whether a person steers an académie (an IA-IPR, an IEN or a chargé de mission of one): they
/// may make territories of its establishments ([`steering_may_gather`]).
pub fn steers_an_academie(
    function: Option<crate::accounts::Function>,
    academie: Option<&str>,
) -> bool {
    academie.is_some_and(|a| crate::indicators::project::steers(function, Some(a), a))
}

/// Why the académie's steering may not gather these establishments (by their académies'
/// codes) into a territory, if it may not: at least one, all of its own académie.
pub fn steering_may_gather(own: &str, academies: &[&str]) -> Result<(), String> {
    if academies.is_empty() {
        return Err("choisissez au moins un établissement de votre académie".to_owned());
    }
    if academies.iter().any(|a| *a != own) {
        return Err("un territoire créé par le pilotage académique réunit des établissements de son académie : retirez ceux d'une autre académie".to_owned());
    }
    Ok(())
}

/// What a person reads when their role in a territory changes (`None`: they left it).
pub fn role_notice(territory: &str, role: Option<crate::policy::TerritoryRole>) -> String {
    use crate::policy::TerritoryRole;
    match role {
        Some(TerritoryRole::Coordinator) => {
            format!("Vous coordonnez désormais le territoire « {territory} »")
        }
        Some(TerritoryRole::Member) => format!("Vous êtes membre du territoire « {territory} »"),
        Some(TerritoryRole::Reader) => {
            format!("Vous suivez le territoire « {territory} » (lecture seule)")
        }
        None => format!("Vous ne faites plus partie du territoire « {territory} »"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_academie_s_steering_makes_territories_of_its_academie() {
        use crate::accounts::Function;
        assert!(steers_an_academie(Some(Function::IaIpr), Some("09")));
        assert!(!steers_an_academie(Some(Function::IaIpr), None));
        assert!(!steers_an_academie(
            Some(Function::Enseignant1d),
            Some("09")
        ));
        assert_eq!(steering_may_gather("09", &["09", "09"]), Ok(()));
        assert!(steering_may_gather("09", &["09", "06"]).is_err());
        assert!(steering_may_gather("09", &[]).is_err());
    }

    #[test]
    fn names_and_slugs() {
        let t = NewTerritory::parse("  Territoire apprenant   Val-de-Reuil ", " x ");
        assert_eq!(
            t,
            Ok(NewTerritory {
                name: "Territoire apprenant Val-de-Reuil".into(),
                slug: "territoire-apprenant-val-de-reuil".into(),
                description: "x".into()
            })
        );
        assert_eq!(NewTerritory::parse("ab", ""), Err(TerritoryError::Name));
        assert_eq!(NewTerritory::parse("«»—", ""), Err(TerritoryError::Name));
        assert_eq!(
            NewTerritory::parse("Arras", &"x".repeat(5001)),
            Err(TerritoryError::Description)
        );
        assert_eq!(partner_kind_label("fablab"), "FabLab, tiers-lieu");
    }
}
