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

pub(super) fn field(field: &'static str, message: impl Into<String>) -> FieldError {
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
        let text = crate::text::one_line(text);
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

/// A day as a form or the API writes it (`2027-01-14`), in days since 1970-01-01.
pub(super) fn day(text: &str, name: &'static str) -> Result<Option<i64>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, format)
        .map(|d| Some((d - time::macros::date!(1970 - 01 - 01)).whole_days()))
        .map_err(|_| field(name, format!("« {text} » n'est pas une date (jj/mm/aaaa)")))
}

pub(super) fn bounded(
    text: &str,
    name: &'static str,
    range: std::ops::RangeInclusive<usize>,
    what: &str,
) -> Result<String, FieldError> {
    let text = text.trim().to_owned();
    if let Some(problem) = crate::text::char_problem(what, &text) {
        return Err(field(name, problem));
    }
    if !range.contains(&text.chars().count()) {
        return Err(field(
            name,
            if *range.start() == 0 {
                format!("{what} : {} caractères au plus", range.end())
            } else {
                format!("{what} : de {} à {} caractères", range.start(), range.end())
            },
        ));
    }
    Ok(text)
}

/// Step 3: an *objet de travail*, with one or two days accompanied by the trainer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkObject {
    pub title: String,
    pub description: String,
    pub trainer: String,
    /// The accompanied days (days since 1970-01-01), at most two.
    pub days: Vec<i64>,
}

impl WorkObject {
    pub fn parse(
        title: &str,
        description: &str,
        trainer: &str,
        days: [&str; 2],
    ) -> Result<Self, FieldError> {
        let mut accompanied = Vec::new();
        for text in days {
            accompanied.extend(day(text, "days")?);
        }
        accompanied.sort_unstable();
        accompanied.dedup();
        Ok(Self {
            title: bounded(
                &crate::text::one_line(title),
                "title",
                3..=200,
                "L'objet de travail",
            )?,
            description: bounded(description, "description", 0..=5_000, "La description")?,
            trainer: bounded(
                &crate::text::one_line(trainer),
                "trainer",
                0..=200,
                "Le formateur",
            )?,
            days: accompanied,
        })
    }
}

/// Whether an action is led by the network or by one establishment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionScope {
    Network,
    Establishment,
}

impl ActionScope {
    pub fn code(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::Establishment => "establishment",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Network => "Collective (réseau)",
            Self::Establishment => "Individuelle (établissement)",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Network, Self::Establishment]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// The themes of the working groups 3 (seed 001).
pub const GROUP_THEMES: [(&str, &str); 5] = [
    ("pedagogie", "Expérimentations pédagogiques"),
    ("reddition", "Reddition des comptes"),
    ("projet-collectif", "Projet collectif"),
    ("eleves", "Groupe des élèves"),
    ("autre", "Autre"),
];

pub fn theme_label(code: &str) -> &'static str {
    GROUP_THEMES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Autre", |(_, l)| *l)
}

/// Step 4: an action or *dispositif* with the pupils.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub scope: ActionScope,
    /// For an establishment's action: its UAI.
    pub uai: Option<String>,
    pub owners: String,
    pub starts_on: Option<i64>,
    pub ends_on: Option<i64>,
    pub pupils: String,
    /// How its effect on the pupils will be seen.
    pub evidence: String,
    pub theme: String,
}

/// An action as a form or the API sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionInput {
    pub title: String,
    pub scope: String,
    pub uai: String,
    pub owners: String,
    pub starts_on: String,
    pub ends_on: String,
    pub pupils: String,
    pub evidence: String,
    pub theme: String,
}

