//! Media of a practice: uploads (streamed, checked by content and size), playback with range
//! requests, posters, captions, and the image-rights consent of videos.

use axum::extract::multipart::{Field, Multipart};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::audit::{AuditAction, AuditEvent};
use domain::ids::{MediaId, PersonId, PracticeId};
use domain::policy::{Action, Actor, Resource};
use domain::practices::consent::{Appearance, Consent, ConsentInput};
use futures::TryStreamExt;
use media::IngestError;
use store::practices::media::{self as practice_media, Media, NewMedia};

use super::allowed;
use crate::error::AppError;
use crate::extractors::{ClientIp, CsrfForm, PageContext, RequireUser};
use crate::handlers::blobs::stream_blob;
use crate::security::{CSRF_COOKIE, cookie};
use crate::state::AppState;

fn random_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Streams the `file` field of an upload into the blob store and attaches it to the practice.
/// `csrf`, when given, must match the visitor's cookie and come before the file.
pub(crate) async fn receive(
    state: &AppState,
    practice: PracticeId,
    person: PersonId,
    headers: &HeaderMap,
    mut multipart: Multipart,
    expected_csrf: Option<String>,
) -> Result<MediaId, AppError> {
    let limits = state.settings.upload_limits;
    if let Some(length) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && length > limits.largest() + 64 * 1024
    {
        return Err(AppError::from(IngestError::TooLarge {
            kind: "vidéo",
            limit: limits.largest(),
        }));
    }
    let mut csrf_ok = expected_csrf.is_none();
    let mut appearance = None;
    let mut stored = None;
    while let Some(field) = multipart.next_field().await.map_err(AppError::from)? {
        match field.name().unwrap_or_default() {
            "csrf" => {
                let value = field.text().await.map_err(AppError::from)?;
                csrf_ok = expected_csrf
                    .as_deref()
                    .is_some_and(|e| !value.is_empty() && e == value);
            }
            "appearance" => {
                let value = field.text().await.map_err(AppError::from)?;
                appearance = Appearance::from_code(value.trim());
            }
            "file" => {
                if !csrf_ok {
                    return Err(AppError::expired_form());
                }
                stored = Some(store_file(state, practice, field).await?);
            }
            _ => {}
        }
    }
    let (name, ingested) =
        stored.ok_or_else(|| AppError::BadRequest("choisissez un fichier à envoyer".to_owned()))?;
    let video = ingested.kind == media::Kind::Video;
    if video && appearance.is_none() {
        state
            .blobs
            .delete(&ingested.key)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        return Err(AppError::BadRequest(
            "dites qui apparaît dans la vidéo : personne d'identifiable, des adultes ou des élèves"
                .to_owned(),
        ));
    }
    let new = NewMedia {
        kind: ingested.kind.code().to_owned(),
        mime: ingested.mime.to_owned(),
        name,
        size: ingested.size as i64,
        blob_key: ingested.key,
        appearance: if video { appearance } else { None },
    };
    let id = practice_media::add(&state.db, practice, person, &new).await?;
    state.jobs_wakeup.notify_one();
    Ok(id)
}

async fn store_file(
    state: &AppState,
    practice: PracticeId,
    field: Field<'_>,
) -> Result<(String, media::Ingested), AppError> {
    let name: String = field
        .file_name()
        .unwrap_or("fichier")
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect();
    let key = format!("practices/{}/{}/original", practice.0, random_key());
    let body = field.map_err(|e| e.body_text());
    let ingested = media::ingest(
        &state.blobs,
        &key,
        &name,
        Box::pin(body),
        &state.settings.upload_limits,
        media::Accept::Library,
    )
    .await
    .map_err(AppError::from)?;
    Ok((name, ingested))
}

/// The upload form of a practice page (with a progress bar when JavaScript runs).
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, AppError> {
    allowed(&state, ctx.actor(), PracticeId(id), Action::Edit).await?;
    let expected = cookie(&headers, CSRF_COOKIE).unwrap_or_default();
    receive(
        &state,
        PracticeId(id),
        person.id(),
        &headers,
        multipart,
        Some(expected),
    )
    .await?;
    Ok(Redirect::to(&format!("/pratiques/{id}#medias")).into_response())
}

/// A medium if `actor` may see the practice it belongs to (a withdrawn video: its authors only).
pub(crate) async fn media_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    action: Action,
) -> Result<Media, AppError> {
    let media = practice_media::get(&state.db, MediaId(id)).await?;
    let resource = allowed(state, actor, PracticeId(media.practice_id), action).await?;
    let author = matches!(resource, Resource::Practice { author: true, .. });
    if media.withdrawn_at.is_some() && !author && !actor.admin {
        return Err(AppError::NotFound);
    }
    Ok(media)
}

