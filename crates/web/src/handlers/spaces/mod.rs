//! Exchange spaces' pages: the list, a space with its members and recent activity; the blog,
//! the forum, the shared folders and their WebDAV access each have their module.

mod blog;
pub mod chat;
pub mod dav;
pub(crate) mod folders;
mod forum;
pub mod pads;

pub use blog::*;
pub use folders::{
    content, file, folder, new_folder, purge, rename, restore, restore_version, root, trash,
    trash_page, upload,
};
pub(crate) use folders::{entry_for, file_content, folder_of, make_folder, receive};
pub use forum::*;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{PersonId, SpaceId, TerritoryId};
use domain::policy::{Action, Actor, Resource, SpaceAccess, can};
use domain::spaces::{SpaceContent, SpaceInput, SpaceRole};
use store::spaces::Space;

use crate::app::spaces::SpaceForm;
use crate::error::AppError;
use crate::extractors::{CsrfForm, PageContext, RequireUser};
pub(crate) use crate::handlers::allow;
use crate::state::AppState;
use crate::views::spaces::{MembersPage, SpacePage, SpacesPage};
use crate::views::{Layout, render, render_status};

/// The space `id` if `actor` may do `action` on it (one query): 404 for what they may not even
/// see, 403 for what they may see but not do.
pub(crate) async fn space_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    action: Action,
) -> Result<(Space, SpaceAccess), AppError> {
    let (space, access) = store::spaces::access(&state.db, SpaceId(id), actor.person).await?;
    allow(actor, action, Resource::Space(access))?;
    Ok((space, access))
}

/// Whether `actor` may read space `id`: other pages link to a space (an observatory's, a
/// group's pad) only for those it will open to.
pub(crate) async fn readable(state: &AppState, actor: Actor, id: i64) -> Result<bool, AppError> {
    match store::spaces::access(&state.db, SpaceId(id), actor.person).await {
        Ok((_, access)) => Ok(can(actor, Action::View, Resource::Space(access))),
        Err(store::StoreError::NotFound) => Ok(false),
        Err(other) => Err(other.into()),
    }
}

/// The rights on a post, message or comment of a space written by `author`.
pub(crate) fn item(access: SpaceAccess, actor: Actor, author: Option<i64>) -> Resource {
    Resource::SpaceItem {
        space: access,
        author: actor.person.is_some_and(|p| Some(p.0) == author),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
) -> Result<Response, AppError> {
    let spaces = store::spaces::readable(&state.db, person.id(), 500).await?;
    let territories = store::territories::of_person(&state.db, person.id()).await?;
    render(&SpacesPage::new(
        Layout::new(&ctx, "Espaces d'échange"),
        spaces,
        territories,
        None,
        SpaceForm::default(),
    ))
}

/// Creates a space from the list page; its creator becomes its owner.
pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    CsrfForm(form): CsrfForm<SpaceForm>,
) -> Result<Response, AppError> {
    let territory = match form.territory.trim() {
        "" => None,
        id => Some(TerritoryId(id.parse().map_err(|_| {
            AppError::BadRequest("territoire inconnu".to_owned())
        })?)),
    };
    let input = SpaceInput {
        name: form.name.clone(),
        description: form.description.clone(),
        visibility: form.visibility.clone(),
        kind: String::new(),
    };
    let created = create_space(&state, ctx.actor(), &input, territory).await;
    match created {
        Ok(id) => Ok(Redirect::to(&format!("/espaces/{}", id.0)).into_response()),
        Err(AppError::BadRequest(message)) => {
            let spaces = store::spaces::readable(&state.db, person.id(), 500).await?;
            let territories = store::territories::of_person(&state.db, person.id()).await?;
            render_status(
                axum::http::StatusCode::BAD_REQUEST,
                &SpacesPage::new(
                    Layout::new(&ctx, "Espaces d'échange"),
                    spaces,
                    territories,
                    Some(message),
                    form,
                ),
            )
        }
        Err(other) => Err(other),
    }
}

