//! Events (« les partages de l'innovation », « la fête de l'apprendre », workshops of the OTA
//! Lab, meetings): the list, creation by coordinators, registration with a waiting list,
//! attendance, iCalendar; and the OTA Lab's rooms, booked without double booking.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::calendar::{self, Method};
use domain::ids::{BookingId, EventId, LabRoomId, PersonId, TerritoryId};
use domain::policy::{Action, Actor, Resource, TerritoryRole};
use domain::territories::events::{EventContent, EventInput, RegistrationStatus};
use store::territories::events::{self, Event};

use super::allow;
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, NoFields, PageContext};
use crate::handlers::paris_moment;
use crate::state::AppState;
use crate::views::territories::events::{EventForm, EventPage, EventsPage, LabForm, LabPage};
use crate::views::{Layout, render, render_form};

/// The event `id`, and whether the caller organises it, if they may do `action` on it.
pub(crate) async fn event_for(
    state: &AppState,
    actor: Actor,
    id: EventId,
    action: Action,
) -> Result<(Event, bool), AppError> {
    let event = events::get(&state.db, id, actor.person).await?;
    let organiser = match actor.person {
        Some(person) if event.created_by == Some(person) => true,
        Some(person) => match &event.territory {
            Some((territory, _)) => {
                store::territories::role_of(&state.db, *territory, person).await?
                    == Some(TerritoryRole::Coordinator)
            }
            None => false,
        },
        None => false,
    };
    allow(actor, action, Resource::Event { organiser })?;
    Ok((event, organiser))
}

/// Creates an event of `territory` (none: of the whole platform, for administrators), in a
/// room of the Lab if one is given: for the page and the API alike.
pub(crate) async fn create_event(
    state: &AppState,
    actor: Actor,
    input: &EventInput,
    territory: Option<TerritoryId>,
    room: Option<LabRoomId>,
) -> Result<EventId, AppError> {
    let by = actor.person.ok_or(AppError::Unauthorized)?;
    let coordinator = match territory {
        Some(territory) => {
            if !store::territories::exists(&state.db, territory).await? {
                return Err(AppError::BadRequest("territoire inconnu".to_owned()));
            }
            store::territories::role_of(&state.db, territory, by).await?
                == Some(TerritoryRole::Coordinator)
        }
        None => false,
    };
    allow(actor, Action::Create, Resource::Events { coordinator })?;
    let content = EventContent::parse(input).map_err(|e| AppError::BadRequest(e.message))?;
    Ok(events::create(&state.db, &content, territory, room, by).await?)
}

