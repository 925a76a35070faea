//! Observatories: the typed input of a visit request's form, and a visit's calendar event.

use domain::calendar::Event;
use domain::observatories::visit::VisitState;
use store::observatories::visits::{self, Visit};

use crate::state::AppState;

#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    pub uai: String,
    #[serde(default)]
    pub focus: String,
    #[serde(default)]
    pub constraints: String,
    #[serde(default)]
    pub teachers: Vec<i64>,
    #[serde(default)]
    pub from: Vec<String>,
    #[serde(default)]
    pub to: Vec<String>,
}

/// The iCalendar event of a visit, as its participants' calendars show it.
pub(crate) fn event(state: &AppState, visit: &Visit) -> Option<Event> {
    let (starts_at, ends_at) = (visit.starts_at?, visit.ends_at?);
    let base = state.settings.public_url.trim_end_matches('/');
    let host = base.split("://").nth(1).unwrap_or(base);
    Some(Event {
        uid: format!("visite-{}@{host}", visit.id.0),
        sequence: visit.updated_at - visit.created_at,
        starts_at,
        ends_at,
        stamp: visit.updated_at,
        summary: format!("Visite entre pairs — {}", visit.establishment),
        description: format!(
            "Observatoire « {} ». Problématique : {}\nBinôme : {}\nEnseignant(s) observé(s) : {}",
            visit.observatory_name,
            visit.focus,
            visits::names(&visit.observers),
            visits::names(&visit.observed)
        ),
        location: format!("{} ({})", visit.establishment, visit.uai),
        url: format!("{base}/visites/{}", visit.id.0),
        attendees: visit
            .observers
            .iter()
            .chain(&visit.observed)
            .map(|p| (p.name.clone(), p.email.clone()))
            .collect(),
        cancelled: visit.state == VisitState::Cancelled,
    })
}
