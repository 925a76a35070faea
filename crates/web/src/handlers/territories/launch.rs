//! The launch of a territory, step by step (seed 001): where each step stands, the shared
//! inventory written by each establishment's working group 1, the common problem statement
//! of the steering group.

use axum::extract::{Path, State};
use axum::response::Response;
use domain::ids::TerritoryId;
use domain::policy::{Action, Actor, TerritoryRole};
use domain::territories::launch::{NewItem, Problem, Step, StepState};
use store::territories::launch;

use super::work_of;
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext};
use crate::state::AppState;
use crate::views::territories::launch::{ItemForm, LaunchPage, ProblemForm};
use crate::views::{Layout, render_form};

/// Removes an item of the inventory: its author, or a coordinator.
pub(crate) async fn delete_item(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    id: i64,
) -> Result<(), AppError> {
    let role = work_of(state, actor, territory, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let any = role == Some(TerritoryRole::Coordinator) || actor.admin;
    Ok(launch::delete_item(&state.db, territory, id, person, any).await?)
}

/// Records an item of the inventory of `uai`: a member for an establishment where they work,
/// a coordinator for any establishment of the territory.
pub(crate) async fn add_item(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    uai: &str,
    item: &NewItem,
) -> Result<i64, AppError> {
    let role = work_of(state, actor, territory, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    if role != Some(TerritoryRole::Coordinator) && !actor.admin {
        let own = launch::establishments_of(&state.db, territory, person).await?;
        if !own.iter().any(|(u, _)| u == uai.trim()) {
            return Err(AppError::BadRequest(format!(
                "vous ne pouvez écrire l'état des lieux que de votre établissement, pas de {}",
                uai.trim()
            )));
        }
    }
    Ok(launch::add_item(&state.db, territory, uai.trim(), item, person).await?)
}

/// The steering group (the coordinators) writes the common problem statement.
pub(crate) async fn set_problem(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    problem: &Problem,
    items: &[i64],
) -> Result<(), AppError> {
    work_of(state, actor, territory, Action::Edit).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    Ok(launch::set_problem(&state.db, territory, problem, items, person).await?)
}

/// The steering group says where a step stands.
pub(crate) async fn set_step(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    step: i64,
    state_code: &str,
) -> Result<(), AppError> {
    work_of(state, actor, territory, Action::Edit).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let step = Step::from_number(step)
        .ok_or_else(|| AppError::BadRequest(format!("étape inconnue : {step} (1 à 5)")))?;
    let step_state = StepState::parse(state_code.trim()).ok_or_else(|| {
        AppError::BadRequest(format!(
            "état inconnu : « {} » (todo, doing ou done)",
            state_code.trim()
        ))
    })?;
    Ok(launch::set_step(&state.db, territory, step, step_state, person).await?)
}

/// What a refused form leaves on the page.
enum Refused {
    Item(ItemForm, String),
    Problem(ProblemForm, String),
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    slug: &str,
    notice: Option<String>,
    refused: Option<Refused>,
) -> Result<Response, AppError> {
    let summary = store::territories::summary(&state.db, slug).await?;
    let territory = TerritoryId(summary.id);
    let actor = ctx.actor();
    let role = work_of(state, actor, territory, Action::View).await?;
    let own = match actor.person {
        Some(person) => launch::establishments_of(&state.db, territory, person).await?,
        None => Vec::new(),
    };
    let mut page = LaunchPage::new(
        Layout::new(ctx, format!("Lancement — {}", summary.name)),
        summary,
        role == Some(TerritoryRole::Coordinator) || actor.admin,
        launch::steps(&state.db, territory).await?,
        launch::items(&state.db, territory).await?,
        launch::problem(&state.db, territory).await?,
        own,
    );
    page.notice = notice;
    let refused_now = refused.is_some();
    match refused {
        Some(Refused::Item(form, message)) => {
            page.item_form = form;
            page.item_error = Some(capitalize(&message));
        }
        Some(Refused::Problem(form, message)) => {
            page.problem_form = form;
            page.problem_error = Some(capitalize(&message));
        }
        None => {}
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

pub async fn add_item_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ItemForm>,
) -> Result<Response, AppError> {
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    let attempt = async {
        let item = NewItem::parse(&form.kind, &form.scope, &form.text)
            .map_err(|e| AppError::BadRequest(e.message))?;
        add_item(&state, ctx.actor(), territory, &form.uai, &item).await
    };
    match attempt.await {
        Ok(_) => {
            let notice = "Ajouté à l'état des lieux.".to_owned();
            page(&state, &ctx, &slug, Some(notice), None).await
        }
        Err(AppError::BadRequest(message)) => {
            page(
                &state,
                &ctx,
                &slug,
                None,
                Some(Refused::Item(form, message)),
            )
            .await
        }
        Err(other) => Err(other),
    }
}

pub async fn problem_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ProblemForm>,
) -> Result<Response, AppError> {
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    let attempt = async {
        let problem = Problem::parse(&form.statement, &form.skills)
            .map_err(|e| AppError::BadRequest(e.message))?;
        set_problem(&state, ctx.actor(), territory, &problem, &form.items).await
    };
    match attempt.await {
        Ok(()) => {
            let notice = "La problématique commune est enregistrée.".to_owned();
            page(&state, &ctx, &slug, Some(notice), None).await
        }
        Err(AppError::BadRequest(message)) => {
            page(
                &state,
                &ctx,
                &slug,
                None,
                Some(Refused::Problem(form, message)),
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct StepForm {
    #[serde(default)]
    pub state: String,
}

pub async fn step_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, step)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> Result<Response, AppError> {
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    set_step(&state, ctx.actor(), territory, step, &form.state).await?;
    let notice = "L'avancée de l'étape est enregistrée.".to_owned();
    page(&state, &ctx, &slug, Some(notice), None).await
}
