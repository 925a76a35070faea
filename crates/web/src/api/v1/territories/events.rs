//! `/api/v1/events`: events, registration with a waiting list, cancellation that gives the
//! place to the first waiting — with the rights of the pages (the same helpers decide).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::{EventId, LabRoomId, TerritoryId};
use domain::policy::Action;
use domain::territories::events::{EventInput, RegistrationStatus};
use store::territories::events::Event;

use crate::api::v1::{ApiJson, moment};
use crate::error::{ApiError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::territories::events::{
    cancel_event, create_event, event_for, register, unregister,
};
use crate::state::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EventJson {
    pub id: i64,
    pub title: String,
    /// `partages-innovation`, `fete-apprendre`, `atelier-lab`, `reunion` or `autre`.
    pub kind: String,
    pub territory_id: Option<i64>,
    pub description: String,
    pub place: String,
    /// The OTA Lab room booked for it.
    pub room: Option<String>,
    pub capacity: i64,
    /// RFC 3339.
    pub starts_at: String,
    pub ends_at: String,
    pub cancelled: bool,
    pub registered: i64,
    pub waitlisted: i64,
    /// The caller's registration: `registered`, `waitlisted` or null.
    pub my_status: Option<String>,
    /// The caller's place in the waiting list (1: next).
    pub waitlist_position: Option<i64>,
}

impl From<Event> for EventJson {
    fn from(e: Event) -> Self {
        Self {
            id: e.id.0,
            title: e.title,
            kind: e.kind.code().to_owned(),
            territory_id: e.territory.map(|(t, _)| t.0),
            description: e.description,
            place: e.place,
            room: e.room,
            capacity: e.capacity,
            starts_at: crate::views::rfc3339(e.starts_at),
            ends_at: crate::views::rfc3339(e.ends_at),
            cancelled: e.cancelled,
            registered: e.registered,
            waitlisted: e.waitlisted,
            my_status: e.mine.map(|(s, _)| s.code().to_owned()),
            waitlist_position: e
                .mine
                .filter(|(s, _)| *s == RegistrationStatus::Waitlisted)
                .map(|(_, n)| n),
        }
    }
}

/// An event to create: in a territory (its coordinators) or for the whole platform
/// (administrators).
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct EventBody {
    pub title: String,
    pub kind: String,
    pub capacity: i64,
    /// RFC 3339 (`2027-03-15T09:00:00+01:00`).
    pub starts_at: String,
    pub ends_at: String,
    pub territory_id: Option<i64>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub place: String,
    /// A room of the OTA Lab to book for the event's time.
    pub room_id: Option<i64>,
}

/// Creates an event.
#[utoipa::path(post, path = "/api/v1/events", tag = "territoires", security(("jeton" = [])), request_body = EventBody,
    responses((status = 201, body = EventJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<EventBody>,
) -> Result<(StatusCode, Json<EventJson>), ApiError> {
    let body = body.read()?;
    let actor = actor(Some(&person));
    let input = EventInput {
        title: body.title,
        kind: body.kind,
        description: body.description,
        place: body.place,
        capacity: body.capacity,
        starts_at: moment(&body.starts_at)?,
        ends_at: moment(&body.ends_at)?,
    };
    let id = create_event(
        &state,
        actor,
        &input,
        body.territory_id.map(TerritoryId),
        body.room_id.map(LabRoomId),
    )
    .await?;
    let (event, _) = event_for(&state, actor, id, Action::View).await?;
    Ok((StatusCode::CREATED, Json(event.into())))
}

/// The events to come, the soonest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "territoires", responses((status = 200, body = Vec<EventJson>)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<EventJson>>, ApiError> {
    let events = store::territories::events::upcoming(&state.db, store::now(), 500).await?;
    Ok(Json(events.into_iter().map(Into::into).collect()))
}

/// An event, with its counts and the caller's registration.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = EventJson), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<EventJson>, ApiError> {
    let (event, _) = event_for(&state, actor(Some(&person)), EventId(id), Action::View).await?;
    Ok(Json(event.into()))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationJson {
    /// `registered` or `waitlisted`.
    pub status: &'static str,
}

/// Registers the caller: a place if one is left, else the waiting list. Registering again
/// answers the registration already made.
#[utoipa::path(post, path = "/api/v1/events/{id}/registrations", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = RegistrationJson), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn create_registration(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RegistrationJson>, ApiError> {
    let status = register(&state, actor(Some(&person)), EventId(id)).await?;
    Ok(Json(RegistrationJson {
        status: status.code(),
    }))
}

/// Cancels the caller's registration; a freed place goes to the first waiting, who is told.
#[utoipa::path(delete, path = "/api/v1/events/{id}/registrations/me", tag = "territoires", security(("jeton" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_registration(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    unregister(&state, actor(Some(&person)), EventId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Cancels an event (its organisers): everyone registered or waiting is told, its room freed.
#[utoipa::path(delete, path = "/api/v1/events/{id}", tag = "territoires", security(("jeton" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    cancel_event(&state, actor(Some(&person)), EventId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
