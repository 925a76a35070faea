//! A visit's life, and what its observation holds: items of four kinds and free notes — no
//! score, no rating, no judgement field, by design (the seed: "sans sélection préalable des
//! observations et donc de filtre lié au jugement d'une action").

use crate::practices::FieldError;

/// Where a visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// A binôme is proposed; the referent may swap an observer.
    Proposed,
    /// A date is agreed.
    Scheduled,
    /// The class was observed; the observation can still be completed.
    Observed,
    /// The binôme and the observed teachers write the analysis.
    Analysis,
    /// Both sides agreed on the analysis.
    Closed,
    Cancelled,
}

/// What happens to a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitEvent {
    Schedule,
    Observe,
    StartAnalysis,
    /// Both sides agreed on the analysis.
    Close,
    Cancel,
}

impl VisitState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Scheduled => "scheduled",
            Self::Observed => "observed",
            Self::Analysis => "analysis",
            Self::Closed => "closed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Self::Proposed,
            Self::Scheduled,
            Self::Observed,
            Self::Analysis,
            Self::Closed,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Proposed => "Binôme proposé",
            Self::Scheduled => "Date fixée",
            Self::Observed => "Observation faite",
            Self::Analysis => "Analyse en cours",
            Self::Closed => "Analyse close",
            Self::Cancelled => "Annulée",
        }
    }

    /// The state after `event`, or why it cannot happen now, in French.
    pub fn after(self, event: VisitEvent) -> Result<Self, String> {
        use VisitEvent as E;
        match (self, event) {
            (Self::Proposed | Self::Scheduled, E::Schedule) => Ok(Self::Scheduled),
            (Self::Scheduled, E::Observe) => Ok(Self::Observed),
            (Self::Observed, E::StartAnalysis) => Ok(Self::Analysis),
            (Self::Analysis, E::Close) => Ok(Self::Closed),
            (Self::Proposed | Self::Scheduled, E::Cancel) => Ok(Self::Cancelled),
            (Self::Closed | Self::Cancelled, _) => Err(format!(
                "la visite est terminée ({}) : elle ne change plus",
                self.label().to_lowercase()
            )),
            (_, E::Cancel) => {
                Err("une visite déjà faite ne s'annule pas : son analyse reste à écrire".to_owned())
            }
            _ => Err(format!(
                "impossible pour l'instant : la visite en est à l'étape « {} »",
                self.label()
            )),
        }
    }
}

/// Why the class may not be observed yet at `now`, for a visit starting at `starts_at` (unix
/// seconds): the observation, and the analysis after it, open on the day of the visit (in
/// Paris), never before.
pub fn too_early_to_observe(starts_at: i64, now: i64) -> Option<String> {
    let day = crate::spaces::paris_time(starts_at)?.date();
    let today = crate::spaces::paris_time(now)?.date();
    (today < day).then(|| {
        format!(
            "l'observation s'ouvre le jour de la visite, le {} : rien ne s'observe avant",
            crate::practices::consent::french_date(day)
        )
    })
}

/// Until when (unix seconds) the visits starting are reminded at `now`: to the end of tomorrow
/// in Paris, so that each participant is reminded the day before (« la veille »), or on the day
/// for a visit set at the last minute.
pub fn reminder_horizon(now: i64) -> i64 {
    match crate::spaces::paris_time(now).and_then(|t| t.date().next_day()?.next_day()) {
        Some(after_tomorrow) => crate::spaces::from_paris_time(after_tomorrow.midnight()),
        None => now + 86_400,
    }
}

/// The first second (UTC) of the school year holding `at` (unix seconds): 1 September.
pub fn school_year_start(at: i64) -> i64 {
    let Ok(now) = time::OffsetDateTime::from_unix_timestamp(at) else {
        return 0;
    };
    let year = if u8::from(now.month()) >= 9 {
        now.year()
    } else {
        now.year() - 1
    };
    time::Date::from_calendar_date(year, time::Month::September, 1)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .unwrap_or(0)
}

/// What an observation item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Geste,
    Outil,
    Pratique,
    Attitude,
}

impl Category {
    pub const ALL: [Self; 4] = [Self::Geste, Self::Outil, Self::Pratique, Self::Attitude];

