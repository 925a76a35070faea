//! Signing in and out, one's account (sessions, application passwords), password resets;
//! single sign-on, invitations, the administrators' pages and personal data in the modules
//! below.

pub mod admin;
pub mod invitations;
pub mod oidc;
pub mod privacy;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::audit::{AuditAction, AuditEvent, person_target, unknown_address_target};
use domain::accounts::{Email, check_new_password, password};
use domain::policy::{Action, Resource, can};
use store::accounts::sessions::{self, Origin, SignInMethod};
use store::{StoreError, accounts};

use crate::error::{AppError, sentence};
use crate::extractors::{ClientIp, CsrfForm, NoFields, PageContext, RequireUser};
use crate::security::{SESSION_COOKIE, cookie, set_cookie};
use crate::state::AppState;
use crate::views::accounts::{AccountPage, ForgotPage, LoginPage, ResetPage};
use crate::views::{Layout, render, render_status};

#[derive(serde::Deserialize, Default)]
pub struct LoginQuery {
    pub suivant: Option<String>,
    pub reinitialise: Option<String>,
}

/// Appends an event to the audit trail.
pub(crate) async fn audit(state: &AppState, event: AuditEvent) -> Result<(), AppError> {
    Ok(accounts::audit::record(&state.db, &event).await?)
}

/// Where a sign-in comes from, for the sessions list.
pub(crate) fn origin(ip: &str, headers: &HeaderMap, method: SignInMethod) -> Origin {
    Origin {
        ip: ip.to_owned(),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        method,
    }
}

/// Opens a session for a person whose identity was checked, records it, and sends the
/// browser on with its cookie.
pub(crate) async fn open_session(
    state: &AppState,
    person: &accounts::Person,
    origin: &Origin,
    next: &str,
) -> Result<Response, AppError> {
    let settings = &state.settings;
    let token =
        accounts::create_session(&state.db, person.id(), settings.session_ttl_secs, origin).await?;
    audit(
        state,
        AuditEvent::new(
            Some(person.id()),
            AuditAction::SignIn,
            person_target(person.id()),
            &origin.ip,
        )
        .detail(SignInMethod::label(origin.method.code())),
    )
    .await?;
    let cookie = set_cookie(
        SESSION_COOKIE,
        &token,
        Some(settings.session_ttl_secs),
        settings.secure_cookies(),
    );
    let mut response = Redirect::to(&safe_next(Some(next))).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Only a path of this site is a place to return to after signing in; anything else, or none,
/// leads home (« Ce qui m'attend »). Browsers drop tabs and line breaks from a URL and read `\\` as `/`, so `/\t/hôte`
/// and `/\\hôte` would leave the site: no control character, space or backslash passes.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        None | Some("") => "/".to_owned(),
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

impl LoginQuery {
    /// The query of a link to the sign-in page, read leniently: a link however broken still
    /// opens the page.
    fn lenient(raw: Option<&str>) -> Self {
        let mut query = Self::default();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            match &*key {
                "suivant" => query.suivant = Some(value.into_owned()),
                "reinitialise" => query.reinitialise = Some(value.into_owned()),
                _ => {}
            }
        }
        query
    }
}

pub async fn login_form(
    State(state): State<AppState>,
    ctx: PageContext,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let query = LoginQuery::lenient(raw.as_deref());
    if ctx.user.is_some() {
        return Ok(Redirect::to(&safe_next(query.suivant.as_deref())).into_response());
    }
    // The form carries on only where it may lead: a crafted link cannot make it fail later.
    let next = query
        .suivant
        .map(|next| safe_next(Some(&next)))
        .unwrap_or_default();
    render(&LoginPage {
        reset_done: query.reinitialise.is_some(),
        ..login_page(&state, &ctx, String::new(), next, None)
    })
}

