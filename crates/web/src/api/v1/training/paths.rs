//! `/api/v1/paths`: personalised training paths — composed by trainers, followed by each
//! person at their pace, the cohort for the author (never for a hierarchical superior).

use axum::Json;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::ids::{PathId, StepId};
use domain::policy::Action;
use domain::training::paths::{PathContent, Standing, StepContent};
use store::training::paths::Path;

use crate::api::v1::ApiJson;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::training::modules::pdf;
use crate::handlers::training::paths::{
    add_step, attestation_pdf, cohort, create_path, path_for, publish, record, remove_step, start,
};
use crate::state::AppState;
use crate::views::rfc3339;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct StepJson {
    pub id: i64,
    pub position: i64,
    /// `capsule`, `practice`, `document`, `activity` or `reflection`.
    pub kind: String,
    pub title: String,
    pub body: String,
    pub practice_id: Option<i64>,
    pub url: String,
    pub minutes: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PathJson {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub public: String,
    pub themes: Vec<String>,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub published: bool,
    pub prerequisites: Vec<i64>,
    /// The sum of the steps' estimated minutes.
    pub minutes: i64,
    pub steps: Vec<StepJson>,
}

impl From<Path> for PathJson {
    fn from(p: Path) -> Self {
        Self {
            id: p.id.0,
            minutes: p.minutes(),
            title: p.title,
            summary: p.summary,
            public: p.public.code().to_owned(),
            themes: p.themes,
            subjects: p.subjects,
            levels: p.levels,
            published: p.published,
            prerequisites: p.prerequisites.into_iter().map(|(id, _)| id).collect(),
            steps: p
                .steps
                .into_iter()
                .map(|s| StepJson {
                    id: s.id.0,
                    position: s.position,
                    kind: s.kind.code().to_owned(),
                    title: s.title,
                    body: s.body,
                    practice_id: s.practice.map(|(id, _)| id),
                    url: s.url,
                    minutes: s.minutes,
                })
                .collect(),
        }
    }
}

/// The published paths, and the caller's drafts.
#[utoipa::path(get, path = "/api/v1/paths", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = Vec<PathJson>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
) -> Result<Json<Vec<PathJson>>, ApiError> {
    let paths = store::training::paths::list(&state.db, Some(person.id())).await?;
    Ok(Json(paths.into_iter().map(Into::into).collect()))
}

