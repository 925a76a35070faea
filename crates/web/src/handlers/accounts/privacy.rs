//! Personal data: the export of everything a person left on the platform, the closing of
//! their account, and the « Données personnelles » page, written from the configuration.

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::audit::{AuditAction, AuditEvent, person_target};
use store::accounts::privacy;
use tokio::io::AsyncReadExt;

use super::audit;
use crate::error::AppError;
use crate::extractors::{ClientIp, CsrfForm, PageContext, RequireUser};
use crate::security::{SESSION_COOKIE, set_cookie};
use crate::state::AppState;
use crate::views::accounts::{ClosePage, PrivacyPage};
use crate::views::{Layout, render, render_status};

/// The person's data as a ZIP: one JSON file a section (`donnees/<section>.json`) and their
/// files as they sent them (`fichiers/…`). Built in a temporary file and streamed, so that
/// videos do not sit in memory.
pub(crate) async fn export(
    state: &AppState,
    person: &store::accounts::Person,
    ip: &str,
) -> Result<Response, AppError> {
    let export = privacy::export(&state.db, person.id()).await?;
    let scratch = tempfile::tempdir().map_err(|e| AppError::Internal(e.to_string()))?;
    let mut files = Vec::with_capacity(export.files.len());
    for (i, file) in export.files.iter().enumerate() {
        let dir = scratch.path().join(i.to_string());
        std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(e.to_string()))?;
        match state.blobs.local_copy(&file.blob_key, &dir).await {
            Ok(path) if path.exists() => files.push((file.path.clone(), path)),
            // A file already removed (a withdrawn video's original): nothing to give.
            Ok(_) | Err(_) => {}
        }
    }
    let sections = export.sections;
    let zip = tokio::task::spawn_blocking(move || -> Result<tempfile::NamedTempFile, String> {
        let archive = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
        let mut zip = zip::ZipWriter::new(archive.reopen().map_err(|e| e.to_string())?);
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("LISEZMOI.txt", options)
            .map_err(|e| e.to_string())?;
        zip.write_all(README.as_bytes())
            .map_err(|e| e.to_string())?;
        for (name, value) in &sections {
            zip.start_file(format!("donnees/{name}.json"), options)
                .map_err(|e| e.to_string())?;
            let text = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
            zip.write_all(&text).map_err(|e| e.to_string())?;
        }
        let stored = options.compression_method(zip::CompressionMethod::Stored);
        for (path, source) in &files {
            zip.start_file(path.replace(['/', '\\'], "/"), stored)
                .map_err(|e| e.to_string())?;
            let mut input = std::fs::File::open(source).map_err(|e| e.to_string())?;
            std::io::copy(&mut input, &mut zip).map_err(|e| e.to_string())?;
        }
        zip.finish().map_err(|e| e.to_string())?;
        Ok(archive)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(AppError::Internal)?;
    drop(scratch);
    audit(
        state,
        AuditEvent::new(
            Some(person.id()),
            AuditAction::Export,
            person_target(person.id()),
            ip,
        ),
    )
    .await?;
    let length = zip
        .as_file()
        .metadata()
        .map_err(|e| AppError::Internal(e.to_string()))?
        .len();
    let file = tokio::fs::File::from_std(
        zip.reopen()
            .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    let stream = futures::stream::unfold(Some((file, zip)), |state| async move {
        let (mut file, zip) = state?;
        let mut buffer = vec![0u8; 64 * 1024];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((
                    Ok::<_, std::io::Error>(Bytes::from(buffer)),
                    Some((file, zip)),
                ))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    // The body may be polled again once it ended (compression does): a fused stream says
    // « ended » again instead of panicking.
    let stream = futures::StreamExt::fuse(stream);
    let day = time::OffsetDateTime::now_utc().date();
    Response::builder()
        .header(header::CONTENT_TYPE, "application/zip")
        .header(header::CONTENT_LENGTH, length)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"territoire-mes-donnees-{day}.zip\""),
        )
        .body(Body::from_stream(stream))
        .map_err(|e| AppError::Internal(e.to_string()))
}

const README: &str = "Vos données sur Territoire\n\n\
    donnees/ : un fichier JSON par rubrique (profil, établissements, espaces, pratiques, messages,\n\
    consentements, formation, sessions, journal de sécurité…). Les dates sont en secondes depuis\n\
    le 1er janvier 1970 (UTC).\n\
    fichiers/ : les fichiers que vous avez déposés, tels que vous les avez envoyés.\n";

pub async fn close_form(
    ctx: PageContext,
    RequireUser(_): RequireUser,
) -> Result<Response, AppError> {
    render(&ClosePage {
        layout: Layout::new(&ctx, "Fermer mon compte"),
        error: None,
    })
}

#[derive(serde::Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    confirmation: String,
    /// `oui`: delete what the person wrote alone, not only their personal data.
    #[serde(default)]
    contributions: String,
}

pub const CONFIRMATION: &str = "fermer mon compte";

pub async fn close(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    CsrfForm(form): CsrfForm<CloseForm>,
) -> Result<Response, AppError> {
    if form.confirmation.trim().to_lowercase() != CONFIRMATION {
        let page = ClosePage {
            layout: Layout::new(&ctx, "Fermer mon compte"),
            error: Some(format!("Pour confirmer, écrivez « {CONFIRMATION} ».")),
        };
        return render_status(StatusCode::BAD_REQUEST, &page);
    }
    let delete = form.contributions == "oui";
    let closed = privacy::close(&state.db, person.id(), delete).await?;
    state.realtime.revoke(person.id()).await;
    state.jobs_wakeup.notify_one();
    audit(
        &state,
        AuditEvent::new(
            Some(person.id()),
            AuditAction::AccountClosed,
            person_target(person.id()),
            &ip,
        )
        .detail(if delete {
            format!(
                "données personnelles et contributions supprimées ({} fichier(s))",
                closed.blobs.len()
            )
        } else {
            "données personnelles supprimées, contributions gardées sous « Ancien membre »"
                .to_owned()
        }),
    )
    .await?;
    let mut response = Redirect::to("/donnees-personnelles?compte-ferme=1").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), state.settings.secure_cookies()),
    );
    Ok(response)
}

#[derive(serde::Deserialize, Default)]
pub struct PrivacyQuery {
    #[serde(rename = "compte-ferme")]
    closed: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    axum::extract::Query(query): axum::extract::Query<PrivacyQuery>,
) -> Result<Response, AppError> {
    render(&PrivacyPage::new(
        Layout::new(&ctx, "Données personnelles"),
        &state.settings,
        query.closed.is_some(),
    ))
}
