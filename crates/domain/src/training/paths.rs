//! Personalised training paths: what a path and its steps are, where a person resumes, and
//! which paths suit a person (their needs, subjects and levels).

use crate::observatories::visit::Public;
use crate::practices::FieldError;
use crate::text::fold;

/// What a step asks of the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// Watch a video capsule (of a practice of the library).
    Capsule,
    /// Read a practice of the library.
    Practice,
    /// Read a document.
    Document,
    /// Do a short activity.
    Activity,
    /// Answer a reflection prompt (in one's own notes).
    Reflection,
}

impl StepKind {
    pub const ALL: [Self; 5] = [
        Self::Capsule,
        Self::Practice,
        Self::Document,
        Self::Activity,
        Self::Reflection,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Capsule => "capsule",
            Self::Practice => "practice",
            Self::Document => "document",
            Self::Activity => "activity",
            Self::Reflection => "reflection",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Capsule => "Capsule vidéo",
            Self::Practice => "Pratique",
            Self::Document => "Document",
            Self::Activity => "Activité",
            Self::Reflection => "Réflexion",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A capsule or a practice points at a practice of the library.
    pub fn needs_practice(self) -> bool {
        matches!(self, Self::Capsule | Self::Practice)
    }
}

fn error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// Lines of a text area, trimmed, without empty ones or repeats (whatever the accents).
fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().flat_map(|l| l.split(',')) {
        let line = line.trim();
        if !line.is_empty() && !out.iter().any(|o| fold(o) == fold(line)) {
            out.push(line.to_owned());
        }
    }
    out
}

/// A valid path (its steps come one by one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathContent {
    pub title: String,
    pub summary: String,
    pub public: Public,
    pub themes: Vec<String>,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
}

impl PathContent {
    pub fn parse(
        title: &str,
        summary: &str,
        public: &str,
        themes: &str,
        subjects: &str,
        levels: &str,
    ) -> Result<Self, FieldError> {
        let title = crate::text::one_line(title);
        if !(3..=200).contains(&title.chars().count()) {
            return Err(error(
                "title",
                "Le titre du parcours compte de 3 à 200 caractères",
            ));
        }
        let summary = summary.trim().to_owned();
        if !(3..=5_000).contains(&summary.chars().count()) {
            return Err(error(
                "summary",
                "Présentez le parcours en 3 à 5 000 caractères : à qui il s'adresse, ce qu'on y gagne",
            ));
        }
        let public = Public::parse(public.trim()).ok_or_else(|| {
            error(
                "public",
                "Le public est « premier-degre », « second-degre » ou « inter-degres »",
            )
        })?;
        let (themes, subjects, levels) = (lines(themes), lines(subjects), lines(levels));
        if themes.is_empty() {
            return Err(error(
                "themes",
                "Dites à quels besoins de formation le parcours répond (un thème par ligne)",
            ));
        }
        if [&themes, &subjects, &levels]
            .iter()
            .any(|l| l.len() > 20 || l.iter().any(|t| t.chars().count() > 200))
        {
            return Err(error(
                "themes",
                "20 thèmes, disciplines ou niveaux au plus, de 200 caractères chacun",
            ));
        }
        Ok(Self {
            title,
            summary,
            public,
            themes,
            subjects,
            levels,
        })
    }
}

/// A valid step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepContent {
    pub kind: StepKind,
    pub title: String,
    pub body: String,
    pub practice: Option<i64>,
    pub url: String,
    pub minutes: u32,
}

impl StepContent {
    pub fn parse(
        kind: &str,
        title: &str,
        body: &str,
        practice: Option<i64>,
        url: &str,
        minutes: i64,
    ) -> Result<Self, FieldError> {
        let kind = StepKind::parse(kind.trim()).ok_or_else(|| {
            error(
                "kind",
                "Le type d'étape est capsule, practice, document, activity ou reflection",
            )
        })?;
        let title = crate::text::one_line(title);
        if !(3..=200).contains(&title.chars().count()) {
            return Err(error(
                "title",
                "Le titre de l'étape compte de 3 à 200 caractères",
            ));
        }
        let body = body.trim().to_owned();
        if body.chars().count() > 10_000 {
            return Err(error(
                "body",
                "La consigne compte 10 000 caractères au plus",
            ));
        }
        if matches!(kind, StepKind::Activity | StepKind::Reflection) && body.is_empty() {
            return Err(error(
                "body",
                "Écrivez la consigne de l'activité ou la question de réflexion",
            ));
        }
        let practice = if kind.needs_practice() {
            Some(practice.ok_or_else(|| {
                error(
                    "practice",
                    "Donnez le numéro de la pratique de la bibliothèque (sa capsule pour une capsule vidéo)",
                )
            })?)
        } else {
            None
        };
        let url = url.trim().to_owned();
        if kind == StepKind::Document {
            if url.is_empty() && body.is_empty() {
                return Err(error("url", "Donnez l'adresse du document, ou son texte"));
            }
            if !url.is_empty()
                && (!url.starts_with("https://")
                    || url.len() > 500
                    || url.contains(char::is_whitespace))
            {
                return Err(error("url", "L'adresse du document commence par https://"));
            }
        }
        let minutes = u32::try_from(minutes)
            .ok()
            .filter(|m| (1..=600).contains(m))
            .ok_or_else(|| error("minutes", "La durée estimée va de 1 à 600 minutes"))?;
        Ok(Self {
            kind,
            title,
            body,
            practice,
            url: if kind == StepKind::Document {
                url
            } else {
                String::new()
            },
            minutes,
        })
    }
}

