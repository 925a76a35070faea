//! Chat rooms of a space and direct conversations, as plain pages: the room reads and posts
//! without JavaScript; with it, `static/js/chat.js` speaks to the room's socket.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{ChatMessageId, PersonId, RoomId, SpaceId};
use domain::policy::Action;
use realtime::{ChatError, Member, MessageView, Rights};
use store::spaces::chat::{self as chats, Attachment, Room};

use super::space_for;
use crate::error::AppError;
use crate::extractors::{CsrfForm, PageContext, RequireUser};
use crate::handlers::blobs::stream_blob;
use crate::state::AppState;
use crate::views::spaces::{ConversationsPage, MessageEditPage, RoomPage, RoomsPage};
use crate::views::{Layout, render, render_form, render_status};
use crate::ws::member;

/// The page of a room: its space's name, or the other participants'.
async fn room_title(state: &AppState, room: &Room, me: PersonId) -> Result<String, AppError> {
    Ok(match room.space_id {
        Some(_) => room.name.clone(),
        None => {
            let names: Vec<String> = chats::participants(&state.db, room.id())
                .await?
                .into_iter()
                .filter(|(id, _)| *id != me.0)
                .map(|(_, name)| name)
                .collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            domain::spaces::chat::conversation_title(&names)
        }
    })
}

pub async fn rooms(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    rooms_page(&state, &ctx, person.id(), id, None, String::new()).await
}

