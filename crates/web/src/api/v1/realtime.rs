//! `/api/v1` for the real-time parts of the spaces: chat rooms, direct conversations and pads,
//! in JSON and over WebSocket, with exactly the rights of the pages (the same core decides).

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::ids::{ChatMessageId, PersonId, RoomId, SpaceId};
use domain::policy::Action;
use realtime::{MessageView, Rights};
use store::spaces::chat as chats;
use store::spaces::pads as pad_store;

use super::ApiJson;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiCaller, ApiUser, actor};
use crate::handlers::spaces::chat::{file_content, receive_file};
use crate::handlers::spaces::pads::{
    create_pad, export_file, pad_for, restore_snapshot, save_snapshot,
};
use crate::handlers::spaces::space_for;
use crate::state::AppState;
use crate::ws::member;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RoomJson {
    pub id: i64,
    /// The room's name; for a conversation, the other participants'.
    pub name: String,
    /// `None` for a direct conversation.
    pub space_id: Option<i64>,
    /// Messages of others the caller has not read.
    pub unread: i64,
    pub last_message_at: Option<i64>,
}

impl RoomJson {
    fn of(summary: chats::RoomSummary, space_id: Option<i64>) -> Self {
        Self {
            id: summary.id,
            name: summary.name,
            space_id,
            unread: summary.unread,
            last_message_at: summary.last_message_at,
        }
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RoomBody {
    pub name: String,
}

/// The chat rooms of a space, with the caller's unread counts.
#[utoipa::path(get, path = "/api/v1/spaces/{id}/rooms", tag = "temps réel", security(("jeton" = [])),
    responses((status = 200, body = Vec<RoomJson>), (status = 404, body = ErrorBody)))]
pub async fn rooms(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<RoomJson>>, ApiError> {
    let (space, _) = space_for(&state, actor(Some(&person)), id, Action::View).await?;
    let rooms = chats::rooms_of_space(&state.db, space.id(), person.id()).await?;
    Ok(Json(
        rooms
            .into_iter()
            .map(|r| RoomJson::of(r, Some(id)))
            .collect(),
    ))
}

/// Opens a chat room in a space (its members who write).
#[utoipa::path(post, path = "/api/v1/spaces/{id}/rooms", tag = "temps réel", security(("jeton" = [])), request_body = RoomBody,
    responses((status = 201, body = RoomJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_room(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<RoomBody>,
) -> Result<(StatusCode, Json<RoomJson>), ApiError> {
    let (space, _) = space_for(&state, actor(Some(&person)), id, Action::Contribute).await?;
    let body = body.read()?;
    let room = state
        .realtime
        .create_room(space.id(), &body.name, &member(&person))
        .await?;
    let room = chats::get(&state.db, room).await?;
    Ok((
        StatusCode::CREATED,
        Json(RoomJson {
            id: room.id,
            name: room.name,
            space_id: Some(space.id),
            unread: 0,
            last_message_at: None,
        }),
    ))
}

/// The caller's direct conversations, the latest first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "temps réel", security(("jeton" = [])),
    responses((status = 200, body = Vec<RoomJson>), (status = 401, body = ErrorBody)))]
pub async fn conversations(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
) -> Result<Json<Vec<RoomJson>>, ApiError> {
    let rooms = chats::conversations(&state.db, person.id()).await?;
    Ok(Json(
        rooms.into_iter().map(|r| RoomJson::of(r, None)).collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ConversationBody {
    /// The other people (ids); the caller is in it.
    pub people: Vec<i64>,
}

/// The conversation between the caller and these people (the same people find the same one).
#[utoipa::path(post, path = "/api/v1/conversations", tag = "temps réel", security(("jeton" = [])), request_body = ConversationBody,
    responses((status = 201, body = RoomJson), (status = 400, body = ErrorBody)))]
pub async fn start_conversation(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<ConversationBody>,
) -> Result<(StatusCode, Json<RoomJson>), ApiError> {
    let body = body.read()?;
    let people: Vec<PersonId> = body.people.into_iter().map(PersonId).collect();
    let room = chats::open_conversation(&state.db, person.id(), &people).await?;
    let summary = chats::conversations(&state.db, person.id())
        .await?
        .into_iter()
        .find(|r| r.id == room.0)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(RoomJson::of(summary, None))))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RoomDetailJson {
    pub id: i64,
    pub name: String,
    pub space_id: Option<i64>,
    /// The room's latest revision (to resume a socket with `?since=`).
    pub rev: i64,
    pub rights: Rights,
    /// The participants of a conversation (id, name).
    pub participants: Vec<(i64, String)>,
}

/// A room, and what the caller may do there.
#[utoipa::path(get, path = "/api/v1/rooms/{id}", tag = "temps réel", security(("jeton" = [])),
    responses((status = 200, body = RoomDetailJson), (status = 404, body = ErrorBody)))]
