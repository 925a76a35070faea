//! Around a practice: comments, "j'ai essayé" reports, bookmarks, follows, notifications,
//! and a person's own practices.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{PersonId, PracticeId, TerritoryId};
use domain::policy::Action;
use domain::practices::Tag;
use domain::practices::consent::parse_date;
use store::practices::{FollowTarget, NewTrial};

use super::{allowed, practice_for};
use crate::error::AppError;
use crate::extractors::{CsrfForm, NoFields, PageContext, RequireUser};
use crate::state::AppState;
use crate::views::practices::{MinePage, NotificationsPage};
use crate::views::{Layout, render};

#[derive(serde::Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
}

pub async fn comment(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response, AppError> {
    allowed(&state, ctx.actor(), PracticeId(id), Action::Contribute).await?;
    store::practices::add_comment(&state.db, PracticeId(id), person.id(), &form.body).await?;
    Ok(Redirect::to(&format!("/pratiques/{id}#commentaires")).into_response())
}

#[derive(serde::Deserialize)]
pub struct TrialForm {
    #[serde(default)]
    tried_on: String,
    #[serde(default)]
    establishment: String,
    #[serde(default)]
    adaptations: String,
    #[serde(default)]
    outcome: String,
}

pub async fn trial(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<TrialForm>,
) -> Result<Response, AppError> {
    allowed(&state, ctx.actor(), PracticeId(id), Action::Contribute).await?;
    let tried_on =
        parse_date(&form.tried_on, "la date de l'essai").map_err(AppError::BadRequest)?;
    let establishment = match form.establishment.trim() {
        "" => None,
        uai => Some(
            domain::directory::Uai::parse(uai).map_err(|e| AppError::BadRequest(e.to_string()))?,
        ),
    };
    let trial = NewTrial {
        establishment,
        tried_on,
        adaptations: form.adaptations,
        outcome: form.outcome,
    };
    store::practices::add_trial(&state.db, PracticeId(id), person.id(), &trial).await?;
    Ok(Redirect::to(&format!("/pratiques/{id}#essais")).into_response())
}

pub async fn bookmark(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    allowed(&state, ctx.actor(), PracticeId(id), Action::Contribute).await?;
    store::practices::toggle_bookmark(&state.db, person.id(), PracticeId(id)).await?;
    Ok(Redirect::to(&format!("/pratiques/{id}")).into_response())
}

#[derive(serde::Deserialize)]
pub struct FollowForm {
    /// `person:ID`, `tag:VOCABULARY:CODE` or `territory:ID`.
    #[serde(default)]
    target: String,
    /// Where to go back to (a path of this site).
    #[serde(default)]
    back: String,
}

fn parse_target(text: &str) -> Option<FollowTarget> {
    let (kind, rest) = text.split_once(':')?;
    match kind {
        "person" => rest
            .parse()
            .ok()
            .map(|id| FollowTarget::Person(PersonId(id))),
        "territory" => rest
            .parse()
            .ok()
            .map(|id| FollowTarget::Territory(TerritoryId(id))),
        "tag" => {
            let (vocabulary, code) = rest.split_once(':')?;
            Tag::parse(vocabulary, code).ok().map(FollowTarget::Tag)
        }
        _ => None,
    }
}

pub async fn follow(
    State(state): State<AppState>,
    RequireUser(person): RequireUser,
    CsrfForm(form): CsrfForm<FollowForm>,
) -> Result<Response, AppError> {
    let target = parse_target(&form.target)
        .ok_or_else(|| AppError::BadRequest("ce que vous voulez suivre n'existe pas".to_owned()))?;
    store::practices::toggle_follow(&state.db, person.id(), &target).await?;
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back
    } else {
        "/pratiques".to_owned()
    };
    Ok(Redirect::to(&back).into_response())
}

pub async fn notifications(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
) -> Result<Response, AppError> {
    let notifications = store::practices::notifications(&state.db, person.id(), 100).await?;
    store::practices::mark_notifications_read(&state.db, person.id()).await?;
    let digest = store::practices::digest(&state.db, person.id()).await?;
    render(&NotificationsPage::new(
        Layout::new(&ctx, "Notifications"),
        notifications,
        digest,
    ))
}

#[derive(serde::Deserialize)]
pub struct DigestForm {
    #[serde(default)]
    digest: String,
}

pub async fn set_digest(
    State(state): State<AppState>,
    RequireUser(person): RequireUser,
    CsrfForm(form): CsrfForm<DigestForm>,
) -> Result<Response, AppError> {
    store::practices::set_digest(&state.db, person.id(), form.digest == "oui").await?;
    Ok(Redirect::to("/notifications").into_response())
}

pub async fn mine(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
) -> Result<Response, AppError> {
    let written = store::practices::by_author(&state.db, person.id()).await?;
    let mut bookmarked = Vec::new();
    for id in store::practices::bookmarks(&state.db, person.id()).await? {
        // A bookmark of a practice that was since narrowed or deleted is not shown.
        if let Ok(detail) = practice_for(&state, ctx.actor(), id, Action::View).await {
            bookmarked.push((id, detail.practice.title));
        }
    }
    render(&MinePage::new(
        Layout::new(&ctx, "Mes pratiques"),
        written,
        bookmarked,
    ))
}