async fn rooms_page(
    state: &AppState,
    ctx: &PageContext,
    me: PersonId,
    id: i64,
    error: Option<String>,
    name: String,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access) = space_for(state, actor, id, Action::View).await?;
    let rooms = chats::rooms_of_space(&state.db, space.id(), me).await?;
    let writes = domain::policy::can(
        actor,
        Action::Contribute,
        domain::policy::Resource::Space(access),
    );
    render_form(
        error.is_some(),
        &RoomsPage::new(
            Layout::new(ctx, format!("Salons — {}", space.name)),
            &space,
            rooms,
            writes,
            error,
            name,
        ),
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RoomForm {
    #[serde(default)]
    pub name: String,
}

pub async fn create_room(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RoomForm>,
) -> Result<Response, AppError> {
    let (space, _) = space_for(&state, ctx.actor(), id, Action::Contribute).await?;
    match state
        .realtime
        .create_room(space.id(), &form.name, &member(&person))
        .await
    {
        Ok(room) => Ok(Redirect::to(&format!("/salons/{room}")).into_response()),
        Err(ChatError::Invalid { message, .. }) => {
            rooms_page(&state, &ctx, person.id(), id, Some(message), form.name).await
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn conversations(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
) -> Result<Response, AppError> {
    conversations_page(&state, &ctx, &person, None, String::new()).await
}

async fn conversations_page(
    state: &AppState,
    ctx: &PageContext,
    person: &store::accounts::Person,
    error: Option<String>,
    people: String,
) -> Result<Response, AppError> {
    let rooms = chats::conversations(&state.db, person.id()).await?;
    render_form(
        error.is_some(),
        &ConversationsPage::new(Layout::new(ctx, "Conversations"), rooms, error, people),
    )
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ConversationForm {
    /// E-mail addresses, separated by commas, spaces or lines.
    #[serde(default)]
    pub people: String,
}

/// The people named by e-mail addresses, each known to the platform.
pub(crate) async fn people_by_email(
    state: &AppState,
    text: &str,
) -> Result<Vec<PersonId>, AppError> {
    let mut people = Vec::new();
    for address in text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|a| !a.is_empty())
    {
        let email = domain::accounts::Email::parse(address).map_err(|_| {
            AppError::BadRequest(format!("« {address} » n'est pas une adresse électronique"))
        })?;
        match store::accounts::by_email(&state.db, &email).await? {
            Some((person, _)) => people.push(person.id()),
            None => {
                return Err(AppError::BadRequest(format!(
                    "personne n'a le compte « {address} » sur la plateforme"
                )));
            }
        }
    }
    if people.is_empty() {
        return Err(AppError::BadRequest(
            "indiquez l'adresse électronique d'au moins une personne".to_owned(),
        ));
    }
    Ok(people)
}

pub async fn start_conversation(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    CsrfForm(form): CsrfForm<ConversationForm>,
) -> Result<Response, AppError> {
    let started = match people_by_email(&state, &form.people).await {
        Ok(people) => chats::open_conversation(&state.db, person.id(), &people)
            .await
            .map_err(AppError::from),
        Err(error) => Err(error),
    };
    match started {
        Ok(room) => Ok(Redirect::to(&format!("/salons/{room}")).into_response()),
        Err(AppError::BadRequest(message)) => {
            conversations_page(&state, &ctx, &person, Some(message), form.people).await
        }
        Err(error) => Err(error),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct RoomPageQuery {
    /// Older messages: those before this one.
    pub avant: Option<i64>,
    /// The message being replied to.
    pub reponse: Option<i64>,
}

/// The room's page: the latest messages (or older ones), the form to write, who is here.
pub async fn room(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    Query(query): Query<RoomPageQuery>,
) -> Result<Response, AppError> {
    show_room(&state, &ctx, &person, id, query, None, String::new()).await
}

async fn show_room(
    state: &AppState,
    ctx: &PageContext,
    person: &store::accounts::Person,
    id: i64,
    query: RoomPageQuery,
    error: Option<String>,
    draft: String,
) -> Result<Response, AppError> {
    let me = member(person);
    let (room, rights) = state.realtime.rights(RoomId(id), Some(&me)).await?;
    let messages = state
        .realtime
        .history(room.id(), &me, query.avant.map(ChatMessageId), 50)
        .await?;
    if query.avant.is_none()
        && let Some(last) = messages.last()
    {
        chats::mark_read(&state.db, room.id(), me.id, ChatMessageId(last.id)).await?;
    }
    let replying = match query.reponse {
        Some(reply) => messages.iter().find(|m| m.id == reply).cloned(),
        None => None,
    };
    let title = room_title(state, &room, me.id).await?;
    let space = match room.space_id {
        Some(space) => Some(store::spaces::get(&state.db, SpaceId(space)).await?),
        None => None,
    };
    let mentionable = if rights.write {
        mentionable(state, &room, me.id).await?
    } else {
        Vec::new()
    };
    render_form(
        error.is_some(),
        &RoomPage::new(
            Layout::new(ctx, title.clone()),
            &room,
            title,
            space.as_ref(),
            messages,
            rights,
            me.id.0,
            query.avant.is_some(),
            replying,
            error,
            draft,
            mentionable,
        ),
    )
}

/// The names of the people a writer may mention in a room: the other members of its space, or
/// the other participants of the conversation (those whose handles the server's mention
/// parser looks for, see `store::spaces::chat::post`).
async fn mentionable(state: &AppState, room: &Room, me: PersonId) -> Result<Vec<String>, AppError> {
    let people: Vec<(i64, String)> = match room.space_id {
        Some(space) => store::spaces::members(&state.db, SpaceId(space))
            .await?
            .into_iter()
            .map(|m| (m.person_id, m.name))
            .collect(),
        None => chats::participants(&state.db, room.id()).await?,
    };
    Ok(people
        .into_iter()
        .filter(|(id, _)| *id != me.0)
        .map(|(_, name)| name)
        .collect())
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub reply_to: String,
}

fn reply_to(text: &str) -> Option<ChatMessageId> {
    text.trim().parse().ok().map(ChatMessageId)
}

/// Posts from the page (without JavaScript), then shows the room again.
pub async fn post(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<Response, AppError> {
    let posted = state
        .realtime
        .post(
            RoomId(id),
            &member(&person),
            &form.body,
            reply_to(&form.reply_to),
            None,
        )
        .await;
    match posted {
        Ok(message) => {
            Ok(Redirect::to(&format!("/salons/{id}#message-{}", message.id)).into_response())
        }
        Err(error @ (ChatError::Invalid { .. } | ChatError::RateLimited)) => {
            let query = RoomPageQuery {
                reponse: reply_to(&form.reply_to).map(|r| r.0),
                ..RoomPageQuery::default()
            };
            show_room(
                &state,
                &ctx,
                &person,
                id,
                query,
                Some(error.to_string()),
                form.body,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// A message of the room that `member` may change (their own).
async fn own_message(
    state: &AppState,
    member: &Member,
    id: i64,
    message: i64,
) -> Result<(Rights, MessageView), AppError> {
    let (room, rights) = state.realtime.rights(RoomId(id), Some(member)).await?;
    let message = chats::message(&state.db, room.id(), ChatMessageId(message)).await?;
    if message.deleted() {
        return Err(AppError::NotFound);
    }
    if message.author_id != Some(member.id.0) || !rights.write {
        return Err(AppError::Forbidden);
    }
    Ok((rights, message.into()))
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, message)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (_, message) = own_message(&state, &member(&person), id, message).await?;
    let body = message.body.clone();
    render(&MessageEditPage::new(
        Layout::new(&ctx, "Modifier un message"),
        message,
        body,
        None,
    ))
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, message)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<Response, AppError> {
    let me = member(&person);
    let edited = state
        .realtime
        .edit(RoomId(id), &me, ChatMessageId(message), &form.body)
        .await;
    match edited {
        Ok(message) => {
            Ok(Redirect::to(&format!("/salons/{id}#message-{}", message.id)).into_response())
        }
        Err(error @ (ChatError::Invalid { .. } | ChatError::RateLimited)) => {
            let (_, current) = own_message(&state, &me, id, message).await?;
            render_status(
                axum::http::StatusCode::BAD_REQUEST,
                &MessageEditPage::new(
                    Layout::new(&ctx, "Modifier un message"),
                    current,
                    form.body,
                    Some(error.to_string()),
                ),
            )
        }
        Err(error) => Err(error.into()),
    }
}

pub async fn delete(
    State(state): State<AppState>,
    RequireUser(person): RequireUser,
    Path((id, message)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<crate::extractors::NoFields>,
) -> Result<Response, AppError> {
    state
        .realtime
        .delete(RoomId(id), &member(&person), ChatMessageId(message))
        .await?;
    Ok(Redirect::to(&format!("/salons/{id}#message-{message}")).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ReactionForm {
    #[serde(default)]
    pub emoji: String,
}

pub async fn react(
    State(state): State<AppState>,
    RequireUser(person): RequireUser,
    Path((id, message)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<ReactionForm>,
) -> Result<Response, AppError> {
    state
        .realtime
        .react(
            RoomId(id),
            &member(&person),
            ChatMessageId(message),
            &form.emoji,
        )
        .await?;
    Ok(Redirect::to(&format!("/salons/{id}#message-{message}")).into_response())
}

/// Receives a file sent in a room (multipart: `file`, and optionally `body`, `reply_to`, and
/// `csrf` for the page), stores it, and posts it.
pub(crate) async fn receive_file(
    state: &AppState,
    person: &store::accounts::Person,
    id: i64,
    mut multipart: Multipart,
    expected_csrf: Option<String>,
) -> Result<MessageView, AppError> {
    let me = member(person);
    let (room, rights) = state.realtime.rights(RoomId(id), Some(&me)).await?;
    if !rights.write {
        return Err(AppError::Forbidden);
    }
    let mut csrf_ok = expected_csrf.is_none();
    let mut body = String::new();
    let mut reply = None;
    let mut stored: Option<Attachment> = None;
    while let Some(field) = multipart.next_field().await.map_err(AppError::from)? {
        match field.name().unwrap_or_default() {
            "csrf" => {
                let value = field.text().await.map_err(AppError::from)?;
                csrf_ok = expected_csrf
                    .as_deref()
                    .is_some_and(|e| !value.is_empty() && e == value);
            }
            "body" => body = field.text().await.map_err(AppError::from)?,
            "reply_to" => reply = reply_to(&field.text().await.map_err(AppError::from)?),
            "file" if stored.is_none() => {
                if !csrf_ok {
                    return Err(AppError::expired_form());
                }
                let name = field.file_name().unwrap_or_default().trim().to_owned();
                let name = domain::spaces::EntryName::parse(&name)
                    .map_err(|e| AppError::BadRequest(e.to_string()))?;
                let key = format!("chat/{}/{}", room.id, crate::security::random_token());
                use futures::TryStreamExt;
                let ingested = media::ingest(
                    &state.blobs,
                    &key,
                    name.as_str(),
                    Box::pin(field.map_err(|e| e.body_text())),
                    &state.settings.upload_limits,
                    media::Accept::Folders,
                )
                .await?;
                stored = Some(Attachment {
                    key: ingested.key,
                    name: name.as_str().to_owned(),
                    content_type: ingested.mime.to_owned(),
                    size: ingested.size as i64,
                });
            }
            _ => {}
        }
    }
    let Some(file) = stored else {
        return Err(AppError::BadRequest(
            "choisissez un fichier à envoyer".to_owned(),
        ));
    };
    match state
        .realtime
        .post(room.id(), &me, &body, reply, Some(&file))
        .await
    {
        Ok(message) => Ok(message),
        Err(error) => {
            if let Err(e) = state.blobs.delete(&file.key).await {
                tracing::warn!(key = %file.key, error = %e, "could not remove a refused file");
            }
            Err(error.into())
        }
    }
}

/// Sends a file from the room's page.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let message = receive_file(&state, &person, id, multipart, Some(ctx.csrf.clone())).await?;
    Ok(Redirect::to(&format!("/salons/{id}#message-{}", message.id)).into_response())
}

/// A file sent in a room, for who may read the room.
pub async fn file(
    State(state): State<AppState>,
    RequireUser(person): RequireUser,
    Path((id, message)): Path<(i64, i64)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    file_content(&state, &person, id, message, &headers).await
}

pub(crate) async fn file_content(
    state: &AppState,
    person: &store::accounts::Person,
    id: i64,
    message: i64,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let (room, _) = state
        .realtime
        .rights(RoomId(id), Some(&member(person)))
        .await?;
    let message = chats::message(&state.db, room.id(), ChatMessageId(message)).await?;
    let (Some(key), Some(name), Some(content_type)) =
        (message.file_key, message.file_name, message.file_type)
    else {
        return Err(AppError::NotFound);
    };
    stream_blob(state, &key, &content_type, &name, headers).await
}
