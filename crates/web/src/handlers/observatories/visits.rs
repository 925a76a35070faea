//! Visit requests and visits as pages: asking for a visit (each observed teacher consents),
//! the binôme and why, the referent's swap, the date with its iCalendar invitation and the
//! personal calendar feed, the observation grid, the reflexive analysis agreed by both sides,
//! and its outcomes (training needs, a practice suggested to the library).
//!
//! Confidentiality: every handler goes through [`visit_for`] or [`request_for`], which answer
//! 404 to whoever has no part in the visit and to any hierarchical superior of an observed
//! teacher, whatever else they are.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::audit::{AuditAction, AuditEvent};
use domain::calendar::{self, Method};
use domain::ids::{PersonId, VisitId, VisitRequestId};
use domain::observatories::visit::{TrainingNeed, VisitEvent, VisitState, parse_observation};
use domain::observatories::{parse_constraints, parse_focus};
use domain::policy::{Action, Actor, Resource, VisitPart};
use store::observatories::visits::{self, NewRequest, RequestDetail, Visit};
use store::observatories::{self, Role};

use super::{observatory_for, periods};
use crate::app::observatories::{RequestForm, event};
use crate::error::AppError;
use crate::extractors::{ClientIp, CsrfForm, NoFields, PageContext, RequireUser};
use crate::handlers::allow;
use crate::handlers::paris_moment;
use crate::state::AppState;
use crate::views::observatories::{
    ObservationPage, RequestFormPage, RequestPage, VisitDetails, VisitPage, VisitsPage,
};
use crate::views::{Layout, render, render_form};

/// The visit `id` and the caller's part in it, if they may do `action`: 404 for whoever may
/// not see it (no part, or a superior of an observed teacher), 403 for what they may not do.
pub(crate) async fn visit_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    action: Action,
) -> Result<(Visit, VisitPart), AppError> {
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let visit = visits::get(&state.db, VisitId(id)).await?;
    let referent = observatories::roles(&state.db, visit.observatory, person)
        .await?
        .contains(&Role::Referent);
    let part = visit.part(person, referent);
    let superior_of_observed =
        part.is_some() && visits::superior_of_any(&state.db, person, &visit.observed_ids()).await?;
    allow(
        actor,
        action,
        Resource::Visit {
            part,
            superior_of_observed,
        },
    )?;
    let part = part.ok_or(AppError::NotFound)?;
    Ok((visit, part))
}

/// The request `id` and the caller's part in it, if they may do `action` (as [`visit_for`]).
pub(crate) async fn request_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    action: Action,
) -> Result<(RequestDetail, Option<VisitPart>), AppError> {
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let request = visits::request_detail(&state.db, VisitRequestId(id)).await?;
    let referent = observatories::roles(&state.db, request.observatory, person)
        .await?
        .contains(&Role::Referent);
    let observed: Vec<PersonId> = request.teachers.iter().map(|t| t.id).collect();
    let observer = match request.visit {
        Some(visit) => visits::get(&state.db, visit)
            .await?
            .observers
            .iter()
            .any(|o| o.id == person),
        None => false,
    };
    let part = if request.teachers.iter().any(|t| t.id == person) {
        Some(VisitPart::Observed)
    } else if observer {
        Some(VisitPart::Observer)
    } else if referent {
        Some(VisitPart::Referent)
    } else {
        None
    };
    let requester = request.requested_by == Some(person);
    let superior_of_observed = (part.is_some() || requester)
        && visits::superior_of_any(&state.db, person, &observed).await?;
    allow(
        actor,
        action,
        Resource::VisitRequest {
            part,
            requester,
            superior_of_observed,
        },
    )?;
    Ok((request, part))
}

/// A visit request as a form or the API sends it.
pub(crate) struct RequestInput {
    pub uai: String,
    pub focus: String,
    pub constraints: String,
    pub teachers: Vec<PersonId>,
    pub periods: Vec<domain::observatories::binome::Period>,
}

