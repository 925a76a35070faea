//! The shared folders of a space, on the web: browse, upload (streamed, checked like the
//! library's files), download, new folder, rename and move, versions, trash.

use axum::extract::multipart::Multipart;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{EntryId, PersonId, SpaceId, VersionId};
use domain::policy::{Action, Actor, Resource, SpaceAccess, can};
use domain::spaces::EntryName;
use store::spaces::folders::{self, Entry, NewVersion, Saved, Saving};

use super::space_for;
use crate::error::AppError;
use crate::extractors::{CsrfForm, NoFields, PageContext, RequireUser};
use crate::handlers::blobs::stream_blob;
use crate::security::{CSRF_COOKIE, cookie};
use crate::state::AppState;
use crate::views::spaces::{FilePage, FolderPage, TrashPage};
use crate::views::{Layout, render};

/// A new random blob key of a space's file.
pub(crate) fn blob_key(space: SpaceId) -> String {
    format!("spaces/{}/{}", space.0, crate::security::random_token())
}

fn name_of(text: &str) -> Result<EntryName, AppError> {
    EntryName::parse(text.trim()).map_err(|e| AppError::BadRequest(e.to_string()))
}

/// A live folder of the space (`0`: its top).
pub(crate) async fn folder_of(
    state: &AppState,
    space: SpaceId,
    folder: i64,
) -> Result<Option<Entry>, AppError> {
    if folder == 0 {
        return Ok(None);
    }
    let entry = folders::get(&state.db, space, EntryId(folder)).await?;
    if !entry.is_folder || entry.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(Some(entry))
}

pub async fn root(
    state: State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    folder(state, ctx, Path((id, 0))).await
}

pub async fn folder(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, folder)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access) = space_for(&state, actor, id, Action::View).await?;
    let current = folder_of(&state, space.id(), folder).await?;
    let trail = match &current {
        Some(entry) => folders::ancestors(&state.db, space.id(), entry.id()).await?,
        None => Vec::new(),
    };
    let entries = folders::children(&state.db, space.id(), current.as_ref().map(Entry::id)).await?;
    let writes = can(actor, Action::Contribute, Resource::Space(access));
    let dav_url = format!(
        "{}/dav/spaces/{}/",
        state.settings.public_url.trim_end_matches('/'),
        space.id
    );
    render(&FolderPage::new(
        Layout::new(&ctx, format!("Dossiers — {}", space.name)),
        space,
        current,
        trail,
        entries,
        writes,
        dav_url,
    ))
}

#[derive(serde::Deserialize)]
pub struct NewFolderForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent: i64,
}

pub async fn new_folder(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(_): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<NewFolderForm>,
) -> Result<Response, AppError> {
    let created = make_folder(&state, ctx.actor(), id, form.parent, &form.name).await?;
    Ok(Redirect::to(&format!("/espaces/{id}/dossiers/{}", created.0)).into_response())
}

/// Creates the folder `name` in the folder `parent` (`0`: the top) of the space (pages and API).
pub(crate) async fn make_folder(
    state: &AppState,
    actor: Actor,
    id: i64,
    parent: i64,
    name: &str,
) -> Result<EntryId, AppError> {
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let (space, _) = space_for(state, actor, id, Action::Contribute).await?;
    let parent = folder_of(state, space.id(), parent).await?;
    let name = name_of(name)?;
    Ok(folders::create_folder(
        &state.db,
        space.id(),
        parent.as_ref().map(Entry::id),
        &name,
        person,
    )
    .await?)
}

/// Streams one file into the blob store (checked as it comes) and records it as a new file or
/// a new version in `parent`. The blob is removed again when the record is refused.
pub(crate) async fn save_stream<S, E>(
    state: &AppState,
    space: SpaceId,
    parent: Option<EntryId>,
    name: &EntryName,
    body: S,
    by: PersonId,
    saving: Saving,
) -> Result<Saved, AppError>
where
    S: futures::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let key = blob_key(space);
    let ingested = media::ingest(
        &state.blobs,
        &key,
        name.as_str(),
        body,
        &state.settings.upload_limits,
        media::Accept::Folders,
    )
    .await?;
    let version = NewVersion {
        blob_key: ingested.key.clone(),
        size: ingested.size as i64,
        content_type: ingested.mime.to_owned(),
    };
    let saved = folders::save(&state.db, space, parent, name, &version, by, saving).await;
    if saved.is_err()
        && let Err(e) = state.blobs.delete(&ingested.key).await
    {
        tracing::warn!(key = %ingested.key, error = %e, "could not remove a refused file");
    }
    Ok(saved?)
}

