//! The instances and working groups of a territory: the steering group's seats (filled and
//! missing), the operational group, the working groups 1, 2 and 3 with their spaces.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::calendar::{self, Method};
use domain::ids::{PersonId, TerritoryId};
use domain::policy::{Action, Actor, TerritoryRole};
use domain::territories::groups::{GroupKind, Meeting, MeetingInput, parse_seat};
use store::territories::groups;

use super::{account, work_of, work_page, worker};
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext};
use crate::handlers::paris_moment;
use crate::state::AppState;
use crate::views::territories::groups::{GroupsPage, MeetingPage};
use crate::views::{Layout, render, render_form};

/// A group to create, as a form or the API sends it.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct GroupInput {
    /// `pilotage`, `operationnel`, `gt1`, `gt2` or `gt3`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    /// A working group 1's establishment.
    #[serde(default)]
    pub uai: String,
    /// A working group 3's theme.
    #[serde(default)]
    pub theme: String,
}

/// The coordination creates a group (and its space).
pub(crate) async fn create_group(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    input: &GroupInput,
) -> Result<i64, AppError> {
    let by = worker(state, actor, territory, Action::ManageMembers).await?;
    let kind = GroupKind::parse(input.kind.trim()).ok_or_else(|| {
        AppError::BadRequest(format!(
            "type de groupe inconnu : « {} »",
            input.kind.trim()
        ))
    })?;
    let name = domain::text::one_line(&input.name);
    let name = if name.is_empty() {
        kind.label().to_owned()
    } else {
        name
    };
    if name.chars().count() > 120 {
        return Err(AppError::BadRequest(
            "le nom du groupe compte 120 caractères au plus".to_owned(),
        ));
    }
    let uai = input.uai.trim().to_uppercase();
    let uai = match kind {
        GroupKind::Working1 if uai.is_empty() => {
            return Err(AppError::BadRequest(
                "un groupe de travail 1 est celui d'un établissement : donnez son UAI".to_owned(),
            ));
        }
        GroupKind::Working1 => Some(uai.as_str()),
        _ => None,
    };
    let theme = input.theme.trim();
    if theme.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "le thème compte 200 caractères au plus".to_owned(),
        ));
    }
    Ok(groups::create(&state.db, territory, kind, &name, uai, theme, by).await?)
}

/// The coordination seats someone in a group: a person with an account, or a partner by name.
pub(crate) async fn seat_member(
    state: &AppState,
    actor: Actor,
    group: i64,
    person: Option<PersonId>,
    name: &str,
    seat: &str,
) -> Result<(), AppError> {
    let (territory, kind) = groups::of_group(&state.db, group).await?;
    let by = worker(state, actor, territory, Action::ManageMembers).await?;
    let seat = parse_seat(kind, seat).map_err(|e| AppError::BadRequest(e.message))?;
    let name = match person {
        Some(person) => {
            store::accounts::person(&state.db, person)
                .await
                .map_err(|_| AppError::BadRequest(format!("aucune personne n° {person}")))?
                .name
        }
        None => {
            let name = domain::text::one_line(name);
            if !(2..=200).contains(&name.chars().count()) {
                return Err(AppError::BadRequest(
                    "donnez l'adresse d'un compte, ou le nom du partenaire (2 à 200 caractères)"
                        .to_owned(),
                ));
            }
            name
        }
    };
    Ok(groups::add_member(&state.db, group, person, &name, seat, by).await?)
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    slug: &str,
    notice: Option<String>,
    refused: Option<(Option<i64>, BTreeMap<String, String>, String)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (summary, territory, coordinator) = work_page(state, actor, slug).await?;
    // Each group's space is linked for those it opens to.
    let mut list = groups::list(&state.db, territory).await?;
    for group in &mut list {
        if let Some(space) = group.space_id
            && !crate::handlers::spaces::readable(state, actor, space).await?
        {
            group.space_id = None;
        }
    }
    let mut page = GroupsPage::new(
        Layout::new(ctx, format!("Instances et groupes — {}", summary.name)),
        summary,
        coordinator,
        list,
        groups::meetings(&state.db, territory, store::now()).await?,
        actor.person.map(|p| p.0),
    );
    page.notice = notice;
    let refused_now = refused.is_some();
    if let Some((group, values, message)) = refused {
        page.refused_group = group;
        page.values = values;
        page.error = Some(capitalize(&message));
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

pub async fn create_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    let f = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let input = GroupInput {
        kind: f("kind"),
        name: f("name"),
        uai: f("uai"),
        theme: f("theme"),
    };
    match create_group(&state, ctx.actor(), territory, &input).await {
        Ok(_) => {
            page(
                &state,
                &ctx,
                &slug,
                Some("Le groupe et son espace sont créés.".to_owned()),
                None,
            )
            .await
        }
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            page(&state, &ctx, &slug, None, Some((None, fields, m))).await
        }
        Err(other) => Err(other),
    }
}

pub async fn member_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, group)): Path<(String, i64)>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let attempt = async {
        let who = f("who").trim();
        let person = if who.contains('@') {
            Some(account(&state, who).await?.id())
        } else {
            None
        };
        seat_member(&state, ctx.actor(), group, person, who, f("seat")).await
    };
    match attempt.await {
        Ok(()) => {
            page(
                &state,
                &ctx,
                &slug,
                Some("Le membre est ajouté au groupe.".to_owned()),
                None,
            )
            .await
        }
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            page(&state, &ctx, &slug, None, Some((Some(group), fields, m))).await
        }
        Err(other) => Err(other),
    }
}