/// Records a visit request, for the page and the API alike: the one who asks works in the
/// establishment or is a referent of the observatory.
pub(crate) async fn create_request(
    state: &AppState,
    actor: Actor,
    observatory: i64,
    input: RequestInput,
) -> Result<VisitRequestId, AppError> {
    let (observatory, roles) =
        observatory_for(state, actor, observatory, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let focus = parse_focus(&input.focus).map_err(|e| AppError::BadRequest(e.message))?;
    let constraints =
        parse_constraints(&input.constraints).map_err(|e| AppError::BadRequest(e.message))?;
    let uai = domain::directory::Uai::parse(&input.uai)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let works_there = store::accounts::profile(&state.db, person)
        .await?
        .establishments
        .iter()
        .any(|e| e.uai == uai.as_str());
    if !works_there && !roles.contains(&Role::Referent) {
        return Err(AppError::BadRequest(format!(
            "seul le personnel de l'établissement {uai} (ou un référent de l'observatoire) demande une visite pour lui"
        )));
    }
    let new = NewRequest {
        uai: uai.as_str().to_owned(),
        focus,
        constraints,
        teachers: input.teachers,
        periods: input.periods,
    };
    Ok(visits::request(&state.db, observatory.id(), &new, person).await?)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RequestQuery {
    #[serde(default)]
    pub uai: Option<String>,
}

pub async fn request_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    Query(query): Query<RequestQuery>,
) -> Result<Response, AppError> {
    let form = RequestForm {
        uai: query.uai.unwrap_or_default(),
        ..RequestForm::default()
    };
    request_form_page(&state, &ctx, id, form, None).await
}

async fn request_form_page(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    mut form: RequestForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (observatory, _) = observatory_for(state, actor, id, Action::Contribute).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let mine = store::accounts::profile(&state.db, person)
        .await?
        .establishments;
    if form.uai.is_empty()
        && let Some(first) = mine.first()
    {
        form.uai = first.uai.clone();
    }
    if form.teachers.is_empty() && error.is_none() {
        form.teachers.push(person.0);
    }
    let staff = if form.uai.is_empty() {
        Vec::new()
    } else {
        store::accounts::staff_of_establishment(&state.db, form.uai.trim()).await?
    };
    render_form(
        error.is_some(),
        &RequestFormPage::new(
            Layout::new(ctx, format!("Demander une visite — {}", observatory.name)),
            observatory,
            mine,
            staff,
            form,
            error,
        ),
    )
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RequestForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let input = periods(&form.from, &form.to).map(|periods| RequestInput {
        uai: form.uai.clone(),
        focus: form.focus.clone(),
        constraints: form.constraints.clone(),
        teachers: form.teachers.iter().copied().map(PersonId).collect(),
        periods,
    });
    let created = match input {
        Ok(input) => create_request(&state, actor, id, input).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(request) => {
            // One who may not see the request (a superior of an observed teacher) is told it
            // went, and no more.
            match request_for(&state, actor, request.0, Action::View).await {
                Ok(_) => Ok(Redirect::to(&format!("/demandes/{}", request.0)).into_response()),
                Err(AppError::NotFound) => super::observatory_page(
                    &state,
                    &ctx,
                    id,
                    Some("Votre demande est transmise au référent de l'observatoire. Par confidentialité, vous n'en verrez pas le suivi : vous êtes le supérieur hiérarchique d'un enseignant observé.".to_owned()),
                    None,
                )
                .await,
                Err(other) => Err(other),
            }
        }
        Err(AppError::BadRequest(message)) => {
            request_form_page(&state, &ctx, id, form, Some(message)).await
        }
        Err(other) => Err(other),
    }
}

pub async fn request_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (request, part) = request_for(&state, actor, id, Action::View).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    render(&RequestPage::new(
        Layout::new(
            &ctx,
            format!("Demande de visite — {}", request.establishment),
        ),
        request,
        part,
        person,
    ))
}

/// An observed teacher consents to the visit (recorded in the audit trail); the request.
pub(crate) async fn give_consent(
    state: &AppState,
    person: &store::accounts::Person,
    id: i64,
    ip: &str,
) -> Result<domain::ids::VisitRequestId, AppError> {
    let actor = crate::extractors::actor(Some(person));
    let (request, _) = request_for(state, actor, id, Action::Contribute).await?;
    visits::consent(&state.db, request.id, person.id()).await?;
    let event = AuditEvent::new(
        Some(person.id()),
        AuditAction::ConsentChanged,
        format!("demande:{id}"),
        ip,
    )
    .detail("accord pour être observé");
    crate::handlers::accounts::audit(state, event).await?;
    Ok(request.id)
}

/// An observed teacher consents to the visit.
pub async fn consent(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    give_consent(&state, &person, id, &ip).await?;
    Ok(Redirect::to(&format!("/demandes/{id}")).into_response())
}

/// Someone's visits and requests, and their calendar feed.
pub async fn mine(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    visits_page(&state, &ctx, None).await
}

