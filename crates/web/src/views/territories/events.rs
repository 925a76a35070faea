use askama::Template;
use domain::ids::PersonId;
use domain::territories::events::{EventKind, RegistrationStatus, span_fr};
use store::territories::events::{Booking, Event, Registrant, Room};

use crate::views::Layout;

/// An event in a list or on its page.
pub struct EventView {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub when: String,
    pub place: String,
    pub territory: Option<String>,
    pub capacity: i64,
    pub registered: i64,
    pub waitlisted: i64,
    /// Places left (0: full, registration goes to the waiting list).
    pub left: i64,
}

impl From<&Event> for EventView {
    fn from(e: &Event) -> Self {
        let place = [e.room.clone().unwrap_or_default(), e.place.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            id: e.id.0,
            title: e.title.clone(),
            kind: e.kind.label(),
            when: span_fr(e.starts_at, e.ends_at),
            place,
            territory: e.territory.as_ref().map(|(_, name)| name.clone()),
            capacity: e.capacity,
            registered: e.registered,
            waitlisted: e.waitlisted,
            left: (e.capacity - e.registered).max(0),
        }
    }
}

#[derive(Template)]
#[template(path = "territories/events.html")]
pub struct EventsPage {
    pub layout: Layout,
    pub events: Vec<EventView>,
    pub can_create: bool,
}

impl EventsPage {
    pub fn new(layout: Layout, events: Vec<Event>, can_create: bool) -> Self {
        Self {
            layout,
            events: events.iter().map(EventView::from).collect(),
            can_create,
        }
    }
}

/// The event form as sent (and shown again when refused).
#[derive(Debug, Default, serde::Deserialize)]
pub struct EventForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub territory: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end_date: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Template)]
#[template(path = "territories/event_form.html")]
pub struct NewEventPage {
    pub layout: Layout,
    /// Where the caller may create an event: (territory id or none, name).
    pub territories: Vec<(Option<i64>, String)>,
    pub rooms: Vec<Room>,
    pub form: EventForm,
    pub error: Option<String>,
}

impl NewEventPage {
    pub fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        EventKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect()
    }

    pub fn territory_value(&self, id: &Option<i64>) -> String {
        id.map(|i| i.to_string()).unwrap_or_default()
    }
}

pub struct RegistrantRow {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub waiting: bool,
    pub attended: bool,
}

#[derive(Template)]
#[template(path = "territories/event.html")]
pub struct EventPage {
    pub layout: Layout,
    pub event: EventView,
    pub description_html: String,
    pub cancelled: bool,
    pub past: bool,
    /// "registered", "waitlisted" or "" for the caller.
    pub mine: &'static str,
    pub position: i64,
    pub organiser: bool,
    pub registrants: Vec<RegistrantRow>,
    pub notice: Option<String>,
}

impl EventPage {
    pub fn new(
        layout: Layout,
        event: Event,
        organiser: bool,
        registrants: Vec<Registrant>,
        notice: Option<String>,
    ) -> Self {
        let (mine, position) = match event.mine {
            Some((RegistrationStatus::Registered, _)) => ("registered", 0),
            Some((RegistrationStatus::Waitlisted, n)) => ("waitlisted", n),
            None => ("", 0),
        };
        Self {
            layout,
            description_html: domain::markdown::to_html(&event.description),
            cancelled: event.cancelled,
            past: event.ends_at <= store::now(),
            event: EventView::from(&event),
            mine,
            position,
            organiser,
            registrants: registrants
                .into_iter()
                .map(|r| RegistrantRow {
                    person_id: r.person_id,
                    waiting: r.status != RegistrationStatus::Registered.code(),
                    attended: r.attended == Some(true),
                    name: r.name,
                    email: r.email,
                })
                .collect(),
            notice,
        }
    }
}

/// The Lab's booking form as sent.
#[derive(Debug, Default, serde::Deserialize)]
pub struct LabForm {
    #[serde(default)]
    pub room: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub purpose: String,
}

pub struct BookingRow {
    pub id: i64,
    pub room: String,
    pub when: String,
    pub purpose: String,
    pub booker: String,
    pub event_id: Option<i64>,
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "territories/lab.html")]
pub struct LabPage {
    pub layout: Layout,
    pub rooms: Vec<Room>,
    pub bookings: Vec<BookingRow>,
    pub signed_in: bool,
    pub form: LabForm,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl LabPage {
    pub fn new(
        layout: Layout,
        rooms: Vec<Room>,
        bookings: Vec<Booking>,
        person: Option<PersonId>,
        form: LabForm,
        notice: Option<String>,
        error: Option<String>,
    ) -> Self {
        Self {
            layout,
            rooms,
            bookings: bookings
                .into_iter()
                .map(|b| BookingRow {
                    id: b.id,
                    when: span_fr(b.starts_at, b.ends_at),
                    mine: person.is_some_and(|p| Some(p.0) == b.booked_by),
                    room: b.room,
                    purpose: b.purpose,
                    booker: b.booker.unwrap_or_default(),
                    event_id: b.event_id,
                })
                .collect(),
            signed_in: person.is_some(),
            form,
            notice,
            error,
        }
    }
}
