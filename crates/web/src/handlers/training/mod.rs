//! Training: needs people express for themselves (or a territory raises from its inventory),
//! the demand the training office reads aggregated without names (the small-group rule of
//! `domain::training::demand`) against the plan's offer, and who is on the training staff.

pub mod modules;
pub mod paths;

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::accounts::Function;
use domain::ids::{PersonId, TerritoryId};
use domain::observatories::visit::{Public, TrainingNeed};
use domain::policy::{Action, Actor, Resource};
use domain::training::StaffKind;
use domain::training::demand::{
    Dashboard, Demand, against_offer, aggregate, school_year_bounds, theme_key,
};
use store::training::staff::Places;

use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext, actor};
use crate::handlers::allow_known as allow;
use crate::handlers::territories::{account, work_of};
use crate::state::AppState;
use crate::views::training::{DemandPage, StaffPage, TrainingPage};
use crate::views::{Layout, render_form};

/// The caller's places in the training staff (none when anonymous).
pub(crate) async fn places(state: &AppState, actor: Actor) -> Result<Places, AppError> {
    Ok(match actor.person {
        Some(person) => store::training::staff::places_of(&state.db, person).await?,
        None => Places::default(),
    })
}

/// The caller, if they are on the training office (or an administrator) and may `action` the
/// plan (`View` the demand, `Create` a module).
pub(crate) async fn office(
    state: &AppState,
    actor: Actor,
    action: Action,
) -> Result<PersonId, AppError> {
    let office = places(state, actor).await?.office;
    allow(actor, action, Resource::TrainingPlan { office })?;
    actor.person.ok_or(AppError::Unauthorized)
}

/// A person expresses a need of their own, for one of their territories or none.
pub(crate) async fn express(
    state: &AppState,
    person: &store::accounts::Person,
    territory: Option<TerritoryId>,
    need: &TrainingNeed,
) -> Result<i64, AppError> {
    if let Some(territory) = territory {
        work_of(state, actor(Some(person)), territory, Action::Contribute).await?;
    }
    Ok(store::training::express(&state.db, person.id(), territory, need, &person.function).await?)
}

/// A territory's coordination raises a difficulty of its inventory as a training need.
pub(crate) async fn raise(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    item: i64,
    need: &TrainingNeed,
) -> Result<i64, AppError> {
    let by = crate::handlers::territories::worker(state, actor, territory, Action::Edit).await?;
    Ok(store::training::raise_from_inventory(&state.db, territory, item, need, by).await?)
}

/// A school year typed (« 2026-2027 »; the current one when empty): its label and bounds.
fn period(text: &str) -> Result<(String, i64, i64), AppError> {
    use domain::territories::networks::{school_year, school_year_label};
    let label = match text.trim() {
        "" => school_year_label(school_year(store::now())),
        text => text.to_owned(),
    };
    let (from, to) = school_year_bounds(&label).map_err(AppError::BadRequest)?;
    Ok((school_year_label(school_year(from)), from, to))
}

/// The demand of a school year, in a territory or everywhere (the office): the year's label,
/// the demand, and the year's bounds.
async fn read_demand(
    state: &AppState,
    actor: Actor,
    territory: Option<TerritoryId>,
    period_text: &str,
) -> Result<(String, Demand, (i64, i64)), AppError> {
    office(state, actor, Action::View).await?;
    let (year, from, to) = period(period_text)?;
    if let Some(territory) = territory
        && !store::territories::exists(&state.db, territory).await?
    {
        return Err(AppError::NotFound);
    }
    let themes = store::training::demand_themes(&state.db, territory, from, to).await?;
    let demand = aggregate(themes.iter().map(|(t, n)| (t.as_str(), *n)));
    Ok((year, demand, (from, to)))
}

/// The demand of a school year against the modules of that year (the office).
pub(crate) async fn demand(
    state: &AppState,
    actor: Actor,
    territory: Option<TerritoryId>,
    period_text: &str,
) -> Result<(String, Demand, Dashboard), AppError> {
    let (year, demand, (from, to)) = read_demand(state, actor, territory, period_text).await?;
    let offer = store::training::modules::offer(&state.db, from, to).await?;
    let dashboard = against_offer(&demand, &offer);
    Ok((year, demand, dashboard))
}

/// Only administrators see and change who is on the training staff.
pub(crate) fn staff_admin(actor: Actor) -> Result<(), AppError> {
    allow(actor, Action::ManageMembers, Resource::TrainingStaff)
}

