//! The partners of a territory (collectivités, associations, cultural structures, FabLabs,
//! Canopé, CARDIE, DANE, INSPE…): the people to reach there, and the conventions that bind
//! them — parties, dates, signed documents, reminders before they end. Members read them; the
//! coordination keeps them.

use std::collections::BTreeMap;

use axum::extract::multipart::Multipart;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::TerritoryId;
use domain::policy::{Action, Actor};
use domain::territories::partners::{
    Contact, Convention, DOCUMENT_MAX_BYTES, NewPartner, document_name, parse_renewal,
};
use store::territories::partners;

use super::{work_of, work_page, worker};
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext};
use crate::handlers::blobs::stream_blob;
use crate::security::{CSRF_COOKIE, cookie, random_token};
use crate::state::AppState;
use crate::views::territories::partners::PartnersPage;
use crate::views::{Layout, render_form};

pub(crate) async fn add_partner(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    partner: &NewPartner,
) -> Result<i64, AppError> {
    work_of(state, actor, territory, Action::ManageMembers).await?;
    Ok(store::territories::add_partner(&state.db, territory, &partner.name, &partner.kind).await?)
}

/// The coordination records someone to reach at a partner, or forgets them (`None`).
pub(crate) async fn add_contact(
    state: &AppState,
    actor: Actor,
    partner: i64,
    contact: &Contact,
) -> Result<i64, AppError> {
    let territory = partners::territory_of_partner(&state.db, partner).await?;
    work_of(state, actor, territory, Action::ManageMembers).await?;
    Ok(partners::add_contact(&state.db, partner, contact).await?)
}

pub(crate) async fn forget_contact(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    contact: i64,
) -> Result<(), AppError> {
    work_of(state, actor, territory, Action::ManageMembers).await?;
    Ok(partners::delete_contact(&state.db, territory, contact).await?)
}

pub(crate) async fn add_convention(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    convention: &Convention,
) -> Result<i64, AppError> {
    let by = worker(state, actor, territory, Action::ManageMembers).await?;
    Ok(partners::create_convention(&state.db, territory, convention, by).await?)
}

/// A convention, if the caller may do `action` in its territory.
pub(crate) async fn convention_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    action: Action,
) -> Result<partners::ConventionRow, AppError> {
    let convention = partners::convention(&state.db, id).await?;
    work_of(state, actor, TerritoryId(convention.territory_id), action).await?;
    Ok(convention)
}

/// Renews a convention until the day typed (`2029-08-31`), after its current end.
pub(crate) async fn renew(
    state: &AppState,
    actor: Actor,
    id: i64,
    ends_on: &str,
) -> Result<(), AppError> {
    let convention = convention_for(state, actor, id, Action::ManageMembers).await?;
    let ends_on = parse_renewal(ends_on, convention.ends_on).map_err(AppError::from)?;
    Ok(partners::renew(&state.db, id, ends_on).await?)
}

/// Streams the document of a multipart upload (`file`; `csrf` before it when expected) into
/// the blob store and joins it to the convention: PDF, ODT or DOCX, 10 Mio at most.
pub(crate) async fn receive_document(
    state: &AppState,
    actor: Actor,
    id: i64,
    mut multipart: Multipart,
    expected_csrf: Option<String>,
) -> Result<i64, AppError> {
    convention_for(state, actor, id, Action::ManageMembers).await?;
    let by = actor.person.ok_or(AppError::Unauthorized)?;
    let mut csrf_ok = expected_csrf.is_none();
    while let Some(field) = multipart.next_field().await? {
        match field.name().unwrap_or_default() {
            "csrf" => {
                let value = field.text().await?;
                csrf_ok = expected_csrf
                    .as_deref()
                    .is_some_and(|e| !value.is_empty() && e == value);
            }
            "file" => {
                if !csrf_ok {
                    return Err(AppError::expired_form());
                }
                let name = document_name(field.file_name().unwrap_or_default())
                    .map_err(AppError::BadRequest)?;
                use futures::TryStreamExt;
                let body = Box::pin(field.map_err(|e| e.body_text()));
                let limits = media::Limits {
                    video: DOCUMENT_MAX_BYTES,
                    other: DOCUMENT_MAX_BYTES,
                };
                let key = format!("conventions/{id}/{}", random_token());
                let ingested = media::ingest(
                    &state.blobs,
                    &key,
                    &name,
                    body,
                    &limits,
                    media::Accept::Library,
                )
                .await?;
                let size = i64::try_from(ingested.size).unwrap_or(i64::MAX);
                return Ok(partners::add_document(
                    &state.db,
                    id,
                    &name,
                    &ingested.key,
                    size,
                    ingested.mime,
                    by,
                )
                .await?);
            }
            _ => {}
        }
    }
    Err(AppError::BadRequest(
        "choisissez le fichier de la convention".to_owned(),
    ))
}

