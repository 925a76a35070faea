//! `/api/v1/territories`: territories, and their own work (`maturity`).

pub mod events;
pub mod groups;
pub mod inspe;
pub mod launch;
pub mod maturity;
pub mod members;
pub mod networks;
pub mod partners;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::policy::Action;
use domain::territories::NewTerritory;

use super::ApiJson;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::territories::creation::create_territory;
use crate::state::AppState;

/// Checks that the caller may do `action` on a territory's work, before a route reads its body
/// (the route's own helper checks again as it acts).
pub(crate) async fn may(
    state: &AppState,
    person: &store::accounts::Person,
    territory: domain::ids::TerritoryId,
    action: Action,
) -> Result<(), ApiError> {
    crate::handlers::territories::work_of(state, actor(Some(person)), territory, action).await?;
    Ok(())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TerritoryJson {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub establishments: i64,
    pub members: i64,
}

impl From<store::territories::TerritorySummary> for TerritoryJson {
    fn from(t: store::territories::TerritorySummary) -> Self {
        Self {
            id: t.id,
            slug: t.slug,
            name: t.name,
            description: t.description,
            establishments: t.establishments,
            members: t.members,
        }
    }
}

/// Every territoire apprenant.
#[utoipa::path(get, path = "/api/v1/territories", tag = "territoires", responses((status = 200, body = Vec<TerritoryJson>)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<TerritoryJson>>, ApiError> {
    let territories = store::territories::list(&state.db).await?;
    Ok(Json(
        territories.into_iter().map(TerritoryJson::from).collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct NewTerritoryJson {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The UAI codes of its establishments; all must be in the directory.
    #[serde(default)]
    pub uais: Vec<String>,
    /// The e-mail of the account of the person who coordinates it (told).
    #[serde(default)]
    pub coordination: String,
}

/// Creates a territory (administrators; the académie's steering — IA-IPR, IEN, chargé de
/// mission of an académie — with establishments of its académie only).
#[utoipa::path(post, path = "/api/v1/territories", tag = "territoires", security(("jeton" = [])), request_body = NewTerritoryJson,
    responses((status = 201, body = TerritoryJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<NewTerritoryJson>,
) -> Result<(StatusCode, Json<TerritoryJson>), ApiError> {
    crate::handlers::territories::creation::may_create(&person)?;
    let body = body.read()?;
    let new = NewTerritory::parse(&body.name, &body.description)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let (id, establishments) =
        create_territory(&state, &person, &new, &body.uais, &body.coordination).await?;
    Ok((
        StatusCode::CREATED,
        Json(TerritoryJson {
            id: id.0,
            slug: new.slug,
            name: new.name,
            description: new.description,
            establishments: establishments as i64,
            members: i64::from(!body.coordination.trim().is_empty()),
        }),
    ))
}
