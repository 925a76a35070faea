//! Personalised training paths: trainers compose them step by step; each person follows at
//! their pace (saved progress, resume, their own notes, an attestation at the end); the author
//! sees the cohort's progress — never that of people they are a hierarchical superior of.

use std::collections::BTreeMap;

use axum::extract::{Path as UrlPath, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{PathId, PersonId, StepId};
use domain::policy::{Action, Actor, Resource, can};
use domain::training::paths::{PathContent, Standing, StepContent};
use store::training::paths::{self, Follower, Path};

use super::modules::pdf;
use super::places;
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, NoFields, PageContext};
use crate::handlers::allow;
use crate::state::AppState;
use crate::views::training::attestation;
use crate::views::training::paths::{CohortPage, NewPathPage, PathPage, PathsPage, StepPage};
use crate::views::{Layout, render, render_form};

/// The path `id`, and whether the caller is its author, if they may do `action` on it (404
/// for a draft of someone else).
pub(crate) async fn path_for(
    state: &AppState,
    actor: Actor,
    id: PathId,
    action: Action,
) -> Result<(Path, bool), AppError> {
    let path = paths::get(&state.db, id).await?;
    let author = matches!((actor.person, &path.author), (Some(p), Some((a, _))) if p == *a);
    allow(
        actor,
        action,
        Resource::Path {
            author,
            published: path.published,
        },
    )?;
    Ok((path, author))
}

/// A trainer (or the office) composes a draft path.
pub(crate) async fn create_path(
    state: &AppState,
    actor: Actor,
    content: &PathContent,
    prerequisites: &[PathId],
) -> Result<PathId, AppError> {
    let trainer = places(state, actor).await?.composes_paths();
    crate::handlers::allow_known(actor, Action::Create, Resource::Paths { trainer })?;
    let by = actor.person.ok_or(AppError::Unauthorized)?;
    Ok(paths::create(&state.db, content, prerequisites, by).await?)
}

/// The author adds a step at the end.
pub(crate) async fn add_step(
    state: &AppState,
    actor: Actor,
    id: PathId,
    step: &StepContent,
) -> Result<StepId, AppError> {
    path_for(state, actor, id, Action::Edit).await?;
    Ok(paths::add_step(&state.db, id, step).await?)
}

pub(crate) async fn remove_step(
    state: &AppState,
    actor: Actor,
    id: PathId,
    step: StepId,
) -> Result<(), AppError> {
    path_for(state, actor, id, Action::Edit).await?;
    Ok(paths::remove_step(&state.db, id, step).await?)
}

pub(crate) async fn publish(state: &AppState, actor: Actor, id: PathId) -> Result<(), AppError> {
    path_for(state, actor, id, Action::Edit).await?;
    Ok(paths::publish(&state.db, id).await?)
}

