//! `/api/v1/territories/{id}/inspe-days`, `…/freed-days` and `…/cross-observations`: the
//! INSPE partnership — with the rights of the page (the same helpers decide).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::{PersonId, TerritoryId};
use domain::observatories::binome::Period;
use domain::policy::Action;
use domain::territories::inspe::Placement;
use store::territories::inspe;

use crate::api::v1::ApiJson;
use crate::api::v1::territories::may;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::territories::inspe::{place_student, welcome};
use crate::handlers::territories::work_of;
use crate::state::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InspeDayJson {
    pub id: i64,
    pub student_id: i64,
    pub student: String,
    pub host_id: i64,
    pub host: String,
    /// `2027-03-11`.
    pub day: String,
    /// `observation` or `responsabilite`.
    pub kind: String,
}

/// The coming days of the students with their host teachers (members).
#[utoipa::path(get, path = "/api/v1/territories/{id}/inspe-days", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = Vec<InspeDayJson>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<InspeDayJson>>, ApiError> {
    let territory = TerritoryId(id);
    work_of(&state, actor(Some(&person)), territory, Action::View).await?;
    let days = inspe::days(&state.db, territory, store::now() / 86_400).await?;
    Ok(Json(
        days.into_iter()
            .map(|d| InspeDayJson {
                id: d.id,
                student_id: d.student_id,
                student: d.student,
                host_id: d.host_id,
                host: d.host,
                day: Period::iso(d.day),
                kind: d.kind,
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct InspeDayBody {
    /// An M1 MEEF student's account.
    pub student_id: i64,
    /// A teacher member of the territory.
    pub host_id: i64,
    pub day: String,
    pub kind: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InspeDayCreatedJson {
    pub id: i64,
}

/// Places a student with a host teacher for a day (coordinators). A day in charge of the
/// class (`responsabilite`) comes after an observation day in it; 409 for a second day of
/// the student on the same date.
#[utoipa::path(post, path = "/api/v1/territories/{id}/inspe-days", tag = "territoires", security(("jeton" = [])), request_body = InspeDayBody,
    responses((status = 201, body = InspeDayCreatedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<InspeDayBody>,
) -> Result<(StatusCode, Json<InspeDayCreatedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::ManageMembers).await?;
    let body = body.read()?;
    let placement = Placement::parse(&body.kind, &body.day).map_err(AppError::from)?;
    let id = place_student(
        &state,
        actor(Some(&person)),
        TerritoryId(id),
        PersonId(body.student_id),
        PersonId(body.host_id),
        &placement,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(InspeDayCreatedJson { id })))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FreedDayJson {
    pub host_id: i64,
    pub host: String,
    pub day: String,
    /// The peer who welcomes the host in their class, if one does.
    pub welcomed_by: Option<String>,
}

/// The coming days when host teachers are freed of their class (members).
#[utoipa::path(get, path = "/api/v1/territories/{id}/freed-days", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = Vec<FreedDayJson>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn freed(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<FreedDayJson>>, ApiError> {
    let territory = TerritoryId(id);
    work_of(&state, actor(Some(&person)), territory, Action::View).await?;
    let days = inspe::freed_days(&state.db, territory, store::now() / 86_400).await?;
    Ok(Json(
        days.into_iter()
            .map(|f| FreedDayJson {
                host_id: f.host_id,
                host: f.host,
                day: Period::iso(f.day),
                welcomed_by: f.peer,
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CrossObservationBody {
    pub host_id: i64,
    /// A freed day: `2027-03-11`.
    pub day: String,
}

/// The caller welcomes a freed host teacher in their class (members); 409 when a peer
/// already does, 404 when the host is not freed that day.
#[utoipa::path(post, path = "/api/v1/territories/{id}/cross-observations", tag = "territoires", security(("jeton" = [])), request_body = CrossObservationBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cross_observation(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<CrossObservationBody>,
) -> Result<StatusCode, ApiError> {
    may(&state, &person, TerritoryId(id), Action::Contribute).await?;
    let body = body.read()?;
    let day = Placement::parse("responsabilite", &body.day)
        .map_err(AppError::from)?
        .day;
    welcome(
        &state,
        actor(Some(&person)),
        TerritoryId(id),
        PersonId(body.host_id),
        day,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