/// Refuses early an upload its announced length shows cannot fit.
pub(crate) async fn check_room(
    state: &AppState,
    space: SpaceId,
    headers: &HeaderMap,
) -> Result<(), AppError> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    if let Some(length) = announced {
        let space = store::spaces::get(&state.db, space).await?;
        // The multipart envelope takes a little room around the file itself.
        if space.used_bytes + length - 16 * 1024 > space.quota_bytes {
            return Err(AppError::QuotaExceeded(folders::quota_message(
                space.used_bytes,
                space.quota_bytes,
                length,
            )));
        }
    }
    Ok(())
}

/// Uploads files (`file`, repeatable) into a folder (`parent`); `csrf` comes first.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let (space, _) = space_for(&state, ctx.actor(), id, Action::Contribute).await?;
    let csrf = cookie(&headers, CSRF_COOKIE).unwrap_or_default();
    let (parent, _) = receive(&state, &space, person.id(), &headers, multipart, Some(csrf)).await?;
    let back = match parent {
        Some(folder) => format!("/espaces/{id}/dossiers/{}", folder.id),
        None => format!("/espaces/{id}/dossiers"),
    };
    Ok(Redirect::to(&back).into_response())
}

/// Streams the files of an upload (`file`, repeatable) into the folder `parent` (a number,
/// given before the files; the top when absent). `csrf`, when expected, must match and come
/// before the files. Returns the folder and what was saved, in order.
pub(crate) async fn receive(
    state: &AppState,
    space: &store::spaces::Space,
    person: PersonId,
    headers: &HeaderMap,
    mut multipart: Multipart,
    expected_csrf: Option<String>,
) -> Result<(Option<Entry>, Vec<Saved>), AppError> {
    check_room(state, space.id(), headers).await?;
    let mut csrf_ok = expected_csrf.is_none();
    let mut parent: Option<Entry> = None;
    let mut saved = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(AppError::from)? {
        match field.name().unwrap_or_default() {
            "csrf" => {
                let value = field.text().await.map_err(AppError::from)?;
                csrf_ok = expected_csrf
                    .as_deref()
                    .is_some_and(|e| !value.is_empty() && e == value);
            }
            "parent" => {
                let value = field.text().await.map_err(AppError::from)?;
                let folder = value.trim().parse().unwrap_or(0);
                parent = folder_of(state, space.id(), folder).await?;
            }
            "file" => {
                if !csrf_ok {
                    return Err(AppError::expired_form());
                }
                let name = name_of(field.file_name().unwrap_or_default())?;
                use futures::TryStreamExt;
                let body = field.map_err(|e| e.body_text());
                saved.push(
                    save_stream(
                        state,
                        space.id(),
                        parent.as_ref().map(Entry::id),
                        &name,
                        Box::pin(body),
                        person,
                        Saving::CreateOrReplace,
                    )
                    .await?,
                );
            }
            _ => {}
        }
    }
    if saved.is_empty() {
        return Err(AppError::BadRequest(
            "choisissez un fichier à envoyer".to_owned(),
        ));
    }
    Ok((parent, saved))
}

/// A file or folder of the space, with the rights of `actor` on it.
pub(crate) async fn entry_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    entry: i64,
    action: Action,
) -> Result<(store::spaces::Space, SpaceAccess, Entry), AppError> {
    let (space, access) = space_for(state, actor, id, action).await?;
    let entry = folders::get(&state.db, space.id(), EntryId(entry)).await?;
    Ok((space, access, entry))
}

pub async fn file(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, entry)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access, entry) = entry_for(&state, actor, id, entry, Action::View).await?;
    if entry.is_folder {
        return Ok(Redirect::to(&format!("/espaces/{id}/dossiers/{}", entry.id)).into_response());
    }
    let versions = folders::versions(&state.db, entry.id()).await?;
    let trail = match entry.parent_id {
        Some(parent) => folders::ancestors(&state.db, space.id(), EntryId(parent)).await?,
        None => Vec::new(),
    };
    let writes = can(actor, Action::Contribute, Resource::Space(access));
    render(&FilePage::new(
        Layout::new(&ctx, format!("{} — {}", entry.name, space.name)),
        space,
        entry,
        trail,
        versions,
        writes,
    ))
}

