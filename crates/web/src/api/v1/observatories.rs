//! `/api/v1/observatories`, `/api/v1/visit-requests`, `/api/v1/visits`: observatories, visit
//! requests, the batch assignment of binômes, and a visit's date, observation and analysis —
//! with exactly the rights of the pages (the same helpers decide): 404 for whoever has no part
//! in a visit, and for any hierarchical superior of an observed teacher.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::PersonId;
use domain::observatories::ObservatoryInput;
use domain::observatories::binome::Period;
use domain::observatories::visit::{VisitEvent, VisitState};
use domain::policy::Action;
use store::observatories::visits::{self, Participant, Visit};
use store::observatories::{self, Outcome, Role};

use super::{ApiJson, moment};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::observatories::visits::{
    RequestInput, advance_visit, create_request, record_need, request_for, save_analysis,
    save_observation, schedule_visit, swap_observer, visit_for,
};
use crate::handlers::observatories::{
    create_observatory, figures_for, observatory_for, run_assignment,
};
use crate::state::AppState;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError(AppError::BadRequest(message.into()))
}

/// An observatory to create.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ObservatoryBody {
    pub name: String,
    pub theme: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub research_question: String,
    /// The INSPE (or university) research partner.
    #[serde(default)]
    pub inspe_partner: String,
    pub territory_id: Option<i64>,
    /// IEN and/or personnels de direction; at least one.
    pub pilot_ids: Vec<i64>,
    /// The referent teachers who organise the visits; at least one.
    pub referent_ids: Vec<i64>,
    #[serde(default)]
    pub observer_ids: Vec<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ObservatoryJson {
    pub id: i64,
    pub name: String,
    pub theme: String,
    pub scope: String,
    pub research_question: String,
    pub inspe_partner: String,
    pub territory_id: Option<i64>,
    /// Its exchange space (blog, forum, folders, chat, pads).
    pub space_id: Option<i64>,
    pub pilot_ids: Vec<i64>,
    pub referent_ids: Vec<i64>,
    pub observer_count: usize,
    /// The caller's roles: `pilot`, `referent`, `observer`.
    pub roles: Vec<String>,
}

fn ids(people: &[i64]) -> Vec<PersonId> {
    people.iter().copied().map(PersonId).collect()
}

async fn observatory_json(
    state: &AppState,
    observatory: store::observatories::Observatory,
    roles: Vec<Role>,
) -> Result<ObservatoryJson, ApiError> {
    let id = observatory.id();
    let people = |role| observatories::members(&state.db, id, role);
    Ok(ObservatoryJson {
        pilot_ids: people(Role::Pilot)
            .await?
            .into_iter()
            .map(|p| p.0)
            .collect(),
        referent_ids: people(Role::Referent)
            .await?
            .into_iter()
            .map(|p| p.0)
            .collect(),
        observer_count: people(Role::Observer).await?.len(),
        roles: roles.iter().map(|r| r.code().to_owned()).collect(),
        id: observatory.id,
        name: observatory.name,
        theme: observatory.theme,
        scope: observatory.scope,
        research_question: observatory.research_question,
        inspe_partner: observatory.inspe_partner,
        territory_id: observatory.territory_id,
        space_id: observatory.space_id,
    })
}

