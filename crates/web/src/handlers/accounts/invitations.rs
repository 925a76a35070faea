//! Invitations and sign-up. A space's owner invites a partner, an M1 student or a researcher
//! by e-mail into chosen spaces; anyone may sign up on their own when the platform allows it.
//! Either way a single-use link, valid a few days, lets the person choose a password.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::accounts::audit::{AuditAction, AuditEvent, person_target};
use domain::accounts::{Email, Function, PersonName, invited_account_end};
use domain::ids::SpaceId;
use domain::policy::{Action, Resource, can};
use store::StoreError;
use store::accounts::invitations::{self, NewInvitation};
use store::accounts::sessions::SignInMethod;

use super::{audit, new_password_hash, open_session, origin};
use crate::error::{AppError, sentence};
use crate::extractors::{ClientIp, CsrfForm, PageContext, RequireUser, actor};
use crate::state::AppState;
use crate::views::accounts::{AcceptPage, InvitationsPage, InviteInput, SignupInput, SignupPage};
use crate::views::{Layout, render_status};

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
) -> Result<Response, AppError> {
    invitations_page(&state, &ctx, &person, InviteInput::default(), None, None).await
}

async fn invitations_page(
    state: &AppState,
    ctx: &PageContext,
    person: &store::accounts::Person,
    input: InviteInput,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let spaces = store::spaces::owned_by(&state.db, person.id()).await?;
    let sent = invitations::sent_by(&state.db, person.id()).await?;
    let page = InvitationsPage::new(
        Layout::new(ctx, "Inviter des partenaires"),
        spaces,
        sent,
        input,
        notice,
        error,
    );
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render_status(status, &page)
}

pub async fn invite(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    CsrfForm(input): CsrfForm<InviteInput>,
) -> Result<Response, AppError> {
    let today = time::OffsetDateTime::now_utc().date();
    let checked = async {
        let email = Email::parse(&input.email).map_err(|e| e.to_string())?;
        let name = PersonName::parse(&input.name).map_err(|e| e.to_string())?;
        let function = Function::parse(&input.function)
            .ok()
            .filter(|f| f.invitable())
            .ok_or("choisissez partenaire, étudiant MEEF ou chercheur")?;
        let end = invited_account_end(&input.end, today)?;
        if input.spaces.is_empty() {
            return Err("choisissez au moins un espace où accueillir cette personne".to_owned());
        }
        let mut spaces = Vec::new();
        for id in &input.spaces {
            let space = SpaceId(*id);
            let allowed = match store::spaces::access(&state.db, space, Some(person.id())).await {
                Ok((_, access)) => can(
                    actor(Some(&person)),
                    Action::ManageMembers,
                    Resource::Space(access),
                ),
                Err(StoreError::NotFound) => false,
                Err(e) => return Err(e.to_string()),
            };
            if !allowed {
                return Err(
                    "vous ne pouvez inviter que dans les espaces dont vous êtes responsable"
                        .to_owned(),
                );
            }
            spaces.push(space);
        }
        Ok::<_, String>(NewInvitation {
            email,
            name,
            function,
            inviter: Some(person.id()),
            spaces,
            territories: Vec::new(),
            account_ends_at: Some(end.midnight().assume_utc().unix_timestamp() + 24 * 3600),
            ttl_secs: state.settings.invitation_ttl_secs,
        })
    }
    .await;
    let new = match checked {
        Ok(new) => new,
        Err(message) => {
            return invitations_page(&state, &ctx, &person, input, None, Some(sentence(&message)))
                .await;
        }
    };
    let (id, token) = match invitations::create(&state.db, &new).await {
        Ok(created) => created,
        Err(StoreError::Conflict(message)) => {
            return invitations_page(&state, &ctx, &person, input, None, Some(sentence(&message)))
                .await;
        }
        Err(other) => return Err(other.into()),
    };
    let days = state.settings.invitation_ttl_secs / (24 * 3600);
    let body = format!(
        "Bonjour {name},\n\n{inviter} vous invite à rejoindre Territoire, la plateforme du territoire apprenant, \
         pour travailler dans : {spaces}.\n\nPour créer votre compte, ouvrez ce lien dans les {days} jours \
         (il ne sert qu'une fois) :\n{link}\n\nVotre compte restera ouvert jusqu'au {end}.\n\n— Territoire\n",
        name = new.name.as_str(),
        inviter = person.name,
        spaces = space_names(&state, &new.spaces).await?.join(", "),
        link = link(&state, &token),
        end = crate::views::date_fr(new.account_ends_at.unwrap_or_default() - 1),
    );
    state
        .mailer
        .send(
            new.email.as_str(),
            "Invitation à rejoindre Territoire",
            body,
        )
        .await
        .map_err(|e| AppError::Internal(format!("invitation mail: {e}")))?;
    audit(
        &state,
        AuditEvent::new(
            Some(person.id()),
            AuditAction::InvitationSent,
            format!("invitation:{id}"),
            &ip,
        )
        .detail(format!(
            "{}, {} espace(s)",
            new.function.label(),
            new.spaces.len()
        )),
    )
    .await?;
    let notice = format!("Invitation envoyée à {}.", new.email);
    invitations_page(
        &state,
        &ctx,
        &person,
        InviteInput::default(),
        Some(notice),
        None,
    )
    .await
}

async fn space_names(state: &AppState, spaces: &[SpaceId]) -> Result<Vec<String>, AppError> {
    let mut names = Vec::with_capacity(spaces.len());
    for space in spaces {
        names.push(format!(
            "« {} »",
            store::spaces::get(&state.db, *space).await?.name
        ));
    }
    Ok(names)
}

