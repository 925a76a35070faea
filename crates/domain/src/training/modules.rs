//! Modules of the departmental or academic training plan that answer the demand: what a
//! module is (its sessions, capacity and the seats kept for the observatories), which seat a
//! registration takes, and how long a person attended.

use crate::observatories::visit::Public;
use crate::practices::FieldError;
use crate::text::fold;

/// The plan a module belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Plan départemental (formation continue du 1er degré).
    Departemental,
    /// Plan académique (DAFOP / EAFC, 2nd degré and inter-degrés).
    Academique,
}

impl Plan {
    pub const ALL: [Self; 2] = [Self::Departemental, Self::Academique];

    pub fn code(self) -> &'static str {
        match self {
            Self::Departemental => "departemental",
            Self::Academique => "academique",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Departemental => "Plan départemental de formation",
            Self::Academique => "Plan académique de formation (EAFC)",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// A session as a form or the API sends it; times in seconds since the epoch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionInput {
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub video_url: String,
}

/// A module as a form or the API sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModuleInput {
    pub title: String,
    pub objectives: String,
    pub plan: String,
    pub public: String,
    pub capacity: i64,
    pub reserved_seats: i64,
    /// The themes of the demand it answers.
    pub themes: Vec<String>,
    pub sessions: Vec<SessionInput>,
}

/// A valid module: sessions in time order, themes without repeats (whatever the accents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleContent {
    pub title: String,
    pub objectives: String,
    pub plan: Plan,
    pub public: Public,
    pub capacity: u32,
    pub reserved_seats: u32,
    pub themes: Vec<String>,
    pub sessions: Vec<SessionInput>,
}

/// The most sessions a module has.
pub const MAX_SESSIONS: usize = 20;
/// A session lasts a day at most.
const LONGEST_SESSION: i64 = 86_400;

fn error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

impl ModuleContent {
    pub fn parse(input: &ModuleInput) -> Result<Self, FieldError> {
        let title = crate::text::one_line(&input.title);
        if !(3..=200).contains(&title.chars().count()) {
            return Err(error(
                "title",
                "Le titre du module compte de 3 à 200 caractères",
            ));
        }
        let objectives = input.objectives.trim().to_owned();
        if !(3..=5_000).contains(&objectives.chars().count()) {
            return Err(error(
                "objectives",
                "Dites les objectifs du module (de 3 à 5 000 caractères)",
            ));
        }
        let plan = Plan::parse(input.plan.trim())
            .ok_or_else(|| error("plan", "Le plan est « departemental » ou « academique »"))?;
        let public = Public::parse(input.public.trim()).ok_or_else(|| {
            error(
                "public",
                "Le public est « premier-degre », « second-degre » ou « inter-degres »",
            )
        })?;
        let capacity = u32::try_from(input.capacity)
            .ok()
            .filter(|c| (1..=1_000).contains(c))
            .ok_or_else(|| {
                error(
                    "capacity",
                    "La capacité est un nombre de places de 1 à 1 000",
                )
            })?;
        let reserved_seats = u32::try_from(input.reserved_seats)
            .ok()
            .filter(|r| *r <= capacity)
            .ok_or_else(|| {
                error(
                    "reserved_seats",
                    format!(
                        "Les places réservées aux observatoires vont de 0 à la capacité ({capacity})"
                    ),
                )
            })?;
        let mut themes: Vec<String> = Vec::new();
        for theme in &input.themes {
            let theme = theme.trim();
            if theme.is_empty() {
                continue;
            }
            if !(3..=200).contains(&theme.chars().count()) {
                return Err(error(
                    "themes",
                    format!("Un thème compte de 3 à 200 caractères : « {theme} »"),
                ));
            }
            if !themes.iter().any(|t| fold(t) == fold(theme)) {
                themes.push(theme.to_owned());
            }
        }
        if themes.is_empty() {
            return Err(error(
                "themes",
                "Dites à quels thèmes de la demande le module répond (un par ligne)",
            ));
        }
        if themes.len() > 20 {
            return Err(error("themes", "Un module répond à 20 thèmes au plus"));
        }
        if input.sessions.is_empty() {
            return Err(error("sessions", "Un module compte au moins une session"));
        }
        if input.sessions.len() > MAX_SESSIONS {
            return Err(error(
                "sessions",
                format!("Un module compte {MAX_SESSIONS} sessions au plus"),
            ));
        }
        let mut sessions = Vec::with_capacity(input.sessions.len());
        for (n, session) in input.sessions.iter().enumerate() {
            let which = n + 1;
            let (place, video_url) =
                crate::territories::groups::venue(&session.place, &session.video_url, "la session")
                    .map_err(|e| error(e.field, format!("Session {which} : {}", e.message)))?;
            if session.ends_at <= session.starts_at {
                return Err(error(
                    "sessions",
                    format!("Session {which} : elle finit après son début"),
                ));
            }
            if session.ends_at - session.starts_at > LONGEST_SESSION {
                return Err(error(
                    "sessions",
                    format!("Session {which} : une session dure une journée au plus"),
                ));
            }
            sessions.push(SessionInput {
                starts_at: session.starts_at,
                ends_at: session.ends_at,
                place,
                video_url,
            });
        }
        sessions.sort_by_key(|s| s.starts_at);
        Ok(Self {
            title,
            objectives,
            plan,
            public,
            capacity,
            reserved_seats,
            themes,
            sessions,
        })
    }
}

