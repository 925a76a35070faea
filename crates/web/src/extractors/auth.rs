use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use store::accounts::Person;

use crate::error::{ApiError, AppError};
use crate::security::{CSRF_COOKIE, CsrfToken, SESSION_COOKIE, cookie};
use crate::state::AppState;

/// The signed-in person of a page request (session cookie), if any.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub Option<Person>);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let person = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(token) => {
                store::accounts::session_person(&state.db, &token, state.settings.session_idle_secs)
                    .await?
            }
            None => None,
        };
        if let Some(person) = &person {
            crate::error::record_visitor(crate::error::Visitor {
                name: person.name.clone(),
                admin: person.admin,
                csrf: csrf_of(parts),
                demo: state.settings.demo,
            });
        }
        let user = CurrentUser(person);
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// The token a page's forms carry against cross-site requests.
fn csrf_of(parts: &Parts) -> String {
    parts
        .extensions
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .or_else(|| cookie(&parts.headers, CSRF_COOKIE))
        .unwrap_or_default()
}

/// A page that needs a signed-in person: others are sent to the login page.
pub struct RequireUser(pub Person);

impl FromRequestParts<AppState> for RequireUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let CurrentUser(person) = CurrentUser::from_request_parts(parts, state).await?;
        person.map(RequireUser).ok_or(AppError::Unauthorized)
    }
}

/// What every page's layout needs: the person, the CSRF token, the demo flag, the path.
#[derive(Clone, Debug)]
pub struct PageContext {
    pub user: Option<Person>,
    pub csrf: String,
    pub demo: bool,
    pub path: String,
}

impl PageContext {
    /// The caller, for the policy functions.
    pub fn actor(&self) -> domain::policy::Actor {
        actor(self.user.as_ref())
    }
}

pub fn actor(person: Option<&Person>) -> domain::policy::Actor {
    person.map_or(domain::policy::Actor::ANONYMOUS, |u| {
        domain::policy::Actor::person(u.id(), u.admin)
    })
}

impl FromRequestParts<AppState> for PageContext {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        Ok(Self {
            user,
            csrf: csrf_of(parts),
            demo: state.settings.demo,
            path: parts.uri.path().to_owned(),
        })
    }
}

/// The caller of an API route: a bearer token (`territoire user token`), or a session.
#[derive(Clone, Debug)]
pub struct ApiCaller(pub Option<Person>);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .map(|h| h.strip_prefix("Bearer ").map(str::trim));
        match bearer {
            Some(Some(token)) => match store::accounts::api_token_person(&state.db, token).await? {
                Some(person) => Ok(Self(Some(person))),
                None => Err(ApiError(AppError::Unauthorized)),
            },
            Some(None) => Err(ApiError(AppError::Unauthorized)),
            None => {
                let CurrentUser(person) = CurrentUser::from_request_parts(parts, state).await?;
                Ok(Self(person))
            }
        }
    }
}

/// An API route that needs a caller: others get `401 {error: "unauthorized"}`.
pub struct ApiUser(pub Person);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ApiCaller(person) = ApiCaller::from_request_parts(parts, state).await?;
        person.map(ApiUser).ok_or(ApiError(AppError::Unauthorized))
    }
}
