//! `/api/v1/training-modules`: the plan's modules, registration with a waiting list (seats kept
//! for the observatories), attendance, the attestation — with the rights of the pages (the
//! same helpers decide).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::ids::{ModuleId, PersonId, TerritoryId, TrainingSessionId};
use domain::policy::Action;
use domain::territories::events::RegistrationStatus;
use domain::training::modules::{ModuleInput, SessionInput};
use store::training::modules::Module;

use crate::api::v1::{ApiJson, moment};
use crate::error::{ApiError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::training::modules::{
    attestation_pdf, cancel_module, create_module, module_for, pdf, record_attendance, register,
    unregister,
};
use crate::state::AppState;
use crate::views::rfc3339;

#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct SessionJson {
    pub id: i64,
    /// RFC 3339.
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub video_url: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ModuleJson {
    pub id: i64,
    pub title: String,
    pub objectives: String,
    /// `departemental` or `academique`.
    pub plan: String,
    /// `premier-degre`, `second-degre` or `inter-degres`.
    pub public: String,
    pub territory_id: Option<i64>,
    pub themes: Vec<String>,
    pub trainers: Vec<String>,
    pub sessions: Vec<SessionJson>,
    pub capacity: i64,
    pub reserved_seats: i64,
    pub cancelled: bool,
    pub registered: i64,
    pub waitlisted: i64,
    /// The caller's registration: `registered`, `waitlisted` or null.
    pub my_status: Option<String>,
    /// The caller's place in the waiting list (1: next).
    pub waitlist_position: Option<i64>,
}

impl From<Module> for ModuleJson {
    fn from(m: Module) -> Self {
        Self {
            id: m.id.0,
            title: m.title,
            objectives: m.objectives,
            plan: m.plan.code().to_owned(),
            public: m.public.code().to_owned(),
            territory_id: m.territory.map(|(t, _)| t.0),
            themes: m.themes,
            trainers: m.trainers.into_iter().map(|(_, name)| name).collect(),
            sessions: m
                .sessions
                .into_iter()
                .map(|s| SessionJson {
                    id: s.id,
                    starts_at: rfc3339(s.starts_at),
                    ends_at: rfc3339(s.ends_at),
                    place: s.place,
                    video_url: s.video_url,
                })
                .collect(),
            capacity: m.capacity,
            reserved_seats: m.reserved_seats,
            cancelled: m.cancelled,
            registered: m.registered,
            waitlisted: m.waitlisted,
            my_status: m.mine.map(|(s, _)| s.code().to_owned()),
            waitlist_position: m
                .mine
                .filter(|(s, _)| *s == RegistrationStatus::Waitlisted)
                .map(|(_, n)| n),
        }
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct SessionBody {
    /// RFC 3339 (`2027-03-15T09:00:00+01:00`).
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub video_url: String,
}

/// A module to write (the training office).
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ModuleBody {
    pub title: String,
    pub objectives: String,
    /// `departemental` or `academique`.
    pub plan: String,
    /// `premier-degre`, `second-degre` or `inter-degres`.
    pub public: String,
    pub capacity: i64,
    /// Seats kept for members of the observatories, within the capacity.
    #[serde(default)]
    pub reserved_seats: i64,
    /// The themes of the demand it answers: the people who expressed them are told.
    pub themes: Vec<String>,
    /// The trainers' addresses.
    #[serde(default)]
    pub trainers: Vec<String>,
    pub territory_id: Option<i64>,
    pub sessions: Vec<SessionBody>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CreatedModuleJson {
    pub module: ModuleJson,
    /// How many people whose needs it answers were told.
    pub told: usize,
}

/// Writes a module of the plan; the people whose needs it answers are told.
#[utoipa::path(post, path = "/api/v1/training-modules", tag = "formation", security(("jeton" = [])), request_body = ModuleBody,
    responses((status = 201, body = CreatedModuleJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<ModuleBody>,
) -> Result<(StatusCode, Json<CreatedModuleJson>), ApiError> {
    let body = body.read()?;
    let actor = actor(Some(&person));
    let mut sessions = Vec::with_capacity(body.sessions.len());
    for s in body.sessions {
        sessions.push(SessionInput {
            starts_at: moment(&s.starts_at)?,
            ends_at: moment(&s.ends_at)?,
            place: s.place,
            video_url: s.video_url,
        });
    }
    let input = ModuleInput {
        title: body.title,
        objectives: body.objectives,
        plan: body.plan,
        public: body.public,
        capacity: body.capacity,
        reserved_seats: body.reserved_seats,
        themes: body.themes,
        sessions,
    };
    let territory = body.territory_id.map(TerritoryId);
    let (id, told) = create_module(&state, actor, &input, territory, &body.trainers).await?;
    let (module, _) = module_for(&state, actor, id, Action::View).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedModuleJson {
            module: module.into(),
            told,
        }),
    ))
}

/// The modules not cancelled still to come or under way, the soonest first.
#[utoipa::path(get, path = "/api/v1/training-modules", tag = "formation", responses((status = 200, body = Vec<ModuleJson>)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<ModuleJson>>, ApiError> {
    let modules = store::training::modules::upcoming(&state.db, store::now()).await?;
    Ok(Json(modules.into_iter().map(Into::into).collect()))
}

/// A module, with its counts and the caller's registration.
#[utoipa::path(get, path = "/api/v1/training-modules/{id}", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = ModuleJson), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ModuleJson>, ApiError> {
    let (module, _) = module_for(&state, actor(Some(&person)), ModuleId(id), Action::View).await?;
    Ok(Json(module.into()))
}