    pub fn code(self) -> &'static str {
        match self {
            Self::Geste => "geste",
            Self::Outil => "outil",
            Self::Pratique => "pratique",
            Self::Attitude => "attitude",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Geste => "Gestes professionnels",
            Self::Outil => "Outils",
            Self::Pratique => "Pratiques",
            Self::Attitude => "Attitudes",
        }
    }

    pub fn parse(code: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|c| c.code() == code.trim())
            .ok_or_else(|| FieldError {
                field: "category",
                message: "La catégorie est « geste », « outil », « pratique » ou « attitude »"
                    .to_owned(),
            })
    }
}

/// One thing seen, as typed: what, when in the session (minutes from its start, if noted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub category: Category,
    pub text: String,
    pub at_minute: Option<u32>,
}

pub const MAX_ITEMS: usize = 500;
pub const MAX_ITEM: usize = 2_000;
pub const MAX_NOTES: usize = 50_000;

/// Checks an observation as sent (items and notes); the first fault, in French.
pub fn parse_observation(
    items: &[(String, String, Option<u32>)],
    notes: &str,
) -> Result<(Vec<Item>, String), FieldError> {
    if items.len() > MAX_ITEMS {
        return Err(FieldError {
            field: "items",
            message: format!(
                "Une observation compte au plus {MAX_ITEMS} éléments ({} reçus)",
                items.len()
            ),
        });
    }
    let mut parsed = Vec::with_capacity(items.len());
    for (n, (category, text, at)) in items.iter().enumerate() {
        let category = Category::parse(category).map_err(|e| FieldError {
            message: format!("Élément {} : {}", n + 1, e.message),
            ..e
        })?;
        let text = text.trim();
        let length = text.chars().count();
        if length == 0 || length > MAX_ITEM {
            return Err(FieldError {
                field: "items",
                message: format!(
                    "Élément {} : le texte compte de 1 à {MAX_ITEM} caractères ({length} saisis)",
                    n + 1
                ),
            });
        }
        parsed.push(Item {
            category,
            text: text.to_owned(),
            at_minute: *at,
        });
    }
    let notes = notes.trim();
    if notes.chars().count() > MAX_NOTES {
        return Err(FieldError {
            field: "notes",
            message: format!("Les notes comptent au plus {MAX_NOTES} caractères"),
        });
    }
    Ok((parsed, notes.to_owned()))
}

/// Whom a training need concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Public {
    PremierDegre,
    SecondDegre,
    InterDegres,
}

impl Public {
    pub const ALL: [Self; 3] = [Self::PremierDegre, Self::SecondDegre, Self::InterDegres];

