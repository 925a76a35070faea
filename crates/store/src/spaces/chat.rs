//! Chat rooms ("salons") of a space and direct conversations between a few people: messages
//! (replies, files, edits, deletions), reactions, @mentions, read marks. Every change of a
//! message takes the room's next revision, so that a client resumes after the last one it saw.

use std::collections::BTreeMap;

use domain::ids::{ChatMessageId, PersonId, RoomId, SpaceId};
use domain::policy::SpaceAccess;

use super::{Space, notify};
use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Room {
    pub id: i64,
    /// `None` for a direct conversation.
    pub space_id: Option<i64>,
    pub name: String,
    pub created_at: i64,
    pub rev: i64,
}

impl Room {
    pub fn id(&self) -> RoomId {
        RoomId(self.id)
    }
}

/// Where a room lives, with what the policy needs to know of the caller's place there.
#[derive(Debug, Clone)]
pub enum RoomPlace {
    Space(Box<Space>, SpaceAccess),
    Conversation { participant: bool },
}

/// A room with the caller's place in it.
pub async fn access(db: &Db, room: RoomId, person: Option<PersonId>) -> Result<(Room, RoomPlace)> {
    let room = get(db, room).await?;
    let place = match room.space_id {
        Some(space) => {
            let (space, access) = super::access(db, SpaceId(space), person).await?;
            RoomPlace::Space(Box::new(space), access)
        }
        None => RoomPlace::Conversation {
            participant: match person {
                Some(person) => is_participant(db, room.id(), person).await?,
                None => false,
            },
        },
    };
    Ok((room, place))
}

pub async fn get(db: &Db, room: RoomId) -> Result<Room> {
    Ok(on!(db, pool => sqlx::query_as::<_, Room>(
        "SELECT id, space_id, name, created_at, rev FROM chat_rooms WHERE id = $1",
    ).bind(room.0).fetch_one(pool).await)?)
}

async fn is_participant(db: &Db, room: RoomId, person: PersonId) -> Result<bool> {
    Ok(on!(db, pool => sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM chat_participants WHERE room_id = $1 AND person_id = $2)",
    ).bind(room.0).bind(person.0).fetch_one(pool).await)?)
}

/// Opens a room in a space.
pub async fn create_room(db: &Db, space: SpaceId, name: &str, creator: PersonId) -> Result<RoomId> {
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO chat_rooms (space_id, name, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        ).bind(space.0).bind(name).bind(creator.0).bind(now()).fetch_one(&mut *tx).await?;
        super::record_activity!(tx, space.0, creator.0, format!("Nouveau salon : « {name} »"), format!("/salons/{id}"));
        tx.commit().await?;
        id
    });
    Ok(RoomId(id))
}

/// The direct conversation between `starter` and `others` (the same people find the same
/// conversation again rather than a new one).
pub async fn open_conversation(db: &Db, starter: PersonId, others: &[PersonId]) -> Result<RoomId> {
    let mut people: Vec<i64> = others.iter().map(|p| p.0).chain([starter.0]).collect();
    people.sort_unstable();
    people.dedup();
    if people.len() < 2 {
        return Err(StoreError::Invalid(
            "une conversation réunit au moins deux personnes".to_owned(),
        ));
    }
    if people.len() > domain::spaces::chat::MAX_PARTICIPANTS {
        return Err(StoreError::Invalid(format!(
            "une conversation réunit au plus {} personnes",
            domain::spaces::chat::MAX_PARTICIPANTS
        )));
    }
    // The starter's conversations with exactly these people.
    let sql = format!(
        "SELECT p.room_id, {} FROM chat_participants p \
         WHERE p.room_id IN (SELECT room_id FROM chat_participants WHERE person_id = $1) \
         GROUP BY p.room_id",
        db.backend().comma_list("p.person_id")
    );
    let candidates: Vec<(i64, String)> = on!(db, pool => sqlx::query_as(&sql)
        .bind(starter.0).fetch_all(pool).await)?;
    for (room, ids) in candidates {
        let mut ids: Vec<i64> = ids.split(',').filter_map(|i| i.parse().ok()).collect();
        ids.sort_unstable();
        if ids == people {
            return Ok(RoomId(room));
        }
    }
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO chat_rooms (space_id, name, created_by, created_at) VALUES (NULL, '', $1, $2) RETURNING id",
        ).bind(starter.0).bind(now()).fetch_one(&mut *tx).await?;
        for person in &people {
            sqlx::query("INSERT INTO chat_participants (room_id, person_id) VALUES ($1, $2)")
                .bind(id).bind(person).execute(&mut *tx).await
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Database(_) => StoreError::Invalid("personne inconnue".to_owned()),
                    other => other,
                })?;
        }
        tx.commit().await?;
        id
    });
    Ok(RoomId(id))
}

