//! WebDAV (class 1 and 2) at `/dav/spaces/{id}/`: the shared folders of a space mounted in a
//! file manager or an office suite. HTTP Basic with the person's e-mail address and one of
//! their application passwords; rights exactly as on the web (readers read, writers write).

mod fs;
mod locks;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use dav_server::{DavConfig, DavHandler, DavMethodSet};
use domain::ids::SpaceId;
use domain::policy::{Action, Resource, can};
use store::accounts::Person;

use crate::error::AppError;
use crate::extractors::actor;
use crate::state::AppState;

/// The person of an `Authorization: Basic` header: e-mail address and application password.
pub(crate) async fn basic_person(
    state: &AppState,
    authorization: Option<&str>,
) -> Result<Option<Person>, AppError> {
    let Some(value) = authorization.and_then(|h| h.strip_prefix("Basic ")) else {
        return Ok(None);
    };
    let Some(decoded) = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()
        .and_then(|d| String::from_utf8(d).ok())
    else {
        return Ok(None);
    };
    let Some((email, password)) = decoded.split_once(':') else {
        return Ok(None);
    };
    Ok(store::accounts::app_password_person(&state.db, email, password).await?)
}

pub(crate) fn challenge() -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        "Identifiez-vous avec votre adresse électronique et un mot de passe d'application \
         (page « Mon compte »).",
    )
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"Territoire\", charset=\"UTF-8\""),
    );
    response
}

fn status(status: StatusCode, message: &str) -> Response {
    (status, message.to_owned()).into_response()
}

pub async fn space_root(
    state: State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    serve(state, id, request).await
}

pub async fn space_path(
    state: State<AppState>,
    Path((id, _rest)): Path<(String, String)>,
    request: Request,
) -> Response {
    serve(state, id, request).await
}

async fn serve(State(state): State<AppState>, id: String, request: Request) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return status(StatusCode::NOT_FOUND, "Espace introuvable.");
    };
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    let person = match basic_person(&state, authorization.as_deref()).await {
        Ok(Some(person)) => person,
        Ok(None) => return challenge(),
        Err(e) => return e.into_response(),
    };
    let actor = actor(Some(&person));
    let access = match store::spaces::access(&state.db, SpaceId(id), Some(person.id())).await {
        Ok((_, access)) => access,
        Err(e) => return AppError::from(e).into_response(),
    };
    let space = Resource::Space(access);
    if !can(actor, Action::View, space) {
        return status(StatusCode::NOT_FOUND, "Espace introuvable.");
    }
    let prefix = format!("/dav/spaces/{id}");
    let listing = request.method().as_str() == "PROPFIND";
    let mut config = DavConfig::new()
        .strip_prefix(prefix.clone())
        .filesystem(Box::new(fs::SpaceFs::new(
            state.clone(),
            SpaceId(id),
            person.id(),
            listing,
        )))
        .locksystem(Box::new(locks::DbLocks::new(
            state.db.clone(),
            SpaceId(id),
            prefix,
            listing,
        )))
        .principal(person.email.clone())
        .autoindex(false);
    if !can(actor, Action::Contribute, space) {
        // Readers: a write is forbidden (403, as on the web), not an unknown method.
        let reads = [Method::GET, Method::HEAD, Method::OPTIONS];
        if !reads.contains(request.method()) && request.method().as_str() != "PROPFIND" {
            return status(
                StatusCode::FORBIDDEN,
                "Vous lisez cet espace sans pouvoir y écrire.",
            );
        }
        config = config.methods(DavMethodSet::WEBDAV_RO);
    }
    let response = DavHandler::new().handle_with(config, request).await;
    let (parts, body) = response.into_parts();
    Response::from_parts(parts, Body::new(body))
}