async fn visits_page(
    state: &AppState,
    ctx: &PageContext,
    feed: Option<String>,
) -> Result<Response, AppError> {
    let person = ctx.actor().person.ok_or(AppError::Unauthorized)?;
    let lines = visits::of_person(&state.db, person, 200).await?;
    let has_feed = visits::has_calendar_feed(&state.db, person).await?;
    let base = state.settings.public_url.trim_end_matches('/').to_owned();
    render(&VisitsPage::new(
        Layout::new(ctx, "Mes visites"),
        lines,
        has_feed,
        feed.map(|token| format!("{base}/calendrier/{token}.ics")),
    ))
}

/// Creates (or renews, which cuts the former address) the person's calendar feed address.
pub async fn renew_feed(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let person = ctx.actor().person.ok_or(AppError::Unauthorized)?;
    let token = visits::renew_calendar_feed(&state.db, person).await?;
    visits_page(&state, &ctx, Some(token)).await
}

/// A person's calendar feed: their dated visits; the secret address is the only key.
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let person = visits::calendar_feed_person(&state.db, token)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut events = Vec::new();
    for id in visits::dated_of_person(&state.db, person).await? {
        let visit = visits::get(&state.db, id).await?;
        // The feed follows the visit's rules too (a person who became a superior since).
        if visits::superior_of_any(&state.db, person, &visit.observed_ids()).await? {
            continue;
        }
        events.extend(event(&state, &visit));
    }
    Ok(crate::handlers::ics(
        calendar::calendar("Territoire — mes visites", Method::Publish, &events),
        "visites.ics",
    ))
}

/// A visit's invitation, to add to one's calendar.
pub async fn invitation(
    State(state): State<AppState>,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = crate::extractors::actor(Some(&person));
    let (visit, _) = visit_for(&state, actor, id, Action::View).await?;
    let event = event(&state, &visit).ok_or(AppError::NotFound)?;
    Ok(crate::handlers::ics(
        calendar::calendar("Territoire — visite", Method::Request, &[event]),
        &format!("visite-{id}.ics"),
    ))
}

/// A visit's page, with its observation and analysis: each reading is in the audit trail.
pub async fn show(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let page = visit_page(&state, &ctx, id, None).await?;
    let event = AuditEvent::new(
        ctx.actor().person,
        AuditAction::ObservationRead,
        format!("visite:{id}"),
        &ip,
    );
    crate::handlers::accounts::audit(&state, event).await?;
    Ok(page)
}

async fn visit_page(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    error: Option<String>,
) -> Result<Response, AppError> {
    let (visit, part) = visit_for(state, ctx.actor(), id, Action::View).await?;
    let candidates = if part == VisitPart::Referent
        && matches!(visit.state, VisitState::Proposed | VisitState::Scheduled)
    {
        visits::candidates(&state.db, &visit).await?
    } else {
        Vec::new()
    };
    let details = VisitDetails {
        candidates,
        observation: visits::observation(&state.db, visit.id).await?,
        analysis: visits::analysis(&state.db, visit.id).await?,
        needs: visits::needs(&state.db, visit.id).await?,
    };
    let page = VisitPage::new(
        Layout::new(ctx, format!("Visite — {}", visit.establishment)),
        visit,
        part,
        details,
        error,
    );
    render_form(page.error.is_some(), &page)
}

