//! `/api/v1/territories/{id}/networks` and `/api/v1/networks/{id}/members`: the networks of
//! innovating teachers and where each member stands in their three years — with the rights
//! of the page (the same helpers decide).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::{PersonId, TerritoryId};
use domain::policy::Action;
use domain::territories::networks::{Stage, cohorts, school_year, school_year_label};

use crate::api::v1::ApiJson;
use crate::api::v1::territories::may;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::territories::networks::{change_member, create_network};
use crate::handlers::territories::work_of;
use crate::state::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NetworkMemberJson {
    pub person_id: i64,
    pub name: String,
    /// The school year they joined (2025 for 2025-2026).
    pub joined_year: i32,
    /// This school year: `mutualisation` (year 1), `cpc` (year 2), `passeur` (year 3 and
    /// after); none when they join next year.
    pub stage: Option<&'static str>,
}

/// How many members are at each year.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CohortsJson {
    pub mutualisation: usize,
    pub cpc: usize,
    pub passeur: usize,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NetworkJson {
    pub id: i64,
    pub name: String,
    pub cpc: Option<String>,
    /// The current school year, « 2026-2027 ».
    pub school_year: String,
    pub cohorts: CohortsJson,
    pub members: Vec<NetworkMemberJson>,
}

/// The networks of a territory and their cohorts (its members).
#[utoipa::path(get, path = "/api/v1/territories/{id}/networks", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = Vec<NetworkJson>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<NetworkJson>>, ApiError> {
    let territory = TerritoryId(id);
    work_of(&state, actor(Some(&person)), territory, Action::View).await?;
    let now = school_year(store::now());
    let networks = store::territories::networks::list(&state.db, territory).await?;
    Ok(Json(
        networks
            .into_iter()
            .map(|n| {
                let joined: Vec<i32> = n.members.iter().map(|m| m.2).collect();
                let [mutualisation, cpc, passeur] = cohorts(&joined, now);
                NetworkJson {
                    id: n.id,
                    name: n.name,
                    cpc: n.cpc,
                    school_year: school_year_label(now),
                    cohorts: CohortsJson {
                        mutualisation,
                        cpc,
                        passeur,
                    },
                    members: n
                        .members
                        .into_iter()
                        .map(|(person_id, name, joined_year)| NetworkMemberJson {
                            person_id,
                            name,
                            joined_year,
                            stage: Stage::of(joined_year, now).map(Stage::code),
                        })
                        .collect(),
                }
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct NewNetworkJson {
    pub name: String,
    /// The CPC who follows the network in year 2.
    pub cpc_person_id: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NetworkCreatedJson {
    pub id: i64,
}

/// Creates a network (coordinators).
#[utoipa::path(post, path = "/api/v1/territories/{id}/networks", tag = "territoires", security(("jeton" = [])), request_body = NewNetworkJson,
    responses((status = 201, body = NetworkCreatedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<NewNetworkJson>,
) -> Result<(StatusCode, Json<NetworkCreatedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::ManageMembers).await?;
    let body = body.read()?;
    let id = create_network(
        &state,
        actor(Some(&person)),
        TerritoryId(id),
        &body.name,
        body.cpc_person_id.map(PersonId),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(NetworkCreatedJson { id })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct NetworkMemberBody {
    pub person_id: i64,
    /// The school year they joined, « 2025 » or « 2025-2026 »; the current one by default.
    #[serde(default)]
    pub joined: String,
}

/// Adds a member to a network (coordinators); one already in keeps the year they joined.
#[utoipa::path(post, path = "/api/v1/networks/{id}/members", tag = "territoires", security(("jeton" = [])), request_body = NetworkMemberBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<NetworkMemberBody>,
) -> Result<StatusCode, ApiError> {
    let territory = store::territories::networks::territory_of(&state.db, id).await?;
    may(&state, &person, territory, Action::ManageMembers).await?;
    let body = body.read()?;
    let who = PersonId(body.person_id);
    change_member(&state, actor(Some(&person)), id, who, Some(&body.joined)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a member out of a network (coordinators).
#[utoipa::path(delete, path = "/api/v1/networks/{id}/members/{person}", tag = "territoires", security(("jeton" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, who)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    change_member(&state, actor(Some(&person)), id, PersonId(who), None).await?;
    Ok(StatusCode::NO_CONTENT)
}