/// Creates an observatory and its exchange space (administrators).
#[utoipa::path(post, path = "/api/v1/observatories", tag = "observatoires", security(("jeton" = [])),
    request_body = ObservatoryBody,
    responses((status = 201, body = ObservatoryJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<ObservatoryBody>,
) -> Result<(StatusCode, Json<ObservatoryJson>), ApiError> {
    let body = body.read()?;
    let actor = actor(Some(&person));
    let input = ObservatoryInput {
        name: body.name,
        theme: body.theme,
        scope: body.scope,
        research_question: body.research_question,
        inspe_partner: body.inspe_partner,
    };
    let id = create_observatory(
        &state,
        actor,
        &input,
        body.territory_id,
        [
            &ids(&body.pilot_ids),
            &ids(&body.referent_ids),
            &ids(&body.observer_ids),
        ],
    )
    .await?;
    let (observatory, roles) = observatory_for(&state, actor, id.0, Action::View).await?;
    Ok((
        StatusCode::CREATED,
        Json(observatory_json(&state, observatory, roles).await?),
    ))
}

/// Every observatory (signed-in people).
#[utoipa::path(get, path = "/api/v1/observatories", tag = "observatoires", security(("jeton" = [])),
    responses((status = 200, body = Vec<ObservatoryJson>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
) -> Result<Json<Vec<ObservatoryJson>>, ApiError> {
    let mut out = Vec::new();
    for summary in observatories::list(&state.db, Some(person.id())).await? {
        out.push(observatory_json(&state, summary.observatory, summary.roles).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/observatories/{id}", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ObservatoryJson), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ObservatoryJson>, ApiError> {
    let (observatory, roles) =
        observatory_for(&state, actor(Some(&person)), id, Action::View).await?;
    Ok(Json(observatory_json(&state, observatory, roles).await?))
}

/// A proposed binôme.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ProposedVisitJson {
    pub id: i64,
    pub request_id: i64,
    pub observer_ids: Vec<i64>,
    /// Why this binôme, in French.
    pub reasons: Vec<String>,
}

/// A request left waiting, and why.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct UnassignedJson {
    pub request_id: i64,
    pub reason: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AssignmentJson {
    pub visits: Vec<ProposedVisitJson>,
    pub unassigned: Vec<UnassignedJson>,
}

/// Runs the solver on all the pending requests of the observatory at once (its referents):
/// each binôme keeps the hard rules (no hierarchical link with an observed teacher, nobody of
/// the establishment, available); the visits start "proposed".
#[utoipa::path(post, path = "/api/v1/observatories/{id}/assignments", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = AssignmentJson), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<AssignmentJson>, ApiError> {
    let outcomes = run_assignment(&state, actor(Some(&person)), id).await?;
    let mut answer = AssignmentJson {
        visits: Vec::new(),
        unassigned: Vec::new(),
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Proposed {
                request,
                visit,
                observers,
                reasons,
            } => answer.visits.push(ProposedVisitJson {
                id: visit.0,
                request_id: request.0,
                observer_ids: observers.iter().map(|p| p.0).collect(),
                reasons,
            }),
            Outcome::Waiting { request, reason } => answer.unassigned.push(UnassignedJson {
                request_id: request.0,
                reason,
            }),
        }
    }
    Ok(Json(answer))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FiguresJson {
    pub requests_waiting: i64,
    /// Visits by state.
    pub visits: std::collections::BTreeMap<String, i64>,
    /// Training needs by theme.
    pub needs: std::collections::BTreeMap<String, i64>,
}

/// The observatory's figures, without names (its pilots).
#[utoipa::path(get, path = "/api/v1/observatories/{id}/figures", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = FiguresJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn figures(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<FiguresJson>, ApiError> {
    let f = figures_for(&state, actor(Some(&person)), id).await?;
    Ok(Json(FiguresJson {
        requests_waiting: f.requests_waiting,
        visits: f.visits.into_iter().collect(),
        needs: f.needs.into_iter().collect(),
    }))
}

/// A period, as two dates (`2026-12-07`), both included.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct PeriodJson {
    pub from: String,
    pub to: String,
}

impl From<&Period> for PeriodJson {
    fn from(p: &Period) -> Self {
        Self {
            from: Period::iso(p.from),
            to: Period::iso(p.to),
        }
    }
}

/// A visit asked for by an establishment.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct VisitRequestBody {
    pub observatory_id: i64,
    pub uai: String,
    /// The observed teachers; each consents (the one who asks, by asking).
    pub teacher_ids: Vec<i64>,
    /// The problématique.
    pub focus: String,
    #[serde(default)]
    pub constraints: String,
    pub periods: Vec<PeriodJson>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PersonJson {
    pub id: i64,
    pub name: String,
    /// For an observed teacher: when they consented (unix seconds).
    pub consented_at: Option<i64>,
}

