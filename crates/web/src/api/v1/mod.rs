//! `/api/v1`: JSON answers, errors as `{error, message}`, OpenAPI at `/api/v1/openapi.json`.

mod accounts;
mod directory;
mod practices;

/// Uploads are routed outside the time and body limits of the other requests (`router.rs`).
pub(crate) use practices::upload as upload_media;
mod territories;

use axum::extract::{FromRequest, Request};
use axum::routing::get;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

use crate::error::{ApiError, AppError};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Territoire",
        description = "API de la plateforme des territoires apprenants. Authentification : `Authorization: Bearer <jeton>` (jeton donné par `territoire user token EMAIL`). Erreurs : `{error, message}`.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        directory::list,
        directory::get_one,
        accounts::me,
        territories::list,
        territories::create,
        practices::list,
        practices::create,
        practices::get_one,
        practices::update,
        practices::delete,
        practices::search,
        practices::upload,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "jeton",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/establishments", get(directory::list))
        .route("/establishments/{uai}", get(directory::get_one))
        .route("/me", get(accounts::me))
        .route(
            "/territories",
            get(territories::list).post(territories::create),
        )
        .route("/practices", get(practices::list).post(practices::create))
        .route(
            "/practices/{id}",
            get(practices::get_one)
                .patch(practices::update)
                .delete(practices::delete),
        )
        .route("/search", get(practices::search))
        .route("/openapi.json", get(openapi))
        .fallback(|| async { ApiError(AppError::NotFound) })
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// A JSON body; a malformed one is answered `400 {error, message}` in French.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| Self(value))
            .map_err(|rejection| {
                ApiError(AppError::BadRequest(format!(
                    "corps JSON invalide ({})",
                    rejection.body_text().chars().take(200).collect::<String>()
                )))
            })
    }
}
