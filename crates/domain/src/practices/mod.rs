//! The practice library: practice sheets (fiches de pratique, retours d'expérience), their
//! tags, visibility and licence, the Markdown they are written in, and the image rights of
//! their videos.

pub mod consent;
pub mod diff;
pub mod vocab;

pub use vocab::{Tag, VOCABULARIES, Vocabulary};

use crate::ids::TerritoryId;

/// Who may read a practice, chosen by its authors ("dans le respect des pratiques de
/// chacun"). Ordered from the narrowest to the widest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    /// The authors only.
    Private,
    /// The members of one territory.
    Territory,
    /// Any signed-in person of the platform.
    Platform,
    /// The open web.
    Public,
}

pub const VISIBILITIES: [Visibility; 4] = [
    Visibility::Private,
    Visibility::Territory,
    Visibility::Platform,
    Visibility::Public,
];

impl Visibility {
    pub fn code(self) -> &'static str {
        match self {
            Self::Private => "private",
            Self::Territory => "territory",
            Self::Platform => "platform",
            Self::Public => "public",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        VISIBILITIES.into_iter().find(|v| v.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Private => "Privée : les auteurs seulement",
            Self::Territory => "Territoire : les membres du territoire",
            Self::Platform => "Plateforme : toute personne connectée",
            Self::Public => "Publique : tout le monde, sur le web",
        }
    }

    pub fn short_label(self) -> &'static str {
        match self {
            Self::Private => "Privée",
            Self::Territory => "Territoire",
            Self::Platform => "Plateforme",
            Self::Public => "Publique",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Draft,
    Published,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "draft" => Some(Self::Draft),
            "published" => Some(Self::Published),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Brouillon",
            Self::Published => "Publiée",
        }
    }
}

/// The licence the authors give their practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Licence {
    #[serde(rename = "CC-BY")]
    CcBy,
    #[serde(rename = "CC-BY-SA")]
    CcBySa,
    #[serde(rename = "CC-BY-NC-SA")]
    CcByNcSa,
    #[serde(rename = "all-rights-reserved")]
    AllRightsReserved,
}

pub const LICENCES: [Licence; 4] = [
    Licence::CcBy,
    Licence::CcBySa,
    Licence::CcByNcSa,
    Licence::AllRightsReserved,
];

impl Licence {
    pub fn code(self) -> &'static str {
        match self {
            Self::CcBy => "CC-BY",
            Self::CcBySa => "CC-BY-SA",
            Self::CcByNcSa => "CC-BY-NC-SA",
            Self::AllRightsReserved => "all-rights-reserved",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        LICENCES.into_iter().find(|l| l.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::CcBy => "CC BY 4.0 : réutilisation libre en citant les auteurs",
            Self::CcBySa => {
                "CC BY-SA 4.0 : réutilisation en citant les auteurs, sous la même licence"
            }
            Self::CcByNcSa => {
                "CC BY-NC-SA 4.0 : réutilisation non commerciale, en citant les auteurs, sous la même licence"
            }
            Self::AllRightsReserved => "Tous droits réservés",
        }
    }

    pub fn url(self) -> Option<&'static str> {
        match self {
            Self::CcBy => Some("https://creativecommons.org/licenses/by/4.0/deed.fr"),
            Self::CcBySa => Some("https://creativecommons.org/licenses/by-sa/4.0/deed.fr"),
            Self::CcByNcSa => Some("https://creativecommons.org/licenses/by-nc-sa/4.0/deed.fr"),
            Self::AllRightsReserved => None,
        }
    }
}

/// What the authors typed, before checking.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PracticeInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body_markdown: String,
    #[serde(default)]
    pub objectives: String,
    #[serde(default)]
    pub class_size: Option<String>,
    #[serde(default)]
    pub licence: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub territory: Option<i64>,
    /// `(vocabulary code, tag code)`.
    #[serde(default)]
    pub tags: Vec<(String, String)>,
}

/// A problem with one field of a practice, said in French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

pub(crate) fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// The checked content of a practice.
#[derive(Debug, Clone, PartialEq)]
pub struct PracticeContent {
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub objectives: String,
    pub class_size: Option<i32>,
    pub licence: Licence,
    pub visibility: Visibility,
    /// The territory whose members may read it, when `visibility` is `Territory`.
    pub territory: Option<TerritoryId>,
    pub tags: Vec<Tag>,
}

pub const MAX_TITLE: usize = 200;
pub const MAX_SUMMARY: usize = 1_000;
pub const MAX_BODY: usize = 100_000;
pub const MAX_TAGS: usize = 40;