/// Cancels a module (the training office): everyone registered or waiting is told.
#[utoipa::path(delete, path = "/api/v1/training-modules/{id}", tag = "formation", security(("jeton" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    cancel_module(&state, actor(Some(&person)), ModuleId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationJson {
    /// `registered` or `waitlisted`.
    pub status: &'static str,
}

/// Registers the caller: a seat kept for the observatories (for a member of one), an open
/// seat, else the waiting list. Registering again answers the registration already made.
#[utoipa::path(post, path = "/api/v1/training-modules/{id}/registrations", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = RegistrationJson), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn create_registration(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RegistrationJson>, ApiError> {
    let status = register(&state, actor(Some(&person)), ModuleId(id)).await?;
    Ok(Json(RegistrationJson {
        status: status.code(),
    }))
}

/// Cancels the caller's registration; a freed seat goes to the first waiting, who is told.
#[utoipa::path(delete, path = "/api/v1/training-modules/{id}/registrations/me", tag = "formation", security(("jeton" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_registration(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    unregister(&state, actor(Some(&person)), ModuleId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RegistrantJson {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    /// `registered` or `waitlisted`.
    pub status: &'static str,
    /// On a seat kept for the observatories.
    pub reserved: bool,
    /// The sessions attended.
    pub attended: Vec<i64>,
}

/// The registrations, in order of arrival (the training office and the module's trainers).
#[utoipa::path(get, path = "/api/v1/training-modules/{id}/registrations", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = Vec<RegistrantJson>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn registrations(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<RegistrantJson>>, ApiError> {
    let id = ModuleId(id);
    module_for(&state, actor(Some(&person)), id, Action::ManageMembers).await?;
    let list = store::training::modules::registrants(&state.db, id).await?;
    Ok(Json(
        list.into_iter()
            .map(|r| RegistrantJson {
                person_id: r.person_id,
                name: r.name,
                email: r.email,
                status: r.status.code(),
                reserved: r.reserved,
                attended: r.attended,
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct AttendanceBody {
    /// The registered people who came; the others did not.
    pub present: Vec<i64>,
}

/// Records who came to a session (the training office and the module's trainers).
#[utoipa::path(put, path = "/api/v1/training-modules/{id}/sessions/{session}/attendance", tag = "formation",
    security(("jeton" = [])), request_body = AttendanceBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn put_attendance(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, session)): Path<(i64, i64)>,
    body: ApiJson<AttendanceBody>,
) -> Result<StatusCode, ApiError> {
    module_for(
        &state,
        actor(Some(&person)),
        ModuleId(id),
        Action::ManageMembers,
    )
    .await?;
    let body = body.read()?;
    let present: Vec<PersonId> = body.present.into_iter().map(PersonId).collect();
    record_attendance(
        &state,
        actor(Some(&person)),
        ModuleId(id),
        TrainingSessionId(session),
        &present,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's attestation of attendance (PDF), once they attended a session; 404 before.
#[utoipa::path(get, path = "/api/v1/training-modules/{id}/attestation", tag = "formation", security(("jeton" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn attestation(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let bytes = attestation_pdf(&state, actor(Some(&person)), ModuleId(id)).await?;
    Ok(pdf(bytes, &format!("attestation-module-{id}.pdf")))
}
