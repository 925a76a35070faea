use askama::Template;
use domain::observatories::visit::Public;
use domain::territories::events::{RegistrationStatus, span_fr};
use domain::training::modules::{MAX_SESSIONS, Plan};
use store::territories::TerritorySummary;
use store::training::modules::{Module, Registrant};

use crate::views::Layout;

/// A module in a list.
pub struct ModuleSummary {
    pub id: i64,
    pub title: String,
    pub plan: &'static str,
    pub public: &'static str,
    /// Its first session, and how many there are.
    pub when: String,
    pub sessions: usize,
    pub territory: Option<String>,
    pub seats_left: i64,
    pub waitlisted: i64,
    pub cancelled: bool,
    /// The caller's registration: "registered", "waitlisted" or "".
    pub mine: &'static str,
}

fn mine(module: &Module) -> (&'static str, i64) {
    match module.mine {
        Some((RegistrationStatus::Registered, _)) => ("registered", 0),
        Some((RegistrationStatus::Waitlisted, n)) => ("waitlisted", n),
        None => ("", 0),
    }
}

impl From<&Module> for ModuleSummary {
    fn from(m: &Module) -> Self {
        Self {
            id: m.id.0,
            title: m.title.clone(),
            plan: m.plan.label(),
            public: m.public.label(),
            when: m
                .sessions
                .first()
                .map(|s| span_fr(s.starts_at, s.ends_at))
                .unwrap_or_default(),
            sessions: m.sessions.len(),
            territory: m.territory.as_ref().map(|(_, name)| name.clone()),
            seats_left: m.seats_left(),
            waitlisted: m.waitlisted,
            cancelled: m.cancelled,
            mine: mine(m).0,
        }
    }
}

/// The module form as sent (and shown again when refused); sessions are rows of repeated
/// fields, the rows without a date left out.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ModuleForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub objectives: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub public: String,
    #[serde(default)]
    pub territory: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub reserved_seats: String,
    /// One per line.
    #[serde(default)]
    pub themes: String,
    /// E-mail addresses, one per line.
    #[serde(default)]
    pub trainers: String,
    #[serde(default)]
    pub session_date: Vec<String>,
    #[serde(default)]
    pub session_start: Vec<String>,
    #[serde(default)]
    pub session_end: Vec<String>,
    #[serde(default)]
    pub session_place: Vec<String>,
    #[serde(default)]
    pub session_video: Vec<String>,
}

/// A session row of the form.
pub struct SessionRow {
    pub n: usize,
    pub date: String,
    pub start: String,
    pub end: String,
    pub place: String,
    pub video: String,
}

/// Session rows offered by the form.
const FORM_SESSIONS: usize = 4;

#[derive(Template)]
#[template(path = "training/module_form.html")]
pub struct NewModulePage {
    pub layout: Layout,
    pub territories: Vec<TerritorySummary>,
    /// The themes of the demand this school year (at least five people each).
    pub demand: Vec<String>,
    pub form: ModuleForm,
    pub error: Option<String>,
}

impl NewModulePage {
    pub fn plans(&self) -> Vec<(&'static str, &'static str)> {
        Plan::ALL.iter().map(|p| (p.code(), p.label())).collect()
    }

    pub fn publics(&self) -> Vec<(&'static str, &'static str)> {
        Public::ALL.iter().map(|p| (p.code(), p.label())).collect()
    }

    pub fn territory_selected(&self, id: &i64) -> bool {
        self.form.territory.trim() == id.to_string()
    }

    /// The session rows: those typed, then blank ones up to four (twenty at most).
    pub fn session_rows(&self) -> Vec<SessionRow> {
        let f = &self.form;
        let at = |list: &[String], n: usize| list.get(n).cloned().unwrap_or_default();
        let rows = f.session_date.len().clamp(FORM_SESSIONS, MAX_SESSIONS);
        (0..rows)
            .map(|n| SessionRow {
                n: n + 1,
                date: at(&f.session_date, n),
                start: at(&f.session_start, n),
                end: at(&f.session_end, n),
                place: at(&f.session_place, n),
                video: at(&f.session_video, n),
            })
            .collect()
    }
}

pub struct SessionView {
    pub id: i64,
    pub when: String,
    pub place: String,
    pub video_url: String,
}

pub struct RegistrantRow {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub waiting: bool,
    pub reserved: bool,
    pub attended: Vec<i64>,
}

#[derive(Template)]
#[template(path = "training/module.html")]
pub struct ModulePage {
    pub layout: Layout,
    pub module: ModuleSummary,
    pub objectives_html: String,
    pub themes: Vec<String>,
    pub trainers: Vec<String>,
    pub sessions: Vec<SessionView>,
    pub capacity: i64,
    pub registered: i64,
    pub reserved_seats: i64,
    pub reserved_taken: i64,
    pub open: bool,
    pub position: i64,
    /// The office or a trainer of the module: registrations and attendance.
    pub runs: bool,
    /// The office: cancelling.
    pub cancels: bool,
    pub registrants: Vec<RegistrantRow>,
    /// The caller attended a session: the attestation is theirs.
    pub attended: bool,
    pub notice: Option<String>,
}

impl ModulePage {
    pub fn new(
        layout: Layout,
        module: Module,
        runs: bool,
        cancels: bool,
        registrants: Vec<Registrant>,
        attended: bool,
        notice: Option<String>,
    ) -> Self {
        Self {
            layout,
            objectives_html: domain::markdown::to_html(&module.objectives),
            themes: module.themes.clone(),
            trainers: module.trainers.iter().map(|(_, n)| n.clone()).collect(),
            sessions: module
                .sessions
                .iter()
                .map(|s| SessionView {
                    id: s.id,
                    when: span_fr(s.starts_at, s.ends_at),
                    place: s.place.clone(),
                    video_url: s.video_url.clone(),
                })
                .collect(),
            capacity: module.capacity,
            registered: module.registered,
            reserved_seats: module.reserved_seats,
            reserved_taken: module.reserved_taken,
            open: module.open_at(store::now()),
            position: mine(&module).1,
            module: ModuleSummary::from(&module),
            runs,
            cancels,
            registrants: registrants
                .into_iter()
                .map(|r| RegistrantRow {
                    person_id: r.person_id,
                    waiting: r.status == RegistrationStatus::Waitlisted,
                    reserved: r.reserved,
                    attended: r.attended,
                    name: r.name,
                    email: r.email,
                })
                .collect(),
            attended,
            notice,
        }
    }

    /// The registered (those who may be marked present).
    pub fn registered_rows(&self) -> Vec<&RegistrantRow> {
        self.registrants.iter().filter(|r| !r.waiting).collect()
    }
}

impl RegistrantRow {
    pub fn came(&self, session: &i64) -> bool {
        self.attended.contains(session)
    }
}
