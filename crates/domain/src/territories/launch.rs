//! Launching a territory (seed 001, « Lancer un territoire apprenant »): five steps, each with
//! its deliverable — the shared inventory, the common problem statement, the work objects,
//! the actions, the accompaniment by a critical friend.

use std::collections::BTreeMap;

use crate::practices::FieldError;
use crate::text::fold;

/// The steps of the launch, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Inventory = 1,
    Problem = 2,
    Operationalise = 3,
    Actions = 4,
    Accompaniment = 5,
}

impl Step {
    pub const ALL: [Self; 5] = [
        Self::Inventory,
        Self::Problem,
        Self::Operationalise,
        Self::Actions,
        Self::Accompaniment,
    ];

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|s| i64::from(s.number()) == n)
    }

    /// Its title, as the seed writes it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Inventory => "Réaliser l'état des lieux partagé du territoire",
            Self::Problem => "Déterminer une problématique commune",
            Self::Operationalise => "Opérationnaliser",
            Self::Actions => "Choisir les actions et dispositifs",
            Self::Accompaniment => "Accompagnement",
        }
    }

    /// Who does it and how, after the seed.
    pub fn how(self) -> &'static str {
        match self {
            Self::Inventory => {
                "En établissement et partagé sur le territoire : les groupes de travail 1 (direction et quelques professeurs) font émerger les réussites et les difficultés, spécifiques et communes."
            }
            Self::Problem => {
                "Par le groupe de pilotage, en lien avec l'existant et en cohérence avec les attendus (grandes compétences) du territoire apprenant."
            }
            Self::Operationalise => {
                "En groupes de travail 2, la problématique devient des objets de travail (une ou deux journées accompagnées par le formateur)."
            }
            Self::Actions => {
                "Par groupes de travail 2, les actions collectives (réseau) ou individuelles (établissement) mises en œuvre avec les élèves ; des groupes de travail 3 par thématique."
            }
            Self::Accompaniment => {
                "Par un formateur « ami critique », sur l'année scolaire 1 : tuteur, chercheur, évaluateur, conseiller, médiateur ou facilitateur ; l'analyse de l'impact sur les élèves ouvre l'année 2."
            }
        }
    }
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Todo,
    Doing,
    Done,
}

impl StepState {
    pub const ALL: [Self; 3] = [Self::Todo, Self::Doing, Self::Done];

    pub fn code(self) -> &'static str {
        match self {
            Self::Todo => "todo",
            Self::Doing => "doing",
            Self::Done => "done",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Todo => "À faire",
            Self::Doing => "En cours",
            Self::Done => "Fait",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A success or a difficulty of the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemKind {
    Success,
    Difficulty,
}

impl ItemKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Difficulty => "difficulty",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Success => "Réussite",
            Self::Difficulty => "Difficulté",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Success, Self::Difficulty]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// Whether an item is specific to its establishment or common to others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemScope {
    Specific,
    Common,
}

impl ItemScope {
    pub fn code(self) -> &'static str {
        match self {
            Self::Specific => "specific",
            Self::Common => "common",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Specific, Self::Common]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// A valid inventory item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub kind: ItemKind,
    pub scope: ItemScope,
    pub text: String,
    /// The text folded, on which items raised by several establishments merge.
    pub folded: String,
}

fn field(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

impl NewItem {
    pub fn parse(kind: &str, scope: &str, text: &str) -> Result<Self, FieldError> {
        let kind = ItemKind::parse(kind.trim())
            .ok_or_else(|| field("kind", "Choisissez : réussite ou difficulté"))?;
        let scope = ItemScope::parse(scope.trim()).ok_or_else(|| {
            field(
                "scope",
                "Choisissez : spécifique à l'établissement ou commune",
            )
        })?;
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !(3..=1_000).contains(&text.chars().count()) {
            return Err(field("text", "Décrivez-la en 3 à 1 000 caractères"));
        }
        Ok(Self {
            kind,
            scope,
            folded: folded(&text),
            text,
        })
    }
}

/// A text folded for merging: lower case, no accents, no punctuation at the end.
pub fn folded(text: &str) -> String {
    fold(text.trim().trim_end_matches(['.', '!', ';', ' ']))
}

/// An inventory item as read: its establishment (UAI, name) and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: i64,
    pub uai: String,
    pub establishment: String,
    pub kind: ItemKind,
    pub scope: ItemScope,
    pub text: String,
    pub folded: String,
}

/// Items merged across establishments: the same (folded) text raised by several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub kind: ItemKind,
    pub text: String,
    /// The establishments that raised it, by name.
    pub establishments: Vec<String>,
    /// Common: marked so by one of them, or raised by several.
    pub common: bool,
    /// The first item's id (for linking the problem statement to it).
    pub id: i64,
}