impl Action {
    pub fn parse(input: &ActionInput) -> Result<Self, FieldError> {
        let title = bounded(
            &crate::text::one_line(&input.title),
            "title",
            3..=200,
            "Le titre de l'action",
        )?;
        let scope = ActionScope::parse(input.scope.trim()).ok_or_else(|| {
            field(
                "scope",
                "Choisissez : action collective (réseau) ou individuelle (établissement)",
            )
        })?;
        let uai = match scope {
            ActionScope::Network => None,
            ActionScope::Establishment => {
                let uai = input.uai.trim().to_uppercase();
                if uai.is_empty() {
                    return Err(field(
                        "uai",
                        "Une action individuelle dit dans quel établissement (UAI)",
                    ));
                }
                Some(uai)
            }
        };
        let (starts_on, ends_on) = (
            day(&input.starts_on, "starts_on")?,
            day(&input.ends_on, "ends_on")?,
        );
        if let (Some(s), Some(e)) = (starts_on, ends_on)
            && e < s
        {
            return Err(field("ends_on", "L'action finit après son début"));
        }
        let theme = input.theme.trim();
        let theme = if theme.is_empty() { "autre" } else { theme };
        if !GROUP_THEMES.iter().any(|(c, _)| *c == theme) {
            return Err(field("theme", format!("Thème inconnu : « {theme} »")));
        }
        Ok(Self {
            title,
            scope,
            uai,
            owners: bounded(&input.owners, "owners", 0..=500, "Les porteurs")?,
            starts_on,
            ends_on,
            pupils: bounded(&input.pupils, "pupils", 0..=1_000, "Les élèves concernés")?,
            evidence: bounded(
                &input.evidence,
                "evidence",
                3..=2_000,
                "Comment l'effet sur les élèves sera vu",
            )?,
            theme: theme.to_owned(),
        })
    }
}

/// The roles a critical friend plays (seed 001).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FriendRole {
    Tuteur,
    Chercheur,
    Evaluateur,
    Conseiller,
    Mediateur,
    Facilitateur,
}

impl FriendRole {
    pub const ALL: [Self; 6] = [
        Self::Tuteur,
        Self::Chercheur,
        Self::Evaluateur,
        Self::Conseiller,
        Self::Mediateur,
        Self::Facilitateur,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Tuteur => "tuteur",
            Self::Chercheur => "chercheur",
            Self::Evaluateur => "evaluateur",
            Self::Conseiller => "conseiller",
            Self::Mediateur => "mediateur",
            Self::Facilitateur => "facilitateur",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Tuteur => "Tuteur",
            Self::Chercheur => "Chercheur",
            Self::Evaluateur => "Évaluateur",
            Self::Conseiller => "Conseiller",
            Self::Mediateur => "Médiateur",
            Self::Facilitateur => "Facilitateur",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// An entry of the critical friend's journal, tagged with the role played.
pub fn parse_journal(role: &str, body: &str) -> Result<(FriendRole, String), FieldError> {
    let role = FriendRole::parse(role.trim()).ok_or_else(|| {
        field(
            "role",
            "Choisissez le rôle joué : tuteur, chercheur, évaluateur, conseiller, médiateur ou facilitateur",
        )
    })?;
    Ok((
        role,
        bounded(body, "body", 3..=10_000, "L'entrée du journal")?,
    ))
}

/// The impact analysis that closes a year of the launch.
pub fn parse_impact(body: &str) -> Result<String, FieldError> {
    bounded(body, "body", 10..=20_000, "L'analyse de l'impact")
}

/// The kinds of *points d'appui* of seed 001.
pub const SUPPORT_CATEGORIES: [(&str, &str); 5] = [
    (
        "convention",
        "Conventionnement existant (PEDT, CTEAC, PLEAC…)",
    ),
    (
        "personnes",
        "Personnes ressources (adjoint, conseiller pédagogique, CPE…)",
    ),
    ("culture", "Culture locale du travailler ensemble"),
    (
        "politique",
        "Politique départementale (Éducation nationale, territoriale)",
    ),
    ("structures", "Structures locales (FabLab, structure EDD…)"),
];

/// A support (with its category) or an obstacle of the territory.
pub fn parse_support(
    kind: &str,
    category: &str,
    text: &str,
) -> Result<(bool, String, String), FieldError> {
    let support = match kind.trim() {
        "support" => true,
        "obstacle" => false,
        _ => return Err(field("kind", "Choisissez : point d'appui ou obstacle")),
    };
    let category = if support {
        let category = category.trim();
        if !SUPPORT_CATEGORIES.iter().any(|(c, _)| *c == category) {
            return Err(field("category", "Choisissez la nature du point d'appui"));
        }
        category.to_owned()
    } else {
        String::new()
    };
    Ok((
        support,
        category,
        bounded(text, "text", 3..=1_000, "La description")?,
    ))
}

pub fn support_label(code: &str) -> &'static str {
    SUPPORT_CATEGORIES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, l)| *l)
}

#[cfg(test)]
mod later_steps {
    use super::*;

