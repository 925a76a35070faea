//! Single sign-on: `/auth/oidc/login` sends the browser to the académie's identity provider,
//! `/auth/oidc/callback` takes it back. The `state` is kept server-side (single use, ten
//! minutes) and tied to the browser by a cookie, so a forged or replayed answer opens
//! nothing.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::audit::{AuditAction, AuditEvent, person_target};
use store::StoreError;
use store::accounts::sessions::SignInMethod;
use store::accounts::sso::{self, Found};

use super::{audit, login_page, open_session, origin, safe_next};
use crate::error::{AppError, sentence};
use crate::extractors::{ClientIp, PageContext};
use crate::security::{cookie, set_cookie};
use crate::sso::SsoError;
use crate::state::AppState;
use crate::views::render_status;

const STATE_COOKIE: &str = "territoire_oidc";
const PENDING_SECS: i64 = 600;

#[derive(serde::Deserialize, Default)]
pub struct LoginQuery {
    pub suivant: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
) -> Result<Response, AppError> {
    let sso = state.sso.as_ref().ok_or(AppError::NotFound)?;
    let next = safe_next(query.suivant.as_deref());
    let (url, csrf_state, pending) = sso.authorize(&next).await.map_err(|e| {
        tracing::warn!(error = %e, "single sign-on: discovery");
        AppError::BadGateway(sentence(&e.to_string()))
    })?;
    sso::begin(&state.db, &csrf_state, &pending, PENDING_SECS).await?;
    let mut response = Redirect::to(&url).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            STATE_COOKIE,
            &csrf_state,
            Some(PENDING_SECS),
            state.settings.secure_cookies(),
        ),
    );
    Ok(response)
}

#[derive(serde::Deserialize, Default)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Why a callback opened no session.
enum Failure {
    Sso(SsoError),
    Account(String),
    Inactive(domain::ids::PersonId),
}

pub async fn callback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    let sso = state.sso.as_ref().ok_or(AppError::NotFound)?;
    let outcome = async {
        if let Some(error) = &query.error {
            return Err(Failure::Sso(SsoError::Refused(
                query
                    .error_description
                    .clone()
                    .unwrap_or_else(|| error.clone()),
            )));
        }
        let returned = query.state.as_deref().unwrap_or_default();
        let expected = cookie(&headers, STATE_COOKIE).unwrap_or_default();
        if returned.is_empty() || returned != expected {
            return Err(Failure::Sso(SsoError::State));
        }
        let pending = sso::take(&state.db, returned)
            .await
            .map_err(|e| Failure::Account(e.to_string()))?
            .ok_or(Failure::Sso(SsoError::State))?;
        let code = query.code.as_deref().unwrap_or_default();
        let claimed = sso.finish(code, &pending).await.map_err(Failure::Sso)?;
        let (person, found) = sso::account(&state.db, &claimed, sso.config.default_function)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(m) | StoreError::Invalid(m) => Failure::Account(m),
                other => Failure::Account(other.to_string()),
            })?;
        if !person.active_at(store::now()) {
            return Err(Failure::Inactive(person.id()));
        }
        Ok((person, found, pending.next))
    }
    .await;
    let (person, found, next) = match outcome {
        Ok(done) => done,
        Err(failure) => {
            let (actor, message, status) = match failure {
                Failure::Sso(e) => {
                    let status = match e {
                        SsoError::Unreachable(_) => StatusCode::BAD_GATEWAY,
                        SsoError::State => StatusCode::BAD_REQUEST,
                        SsoError::Refused(_) | SsoError::Token(_) => StatusCode::UNAUTHORIZED,
                    };
                    (None, e.to_string(), status)
                }
                Failure::Account(m) => (None, m, StatusCode::CONFLICT),
                Failure::Inactive(id) => (
                    Some(id),
                    "ce compte est désactivé ou arrivé à sa date de fin".to_owned(),
                    StatusCode::FORBIDDEN,
                ),
            };
            tracing::info!(%message, "single sign-on refused");
            audit(
                &state,
                AuditEvent::new(
                    actor,
                    AuditAction::SignInFailed,
                    actor.map_or_else(|| "authentification unique".to_owned(), person_target),
                    &ip,
                )
                .detail(&message),
            )
            .await?;
            let error = format!("La connexion avec votre compte académique a échoué : {message}.");
            let page = login_page(&state, &ctx, String::new(), String::new(), Some(error));
            let mut response = render_status(status, &page)?;
            forget_state(&state, &mut response);
            return Ok(response);
        }
    };
    let first = match found {
        Found::Known => None,
        Found::Created => Some((
            AuditAction::AccountCreated,
            "à la première connexion par compte académique",
        )),
        Found::Linked => Some((
            AuditAction::AccountLinked,
            "adresse vérifiée par le fournisseur d'identité",
        )),
    };
    if let Some((action, detail)) = first {
        audit(
            &state,
            AuditEvent::new(Some(person.id()), action, person_target(person.id()), &ip)
                .detail(detail),
        )
        .await?;
    }
    let origin = origin(&ip, &headers, SignInMethod::SingleSignOn);
    let mut response = open_session(&state, &person, &origin, &next).await?;
    forget_state(&state, &mut response);
    Ok(response)
}

fn forget_state(state: &AppState, response: &mut Response) {
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(STATE_COOKIE, "", Some(0), state.settings.secure_cookies()),
    );
}
