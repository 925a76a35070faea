//! Observatories' pages: the list, an observatory (its people and space, volunteering as an
//! observer, the referent's batch of requests, the pilots' figures without names). Requests
//! and visits are in `visits`.

pub mod visits;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{ObservatoryId, PersonId, TerritoryId};
use domain::observatories::binome::{Period, Weights};
use domain::observatories::{ObservatoryContent, ObservatoryInput};
use domain::policy::{Action, Actor, Resource, can};
use store::observatories::{self, Observatory, Outcome, Role};

use crate::error::AppError;
use crate::extractors::{CsrfForm, NoFields, PageContext, RequireUser};
use crate::handlers::allow;
use crate::state::AppState;
use crate::views::observatories::{ObservatoriesPage, ObservatoryForm, ObservatoryPage};
use crate::views::{Layout, render_form};

/// The observatory `id` and the caller's roles in it, if the caller may do `action` on it.
pub(crate) async fn observatory_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    action: Action,
) -> Result<(Observatory, Vec<Role>), AppError> {
    let observatory = observatories::get(&state.db, ObservatoryId(id)).await?;
    let roles = match actor.person {
        Some(person) => observatories::roles(&state.db, observatory.id(), person).await?,
        None => Vec::new(),
    };
    allow(
        actor,
        action,
        Resource::Observatory {
            pilot: roles.contains(&Role::Pilot),
            referent: roles.contains(&Role::Referent),
        },
    )?;
    Ok((observatory, roles))
}

/// Creates an observatory and its space, for the page and the API alike.
pub(crate) async fn create_observatory(
    state: &AppState,
    actor: Actor,
    input: &ObservatoryInput,
    territory: Option<i64>,
    people: [&[PersonId]; 3],
) -> Result<ObservatoryId, AppError> {
    let by = actor.person.ok_or(AppError::Unauthorized)?;
    allow(actor, Action::Create, Resource::Observatories)?;
    let content = ObservatoryContent::parse(input).map_err(|e| AppError::BadRequest(e.message))?;
    let [pilots, referents, observers] = people;
    if pilots.is_empty() {
        return Err(AppError::BadRequest(
            "un observatoire a au moins un pilote (IEN ou personnel de direction)".to_owned(),
        ));
    }
    if referents.is_empty() {
        return Err(AppError::BadRequest(
            "un observatoire a au moins un référent, qui organise ses visites".to_owned(),
        ));
    }
    let territory = match territory {
        Some(t) if !store::territories::exists(&state.db, TerritoryId(t)).await? => {
            return Err(AppError::BadRequest("territoire inconnu".to_owned()));
        }
        other => other.map(TerritoryId),
    };
    let new = observatories::NewObservatory {
        territory,
        name: content.name,
        theme: content.theme,
        scope: content.scope,
        research_question: content.research_question,
        inspe_partner: content.inspe_partner,
        space_quota: state.settings.space_quota,
    };
    Ok(observatories::create(&state.db, &new, pilots, referents, observers, by).await?)
}

/// An observatory's figures without names, for its pilots.
pub(crate) async fn figures_for(
    state: &AppState,
    actor: Actor,
    id: i64,
) -> Result<observatories::Figures, AppError> {
    let (observatory, roles) = observatory_for(state, actor, id, Action::View).await?;
    allow(
        actor,
        Action::View,
        Resource::ObservatoryFigures {
            pilot: roles.contains(&Role::Pilot),
        },
    )?;
    Ok(observatories::figures(&state.db, observatory.id()).await?)
}

/// Runs the batch solver on an observatory's pending requests (its referents only).
pub(crate) async fn run_assignment(
    state: &AppState,
    actor: Actor,
    id: i64,
) -> Result<Vec<Outcome>, AppError> {
    let (observatory, _) = observatory_for(state, actor, id, Action::ManageMembers).await?;
    Ok(observatories::assign(&state.db, observatory.id(), &Weights::default()).await?)
}

pub async fn list(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    list_page(&state, &ctx, None, ObservatoryForm::default()).await
}

async fn list_page(
    state: &AppState,
    ctx: &PageContext,
    error: Option<String>,
    form: ObservatoryForm,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    if actor.person.is_none() {
        return Err(AppError::Unauthorized);
    }
    let observatories = observatories::list(&state.db, actor.person).await?;
    render_form(
        error.is_some(),
        &ObservatoriesPage {
            layout: Layout::new(ctx, "Observatoires"),
            can_create: can(actor, Action::Create, Resource::Observatories),
            observatories,
            error,
            form,
        },
    )
}

/// E-mail addresses typed in a field, separated by spaces, commas, semicolons or lines.
async fn people_by_email(
    state: &AppState,
    field: &str,
    label: &str,
) -> Result<Vec<PersonId>, AppError> {
    let mut people = Vec::new();
    for email in field
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|e| !e.is_empty())
    {
        match store::spaces::person_by_email(&state.db, email).await? {
            Some((id, _)) => people.push(PersonId(id)),
            None => {
                return Err(AppError::BadRequest(format!(
                    "{label} : aucun compte n'a l'adresse {email}"
                )));
            }
        }
    }
    Ok(people)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ObservatoryForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let attempt = async {
        let pilots = people_by_email(&state, &form.pilots, "Pilotes").await?;
        let referents = people_by_email(&state, &form.referents, "Référents").await?;
        let observers = people_by_email(&state, &form.observers, "Observateurs").await?;
        create_observatory(
            &state,
            actor,
            &form.input(),
            None,
            [&pilots, &referents, &observers],
        )
        .await
    };
    match attempt.await {
        Ok(id) => Ok(Redirect::to(&format!("/observatoires/{}", id.0)).into_response()),
        Err(AppError::BadRequest(message)) => list_page(&state, &ctx, Some(message), form).await,
        Err(other) => Err(other),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    observatory_page(&state, &ctx, id, None, None).await
}