/// The caller starts a published path (its prerequisites finished); returns where to go: the
/// first step not done.
pub(crate) async fn start(
    state: &AppState,
    actor: Actor,
    id: PathId,
) -> Result<Option<i64>, AppError> {
    let (path, _) = path_for(state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    paths::start(&state.db, id, person).await?;
    let done = paths::progress(&state.db, id, person)
        .await?
        .map(|p| p.done)
        .unwrap_or_default();
    Ok(Standing::of(&path.step_ids(), &done).resume)
}

/// The caller records a step — done, not done, or as it was (`None`) — with their note;
/// returns the path and the steps now done.
pub(crate) async fn record(
    state: &AppState,
    actor: Actor,
    id: PathId,
    step: StepId,
    done: Option<bool>,
    note: &str,
) -> Result<(Path, Vec<i64>), AppError> {
    let (path, _) = path_for(state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    if note.chars().count() > 20_000 {
        return Err(AppError::BadRequest(
            "vos notes comptent 20 000 caractères au plus".to_owned(),
        ));
    }
    let recorded = paths::record_step(&state.db, id, step, person, done, note.trim()).await?;
    Ok((path, recorded.done))
}

/// The cohort of a path for its author: each follower the rules let them see (never one they
/// are a hierarchical superior of).
pub(crate) async fn cohort(
    state: &AppState,
    actor: Actor,
    id: PathId,
) -> Result<(Path, Vec<Follower>), AppError> {
    let (path, author) = path_for(state, actor, id, Action::ManageMembers).await?;
    let me = actor.person.ok_or(AppError::Unauthorized)?;
    let followers = paths::followers(&state.db, id).await?;
    let ids: Vec<PersonId> = followers.iter().map(|f| PersonId(f.person_id)).collect();
    let superior_of = store::accounts::superior_of(&state.db, me, &ids).await?;
    let seen = followers
        .into_iter()
        .filter(|f| {
            can(
                actor,
                Action::View,
                Resource::PathProgress {
                    own: f.person_id == me.0,
                    author,
                    superior: superior_of.contains(&PersonId(f.person_id)),
                },
            )
        })
        .collect();
    Ok((path, seen))
}

/// The caller's attestation of a path completed (PDF); 404 before.
pub(crate) async fn attestation_pdf(
    state: &AppState,
    actor: Actor,
    id: PathId,
) -> Result<Vec<u8>, AppError> {
    let (path, _) = path_for(state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let progress = paths::progress(&state.db, id, person).await?;
    let Some((started, Some(completed))) = progress.map(|p| (p.started_at, p.completed_at)) else {
        return Err(AppError::NotFound);
    };
    let me = store::accounts::person(&state.db, person).await?;
    Ok(attestation::of_path(
        &path,
        &me.name,
        &me.function,
        (started, completed),
        store::now(),
    ))
}

/// « Parcours »: the published paths, those suggested to the caller, those they follow, and
/// their drafts.
pub async fn list(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (suggested, followed) = match actor.person {
        Some(person) => (
            paths::suggestions(&state.db, person, 5).await?,
            paths::followed_by(&state.db, person).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    render(&PathsPage::new(
        Layout::new(&ctx, "Parcours de formation"),
        paths::list(&state.db, actor.person).await?,
        suggested,
        followed,
        places(&state, actor).await?.composes_paths(),
    ))
}

async fn form_page(
    state: &AppState,
    ctx: &PageContext,
    values: BTreeMap<String, String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let trainer = places(state, actor).await?.composes_paths();
    crate::handlers::allow_known(actor, Action::Create, Resource::Paths { trainer })?;
    let published = paths::list(&state.db, None).await?;
    let page = NewPathPage::new(
        Layout::new(ctx, "Composer un parcours"),
        published,
        values,
        error,
    );
    render_form(page.error.is_some(), &page)
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
) -> Result<Response, AppError> {
    form_page(&state, &ctx, BTreeMap::new(), None).await
}

/// The paths to finish first, as the form sends them (repeated `prerequisites`).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PathForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub public: String,
    #[serde(default)]
    pub themes: String,
    #[serde(default)]
    pub subjects: String,
    #[serde(default)]
    pub levels: String,
    #[serde(default)]
    pub prerequisites: Vec<i64>,
}

impl PathForm {
    fn values(&self) -> BTreeMap<String, String> {
        [
            ("title", &self.title),
            ("summary", &self.summary),
            ("public", &self.public),
            ("themes", &self.themes),
            ("subjects", &self.subjects),
            ("levels", &self.levels),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect()
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<PathForm>,
) -> Result<Response, AppError> {
    let attempt = async {
        let content = PathContent::parse(
            &form.title,
            &form.summary,
            &form.public,
            &form.themes,
            &form.subjects,
            &form.levels,
        )?;
        let prerequisites: Vec<PathId> = form.prerequisites.iter().copied().map(PathId).collect();
        create_path(&state, ctx.actor(), &content, &prerequisites).await
    };
    match attempt.await {
        Ok(id) => Ok(Redirect::to(&format!("/parcours/{id}")).into_response()),
        Err(AppError::BadRequest(m)) => {
            form_page(&state, &ctx, form.values(), Some(capitalize(&m))).await
        }
        Err(other) => Err(other),
    }
}

async fn path_page(
    state: &AppState,
    ctx: &PageContext,
    id: PathId,
    notice: Option<String>,
    refused: Option<(BTreeMap<String, String>, String)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (path, author) = path_for(state, actor, id, Action::View).await?;
    let progress = match actor.person {
        Some(person) => paths::progress(&state.db, id, person).await?,
        None => None,
    };
    let mut page = PathPage::new(Layout::new(ctx, path.title.clone()), path, author, progress);
    page.notice = notice;
    let refused_now = refused.is_some();
    if let Some((values, message)) = refused {
        page.values = values;
        page.error = Some(capitalize(&message));
    }
    render_form(refused_now, &page)
}

/// `?acheve=1` after the last step, `?enregistre=1` after a note saved.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Said {
    #[serde(default)]
    pub acheve: String,
    #[serde(default)]
    pub enregistre: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    UrlPath(id): UrlPath<i64>,
    Query(said): Query<Said>,
) -> Result<Response, AppError> {
    let notice = (!said.acheve.is_empty())
        .then(|| "Bravo, vous avez achevé le parcours : votre attestation est prête.".to_owned());
    path_page(&state, &ctx, PathId(id), notice, None).await
}

pub async fn add_step_form(
    State(state): State<AppState>,
    ctx: PageContext,
    UrlPath(id): UrlPath<i64>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let id = PathId(id);
    let attempt = async {
        let practice = match f("practice").trim() {
            "" => None,
            text => Some(text.parse::<i64>().map_err(|_| {
                AppError::BadRequest(format!("« {text} » n'est pas un numéro de pratique"))
            })?),
        };
        let minutes = f("minutes").trim().parse::<i64>().map_err(|_| {
            AppError::BadRequest("la durée estimée est un nombre de minutes".to_owned())
        })?;
        let step = StepContent::parse(
            f("kind"),
            f("title"),
            f("body"),
            practice,
            f("url"),
            minutes,
        )?;
        add_step(&state, ctx.actor(), id, &step).await
    };
    match attempt.await {
        Ok(_) => {
            path_page(
                &state,
                &ctx,
                id,
                Some("L'étape est ajoutée.".to_owned()),
                None,
            )
            .await
        }
        Err(AppError::BadRequest(m)) => path_page(&state, &ctx, id, None, Some((fields, m))).await,
        Err(other) => Err(other),
    }
}

pub async fn remove_step_form(
    State(state): State<AppState>,
    ctx: PageContext,
    UrlPath((id, step)): UrlPath<(i64, i64)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    remove_step(&state, ctx.actor(), PathId(id), StepId(step)).await?;
    path_page(
        &state,
        &ctx,
        PathId(id),
        Some("L'étape est retirée.".to_owned()),
        None,
    )
    .await
}

pub async fn publish_form(
    State(state): State<AppState>,
    ctx: PageContext,
    UrlPath(id): UrlPath<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let id = PathId(id);
    match publish(&state, ctx.actor(), id).await {
        Ok(()) => {
            let notice = "Le parcours est publié : chacun peut le suivre.".to_owned();
            path_page(&state, &ctx, id, Some(notice), None).await
        }
        Err(AppError::BadRequest(m)) => {
            path_page(&state, &ctx, id, None, Some((BTreeMap::new(), m))).await
        }
        Err(other) => Err(other),
    }
}

pub async fn start_form(
    State(state): State<AppState>,
    ctx: PageContext,
    UrlPath(id): UrlPath<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    match start(&state, ctx.actor(), PathId(id)).await {
        Ok(Some(step)) => {
            Ok(Redirect::to(&format!("/parcours/{id}/etapes/{step}")).into_response())
        }
        Ok(None) => Ok(Redirect::to(&format!("/parcours/{id}")).into_response()),
        Err(AppError::Conflict(m)) => {
            path_page(&state, &ctx, PathId(id), None, Some((BTreeMap::new(), m))).await
        }
        Err(other) => Err(other),
    }
}

async fn step_page(
    state: &AppState,
    ctx: &PageContext,
    id: PathId,
    step: StepId,
    notice: Option<String>,
    error: Option<(String, String)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (path, _) = path_for(state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let Some(progress) = paths::progress(&state.db, id, person).await? else {
        // Not started: the path's page says how.
        return Ok(Redirect::to(&format!("/parcours/{id}")).into_response());
    };
    let mut page = StepPage::new(
        Layout::new(ctx, path.title.clone()),
        path,
        step,
        &progress,
        error,
    )
    .ok_or(AppError::NotFound)?;
    page.notice = notice;
    render_form(page.error.is_some(), &page)
}

pub async fn step(
    State(state): State<AppState>,
    ctx: PageContext,
    UrlPath((id, step)): UrlPath<(i64, i64)>,
    Query(said): Query<Said>,
) -> Result<Response, AppError> {
    let notice = (!said.enregistre.is_empty()).then(|| "Vos notes sont enregistrées.".to_owned());
    step_page(&state, &ctx, PathId(id), StepId(step), notice, None).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct StepForm {
    #[serde(default)]
    pub note: String,
    /// `fait` (done, go on), `a-refaire` (not done) or `enregistrer` (the note only).
    #[serde(default)]
    pub action: String,
}

pub async fn record_form(
    State(state): State<AppState>,
    ctx: PageContext,
    UrlPath((id, step)): UrlPath<(i64, i64)>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> Result<Response, AppError> {
    let (path_id, step_id) = (PathId(id), StepId(step));
    let done = match form.action.as_str() {
        "fait" => Some(true),
        "a-refaire" => Some(false),
        _ => None,
    };
    match record(&state, ctx.actor(), path_id, step_id, done, &form.note).await {
        Ok(_) if done != Some(true) => {
            Ok(Redirect::to(&format!("/parcours/{id}/etapes/{step}?enregistre=1")).into_response())
        }
        Ok((path, done)) => {
            let ids = path.step_ids();
            let standing = Standing::of(&ids, &done);
            // The next step not done after this one, else the first not done; none: finished.
            let after = ids
                .iter()
                .skip_while(|s| **s != step)
                .skip(1)
                .find(|s| !done.contains(s))
                .copied()
                .or(standing.resume);
            Ok(match after {
                Some(next) => Redirect::to(&format!("/parcours/{id}/etapes/{next}")),
                None if standing.finished() => Redirect::to(&format!("/parcours/{id}?acheve=1")),
                None => Redirect::to(&format!("/parcours/{id}")),
            }
            .into_response())
        }
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            let refused = Some((form.note, capitalize(&m)));
            step_page(&state, &ctx, path_id, step_id, None, refused).await
        }
        Err(other) => Err(other),
    }
}

pub async fn cohort_page(
    State(state): State<AppState>,
    ctx: PageContext,
    UrlPath(id): UrlPath<i64>,
) -> Result<Response, AppError> {
    let (path, followers) = cohort(&state, ctx.actor(), PathId(id)).await?;
    render(&CohortPage::new(
        Layout::new(&ctx, format!("Cohorte — {}", path.title)),
        path,
        followers,
    ))
}

pub async fn attestation(
    State(state): State<AppState>,
    ctx: PageContext,
    UrlPath(id): UrlPath<i64>,
) -> Result<Response, AppError> {
    let bytes = attestation_pdf(&state, ctx.actor(), PathId(id)).await?;
    Ok(pdf(bytes, &format!("attestation-parcours-{id}.pdf")))
}
