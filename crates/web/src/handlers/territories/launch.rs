//! The launch of a territory, step by step (seed 001): where each step stands, the shared
//! inventory written by each establishment's working group 1, the common problem statement
//! of the steering group.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;
use domain::ids::{PersonId, TerritoryId};
use domain::policy::{Action, Actor, TerritoryRole};
use domain::territories::launch::{
    Action as LaunchAction, ActionInput, FriendRole, NewItem, Problem, Step, StepState, WorkObject,
    parse_impact, parse_journal, parse_support,
};
use store::territories::launch;

use super::{account, work_of, worker};
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext};
use crate::state::AppState;
use crate::views::territories::launch::{ItemForm, Later, LaunchPage, ProblemForm, screen_of};
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
    let person = worker(state, actor, territory, Action::Edit).await?;
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
    let person = worker(state, actor, territory, Action::Edit).await?;
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
    /// A form of the later steps: its section, its fields, the message.
    Later(String, Fields, String),
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    slug: &str,
    view: u8,
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
    let friends = launch::critical_friends(&state.db, territory).await?;
    let items = launch::items(&state.db, territory).await?;
    let raised = store::training::raised_items(&state.db, territory).await?;
    let mut to_raise: Vec<(i64, String)> = Vec::new();
    for merged in domain::territories::launch::merge(&items) {
        let ids: Vec<i64> = items
            .iter()
            .filter(|i| i.folded == domain::text::fold(&merged.text) || i.id == merged.id)
            .map(|i| i.id)
            .collect();
        if merged.kind == domain::territories::launch::ItemKind::Difficulty
            && !ids.iter().any(|id| raised.contains(id))
        {
            to_raise.push((merged.id, merged.text));
        }
    }
    let later = Later {
        work_objects: launch::work_objects(&state.db, territory).await?,
        actions: launch::actions(&state.db, territory).await?,
        is_friend: actor
            .person
            .is_some_and(|p| friends.iter().any(|(id, _)| *id == p.0)),
        friends,
        journal: launch::journal(&state.db, territory).await?,
        analyses: launch::impact_analyses(&state.db, territory).await?,
        year: launch::current_year(&state.db, territory).await?,
        supports: launch::supports(&state.db, territory).await?,
        to_raise,
    };
    let title = match view {
        0 => format!("Lancement — {}", summary.name),
        n => format!("Étape {n} sur 5 — Lancement — {}", summary.name),
    };
    let mut page = LaunchPage::new(
        Layout::new(ctx, title),
        summary,
        role == Some(TerritoryRole::Coordinator) || actor.admin,
        launch::steps(&state.db, territory).await?,
        items,
        launch::problem(&state.db, territory).await?,
        own,
    )
    .with_later(later);
    page.view = view;
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
        Some(Refused::Later(section, fields, message)) => {
            page.values = fields;
            page.later_error = Some((section, capitalize(&message)));
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
    page(&state, &ctx, &slug, 0, None, None).await
}

/// One step of the launch on its own screen (`etape-1` to `etape-5`).
pub async fn step_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, screen)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let view = screen
        .strip_prefix("etape-")
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| (1..=5).contains(n))
        .ok_or(AppError::NotFound)?;
    page(&state, &ctx, &slug, view, None, None).await
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
            page(&state, &ctx, &slug, 1, Some(notice), None).await
        }
        Err(AppError::BadRequest(message)) => {
            page(
                &state,
                &ctx,
                &slug,
                1,
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
            page(&state, &ctx, &slug, 2, Some(notice), None).await
        }
        Err(AppError::BadRequest(message)) => {
            page(
                &state,
                &ctx,
                &slug,
                2,
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
    let view = u8::try_from(step).unwrap_or(0);
    page(&state, &ctx, &slug, view, Some(notice), None).await
}

/// What the later steps' forms send: their fields by name (prefixed by form).
pub type Fields = BTreeMap<String, String>;

fn get<'a>(fields: &'a Fields, key: &str) -> &'a str {
    fields.get(key).map_or("", String::as_str)
}

/// Step 3: a working group 2 records an object of work.
pub(crate) async fn add_work_object(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    object: &WorkObject,
) -> Result<i64, AppError> {
    let person = worker(state, actor, territory, Action::Contribute).await?;
    Ok(launch::add_work_object(&state.db, territory, object, person).await?)
}

/// Step 4: a working group records an action.
pub(crate) async fn add_action(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    action: &LaunchAction,
) -> Result<i64, AppError> {
    let person = worker(state, actor, territory, Action::Contribute).await?;
    Ok(launch::add_action(&state.db, territory, action, person).await?)
}

/// Step 5: the coordination designates a critical friend.
pub(crate) async fn add_critical_friend(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    friend: PersonId,
) -> Result<(), AppError> {
    work_of(state, actor, territory, Action::Edit).await?;
    Ok(launch::add_critical_friend(&state.db, territory, friend).await?)
}

/// Whether the caller is a critical friend of the territory.
async fn is_friend(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
) -> Result<bool, AppError> {
    Ok(match actor.person {
        Some(person) => launch::critical_friends(&state.db, territory)
            .await?
            .iter()
            .any(|(id, _)| *id == person.0),
        None => false,
    })
}

