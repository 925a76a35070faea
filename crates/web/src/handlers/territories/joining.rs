//! Joining a territory: the staff of its establishments join it at once where its
//! coordination opened it, else ask and are answered; the coordination also invites by e-mail
//! someone who has no account yet. Everyone concerned is told.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::audit::{AuditAction, AuditEvent};
use domain::accounts::{Email, Function, PersonName};
use domain::ids::{PersonId, TerritoryId};
use domain::policy::{Action, Actor, TerritoryRole};
use domain::territories::Standing;
use store::accounts::invitations::{self, NewInvitation};

use super::{role_in, work_of};
use crate::error::AppError;
use crate::extractors::{CsrfForm, PageContext};
use crate::handlers::accounts::audit;
use crate::state::AppState;

/// Where the caller stands with the territory (for its page).
pub(crate) async fn standing(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
) -> Result<Standing, AppError> {
    let Some(person) = actor.person else {
        return Ok(Standing::Nothing);
    };
    let db = &state.db;
    if role_in(state, actor, territory).await?.is_some()
        || !store::territories::joining::works_in(db, territory, person).await?
    {
        return Ok(Standing::Nothing);
    }
    if store::territories::joining::waits(db, territory, person).await? {
        return Ok(Standing::Waiting);
    }
    Ok(Standing::MayJoin {
        open: store::territories::joining::open_to_staff(db, territory).await?,
    })
}

/// A person of the staff of the territory's establishments joins it (open) or asks to
/// (else); the coordination is told either way. A member already changes nothing.
pub(crate) async fn join(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
) -> Result<(), AppError> {
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let standing = standing(state, actor, territory).await?;
    if standing == Standing::Waiting || role_in(state, actor, territory).await?.is_some() {
        return Ok(());
    }
    let summary = store::territories::summary_of(&state.db, territory).await?;
    let name = store::accounts::person(&state.db, person).await?.name;
    let link = format!("/territoires/{}/membres", summary.slug);
    match standing {
        Standing::MayJoin { open: true } => {
            let message =
                domain::territories::role_notice(&summary.name, Some(TerritoryRole::Member));
            let own = format!("/territoires/{}", summary.slug);
            store::territories::appoint(
                &state.db,
                territory,
                person,
                TerritoryRole::Member,
                (&message, &own),
            )
            .await?;
            let told = format!("{name} a rejoint le territoire « {} »", summary.name);
            store::territories::joining::tell_coordination(&state.db, territory, (&told, &link))
                .await?;
            Ok(())
        }
        Standing::MayJoin { open: false } => {
            if store::territories::joining::request(&state.db, territory, person).await? {
                let told = format!(
                    "{name} demande à rejoindre le territoire « {} »",
                    summary.name
                );
                store::territories::joining::tell_coordination(
                    &state.db,
                    territory,
                    (&told, &link),
                )
                .await?;
            }
            Ok(())
        }
        Standing::Waiting | Standing::Nothing => Err(AppError::BadRequest(
                "seul le personnel des établissements du territoire le rejoint ainsi : demandez à sa coordination de vous inviter".to_owned(),
        )),
    }
}

/// « Rejoindre » / « Demander à rejoindre », from the territory's page.
pub async fn join_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(_): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    join(&state, ctx.actor(), territory).await?;
    Ok(Redirect::to(&format!("/territoires/{slug}")).into_response())
}

/// The coordination accepts (as a member) or refuses a request; the person is told.
pub(crate) async fn answer(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    person: PersonId,
    accept: bool,
) -> Result<(), AppError> {
    work_of(state, actor, territory, Action::ManageMembers).await?;
    if !store::territories::joining::waits(&state.db, territory, person).await? {
        return Err(AppError::NotFound);
    }
    let summary = store::territories::summary_of(&state.db, territory).await?;
    let link = format!("/territoires/{}", summary.slug);
    if accept {
        let message = domain::territories::role_notice(&summary.name, Some(TerritoryRole::Member));
        store::territories::appoint(
            &state.db,
            territory,
            person,
            TerritoryRole::Member,
            (&message, &link),
        )
        .await?;
    } else {
        store::territories::joining::withdraw(&state.db, territory, person).await?;
        let message = format!(
            "La coordination du territoire « {} » n'a pas accepté votre demande ; écrivez-lui pour en savoir plus",
            summary.name
        );
        store::territories::joining::tell(&state.db, person, (&message, &link)).await?;
    }
    Ok(())
}