/// Where a new registration goes, given the seats taken: a seat kept for the observatories
/// (first, for a member of one), an open seat, or the waiting list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seat {
    Reserved,
    Open,
    Waiting,
}

/// The seat a registration takes in a module of `capacity` seats, `reserved` of them kept for
/// members of the observatories, `open_taken` and `reserved_taken` already taken.
pub fn seat(
    capacity: u32,
    reserved: u32,
    open_taken: u32,
    reserved_taken: u32,
    observatory_member: bool,
) -> Seat {
    if observatory_member && reserved_taken < reserved {
        Seat::Reserved
    } else if open_taken < capacity.saturating_sub(reserved) {
        Seat::Open
    } else {
        Seat::Waiting
    }
}

/// A length of time in French: « 3 h », « 6 h 30 », « 45 min ».
pub fn duration_fr(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ModuleInput {
        ModuleInput {
            title: "  Conduire   un débat réglé ".to_owned(),
            objectives: "Mener un débat en classe".to_owned(),
            plan: "departemental".to_owned(),
            public: "premier-degre".to_owned(),
            capacity: 20,
            reserved_seats: 4,
            themes: vec![
                "Débat réglé".to_owned(),
                "debat regle".to_owned(),
                " ".to_owned(),
                "Oral".to_owned(),
            ],
            sessions: vec![
                SessionInput {
                    starts_at: 2_000_000,
                    ends_at: 2_010_800,
                    place: String::new(),
                    video_url: "https://visio.education.fr/abc".to_owned(),
                },
                SessionInput {
                    starts_at: 1_000_000,
                    ends_at: 1_010_800,
                    place: "Collège Jean Zay, Lens".to_owned(),
                    video_url: String::new(),
                },
            ],
        }
    }

    #[test]
    fn a_module_keeps_its_themes_once_and_its_sessions_in_order() -> Result<(), FieldError> {
        let module = ModuleContent::parse(&input())?;
        assert_eq!(module.title, "Conduire un débat réglé");
        assert_eq!(module.themes, ["Débat réglé", "Oral"]);
        assert_eq!(module.sessions[0].place, "Collège Jean Zay, Lens");
        assert_eq!(module.plan, Plan::Departemental);
        Ok(())
    }

    #[test]
    fn a_module_without_what_it_needs_is_refused_field_by_field() {
        let refused = |change: fn(&mut ModuleInput)| {
            let mut bad = input();
            change(&mut bad);
            ModuleContent::parse(&bad).map(|_| ()).map_err(|e| e.field)
        };
        assert_eq!(refused(|m| m.reserved_seats = 21), Err("reserved_seats"));
        assert_eq!(refused(|m| m.capacity = 0), Err("capacity"));
        assert_eq!(refused(|m| m.themes.clear()), Err("themes"));
        assert_eq!(refused(|m| m.sessions.clear()), Err("sessions"));
        assert_eq!(refused(|m| m.plan = "national".to_owned()), Err("plan"));
        assert_eq!(
            refused(|m| m.sessions[1].ends_at = m.sessions[1].starts_at),
            Err("sessions")
        );
        assert_eq!(
            refused(|m| m.sessions[0].video_url = "http://visio".to_owned()),
            Err("video_url")
        );
        assert_eq!(
            refused(|m| {
                m.sessions[1].place.clear();
            }),
            Err("place")
        );
    }

    #[test]
    fn reserved_seats_go_to_observatory_members_first_and_to_nobody_else() {
        // 5 seats, 2 kept: 3 open.
        assert_eq!(seat(5, 2, 0, 0, true), Seat::Reserved);
        assert_eq!(seat(5, 2, 0, 2, true), Seat::Open);
        assert_eq!(seat(5, 2, 3, 0, false), Seat::Waiting);
        assert_eq!(seat(5, 2, 3, 1, true), Seat::Reserved);
        assert_eq!(seat(5, 2, 3, 2, true), Seat::Waiting);
        assert_eq!(seat(5, 0, 4, 0, true), Seat::Open);
    }

    #[test]
    fn durations_read_in_french() {
        assert_eq!(duration_fr(3 * 3600), "3 h");
        assert_eq!(duration_fr(6 * 3600 + 30 * 60), "6 h 30");
        assert_eq!(duration_fr(45 * 60), "45 min");
    }
}
