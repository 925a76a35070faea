//! The plan's modules: written by the training office from the demand, registration with a
//! waiting list (seats kept for the observatories), attendance by session, the attestation.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{ModuleId, PersonId, TerritoryId, TrainingSessionId};
use domain::policy::{Action, Actor, Resource, can};
use domain::territories::events::RegistrationStatus;
use domain::training::modules::{ModuleContent, ModuleInput, SessionInput};
use store::training::modules::{self, Module};

use super::{office, places};
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, NoFields, PageContext};
use crate::handlers::territories::account;
use crate::handlers::{allow, paris_moment};
use crate::state::AppState;
use crate::views::training::attestation;
use crate::views::training::modules::{ModuleForm, ModulePage, NewModulePage};
use crate::views::{Layout, render, render_form};

/// What the caller may do on a module beyond reading it and registering, as the policy says.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Running {
    /// See the registrations and record attendance (the office, the module's trainers).
    pub runs: bool,
    /// Cancel it (the office).
    pub cancels: bool,
}

/// The module `id`, and what else the caller may do on it, if they may do `action` on it.
pub(crate) async fn module_for(
    state: &AppState,
    actor: Actor,
    id: ModuleId,
    action: Action,
) -> Result<(Module, Running), AppError> {
    let module = modules::get(&state.db, id, actor.person).await?;
    let office = places(state, actor).await?.office;
    let trainer = match actor.person {
        Some(person) => module.trainers.iter().any(|(t, _)| *t == person),
        None => false,
    };
    let resource = Resource::TrainingModule { office, trainer };
    allow(actor, action, resource)?;
    let running = Running {
        runs: can(actor, Action::ManageMembers, resource),
        cancels: can(actor, Action::Delete, resource),
    };
    Ok((module, running))
}

/// The office writes a module (trainers named by their address): for the page and the API.
/// Returns the module and how many people whose needs it answers were told.
pub(crate) async fn create_module(
    state: &AppState,
    actor: Actor,
    input: &ModuleInput,
    territory: Option<TerritoryId>,
    trainers: &[String],
) -> Result<(ModuleId, usize), AppError> {
    let by = office(state, actor, Action::Create).await?;
    let content = ModuleContent::parse(input)?;
    if let Some(territory) = territory
        && !store::territories::exists(&state.db, territory).await?
    {
        return Err(AppError::BadRequest("territoire inconnu".to_owned()));
    }
    let mut people = Vec::with_capacity(trainers.len());
    for email in trainers.iter().filter(|e| !e.trim().is_empty()) {
        people.push(account(state, email).await?.id());
    }
    Ok(modules::create(&state.db, &content, territory, &people, by).await?)
}

