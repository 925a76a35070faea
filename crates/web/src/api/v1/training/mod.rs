//! `/api/v1/training-needs` (one's own needs, a territory's from its inventory),
//! `/api/v1/training-demand` (the demand, aggregated without names, against the offer),
//! `/api/v1/training-staff`; the modules in `modules`.

pub mod modules;
pub mod paths;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::ids::{PersonId, TerritoryId};
use domain::observatories::visit::TrainingNeed;
use domain::policy::Action;
use domain::training::demand::Others;

use super::ApiJson;
use crate::api::v1::territories::may;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::state::AppState;

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct NeedBody {
    pub theme: String,
    /// `premier-degre`, `second-degre` or `inter-degres`.
    pub public: String,
    #[serde(default)]
    pub level: String,
    /// One of the caller's territories.
    pub territory_id: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NeedJson {
    pub id: i64,
    pub theme: String,
    pub public: String,
    pub level: String,
    pub territory_id: Option<i64>,
}

impl From<store::training::OwnNeed> for NeedJson {
    fn from(n: store::training::OwnNeed) -> Self {
        Self {
            id: n.id,
            theme: n.theme,
            public: n.public,
            level: n.level,
            territory_id: n.territory_id,
        }
    }
}

/// Expresses a training need of one's own; 409 for the same theme twice.
#[utoipa::path(post, path = "/api/v1/training-needs", tag = "formation", security(("jeton" = [])), request_body = NeedBody,
    responses((status = 201, body = NeedJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<NeedBody>,
) -> Result<(StatusCode, Json<NeedJson>), ApiError> {
    let body = body.read()?;
    let need =
        TrainingNeed::parse(&body.theme, &body.public, &body.level).map_err(AppError::from)?;
    let territory = body.territory_id.map(TerritoryId);
    let id = crate::handlers::training::express(&state, &person, territory, &need).await?;
    Ok((
        StatusCode::CREATED,
        Json(NeedJson {
            id,
            theme: need.theme,
            public: need.public.code().to_owned(),
            level: need.level,
            territory_id: body.territory_id,
        }),
    ))
}

/// The caller's own needs, newest first.
#[utoipa::path(get, path = "/api/v1/training-needs", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = Vec<NeedJson>), (status = 401, body = ErrorBody)))]
pub async fn mine(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
) -> Result<Json<Vec<NeedJson>>, ApiError> {
    let needs = store::training::needs_of(&state.db, person.id()).await?;
    Ok(Json(needs.into_iter().map(NeedJson::from).collect()))
}

/// Withdraws one of one's own needs.
#[utoipa::path(delete, path = "/api/v1/training-needs/{id}", tag = "formation", security(("jeton" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    store::training::withdraw(&state.db, person.id(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct DemandQuery {
    /// A territory's id; everywhere when absent.
    pub territory: Option<i64>,
    /// A school year, « 2026-2027 »; the current one when absent.
    #[serde(default)]
    pub period: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DemandItemJson {
    /// A theme, or `autres` for the themes asked for by fewer than 5 each.
    pub theme: String,
    /// None for `autres` when fewer than 5 in all (not counted either).
    pub count: Option<usize>,
    /// The modules of the plan answering the theme (none for `autres`).
    pub modules: Vec<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DemandJson {
    pub period: String,
    pub territory: Option<i64>,
    pub items: Vec<DemandItemJson>,
    /// The themes merged into `autres` (each asked for by fewer than 5), without counts, with
    /// the modules answering them.
    pub other_themes: Vec<OtherThemeJson>,
    /// Needs answered by a module, and not: of the themes shown, and of `autres` when it is
    /// counted (5 or more in all).
    pub covered: usize,
    pub not_covered: usize,
    /// People on the waiting lists of those modules.
    pub waiting: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OtherThemeJson {
    pub theme: String,
    pub modules: Vec<i64>,
}

/// The demand for training of a school year, by theme, without names, against the plan's
/// modules: a theme asked for by fewer than 5 is merged into `autres` (the training office).
#[utoipa::path(get, path = "/api/v1/training-demand", tag = "formation", security(("jeton" = [])), params(DemandQuery),
    responses((status = 200, body = DemandJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn demand(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Query(query): Query<DemandQuery>,
) -> Result<Json<DemandJson>, ApiError> {
    let territory = query.territory.map(TerritoryId);
    let (period, demand, dashboard) =
        crate::handlers::training::demand(&state, actor(Some(&person)), territory, &query.period)
            .await?;
    let mut items: Vec<DemandItemJson> = dashboard
        .themes
        .into_iter()
        .map(|t| DemandItemJson {
            theme: t.theme,
            count: Some(t.count),
            modules: t.modules.into_iter().map(|(id, _)| id).collect(),
        })
        .collect();
    let others = match demand.others {
        Others::None => None,
        Others::Count(n) => Some(Some(n)),
        Others::FewerThanFive => Some(None),
    };
    if let Some(count) = others {
        items.push(DemandItemJson {
            theme: "autres".to_owned(),
            count,
            modules: Vec::new(),
        });
    }
    Ok(Json(DemandJson {
        period,
        territory: query.territory,
        items,
        other_themes: dashboard
            .small
            .into_iter()
            .map(|(theme, modules)| OtherThemeJson {
                theme,
                modules: modules.into_iter().map(|(id, _)| id).collect(),
            })
            .collect(),
        covered: dashboard.covered,
        not_covered: dashboard.not_covered,
        waiting: dashboard.waiting,
    }))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct InventoryNeedBody {
    /// The theme of training (the difficulty's own words when empty).
    #[serde(default)]
    pub theme: String,
    pub public: String,
    #[serde(default)]
    pub level: String,
}

/// The coordination raises a difficulty of the territory's inventory as a training need
/// (once); 400 for a success of the inventory.
#[utoipa::path(post, path = "/api/v1/territories/{id}/inventory-items/{item}/training-need", tag = "formation",
    security(("jeton" = [])), request_body = InventoryNeedBody,
    responses((status = 201, body = NeedJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn raise(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, item)): Path<(i64, i64)>,
    body: ApiJson<InventoryNeedBody>,
) -> Result<(StatusCode, Json<NeedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::Edit).await?;
    let body = body.read()?;
    let territory = TerritoryId(id);
    let theme = if body.theme.trim().is_empty() {
        store::territories::launch::items(&state.db, territory)
            .await?
            .into_iter()
            .find(|i| i.id == item)
            .map(|i| i.text)
            .ok_or(AppError::NotFound)?
    } else {
        body.theme
    };
    let need = TrainingNeed::parse(&theme, &body.public, &body.level).map_err(AppError::from)?;
    let new =
        crate::handlers::training::raise(&state, actor(Some(&person)), territory, item, &need)
            .await?;
    Ok((
        StatusCode::CREATED,
        Json(NeedJson {
            id: new,
            theme: need.theme,
            public: need.public.code().to_owned(),
            level: need.level,
            territory_id: Some(id),
        }),
    ))
}

#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StaffJson {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    /// `office` (the training office) or `trainer`.
    pub kind: String,
}

/// The training staff (administrators).
#[utoipa::path(get, path = "/api/v1/training-staff", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = Vec<StaffJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn staff(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
) -> Result<Json<Vec<StaffJson>>, ApiError> {
    crate::handlers::training::staff_admin(actor(Some(&person)))?;
    let members = store::training::staff::members(&state.db).await?;
    Ok(Json(
        members
            .into_iter()
            .map(|m| StaffJson {
                person_id: m.person_id,
                name: m.name,
                email: m.email,
                kind: m.kind,
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct StaffBody {
    /// The account's address.
    pub email: String,
    /// `office` or `trainer`.
    pub kind: String,
}

/// Gives a place in the training staff (administrators); giving it again changes nothing.
#[utoipa::path(post, path = "/api/v1/training-staff", tag = "formation", security(("jeton" = [])), request_body = StaffBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn appoint(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<StaffBody>,
) -> Result<StatusCode, ApiError> {
    let actor = actor(Some(&person));
    // Before the account is looked up: only administrators learn whether it exists.
    crate::handlers::training::staff_admin(actor)?;
    let body = body.read()?;
    let appointed = crate::handlers::territories::account(&state, &body.email).await?;
    crate::handlers::training::set_staff(&state, actor, appointed.id(), &body.kind, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a place in the training staff back (administrators).
#[utoipa::path(delete, path = "/api/v1/training-staff/{person}/{kind}", tag = "formation", security(("jeton" = [])),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn dismiss(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, kind)): Path<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    crate::handlers::training::set_staff(&state, actor(Some(&person)), PersonId(id), &kind, false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