/// A room in a list, with what the person has not read yet.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RoomSummary {
    pub id: i64,
    pub name: String,
    pub last_message_at: Option<i64>,
    pub unread: i64,
}

const UNREAD: &str = "(SELECT COUNT(*) FROM chat_messages m WHERE m.room_id = r.id \
    AND m.id > COALESCE((SELECT last_read_id FROM chat_reads WHERE room_id = r.id AND person_id = $2), 0) \
    AND m.deleted_by IS NULL AND (m.author_id IS NULL OR m.author_id <> $2))";

/// The rooms of a space, with what `person` has not read.
pub async fn rooms_of_space(db: &Db, space: SpaceId, person: PersonId) -> Result<Vec<RoomSummary>> {
    let sql = format!(
        "SELECT r.id, r.name, r.last_message_at, {UNREAD} AS unread FROM chat_rooms r \
         WHERE r.space_id = $1 ORDER BY r.name"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, RoomSummary>(&sql)
        .bind(space.0).bind(person.0).fetch_all(pool).await)?)
}

/// `person`'s direct conversations, the latest first; `name` lists the other participants.
pub async fn conversations(db: &Db, person: PersonId) -> Result<Vec<RoomSummary>> {
    let sql = format!(
        "SELECT r.id, r.name, r.last_message_at, {UNREAD} AS unread FROM chat_rooms r \
         JOIN chat_participants me ON me.room_id = r.id AND me.person_id = $1 \
         WHERE r.space_id IS NULL ORDER BY COALESCE(r.last_message_at, r.created_at) DESC LIMIT 200"
    );
    let mut rooms = on!(db, pool => sqlx::query_as::<_, RoomSummary>(&sql)
        .bind(person.0).bind(person.0).fetch_all(pool).await)?;
    for room in &mut rooms {
        let names: Vec<String> = participants(db, RoomId(room.id))
            .await?
            .into_iter()
            .filter(|(id, _)| *id != person.0)
            .map(|(_, name)| name)
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        room.name = domain::spaces::chat::conversation_title(&names);
    }
    Ok(rooms)
}

/// The people of a direct conversation (id, name), by name.
pub async fn participants(db: &Db, room: RoomId) -> Result<Vec<(i64, String)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT pe.id, pe.name FROM chat_participants p JOIN people pe ON pe.id = p.person_id \
         WHERE p.room_id = $1 ORDER BY pe.name",
    ).bind(room.0).fetch_all(pool).await)?)
}

/// A file sent in a room, already in the blob store.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub key: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ChatMessage {
    pub id: i64,
    pub room_id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub reply_to: Option<i64>,
    pub reply_author: Option<String>,
    pub reply_body: Option<String>,
    pub file_key: Option<String>,
    pub file_name: Option<String>,
    pub file_type: Option<String>,
    pub file_size: Option<i64>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_by: Option<String>,
    pub rev: i64,
    /// Each emoji with who reacted with it, in the order they first appeared.
    #[sqlx(skip)]
    pub reactions: Vec<(String, Vec<i64>)>,
}

impl ChatMessage {
    pub fn id(&self) -> ChatMessageId {
        ChatMessageId(self.id)
    }

    pub fn deleted(&self) -> bool {
        self.deleted_by.is_some()
    }
}

