//! One error type for the web layer. Pages show a French message without internals; the API
//! answers `{error, message}` with the right status. Server errors are logged, not shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use store::StoreError;

use crate::views::ErrorPage;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("page introuvable")]
    NotFound,
    #[error("connexion requise")]
    Unauthorized,
    #[error("accès refusé")]
    Forbidden,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("trop de tentatives")]
    TooManyRequests,
    /// A person sends too much too fast (chat, pads).
    #[error("{0}")]
    RateLimited(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedType(String),
    /// A space has no room left (507 Insufficient Storage).
    #[error("{0}")]
    QuotaExceeded(String),
    /// A service the platform relies on (the identity provider) does not answer.
    #[error("{0}")]
    BadGateway(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::Invalid(message) => Self::BadRequest(message),
            StoreError::QuotaExceeded(message) => Self::QuotaExceeded(message),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<realtime::ChatError> for AppError {
    fn from(error: realtime::ChatError) -> Self {
        use realtime::ChatError;
        match error {
            ChatError::NotFound => Self::NotFound,
            ChatError::Forbidden => Self::Forbidden,
            ChatError::Invalid { message, .. } => Self::BadRequest(message),
            ChatError::RateLimited => Self::RateLimited(error.to_string()),
            ChatError::Store(error) => error.into(),
        }
    }
}

impl From<media::IngestError> for AppError {
    fn from(error: media::IngestError) -> Self {
        use media::IngestError;
        match error {
            IngestError::TooLarge { .. } => Self::TooLarge(error.to_string()),
            IngestError::Unsupported
            | IngestError::UnsupportedInFolders
            | IngestError::Disguised { .. } => Self::UnsupportedType(error.to_string()),
            IngestError::Empty | IngestError::Body(_) => Self::BadRequest(error.to_string()),
            IngestError::Store(e) => Self::Internal(e.to_string()),
        }
    }
}

impl From<axum::extract::multipart::MultipartError> for AppError {
    fn from(error: axum::extract::multipart::MultipartError) -> Self {
        Self::BadRequest(format!(
            "l'envoi du fichier a échoué ({})",
            error.body_text()
        ))
    }
}

impl AppError {
    /// A form whose CSRF token does not match the visitor's cookie.
    pub fn expired_form() -> Self {
        Self::BadRequest("le formulaire a expiré ; rechargez la page et recommencez".to_owned())
    }
}

/// A field refused by a domain rule: its French message, as a bad request.
impl From<domain::practices::FieldError> for AppError {
    fn from(error: domain::practices::FieldError) -> Self {
        Self::BadRequest(error.message)
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        Self::Internal(format!("template: {error}"))
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests | Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::QuotaExceeded(_) => StatusCode::INSUFFICIENT_STORAGE,
            Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::BadRequest(_) => "bad_request",
            Self::Conflict(_) => "conflict",
            Self::TooManyRequests => "too_many_requests",
            Self::RateLimited(_) => "rate_limited",
            Self::TooLarge(_) => "payload_too_large",
            Self::UnsupportedType(_) => "unsupported_media_type",
            Self::QuotaExceeded(_) => "quota_exceeded",
            Self::BadGateway(_) => "bad_gateway",
            Self::Internal(_) => "internal",
        }
    }

    /// What the person reads, in French.
    pub fn message(&self) -> String {
        match self {
            Self::NotFound => "La page ou la ressource demandée n'existe pas, ou elle ne vous est pas accessible : si elle a été partagée avec vous, connectez-vous.".to_owned(),
            Self::Unauthorized => "Vous devez vous connecter pour accéder à cette page.".to_owned(),
            Self::Forbidden => "Vous n'avez pas les droits nécessaires pour cette action.".to_owned(),
            Self::BadRequest(m) | Self::Conflict(m) => capitalize(m),
            Self::TooLarge(m) | Self::UnsupportedType(m) => sentence(m),
            Self::QuotaExceeded(m) => capitalize(m),
            Self::RateLimited(m) | Self::BadGateway(m) => sentence(m),
            Self::TooManyRequests => {
                "Trop de tentatives de connexion. Patientez quelques minutes avant de réessayer.".to_owned()
            }
            Self::Internal(_) => {
                "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez dans un instant.".to_owned()
            }
        }
    }

    fn log(&self) {
        if let Self::Internal(detail) = self {
            tracing::error!(%detail, "server error");
        }
    }
}

/// A message as a French sentence: capital first letter and final full stop.
pub fn sentence(text: &str) -> String {
    format!("{}.", capitalize(text))
}

pub(crate) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        if matches!(self, Self::Unauthorized) {
            return Redirect::to(&sign_in_link()).into_response();
        }
        let status = self.status();
        (status, ErrorPage::render(status, &self.message())).into_response()
    }
}

