use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::security::{CSRF_COOKIE, cookie};

/// A urlencoded form whose `csrf` field must equal the visitor's CSRF cookie.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct WithToken<T> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    form: T,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let expected = cookie(request.headers(), CSRF_COOKIE);
        let axum::Form(WithToken { csrf, form }) =
            axum::Form::<WithToken<T>>::from_request(request, state)
                .await
                .map_err(|_| {
                    AppError::BadRequest(
                        "le formulaire envoyé est incomplet ou mal formé".to_owned(),
                    )
                })?;
        match expected {
            Some(expected) if !csrf.is_empty() && expected == csrf => Ok(Self(form)),
            _ => Err(AppError::BadRequest(
                "le formulaire a expiré ; rechargez la page et recommencez".to_owned(),
            )),
        }
    }
}