/// The territory view of the inventory: items merged on their folded text, the common ones
/// first (the most shared first), then the specific ones; successes before difficulties.
pub fn merge(items: &[Item]) -> Vec<Merged> {
    let mut groups: BTreeMap<(ItemKind, &str), Merged> = BTreeMap::new();
    for item in items {
        let group = groups
            .entry((item.kind, item.folded.as_str()))
            .or_insert_with(|| Merged {
                kind: item.kind,
                text: item.text.clone(),
                establishments: Vec::new(),
                common: false,
                id: item.id,
            });
        if !group.establishments.contains(&item.establishment) {
            group.establishments.push(item.establishment.clone());
        }
        group.common |= item.scope == ItemScope::Common;
    }
    let mut merged: Vec<Merged> = groups
        .into_values()
        .map(|mut m| {
            m.common |= m.establishments.len() > 1;
            m.establishments.sort();
            m
        })
        .collect();
    merged.sort_by(|a, b| {
        b.common
            .cmp(&a.common)
            .then(b.establishments.len().cmp(&a.establishments.len()))
            .then(a.kind.cmp(&b.kind))
            .then(a.id.cmp(&b.id))
    });
    merged
}

/// The common problem statement and the skills expected of the territory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub statement: String,
    pub skills: Vec<String>,
}

impl Problem {
    pub fn parse(statement: &str, skills: &str) -> Result<Self, FieldError> {
        let statement = statement.trim().to_owned();
        if !(10..=5_000).contains(&statement.chars().count()) {
            return Err(field(
                "statement",
                "La problématique s'écrit en 10 à 5 000 caractères",
            ));
        }
        let skills: Vec<String> = skills
            .lines()
            .map(|l| {
                l.trim()
                    .trim_start_matches(['-', '*', '•'])
                    .trim()
                    .to_owned()
            })
            .filter(|l| !l.is_empty())
            .collect();
        if skills.len() > 30 || skills.iter().any(|s| s.chars().count() > 300) {
            return Err(field(
                "skills",
                "30 compétences au plus, de 300 caractères chacune au plus",
            ));
        }
        Ok(Self { statement, skills })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, establishment: &str, kind: ItemKind, scope: ItemScope, text: &str) -> Item {
        Item {
            id,
            uai: format!("UAI-{establishment}"),
            establishment: establishment.to_owned(),
            kind,
            scope,
            text: text.to_owned(),
            folded: folded(text),
        }
    }

    #[test]
    fn steps_and_states_read_as_the_seed() {
        assert_eq!(Step::from_number(2), Some(Step::Problem));
        assert_eq!(Step::from_number(6), None);
        assert_eq!(
            Step::Inventory.title(),
            "Réaliser l'état des lieux partagé du territoire"
        );
        assert!(Step::Accompaniment.how().contains("ami critique"));
        assert_eq!(StepState::parse("doing"), Some(StepState::Doing));
        assert_eq!(StepState::parse("fini"), None);
    }

    #[test]
    fn items_are_checked_and_folded() {
        let ok = NewItem::parse("difficulty", "common", "  L'absentéisme   des élèves. ");
        assert_eq!(
            ok.as_ref().map(|i| (i.text.as_str(), i.folded.as_str())),
            Ok(("L'absentéisme des élèves.", "l absenteisme des eleves"))
        );
        assert_eq!(
            NewItem::parse("joie", "common", "abc")
                .err()
                .map(|e| e.field),
            Some("kind")
        );
        assert_eq!(
            NewItem::parse("success", "partout", "abc")
                .err()
                .map(|e| e.field),
            Some("scope")
        );
        assert_eq!(
            NewItem::parse("success", "specific", "ab")
                .err()
                .map(|e| e.field),
            Some("text")
        );
    }

    #[test]
    fn the_territory_view_merges_what_several_establishments_raised() {
        use ItemKind::*;
        use ItemScope::*;
        let items = [
            item(
                1,
                "Collège Jaurès",
                Difficulty,
                Specific,
                "Le manque de temps de concertation",
            ),
            item(
                2,
                "École Curie",
                Difficulty,
                Specific,
                "le manque de temps de concertation.",
            ),
            item(
                3,
                "École Curie",
                Success,
                Common,
                "Le conseil école-collège",
            ),
            item(4, "Collège Jaurès", Success, Specific, "La chorale"),
            item(
                5,
                "Lycée Hugo",
                Difficulty,
                Common,
                "Le manque de temps de concertation",
            ),
        ];
        let merged = merge(&items);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[0].text, "Le manque de temps de concertation");
        assert_eq!(
            merged[0].establishments,
            ["Collège Jaurès", "Lycée Hugo", "École Curie"]
        );
        assert!(merged[0].common);
        assert_eq!(
            (merged[1].text.as_str(), merged[1].common),
            ("Le conseil école-collège", true)
        );
        assert_eq!(
            (merged[2].text.as_str(), merged[2].common),
            ("La chorale", false)
        );
    }

    #[test]
    fn a_problem_has_a_statement_and_skills() {
        let p = Problem::parse(
            " Comment faire coopérer les élèves du CM1 à la 6e ? ",
            "- Coopérer\n\n• S'exprimer à l'oral\n",
        );
        assert_eq!(
            p.as_ref().map(|p| p.skills.clone()),
            Ok(vec![
                "Coopérer".to_owned(),
                "S'exprimer à l'oral".to_owned()
            ])
        );
        assert_eq!(
            Problem::parse("court", "").err().map(|e| e.field),
            Some("statement")
        );
        let many = "x\n".repeat(31);
        assert_eq!(
            Problem::parse("Une problématique assez longue", &many)
                .err()
                .map(|e| e.field),
            Some("skills")
        );
    }
}
