//! A territory's members and their roles (coordination, member, reader), given and taken by
//! its coordination or an administrator — in the pages, the API and the CLI alike — each
//! person told by a notification. The last coordinator keeps their role.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;
use domain::accounts::Email;
use domain::ids::{PersonId, TerritoryId};
use domain::policy::{Action, Actor, TerritoryRole};
use store::territories::{Roster, TerritorySummary};

use super::joining::{Invitee, invite};
use super::{account, work_of, work_page};
use crate::error::{AppError, capitalize};
use crate::extractors::{ClientIp, CsrfForm, PageContext};
use crate::state::AppState;
use crate::views::territories::members::MembersPage;
use crate::views::{Layout, render_form};

/// The members of a territory, for its members.
pub(crate) async fn roster(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
) -> Result<Vec<Roster>, AppError> {
    work_of(state, actor, territory, Action::View).await?;
    Ok(store::territories::roster(&state.db, territory).await?)
}

/// What the person whose role changed reads, and where it leads.
async fn told(
    state: &AppState,
    territory: TerritoryId,
    role: Option<TerritoryRole>,
) -> Result<(String, String), AppError> {
    let summary: TerritorySummary = store::territories::summary_of(&state.db, territory).await?;
    let message = domain::territories::role_notice(&summary.name, role);
    Ok((message, format!("/territoires/{}", summary.slug)))
}

/// The coordination (or an administrator) gives the person of `email` a role in the
/// territory; returns them, and whether their role changed.
pub(crate) async fn appoint(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    email: &str,
    role: &str,
) -> Result<(store::accounts::Person, bool), AppError> {
    work_of(state, actor, territory, Action::ManageMembers).await?;
    let role = TerritoryRole::parse(role).map_err(AppError::BadRequest)?;
    let person = account(state, email).await?;
    let (message, link) = told(state, territory, Some(role)).await?;
    let changed =
        store::territories::appoint(&state.db, territory, person.id(), role, (&message, &link))
            .await?;
    Ok((person, changed))
}

/// The coordination (or an administrator) takes a member out of the territory.
pub(crate) async fn dismiss(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    person: PersonId,
) -> Result<(), AppError> {
    work_of(state, actor, territory, Action::ManageMembers).await?;
    let (message, link) = told(state, territory, None).await?;
    Ok(store::territories::dismiss(&state.db, territory, person, (&message, &link)).await?)
}

pub(crate) async fn page(
    state: &AppState,
    ctx: &PageContext,
    slug: &str,
    notice: Option<String>,
    refused: Option<(BTreeMap<String, String>, String)>,
) -> Result<Response, AppError> {
    let (summary, territory, coordinator) = work_page(state, ctx.actor(), slug).await?;
    let members = store::territories::roster(&state.db, territory).await?;
    let mut page = MembersPage::new(
        Layout::new(ctx, format!("Membres — {}", summary.name)),
        summary,
        coordinator,
        members,
    );
    if coordinator {
        page.requests = store::territories::joining::requests(&state.db, territory).await?;
    }
    page.open = store::territories::joining::open_to_staff(&state.db, territory).await?;
    page.notice = notice;
    let refused_now = refused.is_some();
    if let Some((values, message)) = refused {
        page.values = values;
        page.error = Some(capitalize(&message));
    }
    render_form(refused_now, &page)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    page(&state, &ctx, &slug, None, None).await
}

/// What the members form did: a role given to an account, or an invitation mailed.
enum Outcome {
    Appointed(store::accounts::Person, bool),
    Invited(String),
}

/// Adds a member, or changes the role of one (`email` and `role`); someone without an
/// account is invited by e-mail (`name` and `function` then say who they are).
pub async fn appoint_form(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let attempt = async {
        let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
        let unknown = match Email::parse(f("email")) {
            Ok(email)
                if store::accounts::by_email(&state.db, &email)
                    .await?
                    .is_none() =>
            {
                Some(email)
            }
            _ => None,
        };
        match unknown {
            Some(email) => {
                let invitee = Invitee {
                    email,
                    name: f("name"),
                    function: f("function"),
                    role: f("role"),
                };
                invite(&state, ctx.actor(), &ip, territory, invitee)
                    .await
                    .map(Outcome::Invited)
            }
            None => appoint(&state, ctx.actor(), territory, f("email"), f("role"))
                .await
                .map(|(person, changed)| Outcome::Appointed(person, changed)),
        }
    };
    match attempt.await {
        Ok(Outcome::Invited(email)) => {
            let notice = format!(
                "Invitation envoyée à {email} : son lien ouvre son compte, déjà membre du territoire."
            );
            page(&state, &ctx, &slug, Some(notice), None).await
        }
        Ok(Outcome::Appointed(person, changed)) => {
            let role = TerritoryRole::parse(f("role"))
                .map_err(AppError::BadRequest)?
                .label();
            let notice = if changed {
                format!("{} : {role}. La personne est prévenue.", person.name)
            } else {
                format!("{} avait déjà ce rôle ({role}).", person.name)
            };
            page(&state, &ctx, &slug, Some(notice), None).await
        }
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            page(&state, &ctx, &slug, None, Some((fields, m))).await
        }
        Err(other) => Err(other),
    }
}

/// Takes a member out of the territory.
pub async fn dismiss_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, person)): Path<(String, i64)>,
    CsrfForm(_): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    match dismiss(&state, ctx.actor(), territory, PersonId(person)).await {
        Ok(()) => {
            let notice = "Le membre a quitté le territoire ; il en est prévenu.".to_owned();
            page(&state, &ctx, &slug, Some(notice), None).await
        }
        Err(AppError::Conflict(m)) => {
            page(&state, &ctx, &slug, None, Some((BTreeMap::new(), m))).await
        }
        Err(other) => Err(other),
    }
}
