//! `/api/v1/territories/{id}/launch`, `…/inventory-items`, `…/problem`: the launch of a
//! territory step by step, with the rights of the page (the same helpers decide).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::PersonId;
use domain::ids::TerritoryId;
use domain::policy::Action;
use domain::territories::launch::{
    Action as LaunchAction, ActionInput, NewItem, Problem, Step, WorkObject, merge, parse_impact,
    parse_journal, parse_support,
};
use store::territories::launch;

use crate::api::v1::ApiJson;
use crate::api::v1::territories::may;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::territories::launch::{
    add_action, add_critical_friend, add_item, add_support, add_work_object, close_year,
    delete_item, set_problem, set_step, write_journal,
};
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
pub struct WorkObjectJson {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub trainer: String,
    /// The accompanied days, `2027-01-14`.
    pub days: Vec<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ActionJson {
    pub id: i64,
    pub title: String,
    /// `network` or `establishment`.
    pub scope: &'static str,
    pub uai: Option<String>,
    pub owners: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub pupils: String,
    pub evidence: String,
    /// The working group 3: `pedagogie`, `reddition`, `projet-collectif`, `eleves`, `autre`.
    pub theme: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct JournalJson {
    pub year: i64,
    /// `tuteur`, `chercheur`, `evaluateur`, `conseiller`, `mediateur` or `facilitateur`.
    pub role: String,
    pub body: String,
    pub written_at: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ImpactJson {
    pub year: i64,
    pub body: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SupportJson {
    /// `support` or `obstacle`.
    pub kind: &'static str,
    pub category: String,
    pub text: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LaunchJson {
    pub steps: Vec<StepJson>,
    pub inventory: Vec<ItemJson>,
    pub merged: Vec<MergedJson>,
    pub problem: Option<ProblemJson>,
    pub work_objects: Vec<WorkObjectJson>,
    pub actions: Vec<ActionJson>,
    /// The year of the launch under way (each impact analysis closes one).
    pub year: i64,
    pub critical_friends: Vec<String>,
    pub journal: Vec<JournalJson>,
    pub impact_analyses: Vec<ImpactJson>,
    pub supports: Vec<SupportJson>,
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
    let iso = |d: i64| domain::observatories::binome::Period::iso(d);
    Ok(Json(LaunchJson {
        work_objects: launch::work_objects(&state.db, territory)
            .await?
            .into_iter()
            .map(|w| WorkObjectJson {
                id: w.id,
                days: w.object.days.iter().map(|d| iso(*d)).collect(),
                title: w.object.title,
                description: w.object.description,
                trainer: w.object.trainer,
            })
            .collect(),
        actions: launch::actions(&state.db, territory)
            .await?
            .into_iter()
            .map(|a| ActionJson {
                id: a.id,
                scope: a.action.scope.code(),
                starts_on: a.action.starts_on.map(iso),
                ends_on: a.action.ends_on.map(iso),
                title: a.action.title,
                uai: a.action.uai,
                owners: a.action.owners,
                pupils: a.action.pupils,
                evidence: a.action.evidence,
                theme: a.action.theme,
            })
            .collect(),
        year: launch::current_year(&state.db, territory).await?,
        critical_friends: launch::critical_friends(&state.db, territory)
            .await?
            .into_iter()
            .map(|(_, name)| name)
            .collect(),
        journal: launch::journal(&state.db, territory)
            .await?
            .into_iter()
            .map(|j| JournalJson {
                year: j.year,
                role: j.role,
                body: j.body,
                written_at: crate::views::rfc3339(j.written_at),
            })
            .collect(),
        impact_analyses: launch::impact_analyses(&state.db, territory)
            .await?
            .into_iter()
            .map(|(year, body, _)| ImpactJson { year, body })
            .collect(),
        supports: launch::supports(&state.db, territory)
            .await?
            .into_iter()
            .map(|s| SupportJson {
                kind: if s.support { "support" } else { "obstacle" },
                category: s.category,
                text: s.text,
            })
            .collect(),
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
    body: ApiJson<ItemBody>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::Contribute).await?;
    let body = body.read()?;
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
    body: ApiJson<ProblemBody>,
) -> Result<StatusCode, ApiError> {
    may(&state, &person, TerritoryId(id), Action::Edit).await?;
    let body = body.read()?;
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
    body: ApiJson<StepBody>,
) -> Result<StatusCode, ApiError> {
    may(&state, &person, TerritoryId(id), Action::Edit).await?;
    let body = body.read()?;
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

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct WorkObjectBody {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub trainer: String,
    /// One or two accompanied days, `2027-01-14`.
    #[serde(default)]
    pub days: Vec<String>,
}

/// Step 3: an object of work (members: the working groups 2).
#[utoipa::path(post, path = "/api/v1/territories/{id}/work-objects", tag = "territoires", security(("jeton" = [])), request_body = WorkObjectBody,
    responses((status = 201, body = CreatedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_work_object(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<WorkObjectBody>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::Contribute).await?;
    let body = body.read()?;
    if body.days.len() > 2 {
        return Err(ApiError(AppError::BadRequest(
            "un objet de travail a une ou deux journées accompagnées".to_owned(),
        )));
    }
    let day = |n: usize| body.days.get(n).map_or("", String::as_str);
    let object = WorkObject::parse(
        &body.title,
        &body.description,
        &body.trainer,
        [day(0), day(1)],
    )
    .map_err(AppError::from)?;
    let id = add_work_object(&state, actor(Some(&person)), TerritoryId(id), &object).await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    pub title: String,
    /// `network` or `establishment`.
    pub scope: String,
    #[serde(default)]
    pub uai: String,
    #[serde(default)]
    pub owners: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub pupils: String,
    /// How its effect on the pupils will be seen.
    pub evidence: String,
    #[serde(default)]
    pub theme: String,
}

/// Step 4: an action or dispositif (members).
#[utoipa::path(post, path = "/api/v1/territories/{id}/actions", tag = "territoires", security(("jeton" = [])), request_body = ActionBody,
    responses((status = 201, body = CreatedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_action(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<ActionBody>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::Contribute).await?;
    let body = body.read()?;
    let input = ActionInput {
        title: body.title,
        scope: body.scope,
        uai: body.uai,
        owners: body.owners,
        starts_on: body.starts_on,
        ends_on: body.ends_on,
        pupils: body.pupils,
        evidence: body.evidence,
        theme: body.theme,
    };
    let action = LaunchAction::parse(&input).map_err(AppError::from)?;
    let id = add_action(&state, actor(Some(&person)), TerritoryId(id), &action).await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct FriendBody {
    pub person_id: i64,
}

/// Step 5: designates a critical friend (coordinators).
#[utoipa::path(post, path = "/api/v1/territories/{id}/critical-friends", tag = "territoires", security(("jeton" = [])), request_body = FriendBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_critical_friend(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<FriendBody>,
) -> Result<StatusCode, ApiError> {
    may(&state, &person, TerritoryId(id), Action::Edit).await?;
    let body = body.read()?;
    add_critical_friend(
        &state,
        actor(Some(&person)),
        TerritoryId(id),
        PersonId(body.person_id),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct JournalBody {
    pub role: String,
    pub body: String,
}

/// Step 5: an entry of the critical friend's journal (critical friends only).
#[utoipa::path(post, path = "/api/v1/territories/{id}/journal", tag = "territoires", security(("jeton" = [])), request_body = JournalBody,
    responses((status = 201, body = CreatedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_journal_entry(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<JournalBody>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::View).await?;
    let body = body.read()?;
    let (role, text) = parse_journal(&body.role, &body.body).map_err(AppError::from)?;
    let id = write_journal(&state, actor(Some(&person)), TerritoryId(id), role, &text).await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ImpactBody {
    pub body: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ClosedJson {
    /// The year closed; the next one starts from its analysis.
    pub year: i64,
}

/// Step 5: closes the year under way with its impact analysis (critical friends,
/// coordinators). 409 when that year is closed already.
#[utoipa::path(post, path = "/api/v1/territories/{id}/impact-analyses", tag = "territoires", security(("jeton" = [])), request_body = ImpactBody,
    responses((status = 201, body = ClosedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_impact_analysis(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<ImpactBody>,
) -> Result<(StatusCode, Json<ClosedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::View).await?;
    let body = body.read()?;
    let text = parse_impact(&body.body).map_err(AppError::from)?;
    let year = close_year(&state, actor(Some(&person)), TerritoryId(id), &text).await?;
    Ok((StatusCode::CREATED, Json(ClosedJson { year })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct SupportBody {
    /// `support` or `obstacle`.
    pub kind: String,
    /// For a support: `convention`, `personnes`, `culture`, `politique` or `structures`.
    #[serde(default)]
    pub category: String,
    pub text: String,
}

/// A support or an obstacle of the territory (members).
#[utoipa::path(post, path = "/api/v1/territories/{id}/supports", tag = "territoires", security(("jeton" = [])), request_body = SupportBody,
    responses((status = 201, body = CreatedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_support(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<SupportBody>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::Contribute).await?;
    let body = body.read()?;
    let (support, category, text) =
        parse_support(&body.kind, &body.category, &body.text).map_err(AppError::from)?;
    let id = add_support(
        &state,
        actor(Some(&person)),
        TerritoryId(id),
        (support, &category, &text),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}