/// Administrators give or take a place in the training staff.
pub(crate) async fn set_staff(
    state: &AppState,
    actor: Actor,
    person: PersonId,
    kind: &str,
    appoint: bool,
) -> Result<(), AppError> {
    staff_admin(actor)?;
    let kind = StaffKind::parse(kind.trim()).ok_or_else(|| {
        AppError::BadRequest(
            "la place est « office » (bureau de la formation) ou « trainer » (formateur)"
                .to_owned(),
        )
    })?;
    if appoint {
        store::training::staff::appoint(&state.db, person, kind).await?;
    } else {
        store::training::staff::dismiss(&state.db, person, kind).await?;
    }
    Ok(())
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    notice: Option<String>,
    refused: Option<(BTreeMap<String, String>, String)>,
) -> Result<Response, AppError> {
    let person = ctx.user.as_ref().ok_or(AppError::Unauthorized)?;
    let now = store::now();
    let mut page = TrainingPage::new(
        Layout::new(ctx, "Formation"),
        store::training::needs_of(&state.db, person.id()).await?,
        store::territories::of_person(&state.db, person.id()).await?,
        store::training::modules::of_person(&state.db, person.id()).await?,
        store::training::modules::upcoming(&state.db, now).await?,
        places(state, ctx.actor()).await?,
        person.admin,
    );
    // The themes of this school year that others asked for, the caller's own left out.
    let own: Vec<String> = page.needs.iter().map(|n| theme_key(&n.theme)).collect();
    let year = domain::observatories::visit::school_year_start(now);
    let themes = store::training::demand_themes(&state.db, None, year, now + 1).await?;
    let demand = aggregate(themes.iter().map(|(t, n)| (t.as_str(), *n)));
    let mut expressed: Vec<String> = demand
        .themes
        .into_iter()
        .chain(demand.small)
        .map(|t| t.theme)
        .filter(|t| !own.contains(&theme_key(t)))
        .collect();
    expressed.sort_by_key(|t| domain::text::fold(t));
    page.expressed = expressed;
    page.own_public = Public::of_function(Function::parse(&person.function).ok()).code();
    page.notice = notice;
    let refused_now = refused.is_some();
    if let Some((values, message)) = refused {
        page.values = values;
        page.error = Some(capitalize(&message));
    }
    render_form(refused_now, &page)
}

/// « Formation »: one's needs, one's modules, the plan's modules to come.
pub async fn show(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    page(&state, &ctx, None, None).await
}

pub async fn express_form(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let person = ctx.user.clone().ok_or(AppError::Unauthorized)?;
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let attempt = async {
        let need = TrainingNeed::parse(f("theme"), f("public"), f("level"))?;
        let territory = match f("territory").trim() {
            "" => None,
            id => Some(TerritoryId(id.parse().map_err(|_| {
                AppError::BadRequest(format!("territoire inconnu : « {id} »"))
            })?)),
        };
        express(&state, &person, territory, &need).await
    };
    match attempt.await {
        Ok(_) => {
            let notice =
                "Votre besoin est enregistré. Vous serez averti·e quand un module y répondra.";
            page(&state, &ctx, Some(notice.to_owned()), None).await
        }
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            page(&state, &ctx, None, Some((fields, m))).await
        }
        Err(other) => Err(other),
    }
}

pub async fn withdraw_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<crate::extractors::NoFields>,
) -> Result<Response, AppError> {
    let person = ctx.actor().person.ok_or(AppError::Unauthorized)?;
    store::training::withdraw(&state.db, person, id).await?;
    page(
        &state,
        &ctx,
        Some("Votre besoin est retiré.".to_owned()),
        None,
    )
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DemandQuery {
    #[serde(default)]
    pub territoire: String,
    #[serde(default)]
    pub annee: String,
}

/// The office's dashboard: the demand by theme (a territory or all, a school year) against the
/// plan's modules.
pub async fn demand_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<DemandQuery>,
) -> Result<Response, AppError> {
    let territories = store::territories::list(&state.db).await?;
    let territory = match query.territoire.trim() {
        "" => None,
        id => Some(TerritoryId(id.parse().map_err(|_| AppError::NotFound)?)),
    };
    let (year, error, demand, dashboard) =
        match demand(&state, ctx.actor(), territory, &query.annee).await {
            Ok((year, demand, dashboard)) => (year, None, Some(demand), Some(dashboard)),
            Err(AppError::BadRequest(m)) => (query.annee.clone(), Some(capitalize(&m)), None, None),
            Err(other) => return Err(other),
        };
    let page = DemandPage::new(
        Layout::new(&ctx, "Demande de formation"),
        territories,
        territory,
        year,
        demand,
        dashboard,
        error,
    );
    render_form(page.error.is_some(), &page)
}

async fn staff_page(
    state: &AppState,
    ctx: &PageContext,
    notice: Option<String>,
    refused: Option<(BTreeMap<String, String>, String)>,
) -> Result<Response, AppError> {
    staff_admin(ctx.actor())?;
    let mut page = StaffPage::new(
        Layout::new(ctx, "Équipe de la formation"),
        store::training::staff::members(&state.db).await?,
    );
    page.notice = notice;
    let refused_now = refused.is_some();
    if let Some((values, message)) = refused {
        page.values = values;
        page.error = Some(capitalize(&message));
    }
    render_form(refused_now, &page)
}

/// The training staff (administrators).
pub async fn staff(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    staff_page(&state, &ctx, None, None).await
}

pub async fn staff_form(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    staff_admin(ctx.actor())?;
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let appoint = f("action") != "retirer";
    let attempt = async {
        let person = if appoint {
            account(&state, f("email")).await?.id()
        } else {
            PersonId(f("person").parse().map_err(|_| AppError::NotFound)?)
        };
        set_staff(&state, ctx.actor(), person, f("kind"), appoint).await
    };
    match attempt.await {
        Ok(()) => {
            let notice = if appoint {
                "La place est donnée."
            } else {
                "La place est retirée."
            };
            staff_page(&state, &ctx, Some(notice.to_owned()), None).await
        }
        Err(AppError::BadRequest(m)) => staff_page(&state, &ctx, None, Some((fields, m))).await,
        Err(other) => Err(other),
    }
}

/// The themes of this school year's demand (the office), proposed by the module form.
pub(crate) async fn demand_themes_for_form(
    state: &AppState,
    actor: Actor,
) -> Result<Vec<String>, AppError> {
    let (_, demand, _) = read_demand(state, actor, None, "").await?;
    Ok(demand.themes.into_iter().map(|t| t.theme).collect())
}