/// The coordination opens the territory to the staff of its establishments, or closes it.
pub(crate) async fn set_open(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    open: bool,
) -> Result<(), AppError> {
    work_of(state, actor, territory, Action::ManageMembers).await?;
    Ok(store::territories::joining::set_open_to_staff(&state.db, territory, open).await?)
}

/// Someone without an account, invited into the territory by its coordination.
pub(crate) struct Invitee<'a> {
    pub email: Email,
    pub name: &'a str,
    pub function: &'a str,
    pub role: &'a str,
}

/// The coordination invites by e-mail someone without an account into the territory with a
/// role: the link opens their account, already a member. Returns the address written to.
pub(crate) async fn invite(
    state: &AppState,
    actor: Actor,
    ip: &str,
    territory: TerritoryId,
    invitee: Invitee<'_>,
) -> Result<String, AppError> {
    work_of(state, actor, territory, Action::ManageMembers).await?;
    let inviter = actor.person.ok_or(AppError::Unauthorized)?;
    let role = TerritoryRole::parse(invitee.role).map_err(AppError::BadRequest)?;
    if invitee.name.trim().is_empty() {
        return Err(AppError::BadRequest(format!(
            "aucun compte pour {} : donnez son nom et sa fonction pour l'inviter par courriel",
            invitee.email
        )));
    }
    let name = PersonName::parse(invitee.name).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let function = Function::parse(invitee.function)
        .map_err(|_| AppError::BadRequest("choisissez sa fonction dans la liste".to_owned()))?;
    let new = NewInvitation {
        email: invitee.email,
        name,
        function,
        inviter: Some(inviter),
        spaces: Vec::new(),
        territories: vec![(territory, role)],
        account_ends_at: None,
        ttl_secs: state.settings.invitation_ttl_secs,
    };
    let (id, token) = invitations::create(&state.db, &new).await?;
    let summary = store::territories::summary_of(&state.db, territory).await?;
    let inviter_name = store::accounts::person(&state.db, inviter).await?.name;
    let days = state.settings.invitation_ttl_secs / (24 * 3600);
    let body = format!(
        "Bonjour {name},\n\n{inviter_name} vous invite à rejoindre le territoire apprenant « {territory} » sur \
         Territoire, la plateforme des territoires apprenants ({role}).\n\nPour créer votre compte, ouvrez ce lien \
         dans les {days} jours (il ne sert qu'une fois) :\n{link}\n\n— Territoire\n",
        name = new.name.as_str(),
        territory = summary.name,
        role = role.label().to_lowercase(),
        link = crate::handlers::accounts::invitations::link(state, &token),
    );
    state
        .mailer
        .send(
            new.email.as_str(),
            "Invitation à rejoindre un territoire apprenant",
            body,
        )
        .await
        .map_err(|e| AppError::Internal(format!("invitation mail: {e}")))?;
    audit(
        state,
        AuditEvent::new(
            Some(inviter),
            AuditAction::InvitationSent,
            format!("invitation:{id}"),
            ip,
        )
        .detail(format!(
            "{}, territoire {}",
            new.function.label(),
            territory.0
        )),
    )
    .await?;
    Ok(new.email.as_str().to_owned())
}

/// Accepts or refuses a request, from the members page.
pub async fn answer_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, person, answer_code)): Path<(String, i64, String)>,
    CsrfForm(_): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let accept = match answer_code.as_str() {
        "accepter" => true,
        "refuser" => false,
        _ => return Err(AppError::NotFound),
    };
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    answer(&state, ctx.actor(), territory, PersonId(person), accept).await?;
    let notice = if accept {
        "La demande est acceptée : la personne est membre, et prévenue."
    } else {
        "La demande est refusée ; la personne est prévenue."
    };
    super::members::page(&state, &ctx, &slug, Some(notice.to_owned()), None).await
}

/// Opens the territory to its establishments' staff, or closes it (`ouvert` = `oui`/`non`).
pub async fn open_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    let open = fields.get("ouvert").is_some_and(|v| v == "oui");
    set_open(&state, ctx.actor(), territory, open).await?;
    let notice = if open {
        "Le personnel des établissements du territoire le rejoint désormais sans demande."
    } else {
        "Le personnel des établissements du territoire demande désormais à le rejoindre."
    };
    super::members::page(&state, &ctx, &slug, Some(notice.to_owned()), None).await
}