/// The sign-in page, with what was typed and what went wrong.
pub(crate) fn login_page(
    state: &AppState,
    ctx: &PageContext,
    email: String,
    next: String,
    error: Option<String>,
) -> LoginPage {
    LoginPage {
        layout: Layout::new(ctx, "Connexion"),
        email,
        next,
        error,
        reset_done: false,
        sso: state.sso.as_ref().map(|s| s.config.label.clone()),
        signup: state.settings.local_signup,
    }
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<Response, AppError> {
    let key = form.email.trim().to_lowercase();
    let settings = &state.settings;
    let window_start = store::now() - settings.login_window_secs;
    // Counted before the password is checked, so that attempts sent at once count too; per
    // address and IP, so that an attacker locks out nobody but themself.
    let (attempt, by_pair, by_ip) =
        accounts::login_attempt(&state.db, &key, &ip, window_start).await?;
    if by_pair > settings.login_max_failures || by_ip > settings.login_max_failures * 10 {
        accounts::forget_login_attempt(&state.db, attempt).await?;
        return Err(AppError::TooManyRequests);
    }
    let found = match Email::parse(&form.email) {
        Ok(email) => accounts::by_email(&state.db, &email).await?,
        Err(_) => None,
    };
    let hash = found.as_ref().and_then(|(_, h)| h.clone());
    let password = form.password.clone();
    let verified =
        tokio::task::spawn_blocking(move || password::verify(&password, hash.as_deref()))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
    let (problem, status) = match &found {
        Some((person, _)) if verified && person.active_at(store::now()) => {
            accounts::clear_login_failures(&state.db, &key, &ip, window_start).await?;
            let origin = origin(&ip, &headers, SignInMethod::Password);
            return open_session(&state, person, &origin, &form.next).await;
        }
        Some((person, _)) if verified => {
            audit(
                &state,
                AuditEvent::new(
                    Some(person.id()),
                    AuditAction::SignInFailed,
                    person_target(person.id()),
                    &ip,
                )
                .detail("compte désactivé ou arrivé à sa date de fin"),
            )
            .await?;
            (
                "Ce compte est désactivé ou arrivé à sa date de fin. Adressez-vous à la personne qui vous a invité ou à l'administrateur de la plateforme.",
                StatusCode::FORBIDDEN,
            )
        }
        _ => {
            let target = found.as_ref().map_or_else(
                || unknown_address_target(&form.email),
                |(p, _)| person_target(p.id()),
            );
            audit(
                &state,
                AuditEvent::new(
                    found.as_ref().map(|(p, _)| p.id()),
                    AuditAction::SignInFailed,
                    target,
                    &ip,
                )
                .detail("mot de passe incorrect"),
            )
            .await?;
            (
                "Adresse électronique ou mot de passe incorrect.",
                StatusCode::UNAUTHORIZED,
            )
        }
    };
    let page = login_page(
        &state,
        &ctx,
        form.email,
        form.next,
        Some(problem.to_owned()),
    );
    render_status(status, &page)
}

pub async fn logout(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    headers: HeaderMap,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        accounts::delete_session(&state.db, &token).await?;
    }
    if let Some(person) = &ctx.user {
        state.realtime.revoke(person.id()).await;
    }
    if let Some(person) = &ctx.user {
        audit(
            &state,
            AuditEvent::new(
                Some(person.id()),
                AuditAction::SignOut,
                person_target(person.id()),
                &ip,
            ),
        )
        .await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), state.settings.secure_cookies()),
    );
    Ok(response)
}

pub async fn account(
    State(state): State<AppState>,
    ctx: PageContext,
    headers: HeaderMap,
    RequireUser(person): RequireUser,
) -> Result<Response, AppError> {
    if !can(
        ctx.actor(),
        Action::View,
        Resource::Person { id: person.id() },
    ) {
        return Err(AppError::Forbidden);
    }
    account_page(&state, &ctx, &headers, &person, None).await
}

async fn account_page(
    state: &AppState,
    ctx: &PageContext,
    headers: &HeaderMap,
    person: &accounts::Person,
    new_password: Option<String>,
) -> Result<Response, AppError> {
    let profile = accounts::profile(&state.db, person.id()).await?;
    let territories = store::territories::of_person(&state.db, person.id()).await?;
    let passwords = accounts::app_passwords(&state.db, person.id()).await?;
    let sessions = sessions::list(&state.db, person.id(), state.settings.session_idle_secs).await?;
    let current = cookie(headers, SESSION_COOKIE).map(|t| sessions::id_of(&t));
    render(&AccountPage::new(
        Layout::new(ctx, "Mon compte"),
        profile,
        territories,
        passwords,
        new_password,
        sessions,
        current.as_deref(),
    ))
}

/// Ends one of one's sessions (another device), or, with `autres`, all but this one.
pub async fn revoke_session(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    RequireUser(person): RequireUser,
    Path(id): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let detail = if id == "autres" {
        let current = cookie(&headers, SESSION_COOKIE)
            .map(|t| sessions::id_of(&t))
            .unwrap_or_default();
        let ended = sessions::revoke_others(&state.db, person.id(), &current).await?;
        format!("{ended} autre(s) session(s)")
    } else {
        sessions::revoke(&state.db, person.id(), &id).await?;
        "une session".to_owned()
    };
    state.realtime.revoke(person.id()).await;
    audit(
        &state,
        AuditEvent::new(
            Some(person.id()),
            AuditAction::SessionRevoked,
            person_target(person.id()),
            &ip,
        )
        .detail(detail),
    )
    .await?;
    Ok(Redirect::to("/compte#sessions").into_response())
}

#[derive(serde::Deserialize)]
pub struct AppPasswordForm {
    #[serde(default)]
    label: String,
}