const MESSAGE_COLUMNS: &str = "m.id, m.room_id, m.author_id, pe.name AS author_name, \
    CASE WHEN m.deleted_by IS NULL THEN m.body ELSE '' END AS body, m.reply_to, \
    rp.name AS reply_author, CASE WHEN r.deleted_by IS NULL THEN SUBSTR(r.body, 1, 140) ELSE NULL END AS reply_body, \
    CASE WHEN m.deleted_by IS NULL THEN m.file_key END AS file_key, \
    CASE WHEN m.deleted_by IS NULL THEN m.file_name END AS file_name, \
    CASE WHEN m.deleted_by IS NULL THEN m.file_type END AS file_type, \
    CASE WHEN m.deleted_by IS NULL THEN m.file_size END AS file_size, \
    m.created_at, m.edited_at, m.deleted_by, m.rev";

const MESSAGE_JOINS: &str = "FROM chat_messages m LEFT JOIN people pe ON pe.id = m.author_id \
    LEFT JOIN chat_messages r ON r.id = m.reply_to LEFT JOIN people rp ON rp.id = r.author_id";

/// Reads messages (`filter` after `WHERE`, binding `$1` the room and `$2` a number), with their
/// reactions.
async fn read_messages(db: &Db, filter: &str, room: RoomId, n: i64) -> Result<Vec<ChatMessage>> {
    let sql = format!("SELECT {MESSAGE_COLUMNS} {MESSAGE_JOINS} WHERE {filter}");
    let mut messages = on!(db, pool => sqlx::query_as::<_, ChatMessage>(&sql)
        .bind(room.0).bind(n).fetch_all(pool).await)?;
    if let (Some(low), Some(high)) = (
        messages.iter().map(|m| m.id).min(),
        messages.iter().map(|m| m.id).max(),
    ) {
        let rows: Vec<(i64, String, i64)> = on!(db, pool => sqlx::query_as(
            "SELECT x.message_id, x.emoji, x.person_id FROM chat_reactions x \
             JOIN chat_messages m ON m.id = x.message_id \
             WHERE m.room_id = $1 AND x.message_id BETWEEN $2 AND $3 ORDER BY x.message_id, x.emoji, x.person_id",
        ).bind(room.0).bind(low).bind(high).fetch_all(pool).await)?;
        let mut by_message: BTreeMap<i64, Vec<(String, Vec<i64>)>> = BTreeMap::new();
        for (message, emoji, person) in rows {
            let reactions = by_message.entry(message).or_default();
            match reactions.iter_mut().find(|(e, _)| *e == emoji) {
                Some((_, people)) => people.push(person),
                None => reactions.push((emoji, vec![person])),
            }
        }
        for message in &mut messages {
            if !message.deleted() {
                message.reactions = by_message.remove(&message.id).unwrap_or_default();
            }
        }
    }
    Ok(messages)
}

