//! `/api/v1/territories/{id}/launch`, `…/inventory-items`, `…/problem`: the launch of a
//! territory step by step, with the rights of the page (the same helpers decide).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::TerritoryId;
use domain::policy::Action;
use domain::territories::launch::{NewItem, Problem, Step, merge};
use store::territories::launch;

use crate::api::v1::ApiJson;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::territories::launch::{add_item, delete_item, set_problem, set_step};
use crate::handlers::territories::work_of;
use crate::state::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct StepJson {
    pub step: u8,
    pub title: &'static str,
    /// `todo`, `doing` or `done`.
    pub state: &'static str,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ItemJson {
    pub id: i64,
    pub uai: String,
    /// `success` or `difficulty`.
    pub kind: &'static str,
    /// `specific` or `common`.
    pub scope: &'static str,
    pub text: String,
}

/// Items merged across establishments on their text.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MergedJson {
    pub kind: &'static str,
    pub text: String,
    pub common: bool,
    /// The establishments that raised it, by name.
    pub establishments: Vec<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProblemJson {
    pub statement: String,
    pub skills: Vec<String>,
    /// The inventory items it answers.
    pub item_ids: Vec<i64>,
    pub updated_at: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LaunchJson {
    pub steps: Vec<StepJson>,
    pub inventory: Vec<ItemJson>,
    pub merged: Vec<MergedJson>,
    pub problem: Option<ProblemJson>,
}

/// The launch of a territory: its steps, the shared inventory (each item, and merged across
/// establishments), the common problem statement (its members).
#[utoipa::path(get, path = "/api/v1/territories/{id}/launch", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = LaunchJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<LaunchJson>, ApiError> {
    let territory = TerritoryId(id);
    work_of(&state, actor(Some(&person)), territory, Action::View).await?;
    let steps = launch::steps(&state.db, territory).await?;
    let items = launch::items(&state.db, territory).await?;
    let problem = launch::problem(&state.db, territory).await?;
    Ok(Json(LaunchJson {
        steps: Step::ALL
            .into_iter()
            .zip(steps)
            .map(|(step, s)| StepJson {
                step: step.number(),
                title: step.title(),
                state: s.code(),
            })
            .collect(),
        merged: merge(&items)
            .into_iter()
            .map(|m| MergedJson {
                kind: m.kind.code(),
                text: m.text,
                common: m.common,
                establishments: m.establishments,
            })
            .collect(),
        inventory: items
            .into_iter()
            .map(|i| ItemJson {
                id: i.id,
                uai: i.uai,
                kind: i.kind.code(),
                scope: i.scope.code(),
                text: i.text,
            })
            .collect(),
        problem: problem.map(|(p, item_ids, at)| ProblemJson {
            statement: p.statement,
            skills: p.skills,
            item_ids,
            updated_at: crate::views::rfc3339(at),
        }),
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ItemBody {
    pub uai: String,
    /// `success` or `difficulty`.
    pub kind: String,
    /// `specific` or `common`.
    pub scope: String,
    pub text: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CreatedJson {
    pub id: i64,
}

/// Adds a success or difficulty to the inventory of an establishment: a member for one where
/// they work, a coordinator for any establishment of the territory.
#[utoipa::path(post, path = "/api/v1/territories/{id}/inventory-items", tag = "territoires", security(("jeton" = [])), request_body = ItemBody,
    responses((status = 201, body = CreatedJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_item(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ItemBody>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let item = NewItem::parse(&body.kind, &body.scope, &body.text)
        .map_err(|e| ApiError(AppError::BadRequest(e.message)))?;
    let id = add_item(
        &state,
        actor(Some(&person)),
        TerritoryId(id),
        &body.uai,
        &item,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

/// Removes an item of the inventory (its author, or a coordinator).
#[utoipa::path(delete, path = "/api/v1/territories/{id}/inventory-items/{item}", tag = "territoires", security(("jeton" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_item(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, item)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    delete_item(&state, actor(Some(&person)), TerritoryId(id), item).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ProblemBody {
    pub statement: String,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub item_ids: Vec<i64>,
}

/// Writes the common problem statement (the steering group: the coordinators).
#[utoipa::path(put, path = "/api/v1/territories/{id}/problem", tag = "territoires", security(("jeton" = [])), request_body = ProblemBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn put_problem(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ProblemBody>,
) -> Result<StatusCode, ApiError> {
    let problem = Problem::parse(&body.statement, &body.skills.join("\n"))
        .map_err(|e| ApiError(AppError::BadRequest(e.message)))?;
    set_problem(
        &state,
        actor(Some(&person)),
        TerritoryId(id),
        &problem,
        &body.item_ids,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct StepBody {
    /// `todo`, `doing` or `done`.
    pub state: String,
}

/// Says where a step of the launch stands (the coordinators).
#[utoipa::path(put, path = "/api/v1/territories/{id}/launch/steps/{step}", tag = "territoires", security(("jeton" = [])), request_body = StepBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn put_step(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, step)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<StepBody>,
) -> Result<StatusCode, ApiError> {
    set_step(
        &state,
        actor(Some(&person)),
        TerritoryId(id),
        step,
        &body.state,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