pub(crate) fn link(state: &AppState, token: &str) -> String {
    format!(
        "{}/invitation/{token}",
        state.settings.public_url.trim_end_matches('/')
    )
}

/// The page of a link: who invites, into what, until when; the password to choose.
pub async fn accept_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    accept_page(&state, &ctx, &token, None).await
}

async fn accept_page(
    state: &AppState,
    ctx: &PageContext,
    token: &str,
    error: Option<String>,
) -> Result<Response, AppError> {
    let invitation = invitations::by_token(&state.db, token).await?;
    let page = AcceptPage::new(
        Layout::new(ctx, "Créer mon compte"),
        token,
        invitation,
        error,
        store::now(),
    );
    let status = if !page.usable {
        StatusCode::GONE
    } else if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render_status(status, &page)
}

#[derive(serde::Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirmation: String,
}

pub async fn accept(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    headers: HeaderMap,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> Result<Response, AppError> {
    let hash = match new_password_hash(form.password, &form.confirmation).await? {
        Ok(hash) => hash,
        Err(error) => return accept_page(&state, &ctx, &token, Some(error)).await,
    };
    let (person, inviter) = match invitations::accept(&state.db, &token, &hash).await {
        Ok(done) => done,
        Err(StoreError::NotFound) => return accept_page(&state, &ctx, &token, None).await,
        Err(StoreError::Conflict(message)) => {
            return accept_page(&state, &ctx, &token, Some(sentence(&message))).await;
        }
        Err(other) => return Err(other.into()),
    };
    audit(
        &state,
        AuditEvent::new(
            Some(person),
            AuditAction::InvitationAccepted,
            person_target(person),
            &ip,
        )
        .detail(if inviter.is_some() {
            "compte ouvert sur invitation"
        } else {
            "compte ouvert par inscription"
        }),
    )
    .await?;
    let person = store::accounts::person(&state.db, person).await?;
    open_session(
        &state,
        &person,
        &origin(&ip, &headers, SignInMethod::Invitation),
        "/compte",
    )
    .await
}

pub async fn signup_form(
    State(state): State<AppState>,
    ctx: PageContext,
) -> Result<Response, AppError> {
    signup_page(&state, &ctx, SignupInput::default(), false, None)
}

fn signup_page(
    state: &AppState,
    ctx: &PageContext,
    input: SignupInput,
    sent: bool,
    error: Option<String>,
) -> Result<Response, AppError> {
    let open = state.settings.local_signup;
    let status = match (open, &error) {
        (false, _) => StatusCode::FORBIDDEN,
        (true, Some(_)) => StatusCode::BAD_REQUEST,
        (true, None) => StatusCode::OK,
    };
    let page = SignupPage {
        layout: Layout::new(ctx, "Créer un compte"),
        open,
        sso: state.sso.as_ref().map(|s| s.config.label.clone()),
        functions: Function::ALL
            .into_iter()
            .filter(|f| f.self_service())
            .map(|f| (f.code(), f.label()))
            .collect(),
        input,
        sent,
        error,
    };
    render_status(status, &page)
}

/// Someone signs up: a link to choose their password is mailed to the address (an address
/// that already has an account is told so by mail, and the page says the same either way).
pub async fn signup(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(input): CsrfForm<SignupInput>,
) -> Result<Response, AppError> {
    if !state.settings.local_signup {
        return signup_page(&state, &ctx, input, false, None);
    }
    let checked = (|| {
        let email = Email::parse(&input.email).map_err(|e| e.to_string())?;
        let name = PersonName::parse(&input.name).map_err(|e| e.to_string())?;
        let function = Function::parse(&input.function)
            .ok()
            .filter(|f| f.self_service())
            .ok_or("choisissez votre fonction dans la liste")?;
        Ok::<_, String>((email, name, function))
    })();
    let (email, name, function) = match checked {
        Ok(checked) => checked,
        Err(message) => return signup_page(&state, &ctx, input, false, Some(sentence(&message))),
    };
    let new = NewInvitation {
        email: email.clone(),
        name,
        function,
        inviter: None,
        spaces: Vec::new(),
        territories: Vec::new(),
        account_ends_at: None,
        ttl_secs: state.settings.invitation_ttl_secs,
    };
    let (subject, body) = match invitations::create(&state.db, &new).await {
        Ok((_, token)) => (
            "Territoire : créez votre compte",
            format!(
                "Bonjour {},\n\nPour terminer votre inscription sur Territoire, ouvrez ce lien et choisissez votre \
                 mot de passe (il ne sert qu'une fois) :\n{}\n\nSi vous n'avez rien demandé, ignorez ce message.\n\n— Territoire\n",
                new.name.as_str(),
                link(&state, &token)
            ),
        ),
        Err(StoreError::Conflict(_)) => (
            "Territoire : vous avez déjà un compte",
            format!(
                "Bonjour,\n\nUne inscription a été demandée pour cette adresse, qui a déjà un compte sur Territoire. \
                 Si vous avez oublié votre mot de passe : {}/mot-de-passe-oublie\n\nSi vous n'avez rien demandé, \
                 ignorez ce message.\n\n— Territoire\n",
                state.settings.public_url.trim_end_matches('/')
            ),
        ),
        Err(other) => return Err(other.into()),
    };
    state
        .mailer
        .send(email.as_str(), subject, body)
        .await
        .map_err(|e| AppError::Internal(format!("sign-up mail: {e}")))?;
    signup_page(
        &state,
        &ctx,
        SignupInput {
            email: email.to_string(),
            ..SignupInput::default()
        },
        true,
        None,
    )
}