/// One message of a room.
pub async fn message(db: &Db, room: RoomId, id: ChatMessageId) -> Result<ChatMessage> {
    read_messages(db, "m.room_id = $1 AND m.id = $2", room, id.0)
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The `limit` messages before `before` (the latest when `None`), oldest first.
pub async fn history(
    db: &Db,
    room: RoomId,
    before: Option<ChatMessageId>,
    limit: i64,
) -> Result<Vec<ChatMessage>> {
    let limit = limit.clamp(1, 200);
    let filter = format!("m.room_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT {limit}");
    let mut messages = read_messages(db, &filter, room, before.map_or(i64::MAX, |b| b.0)).await?;
    messages.reverse();
    Ok(messages)
}

/// The messages that changed (written, edited, deleted, reacted to) after revision `rev`, in
/// the order of their changes: what a client that saw `rev` has missed.
pub async fn changes_since(
    db: &Db,
    room: RoomId,
    rev: i64,
    limit: i64,
) -> Result<Vec<ChatMessage>> {
    let limit = limit.clamp(1, 1000);
    let filter = format!("m.room_id = $1 AND m.rev > $2 ORDER BY m.rev LIMIT {limit}");
    read_messages(db, &filter, room, rev).await
}

/// The members (of the room's space, or participants of the conversation) whose handle `body`
/// mentions, never the writer.
async fn mentioned(db: &Db, room: &Room, body: &str, writer: PersonId) -> Result<Vec<i64>> {
    let handles = domain::spaces::mentions(body);
    if handles.is_empty() {
        return Ok(Vec::new());
    }
    let people: Vec<(i64, String)> = match room.space_id {
        Some(space) => super::members(db, SpaceId(space))
            .await?
            .into_iter()
            .map(|m| (m.person_id, m.name))
            .collect(),
        None => participants(db, room.id()).await?,
    };
    Ok(people
        .into_iter()
        .filter(|(id, name)| *id != writer.0 && handles.contains(&domain::spaces::handle(name)))
        .map(|(id, _)| id)
        .collect())
}

/// Takes the room's next revision inside a write transaction (on PostgreSQL the room's row
/// stays locked until the commit, so that revisions become visible in order).
macro_rules! next_rev {
    ($tx:ident, $room:expr) => {
        sqlx::query_scalar::<_, i64>(
            "UPDATE chat_rooms SET rev = rev + 1 WHERE id = $1 RETURNING rev",
        )
        .bind($room)
        .fetch_one(&mut *$tx)
        .await?
    };
}

/// Posts a message (checked by the caller); the people it mentions are told. The writer has
/// read the room up to it.
pub async fn post(
    db: &Db,
    room: &Room,
    author: PersonId,
    body: &str,
    reply_to: Option<ChatMessageId>,
    file: Option<&Attachment>,
) -> Result<ChatMessage> {
    if let Some(reply_to) = reply_to {
        message(db, room.id(), reply_to)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => StoreError::Invalid(
                    "le message auquel vous répondez n'est pas dans ce salon".to_owned(),
                ),
                other => other,
            })?;
    }
    let mentioned = mentioned(db, room, body, author).await?;
    let at = now();
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // A file sent in a room counts against its space's quota, as in the shared folders.
        if let (Some(file), Some(space)) = (file, room.space_id) {
            let fits = sqlx::query(
                "UPDATE spaces SET used_bytes = used_bytes + $1 WHERE id = $2 AND used_bytes + $1 <= quota_bytes",
            ).bind(file.size).bind(space).execute(&mut *tx).await?.rows_affected();
            if fits == 0 {
                let (used, quota): (i64, i64) = sqlx::query_as("SELECT used_bytes, quota_bytes FROM spaces WHERE id = $1")
                    .bind(space).fetch_one(&mut *tx).await?;
                return Err(StoreError::QuotaExceeded(super::folders::quota_message(used, quota, file.size)));
            }
        }
        let rev = next_rev!(tx, room.id);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO chat_messages (room_id, author_id, body, reply_to, file_key, file_name, file_type, file_size, created_at, rev) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        ).bind(room.id).bind(author.0).bind(body).bind(reply_to.map(|r| r.0))
         .bind(file.map(|f| f.key.as_str())).bind(file.map(|f| f.name.as_str()))
         .bind(file.map(|f| f.content_type.as_str())).bind(file.map(|f| f.size))
         .bind(at).bind(rev).fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE chat_rooms SET last_message_at = $2 WHERE id = $1")
            .bind(room.id).bind(at).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO chat_reads (room_id, person_id, last_read_id) VALUES ($1, $2, $3) \
             ON CONFLICT (room_id, person_id) DO UPDATE SET last_read_id = excluded.last_read_id",
        ).bind(room.id).bind(author.0).bind(id).execute(&mut *tx).await?;
        if !mentioned.is_empty() {
            let author_name: String = sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
                .bind(author.0).fetch_one(&mut *tx).await?;
            let place = if room.space_id.is_some() {
                format!("le salon « {} »", room.name)
            } else {
                "une conversation".to_owned()
            };
            notify!(tx, &mentioned, format!("{author_name} vous a mentionné(e) dans {place}"), format!("/salons/{}#message-{id}", room.id));
        }
        tx.commit().await?;
        id
    });
    message(db, room.id(), ChatMessageId(id)).await
}

/// Replaces the text of a message (not a deleted one).
pub async fn edit(db: &Db, room: RoomId, id: ChatMessageId, body: &str) -> Result<ChatMessage> {
    let changed = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let rev = next_rev!(tx, room.0);
        let changed = sqlx::query(
            "UPDATE chat_messages SET body = $3, edited_at = $4, rev = $5 \
             WHERE room_id = $1 AND id = $2 AND deleted_by IS NULL",
        ).bind(room.0).bind(id.0).bind(body).bind(now()).bind(rev).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        changed
    });
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    message(db, room, id).await
}