/// A document of a convention, for the territory's members.
pub(crate) async fn document_content(
    state: &AppState,
    actor: Actor,
    id: i64,
    document: i64,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let convention = convention_for(state, actor, id, Action::View).await?;
    let document = convention
        .documents
        .into_iter()
        .find(|d| d.id == document)
        .ok_or(AppError::NotFound)?;
    stream_blob(
        state,
        &document.blob_key,
        &document.content_type,
        &document.name,
        headers,
    )
    .await
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    slug: &str,
    notice: Option<String>,
    refused: Option<(String, BTreeMap<String, String>, String)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (summary, territory, coordinator) = work_page(state, actor, slug).await?;
    let mut page = PartnersPage::new(
        Layout::new(
            ctx,
            format!("Partenaires et conventions — {}", summary.name),
        ),
        summary,
        coordinator,
        partners::list(&state.db, territory).await?,
        partners::conventions(&state.db, territory).await?,
        store::now() / 86_400,
    );
    page.notice = notice;
    let refused_now = refused.is_some();
    if let Some((form, values, message)) = refused {
        page.refused_form = form;
        page.values = values;
        page.error = Some(capitalize(&message));
    }
    render_form(refused_now, &page)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    page(&state, &ctx, &slug, None, None).await
}

/// The coordination's forms: `partenaire`, `contact`, `oubli` (a contact), `convention`,
/// `renouvellement`. The form that failed comes back with what was typed and why.
pub async fn form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, section)): Path<(String, String)>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let number = |k: &str| f(k).trim().parse::<i64>().map_err(|_| AppError::NotFound);
    let actor = ctx.actor();
    let attempt = async {
        let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
        Ok::<_, AppError>(match section.as_str() {
            "partenaire" => {
                let partner =
                    NewPartner::parse(f("p_name"), f("p_kind")).map_err(AppError::from)?;
                add_partner(&state, actor, territory, &partner).await?;
                "Le partenaire est ajouté."
            }
            "contact" => {
                let contact = Contact::parse(f("c_name"), f("c_role"), f("c_email"), f("c_phone"))
                    .map_err(AppError::from)?;
                let partner = number("partner")?;
                if partners::territory_of_partner(&state.db, partner).await? != territory {
                    return Err(AppError::NotFound);
                }
                add_contact(&state, actor, partner, &contact).await?;
                "Le contact est ajouté."
            }
            "oubli" => {
                forget_contact(&state, actor, territory, number("contact")?).await?;
                "Le contact est effacé."
            }
            "convention" => {
                let convention = Convention::parse(
                    f("v_kind"),
                    f("v_title"),
                    f("v_parties"),
                    f("v_starts"),
                    f("v_ends"),
                )
                .map_err(AppError::from)?;
                add_convention(&state, actor, territory, &convention).await?;
                "La convention est enregistrée ; joignez-lui son document signé."
            }
            "renouvellement" => {
                let id = number("convention")?;
                if convention_for(&state, actor, id, Action::View)
                    .await?
                    .territory_id
                    != territory.0
                {
                    return Err(AppError::NotFound);
                }
                renew(&state, actor, id, f("r_ends")).await?;
                "La convention est renouvelée."
            }
            _ => return Err(AppError::NotFound),
        })
    };
    match attempt.await {
        Ok(notice) => page(&state, &ctx, &slug, Some(notice.to_owned()), None).await,
        Err(AppError::BadRequest(m)) => {
            let form = match section.as_str() {
                "contact" => format!("contact-{}", f("partner")),
                "renouvellement" => format!("renouvellement-{}", f("convention")),
                other => other.to_owned(),
            };
            page(&state, &ctx, &slug, None, Some((form, fields, m))).await
        }
        Err(other) => Err(other),
    }
}

/// Joins a signed document to a convention (a form with a file; `csrf` first).
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, id)): Path<(String, i64)>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let territory = store::territories::summary(&state.db, &slug).await?.id;
    if partners::convention(&state.db, id).await?.territory_id != territory {
        return Err(AppError::NotFound);
    }
    let csrf = cookie(&headers, CSRF_COOKIE).unwrap_or_default();
    match receive_document(&state, ctx.actor(), id, multipart, Some(csrf)).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/territoires/{slug}/partenaires#convention-{id}"))
                .into_response(),
        ),
        Err(AppError::BadRequest(m) | AppError::TooLarge(m) | AppError::UnsupportedType(m)) => {
            let refused = (format!("document-{id}"), BTreeMap::new(), m);
            page(&state, &ctx, &slug, None, Some(refused)).await
        }
        Err(other) => Err(other),
    }
}

/// A signed document of a convention, at the address the partners page prints.
pub async fn document(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, id, document)): Path<(String, i64, i64)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let territory = store::territories::summary(&state.db, &slug).await?.id;
    if partners::convention(&state.db, id).await?.territory_id != territory {
        return Err(AppError::NotFound);
    }
    document_content(&state, ctx.actor(), id, document, &headers).await
}