/// Creates a space for `actor` (pages and API): anyone signed in; in a territory, its
/// coordinators (and administrators).
pub(crate) async fn create_space(
    state: &AppState,
    actor: Actor,
    input: &SpaceInput,
    territory: Option<TerritoryId>,
) -> Result<SpaceId, AppError> {
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    allow(actor, Action::Create, Resource::Spaces)?;
    if let Some(territory) = territory {
        if !store::territories::exists(&state.db, territory).await? {
            return Err(AppError::BadRequest("territoire inconnu".to_owned()));
        }
        let role = store::territories::role_of(&state.db, territory, person).await?;
        if !can(actor, Action::Edit, Resource::Territory { role }) {
            return Err(AppError::Forbidden);
        }
    }
    let content = SpaceContent::parse(input, territory.is_some())
        .map_err(|e| AppError::BadRequest(e.message))?;
    Ok(store::spaces::create(
        &state.db,
        &content,
        territory,
        person,
        state.settings.space_quota,
    )
    .await?)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access) = space_for(&state, actor, id, Action::View).await?;
    let db = &state.db;
    let posts =
        store::spaces::blog::list(db, space.id(), store::spaces::blog::Unpublished::None, 3, 0)
            .await?;
    let topics =
        store::spaces::forum::topics(db, space.id(), None, actor.person, false, 5, 0).await?;
    let files = store::spaces::folders::children(db, space.id(), None).await?;
    let members = store::spaces::members(db, space.id()).await?;
    let activity = store::spaces::activity(db, space.id(), 15).await?;
    let owner = access.role == Some(SpaceRole::Owner);
    let mut page = SpacePage::new(
        Layout::new(&ctx, space.name.clone()),
        space,
        access,
        actor,
        posts,
        topics,
        files,
        members,
        activity,
    );
    if owner {
        let target = domain::accounts::exceptional::Target::Space(SpaceId(id));
        page.exceptional = store::accounts::exceptional::of_target(db, target)
            .await?
            .into_iter()
            .map(crate::views::accounts::ExceptionalRow::new)
            .collect();
    }
    render(&page)
}

pub async fn members(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access) = space_for(&state, actor, id, Action::View).await?;
    let members = store::spaces::members(&state.db, space.id()).await?;
    let manage = can(actor, Action::ManageMembers, Resource::Space(access));
    render(&MembersPage::new(
        Layout::new(&ctx, format!("Membres — {}", space.name)),
        space,
        members,
        manage,
    ))
}

#[derive(serde::Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    /// `retirer` takes the person out.
    #[serde(default)]
    action: String,
}

/// Adds a member by e-mail address, changes a role, or takes someone out (owners).
pub async fn set_member(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Result<Response, AppError> {
    change_member(
        &state,
        ctx.actor(),
        id,
        &form.email,
        &form.role,
        form.action == "retirer",
    )
    .await?;
    Ok(Redirect::to(&format!("/espaces/{id}/membres")).into_response())
}

/// Adds, changes or removes a member (pages and API).
pub(crate) async fn change_member(
    state: &AppState,
    actor: Actor,
    space: i64,
    email: &str,
    role: &str,
    remove: bool,
) -> Result<(), AppError> {
    let by = actor.person.ok_or(AppError::Unauthorized)?;
    space_for(state, actor, space, Action::ManageMembers).await?;
    let (person, _) = store::spaces::person_by_email(&state.db, email)
        .await?
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "aucun compte n'a l'adresse « {} » ; invitez d'abord la personne sur la plateforme",
                email.trim()
            ))
        })?;
    if remove {
        store::spaces::remove_member(&state.db, SpaceId(space), PersonId(person), by).await?;
    } else {
        let role = SpaceRole::from_code(role).ok_or_else(|| {
            AppError::BadRequest(
                "rôle inconnu : responsable (owner), modération (moderator), membre (member) ou lecture seule (reader)"
                    .to_owned(),
            )
        })?;
        store::spaces::set_member(&state.db, SpaceId(space), PersonId(person), role, by).await?;
    }
    Ok(())
}
