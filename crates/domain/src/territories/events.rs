//! Events of a territory (seeds 000 and 002): « les partages de l'innovation », « la fête de
//! l'apprendre », workshops of the OTA Lab, meetings — with a capacity, registrations and a
//! waiting list — and the Lab's rooms, booked without two bookings at once in a room.

use crate::practices::FieldError;

/// What kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    PartagesInnovation,
    FeteApprendre,
    AtelierLab,
    Reunion,
    Autre,
}

impl EventKind {
    pub const ALL: [Self; 5] = [
        Self::PartagesInnovation,
        Self::FeteApprendre,
        Self::AtelierLab,
        Self::Reunion,
        Self::Autre,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::PartagesInnovation => "partages-innovation",
            Self::FeteApprendre => "fete-apprendre",
            Self::AtelierLab => "atelier-lab",
            Self::Reunion => "reunion",
            Self::Autre => "autre",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PartagesInnovation => "Les partages de l'innovation",
            Self::FeteApprendre => "La fête de l'apprendre",
            Self::AtelierLab => "Atelier de l'OTA Lab",
            Self::Reunion => "Réunion",
            Self::Autre => "Autre",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// An event as a form or the API sends it; times in seconds since the epoch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventInput {
    pub title: String,
    pub kind: String,
    pub description: String,
    pub place: String,
    pub capacity: i64,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// A valid event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventContent {
    pub title: String,
    pub kind: EventKind,
    pub description: String,
    pub place: String,
    pub capacity: u32,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// The longest event: two weeks (a festival, a series of workshops).
pub const LONGEST: i64 = 14 * 86_400;

fn error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

impl EventContent {
    pub fn parse(input: &EventInput) -> Result<Self, FieldError> {
        let title = crate::text::one_line(&input.title);
        if !(3..=200).contains(&title.chars().count()) {
            return Err(error(
                "title",
                "Le titre doit compter entre 3 et 200 caractères",
            ));
        }
        let kind = EventKind::parse(input.kind.trim()).ok_or_else(|| {
            error(
                "kind",
                format!(
                    "Type d'événement inconnu : « {} » (partages-innovation, fete-apprendre, atelier-lab, reunion ou autre)",
                    input.kind.trim()
                ),
            )
        })?;
        let description = input.description.trim().to_owned();
        if description.chars().count() > 10_000 {
            return Err(error(
                "description",
                "La présentation ne doit pas dépasser 10 000 caractères",
            ));
        }
        let place = input.place.trim().to_owned();
        if place.chars().count() > 300 {
            return Err(error(
                "place",
                "Le lieu ne doit pas dépasser 300 caractères",
            ));
        }
        let capacity = u32::try_from(input.capacity)
            .ok()
            .filter(|c| (1..=10_000).contains(c))
            .ok_or_else(|| {
                error(
                    "capacity",
                    "La capacité est un nombre de places de 1 à 10 000",
                )
            })?;
        if input.ends_at <= input.starts_at {
            return Err(error("ends_at", "L'événement finit après son début"));
        }
        if input.ends_at - input.starts_at > LONGEST {
            return Err(error("ends_at", "Un événement dure deux semaines au plus"));
        }
        Ok(Self {
            title,
            kind,
            description,
            place,
            capacity,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
        })
    }
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistrationStatus {
    Registered,
    Waitlisted,
}

impl RegistrationStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Waitlisted => "waitlisted",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "registered" => Some(Self::Registered),
            "waitlisted" => Some(Self::Waitlisted),
            _ => None,
        }
    }
}

/// A span of time in French, at the time of Paris: « le 15 mars 2027 de 9 h 00 à 12 h 00 »,
/// or « du 15 mars 2027 à 9 h 00 au 16 mars 2027 à 17 h 00 » over several days.
pub fn span_fr(from: i64, to: i64) -> String {
    let (Some(a), Some(b)) = (
        crate::spaces::paris_time(from),
        crate::spaces::paris_time(to),
    ) else {
        return String::new();
    };
    let date = crate::practices::consent::french_date;
    let hour = |t: time::PrimitiveDateTime| format!("{} h {:02}", t.hour(), t.minute());
    if a.date() == b.date() {
        format!("le {} de {} à {}", date(a.date()), hour(a), hour(b))
    } else {
        format!(
            "du {} à {} au {} à {}",
            date(a.date()),
            hour(a),
            date(b.date()),
            hour(b)
        )
    }
}

/// Whether two spans of time `[from, to)` overlap (one ending when the other starts does not).
pub fn overlaps(a: (i64, i64), b: (i64, i64)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> EventInput {
        EventInput {
            title: "  Les partages   de l'innovation 2027 ".into(),
            kind: "partages-innovation".into(),
            capacity: 120,
            starts_at: 1_800_000_000,
            ends_at: 1_800_000_000 + 7 * 3600,
            ..EventInput::default()
        }
    }

    #[test]
    fn events_are_checked_field_by_field() {
        let ok = EventContent::parse(&input());
        assert_eq!(
            ok.as_ref().map(|e| (e.title.as_str(), e.kind, e.capacity)),
            Ok((
                "Les partages de l'innovation 2027",
                EventKind::PartagesInnovation,
                120
            ))
        );
        let field = |change: &dyn Fn(&mut EventInput)| {
            let mut i = input();
            change(&mut i);
            EventContent::parse(&i).err().map(|e| e.field)
        };
        assert_eq!(field(&|i| i.title = "ab".into()), Some("title"));
        assert_eq!(field(&|i| i.kind = "kermesse".into()), Some("kind"));
        assert_eq!(field(&|i| i.capacity = 0), Some("capacity"));
        assert_eq!(field(&|i| i.capacity = 10_001), Some("capacity"));
        assert_eq!(field(&|i| i.ends_at = i.starts_at), Some("ends_at"));
        assert_eq!(
            field(&|i| i.ends_at = i.starts_at + LONGEST + 1),
            Some("ends_at")
        );
        assert_eq!(field(&|i| i.place = "x".repeat(301)), Some("place"));
        let err = EventContent::parse(&EventInput {
            kind: "kermesse".into(),
            ..input()
        });
        assert!(err.is_err_and(|e| e.message.contains("« kermesse »")));
    }

    #[test]
    fn kinds_round_trip() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(EventKind::parse("Reunion"), None);
        assert_eq!(
            RegistrationStatus::from_code("waitlisted"),
            Some(RegistrationStatus::Waitlisted)
        );
    }

    #[test]
    fn spans_read_in_french_at_the_time_of_paris() {
        // 2027-03-15 08:00 UTC is 9 h 00 in Paris (winter time).
        let morning = 1_805_097_600;
        assert_eq!(
            span_fr(morning, morning + 3 * 3600),
            "le 15 mars 2027 de 9 h 00 à 12 h 00"
        );
        assert_eq!(
            span_fr(morning, morning + 86_400 + 8 * 3600),
            "du 15 mars 2027 à 9 h 00 au 16 mars 2027 à 17 h 00"
        );
    }

    #[test]
    fn spans_that_touch_do_not_overlap() {
        assert!(overlaps((10, 20), (15, 25)));
        assert!(overlaps((10, 20), (12, 18)));
        assert!(!overlaps((10, 20), (20, 30)));
        assert!(!overlaps((20, 30), (10, 20)));
    }
}
