//! `/api/v1/territories/{id}/members`: who belongs to a territory and with which role, given
//! and taken by its coordination (or an administrator) — the rules of the members page.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::{PersonId, TerritoryId};
use domain::policy::Action;

use crate::api::v1::ApiJson;
use crate::api::v1::territories::may;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::territories::members::{appoint, dismiss, roster};
use crate::state::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TerritoryMemberJson {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    /// The function's code (`perdir`, `enseignant-2d`…).
    pub function: String,
    /// `coordinator`, `member` or `reader`.
    pub role: String,
}

impl From<store::territories::Roster> for TerritoryMemberJson {
    fn from(m: store::territories::Roster) -> Self {
        Self {
            person_id: m.id,
            name: m.name,
            email: m.email,
            function: m.function,
            role: m.role,
        }
    }
}

/// Someone to give a role: the e-mail of their account, and `coordinator`, `member` or
/// `reader`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TerritoryMemberBody {
    pub email: String,
    pub role: String,
}

/// The members of a territory, its coordination first (its members read it).
#[utoipa::path(get, path = "/api/v1/territories/{id}/members", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = Vec<TerritoryMemberJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<TerritoryMemberJson>>, ApiError> {
    let members = roster(&state, actor(Some(&person)), TerritoryId(id)).await?;
    Ok(Json(members.into_iter().map(Into::into).collect()))
}

/// Gives a person a role in the territory, or changes it (its coordination, administrators);
/// they are told. 201 when the role changed, 200 when they had it already; 409 when the last
/// coordinator would lose theirs.
#[utoipa::path(post, path = "/api/v1/territories/{id}/members", tag = "territoires", security(("jeton" = [])),
    request_body = TerritoryMemberBody,
    responses((status = 201, body = Vec<TerritoryMemberJson>), (status = 200, body = Vec<TerritoryMemberJson>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<TerritoryMemberBody>,
) -> Result<(StatusCode, Json<Vec<TerritoryMemberJson>>), ApiError> {
    let territory = TerritoryId(id);
    may(&state, &person, territory, Action::ManageMembers).await?;
    let body = body.read()?;
    let caller = actor(Some(&person));
    let (_, changed) = appoint(&state, caller, territory, &body.email, &body.role).await?;
    let members = roster(&state, caller, territory).await?;
    let status = if changed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(members.into_iter().map(Into::into).collect())))
}

/// Takes a member out of the territory (its coordination, administrators); they are told.
/// 409 for the last coordinator.
#[utoipa::path(delete, path = "/api/v1/territories/{id}/members/{person}", tag = "territoires", security(("jeton" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, member)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    dismiss(
        &state,
        actor(Some(&person)),
        TerritoryId(id),
        PersonId(member),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