fn people_json(people: &[Participant]) -> Vec<PersonJson> {
    people
        .iter()
        .map(|p| PersonJson {
            id: p.id.0,
            name: p.name.clone(),
            consented_at: p.consented_at,
        })
        .collect()
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct VisitRequestJson {
    pub id: i64,
    pub observatory_id: i64,
    pub uai: String,
    pub establishment: String,
    pub focus: String,
    pub constraints: String,
    /// `pending`, `assigned` or `withdrawn`.
    pub state: String,
    /// Why no binôme is proposed yet.
    pub waiting_reason: String,
    pub teachers: Vec<PersonJson>,
    pub periods: Vec<PeriodJson>,
    pub visit_id: Option<i64>,
}

impl From<visits::RequestDetail> for VisitRequestJson {
    fn from(r: visits::RequestDetail) -> Self {
        Self {
            id: r.id.0,
            observatory_id: r.observatory.0,
            teachers: people_json(&r.teachers),
            periods: r.periods.iter().map(PeriodJson::from).collect(),
            uai: r.uai,
            establishment: r.establishment,
            focus: r.focus,
            constraints: r.constraints,
            state: r.state,
            waiting_reason: r.waiting_reason,
            visit_id: r.visit.map(|v| v.0),
        }
    }
}

/// Asks for a visit (the staff of the establishment, or a referent of the observatory).
#[utoipa::path(post, path = "/api/v1/visit-requests", tag = "observatoires", security(("jeton" = [])),
    request_body = VisitRequestBody,
    responses((status = 201, body = VisitRequestJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn create_visit_request(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<VisitRequestBody>,
) -> Result<(StatusCode, Json<VisitRequestJson>), ApiError> {
    let body = body.read()?;
    let actor = actor(Some(&person));
    let periods = body
        .periods
        .iter()
        .map(|p| Period::parse(&p.from, &p.to).map_err(|e| bad(e.message)))
        .collect::<Result<Vec<_>, _>>()?;
    let id = create_request(
        &state,
        actor,
        body.observatory_id,
        RequestInput {
            uai: body.uai,
            focus: body.focus,
            constraints: body.constraints,
            teachers: ids(&body.teacher_ids),
            periods,
        },
    )
    .await?;
    // Its requester reads it back — unless a superior of an observed teacher, who may not.
    let request = visits::request_detail(&state.db, id).await?;
    let readable = request_for(&state, actor, id.0, Action::View).await.is_ok();
    let mut json = VisitRequestJson::from(request);
    if !readable {
        json.teachers.clear();
        json.focus.clear();
        json.constraints.clear();
    }
    Ok((StatusCode::CREATED, Json(json)))
}

#[utoipa::path(get, path = "/api/v1/visit-requests/{id}", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = VisitRequestJson), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn visit_request(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<VisitRequestJson>, ApiError> {
    let (request, _) = request_for(&state, actor(Some(&person)), id, Action::View).await?;
    Ok(Json(request.into()))
}

/// An observed teacher consents to be observed.
#[utoipa::path(post, path = "/api/v1/visit-requests/{id}/consent", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = VisitRequestJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn consent(
    State(state): State<AppState>,
    crate::extractors::ClientIp(ip): crate::extractors::ClientIp,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<VisitRequestJson>, ApiError> {
    let request =
        crate::handlers::observatories::visits::give_consent(&state, &person, id, &ip).await?;
    Ok(Json(
        visits::request_detail(&state.db, request).await?.into(),
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct VisitJson {
    pub id: i64,
    pub request_id: i64,
    pub observatory_id: i64,
    /// `proposed`, `scheduled`, `observed`, `analysis`, `closed` or `cancelled`.
    pub state: String,
    pub uai: String,
    pub establishment: String,
    pub focus: String,
    /// Why this binôme, in French.
    pub reasons: Vec<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub observers: Vec<PersonJson>,
    pub observed: Vec<PersonJson>,
    /// The caller's part: `observer`, `observed` or `referent`.
    pub part: String,
}

fn visit_json(visit: Visit, part: domain::policy::VisitPart) -> VisitJson {
    let rfc3339 = |t: Option<i64>| t.map(crate::views::rfc3339);
    VisitJson {
        id: visit.id.0,
        request_id: visit.request.0,
        observatory_id: visit.observatory.0,
        state: visit.state.code().to_owned(),
        observers: people_json(&visit.observers),
        observed: people_json(&visit.observed),
        starts_at: rfc3339(visit.starts_at),
        ends_at: rfc3339(visit.ends_at),
        uai: visit.uai,
        establishment: visit.establishment,
        focus: visit.focus,
        reasons: visit.reasons,
        part: match part {
            domain::policy::VisitPart::Observer => "observer",
            domain::policy::VisitPart::Observed => "observed",
            domain::policy::VisitPart::Referent => "referent",
        }
        .to_owned(),
    }
}

/// A visit: for its binôme, its observed teachers and its referent only.
#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = VisitJson), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn visit(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<VisitJson>, ApiError> {
    let (visit, part) = visit_for(&state, actor(Some(&person)), id, Action::View).await?;
    Ok(Json(visit_json(visit, part)))
}

/// A change of a visit: its date, an observer swapped, or a step.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct VisitChangeBody {
    /// With `ends_at`, sets the date (RFC 3339; the referent); participants get an invitation.
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    /// With `replacement`: the referent swaps an observer for another who meets the hard rules.
    pub out: Option<i64>,
    pub replacement: Option<i64>,
    /// `observe` (the binôme: the class was observed) or `cancel` (the referent).
    pub event: Option<String>,
}

/// Changes a visit (date, binôme, step) and answers it as it is now.
#[utoipa::path(patch, path = "/api/v1/visits/{id}", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)), request_body = VisitChangeBody,
    responses((status = 200, body = VisitJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn change(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<VisitChangeBody>,
) -> Result<Json<VisitJson>, ApiError> {
    let actor = actor(Some(&person));
    visit_for(&state, actor, id, Action::View).await?;
    let body = body.read()?;
    match (&body.starts_at, &body.ends_at) {
        (Some(starts), Some(ends)) => {
            schedule_visit(&state, actor, id, moment(starts)?, moment(ends)?).await?;
        }
        (None, None) => {}
        _ => return Err(bad("une date a un début (starts_at) et une fin (ends_at)")),
    }
    match (body.out, body.replacement) {
        (Some(out), Some(replacement)) => {
            swap_observer(&state, actor, id, PersonId(out), PersonId(replacement)).await?;
        }
        (None, None) => {}
        _ => {
            return Err(bad(
                "un remplacement nomme l'observateur remplacé (out) et son remplaçant (replacement)",
            ));
        }
    }
    if let Some(event) = &body.event {
        let event = match event.as_str() {
            "observe" => VisitEvent::Observe,
            "cancel" => VisitEvent::Cancel,
            other => return Err(bad(format!("étape inconnue : {other} (observe ou cancel)"))),
        };
        advance_visit(&state, actor, id, event).await?;
    }
    let (visit, part) = visit_for(&state, actor, id, Action::View).await?;
    Ok(Json(visit_json(visit, part)))
}

/// One thing observed.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct ItemJson {
    /// `geste`, `outil`, `pratique` or `attitude`.
    pub category: String,
    pub text: String,
    /// The minute of the session.
    pub at: Option<u32>,
}

/// The observation: items and free notes. No score, no rating, no judgement field.
#[derive(serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct ObservationJson {
    pub items: Vec<ItemJson>,
    #[serde(default)]
    pub notes: String,
    /// When it was last saved (RFC 3339).
    #[serde(default, skip_deserializing)]
    pub updated_at: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/visits/{id}/observation", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = ObservationJson), (status = 404, body = ErrorBody)))]
pub async fn observation(
    State(state): State<AppState>,
    crate::extractors::ClientIp(ip): crate::extractors::ClientIp,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<ObservationJson>, ApiError> {
    let (visit, _) = visit_for(&state, actor(Some(&person)), id, Action::View).await?;
    let event = domain::accounts::audit::AuditEvent::new(
        Some(person.id()),
        domain::accounts::audit::AuditAction::ObservationRead,
        format!("visite:{id}"),
        &ip,
    );
    crate::handlers::accounts::audit(&state, event).await?;
    Ok(Json(visits::observation(&state.db, visit.id).await?.into()))
}

impl From<visits::Observation> for ObservationJson {
    fn from(o: visits::Observation) -> Self {
        Self {
            items: o
                .items
                .into_iter()
                .map(|i| ItemJson {
                    category: i.category.code().to_owned(),
                    text: i.text,
                    at: i.at_minute,
                })
                .collect(),
            notes: o.notes,
            updated_at: o.updated_at.map(crate::views::rfc3339),
        }
    }
}

/// Saves the whole observation as typed (the binôme).
#[utoipa::path(put, path = "/api/v1/visits/{id}/observation", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)), request_body = ObservationJson,
    responses((status = 200, body = ObservationJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn put_observation(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<ObservationJson>,
) -> Result<Json<ObservationJson>, ApiError> {
    visit_for(&state, actor(Some(&person)), id, Action::Edit).await?;
    let body = body.read()?;
    let items: Vec<(String, String, Option<u32>)> = body
        .items
        .iter()
        .map(|i| (i.category.clone(), i.text.clone(), i.at))
        .collect();
    let saved = save_observation(&state, actor(Some(&person)), id, &items, &body.notes).await?;
    Ok(Json(saved.into()))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AnalysisJson {
    pub body: String,
    /// The visit's state: `closed` once both sides agreed.
    pub state: String,
    pub observers_agreed_at: Option<String>,
    pub observed_agreed_at: Option<String>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct AnalysisBody {
    pub body: String,
    /// The caller's side agrees to the text as sent; the visit closes when both sides agreed.
    #[serde(default)]
    pub agree: bool,
}

async fn analysis_json(state: &AppState, visit: &Visit) -> Result<AnalysisJson, ApiError> {
    let a = visits::analysis(&state.db, visit.id).await?;
    let state_now = visits::get(&state.db, visit.id).await?.state;
    Ok(AnalysisJson {
        body: a.body,
        state: state_now.code().to_owned(),
        observers_agreed_at: a.observers_agreed_at.map(crate::views::rfc3339),
        observed_agreed_at: a.observed_agreed_at.map(crate::views::rfc3339),
    })
}

#[utoipa::path(get, path = "/api/v1/visits/{id}/analysis", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = AnalysisJson), (status = 404, body = ErrorBody)))]
pub async fn analysis(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<AnalysisJson>, ApiError> {
    let (visit, _) = visit_for(&state, actor(Some(&person)), id, Action::View).await?;
    Ok(Json(analysis_json(&state, &visit).await?))
}

/// Writes the analysis (the binôme and the observed teachers), and agrees to it with `agree`.
#[utoipa::path(put, path = "/api/v1/visits/{id}/analysis", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)), request_body = AnalysisBody,
    responses((status = 200, body = AnalysisJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn put_analysis(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<AnalysisBody>,
) -> Result<Json<AnalysisJson>, ApiError> {
    let actor = actor(Some(&person));
    let (visit, part) = visit_for(&state, actor, id, Action::Contribute).await?;
    let body = body.read()?;
    if visit.state != VisitState::Analysis
        || visits::analysis(&state.db, visit.id).await?.body != body.body.trim()
    {
        save_analysis(&state, &visit, person.id(), &body.body).await?;
    }
    if body.agree {
        visits::agree(&state.db, visit.id, part).await?;
    }
    Ok(Json(analysis_json(&state, &visit).await?))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct NeedBody {
    pub theme: String,
    /// `premier-degre`, `second-degre` or `inter-degres`.
    pub public: String,
    #[serde(default)]
    pub level: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NeedJson {
    pub id: i64,
    pub theme: String,
    pub public: String,
    pub level: String,
}

/// Records a training need the visit brought out (during or after its analysis).
#[utoipa::path(post, path = "/api/v1/visits/{id}/training-needs", tag = "observatoires", security(("jeton" = [])),
    params(("id" = i64, Path)), request_body = NeedBody,
    responses((status = 201, body = NeedJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_need(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<NeedBody>,
) -> Result<(StatusCode, Json<NeedJson>), ApiError> {
    visit_for(&state, actor(Some(&person)), id, Action::Contribute).await?;
    let body = body.read()?;
    let (id, need) = record_need(
        &state,
        actor(Some(&person)),
        id,
        (&body.theme, &body.public, &body.level),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(NeedJson {
            id,
            theme: need.theme,
            public: need.public.code().to_owned(),
            level: need.level,
        }),
    ))
}
