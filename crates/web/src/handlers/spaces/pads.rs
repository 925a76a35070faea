//! Collaborative pads of a space, as pages: the list (who edited what, when), a pad (its
//! rendered text without JavaScript; the editor with it, `static/js/pad.js`), its named
//! versions, and its exports.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{PadId, SnapshotId};
use domain::policy::Action;
use domain::spaces::pads::{ExportFormat, parse_pad_title, parse_snapshot_name};
use realtime::{ChatError, Rights};
use store::spaces::pads::{self, Pad};

use super::space_for;
use crate::error::AppError;
use crate::extractors::{CsrfForm, NoFields, PageContext, RequireUser, actor};
use crate::security;
use crate::state::AppState;
use crate::views::spaces::{PadPage, PadsPage};
use crate::views::{Layout, render_form};
use crate::ws::member;

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    list_page(&state, &ctx, id, None, String::new()).await
}

async fn list_page(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    error: Option<String>,
    title: String,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access) = space_for(state, actor, id, Action::View).await?;
    let pads = pads::of_space(&state.db, space.id()).await?;
    let writes = domain::policy::can(
        actor,
        Action::Contribute,
        domain::policy::Resource::Space(access),
    );
    render_form(
        error.is_some(),
        &PadsPage::new(
            Layout::new(ctx, format!("Pads — {}", space.name)),
            &space,
            pads,
            writes,
            error,
            title,
        ),
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct PadForm {
    #[serde(default)]
    pub title: String,
}

/// Creates a pad of a space (its writers may); answers its id.
pub(crate) async fn create_pad(
    state: &AppState,
    person: &store::accounts::Person,
    id: i64,
    title: &str,
) -> Result<PadId, AppError> {
    let (space, _) = space_for(state, actor(Some(person)), id, Action::Contribute).await?;
    let title = parse_pad_title(title).map_err(|e| AppError::BadRequest(e.message))?;
    Ok(pads::create(&state.db, space.id(), &title, person.id()).await?)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PadForm>,
) -> Result<Response, AppError> {
    match create_pad(&state, &person, id, &form.title).await {
        Ok(pad) => Ok(Redirect::to(&format!("/pads/{pad}")).into_response()),
        Err(AppError::BadRequest(message)) => {
            list_page(&state, &ctx, id, Some(message), form.title).await
        }
        Err(error) => Err(error),
    }
}

/// A pad that the caller may read, with their rights on it.
pub(crate) async fn pad_for(
    state: &AppState,
    person: Option<&store::accounts::Person>,
    id: i64,
) -> Result<(Pad, Rights), AppError> {
    let Some(person) = person else {
        return Err(AppError::Unauthorized);
    };
    Ok(state
        .realtime
        .pad_rights(PadId(id), Some(&member(person)))
        .await?)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    show_page(&state, &ctx, id, None, String::new()).await
}

async fn show_page(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    error: Option<String>,
    name: String,
) -> Result<Response, AppError> {
    let (pad, rights) = pad_for(state, ctx.user.as_ref(), id).await?;
    let space = store::spaces::get(&state.db, domain::ids::SpaceId(pad.space_id)).await?;
    let text = state.realtime.pad_text(pad.id()).await?;
    let editors = pads::editors(&state.db, pad.id()).await?;
    let snapshots = pads::snapshots(&state.db, pad.id()).await?;
    let me = ctx
        .user
        .as_ref()
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let nonce = security::random_token();
    let mut response = render_form(
        error.is_some(),
        &PadPage::new(
            Layout::new(ctx, pad.title.clone()),
            &space,
            &pad,
            &text,
            rights,
            editors,
            snapshots,
            error,
            name,
            me,
            nonce.clone(),
        ),
    )?;
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        security::policy_with_style_nonce(&nonce),
    );
    Ok(response)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SnapshotForm {
    #[serde(default)]
    pub name: String,
}

/// Keeps the pad's text now under a name (its writers may).
pub(crate) async fn save_snapshot(
    state: &AppState,
    person: &store::accounts::Person,
    id: i64,
    name: &str,
) -> Result<SnapshotId, AppError> {
    let (pad, rights) = pad_for(state, Some(person), id).await?;
    if !rights.write {
        return Err(AppError::Forbidden);
    }
    let name = parse_snapshot_name(name).map_err(|e| AppError::BadRequest(e.message))?;
    let text = state.realtime.pad_text(pad.id()).await?;
    Ok(pads::save_snapshot(&state.db, pad.id(), &name, &text, person.id()).await?)
}

pub async fn snapshot(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<SnapshotForm>,
) -> Result<Response, AppError> {
    match save_snapshot(&state, &person, id, &form.name).await {
        Ok(_) => Ok(Redirect::to(&format!("/pads/{id}#versions")).into_response()),
        Err(AppError::BadRequest(message)) => {
            show_page(&state, &ctx, id, Some(message), form.name).await
        }
        Err(error) => Err(error),
    }
}

/// Makes a snapshot's text the pad's text again (its writers may).
pub(crate) async fn restore_snapshot(
    state: &AppState,
    person: &store::accounts::Person,
    id: i64,
    snapshot: i64,
) -> Result<(), AppError> {
    let (pad, rights) = pad_for(state, Some(person), id).await?;
    if !rights.write {
        return Err(AppError::Forbidden);
    }
    let snapshot = pads::snapshot(&state.db, pad.id(), SnapshotId(snapshot)).await?;
    state
        .realtime
        .replace_text(pad.id(), &member(person), &snapshot.content)
        .await
        .map_err(|e: ChatError| e.into())
}

pub async fn restore(
    State(state): State<AppState>,
    RequireUser(person): RequireUser,
    Path((id, snapshot)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    restore_snapshot(&state, &person, id, snapshot).await?;
    Ok(Redirect::to(&format!("/pads/{id}")).into_response())
}

/// The pad as a file: Markdown, HTML or OpenDocument text.
pub(crate) async fn export_file(
    state: &AppState,
    person: Option<&store::accounts::Person>,
    id: i64,
    format: &str,
) -> Result<Response, AppError> {
    let format = ExportFormat::from_extension(format).ok_or(AppError::NotFound)?;
    let (pad, _) = pad_for(state, person, id).await?;
    let text = state.realtime.pad_text(pad.id()).await?;
    let body = match format {
        ExportFormat::Markdown => text.into_bytes(),
        ExportFormat::Html => {
            domain::spaces::pads::to_html_document(&pad.title, &text).into_bytes()
        }
        ExportFormat::Odt => domain::spaces::pads::to_odt(&pad.title, &text)
            .map_err(|e| AppError::Internal(e.to_string()))?,
    };
    let name = format!("{}.{}", pad.title, format.extension());
    let disposition = crate::handlers::blobs::content_disposition("attachment", &name);
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

pub async fn export(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    export_file(&state, ctx.user.as_ref(), id, &format).await
}
