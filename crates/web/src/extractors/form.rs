use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::security::{CSRF_COOKIE, cookie};

/// A urlencoded form whose `csrf` field must equal the visitor's CSRF cookie. Repeated fields
/// (check boxes) gather into a `Vec`.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct Token {
    #[serde(default)]
    csrf: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let malformed =
            || AppError::BadRequest("le formulaire envoyé est incomplet ou mal formé".to_owned());
        let expected = cookie(request.headers(), CSRF_COOKIE);
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| malformed())?;
        let Token { csrf } = serde_html_form::from_bytes(&body).map_err(|_| malformed())?;
        match expected {
            Some(expected) if !csrf.is_empty() && expected == csrf => {
                refuse_hidden_characters(&body)?;
                serde_html_form::from_bytes(&body)
                    .map(Self)
                    .map_err(|_| malformed())
            }
            _ => Err(AppError::expired_form()),
        }
    }
}

/// Refuses a form any of whose fields holds a control character (other than tab and line
/// breaks) or a direction override: the same refusal on SQLite and PostgreSQL, whatever the
/// field. Areas check their own fields first, with the form shown again.
fn refuse_hidden_characters(body: &[u8]) -> Result<(), AppError> {
    for (name, value) in url::form_urlencoded::parse(body) {
        if let Some(problem) = domain::text::char_problem(&format!("Le champ « {name} »"), &value)
        {
            return Err(AppError::BadRequest(problem));
        }
    }
    Ok(())
}

/// A form with nothing but its CSRF token (a button).
#[derive(serde::Deserialize)]
pub struct NoFields {}

/// An address's query whose repeated fields (check boxes of a `GET` form) gather into a
/// `Vec`, which axum's `Query` refuses.
pub struct ListQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for ListQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        serde_html_form::from_str(parts.uri.query().unwrap_or_default())
            .map(Self)
            .map_err(|e| AppError::BadRequest(format!("adresse mal formée : {e}")))
    }
}
