//! `/api/v1/territories/{id}/partners`, `/api/v1/partners/{id}/contacts`,
//! `/api/v1/territories/{id}/conventions` and `/api/v1/conventions/{id}/…`: the partners of a
//! territory, their contacts and conventions — with the rights of the page (the same helpers
//! decide).

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::ids::TerritoryId;
use domain::observatories::binome::Period;
use domain::policy::Action;
use domain::territories::partners::{Contact, Convention, NewPartner, Standing};
use store::territories::partners;

use crate::api::v1::ApiJson;
use crate::api::v1::territories::may;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::territories::partners::{
    add_contact, add_convention, add_partner, convention_for, document_content, forget_contact,
    receive_document, renew,
};
use crate::handlers::territories::work_of;
use crate::state::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ContactJson {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PartnerJson {
    pub id: i64,
    pub name: String,
    /// `collectivite`, `association`, `culture`, `fablab`, `canope`, `inspe`, `academique`,
    /// `entreprise`.
    pub kind: String,
    pub contacts: Vec<ContactJson>,
}

/// The partners of a territory with their contacts (its members).
#[utoipa::path(get, path = "/api/v1/territories/{id}/partners", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = Vec<PartnerJson>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<PartnerJson>>, ApiError> {
    let territory = TerritoryId(id);
    work_of(&state, actor(Some(&person)), territory, Action::View).await?;
    let list = partners::list(&state.db, territory).await?;
    Ok(Json(
        list.into_iter()
            .map(|p| PartnerJson {
                id: p.id,
                name: p.name,
                kind: p.kind,
                contacts: p
                    .contacts
                    .into_iter()
                    .map(|c| ContactJson {
                        id: c.id,
                        name: c.name,
                        role: c.role,
                        email: c.email,
                        phone: c.phone,
                    })
                    .collect(),
            })
            .collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PartnerBody {
    pub name: String,
    pub kind: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CreatedJson {
    pub id: i64,
}

/// Adds a partner (coordinators).
#[utoipa::path(post, path = "/api/v1/territories/{id}/partners", tag = "territoires", security(("jeton" = [])), request_body = PartnerBody,
    responses((status = 201, body = CreatedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<PartnerBody>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::ManageMembers).await?;
    let body = body.read()?;
    let partner = NewPartner::parse(&body.name, &body.kind).map_err(AppError::from)?;
    let id = add_partner(&state, actor(Some(&person)), TerritoryId(id), &partner).await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ContactBody {
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// Adds someone to reach at a partner (coordinators): an e-mail address or a phone at least.
#[utoipa::path(post, path = "/api/v1/partners/{id}/contacts", tag = "territoires", security(("jeton" = [])), request_body = ContactBody,
    responses((status = 201, body = CreatedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_contact(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<ContactBody>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let territory = store::territories::partners::territory_of_partner(&state.db, id).await?;
    may(&state, &person, territory, Action::ManageMembers).await?;
    let body = body.read()?;
    let contact =
        Contact::parse(&body.name, &body.role, &body.email, &body.phone).map_err(AppError::from)?;
    let id = add_contact(&state, actor(Some(&person)), id, &contact).await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

/// Forgets a contact (coordinators).
#[utoipa::path(delete, path = "/api/v1/partners/{id}/contacts/{contact}", tag = "territoires", security(("jeton" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_contact(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, contact)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let territory = partners::territory_of_partner(&state.db, id).await?;
    forget_contact(&state, actor(Some(&person)), territory, contact).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DocumentJson {
    pub id: i64,
    pub name: String,
    pub size: i64,
    /// Where to download it (API).
    pub url: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ConventionJson {
    pub id: i64,
    /// `pedt`, `cteac`, `pleac`, `ruralite` or `autre`.
    pub kind: String,
    pub title: String,
    pub parties: Vec<String>,
    /// `2026-09-01`.
    pub starts_on: String,
    pub ends_on: String,
    /// It ends within 90 days: the coordination has been, or will be, reminded.
    pub to_renew: bool,
    pub documents: Vec<DocumentJson>,
}

fn convention_json(c: partners::ConventionRow, today: i64) -> ConventionJson {
    ConventionJson {
        id: c.id,
        to_renew: matches!(
            Standing::of(c.starts_on, c.ends_on, today),
            Standing::EndsSoon(_)
        ),
        starts_on: Period::iso(c.starts_on),
        ends_on: Period::iso(c.ends_on),
        documents: c
            .documents
            .into_iter()
            .map(|d| DocumentJson {
                url: format!("/api/v1/conventions/{}/documents/{}", c.id, d.id),
                id: d.id,
                name: d.name,
                size: d.size,
            })
            .collect(),
        kind: c.kind,
        title: c.title,
        parties: c.parties,
    }
}

/// The conventions of a territory, those ending first first (its members).
#[utoipa::path(get, path = "/api/v1/territories/{id}/conventions", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = Vec<ConventionJson>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn conventions(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ConventionJson>>, ApiError> {
    let territory = TerritoryId(id);
    work_of(&state, actor(Some(&person)), territory, Action::View).await?;
    let today = store::now() / 86_400;
    let list = partners::conventions(&state.db, territory).await?;
    Ok(Json(
        list.into_iter()
            .map(|c| convention_json(c, today))
            .collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ConventionBody {
    pub kind: String,
    pub title: String,
    /// Two at least.
    pub parties: Vec<String>,
    /// `2026-09-01`.
    pub starts_on: String,
    pub ends_on: String,
}

/// Records a convention (coordinators).
#[utoipa::path(post, path = "/api/v1/territories/{id}/conventions", tag = "territoires", security(("jeton" = [])), request_body = ConventionBody,
    responses((status = 201, body = ConventionJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_convention(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<ConventionBody>,
) -> Result<(StatusCode, Json<ConventionJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::ManageMembers).await?;
    let body = body.read()?;
    if body.parties.iter().any(|p| p.contains('\n')) {
        return Err(AppError::BadRequest("une partie tient sur une ligne".to_owned()).into());
    }
    let convention = Convention::parse(
        &body.kind,
        &body.title,
        &body.parties.join("\n"),
        &body.starts_on,
        &body.ends_on,
    )
    .map_err(AppError::from)?;
    let id = add_convention(&state, actor(Some(&person)), TerritoryId(id), &convention).await?;
    let created = partners::convention(&state.db, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(convention_json(created, store::now() / 86_400)),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RenewalBody {
    /// The new end, after the current one: `2029-08-31`.
    pub ends_on: String,
}

/// Renews a convention until a later end (coordinators); it will be reminded again.
#[utoipa::path(put, path = "/api/v1/conventions/{id}/end", tag = "territoires", security(("jeton" = [])), request_body = RenewalBody,
    responses((status = 200, body = ConventionJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn put_end(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<RenewalBody>,
) -> Result<Json<ConventionJson>, ApiError> {
    let actor = actor(Some(&person));
    convention_for(&state, actor, id, Action::ManageMembers).await?;
    let body = body.read()?;
    renew(&state, actor, id, &body.ends_on).await?;
    let renewed = convention_for(&state, actor, id, Action::View).await?;
    Ok(Json(convention_json(renewed, store::now() / 86_400)))
}

/// Joins a signed document to a convention (coordinators): `multipart/form-data` with
/// `file`, PDF, ODT or DOCX, 10 Mio at most (413 beyond, 415 for another or a disguised type).
#[utoipa::path(post, path = "/api/v1/conventions/{id}/documents", tag = "territoires", security(("jeton" = [])),
    responses((status = 201, body = CreatedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let id = receive_document(&state, actor(Some(&person)), id, multipart, None).await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

/// A document of a convention (members).
#[utoipa::path(get, path = "/api/v1/conventions/{id}/documents/{document}", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, description = "the file"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn document(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, document)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(document_content(&state, actor(Some(&person)), id, document, &headers).await?)
}