/// The same errors, answered as JSON for the API.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        Self(error.into())
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Machine code: `not_found`, `unauthorized`, `forbidden`, `bad_request`, `conflict`…
    pub error: &'static str,
    /// Explanation in French.
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let body = ErrorBody {
            error: self.0.code(),
            message: self.0.message(),
        };
        (self.0.status(), Json(body)).into_response()
    }
}

/// What is known of the page being answered, for the pages its errors render: the page
/// asked for (path and query of a `GET`), and who asks once a session was read.
struct Asked {
    page: Option<String>,
    visitor: std::sync::Mutex<Option<Visitor>>,
}

/// The signed-in person an error page keeps in its header.
#[derive(Clone, Debug)]
pub(crate) struct Visitor {
    pub name: String,
    pub admin: bool,
    pub csrf: String,
    pub demo: bool,
}

tokio::task_local! {
    static ASKED: Asked;
}

/// Remembers the page asked for while it is answered, so that whatever sends its visitor to
/// sign in — the redirect of a page for signed-in people, the « Se connecter » of an error page
/// or of the header — brings them back to it (a link from an e-mail or a calendar invitation
/// lands on its visit, not on `/compte`), and so that an error page keeps the signed-in header.
pub async fn remember_page(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let page = (request.method() == axum::http::Method::GET)
        .then(|| {
            request
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_owned())
        })
        .flatten();
    let asked = Asked {
        page,
        visitor: std::sync::Mutex::new(None),
    };
    ASKED.scope(asked, next.run(request)).await
}

/// Notes who asks for the page being answered (the session extractor calls it).
pub(crate) fn record_visitor(visitor: Visitor) {
    let _ = ASKED.try_with(|asked| {
        if let Ok(mut slot) = asked.visitor.lock() {
            *slot = Some(visitor);
        }
    });
}

/// Who asks for the page being answered, if signed in.
pub(crate) fn visitor() -> Option<Visitor> {
    ASKED
        .try_with(|asked| asked.visitor.lock().ok().and_then(|v| v.clone()))
        .ok()
        .flatten()
}

/// The page being answered, if a page was asked for.
pub(crate) fn asked_page() -> Option<String> {
    ASKED.try_with(|asked| asked.page.clone()).ok().flatten()
}

/// The sign-in page, with the page being answered as where to go next.
pub(crate) fn sign_in_link() -> String {
    match asked_page().filter(|p| p != "/" && !p.starts_with("/connexion")) {
        Some(page) => {
            let back: String = url::form_urlencoded::byte_serialize(page.as_bytes()).collect();
            format!("/connexion?suivant={back}")
        }
        None => "/connexion".to_owned(),
    }
}

/// The refusals that axum's own extractors and router write (an unreadable path or query, a
/// method the route does not take, a body too large) are plain English text; this layer says
/// them in the platform's words: `{error, message}` JSON in French under `/api/`, the French
/// error page elsewhere. WebDAV keeps its own answers.
pub async fn french_rejections(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/");
    let dav = path.starts_with("/dav/");
    let response = next.run(request).await;
    let status = response.status();
    // axum writes its refusals as plain text, or with no body at all (405).
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    // The statuses axum's extractors and router answer on their own.
    let rejection = matches!(status.as_u16(), 400 | 404 | 405 | 413 | 415 | 422);
    if dav || !rejection || !plain {
        return response;
    }
    let (status, error) = match status {
        StatusCode::NOT_FOUND => (status, AppError::NotFound),
        StatusCode::METHOD_NOT_ALLOWED => (
            status,
            AppError::BadRequest("cette adresse n'accepte pas cette méthode".to_owned()),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            status,
            AppError::TooLarge("le corps de la requête dépasse la taille permise".to_owned()),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            status,
            AppError::UnsupportedType(
                "le type du corps de la requête n'est pas celui attendu".to_owned(),
            ),
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            AppError::BadRequest(
                "l'adresse ou les paramètres de la requête sont mal formés (un identifiant doit \
                 être un nombre, une date au format attendu…)"
                    .to_owned(),
            ),
        ),
    };
    let mut answer = if api {
        ApiError(error).into_response()
    } else {
        (status, ErrorPage::render(status, &error.message())).into_response()
    };
    *answer.status_mut() = status;
    if let Some(allow) = response.headers().get(axum::http::header::ALLOW) {
        answer
            .headers_mut()
            .insert(axum::http::header::ALLOW, allow.clone());
    }
    answer
}
