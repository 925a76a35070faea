//! `/api/v1/territories/{id}/groups` and `/api/v1/groups/{id}/members`: the instances and
//! working groups of a territory, their seats filled and missing — with the rights of the
//! page (the same helpers decide).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use domain::ids::{PersonId, TerritoryId};
use domain::policy::Action;
use domain::territories::groups::{MeetingInput, seats};

use crate::api::v1::territories::may;
use crate::api::v1::{ApiJson, moment};
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiUser, actor};
use crate::handlers::territories::groups::{
    GroupInput, create_group, meeting_for, plan_meeting, record_attendance, runs_group, seat_member,
};
use crate::handlers::territories::work_of;
use crate::state::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SeatJson {
    pub seat: &'static str,
    pub label: &'static str,
    pub holders: Vec<String>,
    /// Places still to fill (0 for open seats).
    pub missing: usize,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct GroupJson {
    pub id: i64,
    /// `pilotage`, `operationnel`, `gt1`, `gt2` or `gt3`.
    pub kind: &'static str,
    pub name: String,
    pub establishment: Option<String>,
    pub theme: String,
    pub space_id: Option<i64>,
    pub seats: Vec<SeatJson>,
}

/// The instances and working groups of a territory (its members).
#[utoipa::path(get, path = "/api/v1/territories/{id}/groups", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = Vec<GroupJson>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<GroupJson>>, ApiError> {
    let territory = TerritoryId(id);
    work_of(&state, actor(Some(&person)), territory, Action::View).await?;
    let groups = store::territories::groups::list(&state.db, territory).await?;
    Ok(Json(
        groups
            .into_iter()
            .map(|g| {
                let members: Vec<(String, String)> = g
                    .members
                    .iter()
                    .map(|(s, n, _)| (s.clone(), n.clone()))
                    .collect();
                GroupJson {
                    id: g.id,
                    kind: g.kind.code(),
                    seats: seats(g.kind, &members)
                        .into_iter()
                        .map(|s| SeatJson {
                            seat: s.code,
                            label: s.label,
                            holders: s.holders,
                            missing: s.missing,
                        })
                        .collect(),
                    name: g.name,
                    establishment: g.establishment,
                    theme: g.theme,
                    space_id: g.space_id,
                }
            })
            .collect(),
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct GroupCreatedJson {
    pub id: i64,
}

/// Creates an instance or a working group, with its space (coordinators). 409 for a second
/// steering or operational group.
#[utoipa::path(post, path = "/api/v1/territories/{id}/groups", tag = "territoires", security(("jeton" = [])), request_body = GroupInput,
    responses((status = 201, body = GroupCreatedJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<GroupInput>,
) -> Result<(StatusCode, Json<GroupCreatedJson>), ApiError> {
    may(&state, &person, TerritoryId(id), Action::ManageMembers).await?;
    let body = body.read()?;
    let id = create_group(&state, actor(Some(&person)), TerritoryId(id), &body).await?;
    Ok((StatusCode::CREATED, Json(GroupCreatedJson { id })))
}

/// Someone to seat: a person with an account (`person_id`), or a partner by `name`.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct MemberBody {
    pub person_id: Option<i64>,
    #[serde(default)]
    pub name: String,
    pub seat: String,
}

/// Seats a member in a group (coordinators of its territory).
#[utoipa::path(post, path = "/api/v1/groups/{id}/members", tag = "territoires", security(("jeton" = [])), request_body = MemberBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<MemberBody>,
) -> Result<StatusCode, ApiError> {
    let (territory, _) = store::territories::groups::of_group(&state.db, id).await?;
    may(&state, &person, territory, Action::ManageMembers).await?;
    let body = body.read()?;
    seat_member(
        &state,
        actor(Some(&person)),
        id,
        body.person_id.map(PersonId),
        &body.name,
        &body.seat,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A meeting to plan; times in RFC 3339.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct MeetingBody {
    pub title: String,
    #[serde(default)]
    pub agenda: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub video_url: String,
    pub starts_at: String,
    pub ends_at: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AttendeeJson {
    pub person_id: i64,
    pub name: String,
    /// Null until recorded.
    pub present: Option<bool>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MeetingJson {
    pub id: i64,
    pub group_id: i64,
    pub title: String,
    pub agenda: String,
    pub place: String,
    pub video_url: String,
    pub starts_at: String,
    pub ends_at: String,
    /// The pad of the minutes, in the group's space.
    pub pad_id: Option<i64>,
    pub attendance: Vec<AttendeeJson>,
}

impl From<store::territories::groups::MeetingRow> for MeetingJson {
    fn from(m: store::territories::groups::MeetingRow) -> Self {
        Self {
            id: m.id,
            group_id: m.group_id,
            starts_at: crate::views::rfc3339(m.meeting.starts_at),
            ends_at: crate::views::rfc3339(m.meeting.ends_at),
            title: m.meeting.title,
            agenda: m.meeting.agenda,
            place: m.meeting.place,
            video_url: m.meeting.video_url,
            pad_id: m.pad_id,
            attendance: m
                .attendance
                .into_iter()
                .map(|(person_id, name, present)| AttendeeJson {
                    person_id,
                    name,
                    present,
                })
                .collect(),
        }
    }
}

/// Plans a meeting of a group, with a pad for its minutes (its members, the coordination).
#[utoipa::path(post, path = "/api/v1/groups/{id}/meetings", tag = "territoires", security(("jeton" = [])), request_body = MeetingBody,
    responses((status = 201, body = MeetingJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_meeting(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<MeetingBody>,
) -> Result<(StatusCode, Json<MeetingJson>), ApiError> {
    runs_group(&state, actor(Some(&person)), id).await?;
    let body = body.read()?;
    let actor = actor(Some(&person));
    let input = MeetingInput {
        title: body.title,
        agenda: body.agenda,
        place: body.place,
        video_url: body.video_url,
        starts_at: moment(&body.starts_at)?,
        ends_at: moment(&body.ends_at)?,
    };
    let id = plan_meeting(&state, actor, id, &input).await?;
    let (meeting, _) = meeting_for(&state, actor, id).await?;
    Ok((StatusCode::CREATED, Json(meeting.into())))
}

/// A meeting, with who attended (members of its territory).
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "territoires", security(("jeton" = [])),
    responses((status = 200, body = MeetingJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn meeting(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<MeetingJson>, ApiError> {
    let (meeting, _) = meeting_for(&state, actor(Some(&person)), id).await?;
    Ok(Json(meeting.into()))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct AttendanceBody {
    /// The members who came; the others did not.
    pub present: Vec<i64>,
}

/// Records who came (the group's members, the coordination).
#[utoipa::path(put, path = "/api/v1/meetings/{id}/attendance", tag = "territoires", security(("jeton" = [])), request_body = AttendanceBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn put_attendance(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<AttendanceBody>,
) -> Result<StatusCode, ApiError> {
    if !meeting_for(&state, actor(Some(&person)), id).await?.1 {
        return Err(AppError::Forbidden.into());
    }
    let body = body.read()?;
    let present: Vec<PersonId> = body.present.into_iter().map(PersonId).collect();
    record_attendance(&state, actor(Some(&person)), id, &present).await?;
    Ok(StatusCode::NO_CONTENT)
}