/// Registers the caller: a place, or the waiting list.
pub(crate) async fn register(
    state: &AppState,
    actor: Actor,
    id: EventId,
) -> Result<RegistrationStatus, AppError> {
    event_for(state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    Ok(events::register(&state.db, id, person).await?)
}

/// Cancels the caller's registration (the first waiting takes the place).
pub(crate) async fn unregister(
    state: &AppState,
    actor: Actor,
    id: EventId,
) -> Result<(), AppError> {
    event_for(state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    events::unregister(&state.db, id, person).await?;
    Ok(())
}

/// The territories where the caller may create an event: (id, name); `None` first for an
/// administrator (an event of the whole platform).
async fn creatable_in(
    state: &AppState,
    actor: Actor,
) -> Result<Vec<(Option<i64>, String)>, AppError> {
    let Some(person) = actor.person else {
        return Ok(Vec::new());
    };
    let territories = if actor.admin {
        let mut all = vec![(None, "Toute la plateforme".to_owned())];
        all.extend(
            store::territories::list(&state.db)
                .await?
                .into_iter()
                .map(|t| (Some(t.id), t.name)),
        );
        all
    } else {
        store::territories::coordinated_by(&state.db, person)
            .await?
            .into_iter()
            .map(|(id, name)| (Some(id), name))
            .collect()
    };
    Ok(territories)
}

pub async fn list(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    let upcoming = events::upcoming(&state.db, store::now(), 200).await?;
    let can_create = !creatable_in(&state, ctx.actor()).await?.is_empty();
    render(&EventsPage::new(
        Layout::new(&ctx, "Événements"),
        upcoming,
        can_create,
    ))
}

async fn form_page(
    state: &AppState,
    ctx: &PageContext,
    form: EventForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    let territories = creatable_in(state, ctx.actor()).await?;
    if territories.is_empty() {
        return Err(if ctx.actor().person.is_none() {
            AppError::Unauthorized
        } else {
            AppError::Forbidden
        });
    }
    let page = crate::views::territories::events::NewEventPage {
        layout: Layout::new(ctx, "Créer un événement"),
        territories,
        rooms: events::rooms(&state.db).await?,
        form,
        error,
    };
    render_form(page.error.is_some(), &page)
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
) -> Result<Response, AppError> {
    form_page(&state, &ctx, EventForm::default(), None).await
}

/// An optional id from a form's select (empty: none).
fn optional_id(text: &str, what: &str) -> Result<Option<i64>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| AppError::BadRequest(format!("{what} inconnu(e) : « {text} »")))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<EventForm>,
) -> Result<Response, AppError> {
    let attempt = async {
        let end_date = if form.end_date.trim().is_empty() {
            &form.date
        } else {
            &form.end_date
        };
        let capacity = form.capacity.trim().parse().map_err(|_| {
            AppError::BadRequest("La capacité est un nombre de places de 1 à 10 000".to_owned())
        })?;
        let input = EventInput {
            title: form.title.clone(),
            kind: form.kind.clone(),
            description: form.description.clone(),
            place: form.place.clone(),
            capacity,
            starts_at: paris_moment(&form.date, &form.start)?,
            ends_at: paris_moment(end_date, &form.end)?,
        };
        let territory = optional_id(&form.territory, "territoire")?.map(TerritoryId);
        let room = optional_id(&form.room, "salle")?.map(LabRoomId);
        create_event(&state, ctx.actor(), &input, territory, room).await
    };
    match attempt.await {
        Ok(id) => Ok(Redirect::to(&format!("/evenements/{id}")).into_response()),
        Err(AppError::BadRequest(message) | AppError::Conflict(message)) => {
            form_page(&state, &ctx, form, Some(capitalize(&message))).await
        }
        Err(other) => Err(other),
    }
}

