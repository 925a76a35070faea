//! Pages of observatories and peer visits. No page has a score, a rating or a judgement
//! field: an observation is items of four kinds and notes, an analysis is a shared text.

use askama::Template;
use domain::accounts::Function;
use domain::ids::PersonId;
use domain::observatories::ObservatoryInput;
use domain::observatories::binome::{Fit, Period};
use domain::observatories::visit::{Category, Public, VisitState};
use domain::policy::VisitPart;
use store::directory::Establishment;
use store::observatories::visits::{
    Analysis, Line, Need, Observation, Participant, RequestDetail, Visit,
};
use store::observatories::{Figures, Observatory, Role, Summary};

use crate::app::observatories::RequestForm;
use crate::views::{Layout, date_fr, date_time_fr};

/// A day of a period, the French way.
fn day_fr(day: i64) -> String {
    domain::practices::consent::french_date(Period::date(day))
}

fn period_fr(p: &Period) -> String {
    if p.from == p.to {
        format!("le {}", day_fr(p.from))
    } else {
        format!("du {} au {}", day_fr(p.from), day_fr(p.to))
    }
}

fn state_label(code: &str) -> &'static str {
    VisitState::parse(code).map_or("Inconnu", VisitState::label)
}

fn request_state_label(code: &str) -> &'static str {
    match code {
        "pending" => "En attente d'un binôme",
        "assigned" => "Binôme proposé",
        "withdrawn" => "Retirée",
        _ => "Inconnu",
    }
}

/// Where a line of a list stands: its visit's state, or its request's.
fn line_state(line: &Line) -> &'static str {
    match &line.visit_state {
        Some(code) => state_label(code),
        None => request_state_label(&line.request_state),
    }
}

/// The form to create an observatory (people by e-mail address).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct ObservatoryForm {
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
    #[serde(default)]
    pub pilots: String,
    #[serde(default)]
    pub referents: String,
    #[serde(default)]
    pub observers: String,
}