    /// The public a person of this function most likely belongs to (for « moi aussi »).
    pub fn of_function(function: Option<crate::accounts::Function>) -> Self {
        use crate::accounts::Function as F;
        match function {
            Some(F::Enseignant1d | F::DirecteurEcole | F::Ien | F::Cpc) => Self::PremierDegre,
            Some(F::Enseignant2d | F::Perdir | F::Cpe | F::IaIpr) => Self::SecondDegre,
            _ => Self::InterDegres,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::PremierDegre => "premier-degre",
            Self::SecondDegre => "second-degre",
            Self::InterDegres => "inter-degres",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PremierDegre => "1er degré",
            Self::SecondDegre => "2nd degré",
            Self::InterDegres => "1er et 2nd degrés",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// A training need brought out by a visit: theme, public and level (for the training office).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingNeed {
    pub theme: String,
    pub public: Public,
    pub level: String,
}

impl TrainingNeed {
    pub fn parse(theme: &str, public: &str, level: &str) -> Result<Self, FieldError> {
        let theme = theme.trim();
        let length = theme.chars().count();
        if !(3..=200).contains(&length) {
            return Err(FieldError {
                field: "theme",
                message: format!("Le thème compte de 3 à 200 caractères ({length} saisis)"),
            });
        }
        let public = Public::parse(public).ok_or_else(|| FieldError {
            field: "public",
            message: "Le public est « premier-degre », « second-degre » ou « inter-degres »"
                .to_owned(),
        })?;
        let level = level.trim();
        if level.chars().count() > 100 {
            return Err(FieldError {
                field: "level",
                message: "Le niveau compte au plus 100 caractères".to_owned(),
            });
        }
        Ok(Self {
            theme: theme.to_owned(),
            public,
            level: level.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participants_are_reminded_the_day_before() {
        // 20 December 2026 at 8:00 in Paris: visits up to the 21st at midnight are reminded.
        let now = 1_797_841_800 - 86_400 - 90 * 60;
        assert_eq!(
            reminder_horizon(now),
            1_797_841_800 - 9 * 3_600 - 30 * 60 + 86_400
        );
    }

    #[test]
    fn a_class_is_observed_from_the_day_of_its_visit() {
        // 21 December 2026, 9:30 in Paris (8:30 UTC).
        let visit = 1_797_841_800;
        let refused = too_early_to_observe(visit, visit - 14 * 86_400);
        assert_eq!(
            refused.as_deref(),
            Some(
                "l'observation s'ouvre le jour de la visite, le 21 décembre 2026 : rien ne s'observe avant"
            )
        );
        // The evening before, at 23:59 in Paris, is still too early; that day at 0:01 is not.
        assert!(too_early_to_observe(visit, visit - 9 * 3_600 - 31 * 60 - 60).is_some());
        assert!(too_early_to_observe(visit, visit - 9 * 3_600 - 29 * 60).is_none());
        assert!(too_early_to_observe(visit, visit + 3 * 86_400).is_none());
    }

    #[test]
    fn a_visit_goes_from_proposal_to_a_closed_analysis() {
        use VisitEvent as E;
        let mut state = VisitState::Proposed;
        for event in [
            E::Schedule,
            E::Schedule,
            E::Observe,
            E::StartAnalysis,
            E::Close,
        ] {
            state = state.after(event).unwrap_or(VisitState::Cancelled);
        }
        assert_eq!(state, VisitState::Closed);
        assert_eq!(
            state.after(E::Schedule),
            Err("la visite est terminée (analyse close) : elle ne change plus".to_owned())
        );
        assert!(VisitState::Proposed.after(E::Close).is_err());
        assert!(VisitState::Observed.after(E::Cancel).is_err());
        assert_eq!(
            VisitState::Scheduled.after(E::Cancel),
            Ok(VisitState::Cancelled)
        );
        for state in [
            VisitState::Proposed,
            VisitState::Analysis,
            VisitState::Cancelled,
        ] {
            assert_eq!(VisitState::parse(state.code()), Some(state));
        }
    }

    #[test]
    fn a_training_need_has_a_theme_a_public_and_a_level() {
        let need = TrainingNeed::parse(" Différenciation ", "premier-degre", "Cycle 2");
        assert_eq!(
            need.map(|n| (n.theme, n.public, n.level)),
            Ok((
                "Différenciation".to_owned(),
                Public::PremierDegre,
                "Cycle 2".to_owned()
            ))
        );
        assert_eq!(
            TrainingNeed::parse("x", "premier-degre", "").map_err(|e| e.field),
            Err("theme")
        );
        assert_eq!(
            TrainingNeed::parse("Oral", "tous", "").map_err(|e| e.field),
            Err("public")
        );
    }

    #[test]
    fn the_school_year_starts_on_the_first_of_september() {
        // 2026-11-22 and 2027-06-30 are in the year that began on 2026-09-01.
        assert_eq!(school_year_start(1_795_305_600), 1_788_220_800);
        assert_eq!(school_year_start(1_814_313_600), 1_788_220_800);
        // 2026-08-31 is still in the previous one (2025-09-01).
        assert_eq!(school_year_start(1_788_134_400), 1_756_684_800);
    }

    #[test]
    fn an_observation_holds_items_of_four_kinds_and_notes() {
        let items = vec![
            (
                "geste".to_owned(),
                "  Reformule la consigne ".to_owned(),
                Some(5),
            ),
            ("outil".to_owned(), "Ardoises".to_owned(), None),
        ];
        let (parsed, notes) = parse_observation(&items, " Séance calme. ").unwrap_or_default();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].text, "Reformule la consigne");
        assert_eq!(parsed[0].at_minute, Some(5));
        assert_eq!(notes, "Séance calme.");

        let bad = vec![("note".to_owned(), "8/10".to_owned(), None)];
        assert_eq!(
            parse_observation(&bad, "").map_err(|e| e.message),
            Err(
                "Élément 1 : La catégorie est « geste », « outil », « pratique » ou « attitude »"
                    .to_owned()
            )
        );
        let empty = vec![("attitude".to_owned(), "  ".to_owned(), None)];
        assert!(parse_observation(&empty, "").is_err());
        let many = vec![("geste".to_owned(), "x".to_owned(), None); MAX_ITEMS + 1];
        assert!(parse_observation(&many, "").is_err());
    }
}
