//! `/api/v1/maturity-grid` and `/api/v1/territories/{id}/maturity-assessments`: the grid of
//! seed 004, each member's own answer, the spread (never who answered what) and the levels
//! agreed by the coordinators — with the rights of the page (the same helpers decide).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::{AssessmentId, TerritoryId};
use domain::policy::Action;
use domain::territories::maturity::{
    GRID, LEVELS, Level, Levels, SPREAD_MIN_ANSWERS, parse_evidence,
};
use store::territories::maturity::Assessment;

use crate::api::v1::ApiJson;
use crate::api::v1::territories::may;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::territories::maturity::{agree_assessment, answer_assessment};
use crate::handlers::territories::work_of;
use crate::state::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LevelJson {
    pub level: Level,
    pub name: &'static str,
    pub descriptor: &'static str,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DimensionJson {
    pub key: &'static str,
    pub name: &'static str,
    pub levels: Vec<LevelJson>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct GridJson {
    pub dimensions: Vec<DimensionJson>,
}

/// The maturity grid (« Fiche 4 »): five dimensions, five levels, the seed's descriptors.
#[utoipa::path(get, path = "/api/v1/maturity-grid", tag = "territoires", responses((status = 200, body = GridJson)))]
pub async fn grid() -> Json<GridJson> {
    Json(GridJson {
        dimensions: GRID
            .iter()
            .map(|d| DimensionJson {
                key: d.key,
                name: d.name,
                levels: (1..=5)
                    .zip(LEVELS)
                    .zip(d.descriptors)
                    .map(|((level, name), descriptor)| LevelJson {
                        level,
                        name,
                        descriptor,
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// One assessment: the spread appears from `SPREAD_MIN_ANSWERS` answers on.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AssessmentJson {
    pub id: i64,
    /// Seconds since the epoch.
    pub opened_at: i64,
    /// When the group agreed its levels; null while it is open.
    pub agreed_at: Option<i64>,
    pub answers: u32,
    /// Per dimension, the number of answers at levels 1 to 5; null under 3 answers.
    pub spread: Option<BTreeMap<&'static str, [u32; 5]>>,
    /// The agreed level of each dimension; null while open.
    pub agreed_levels: Option<BTreeMap<&'static str, Level>>,
    /// The evidence of each agreed level (Markdown).
    pub evidence: Option<BTreeMap<&'static str, String>>,
    /// The caller's own answer.
    pub mine: Option<BTreeMap<&'static str, Level>>,
}

impl From<Assessment> for AssessmentJson {
    fn from(a: Assessment) -> Self {
        let keys = || GRID.iter().map(|d| d.key);
        Self {
            id: a.id.0,
            opened_at: a.opened_at,
            agreed_at: a.agreed_at,
            answers: a.answers,
            spread: (a.answers as usize >= SPREAD_MIN_ANSWERS)
                .then(|| keys().zip(a.spread.map(|s| s.counts)).collect()),
            agreed_levels: a.agreed.as_ref().map(|(levels, _)| levels.to_map()),
            evidence: a.agreed.map(|(_, evidence)| keys().zip(evidence).collect()),
            mine: a.mine.map(Levels::to_map),
        }
    }
}

/// The territory's assessments, the newest first (its members).
#[utoipa::path(get, path = "/api/v1/territories/{id}/maturity-assessments", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = Vec<AssessmentJson>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AssessmentJson>>, ApiError> {
    let territory = TerritoryId(id);
    work_of(&state, actor(Some(&person)), territory, Action::View).await?;
    let list = store::territories::maturity::list(&state.db, territory, Some(person.id())).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Levels by dimension key, 1 to 5, every dimension.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct AnswerBody {
    #[schema(value_type = BTreeMap<String, i64>)]
    pub levels: BTreeMap<String, i64>,
}

fn levels(body: &BTreeMap<String, i64>) -> Result<Levels, ApiError> {
    Levels::parse(body.iter().map(|(k, v)| (k.as_str(), *v)))
        .map_err(|e| ApiError(AppError::BadRequest(e.to_string())))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AnswerJson {
    pub assessment_id: i64,
    pub levels: BTreeMap<&'static str, Level>,
}

/// The caller's own answer to the open assessment (opening one if none is): members.
#[utoipa::path(post, path = "/api/v1/territories/{id}/maturity-assessments", tag = "territoires", security(("jeton" = [])), request_body = AnswerBody,
    responses((status = 201, body = AnswerJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<AnswerBody>,
) -> Result<(StatusCode, Json<AnswerJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::Contribute).await?;
    let body = body.read()?;
    let levels = levels(&body.levels)?;
    let assessment =
        answer_assessment(&state, actor(Some(&person)), TerritoryId(id), levels).await?;
    Ok((
        StatusCode::CREATED,
        Json(AnswerJson {
            assessment_id: assessment.0,
            levels: levels.to_map(),
        }),
    ))
}

/// The levels the group agreed, and their evidence (Markdown) by dimension key.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct AgreementBody {
    #[schema(value_type = BTreeMap<String, i64>)]
    pub levels: BTreeMap<String, i64>,
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, String>)]
    pub evidence: BTreeMap<String, String>,
}

/// Closes the open assessment with the levels the group agreed (coordinators); it enters the
/// history. 409 if it was agreed already.
#[utoipa::path(post, path = "/api/v1/territories/{id}/maturity-assessments/{assessment}/agreement", tag = "territoires", security(("jeton" = [])),
    request_body = AgreementBody,
    responses((status = 200, body = AssessmentJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn agree(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, assessment)): Path<(i64, i64)>,
    body: ApiJson<AgreementBody>,
) -> Result<Json<AssessmentJson>, ApiError> {
    may(&state, &person, TerritoryId(id), Action::Edit).await?;
    let body = body.read()?;
    let levels = levels(&body.levels)?;
    if let Some(key) = body
        .evidence
        .keys()
        .find(|k| !GRID.iter().any(|d| d.key == *k))
    {
        return Err(ApiError(AppError::BadRequest(format!(
            "la dimension « {key} » n'existe pas dans la grille"
        ))));
    }
    let texts = GRID.map(|d| body.evidence.get(d.key).map_or("", String::as_str));
    let evidence =
        parse_evidence(texts).map_err(|e| ApiError(AppError::BadRequest(e.to_string())))?;
    let (territory, assessment) = (TerritoryId(id), AssessmentId(assessment));
    agree_assessment(
        &state,
        actor(Some(&person)),
        territory,
        assessment,
        levels,
        evidence,
    )
    .await?;
    store::territories::maturity::list(&state.db, territory, Some(person.id()))
        .await?
        .into_iter()
        .find(|a| a.id == assessment)
        .map(|a| Json(a.into()))
        .ok_or(ApiError(AppError::NotFound))
}
