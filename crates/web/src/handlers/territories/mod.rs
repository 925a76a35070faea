//! Territories' pages: the list, a territory, and its own work (`maturity`).

pub mod creation;
pub mod events;
pub mod groups;
pub mod inspe;
pub mod joining;
pub mod launch;
pub mod maturity;
pub mod members;
pub mod networks;
pub mod partners;

use axum::extract::{Path, State};
use axum::response::Response;
use domain::accounts::Email;
use domain::ids::TerritoryId;
use domain::policy::{Action, Actor, Resource, TerritoryRole, can};

use crate::error::AppError;
use crate::extractors::PageContext;
use crate::state::AppState;
use crate::views::territories::{TerritoriesPage, TerritoryPage};
use crate::views::{Layout, render};

pub async fn list(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    let territories = store::territories::list(&state.db).await?;
    render(&TerritoriesPage {
        layout: Layout::new(&ctx, "Territoires apprenants"),
        territories,
        can_create: ctx
            .user
            .as_ref()
            .is_some_and(|u| creation::may_create(u).is_ok()),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let territory = store::territories::by_slug(&state.db, &slug).await?;
    let title = territory.summary.name.clone();
    let member = can(
        ctx.actor(),
        Action::View,
        Resource::TerritoryWork {
            role: role_in(&state, ctx.actor(), TerritoryId(territory.summary.id)).await?,
        },
    );
    let standing =
        joining::standing(&state, ctx.actor(), TerritoryId(territory.summary.id)).await?;
    render(&TerritoryPage::new(
        Layout::new(&ctx, title),
        territory,
        member,
        standing,
    ))
}

/// The caller's role in the territory, if they may do `action` on its work (members read and
/// contribute, coordinators decide): for the pages and the API alike.
pub(crate) async fn work_of(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    action: Action,
) -> Result<Option<TerritoryRole>, AppError> {
    if !store::territories::exists(&state.db, territory).await? {
        return Err(AppError::NotFound);
    }
    let role = role_in(state, actor, territory).await?;
    allow(actor, action, Resource::TerritoryWork { role })?;
    Ok(role)
}

/// The caller, if they may do `action` on the territory's work (pages and API alike).
pub(crate) async fn worker(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    action: Action,
) -> Result<domain::ids::PersonId, AppError> {
    work_of(state, actor, territory, action).await?;
    actor.person.ok_or(AppError::Unauthorized)
}

/// A page of a territory's work: the territory of `slug` if the caller is one of its members,
/// its id, and whether the caller coordinates it (or administers the platform).
pub(crate) async fn work_page(
    state: &AppState,
    actor: Actor,
    slug: &str,
) -> Result<(store::territories::TerritorySummary, TerritoryId, bool), AppError> {
    let summary = store::territories::summary(&state.db, slug).await?;
    let territory = TerritoryId(summary.id);
    let role = work_of(state, actor, territory, Action::View).await?;
    let coordinator = role == Some(TerritoryRole::Coordinator) || actor.admin;
    Ok((summary, territory, coordinator))
}

pub(crate) use crate::handlers::allow_known as allow;

/// The account of an e-mail address typed in a form, or a French error saying what is wrong.
pub(crate) async fn account(
    state: &AppState,
    text: &str,
) -> Result<store::accounts::Person, AppError> {
    let email = Email::parse(text).map_err(|_| {
        AppError::BadRequest(format!(
            "« {} » n'est pas une adresse électronique",
            text.trim()
        ))
    })?;
    Ok(store::accounts::by_email(&state.db, &email)
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("aucun compte {}", email.as_str())))?
        .0)
}

async fn role_in(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
) -> Result<Option<TerritoryRole>, AppError> {
    Ok(match actor.person {
        Some(person) => store::territories::role_of(&state.db, territory, person).await?,
        None => None,
    })
}
