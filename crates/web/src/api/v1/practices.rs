//! `/api/v1/practices` and `/api/v1/search`: the practice library in JSON.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use domain::ids::PracticeId;
use domain::policy::{Action, Resource, can};
use domain::practices::{PracticeContent, PracticeInput, Status};
use search::{DocumentKind, Scope};
use store::practices::PracticeDetail;

use super::ApiJson;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiCaller, ApiUser, actor};
use crate::handlers::practices::{
    allowed, parse_context, practice_for, receive, search_error, viewer,
};
use crate::state::AppState;
use crate::views::practices::SearchParams;

#[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct TagJson {
    /// `level`, `subject`, `skill`, `socle`, `dispositif` or `free`.
    pub vocabulary: String,
    pub code: String,
    #[serde(default, skip_deserializing)]
    pub label: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuthorJson {
    pub id: i64,
    pub name: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PracticeJson {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    /// The body rendered to HTML and sanitised.
    pub body_html: String,
    pub objectives: String,
    pub class_size: Option<i64>,
    pub licence: String,
    /// `private`, `territory`, `platform` or `public`.
    pub visibility: String,
    /// `draft` or `published`.
    pub status: String,
    pub territory: Option<i64>,
    pub tags: Vec<TagJson>,
    pub authors: Vec<AuthorJson>,
    /// UAI codes.
    pub establishments: Vec<String>,
    pub media: Vec<MediaJson>,
    pub version: i64,
    pub published_at: Option<i64>,
    pub updated_at: i64,
}

impl From<PracticeDetail> for PracticeJson {
    fn from(d: PracticeDetail) -> Self {
        let p = d.practice;
        Self {
            id: p.id,
            body_html: domain::markdown::to_html(&p.body_markdown),
            title: p.title,
            summary: p.summary,
            body_markdown: p.body_markdown,
            objectives: p.objectives,
            class_size: p.class_size,
            licence: p.licence,
            visibility: p.visibility,
            status: p.status,
            territory: p.territory_id,
            tags: d
                .tags
                .iter()
                .map(|t| TagJson {
                    vocabulary: t.vocabulary.code().to_owned(),
                    code: t.code.clone(),
                    label: t.label().to_owned(),
                })
                .collect(),
            authors: d
                .authors
                .into_iter()
                .map(|a| AuthorJson {
                    id: a.id,
                    name: a.name,
                })
                .collect(),
            establishments: d.establishments.into_iter().map(|e| e.uai).collect(),
            media: Vec::new(),
            version: p.version,
            published_at: p.published_at,
            updated_at: p.updated_at,
        }
    }
}

/// A practice to write, or the fields to change (`PATCH`: those given replace the current ones).
#[derive(serde::Deserialize, utoipa::ToSchema, Default)]
pub struct PracticeBody {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body_markdown: Option<String>,
    pub objectives: Option<String>,
    pub class_size: Option<i64>,
    /// `CC-BY`, `CC-BY-SA`, `CC-BY-NC-SA` or `all-rights-reserved` (default `CC-BY-SA`).
    pub licence: Option<String>,
    /// Default `private`.
    pub visibility: Option<String>,
    pub territory: Option<i64>,
    pub tags: Option<Vec<TagJson>>,
    /// E-mail addresses of co-authors.
    pub coauthors: Option<Vec<String>>,
    /// UAI codes.
    pub establishments: Option<Vec<String>>,
    /// `draft` or `published`.
    pub status: Option<String>,
}

fn bad(error: impl std::fmt::Display) -> ApiError {
    ApiError(AppError::BadRequest(error.to_string()))
}

impl PracticeBody {
    /// The content and context this body asks for, over `current` for a `PATCH`.
    fn resolve(
        self,
        current: Option<&PracticeDetail>,
        emails: Vec<String>,
    ) -> Result<(PracticeContent, store::practices::Context, Option<Status>), ApiError> {
        let p = current.map(|d| &d.practice);
        let text = |new: Option<String>, old: Option<&String>| {
            new.or_else(|| old.cloned()).unwrap_or_default()
        };
        let input = PracticeInput {
            title: text(self.title, p.map(|p| &p.title)),
            summary: text(self.summary, p.map(|p| &p.summary)),
            body_markdown: text(self.body_markdown, p.map(|p| &p.body_markdown)),
            objectives: text(self.objectives, p.map(|p| &p.objectives)),
            class_size: self
                .class_size
                .or(p.and_then(|p| p.class_size))
                .map(|n| n.to_string()),
            licence: self
                .licence
                .or_else(|| p.map(|p| p.licence.clone()))
                .unwrap_or_else(|| "CC-BY-SA".to_owned()),
            visibility: self
                .visibility
                .or_else(|| p.map(|p| p.visibility.clone()))
                .unwrap_or_else(|| "private".to_owned()),
            territory: self.territory.or(p.and_then(|p| p.territory_id)),
            tags: match self.tags {
                Some(tags) => tags.into_iter().map(|t| (t.vocabulary, t.code)).collect(),
                None => current.map_or_else(Vec::new, |d| {
                    d.tags
                        .iter()
                        .map(|t| (t.vocabulary.code().to_owned(), t.code.clone()))
                        .collect()
                }),
            },
        };
        let content = PracticeContent::parse(&input).map_err(bad)?;
        let coauthors = self.coauthors.unwrap_or(emails).join(",");
        let establishments = self
            .establishments
            .unwrap_or_else(|| {
                current.map_or_else(Vec::new, |d| {
                    d.establishments.iter().map(|e| e.uai.clone()).collect()
                })
            })
            .join(",");
        let context = parse_context(&coauthors, &establishments).map_err(bad)?;
        let status =
            match self.status.as_deref() {
                None => None,
                Some(code) => Some(Status::from_code(code).ok_or_else(|| {
                    bad(format!("état inconnu : « {code} » (draft ou published)"))
                })?),
            };
        Ok((content, context, status))
    }
}

async fn change_status(
    state: &AppState,
    id: PracticeId,
    person: &store::accounts::Person,
    status: Option<Status>,
) -> Result<(), ApiError> {
    match status {
        Some(Status::Published) => store::practices::publish(&state.db, id, person.id()).await?,
        Some(Status::Draft) => store::practices::unpublish(&state.db, id).await?,
        None => {}
    }
    Ok(())
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct HitJson {
    /// `practice` or `topic` (a forum topic).
    pub kind: &'static str,
    pub id: i64,
    /// The page of the practice or of the topic.
    pub url: String,
    pub title: String,
    pub summary: String,
    /// The title with the words found in `<mark>` (HTML, escaped).
    pub title_html: Option<String>,
    /// A passage with the words found in `<mark>` (HTML, escaped).
    pub highlight: Option<String>,
    pub date: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FacetJson {
    /// `level`, `subject`, `skill`, `territory`, `video` or `year`.
    pub facet: &'static str,
    pub value: String,
    pub count: u64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SearchJson {
    pub items: Vec<HitJson>,
    pub total: usize,
    pub facets: Vec<FacetJson>,
}

#[derive(serde::Deserialize)]
struct KindOnly {
    #[serde(default)]
    kind: String,
}

/// Full-text search over what the caller may read. Parameters: `q`, `kind` (`practice` by
/// default, `topic` for the forums' topics, `all`), facet filters `level`, `subject`,
/// `skill`, `territory`, `video=oui`, `year` (repeatable), `page`.
#[utoipa::path(get, path = "/api/v1/search", tag = "pratiques", params(("q" = Option<String>, Query, description = "Mots cherchés"),
    ("kind" = Option<String>, Query, description = "practice (par défaut), topic ou all")),
    responses((status = 200, body = SearchJson)))]
pub async fn search(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchJson>, ApiError> {
    let raw = raw.as_deref().unwrap_or("");
    let params = SearchParams::parse(raw);
    let mut query = params.to_query();
    query.scope = match serde_html_form::from_str::<KindOnly>(raw)
        .map(|k| k.kind)
        .unwrap_or_default()
        .as_str()
    {
        "" | "practice" => Scope::Practices,
        "topic" => Scope::Topics { space: None },
        "all" => Scope::All,
        other => {
            return Err(bad(format!(
                "genre inconnu : « {other} » (practice, topic ou all)"
            )));
        }
    };
    let viewer = viewer(&state, actor(person.as_ref()), query.scope).await?;
    let results = state
        .search
        .search(&state.db, query, viewer)
        .await
        .map_err(search_error)?;
    Ok(Json(SearchJson {
        total: results.total,
        items: results
            .hits
            .into_iter()
            .map(|h| HitJson {
                kind: h.kind.code(),
                url: match h.kind {
                    DocumentKind::Practice => format!("/pratiques/{}", h.id),
                    DocumentKind::Topic { space } => format!("/espaces/{space}/forum/{}", h.id),
                },
                id: h.id,
                title: h.title,
                summary: h.summary,
                title_html: h.title_html,
                highlight: h.snippet_html,
                date: h.date,
            })
            .collect(),
        facets: results
            .facets
            .into_iter()
            .map(|f| FacetJson {
                facet: f.kind.code(),
                value: f.value,
                count: f.count,
            })
            .collect(),
    }))
}

/// The practices the caller may read, newest first (same parameters as the search).
#[utoipa::path(get, path = "/api/v1/practices", tag = "pratiques", responses((status = 200, body = SearchJson)))]
pub async fn list(
    state: State<AppState>,
    caller: ApiCaller,
    raw: RawQuery,
) -> Result<Json<SearchJson>, ApiError> {
    search(state, caller, raw).await
}

/// Writes a practice (a draft unless `status` is `published`).
#[utoipa::path(post, path = "/api/v1/practices", tag = "pratiques", security(("jeton" = [])), request_body = PracticeBody,
    responses((status = 201, body = PracticeJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<PracticeBody>,
) -> Result<(StatusCode, Json<PracticeJson>), ApiError> {
    if !can(actor(Some(&person)), Action::Create, Resource::Practices) {
        return Err(AppError::Forbidden.into());
    }
    let body = body.read()?;
    let (content, context, status) = body.resolve(None, Vec::new())?;
    let id =
        store::practices::create(&state.db, person.id(), person.admin, &content, &context).await?;
    change_status(&state, id, &person, status).await?;
    let detail = store::practices::get(&state.db, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(practice_json(&state, detail, Some(&person)).await?),
    ))
}

/// One practice; 404 for whoever may not read it.
#[utoipa::path(get, path = "/api/v1/practices/{id}", tag = "pratiques", responses((status = 200, body = PracticeJson), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<PracticeJson>, ApiError> {
    let detail = practice_for(&state, actor(person.as_ref()), id, Action::View).await?;
    Ok(Json(practice_json(&state, detail, person.as_ref()).await?))
}

/// Changes the fields given (authors and administrators).
#[utoipa::path(patch, path = "/api/v1/practices/{id}", tag = "pratiques", security(("jeton" = [])), request_body = PracticeBody,
    responses((status = 200, body = PracticeJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<PracticeBody>,
) -> Result<Json<PracticeJson>, ApiError> {
    let current = practice_for(&state, actor(Some(&person)), id, Action::Edit).await?;
    let body = body.read()?;
    let emails = store::practices::author_emails(&state.db, current.practice.id())
        .await?
        .into_iter()
        .skip(1)
        .collect();
    let (content, context, status) = body.resolve(Some(&current), emails)?;
    let id = current.practice.id();
    store::practices::update(&state.db, id, person.id(), person.admin, &content, &context).await?;
    change_status(&state, id, &person, status).await?;
    let detail = store::practices::get(&state.db, id).await?;
    Ok(Json(practice_json(&state, detail, Some(&person)).await?))
}

/// Deletes a practice (authors and administrators).
#[utoipa::path(delete, path = "/api/v1/practices/{id}", tag = "pratiques", security(("jeton" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    crate::extractors::ClientIp(ip): crate::extractors::ClientIp,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    crate::handlers::practices::edit::remove(&state, actor(Some(&person)), id, &ip).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MediaJson {
    pub id: i64,
    /// `video`, `image`, `pdf` or `document`.
    pub kind: String,
    pub mime: String,
    pub name: String,
    pub size: i64,
    /// `ready`, `queued`, `processing`, `failed` or `original` (served untranscoded).
    pub state: String,
    pub url: String,
    pub poster_url: Option<String>,
    pub duration_ms: Option<i64>,
    /// `nobody`, `adults` or `pupils` (videos).
    pub appearance: Option<String>,
    pub consent_expires_on: Option<String>,
    pub captions: Vec<String>,
}

impl From<store::practices::media::MediaDetail> for MediaJson {
    fn from(d: store::practices::media::MediaDetail) -> Self {
        let m = d.media;
        Self {
            url: format!("/medias/{}", m.id),
            poster_url: m
                .poster_key
                .as_ref()
                .map(|_| format!("/medias/{}/affiche", m.id)),
            id: m.id,
            kind: m.kind,
            mime: m.mime,
            name: m.name,
            size: m.size,
            state: m.state,
            duration_ms: m.duration_ms,
            appearance: m.appearance,
            consent_expires_on: d
                .consent
                .map(|c| domain::practices::consent::format_date(c.expires_on)),
            captions: d.captions.into_iter().map(|c| c.lang).collect(),
        }
    }
}

/// The practice in JSON, with its media (withdrawn videos shown to its authors only).
async fn practice_json(
    state: &AppState,
    detail: PracticeDetail,
    caller: Option<&store::accounts::Person>,
) -> Result<PracticeJson, ApiError> {
    let author = detail.is_author(caller.map(|p| p.id())) || caller.is_some_and(|p| p.admin);
    let media = store::practices::media::of_practice(&state.db, detail.practice.id()).await?;
    let mut json = PracticeJson::from(detail);
    json.media = media
        .into_iter()
        .filter(|m| author || m.media.withdrawn_at.is_none())
        .map(MediaJson::from)
        .collect();
    Ok(json)
}

/// Attaches a file to a practice (authors): `multipart/form-data` with `file`, and for a
/// video `appearance` (`nobody`, `adults`, `pupils`). The type is decided by the content;
/// 413 over the size limit, 415 for a refused or disguised type; nothing is kept then.
#[utoipa::path(post, path = "/api/v1/practices/{id}/media", tag = "pratiques", security(("jeton" = [])),
    responses((status = 201, body = MediaJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    multipart: axum::extract::Multipart,
) -> Result<(StatusCode, Json<MediaJson>), ApiError> {
    allowed(&state, actor(Some(&person)), PracticeId(id), Action::Edit).await?;
    let media = receive(
        &state,
        PracticeId(id),
        person.id(),
        &headers,
        multipart,
        None,
    )
    .await?;
    let detail = store::practices::media::of_practice(&state.db, PracticeId(id))
        .await?
        .into_iter()
        .find(|m| m.media.id == media.0)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(detail.into())))
}
