//! WebDAV (class 1 and 2) at `/dav/spaces/{id}/`: the shared folders of a space mounted in a
//! file manager or an office suite. HTTP Basic with the person's e-mail address and one of
//! their application passwords; rights exactly as on the web (readers read, writers write).

mod fs;
mod locks;
mod props;

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

/// The longest PROPFIND body read (they name a few properties).
const PROPFIND_BODY: usize = 1024 * 1024;

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

/// Whether a raw request path climbs with a `..` segment, written plainly or
/// percent-encoded (`%2e%2e`).
fn climbs(path: &str) -> bool {
    path.split('/').any(|segment| {
        percent_encoding::percent_decode_str(segment)
            .decode_utf8_lossy()
            .split('\\')
            .any(|part| part == "..")
    })
}

/// The path of a `Destination` header as the client wrote it (an absolute URL or a path),
/// without resolving its dot segments.
fn destination_path(value: &str) -> &str {
    match value.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => value,
    }
}

/// Refuses a request whose path or destination leaves the space it names: a client error,
/// never the server's.
fn stays_in_space(request: &Request, prefix: &str) -> Result<(), (StatusCode, &'static str)> {
    let path = request.uri().path();
    if climbs(path) {
        return Err((
            StatusCode::BAD_REQUEST,
            "Chemin refusé : « .. » n'est pas permis dans une adresse WebDAV.",
        ));
    }
    if let Some(destination) = request.headers().get("destination") {
        let destination = destination_path(destination.to_str().unwrap_or_default());
        let destination = destination.split(['?', '#']).next().unwrap_or_default();
        if climbs(destination) {
            return Err((
                StatusCode::BAD_REQUEST,
                "Destination refusée : « .. » n'est pas permis dans une adresse WebDAV.",
            ));
        }
        let inside = destination
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if !inside {
            return Err((
                StatusCode::FORBIDDEN,
                "Un fichier ne quitte pas son espace par WebDAV : déplacez-le entre espaces \
                 depuis le site.",
            ));
        }
    }
    Ok(())
}

async fn serve(State(state): State<AppState>, id: String, request: Request) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return status(StatusCode::NOT_FOUND, "Espace introuvable.");
    };
    let prefix = format!("/dav/spaces/{id}");
    if let Err((code, message)) = stays_in_space(&request, &prefix) {
        return status(code, message);
    }
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
    let listing = request.method().as_str() == "PROPFIND";
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    let name = request.uri().path().rsplit('/').next().unwrap_or_default();
    let name = percent_encoding::percent_decode_str(name)
        .decode_utf8_lossy()
        .into_owned();
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
    // The properties a PROPFIND names, to answer each of them (dav-server leaves out those
    // it does not have).
    let (request, requested) = if listing {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, PROPFIND_BODY).await else {
            return status(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Requête PROPFIND trop longue.",
            );
        };
        let requested = props::requested(&bytes);
        (Request::from_parts(parts, Body::from(bytes)), requested)
    } else {
        (request, None)
    };
    let response = DavHandler::new().handle_with(config, request).await;
    let (mut parts, body) = response.into_parts();
    let body = match requested {
        Some(requested) if parts.status == StatusCode::MULTI_STATUS => {
            match axum::body::to_bytes(Body::new(body), usize::MAX).await {
                Ok(answer) => {
                    parts.headers.remove(header::CONTENT_LENGTH);
                    Body::from(
                        props::complete(&answer, &requested).unwrap_or_else(|| answer.to_vec()),
                    )
                }
                Err(e) => return AppError::Internal(format!("PROPFIND: {e}")).into_response(),
            }
        }
        _ => Body::new(body),
    };
    let mut response = Response::from_parts(parts, body);
    if read && response.status().is_success() {
        // dav-server types a file by its name: served inert, as on the web.
        let named = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        crate::handlers::blobs::inert(&mut response, &named, &name);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{climbs, destination_path};

    #[test]
    fn dot_segments_are_seen_however_written() {
        for path in [
            "/dav/spaces/1/../2/x.txt",
            "/dav/spaces/1/%2e%2e/2/x.txt",
            "/dav/spaces/1/%2E%2E/2/",
            "/dav/spaces/1/.%2e/2",
            "/dav/spaces/1/a/..",
            "/dav/spaces/1/..%5c2",
        ] {
            assert!(climbs(path), "{path}");
        }
        for path in [
            "/dav/spaces/1/a..b/",
            "/dav/spaces/1/.cache/x",
            "/dav/spaces/1/...",
            "/",
        ] {
            assert!(!climbs(path), "{path}");
        }
        assert_eq!(
            destination_path("http://127.0.0.1:8080/dav/spaces/1/../2/x"),
            "/dav/spaces/1/../2/x"
        );
        assert_eq!(destination_path("/dav/spaces/1/y"), "/dav/spaces/1/y");
        assert_eq!(destination_path("http://h"), "/");
    }
}
