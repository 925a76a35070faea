//! Every route of the platform, in one place.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::handlers::{accounts, directory, home, practices, system, territories};
use crate::state::AppState;
use crate::{api, metrics, security};

/// Largest request body accepted (forms and JSON).
const BODY_LIMIT: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    metrics::handle();
    let secure = state.settings.secure_cookies();
    let pages = Router::new()
        .route("/", get(home::home))
        .route("/annuaire", get(directory::search))
        .route("/etablissements/{uai}", get(directory::establishment))
        .route("/pratiques", get(practices::search).post(practices::create))
        .route("/pratiques/nouvelle", get(practices::new_form))
        .route("/pratiques/flux.atom", get(practices::feed))
        .route("/pratiques/{id}", get(practices::show))
        .route(
            "/pratiques/{id}/modifier",
            get(practices::edit_form).post(practices::update),
        )
        .route("/pratiques/{id}/publier", post(practices::publish))
        .route("/pratiques/{id}/depublier", post(practices::unpublish))
        .route("/pratiques/{id}/supprimer", post(practices::delete))
        .route("/pratiques/{id}/versions", get(practices::versions))
        .route("/pratiques/{id}/commentaires", post(practices::comment))
        .route("/pratiques/{id}/essais", post(practices::trial))
        .route("/pratiques/{id}/favori", post(practices::bookmark))
        .route(
            "/pratiques/{id}/medias",
            post(practices::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/medias/{id}", get(practices::serve))
        .route("/medias/{id}/affiche", get(practices::poster))
        .route(
            "/medias/{id}/sous-titres",
            post(practices::add_caption).layer(DefaultBodyLimit::max(2 * 1024 * 1024)),
        )
        .route("/medias/{id}/sous-titres/{lang}", get(practices::caption))
        .route("/medias/{id}/consentement", post(practices::consent))
        .route("/suivre", post(practices::follow))
        .route("/notifications", get(practices::notifications))
        .route("/notifications/resume", post(practices::set_digest))
        .route("/mes-pratiques", get(practices::mine))
        .route("/territoires", get(territories::list))
        .route("/territoires/{slug}", get(territories::show))
        .route(
            "/connexion",
            get(accounts::login_form).post(accounts::login),
        )
        .route("/deconnexion", post(accounts::logout))
        .route("/compte", get(accounts::account))
        .route(
            "/mot-de-passe-oublie",
            get(accounts::forgot_form).post(accounts::forgot),
        )
        .route(
            "/mot-de-passe/{token}",
            get(accounts::reset_form).post(accounts::reset),
        )
        .fallback(system::not_found)
        .layer(from_fn(move |req, next| {
            security::csrf_cookie(secure, req, next)
        }));

    let mut app = Router::new()
        .merge(pages)
        .nest("/api/v1", api::v1::router())
        .route("/static/{*path}", get(system::asset))
        .route("/healthz", get(system::healthz))
        .route("/readyz", get(system::readyz))
        .route("/metrics", get(system::metrics))
        .with_state(state);

    for (name, value) in security::security_headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    app.layer(from_fn(security::same_origin))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(metrics::track))
        .layer(CompressionLayer::new())
        .layer(from_fn(time_limit))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(|_| {
            crate::error::AppError::Internal("panic".to_owned()).into_response()
        }))
}

/// How long a request may take to be answered.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Answers 408 to requests that take longer than `REQUEST_TIMEOUT`, except uploads, which
/// stream as long as the file takes on a slow connection.
async fn time_limit(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let upload = request.method() == axum::http::Method::POST
        && (path.ends_with("/medias") || path.ends_with("/media"));
    if upload {
        return next.run(request).await;
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}