    #[test]
    fn titles_hold_on_one_line() {
        let object = WorkObject::parse(
            "L'oral\nen\tclasse",
            "Deux\nlignes",
            "Mme\nDupont",
            ["", ""],
        );
        assert_eq!(
            object.map(|o| (o.title, o.description, o.trainer)),
            Ok((
                "L'oral en classe".to_owned(),
                "Deux\nlignes".to_owned(),
                "Mme Dupont".to_owned()
            ))
        );
        let input = ActionInput {
            title: "Lire\r\nà voix\thaute".into(),
            scope: "establishment".into(),
            uai: "0620100X".into(),
            starts_on: "2027-01-04".into(),
            ends_on: "2027-06-30".into(),
            evidence: "Nombre d'élèves qui lisent à voix haute".into(),
            theme: "pedagogie".into(),
            ..ActionInput::default()
        };
        assert_eq!(
            Action::parse(&input)
                .map(|a| a.title)
                .map_err(|e| e.message),
            Ok("Lire à voix haute".to_owned())
        );
    }

    #[test]
    fn work_objects_have_at_most_two_accompanied_days() {
        let w = WorkObject::parse(
            "L'oral en continu",
            "",
            "Mme Formatrice",
            ["2027-01-14", "2027-01-14"],
        );
        assert_eq!(w.map(|w| w.days), Ok(vec![20_832]));
        assert_eq!(
            WorkObject::parse("L'oral", "", "", ["14/01/2027", ""])
                .err()
                .map(|e| e.field),
            Some("days")
        );
        assert_eq!(
            WorkObject::parse("ab", "", "", ["", ""])
                .err()
                .map(|e| e.field),
            Some("title")
        );
    }

    #[test]
    fn actions_say_where_when_for_whom_and_how_their_effect_is_seen() {
        let input = ActionInput {
            title: "Tutorat CM2-6e".into(),
            scope: "establishment".into(),
            uai: " 0620100x ".into(),
            starts_on: "2027-01-04".into(),
            ends_on: "2027-06-30".into(),
            evidence: "Nombre d'élèves qui demandent de l'aide à un pair".into(),
            theme: "pedagogie".into(),
            ..ActionInput::default()
        };
        let action = Action::parse(&input);
        assert_eq!(
            action.as_ref().map(|a| a.uai.clone()),
            Ok(Some("0620100X".into()))
        );
        let field_of = |change: &dyn Fn(&mut ActionInput)| {
            let mut i = input.clone();
            change(&mut i);
            Action::parse(&i).err().map(|e| e.field)
        };
        assert_eq!(field_of(&|i| i.uai = String::new()), Some("uai"));
        assert_eq!(
            field_of(&|i| {
                i.scope = "network".into();
                i.uai = String::new()
            }),
            None
        );
        assert_eq!(
            field_of(&|i| i.ends_on = "2026-12-01".into()),
            Some("ends_on")
        );
        assert_eq!(field_of(&|i| i.evidence = String::new()), Some("evidence"));
        assert_eq!(field_of(&|i| i.theme = "sport".into()), Some("theme"));
        assert_eq!(field_of(&|i| i.scope = "mondial".into()), Some("scope"));
        assert_eq!(theme_label("reddition"), "Reddition des comptes");
    }

    #[test]
    fn the_journal_names_the_role_played() {
        assert_eq!(
            parse_journal("mediateur", " Réunion de médiation entre deux équipes. "),
            Ok((
                FriendRole::Mediateur,
                "Réunion de médiation entre deux équipes.".into()
            ))
        );
        assert_eq!(
            parse_journal("juge", "Une entrée").err().map(|e| e.field),
            Some("role")
        );
        assert_eq!(parse_impact("Court").err().map(|e| e.field), Some("body"));
        assert_eq!(FriendRole::Evaluateur.label(), "Évaluateur");
    }

    #[test]
    fn supports_have_a_category_and_obstacles_none() {
        assert_eq!(
            parse_support("support", "convention", "Le PEDT de la ville"),
            Ok((true, "convention".into(), "Le PEDT de la ville".into()))
        );
        assert_eq!(
            parse_support(
                "obstacle",
                "convention",
                "L'individualisme de certaines disciplines"
            ),
            Ok((
                false,
                String::new(),
                "L'individualisme de certaines disciplines".into()
            ))
        );
        assert_eq!(
            parse_support("support", "", "x y z").err().map(|e| e.field),
            Some("category")
        );
        assert_eq!(
            parse_support("envie", "", "x y z").err().map(|e| e.field),
            Some("kind")
        );
        assert_eq!(
            support_label("structures"),
            "Structures locales (FabLab, structure EDD…)"
        );
    }
}