/// Whether the caller may run the group's meetings: a coordinator, or one of its members.
pub(crate) async fn runs_group(
    state: &AppState,
    actor: Actor,
    group: i64,
) -> Result<TerritoryId, AppError> {
    let (territory, _) = groups::of_group(&state.db, group).await?;
    let role = work_of(state, actor, territory, Action::View).await?;
    let person = actor.person.ok_or(AppError::Unauthorized)?;
    if role == Some(TerritoryRole::Coordinator)
        || actor.admin
        || groups::is_member(&state.db, group, person).await?
    {
        Ok(territory)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Plans a meeting of a group (its members or the coordination), with a pad for the minutes.
pub(crate) async fn plan_meeting(
    state: &AppState,
    actor: Actor,
    group: i64,
    input: &MeetingInput,
) -> Result<i64, AppError> {
    runs_group(state, actor, group).await?;
    let by = actor.person.ok_or(AppError::Unauthorized)?;
    let meeting = Meeting::parse(input).map_err(|e| AppError::BadRequest(e.message))?;
    Ok(groups::create_meeting(&state.db, group, &meeting, by).await?)
}

/// A meeting, if the caller belongs to its territory; whether they run it.
pub(crate) async fn meeting_for(
    state: &AppState,
    actor: Actor,
    id: i64,
) -> Result<(groups::MeetingRow, bool), AppError> {
    let meeting = groups::meeting(&state.db, id).await?;
    let (territory, _) = groups::of_group(&state.db, meeting.group_id).await?;
    work_of(state, actor, territory, Action::View).await?;
    let runs = runs_group(state, actor, meeting.group_id).await.is_ok();
    Ok((meeting, runs))
}

/// Records who came (those who run the group).
pub(crate) async fn record_attendance(
    state: &AppState,
    actor: Actor,
    id: i64,
    present: &[PersonId],
) -> Result<(), AppError> {
    let (meeting, runs) = meeting_for(state, actor, id).await?;
    if !runs {
        return Err(AppError::Forbidden);
    }
    Ok(groups::record_attendance(&state.db, meeting.id, present).await?)
}

pub async fn meeting_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, group)): Path<(String, i64)>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let attempt = async {
        let input = MeetingInput {
            title: f("m_title").to_owned(),
            agenda: f("m_agenda").to_owned(),
            place: f("m_place").to_owned(),
            video_url: f("m_video").to_owned(),
            starts_at: paris_moment(f("m_date"), f("m_start"))?,
            ends_at: paris_moment(f("m_date"), f("m_end"))?,
        };
        plan_meeting(&state, ctx.actor(), group, &input).await
    };
    match attempt.await {
        Ok(id) => Ok(Redirect::to(&format!("/reunions/{id}")).into_response()),
        Err(AppError::BadRequest(m)) => {
            page(&state, &ctx, &slug, None, Some((Some(group), fields, m))).await
        }
        Err(other) => Err(other),
    }
}

async fn meeting_page(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let (mut meeting, runs) = meeting_for(state, ctx.actor(), id).await?;
    // The group's pad, for those its space opens to.
    if let Some(pad) = meeting.pad_id {
        let space = store::spaces::pads::get(&state.db, domain::ids::PadId(pad))
            .await?
            .space_id;
        if !crate::handlers::spaces::readable(state, ctx.actor(), space).await? {
            meeting.pad_id = None;
        }
    }
    render(&MeetingPage::new(
        Layout::new(ctx, meeting.meeting.title.clone()),
        meeting,
        runs,
        notice,
    ))
}

pub async fn show_meeting(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    meeting_page(&state, &ctx, id, None).await
}

pub async fn attendance_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<crate::handlers::territories::events::AttendanceForm>,
) -> Result<Response, AppError> {
    let present: Vec<PersonId> = form.present.into_iter().map(PersonId).collect();
    record_attendance(&state, ctx.actor(), id, &present).await?;
    let notice = format!("Présences enregistrées : {}.", present.len());
    meeting_page(&state, &ctx, id, Some(notice)).await
}

/// The meeting for one's calendar.
pub async fn meeting_ics(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (meeting, _) = meeting_for(&state, ctx.actor(), id).await?;
    let base = state.settings.public_url.trim_end_matches('/');
    let host = base.split("://").nth(1).unwrap_or(base);
    let m = &meeting.meeting;
    let entry = calendar::Event {
        uid: format!("reunion-{id}@{host}"),
        sequence: 0,
        starts_at: m.starts_at,
        ends_at: m.ends_at,
        stamp: store::now(),
        summary: format!("{} — {}", meeting.group, m.title),
        description: [m.agenda.as_str(), m.video_url.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        location: if m.place.is_empty() {
            m.video_url.clone()
        } else {
            m.place.clone()
        },
        url: format!("{base}/reunions/{id}"),
        attendees: Vec::new(),
        cancelled: false,
    };
    Ok(crate::handlers::ics(
        calendar::calendar("Territoire — réunion", Method::Publish, &[entry]),
        &format!("reunion-{id}.ics"),
    ))
}