impl ObservatoryForm {
    pub fn input(&self) -> ObservatoryInput {
        ObservatoryInput {
            name: self.name.clone(),
            theme: self.theme.clone(),
            scope: self.scope.clone(),
            research_question: self.research_question.clone(),
            inspe_partner: self.inspe_partner.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "observatories/list.html")]
pub struct ObservatoriesPage {
    pub layout: Layout,
    pub can_create: bool,
    pub observatories: Vec<Summary>,
    pub error: Option<String>,
    pub form: ObservatoryForm,
}

impl ObservatoriesPage {
    pub fn roles_of(&self, summary: &Summary) -> String {
        summary
            .roles
            .iter()
            .map(|r| role_label(*r))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Pilot => "pilote",
        Role::Referent => "référent",
        Role::Observer => "observateur",
    }
}

/// A line of the referent's batch.
pub struct BatchRow {
    pub request_id: i64,
    pub visit_id: Option<i64>,
    pub establishment: String,
    pub focus: String,
    pub state: &'static str,
    pub waiting_reason: String,
    pub date: String,
}

impl From<Line> for BatchRow {
    fn from(l: Line) -> Self {
        Self {
            state: line_state(&l),
            request_id: l.request_id,
            visit_id: l.visit_id,
            establishment: l.establishment,
            focus: l.focus,
            waiting_reason: l.waiting_reason,
            date: l.starts_at.map(date_time_fr).unwrap_or_default(),
        }
    }
}

/// An observer's offer, as the volunteering form shows it.
pub struct Offer {
    pub max_visits: u32,
    pub themes: String,
    pub periods: Vec<(String, String)>,
}

impl From<(u32, String, Vec<Period>)> for Offer {
    fn from((max_visits, themes, periods): (u32, String, Vec<Period>)) -> Self {
        Self {
            max_visits,
            themes,
            periods: periods
                .iter()
                .map(|p| (Period::iso(p.from), Period::iso(p.to)))
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "observatories/show.html")]
pub struct ObservatoryPage {
    pub layout: Layout,
    pub observatory: Observatory,
    pub pilots: Vec<(i64, String)>,
    pub referents: Vec<(i64, String)>,
    pub observers: usize,
    pub roles: Vec<Role>,
    pub figures: Option<Figures>,
    pub batch: Vec<BatchRow>,
    pub offer: Option<Offer>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl ObservatoryPage {
    pub fn referent(&self) -> bool {
        self.roles.contains(&Role::Referent)
    }

    pub fn names(&self, people: &[(i64, String)]) -> String {
        people
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn state_label(&self, code: &str) -> &'static str {
        state_label(code)
    }

    /// The volunteering form's periods: the offer's, then empty rows up to three.
    pub fn offer_periods(&self) -> Vec<(String, String)> {
        let mut rows = self
            .offer
            .as_ref()
            .map(|o| o.periods.clone())
            .unwrap_or_default();
        while rows.len() < 3 {
            rows.push((String::new(), String::new()));
        }
        rows
    }
}

pub struct StaffRow {
    pub id: i64,
    pub name: String,
    pub function: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "observatories/request_form.html")]
pub struct RequestFormPage {
    pub layout: Layout,
    pub observatory: Observatory,
    pub establishments: Vec<(String, String)>,
    pub staff: Vec<StaffRow>,
    pub form: RequestForm,
    pub periods: Vec<(String, String)>,
    pub error: Option<String>,
}

impl RequestFormPage {
    pub fn new(
        layout: Layout,
        observatory: Observatory,
        mine: Vec<Establishment>,
        staff: Vec<(i64, String, String)>,
        form: RequestForm,
        error: Option<String>,
    ) -> Self {
        let mut periods: Vec<(String, String)> = form
            .from
            .iter()
            .cloned()
            .zip(form.to.iter().cloned())
            .filter(|(f, t)| !f.is_empty() || !t.is_empty())
            .collect();
        while periods.len() < 3 {
            periods.push((String::new(), String::new()));
        }
        Self {
            layout,
            observatory,
            establishments: mine.into_iter().map(|e| (e.uai, e.name)).collect(),
            staff: staff
                .into_iter()
                .map(|(id, name, function)| StaffRow {
                    checked: form.teachers.contains(&id),
                    id,
                    name,
                    function: Function::parse(&function).map_or("", Function::label),
                })
                .collect(),
            form,
            periods,
            error,
        }
    }
}

pub struct TeacherRow {
    pub name: String,
    pub consent: String,
}

fn teacher_rows(people: &[Participant]) -> Vec<TeacherRow> {
    people
        .iter()
        .map(|t| TeacherRow {
            name: t.name.clone(),
            consent: t
                .consented_at
                .map_or("consentement attendu".to_owned(), |at| {
                    format!("a consenti le {}", date_fr(at))
                }),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "observatories/request.html")]
pub struct RequestPage {
    pub layout: Layout,
    pub request: RequestDetail,
    pub state: &'static str,
    pub teachers: Vec<TeacherRow>,
    pub periods: Vec<String>,
    pub consent_due: bool,
}

impl RequestPage {
    pub fn new(
        layout: Layout,
        request: RequestDetail,
        _part: Option<VisitPart>,
        person: PersonId,
    ) -> Self {
        Self {
            layout,
            state: request_state_label(&request.state),
            teachers: teacher_rows(&request.teachers),
            periods: request.periods.iter().map(period_fr).collect(),
            consent_due: request
                .teachers
                .iter()
                .any(|t| t.id == person && t.consented_at.is_none()),
            request,
        }
    }
}

pub struct VisitRow {
    pub link: String,
    pub observatory: String,
    pub establishment: String,
    pub focus: String,
    pub state: &'static str,
    pub date: String,
    pub consent_due: bool,
}

#[derive(Template)]
#[template(path = "observatories/visits.html")]
pub struct VisitsPage {
    pub layout: Layout,
    pub rows: Vec<VisitRow>,
    pub has_feed: bool,
    pub feed_url: Option<String>,
}

impl VisitsPage {
    pub fn new(layout: Layout, lines: Vec<Line>, has_feed: bool, feed_url: Option<String>) -> Self {
        Self {
            layout,
            rows: lines
                .into_iter()
                .map(|l| VisitRow {
                    state: line_state(&l),
                    link: match l.visit_id {
                        Some(v) => format!("/visites/{v}"),
                        None => format!("/demandes/{}", l.request_id),
                    },
                    observatory: l.observatory_name,
                    establishment: l.establishment,
                    focus: l.focus,
                    date: l.starts_at.map(date_time_fr).unwrap_or_default(),
                    consent_due: l.consent_due,
                })
                .collect(),
            has_feed,
            feed_url,
        }
    }
}

/// Observation items of one kind.
pub struct ItemGroup {
    pub label: &'static str,
    pub items: Vec<(String, String)>,
}

fn groups(observation: &Observation) -> Vec<ItemGroup> {
    Category::ALL
        .into_iter()
        .map(|c| ItemGroup {
            label: c.label(),
            items: observation
                .items
                .iter()
                .filter(|i| i.category == c)
                .map(|i| {
                    (
                        i.at_minute.map_or(String::new(), |m| format!("{m} min")),
                        i.text.clone(),
                    )
                })
                .collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect()
}

/// What a visit's page shows besides the visit itself.
pub struct VisitDetails {
    pub candidates: Vec<(PersonId, String, Fit)>,
    pub observation: Observation,
    pub analysis: Analysis,
    pub needs: Vec<Need>,
}

pub struct Candidate {
    pub id: i64,
    pub label: String,
}

#[derive(Template)]
#[template(path = "observatories/visit.html")]
pub struct VisitPage {
    pub layout: Layout,
    pub visit: Visit,
    pub part: VisitPart,
    pub state: &'static str,
    pub date: String,
    pub candidates: Vec<Candidate>,
    pub groups: Vec<ItemGroup>,
    pub notes: String,
    pub analysis: Analysis,
    pub observers_agreed: String,
    pub observed_agreed: String,
    pub needs: Vec<(String, &'static str, String)>,
    pub publics: Vec<(&'static str, &'static str)>,
    pub error: Option<String>,
}

impl VisitPage {
    pub fn new(
        layout: Layout,
        visit: Visit,
        part: VisitPart,
        details: VisitDetails,
        error: Option<String>,
    ) -> Self {
        let agreed = |at: Option<i64>| {
            at.map_or("pas encore".to_owned(), |at| {
                format!("approuvée le {}", date_time_fr(at))
            })
        };
        Self {
            layout,
            state: visit.state.label(),
            date: match (visit.starts_at, visit.ends_at) {
                (Some(s), Some(e)) => format!(
                    "{} – {}",
                    date_time_fr(s),
                    date_time_fr(e).rsplit(" à ").next().unwrap_or_default()
                ),
                _ => String::new(),
            },
            candidates: details
                .candidates
                .into_iter()
                .map(|(id, name, fit)| Candidate {
                    id: id.0,
                    label: if fit.reasons.is_empty() {
                        name
                    } else {
                        format!("{name} — {}", fit.reasons.join(", "))
                    },
                })
                .collect(),
            groups: groups(&details.observation),
            notes: details.observation.notes,
            observers_agreed: agreed(details.analysis.observers_agreed_at),
            observed_agreed: agreed(details.analysis.observed_agreed_at),
            analysis: details.analysis,
            needs: details
                .needs
                .into_iter()
                .map(|n| {
                    let public = Public::parse(&n.public).map_or("", Public::label);
                    (n.theme, public, n.level)
                })
                .collect(),
            publics: Public::ALL.iter().map(|p| (p.code(), p.label())).collect(),
            visit,
            part,
            error,
        }
    }

    pub fn referent(&self) -> bool {
        self.part == VisitPart::Referent
    }

    pub fn observer(&self) -> bool {
        self.part == VisitPart::Observer
    }

    pub fn observed(&self) -> bool {
        self.part == VisitPart::Observed
    }

    /// The binôme can still change and the date be set.
    pub fn open(&self) -> bool {
        matches!(
            self.visit.state,
            VisitState::Proposed | VisitState::Scheduled
        )
    }

    pub fn scheduled(&self) -> bool {
        self.visit.state == VisitState::Scheduled
    }

    pub fn writing(&self) -> bool {
        matches!(
            self.visit.state,
            VisitState::Observed | VisitState::Analysis
        ) && self.part != VisitPart::Referent
    }

    pub fn in_analysis(&self) -> bool {
        self.visit.state == VisitState::Analysis
    }

    pub fn closed(&self) -> bool {
        self.visit.state == VisitState::Closed
    }

    /// Why the class may not be observed yet (before the day of the visit), with a capital.
    pub fn too_early(&self) -> Option<String> {
        too_early(&self.visit)
    }

    pub fn gridded(&self) -> bool {
        matches!(
            self.visit.state,
            VisitState::Scheduled | VisitState::Observed | VisitState::Analysis
        )
    }

    pub fn names(&self, people: &[Participant]) -> String {
        store::observatories::visits::names(people)
    }

    /// Whether the caller's side has agreed to the analysis.
    pub fn my_side_agreed(&self) -> bool {
        match self.part {
            VisitPart::Observer => self.analysis.observers_agreed_at.is_some(),
            VisitPart::Observed => self.analysis.observed_agreed_at.is_some(),
            VisitPart::Referent => true,
        }
    }
}

pub struct GridRow {
    pub category: &'static str,
    pub text: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "observatories/observation.html")]
pub struct ObservationPage {
    pub layout: Layout,
    pub visit: Visit,
    pub editable: bool,
    pub rows: Vec<GridRow>,
    pub notes: String,
    pub saved: String,
    pub categories: Vec<(&'static str, &'static str)>,
    pub error: Option<String>,
}

/// Why `visit`'s class may not be observed yet, as a sentence.
fn too_early(visit: &Visit) -> Option<String> {
    let early = domain::observatories::visit::too_early_to_observe(visit.starts_at?, store::now())?;
    Some(crate::error::capitalize(&early) + ".")
}

impl ObservationPage {
    pub fn too_early(&self) -> Option<String> {
        too_early(&self.visit)
    }

    pub fn new(
        layout: Layout,
        visit: Visit,
        part: VisitPart,
        observation: Observation,
        error: Option<String>,
    ) -> Self {
        Self {
            layout,
            editable: part == VisitPart::Observer
                && too_early(&visit).is_none()
                && matches!(
                    visit.state,
                    VisitState::Scheduled | VisitState::Observed | VisitState::Analysis
                ),
            rows: observation
                .items
                .iter()
                .map(|i| GridRow {
                    category: i.category.code(),
                    text: i.text.clone(),
                    at: i.at_minute.map(|m| m.to_string()).unwrap_or_default(),
                })
                .collect(),
            notes: observation.notes,
            saved: observation
                .updated_at
                .map(|at| format!("Enregistrée le {}", date_time_fr(at)))
                .unwrap_or_default(),
            categories: Category::ALL
                .iter()
                .map(|c| (c.code(), c.label()))
                .collect(),
            visit,
            error,
        }
    }
}