/// The observatory's page, with what the caller may see and do there.
async fn observatory_page(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (mut observatory, roles) = observatory_for(state, actor, id, Action::View).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    if let Some(space) = observatory.space_id
        && !crate::handlers::spaces::readable(state, actor, space).await?
    {
        observatory.space_id = None;
    }
    let pilot = roles.contains(&Role::Pilot);
    let referent = roles.contains(&Role::Referent);
    let figures = if can(actor, Action::View, Resource::ObservatoryFigures { pilot }) {
        Some(observatories::figures(&state.db, observatory.id()).await?)
    } else {
        None
    };
    // The referent's batch: the requests and visits of the observatory (none of those where
    // they are a superior of an observed teacher).
    let batch = if referent {
        let mut lines = store::observatories::visits::of_person(&state.db, person, 500).await?;
        lines.retain(|l| l.observatory_id == observatory.id);
        lines
    } else {
        Vec::new()
    };
    let offer = observatories::offer(&state.db, observatory.id(), person).await?;
    let page = ObservatoryPage {
        layout: Layout::new(ctx, observatory.name.clone()),
        pilots: observatories::members(&state.db, observatory.id(), Role::Pilot).await?,
        referents: observatories::members(&state.db, observatory.id(), Role::Referent).await?,
        observers: observatories::members(&state.db, observatory.id(), Role::Observer)
            .await?
            .len(),
        observatory,
        roles,
        figures,
        batch: batch.into_iter().map(Into::into).collect(),
        offer: offer.map(Into::into),
        notice,
        error,
    };
    render_form(page.error.is_some(), &page)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct VolunteerForm {
    #[serde(default)]
    pub max_visits: String,
    #[serde(default)]
    pub themes: String,
    #[serde(default)]
    pub from: Vec<String>,
    #[serde(default)]
    pub to: Vec<String>,
}

/// Reads the periods of a form: pairs of dates, the empty ones left out.
pub(crate) fn periods(from: &[String], to: &[String]) -> Result<Vec<Period>, AppError> {
    from.iter()
        .zip(to)
        .filter(|(f, t)| !f.trim().is_empty() || !t.trim().is_empty())
        .map(|(f, t)| Period::parse(f, t).map_err(|e| AppError::BadRequest(e.message)))
        .collect()
}

pub async fn volunteer(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<VolunteerForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (observatory, _) = observatory_for(&state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let attempt = async {
        let max_visits: u32 = form
            .max_visits
            .trim()
            .parse()
            .ok()
            .filter(|n| (1..=30).contains(n))
            .ok_or_else(|| {
                AppError::BadRequest(
                    "Le nombre de visites par an est un nombre de 1 à 30".to_owned(),
                )
            })?;
        let themes: Vec<String> = form
            .themes
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let periods = periods(&form.from, &form.to)?;
        observatories::volunteer(
            &state.db,
            observatory.id(),
            person,
            max_visits,
            &themes,
            &periods,
        )
        .await?;
        Ok::<_, AppError>(())
    };
    match attempt.await {
        Ok(()) => {
            observatory_page(
                &state,
                &ctx,
                id,
                Some(
                    "Merci : vous êtes observateur ou observatrice de cet observatoire.".to_owned(),
                ),
                None,
            )
            .await
        }
        Err(AppError::BadRequest(message)) => {
            observatory_page(&state, &ctx, id, None, Some(message)).await
        }
        Err(other) => Err(other),
    }
}

/// The referent runs the batch solver on the pending requests.
pub async fn assign(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let outcomes = run_assignment(&state, ctx.actor(), id).await?;
    let proposed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Proposed { .. }))
        .count();
    let waiting = outcomes.len() - proposed;
    let notice = if outcomes.is_empty() {
        "Aucune demande en attente.".to_owned()
    } else {
        format!(
            "{proposed} binôme(s) proposé(s), {waiting} demande(s) en attente (la raison est donnée pour chacune)."
        )
    };
    observatory_page(&state, &ctx, id, Some(notice), None).await
}

/// The pilots' figures as CSV: counts only, no name, no school, no focus.
pub async fn figures_csv(
    State(state): State<AppState>,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let figures = figures_for(&state, crate::extractors::actor(Some(&person)), id).await?;
    let mut csv = String::from("indicateur;valeur\r\n");
    csv.push_str(&format!(
        "demandes en attente;{}\r\n",
        figures.requests_waiting
    ));
    for (state_code, n) in &figures.visits {
        let label = domain::observatories::visit::VisitState::parse(state_code)
            .map_or(state_code.as_str(), |s| s.label());
        csv.push_str(&format!("visites : {};{n}\r\n", label.replace(';', ",")));
    }
    for (theme, n) in &figures.needs {
        csv.push_str(&format!(
            "besoin de formation : {};{n}\r\n",
            theme.replace(';', ",")
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"observatoire-{id}-chiffres.csv\""),
            ),
        ],
        csv,
    )
        .into_response())
}