/// `le titre` → `Le titre`.
fn capitalised(label: &str) -> String {
    let mut chars = label.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn bounded(
    field: &'static str,
    label: &str,
    text: &str,
    min: usize,
    max: usize,
) -> Result<String, FieldError> {
    let text = text.trim();
    if let Some(problem) = crate::text::char_problem(&capitalised(label), text) {
        return Err(field_error(field, problem));
    }
    let length = text.chars().count();
    if length < min {
        return Err(field_error(
            field,
            if min == 1 {
                format!("{label} est obligatoire")
            } else {
                format!("{label} doit compter au moins {min} caractères")
            },
        ));
    }
    if length > max {
        return Err(field_error(
            field,
            format!("{label} ne doit pas dépasser {max} caractères (il en compte {length})"),
        ));
    }
    Ok(text.replace("\r\n", "\n"))
}

impl PracticeContent {
    pub fn parse(input: &PracticeInput) -> Result<Self, FieldError> {
        let title = bounded("title", "le titre", &input.title, 3, MAX_TITLE)?;
        if let Some(problem) = crate::text::line_problem("le titre", &title) {
            return Err(field_error("title", problem));
        }
        let summary = bounded("summary", "le résumé", &input.summary, 1, MAX_SUMMARY)?;
        let body_markdown = bounded(
            "body_markdown",
            "le récit de la pratique",
            &input.body_markdown,
            0,
            MAX_BODY,
        )?;
        let objectives = bounded("objectives", "les objectifs", &input.objectives, 0, 5_000)?;
        let class_size = match input.class_size.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match text.parse::<i32>() {
                Ok(n) if (1..=500).contains(&n) => Some(n),
                _ => {
                    return Err(field_error(
                        "class_size",
                        format!(
                            "l'effectif « {text} » doit être un nombre d'élèves entre 1 et 500"
                        ),
                    ));
                }
            },
        };
        let licence = Licence::from_code(input.licence.trim()).ok_or_else(|| {
            field_error(
                "licence",
                format!("licence inconnue : « {} »", input.licence.trim()),
            )
        })?;
        let visibility = Visibility::from_code(input.visibility.trim()).ok_or_else(|| {
            field_error(
                "visibility",
                format!("visibilité inconnue : « {} »", input.visibility.trim()),
            )
        })?;
        let territory = match visibility {
            Visibility::Territory => Some(TerritoryId(input.territory.ok_or_else(|| {
                field_error(
                    "territory",
                    "choisissez le territoire dont les membres pourront lire la pratique",
                )
            })?)),
            _ => None,
        };
        let mut tags = Vec::new();
        for (vocabulary, code) in &input.tags {
            if code.trim().is_empty() {
                continue;
            }
            let tag = Tag::parse(vocabulary, code.trim()).map_err(|m| field_error("tags", m))?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if tags.len() > MAX_TAGS {
            return Err(field_error(
                "tags",
                format!("au plus {MAX_TAGS} mots-clés par pratique"),
            ));
        }
        tags.sort();
        Ok(Self {
            title,
            summary,
            body_markdown,
            objectives,
            class_size,
            licence,
            visibility,
            territory,
            tags,
        })
    }

    pub fn body_html(&self) -> String {
        crate::markdown::to_html(&self.body_markdown)
    }
}

/// Free tags typed in one field, separated by commas.
pub fn split_free_tags(text: &str) -> Vec<(String, String)> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| (Vocabulary::Free.code().to_owned(), t.to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PracticeInput {
        PracticeInput {
            title: " Les ceintures de compétences ".into(),
            summary: "Évaluer par paliers.".into(),
            body_markdown: "Au **cycle 3**…\r\nsuite".into(),
            objectives: String::new(),
            class_size: Some("24".into()),
            licence: "CC-BY-SA".into(),
            visibility: "public".into(),
            territory: None,
            tags: vec![
                ("level".into(), "cycle-3".into()),
                ("free".into(), "Évaluation positive".into()),
                ("level".into(), "cycle-3".into()),
            ],
        }
    }

    #[test]
    fn parses_a_practice() -> Result<(), FieldError> {
        let p = PracticeContent::parse(&input())?;
        assert_eq!(p.title, "Les ceintures de compétences");
        assert_eq!(p.class_size, Some(24));
        assert_eq!(p.licence, Licence::CcBySa);
        assert_eq!(p.body_markdown, "Au **cycle 3**…\nsuite");
        assert_eq!(p.tags.len(), 2, "the duplicate tag is dropped");
        Ok(())
    }

    #[test]
    fn says_what_is_wrong() {
        type Change = fn(&mut PracticeInput);
        let cases: [(Change, &str); 9] = [
            (|i| i.title = "ab".into(), "title"),
            (|i| i.title = "x".repeat(201), "title"),
            (|i| i.summary = "  ".into(), "summary"),
            (|i| i.class_size = Some("0".into()), "class_size"),
            (|i| i.class_size = Some("vingt".into()), "class_size"),
            (|i| i.licence = "GPL".into(), "licence"),
            (|i| i.visibility = "secret".into(), "visibility"),
            (|i| i.visibility = "territory".into(), "territory"),
            (
                |i| i.tags.push(("subject".into(), "astrologie".into())),
                "tags",
            ),
        ];
        for (change, field) in cases {
            let mut i = input();
            change(&mut i);
            let Err(error) = PracticeContent::parse(&i) else {
                panic!("{field} should be refused");
            };
            assert_eq!(error.field, field, "{}", error.message);
            assert!(!error.message.is_empty());
        }
    }

    #[test]
    fn visibility_is_ordered_and_round_trips() {
        assert!(Visibility::Private < Visibility::Territory);
        assert!(Visibility::Platform < Visibility::Public);
        for v in VISIBILITIES {
            assert_eq!(Visibility::from_code(v.code()), Some(v));
        }
        for l in LICENCES {
            assert_eq!(Licence::from_code(l.code()), Some(l));
        }
    }

    #[test]
    fn free_tags_from_one_field() {
        assert_eq!(
            split_free_tags("jardin, potager ;; ").len(),
            2,
            "empty pieces are dropped"
        );
    }
}