/// Step 5: the critical friend writes in the journal of the year under way.
pub(crate) async fn write_journal(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    role: FriendRole,
    body: &str,
) -> Result<i64, AppError> {
    work_of(state, actor, territory, Action::View).await?;
    if !is_friend(state, actor, territory).await? {
        return Err(AppError::Forbidden);
    }
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    Ok(launch::write_journal(&state.db, territory, role, body, person).await?)
}

/// Step 5: the critical friend or the coordination closes the year with its impact analysis.
pub(crate) async fn close_year(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    body: &str,
) -> Result<i64, AppError> {
    let role = work_of(state, actor, territory, Action::View).await?;
    let coordinator = role == Some(TerritoryRole::Coordinator) || actor.admin;
    if !coordinator && !is_friend(state, actor, territory).await? {
        return Err(AppError::Forbidden);
    }
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    Ok(launch::close_year(&state.db, territory, body, person).await?)
}

/// A member records a support or an obstacle of the territory.
pub(crate) async fn add_support(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    support: (bool, &str, &str),
) -> Result<i64, AppError> {
    let person = worker(state, actor, territory, Action::Contribute).await?;
    Ok(launch::add_support(&state.db, territory, support, person).await?)
}

/// The forms of steps 3 to 5 and of the supports: `section` names the form.
pub async fn later_step_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, section)): Path<(String, String)>,
    CsrfForm(fields): CsrfForm<Fields>,
) -> Result<Response, AppError> {
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    let actor = ctx.actor();
    let f = |key: &str| get(&fields, key);
    let attempt = async {
        let notice = match section.as_str() {
            "objets" => {
                let object = WorkObject::parse(
                    f("o_title"),
                    f("o_description"),
                    f("o_trainer"),
                    [f("o_day1"), f("o_day2")],
                )
                .map_err(AppError::from)?;
                add_work_object(&state, actor, territory, &object).await?;
                "L'objet de travail est ajouté."
            }
            "actions" => {
                let input = ActionInput {
                    title: f("a_title").to_owned(),
                    scope: f("a_scope").to_owned(),
                    uai: f("a_uai").to_owned(),
                    owners: f("a_owners").to_owned(),
                    starts_on: f("a_starts").to_owned(),
                    ends_on: f("a_ends").to_owned(),
                    pupils: f("a_pupils").to_owned(),
                    evidence: f("a_evidence").to_owned(),
                    theme: f("a_theme").to_owned(),
                };
                let action = LaunchAction::parse(&input).map_err(AppError::from)?;
                add_action(&state, actor, territory, &action).await?;
                "L'action est ajoutée."
            }
            "ami-critique" => {
                let friend = account(&state, f("f_email")).await?;
                add_critical_friend(&state, actor, territory, friend.id()).await?;
                "L'ami critique est désigné."
            }
            "journal" => {
                let (role, body) =
                    parse_journal(f("j_role"), f("j_body")).map_err(AppError::from)?;
                write_journal(&state, actor, territory, role, &body).await?;
                "L'entrée est ajoutée au journal."
            }
            "impact" => {
                let body = parse_impact(f("i_body")).map_err(AppError::from)?;
                close_year(&state, actor, territory, &body).await?;
                "L'analyse de l'impact clôt l'année : l'année suivante part d'elle."
            }
            "appuis" => {
                let (support, category, text) =
                    parse_support(f("s_kind"), f("s_category"), f("s_text"))
                        .map_err(AppError::from)?;
                add_support(&state, actor, territory, (support, &category, &text)).await?;
                if support {
                    "Le point d'appui est ajouté."
                } else {
                    "L'obstacle est ajouté."
                }
            }
            "besoin-de-formation" => {
                let item: i64 = f("n_item").parse().map_err(|_| {
                    AppError::BadRequest("choisissez une difficulté de l'état des lieux".to_owned())
                })?;
                let theme = match f("n_theme").trim() {
                    "" => launch::items(&state.db, territory)
                        .await?
                        .into_iter()
                        .find(|i| i.id == item)
                        .map(|i| i.text)
                        .ok_or(AppError::NotFound)?,
                    theme => theme.to_owned(),
                };
                let need = domain::observatories::visit::TrainingNeed::parse(
                    &theme,
                    f("n_public"),
                    f("n_level"),
                )?;
                crate::handlers::training::raise(&state, actor, territory, item, &need).await?;
                "La difficulté est transmise au bureau de la formation comme besoin du territoire."
            }
            _ => return Err(AppError::NotFound),
        };
        Ok::<_, AppError>(notice)
    };
    match attempt.await {
        Ok(notice) => {
            let view = screen_of(&section);
            page(&state, &ctx, &slug, view, Some(notice.to_owned()), None).await
        }
        Err(AppError::BadRequest(message) | AppError::Conflict(message)) => {
            page(
                &state,
                &ctx,
                &slug,
                screen_of(&section),
                None,
                Some(Refused::Later(section, fields, message)),
            )
            .await
        }
        Err(other) => Err(other),
    }
}
