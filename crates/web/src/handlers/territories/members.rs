//! A territory's members and their roles (coordination, member, reader), given and taken by
//! its coordination or an administrator — in the pages, the API and the CLI alike — each
//! person told by a notification. The last coordinator keeps their role.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;
use domain::ids::{PersonId, TerritoryId};
use domain::policy::{Action, Actor, TerritoryRole};
use store::territories::{Roster, TerritorySummary};

use super::{account, work_of, work_page};
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext};
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

async fn page(
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

/// Adds a member, or changes the role of one (`email` and `role`).
pub async fn appoint_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let attempt = async {
        let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
        appoint(&state, ctx.actor(), territory, f("email"), f("role")).await
    };
    match attempt.await {
        Ok((person, changed)) => {
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