/// Runs `change` on the visit; a refusal in French is shown on the visit's page.
async fn act(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    change: Result<(), AppError>,
    to: String,
) -> Result<Response, AppError> {
    match change {
        Ok(()) => Ok(Redirect::to(&to).into_response()),
        Err(AppError::BadRequest(message) | AppError::Conflict(message)) => {
            visit_page(state, ctx, id, Some(message)).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ScheduleForm {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
}

/// Sets the date; every participant is sent an iCalendar invitation by mail.
pub(crate) async fn schedule_visit(
    state: &AppState,
    actor: Actor,
    id: i64,
    starts_at: i64,
    ends_at: i64,
) -> Result<(), AppError> {
    let (visit, _) = visit_for(state, actor, id, Action::ManageMembers).await?;
    if starts_at <= store::now() {
        return Err(AppError::BadRequest(
            "la date de la visite est à venir".to_owned(),
        ));
    }
    visits::schedule(&state.db, visit.id, starts_at, ends_at).await?;
    send_invitation(state, &visit).await
}

/// Mails the visit's participants its calendar event (by the job queue): an invitation, or a
/// cancellation.
async fn send_invitation(state: &AppState, visit: &Visit) -> Result<(), AppError> {
    store::jobs::enqueue(
        &state.db,
        crate::jobs::VISIT_INVITATION,
        &visit.id.0.to_string(),
    )
    .await?;
    state.jobs_wakeup.notify_one();
    Ok(())
}

/// The referent swaps an observer for another who meets the hard rules.
pub(crate) async fn swap_observer(
    state: &AppState,
    actor: Actor,
    id: i64,
    out: PersonId,
    replacement: PersonId,
) -> Result<(), AppError> {
    let (visit, _) = visit_for(state, actor, id, Action::ManageMembers).await?;
    Ok(visits::swap(&state.db, visit.id, out, replacement).await?)
}

/// Moves the visit on: cancelled (the referent; a dated visit leaves its participants'
/// calendars) or observed (the binôme).
pub(crate) async fn advance_visit(
    state: &AppState,
    actor: Actor,
    id: i64,
    event: VisitEvent,
) -> Result<(), AppError> {
    let action = match event {
        VisitEvent::Cancel | VisitEvent::Schedule => Action::ManageMembers,
        VisitEvent::Observe => Action::Edit,
        VisitEvent::StartAnalysis | VisitEvent::Close => Action::Contribute,
    };
    let (visit, _) = visit_for(state, actor, id, action).await?;
    visits::advance(&state.db, visit.id, event).await?;
    if event == VisitEvent::Cancel && visit.starts_at.is_some() {
        send_invitation(state, &visit).await?;
    }
    Ok(())
}

/// Records a training need the visit brought out (the binôme or the observed teachers),
/// during or after its analysis.
pub(crate) async fn record_need(
    state: &AppState,
    actor: Actor,
    id: i64,
    (theme, public, level): (&str, &str, &str),
) -> Result<(i64, TrainingNeed), AppError> {
    let (visit, _) = visit_for(state, actor, id, Action::Contribute).await?;
    if !matches!(visit.state, VisitState::Analysis | VisitState::Closed) {
        return Err(AppError::BadRequest(
            "les besoins de formation se notent pendant ou après l'analyse".to_owned(),
        ));
    }
    let need =
        TrainingNeed::parse(theme, public, level).map_err(|e| AppError::BadRequest(e.message))?;
    let id = visits::add_need(&state.db, &visit, &need).await?;
    Ok((id, need))
}

pub async fn schedule(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ScheduleForm>,
) -> Result<Response, AppError> {
    let change = async {
        let starts_at = paris_moment(&form.date, &form.start)?;
        let ends_at = paris_moment(&form.date, &form.end)?;
        schedule_visit(&state, ctx.actor(), id, starts_at, ends_at).await
    }
    .await;
    act(&state, &ctx, id, change, format!("/visites/{id}")).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct SwapForm {
    pub out: i64,
    pub replacement: i64,
}

pub async fn swap(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<SwapForm>,
) -> Result<Response, AppError> {
    let change = swap_observer(
        &state,
        ctx.actor(),
        id,
        PersonId(form.out),
        PersonId(form.replacement),
    )
    .await;
    act(&state, &ctx, id, change, format!("/visites/{id}")).await
}

/// Moves the visit on: `annuler` (referent), `observee` (the binôme says the class was seen).
pub async fn advance(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, step)): Path<(i64, String)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let event = match step.as_str() {
        "annuler" => VisitEvent::Cancel,
        "observee" => VisitEvent::Observe,
        _ => return Err(AppError::NotFound),
    };
    let change = advance_visit(&state, ctx.actor(), id, event).await;
    act(&state, &ctx, id, change, format!("/visites/{id}")).await
}

pub async fn observation_page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (visit, part) = visit_for(&state, ctx.actor(), id, Action::View).await?;
    let observation = visits::observation(&state.db, visit.id).await?;
    render(&ObservationPage::new(
        Layout::new(&ctx, format!("Observation — {}", visit.establishment)),
        visit,
        part,
        observation,
        None,
    ))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ObservationForm {
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default)]
    pub text: Vec<String>,
    #[serde(default)]
    pub at: Vec<String>,
    #[serde(default)]
    pub notes: String,
}

/// Saves the grid as the binôme sends it (the page's script sends it as it is typed);
/// answers the observation as saved.
pub(crate) async fn save_observation(
    state: &AppState,
    actor: Actor,
    id: i64,
    items: &[(String, String, Option<u32>)],
    notes: &str,
) -> Result<visits::Observation, AppError> {
    let (visit, _) = visit_for(state, actor, id, Action::Edit).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    let (items, notes) =
        parse_observation(items, notes).map_err(|e| AppError::BadRequest(e.message))?;
    let at = visits::save_observation(&state.db, visit.id, &items, &notes, person).await?;
    Ok(visits::Observation {
        items,
        notes,
        updated_at: Some(at),
    })
}

