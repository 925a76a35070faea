//! `/api/v1/training-needs` (one's own needs) and `/api/v1/training-demand` (the demand,
//! aggregated without names).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use domain::ids::TerritoryId;
use domain::observatories::visit::TrainingNeed;
use domain::training::demand::Others;

use super::ApiJson;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::ApiUser;
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
    ApiJson(body): ApiJson<NeedBody>,
) -> Result<(StatusCode, Json<NeedJson>), ApiError> {
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
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DemandJson {
    pub period: String,
    pub territory: Option<i64>,
    pub items: Vec<DemandItemJson>,
}

/// The demand for training of a school year, by theme, without names: a theme asked for by
/// fewer than 5 is merged into `autres` (signed-in accounts).
#[utoipa::path(get, path = "/api/v1/training-demand", tag = "formation", security(("jeton" = [])), params(DemandQuery),
    responses((status = 200, body = DemandJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn demand(
    State(state): State<AppState>,
    _caller: ApiUser,
    Query(query): Query<DemandQuery>,
) -> Result<Json<DemandJson>, ApiError> {
    let territory = query.territory.map(TerritoryId);
    let (period, demand) =
        crate::handlers::training::demand(&state, territory, &query.period).await?;
    let mut items: Vec<DemandItemJson> = demand
        .themes
        .into_iter()
        .map(|t| DemandItemJson {
            theme: t.theme,
            count: Some(t.count),
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
        });
    }
    Ok(Json(DemandJson {
        period,
        territory: query.territory,
        items,
    }))
}
