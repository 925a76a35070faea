//! The practice library's pages: search, a practice, writing and editing, versions, and what
//! people do around a practice.

pub(crate) mod edit;
mod media;
mod social;

pub use edit::*;
pub(crate) use media::receive;
pub use media::{add_caption, caption, consent, poster, serve, upload};
pub use social::*;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::ids::PracticeId;
use domain::policy::{Action, Actor, Resource, can};
use store::practices::PracticeDetail;

use crate::error::AppError;
use crate::extractors::PageContext;
use crate::state::AppState;
use crate::views::practices::{FeedEntry, FeedPage, PracticePage, SearchPage};
use crate::views::{Layout, render};

/// The practice `id` if `actor` may do `action` on it. What the actor may not even see answers
/// 404, as if it did not exist; what they may see but not change answers 403.
pub(crate) async fn practice_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    action: Action,
) -> Result<PracticeDetail, AppError> {
    Ok(access(state, actor, id, action).await?.0)
}

/// `practice_for`, with what the policy knew of the practice (for the other actions a page
/// offers).
async fn access(
    state: &AppState,
    actor: Actor,
    id: i64,
    action: Action,
) -> Result<(PracticeDetail, Resource), AppError> {
    let resource = allowed(state, actor, PracticeId(id), action).await?;
    Ok((
        store::practices::get(&state.db, PracticeId(id)).await?,
        resource,
    ))
}

/// Whether `actor` may do `action` on a practice (one query): 404 for what they may not even
/// see, 403 for what they may see but not change.
pub(crate) async fn allowed(
    state: &AppState,
    actor: Actor,
    id: PracticeId,
    action: Action,
) -> Result<Resource, AppError> {
    let a = store::practices::access(&state.db, id, actor.person).await?;
    let resource = Resource::Practice {
        author: a.author,
        published: a.published,
        visibility: a.visibility,
        member_of_territory: a.member_of_territory,
        exceptional: a.exceptional,
    };
    if can(actor, action, resource) {
        Ok(resource)
    } else if can(actor, Action::View, resource) {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// Who is searching, for the index's visibility filter; the spaces they belong to are read
/// only when the search may find forum topics.
pub(crate) async fn viewer(
    state: &AppState,
    actor: Actor,
    scope: search::Scope,
) -> Result<search::Viewer, AppError> {
    let (territories, spaces) = match actor.person {
        Some(person) => (
            store::territories::of_person(&state.db, person)
                .await?
                .into_iter()
                .map(|m| m.id)
                .collect(),
            if scope == search::Scope::Practices {
                Vec::new()
            } else {
                store::spaces::ids_of_person(&state.db, person).await?
            },
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(search::Viewer {
        person: actor.person.map(|p| p.0),
        territories,
        spaces,
    })
}

pub(crate) fn search_error(error: search::SearchError) -> AppError {
    match error {
        search::SearchError::Store(e) => e.into(),
        other => AppError::Internal(other.to_string()),
    }
}

pub async fn search(
    State(state): State<AppState>,
    ctx: PageContext,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    let query = crate::views::practices::SearchParams::parse(raw.as_deref().unwrap_or(""));
    let viewer = viewer(&state, ctx.actor(), search::Scope::Practices).await?;
    let results = state
        .search
        .search(&state.db, query.to_query(), viewer)
        .await
        .map_err(search_error)?;
    let territories = store::territories::list(&state.db).await?;
    render(&SearchPage::new(
        Layout::new(&ctx, "Bibliothèque des pratiques"),
        query,
        results,
        &territories,
        ctx.user.is_some(),
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (detail, resource) = access(&state, actor, id, Action::View).await?;
    let practice = detail.practice.id();
    let comments = store::practices::comments(&state.db, practice).await?;
    let trials = store::practices::trials(&state.db, practice).await?;
    let (bookmarked, following) = match actor.person {
        Some(person) => (
            store::practices::is_bookmarked(&state.db, person, practice).await?,
            store::practices::followed(&state.db, person).await?,
        ),
        None => (false, Vec::new()),
    };
    let media = store::practices::media::of_practice(&state.db, practice).await?;
    let title = detail.practice.title.clone();
    // A draft its authors cannot publish yet says why instead of offering « Publier ».
    let draft = detail.practice.status() == domain::practices::Status::Draft;
    let unpublishable = if draft && can(actor, Action::Edit, resource) {
        let visibility = detail.practice.visibility();
        store::practices::media::publication_problem(&state.db, practice, visibility).await?
    } else {
        None
    };
    let mut page = PracticePage::new(
        Layout::new(&ctx, title),
        &state.settings.public_url,
        detail,
        comments,
        trials,
        bookmarked,
        following,
        can(actor, Action::Edit, resource),
        can(actor, Action::Contribute, resource),
        media,
    );
    page.unpublishable = unpublishable;
    if matches!(resource, Resource::Practice { author: true, .. }) {
        let target = domain::accounts::exceptional::Target::Practice(practice);
        page.exceptional = store::accounts::exceptional::of_target(&state.db, target)
            .await?
            .into_iter()
            .map(crate::views::accounts::ExceptionalRow::new)
            .collect();
    }
    render(&page)
}

/// The Atom feed of the newest public practices.
pub async fn feed(State(state): State<AppState>) -> Result<Response, AppError> {
    let practices = store::practices::latest_public(&state.db, 50).await?;
    let base = state.settings.public_url.trim_end_matches('/').to_owned();
    let page = FeedPage {
        updated: practices.first().map_or_else(
            || crate::views::rfc3339(store::now()),
            |p| crate::views::rfc3339(p.updated_at),
        ),
        entries: practices
            .into_iter()
            .map(|p| FeedEntry::new(&base, p))
            .collect(),
        base,
    };
    let xml = askama::Template::render(&page)?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}