/// The medium itself: the transcoded video when ready, else the file as uploaded.
pub async fn serve(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let media = media_for(&state, ctx.actor(), id, Action::View).await?;
    let (key, mime) = match &media.transcoded_key {
        Some(key) => (key.as_str(), "video/mp4"),
        None => (media.blob_key.as_str(), media.mime.as_str()),
    };
    stream_blob(&state, key, mime, &media.name, &headers).await
}

pub async fn poster(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let media = media_for(&state, ctx.actor(), id, Action::View).await?;
    let key = media.poster_key.ok_or(AppError::NotFound)?;
    stream_blob(&state, &key, "image/jpeg", "affiche.jpg", &headers).await
}

pub async fn caption(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, lang)): Path<(i64, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    media_for(&state, ctx.actor(), id, Action::View).await?;
    let captions = practice_media::captions(&state.db, MediaId(id)).await?;
    let lang = lang.trim_end_matches(".vtt");
    let caption = captions
        .into_iter()
        .find(|c| c.lang == lang)
        .ok_or(AppError::NotFound)?;
    stream_blob(
        &state,
        &caption.blob_key,
        "text/vtt; charset=utf-8",
        &format!("{lang}.vtt"),
        &headers,
    )
    .await
}

/// Adds WebVTT captions to a video (authors).
pub async fn add_caption(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let media = media_for(&state, ctx.actor(), id, Action::Edit).await?;
    if media.kind != "video" {
        return Err(AppError::BadRequest(
            "seules les vidéos ont des sous-titres".to_owned(),
        ));
    }
    let expected = cookie(&headers, CSRF_COOKIE).unwrap_or_default();
    let (mut csrf, mut lang, mut text) = (String::new(), String::from("fr"), None);
    while let Some(field) = multipart.next_field().await.map_err(AppError::from)? {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.map_err(AppError::from)?,
            "lang" => {
                lang = field
                    .text()
                    .await
                    .map_err(AppError::from)?
                    .trim()
                    .to_lowercase()
            }
            "file" => {
                let bytes = field.bytes().await.map_err(AppError::from)?;
                if bytes.len() > 1024 * 1024 {
                    return Err(AppError::TooLarge(
                        "un fichier de sous-titres ne dépasse pas 1 Mio".to_owned(),
                    ));
                }
                text = Some(bytes);
            }
            _ => {}
        }
    }
    if expected.is_empty() || csrf != expected {
        return Err(AppError::expired_form());
    }
    let text = text
        .ok_or_else(|| AppError::BadRequest("choisissez un fichier de sous-titres".to_owned()))?;
    let valid = std::str::from_utf8(&text)
        .is_ok_and(|t| t.trim_start_matches('\u{feff}').starts_with("WEBVTT"));
    if !valid {
        return Err(AppError::UnsupportedType(
            "les sous-titres doivent être un fichier WebVTT (.vtt) qui commence par « WEBVTT »"
                .to_owned(),
        ));
    }
    let label = match lang.as_str() {
        "fr" => "Français",
        "en" => "Anglais",
        "de" => "Allemand",
        "es" => "Espagnol",
        "it" => "Italien",
        _ => {
            return Err(AppError::BadRequest(format!(
                "langue de sous-titres inconnue : « {lang} »"
            )));
        }
    };
    let key = format!(
        "practices/{}/captions/{}-{lang}.vtt",
        media.practice_id, media.id
    );
    state
        .blobs
        .put(&key, text)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    practice_media::add_caption(&state.db, media.id(), &lang, label, &key).await?;
    Ok(Redirect::to(&format!("/pratiques/{}#medias", media.practice_id)).into_response())
}

/// Records the image-rights consent of a video (authors).
pub async fn consent(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ConsentInput>,
) -> Result<Response, AppError> {
    let media = media_for(&state, ctx.actor(), id, Action::Edit).await?;
    if media.kind != "video" {
        return Err(AppError::BadRequest(
            "seules les vidéos ont des autorisations de droit à l'image".to_owned(),
        ));
    }
    let today = time::OffsetDateTime::now_utc().date();
    let consent = Consent::parse(&form, today).map_err(AppError::BadRequest)?;
    practice_media::record_consent(&state.db, media.id(), person.id(), &consent).await?;
    let event = AuditEvent::new(
        Some(person.id()),
        AuditAction::ConsentChanged,
        format!("media:{id}"),
        &ip,
    )
    .detail("autorisation de droit à l'image enregistrée");
    crate::handlers::accounts::audit(&state, event).await?;
    Ok(Redirect::to(&format!("/pratiques/{}#medias", media.practice_id)).into_response())
}