/// Registers the caller: a seat, or the waiting list.
pub(crate) async fn register(
    state: &AppState,
    actor: Actor,
    id: ModuleId,
) -> Result<RegistrationStatus, AppError> {
    module_for(state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    Ok(modules::register(&state.db, id, person).await?)
}

/// Cancels the caller's registration (the first waiting takes the seat).
pub(crate) async fn unregister(
    state: &AppState,
    actor: Actor,
    id: ModuleId,
) -> Result<(), AppError> {
    module_for(state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    modules::unregister(&state.db, id, person).await?;
    Ok(())
}

/// The office or a trainer records who came to a session.
pub(crate) async fn record_attendance(
    state: &AppState,
    actor: Actor,
    id: ModuleId,
    session: TrainingSessionId,
    present: &[PersonId],
) -> Result<(), AppError> {
    module_for(state, actor, id, Action::ManageMembers).await?;
    Ok(modules::record_attendance(&state.db, id, session, present).await?)
}

/// The office cancels a module: everyone registered or waiting is told.
pub(crate) async fn cancel_module(
    state: &AppState,
    actor: Actor,
    id: ModuleId,
) -> Result<usize, AppError> {
    module_for(state, actor, id, Action::Delete).await?;
    Ok(modules::cancel(&state.db, id).await?)
}

/// The attestation of attendance of the caller (PDF), once they attended a session.
pub(crate) async fn attestation_pdf(
    state: &AppState,
    actor: Actor,
    id: ModuleId,
) -> Result<Vec<u8>, AppError> {
    let (module, _) = module_for(state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let attended = modules::attendance_of(&state.db, id, person).await?;
    if attended.sessions.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(attestation::of_module(&module, &attended, store::now()))
}

/// A PDF to download.
pub(crate) fn pdf(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub theme: String,
}

async fn form_page(
    state: &AppState,
    ctx: &PageContext,
    form: ModuleForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    office(state, ctx.actor(), Action::Create).await?;
    let page = NewModulePage {
        layout: Layout::new(ctx, "Créer un module de formation"),
        territories: store::territories::list(&state.db).await?,
        demand: super::demand_themes_for_form(state, ctx.actor()).await?,
        form,
        error,
    };
    render_form(page.error.is_some(), &page)
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let form = ModuleForm {
        themes: query.theme,
        plan: "departemental".to_owned(),
        capacity: "20".to_owned(),
        reserved_seats: "0".to_owned(),
        ..ModuleForm::default()
    };
    form_page(&state, &ctx, form, None).await
}

/// The sessions of the form: the rows with a date (the others are left blank).
fn sessions(form: &ModuleForm) -> Result<Vec<SessionInput>, AppError> {
    let at = |list: &[String], n: usize| list.get(n).map_or("", String::as_str).to_owned();
    let mut sessions = Vec::new();
    for (n, date) in form.session_date.iter().enumerate() {
        if date.trim().is_empty() {
            continue;
        }
        sessions.push(SessionInput {
            starts_at: paris_moment(date, &at(&form.session_start, n))?,
            ends_at: paris_moment(date, &at(&form.session_end, n))?,
            place: at(&form.session_place, n),
            video_url: at(&form.session_video, n),
        });
    }
    Ok(sessions)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<ModuleForm>,
) -> Result<Response, AppError> {
    let attempt = async {
        let number = |text: &str, what: &str| {
            text.trim()
                .parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("{what} est un nombre")))
        };
        let input = ModuleInput {
            title: form.title.clone(),
            objectives: form.objectives.clone(),
            plan: form.plan.clone(),
            public: form.public.clone(),
            capacity: number(&form.capacity, "La capacité")?,
            reserved_seats: number(&form.reserved_seats, "Le nombre de places réservées")?,
            themes: form.themes.lines().map(str::to_owned).collect(),
            sessions: sessions(&form)?,
        };
        let territory = match form.territory.trim() {
            "" => None,
            id => Some(TerritoryId(id.parse().map_err(|_| {
                AppError::BadRequest(format!("territoire inconnu : « {id} »"))
            })?)),
        };
        let trainers: Vec<String> = form.trainers.lines().map(str::to_owned).collect();
        create_module(&state, ctx.actor(), &input, territory, &trainers).await
    };
    match attempt.await {
        Ok((id, _)) => Ok(Redirect::to(&format!("/formation/modules/{id}")).into_response()),
        Err(AppError::BadRequest(message) | AppError::Conflict(message)) => {
            form_page(&state, &ctx, form, Some(capitalize(&message))).await
        }
        Err(other) => Err(other),
    }
}

async fn module_page(
    state: &AppState,
    ctx: &PageContext,
    id: ModuleId,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (module, running) = module_for(state, actor, id, Action::View).await?;
    let registrants = if running.runs {
        modules::registrants(&state.db, id).await?
    } else {
        Vec::new()
    };
    let attended = match actor.person {
        Some(person) => !modules::attendance_of(&state.db, id, person)
            .await?
            .sessions
            .is_empty(),
        None => false,
    };
    render(&ModulePage::new(
        Layout::new(ctx, module.title.clone()),
        module,
        running.runs,
        running.cancels,
        registrants,
        attended,
        notice,
    ))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    module_page(&state, &ctx, ModuleId(id), None).await
}

pub async fn register_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let notice = match register(&state, ctx.actor(), ModuleId(id)).await? {
        RegistrationStatus::Registered => "Vous êtes inscrit·e au module.",
        RegistrationStatus::Waitlisted => {
            "Le module est complet : vous êtes sur la liste d'attente. Si une place se libère, elle vous revient dans l'ordre d'inscription et vous en êtes averti·e."
        }
    };
    module_page(&state, &ctx, ModuleId(id), Some(notice.to_owned())).await
}

pub async fn unregister_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    unregister(&state, ctx.actor(), ModuleId(id)).await?;
    let notice = "Votre inscription est annulée.".to_owned();
    module_page(&state, &ctx, ModuleId(id), Some(notice)).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AttendanceForm {
    #[serde(default)]
    pub present: Vec<i64>,
}

pub async fn attendance(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, session)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<AttendanceForm>,
) -> Result<Response, AppError> {
    let present: Vec<PersonId> = form.present.into_iter().map(PersonId).collect();
    let (id, session) = (ModuleId(id), TrainingSessionId(session));
    record_attendance(&state, ctx.actor(), id, session, &present).await?;
    let notice = format!("Présences enregistrées : {}.", present.len());
    module_page(&state, &ctx, id, Some(notice)).await
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let told = cancel_module(&state, ctx.actor(), ModuleId(id)).await?;
    let notice =
        format!("Le module est annulé ; {told} personne(s) inscrite(s) ou en attente averties.");
    module_page(&state, &ctx, ModuleId(id), Some(notice)).await
}

pub async fn attestation(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let bytes = attestation_pdf(&state, ctx.actor(), ModuleId(id)).await?;
    Ok(pdf(bytes, &format!("attestation-module-{id}.pdf")))
}