#[derive(serde::Deserialize)]
pub struct VersionQuery {
    version: Option<i64>,
}

/// The bytes of a file (its current version, or `?version=`), by ranges too. Images, videos,
/// sound and PDF show in the browser; anything else downloads.
pub async fn content(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, entry)): Path<(i64, i64)>,
    Query(query): Query<VersionQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    file_content(&state, ctx.actor(), id, entry, query.version, &headers).await
}

/// The bytes of a file of the space for `actor` (pages and API).
pub(crate) async fn file_content(
    state: &AppState,
    actor: Actor,
    id: i64,
    entry: i64,
    version: Option<i64>,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let (_, _, entry) = entry_for(state, actor, id, entry, Action::View).await?;
    if entry.is_folder {
        return Err(AppError::NotFound);
    }
    let version = folders::version(&state.db, entry.id(), version.map(VersionId)).await?;
    stream_blob(
        state,
        &version.blob_key,
        &version.content_type,
        &entry.name,
        headers,
    )
    .await
}

/// `attachment; filename="…"; filename*=UTF-8''…`: the name as typed, accents included.
#[derive(serde::Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
    /// The folder to move into (`0`: the top); absent: where it is.
    parent: Option<i64>,
}

pub async fn rename(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, entry)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<RenameForm>,
) -> Result<Response, AppError> {
    let (space, _, entry) = entry_for(&state, ctx.actor(), id, entry, Action::Contribute).await?;
    let name = name_of(&form.name)?;
    let parent = match form.parent {
        Some(folder) => folder_of(&state, space.id(), folder).await?.map(|e| e.id()),
        None => entry.parent_id.map(EntryId),
    };
    folders::rename(
        &state.db,
        space.id(),
        entry.id(),
        parent,
        &name,
        person.id(),
    )
    .await?;
    Ok(Redirect::to(&format!("/espaces/{id}/fichiers/{}", entry.id)).into_response())
}

pub async fn trash(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, entry)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let (space, _, entry) = entry_for(&state, ctx.actor(), id, entry, Action::Contribute).await?;
    let batch = crate::security::random_token();
    folders::trash(&state.db, space.id(), entry.id(), person.id(), &batch).await?;
    let back = match entry.parent_id {
        Some(parent) => format!("/espaces/{id}/dossiers/{parent}"),
        None => format!("/espaces/{id}/dossiers"),
    };
    Ok(Redirect::to(&back).into_response())
}

pub async fn trash_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access) = space_for(&state, actor, id, Action::View).await?;
    let entries = folders::trashed(&state.db, space.id()).await?;
    let writes = can(actor, Action::Contribute, Resource::Space(access));
    let purges = can(actor, Action::Moderate, Resource::Space(access));
    render(&TrashPage::new(
        Layout::new(&ctx, format!("Corbeille — {}", space.name)),
        space,
        entries,
        writes,
        purges,
    ))
}

pub async fn restore(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, entry)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let (space, _, entry) = entry_for(&state, ctx.actor(), id, entry, Action::Contribute).await?;
    folders::restore(&state.db, space.id(), entry.id(), person.id()).await?;
    let target = if entry.is_folder {
        "dossiers"
    } else {
        "fichiers"
    };
    Ok(Redirect::to(&format!("/espaces/{id}/{target}/{}", entry.id)).into_response())
}

/// Deletes for good an entry of the trash (moderators and owners) and the bytes nobody uses.
pub async fn purge(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, entry)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let (space, _, entry) = entry_for(&state, ctx.actor(), id, entry, Action::Moderate).await?;
    let orphans = folders::purge(&state.db, space.id(), entry.id()).await?;
    for key in orphans {
        if let Err(e) = state.blobs.delete(&key).await {
            tracing::warn!(%key, error = %e, "could not delete a purged file");
        }
    }
    Ok(Redirect::to(&format!("/espaces/{id}/corbeille")).into_response())
}

pub async fn restore_version(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, entry, version)): Path<(i64, i64, i64)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let (space, _, entry) = entry_for(&state, ctx.actor(), id, entry, Action::Contribute).await?;
    folders::restore_version(
        &state.db,
        space.id(),
        entry.id(),
        VersionId(version),
        person.id(),
    )
    .await?;
    Ok(Redirect::to(&format!("/espaces/{id}/fichiers/{}", entry.id)).into_response())
}