/// Deletes a message: its text and file are gone (the file's removal from the blob store is
/// queued, its size given back to the space's quota), a mark says who deleted it (`author` or
/// `moderator`).
pub async fn delete(
    db: &Db,
    room: RoomId,
    id: ChatMessageId,
    by_moderator: bool,
) -> Result<ChatMessage> {
    let by = if by_moderator { "moderator" } else { "author" };
    let file_key = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let file: Option<(Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT file_key, file_size FROM chat_messages WHERE room_id = $1 AND id = $2 AND deleted_by IS NULL",
        ).bind(room.0).bind(id.0).fetch_optional(&mut *tx).await?;
        let Some((file_key, file_size)) = file else {
            return Err(StoreError::NotFound);
        };
        if let Some(size) = file_size {
            // A conversation's room has no space: nothing is updated then.
            sqlx::query(
                "UPDATE spaces SET used_bytes = CASE WHEN used_bytes > $1 THEN used_bytes - $1 ELSE 0 END \
                 WHERE id = (SELECT space_id FROM chat_rooms WHERE id = $2)",
            ).bind(size).bind(room.0).execute(&mut *tx).await?;
        }
        let rev = next_rev!(tx, room.0);
        sqlx::query(
            "UPDATE chat_messages SET body = '', file_key = NULL, file_name = NULL, file_type = NULL, \
             file_size = NULL, deleted_by = $3, rev = $4 WHERE id = $2 AND room_id = $1",
        ).bind(room.0).bind(id.0).bind(by).bind(rev).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM chat_reactions WHERE message_id = $1").bind(id.0).execute(&mut *tx).await?;
        tx.commit().await?;
        file_key
    });
    if let Some(key) = file_key {
        crate::jobs::enqueue(db, crate::jobs::REMOVE_BLOB, &key).await?;
    }
    message(db, room, id).await
}

/// Adds `person`'s reaction to a message, or takes it back if it was there.
pub async fn toggle_reaction(
    db: &Db,
    room: RoomId,
    id: ChatMessageId,
    person: PersonId,
    emoji: &str,
) -> Result<ChatMessage> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let alive: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM chat_messages WHERE room_id = $1 AND id = $2 AND deleted_by IS NULL",
        ).bind(room.0).bind(id.0).fetch_optional(&mut *tx).await?;
        if alive.is_none() {
            return Err(StoreError::NotFound);
        }
        let removed = sqlx::query("DELETE FROM chat_reactions WHERE message_id = $1 AND person_id = $2 AND emoji = $3")
            .bind(id.0).bind(person.0).bind(emoji).execute(&mut *tx).await?.rows_affected();
        if removed == 0 {
            sqlx::query("INSERT INTO chat_reactions (message_id, person_id, emoji) VALUES ($1, $2, $3)")
                .bind(id.0).bind(person.0).bind(emoji).execute(&mut *tx).await?;
        }
        let rev = next_rev!(tx, room.0);
        sqlx::query("UPDATE chat_messages SET rev = $2 WHERE id = $1").bind(id.0).bind(rev).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok::<(), StoreError>(())
    })?;
    message(db, room, id).await
}

/// `person` has read the room up to message `id` (a mark never goes back).
pub async fn mark_read(db: &Db, room: RoomId, person: PersonId, id: ChatMessageId) -> Result<()> {
    on!(db, pool => sqlx::query(
        "INSERT INTO chat_reads (room_id, person_id, last_read_id) VALUES ($1, $2, $3) \
         ON CONFLICT (room_id, person_id) DO UPDATE SET last_read_id = excluded.last_read_id \
         WHERE chat_reads.last_read_id < excluded.last_read_id",
    ).bind(room.0).bind(person.0).bind(id.0).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The messages of others `person` has not read in the room.
pub async fn unread(db: &Db, room: RoomId, person: PersonId) -> Result<i64> {
    let sql = format!("SELECT {UNREAD} FROM chat_rooms r WHERE r.id = $1");
    Ok(on!(db, pool => sqlx::query_scalar::<_, i64>(&sql)
        .bind(room.0).bind(person.0).fetch_one(pool).await)?)
}