pub async fn save_observation_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ObservationForm>,
) -> Result<Response, AppError> {
    // An item written during the visit without its minute is stamped with the minute it is
    // sent at (the script fills it in as one types; without it, the server does).
    let visit = visits::get(&state.db, VisitId(id)).await?;
    let now = store::now();
    let minute_now = match (visit.starts_at, visit.ends_at) {
        (Some(starts), Some(ends)) if (starts..=ends + 3_600).contains(&now) => {
            u32::try_from((now - starts) / 60).ok()
        }
        _ => None,
    };
    // Rows left empty (the blank row of the form) are not items.
    let items: Vec<(String, String, Option<u32>)> = form
        .category
        .iter()
        .zip(&form.text)
        .zip(form.at.iter().map(Some).chain(std::iter::repeat(None)))
        .filter(|((_, text), _)| !text.trim().is_empty())
        .map(|((category, text), at)| {
            (
                category.clone(),
                text.clone(),
                at.and_then(|a| a.trim().parse().ok()).or(minute_now),
            )
        })
        .collect();
    match save_observation(&state, ctx.actor(), id, &items, &form.notes).await {
        Ok(_) => Ok(Redirect::to(&format!("/visites/{id}/observation")).into_response()),
        Err(AppError::BadRequest(message)) => {
            let (visit, part) = visit_for(&state, ctx.actor(), id, Action::View).await?;
            let observation = visits::Observation {
                items: items
                    .iter()
                    .filter_map(|(c, t, at)| {
                        Some(domain::observatories::visit::Item {
                            category: domain::observatories::visit::Category::parse(c).ok()?,
                            text: t.clone(),
                            at_minute: *at,
                        })
                    })
                    .collect(),
                notes: form.notes.clone(),
                updated_at: None,
            };
            render_form(
                true,
                &ObservationPage::new(
                    Layout::new(&ctx, format!("Observation — {}", visit.establishment)),
                    visit,
                    part,
                    observation,
                    Some(message),
                ),
            )
        }
        Err(other) => Err(other),
    }
}

/// Writes the analysis of a visit the caller contributes to (`visit_for` with
/// `Action::Contribute`): the binôme and the observed teachers, together.
pub(crate) async fn save_analysis(
    state: &AppState,
    visit: &Visit,
    person: PersonId,
    body: &str,
) -> Result<(), AppError> {
    let body = body.trim();
    if body.chars().count() > 50_000 {
        return Err(AppError::BadRequest(
            "L'analyse compte au plus 50 000 caractères".to_owned(),
        ));
    }
    Ok(visits::save_analysis(&state.db, visit.id, body, person).await?)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AnalysisForm {
    #[serde(default)]
    pub body: String,
}

pub async fn analysis(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<AnalysisForm>,
) -> Result<Response, AppError> {
    let (visit, _) = visit_for(&state, ctx.actor(), id, Action::Contribute).await?;
    let person = ctx.actor().person.ok_or(AppError::Unauthorized)?;
    let change = save_analysis(&state, &visit, person, &form.body).await;
    act(&state, &ctx, id, change, format!("/visites/{id}#analyse")).await
}

pub async fn agree(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let (visit, part) = visit_for(&state, ctx.actor(), id, Action::Contribute).await?;
    let change = visits::agree(&state.db, visit.id, part)
        .await
        .map(|_| ())
        .map_err(AppError::from);
    act(&state, &ctx, id, change, format!("/visites/{id}#analyse")).await
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NeedForm {
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub public: String,
    #[serde(default)]
    pub level: String,
}

/// Records a training need the visit brought out (the binôme or the observed teachers).
pub async fn need(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<NeedForm>,
) -> Result<Response, AppError> {
    let change = record_need(
        &state,
        ctx.actor(),
        id,
        (&form.theme, &form.public, &form.level),
    )
    .await
    .map(|_| ());
    act(&state, &ctx, id, change, format!("/visites/{id}#suites")).await
}

/// The binôme suggests to the observed teachers that they share their practice.
pub async fn suggest_practice(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let (visit, _) = visit_for(&state, ctx.actor(), id, Action::Edit).await?;
    let change = if visit.state == VisitState::Closed {
        visits::suggest_practice(&state.db, &visit)
            .await
            .map_err(AppError::from)
    } else {
        Err(AppError::BadRequest(
            "une pratique se propose une fois l'analyse close".to_owned(),
        ))
    };
    act(
        &state,
        &ctx,
        id,
        change,
        format!("/visites/{id}?propose=1#suites"),
    )
    .await
}