/// The published paths suited to the caller (their needs, subjects and levels) not started.
#[utoipa::path(get, path = "/api/v1/paths/suggestions", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = Vec<PathJson>), (status = 401, body = ErrorBody)))]
pub async fn suggestions(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
) -> Result<Json<Vec<PathJson>>, ApiError> {
    let paths = store::training::paths::suggestions(&state.db, person.id(), 20).await?;
    Ok(Json(paths.into_iter().map(Into::into).collect()))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PathBody {
    pub title: String,
    pub summary: String,
    pub public: String,
    pub themes: Vec<String>,
    #[serde(default)]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub levels: Vec<String>,
    /// Published paths to finish first.
    #[serde(default)]
    pub prerequisites: Vec<i64>,
}

/// Composes a draft path (trainers and the training office).
#[utoipa::path(post, path = "/api/v1/paths", tag = "formation", security(("jeton" = [])), request_body = PathBody,
    responses((status = 201, body = PathJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<PathBody>,
) -> Result<(StatusCode, Json<PathJson>), ApiError> {
    let body = body.read()?;
    let actor = actor(Some(&person));
    let content = PathContent::parse(
        &body.title,
        &body.summary,
        &body.public,
        &body.themes.join("\n"),
        &body.subjects.join("\n"),
        &body.levels.join("\n"),
    )
    .map_err(AppError::from)?;
    let prerequisites: Vec<PathId> = body.prerequisites.into_iter().map(PathId).collect();
    let id = create_path(&state, actor, &content, &prerequisites).await?;
    let (path, _) = path_for(&state, actor, id, Action::View).await?;
    Ok((StatusCode::CREATED, Json(path.into())))
}

/// A path with its steps (a draft: its author only).
#[utoipa::path(get, path = "/api/v1/paths/{id}", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = PathJson), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    UrlPath(id): UrlPath<i64>,
) -> Result<Json<PathJson>, ApiError> {
    let (path, _) = path_for(&state, actor(Some(&person)), PathId(id), Action::View).await?;
    Ok(Json(path.into()))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct StepBody {
    /// `capsule`, `practice`, `document`, `activity` or `reflection`.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// For a capsule (a practice with a video) or a practice.
    pub practice_id: Option<i64>,
    /// For a document: https://…
    #[serde(default)]
    pub url: String,
    pub minutes: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CreatedStepJson {
    pub id: i64,
}

/// Adds a step at the end of the path (its author).
#[utoipa::path(post, path = "/api/v1/paths/{id}/steps", tag = "formation", security(("jeton" = [])), request_body = StepBody,
    responses((status = 201, body = CreatedStepJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn create_step(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    UrlPath(id): UrlPath<i64>,
    body: ApiJson<StepBody>,
) -> Result<(StatusCode, Json<CreatedStepJson>), ApiError> {
    path_for(&state, actor(Some(&person)), PathId(id), Action::Edit).await?;
    let body = body.read()?;
    let step = StepContent::parse(
        &body.kind,
        &body.title,
        &body.body,
        body.practice_id,
        &body.url,
        body.minutes,
    )
    .map_err(AppError::from)?;
    let step = add_step(&state, actor(Some(&person)), PathId(id), &step).await?;
    Ok((StatusCode::CREATED, Json(CreatedStepJson { id: step.0 })))
}

/// Removes a step (its author); the following ones move up.
#[utoipa::path(delete, path = "/api/v1/paths/{id}/steps/{step}", tag = "formation", security(("jeton" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_step(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    UrlPath((id, step)): UrlPath<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    remove_step(&state, actor(Some(&person)), PathId(id), StepId(step)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes the path (its author); it must have a step.
#[utoipa::path(post, path = "/api/v1/paths/{id}/publication", tag = "formation", security(("jeton" = [])),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_publication(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    UrlPath(id): UrlPath<i64>,
) -> Result<StatusCode, ApiError> {
    publish(&state, actor(Some(&person)), PathId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProgressJson {
    /// RFC 3339.
    pub started_at: String,
    pub completed_at: Option<String>,
    pub done: Vec<i64>,
    /// Where to resume: the first step not done (null: finished).
    pub resume: Option<i64>,
    /// The caller's own notes, by step.
    pub notes: Vec<NoteJson>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NoteJson {
    pub step_id: i64,
    pub note: String,
}

async fn own_progress(
    state: &AppState,
    person: &store::accounts::Person,
    id: PathId,
) -> Result<ProgressJson, AppError> {
    let (path, _) = path_for(state, actor(Some(person)), id, Action::Contribute).await?;
    let progress = store::training::paths::progress(&state.db, id, person.id())
        .await?
        .ok_or(AppError::NotFound)?;
    let standing = Standing::of(&path.step_ids(), &progress.done);
    Ok(ProgressJson {
        started_at: rfc3339(progress.started_at),
        completed_at: progress.completed_at.map(rfc3339),
        resume: standing.resume,
        done: progress.done,
        notes: progress
            .notes
            .into_iter()
            .map(|(step_id, note)| NoteJson { step_id, note })
            .collect(),
    })
}

/// Starts the path (its prerequisites finished: else 409); starting again changes nothing.
#[utoipa::path(post, path = "/api/v1/paths/{id}/progress", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = ProgressJson), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_progress(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    UrlPath(id): UrlPath<i64>,
) -> Result<Json<ProgressJson>, ApiError> {
    start(&state, actor(Some(&person)), PathId(id)).await?;
    Ok(Json(own_progress(&state, &person, PathId(id)).await?))
}

/// The caller's progress on the path (404: not started).
#[utoipa::path(get, path = "/api/v1/paths/{id}/progress", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = ProgressJson), (status = 404, body = ErrorBody)))]
pub async fn get_progress(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    UrlPath(id): UrlPath<i64>,
) -> Result<Json<ProgressJson>, ApiError> {
    Ok(Json(own_progress(&state, &person, PathId(id)).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct StepProgressBody {
    pub done: bool,
    /// The caller's own notes on the step (nobody else reads them).
    #[serde(default)]
    pub note: String,
}

/// Records a step of a started path: done or not, with the caller's note.
#[utoipa::path(put, path = "/api/v1/paths/{id}/steps/{step}/progress", tag = "formation", security(("jeton" = [])),
    request_body = StepProgressBody,
    responses((status = 200, body = ProgressJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn put_step_progress(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    UrlPath((id, step)): UrlPath<(i64, i64)>,
    body: ApiJson<StepProgressBody>,
) -> Result<Json<ProgressJson>, ApiError> {
    path_for(&state, actor(Some(&person)), PathId(id), Action::Contribute).await?;
    let body = body.read()?;
    let id = PathId(id);
    record(
        &state,
        actor(Some(&person)),
        id,
        StepId(step),
        Some(body.done),
        &body.note,
    )
    .await?;
    Ok(Json(own_progress(&state, &person, id).await?))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FollowerJson {
    pub person_id: i64,
    pub name: String,
    pub done: i64,
    pub started_at: String,
    pub updated_at: String,
    pub completed_at: Option<String>,
}

/// The progress of those following the path, for its author — without their notes, and never
/// that of people the author is a hierarchical superior of.
#[utoipa::path(get, path = "/api/v1/paths/{id}/cohort", tag = "formation", security(("jeton" = [])),
    responses((status = 200, body = Vec<FollowerJson>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_cohort(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    UrlPath(id): UrlPath<i64>,
) -> Result<Json<Vec<FollowerJson>>, ApiError> {
    let (_, followers) = cohort(&state, actor(Some(&person)), PathId(id)).await?;
    Ok(Json(
        followers
            .into_iter()
            .map(|f| FollowerJson {
                person_id: f.person_id,
                name: f.name,
                done: f.done,
                started_at: rfc3339(f.started_at),
                updated_at: rfc3339(f.updated_at),
                completed_at: f.completed_at.map(rfc3339),
            })
            .collect(),
    ))
}

/// The caller's attestation of the path completed (PDF); 404 before.
#[utoipa::path(get, path = "/api/v1/paths/{id}/attestation", tag = "formation", security(("jeton" = [])),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub async fn attestation(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    UrlPath(id): UrlPath<i64>,
) -> Result<Response, ApiError> {
    let bytes = attestation_pdf(&state, actor(Some(&person)), PathId(id)).await?;
    Ok(pdf(bytes, &format!("attestation-parcours-{id}.pdf")))
}