pub async fn room(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RoomDetailJson>, ApiError> {
    let (room, rights) = state
        .realtime
        .rights(RoomId(id), Some(&member(&person)))
        .await?;
    let participants = match room.space_id {
        Some(_) => Vec::new(),
        None => chats::participants(&state.db, room.id()).await?,
    };
    Ok(Json(RoomDetailJson {
        id: room.id,
        name: room.name,
        space_id: room.space_id,
        rev: room.rev,
        rights,
        participants,
    }))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct MessagesQuery {
    /// Messages before this one (older pages).
    pub before: Option<i64>,
    /// At most this many (50 by default, 200 at most).
    pub limit: Option<i64>,
    /// Instead: every message changed after this revision, in the order of the changes.
    pub since: Option<i64>,
}

/// A room's history, oldest first: the latest messages, an older page (`before`), or what
/// changed after a revision (`since`) — the same as the socket sends.
#[utoipa::path(get, path = "/api/v1/rooms/{id}/messages", tag = "temps réel", security(("jeton" = [])), params(MessagesQuery),
    responses((status = 200, body = Vec<MessageView>), (status = 404, body = ErrorBody)))]
pub async fn messages(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    Query(query): Query<MessagesQuery>,
) -> Result<Json<Vec<MessageView>>, ApiError> {
    let me = member(&person);
    let room = RoomId(id);
    let messages = match query.since {
        Some(since) => {
            state.realtime.rights(room, Some(&me)).await?;
            chats::changes_since(&state.db, room, since, query.limit.unwrap_or(1000))
                .await?
                .into_iter()
                .map(MessageView::from)
                .collect()
        }
        None => {
            state
                .realtime
                .history(
                    room,
                    &me,
                    query.before.map(ChatMessageId),
                    query.limit.unwrap_or(50),
                )
                .await?
        }
    };
    Ok(Json(messages))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct MessageBody {
    /// Markdown, 4,000 characters at most.
    pub body: String,
    pub reply_to: Option<i64>,
}

/// Posts a message (who may write in the room); it reaches the room's sockets at once.
#[utoipa::path(post, path = "/api/v1/rooms/{id}/messages", tag = "temps réel", security(("jeton" = [])), request_body = MessageBody,
    responses((status = 201, body = MessageView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn post_message(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<MessageBody>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    state
        .realtime
        .rights(RoomId(id), Some(&member(&person)))
        .await?;
    let body = body.read()?;
    let message = state
        .realtime
        .post(
            RoomId(id),
            &member(&person),
            &body.body,
            body.reply_to.map(ChatMessageId),
            None,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct EditBody {
    pub body: String,
}

/// Changes the text of one's own message.
#[utoipa::path(patch, path = "/api/v1/rooms/{id}/messages/{message}", tag = "temps réel", security(("jeton" = [])), request_body = EditBody,
    responses((status = 200, body = MessageView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn edit_message(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, message)): Path<(i64, i64)>,
    body: ApiJson<EditBody>,
) -> Result<Json<MessageView>, ApiError> {
    state
        .realtime
        .rights(RoomId(id), Some(&member(&person)))
        .await?;
    let body = body.read()?;
    Ok(Json(
        state
            .realtime
            .edit(
                RoomId(id),
                &member(&person),
                ChatMessageId(message),
                &body.body,
            )
            .await?,
    ))
}

/// Deletes a message: one's own, or any as a moderator of the space.
#[utoipa::path(delete, path = "/api/v1/rooms/{id}/messages/{message}", tag = "temps réel", security(("jeton" = [])),
    responses((status = 200, body = MessageView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_message(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, message)): Path<(i64, i64)>,
) -> Result<Json<MessageView>, ApiError> {
    Ok(Json(
        state
            .realtime
            .delete(RoomId(id), &member(&person), ChatMessageId(message))
            .await?,
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ReactionBody {
    pub emoji: String,
}

/// Adds the caller's reaction to a message, or takes it back.
#[utoipa::path(post, path = "/api/v1/rooms/{id}/messages/{message}/reactions", tag = "temps réel", security(("jeton" = [])), request_body = ReactionBody,
    responses((status = 200, body = MessageView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn react(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, message)): Path<(i64, i64)>,
    body: ApiJson<ReactionBody>,
) -> Result<Json<MessageView>, ApiError> {
    state
        .realtime
        .rights(RoomId(id), Some(&member(&person)))
        .await?;
    let body = body.read()?;
    Ok(Json(
        state
            .realtime
            .react(
                RoomId(id),
                &member(&person),
                ChatMessageId(message),
                &body.emoji,
            )
            .await?,
    ))
}

/// Sends a file in a room (multipart: `file`, and `body`, `reply_to` if wanted).
#[utoipa::path(post, path = "/api/v1/rooms/{id}/files", tag = "temps réel", security(("jeton" = [])),
    request_body(content_type = "multipart/form-data", description = "Champ `file`, et `body`, `reply_to` au besoin"),
    responses((status = 201, body = MessageView), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let message = receive_file(&state, &person, id, multipart, None).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// A file sent in a room.
#[utoipa::path(get, path = "/api/v1/rooms/{id}/files/{message}", tag = "temps réel", security(("jeton" = [])),
    responses((status = 200, description = "Le fichier"), (status = 404, body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, message)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(file_content(&state, &person, id, message, &headers).await?)
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ReadBody {
    /// The last message read.
    pub id: i64,
}

/// Marks the room read up to a message.
#[utoipa::path(post, path = "/api/v1/rooms/{id}/read", tag = "temps réel", security(("jeton" = [])), request_body = ReadBody,
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<ReadBody>,
) -> Result<StatusCode, ApiError> {
    let (room, _) = state
        .realtime
        .rights(RoomId(id), Some(&member(&person)))
        .await?;
    let body = body.read()?;
    chats::mark_read(&state.db, room.id(), person.id(), ChatMessageId(body.id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EditorJson {
    pub person_id: i64,
    pub name: String,
    pub first_at: i64,
    pub last_at: i64,
    /// How many changes they sent.
    pub updates: i64,
}

impl From<pad_store::Editor> for EditorJson {
    fn from(e: pad_store::Editor) -> Self {
        Self {
            person_id: e.person_id,
            name: e.name,
            first_at: e.first_at,
            last_at: e.last_at,
            updates: e.updates,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PadJson {
    pub id: i64,
    pub space_id: i64,
    pub title: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Who edited it, the latest first.
    pub editors: Vec<EditorJson>,
    /// Its Markdown now (only when one pad is asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rights: Option<Rights>,
}

impl PadJson {
    fn of(pad: pad_store::Pad, editors: Vec<pad_store::Editor>) -> Self {
        Self {
            id: pad.id,
            space_id: pad.space_id,
            title: pad.title,
            created_at: pad.created_at,
            updated_at: pad.updated_at,
            editors: editors.into_iter().map(EditorJson::from).collect(),
            content: None,
            rights: None,
        }
    }
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PadBody {
    pub title: String,
}

/// The pads of a space, the latest edited first, with who edited them.
#[utoipa::path(get, path = "/api/v1/spaces/{id}/pads", tag = "temps réel", security(("jeton" = [])),
    responses((status = 200, body = Vec<PadJson>), (status = 404, body = ErrorBody)))]
pub async fn pads(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<PadJson>>, ApiError> {
    let (space, _) = space_for(&state, actor(person.as_ref()), id, Action::View).await?;
    let pads = pad_store::of_space(&state.db, SpaceId(space.id)).await?;
    Ok(Json(
        pads.into_iter()
            .map(|p| PadJson::of(p.pad, p.editors))
            .collect(),
    ))
}

/// Creates a pad in a space (its members who write). Its socket is `/api/v1/pads/{id}/sync`.
#[utoipa::path(post, path = "/api/v1/spaces/{id}/pads", tag = "temps réel", security(("jeton" = [])), request_body = PadBody,
    responses((status = 201, body = PadJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<PadBody>,
) -> Result<(StatusCode, Json<PadJson>), ApiError> {
    space_for(&state, actor(Some(&person)), id, Action::Contribute).await?;
    let body = body.read()?;
    let pad = create_pad(&state, &person, id, &body.title).await?;
    let pad = pad_store::get(&state.db, pad).await?;
    Ok((StatusCode::CREATED, Json(PadJson::of(pad, Vec::new()))))
}

/// A pad, with its Markdown now and the caller's rights.
#[utoipa::path(get, path = "/api/v1/pads/{id}", tag = "temps réel", security(("jeton" = [])),
    responses((status = 200, body = PadJson), (status = 404, body = ErrorBody)))]
pub async fn pad(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<PadJson>, ApiError> {
    let (pad, rights) = pad_for(&state, person.as_ref(), id).await?;
    let content = state.realtime.pad_text(pad.id()).await?;
    let editors = pad_store::editors(&state.db, pad.id()).await?;
    let mut json = PadJson::of(pad, editors);
    json.content = Some(content);
    json.rights = Some(rights);
    Ok(Json(json))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// `md`, `html` or `odt`.
    pub format: String,
}

/// The pad as a file: Markdown, HTML or OpenDocument text.
#[utoipa::path(get, path = "/api/v1/pads/{id}/export", tag = "temps réel", security(("jeton" = [])), params(ExportQuery),
    responses((status = 200, description = "Le fichier"), (status = 404, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    Ok(export_file(&state, person.as_ref(), id, &query.format).await?)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SnapshotJson {
    pub id: i64,
    pub name: String,
    pub content: String,
    pub created_by: Option<i64>,
    pub author_name: Option<String>,
    pub created_at: i64,
}

impl From<pad_store::Snapshot> for SnapshotJson {
    fn from(s: pad_store::Snapshot) -> Self {
        Self {
            id: s.id,
            name: s.name,
            content: s.content,
            created_by: s.created_by,
            author_name: s.author_name,
            created_at: s.created_at,
        }
    }
}

/// The named versions of a pad, the latest first.
#[utoipa::path(get, path = "/api/v1/pads/{id}/snapshots", tag = "temps réel", security(("jeton" = [])),
    responses((status = 200, body = Vec<SnapshotJson>), (status = 404, body = ErrorBody)))]
pub async fn snapshots(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Vec<SnapshotJson>>, ApiError> {
    let (pad, _) = pad_for(&state, person.as_ref(), id).await?;
    let snapshots = pad_store::snapshots(&state.db, pad.id()).await?;
    Ok(Json(
        snapshots.into_iter().map(SnapshotJson::from).collect(),
    ))
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct SnapshotBody {
    pub name: String,
}

/// Keeps the pad's text now under a name.
#[utoipa::path(post, path = "/api/v1/pads/{id}/snapshots", tag = "temps réel", security(("jeton" = [])), request_body = SnapshotBody,
    responses((status = 201, body = SnapshotJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn snapshot(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<SnapshotBody>,
) -> Result<(StatusCode, Json<SnapshotJson>), ApiError> {
    pad_for(&state, Some(&person), id).await?;
    let body = body.read()?;
    let snapshot = save_snapshot(&state, &person, id, &body.name).await?;
    let snapshot = pad_store::snapshot(&state.db, domain::ids::PadId(id), snapshot).await?;
    Ok((StatusCode::CREATED, Json(snapshot.into())))
}

/// Makes a named version's text the pad's text again; everyone editing sees it happen.
#[utoipa::path(post, path = "/api/v1/pads/{id}/snapshots/{snapshot}/restore", tag = "temps réel", security(("jeton" = [])),
    responses((status = 200, body = PadJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn restore(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, snapshot)): Path<(i64, i64)>,
) -> Result<Json<PadJson>, ApiError> {
    restore_snapshot(&state, &person, id, snapshot).await?;
    pad(State(state), ApiCaller(Some(person)), Path(id)).await
}