/// Creates an application password (WebDAV, API, feeds); it is shown once.
pub async fn create_app_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    headers: HeaderMap,
    RequireUser(person): RequireUser,
    CsrfForm(form): CsrfForm<AppPasswordForm>,
) -> Result<Response, AppError> {
    let password = accounts::create_app_password(&state.db, person.id(), &form.label).await?;
    audit(
        &state,
        AuditEvent::new(
            Some(person.id()),
            AuditAction::AppPasswordCreated,
            person_target(person.id()),
            &ip,
        )
        .detail(form.label.trim()),
    )
    .await?;
    account_page(&state, &ctx, &headers, &person, Some(password)).await
}

pub async fn revoke_app_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    RequireUser(person): RequireUser,
    Path(id): Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    accounts::revoke_app_password(&state.db, person.id(), &id).await?;
    state.realtime.revoke(person.id()).await;
    audit(
        &state,
        AuditEvent::new(
            Some(person.id()),
            AuditAction::AppPasswordRevoked,
            person_target(person.id()),
            &ip,
        ),
    )
    .await?;
    Ok(Redirect::to("/compte#mots-de-passe-application").into_response())
}

pub async fn forgot_form(ctx: PageContext) -> Result<Response, AppError> {
    render(&ForgotPage {
        layout: Layout::new(&ctx, "Mot de passe oublié"),
        email: String::new(),
        sent: false,
        error: None,
    })
}

#[derive(serde::Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// Sends a reset link if the address has an account; answers the same either way, so the
/// page tells no one which addresses exist.
pub async fn forgot(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<Response, AppError> {
    let layout = Layout::new(&ctx, "Mot de passe oublié");
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(e) => {
            let page = ForgotPage {
                layout,
                email: form.email,
                sent: false,
                error: Some(sentence(&e.to_string())),
            };
            return render_status(StatusCode::BAD_REQUEST, &page);
        }
    };
    if let Some((person, _)) = accounts::by_email(&state.db, &email).await? {
        let token = accounts::create_password_reset(&state.db, person.id(), 3600).await?;
        let link = format!(
            "{}/mot-de-passe/{token}",
            state.settings.public_url.trim_end_matches('/')
        );
        let body = format!(
            "Bonjour {},\n\nPour choisir un nouveau mot de passe sur Territoire, ouvrez ce lien dans l'heure :\n{link}\n\n\
             Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.\n\n— Territoire\n",
            person.name
        );
        if let Err(error) = state
            .mailer
            .send(email.as_str(), "Territoire : nouveau mot de passe", body)
            .await
        {
            return Err(AppError::Internal(format!("reset mail: {error}")));
        }
    }
    render(&ForgotPage {
        layout,
        email: email.to_string(),
        sent: true,
        error: None,
    })
}

pub async fn reset_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let valid = accounts::password_reset_valid(&state.db, &token).await?;
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    let page = ResetPage {
        layout: Layout::new(&ctx, "Nouveau mot de passe"),
        token,
        valid,
        error: None,
    };
    render_status(status, &page)
}

#[derive(serde::Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

/// A new password typed twice: its argon2id hash, or what is wrong with it in French.
pub(crate) async fn new_password_hash(
    password: String,
    confirmation: &str,
) -> Result<Result<String, String>, AppError> {
    if let Err(e) = check_new_password(&password) {
        return Ok(Err(sentence(&e.to_string())));
    }
    if password != confirmation {
        return Ok(Err(
            "Les deux mots de passe saisis sont différents.".to_owned()
        ));
    }
    let hash = tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)?;
    Ok(Ok(hash))
}

pub async fn reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response, AppError> {
    let hash = match new_password_hash(form.password, &form.confirmation).await? {
        Ok(hash) => hash,
        Err(error) => {
            let page = ResetPage {
                layout: Layout::new(&ctx, "Nouveau mot de passe"),
                token,
                valid: true,
                error: Some(error),
            };
            return render_status(StatusCode::BAD_REQUEST, &page);
        }
    };
    match accounts::consume_password_reset(&state.db, &token, &hash).await {
        Ok(person) => {
            state.realtime.revoke(person).await;
            audit(
                &state,
                AuditEvent::new(
                    Some(person),
                    AuditAction::PasswordReset,
                    person_target(person),
                    &ip,
                ),
            )
            .await?;
            Ok(Redirect::to("/connexion?reinitialise=1").into_response())
        }
        Err(StoreError::NotFound) => {
            let page = ResetPage {
                layout: Layout::new(&ctx, "Nouveau mot de passe"),
                token,
                valid: false,
                error: None,
            };
            render_status(StatusCode::GONE, &page)
        }
        Err(e) => Err(e.into()),
    }
}