/// Where a person stands on a path of `steps` (their ids in order), `done` being the steps
/// they marked done: how many, and where they resume (the first not done; none: finished).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub done: usize,
    pub total: usize,
    pub resume: Option<i64>,
}

impl Standing {
    pub fn of(steps: &[i64], done: &[i64]) -> Self {
        Self {
            done: steps.iter().filter(|s| done.contains(s)).count(),
            total: steps.len(),
            resume: steps.iter().copied().find(|s| !done.contains(s)),
        }
    }

    pub fn finished(self) -> bool {
        self.total > 0 && self.done == self.total
    }

    pub fn percent(self) -> usize {
        (self.done * 100).checked_div(self.total).unwrap_or(0)
    }
}

/// What a path suits, and what a person brings, for suggestions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub themes: Vec<String>,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
}

/// How well a path suits a person: a shared theme of need counts most, then a subject,
/// then a level; 0: not suggested.
pub fn fit(path: &Profile, person: &Profile) -> u32 {
    let shared = |a: &[String], b: &[String]| {
        let b: Vec<String> = b.iter().map(|x| fold(x)).collect();
        a.iter().filter(|x| b.contains(&fold(x))).count() as u32
    };
    4 * shared(&path.themes, &person.themes)
        + 2 * shared(&path.subjects, &person.subjects)
        + shared(&path.levels, &person.levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_needs_a_title_a_summary_and_themes() {
        let ok = PathContent::parse(
            " Débattre   en classe ",
            "Pour les cycles 3.",
            "premier-degre",
            "Débat réglé\ndebat regle, Oral",
            "",
            "CM1\nCM2",
        );
        assert_eq!(
            ok.map(|p| (p.title, p.themes, p.levels)),
            Ok((
                "Débattre en classe".to_owned(),
                vec!["Débat réglé".to_owned(), "Oral".to_owned()],
                vec!["CM1".to_owned(), "CM2".to_owned()]
            ))
        );
        let field = |r: Result<PathContent, FieldError>| r.map(|_| ()).map_err(|e| e.field);
        assert_eq!(
            field(PathContent::parse(
                "Dé",
                "x x x",
                "premier-degre",
                "a b",
                "",
                ""
            )),
            Err("title")
        );
        assert_eq!(
            field(PathContent::parse(
                "Débat", "Résumé", "tous", "Oral", "", ""
            )),
            Err("public")
        );
        assert_eq!(
            field(PathContent::parse(
                "Débat",
                "Résumé",
                "premier-degre",
                " ",
                "",
                ""
            )),
            Err("themes")
        );
    }

    #[test]
    fn each_kind_of_step_asks_for_what_it_needs() {
        let step = |kind, body, practice, url, minutes| {
            StepContent::parse(kind, "Une étape", body, practice, url, minutes)
                .map(|s| s.kind)
                .map_err(|e| e.field)
        };
        assert_eq!(step("capsule", "", Some(3), "", 10), Ok(StepKind::Capsule));
        assert_eq!(step("capsule", "", None, "", 10), Err("practice"));
        assert_eq!(step("reflection", "", None, "", 10), Err("body"));
        assert_eq!(
            step("reflection", "Qu'en retenez-vous ?", None, "", 10),
            Ok(StepKind::Reflection)
        );
        assert_eq!(step("document", "", None, "", 10), Err("url"));
        assert_eq!(step("document", "", None, "http://x", 10), Err("url"));
        assert_eq!(
            step("document", "", None, "https://eduscol.education.fr/x", 10),
            Ok(StepKind::Document)
        );
        assert_eq!(step("activity", "Faites", None, "", 0), Err("minutes"));
        assert_eq!(step("quiz", "Faites", None, "", 5), Err("kind"));
    }

    #[test]
    fn a_person_resumes_at_the_first_step_not_done() {
        let standing = Standing::of(&[10, 11, 12], &[10, 12]);
        assert_eq!((standing.done, standing.resume), (2, Some(11)));
        assert!(!standing.finished());
        assert_eq!(standing.percent(), 66);
        let done = Standing::of(&[10, 11], &[11, 10, 99]);
        assert!(done.finished());
        assert_eq!(done.resume, None);
        assert!(!Standing::of(&[], &[]).finished());
    }

    #[test]
    fn a_need_weighs_more_than_a_subject_or_a_level() {
        let path = Profile {
            themes: vec!["Débat réglé".to_owned()],
            subjects: vec!["Français".to_owned()],
            levels: vec!["CM2".to_owned()],
        };
        let asked = Profile {
            themes: vec!["debat regle".to_owned()],
            ..Profile::default()
        };
        let teaches = Profile {
            subjects: vec!["français".to_owned()],
            levels: vec!["CM2".to_owned()],
            ..Profile::default()
        };
        assert_eq!(fit(&path, &asked), 4);
        assert_eq!(fit(&path, &teaches), 3);
        assert_eq!(fit(&path, &Profile::default()), 0);
    }
}