async fn event_page(
    state: &AppState,
    ctx: &PageContext,
    id: EventId,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let (event, organiser) = event_for(state, ctx.actor(), id, Action::View).await?;
    let registrants = if organiser {
        events::registrants(&state.db, id).await?
    } else {
        Vec::new()
    };
    render(&EventPage::new(
        Layout::new(ctx, event.title.clone()),
        event,
        organiser,
        registrants,
        notice,
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    event_page(&state, &ctx, EventId(id), None).await
}

pub async fn register_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let notice = match register(&state, ctx.actor(), EventId(id)).await? {
        RegistrationStatus::Registered => "Vous êtes inscrit·e.",
        RegistrationStatus::Waitlisted => {
            "L'événement est complet : vous êtes sur la liste d'attente. Si une place se libère, elle vous revient dans l'ordre d'inscription et vous en êtes averti·e."
        }
    };
    event_page(&state, &ctx, EventId(id), Some(notice.to_owned())).await
}

pub async fn unregister_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    unregister(&state, ctx.actor(), EventId(id)).await?;
    let notice = "Votre inscription est annulée.".to_owned();
    event_page(&state, &ctx, EventId(id), Some(notice)).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AttendanceForm {
    #[serde(default)]
    pub present: Vec<i64>,
}

pub async fn attendance(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AttendanceForm>,
) -> Result<Response, AppError> {
    let id = EventId(id);
    event_for(&state, ctx.actor(), id, Action::ManageMembers).await?;
    let present: Vec<PersonId> = form.present.into_iter().map(PersonId).collect();
    events::record_attendance(&state.db, id, &present).await?;
    let notice = format!("Présences enregistrées : {}.", present.len());
    event_page(&state, &ctx, id, Some(notice)).await
}

/// The event for one's calendar.
pub async fn ics(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (event, _) = event_for(&state, ctx.actor(), EventId(id), Action::View).await?;
    let base = state.settings.public_url.trim_end_matches('/');
    let host = base.split("://").nth(1).unwrap_or(base);
    let location = [event.room.clone().unwrap_or_default(), event.place.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let entry = calendar::Event {
        uid: format!("evenement-{id}@{host}"),
        sequence: 0,
        starts_at: event.starts_at,
        ends_at: event.ends_at,
        stamp: store::now(),
        summary: event.title.clone(),
        description: format!(
            "{} — {}",
            event.kind.label(),
            domain::markdown::to_text(&event.description)
        ),
        location,
        url: format!("{base}/evenements/{id}"),
        attendees: Vec::new(),
        cancelled: event.cancelled,
    };
    Ok(crate::handlers::ics(
        calendar::calendar("Territoire — événement", Method::Publish, &[entry]),
        &format!("evenement-{id}.ics"),
    ))
}

async fn lab_page(
    state: &AppState,
    ctx: &PageContext,
    form: LabForm,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let page = LabPage::new(
        Layout::new(ctx, "OTA Lab"),
        events::rooms(&state.db).await?,
        events::bookings(&state.db, store::now(), 200).await?,
        ctx.actor().person,
        form,
        notice,
        error,
    );
    render_form(page.error.is_some(), &page)
}

pub async fn lab(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    lab_page(&state, &ctx, LabForm::default(), None, None).await
}

pub async fn book(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<LabForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    allow(actor, Action::Contribute, Resource::LabRooms)?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let attempt = async {
        let room = optional_id(&form.room, "salle")?
            .ok_or_else(|| AppError::BadRequest("choisissez une salle".to_owned()))?;
        let purpose = form
            .purpose
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !(3..=200).contains(&purpose.chars().count()) {
            return Err(AppError::BadRequest(
                "dites en 3 à 200 caractères pour quoi la salle est réservée".to_owned(),
            ));
        }
        let span = (
            paris_moment(&form.date, &form.start)?,
            paris_moment(&form.date, &form.end)?,
        );
        if span.1 <= span.0 {
            return Err(AppError::BadRequest(
                "la réservation finit après son début".to_owned(),
            ));
        }
        events::book_room(&state.db, LabRoomId(room), span, &purpose, person).await?;
        Ok(())
    };
    match attempt.await {
        Ok(()) => {
            let notice = "Salle réservée.".to_owned();
            lab_page(&state, &ctx, LabForm::default(), Some(notice), None).await
        }
        Err(AppError::BadRequest(message) | AppError::Conflict(message)) => {
            lab_page(&state, &ctx, form, None, Some(capitalize(&message))).await
        }
        Err(other) => Err(other),
    }
}

pub async fn cancel_booking(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let person = ctx.actor().person.ok_or(AppError::Unauthorized)?;
    events::cancel_booking(&state.db, BookingId(id), person).await?;
    let notice = "Réservation annulée.".to_owned();
    lab_page(&state, &ctx, LabForm::default(), Some(notice), None).await
}

/// The organisers cancel an event: everyone registered or waiting is told.
pub(crate) async fn cancel_event(
    state: &AppState,
    actor: Actor,
    id: EventId,
) -> Result<usize, AppError> {
    event_for(state, actor, id, Action::Delete).await?;
    Ok(events::cancel(&state.db, id).await?)
}

pub async fn cancel_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let told = cancel_event(&state, ctx.actor(), EventId(id)).await?;
    let notice = format!(
        "L'événement est annulé ; {told} personne(s) inscrite(s) ou en attente en sont averties."
    );
    event_page(&state, &ctx, EventId(id), Some(notice)).await
}
