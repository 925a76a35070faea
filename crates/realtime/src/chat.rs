//! Chat rooms: messages as JSON frames over one socket per room and person, history and
//! resumption, who is online, who is typing.
//!
//! Frames the client sends (`type` first):
//! - `{"type":"send","body":"…","reply_to":12,"ref":"a1"}` posts (`reply_to`, `ref` optional;
//!   `ref` comes back in the `ack` or `error` that answers it);
//! - `{"type":"edit","id":12,"body":"…"}`, `{"type":"delete","id":12}`;
//! - `{"type":"react","id":12,"emoji":"👍"}` adds the reaction, or takes it back;
//! - `{"type":"typing"}`; `{"type":"read","id":12}` (read up to message 12).
//!
//! Frames the server sends:
//! - `{"type":"hello","room":3,"rev":41,"you":{…},"online":[{"id":1,"name":"…"}],"count":1}`
//!   first (`online` names at most 50 people, by name; `count` says how many in all);
//! - `{"type":"message","message":{…}}` for every message written or changed (edited,
//!   deleted, reacted to): the client replaces what it has of that `id`. Each carries the
//!   room's revision `rev`: reconnecting with `?since=REV` sends what changed after it, each
//!   change once;
//! - `{"type":"ack","ref":"a1","id":12}`, `{"type":"error","code":"…","message":"…","ref":"a1"}`;
//! - `{"type":"presence","online":[…],"count":1}` when people come and go (changes within a
//!   quarter of a second make one frame), `{"type":"typing","person":{"id":1,"name":"…"}}`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::ids::{ChatMessageId, PersonId, RoomId, SpaceId};
use domain::policy::{Action, Actor, Resource, SpaceAccess, can};
use serde::{Deserialize, Serialize};
use store::StoreError;
use store::spaces::chat::{self as chats, Attachment, ChatMessage, Room, RoomPlace};
use tokio::sync::broadcast;

use crate::bus::Event;
use crate::limits::Kind;
use crate::{Realtime, Refusal, lock};

/// The person behind a connection or a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub id: PersonId,
    pub name: String,
    #[serde(skip)]
    pub admin: bool,
}

impl Member {
    pub(crate) fn actor(&self) -> Actor {
        Actor::person(self.id, self.admin)
    }
}

/// What someone may do in a room or a pad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rights {
    pub read: bool,
    pub write: bool,
    pub moderate: bool,
}

impl Rights {
    /// In a room or a pad of a space: as in the space (reading, writing, moderating).
    pub(crate) fn in_space(actor: Actor, access: SpaceAccess) -> Self {
        let space = Resource::Space(access);
        Self {
            read: can(actor, Action::View, space),
            write: can(actor, Action::Contribute, space),
            moderate: can(actor, Action::Moderate, space),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error("introuvable")]
    NotFound,
    #[error("vous n'avez pas le droit de le faire ici")]
    Forbidden,
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("vous écrivez trop vite : patientez quelques secondes")]
    RateLimited,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ChatError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::Invalid(message) => Self::Invalid {
                field: "body",
                message,
            },
            other => Self::Store(other),
        }
    }
}

impl From<domain::practices::FieldError> for ChatError {
    fn from(error: domain::practices::FieldError) -> Self {
        Self::Invalid {
            field: error.field,
            message: error.message,
        }
    }
}

impl ChatError {
    /// The code of the error in frames and JSON answers.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::Invalid { .. } => "invalid",
            Self::RateLimited => "rate_limited",
            Self::Store(_) => "internal",
        }
    }
}

/// A message as clients see it (frames and the JSON API).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub room: i64,
    pub rev: i64,
    pub author: Option<Author>,
    /// The Markdown as written (empty once deleted).
    pub body: String,
    /// The same, rendered and sanitised.
    pub html: String,
    pub reply_to: Option<ReplyView>,
    pub file: Option<FileView>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    /// `author` or `moderator` once deleted.
    pub deleted: Option<String>,
    pub reactions: Vec<ReactionView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Author {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReplyView {
    pub id: i64,
    pub author: Option<String>,
    /// The beginning of the message replied to (`None` once it is deleted).
    pub excerpt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FileView {
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// Where it is downloaded.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReactionView {
    pub emoji: String,
    pub people: Vec<i64>,
}

impl From<ChatMessage> for MessageView {
    fn from(m: ChatMessage) -> Self {
        let file = match (m.file_name, m.file_type, m.file_size) {
            (Some(name), Some(content_type), Some(size)) => Some(FileView {
                url: format!("/salons/{}/fichiers/{}", m.room_id, m.id),
                name,
                content_type,
                size,
            }),
            _ => None,
        };
        Self {
            html: domain::markdown::to_html(&m.body),
            id: m.id,
            room: m.room_id,
            rev: m.rev,
            author: m.author_id.map(|id| Author {
                id,
                name: m.author_name.unwrap_or_default(),
            }),
            body: m.body,
            reply_to: m.reply_to.map(|id| ReplyView {
                id,
                author: m.reply_author,
                excerpt: m.reply_body,
            }),
            file,
            created_at: m.created_at,
            edited_at: m.edited_at,
            deleted: m.deleted_by,
            reactions: m
                .reactions
                .into_iter()
                .map(|(emoji, people)| ReactionView { emoji, people })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ServerFrame<'a> {
    Hello {
        room: i64,
        rev: i64,
        you: &'a Member,
        rights: Rights,
        #[serde(flatten)]
        online: Online,
    },
    Message {
        message: &'a MessageView,
    },
    Ack {
        #[serde(rename = "ref")]
        reference: Option<String>,
        id: i64,
    },
    Error {
        code: &'static str,
        message: String,
        #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    Presence {
        #[serde(flatten)]
        online: Online,
    },
    Typing {
        person: Author,
    },
}

impl ServerFrame<'_> {
    fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientFrame {
    Send {
        body: String,
        #[serde(default)]
        reply_to: Option<i64>,
        #[serde(default, rename = "ref")]
        reference: Option<String>,
    },
    Edit {
        id: i64,
        body: String,
        #[serde(default, rename = "ref")]
        reference: Option<String>,
    },
    Delete {
        id: i64,
        #[serde(default, rename = "ref")]
        reference: Option<String>,
    },
    React {
        id: i64,
        emoji: String,
        #[serde(default, rename = "ref")]
        reference: Option<String>,
    },
    Typing,
    Read {
        id: i64,
    },
}

/// A room on this node: the sockets listening to it, what was delivered to them, who is here.
pub(crate) struct RoomHub {
    id: i64,
    frames: broadcast::Sender<Frame>,
    /// The room's revision delivered so far; held while delivering, so that every change goes
    /// out once and in order.
    delivered: tokio::sync::Mutex<i64>,
    presence: Mutex<Presence>,
    /// A presence frame is on its way (see [`PRESENCE_DELAY`]).
    presence_due: AtomicBool,
}

/// People coming and going within this delay make one presence frame: a room of a thousand
/// people opening at 8 o'clock sends a few frames, not a thousand to each of them.
const PRESENCE_DELAY: Duration = Duration::from_millis(250);
/// How many names a presence frame gives; its `count` says how many in all.
const PRESENCE_NAMES: usize = 50;
/// How many of its people a node names to the others (the bus carries 8,000 bytes).
const ANNOUNCED_NAMES: usize = 50;

/// Who is online, as frames say it.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Online {
    /// The first people by name.
    online: Vec<Author>,
    /// How many in all.
    count: usize,
}

/// A frame for every socket of a room; a message's carries its revision.
#[derive(Debug, Clone)]
struct Frame {
    rev: Option<i64>,
    text: Arc<str>,
}

#[derive(Default)]
struct Presence {
    /// People connected here, with how many sockets.
    here: HashMap<i64, (String, usize)>,
    /// People connected to other nodes, as those nodes last said (some of them by name, and
    /// how many in all), and when.
    elsewhere: HashMap<u64, (Instant, Vec<Author>, usize)>,
}

impl Presence {
    fn online(&self) -> Online {
        let mut people: HashMap<i64, &str> = self
            .here
            .iter()
            .map(|(id, (name, _))| (*id, name.as_str()))
            .collect();
        // People another node did not name are counted, not known: someone on two nodes
        // may then count twice in a very large room.
        let mut unnamed = 0;
        for (_, named, count) in self.elsewhere.values() {
            for author in named {
                people.entry(author.id).or_insert(&author.name);
            }
            unnamed += count.saturating_sub(named.len());
        }
        let count = people.len() + unnamed;
        let mut online: Vec<(i64, &str)> = people.into_iter().collect();
        online.sort_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(&b.0)));
        Online {
            online: online
                .into_iter()
                .take(PRESENCE_NAMES)
                .map(|(id, name)| Author {
                    id,
                    name: name.to_owned(),
                })
                .collect(),
            count,
        }
    }

    fn here(&self) -> Vec<Author> {
        self.here
            .iter()
            .map(|(id, (name, _))| Author {
                id: *id,
                name: name.clone(),
            })
            .collect()
    }
}

#[derive(Deserialize)]
struct Announcement {
    node: String,
    online: Vec<(i64, String)>,
    count: usize,
}

impl RoomHub {
    /// Sends a frame to every socket of the room on this node.
    pub(crate) fn send(&self, frame: String) {
        self.send_frame(None, frame);
    }

    fn send_frame(&self, rev: Option<i64>, text: String) {
        // No receiver is not an error: nobody is listening here.
        let _ = self.frames.send(Frame {
            rev,
            text: Arc::from(text),
        });
    }

    /// Delivers the changes after what was delivered, from the database, in order.
    pub(crate) async fn catch_up(&self, db: &store::Db) {
        let mut delivered = self.delivered.lock().await;
        loop {
            let changes = match chats::changes_since(db, RoomId(self.id), *delivered, 500).await {
                Ok(changes) => changes,
                Err(error) => {
                    tracing::warn!(%error, room = self.id, "chat: cannot read the changes");
                    return;
                }
            };
            let more = changes.len() == 500;
            for message in changes {
                *delivered = (*delivered).max(message.rev);
                let view = MessageView::from(message);
                self.send_frame(
                    Some(view.rev),
                    ServerFrame::Message { message: &view }.text(),
                );
            }
            if !more {
                return;
            }
        }
    }

    fn presence_frame(&self) -> String {
        ServerFrame::Presence {
            online: lock(&self.presence).online(),
        }
        .text()
    }

    pub(crate) fn remote_presence(&self, json: &str) {
        let Ok(announcement) = serde_json::from_str::<Announcement>(json) else {
            return;
        };
        let Ok(node) = u64::from_str_radix(&announcement.node, 16) else {
            return;
        };
        let changed = {
            let mut presence = lock(&self.presence);
            let before = presence.online();
            let named = announcement
                .online
                .into_iter()
                .map(|(id, name)| Author { id, name })
                .collect();
            presence
                .elsewhere
                .insert(node, (Instant::now(), named, announcement.count));
            presence.online() != before
        };
        if changed {
            self.send(self.presence_frame());
        }
    }
}

/// Who is online in a room, said to the other nodes: some by name, and how many.
fn announcement(node: u64, here: &[Author]) -> String {
    serde_json::json!({
        "node": format!("{node:x}"),
        "online": here.iter().take(ANNOUNCED_NAMES).map(|a| (a.id, a.name.as_str())).collect::<Vec<_>>(),
        "count": here.len(),
    })
    .to_string()
}

impl Realtime {
    pub(crate) fn room_hub(&self, room: i64) -> Option<Arc<RoomHub>> {
        lock(&self.0.rooms).get(&room).cloned()
    }

    /// The room, and what `member` may do there (a person not allowed to read it gets
    /// `NotFound`, as if it did not exist).
    pub async fn rights(
        &self,
        room: RoomId,
        member: Option<&Member>,
    ) -> Result<(Room, Rights), ChatError> {
        let actor = member.map_or(Actor::ANONYMOUS, Member::actor);
        let (room, place) = chats::access(&self.0.db, room, actor.person).await?;
        let rights = match place {
            RoomPlace::Space(_, access) => Rights::in_space(actor, access),
            RoomPlace::Conversation { participant } => {
                let conversation = Resource::Conversation {
                    participant,
                    author: false,
                };
                Rights {
                    read: can(actor, Action::View, conversation),
                    write: can(actor, Action::Contribute, conversation),
                    moderate: false,
                }
            }
        };
        if !rights.read {
            return Err(ChatError::NotFound);
        }
        Ok((room, rights))
    }

    /// Opens a room of a space (its writers may).
    pub async fn create_room(
        &self,
        space: SpaceId,
        name: &str,
        creator: &Member,
    ) -> Result<RoomId, ChatError> {
        let name = domain::spaces::chat::parse_room_name(name)?;
        Ok(chats::create_room(&self.0.db, space, &name, creator.id).await?)
    }

    /// Connects `member` to a room they may read: the socket then receives what happens there.
    pub async fn join_room(
        &self,
        room: RoomId,
        member: Member,
    ) -> Result<RoomConnection, ChatError> {
        let (room, rights) = self.rights(room, Some(&member)).await?;
        Ok(self.enter_room(room, rights, member))
    }

    /// Connects `member` to a room whose rights were just read (see [`Realtime::rights`]).
    pub fn enter_room(&self, room: Room, rights: Rights, member: Member) -> RoomConnection {
        let hub = {
            let mut rooms = lock(&self.0.rooms);
            rooms
                .entry(room.id)
                .or_insert_with(|| {
                    Arc::new(RoomHub {
                        id: room.id,
                        frames: broadcast::channel(self.0.settings.queue).0,
                        delivered: tokio::sync::Mutex::new(room.rev),
                        presence: Mutex::default(),
                        presence_due: AtomicBool::new(false),
                    })
                })
                .clone()
        };
        let frames = hub.frames.subscribe();
        let arrived = {
            let mut presence = lock(&hub.presence);
            let entry = presence
                .here
                .entry(member.id.0)
                .or_insert_with(|| (member.name.clone(), 0));
            entry.1 += 1;
            entry.1 == 1
        };
        if arrived {
            self.presence_changed(&hub);
        }
        RoomConnection {
            realtime: self.clone(),
            hub,
            frames,
            member,
            rights,
            room,
            sent_rev: 0,
            typing_at: None,
        }
    }

    /// Says, shortly, who is online now to this node's sockets and to the other nodes.
    fn presence_changed(&self, hub: &Arc<RoomHub>) {
        if hub.presence_due.swap(true, Ordering::AcqRel) {
            return;
        }
        let (this, hub) = (self.clone(), hub.clone());
        tokio::spawn(async move {
            tokio::time::sleep(PRESENCE_DELAY).await;
            hub.presence_due.store(false, Ordering::Release);
            hub.send(hub.presence_frame());
            let here = lock(&hub.presence).here();
            this.publish(Event::Online(hub.id, announcement(this.0.node, &here)))
                .await;
        });
    }

    /// Tells the other nodes who is online here, and forgets what nodes no longer say.
    pub(crate) async fn announce_presence(&self) {
        let hubs: Vec<_> = lock(&self.0.rooms).values().cloned().collect();
        let expiry = self.0.settings.presence_every * 3;
        for hub in hubs {
            let (here, expired) = {
                let mut presence = lock(&hub.presence);
                let before = presence.elsewhere.len();
                presence
                    .elsewhere
                    .retain(|_, (at, _, _)| at.elapsed() < expiry);
                (presence.here(), presence.elsewhere.len() != before)
            };
            if expired {
                hub.send(hub.presence_frame());
            }
            if !here.is_empty() {
                self.publish(Event::Online(hub.id, announcement(self.0.node, &here)))
                    .await;
            }
        }
    }

    /// Lets go of rooms nobody listens to here, and of pads nobody edits.
    pub(crate) async fn release_idle(&self) {
        lock(&self.0.rooms).retain(|_, hub| hub.frames.receiver_count() > 0);
        self.release_idle_pads().await;
    }

    /// After a change of a room: every socket here gets it, and the other nodes are told.
    async fn changed(&self, room: i64) {
        if let Some(hub) = self.room_hub(room) {
            hub.catch_up(&self.0.db).await;
        }
        self.publish(Event::RoomChanged(room)).await;
    }

    /// Posts a message (with a file already stored, maybe) as `member`, if they may write.
    pub async fn post(
        &self,
        room: RoomId,
        member: &Member,
        body: &str,
        reply_to: Option<ChatMessageId>,
        file: Option<&Attachment>,
    ) -> Result<MessageView, ChatError> {
        let (room, rights) = self.rights(room, Some(member)).await?;
        if !rights.write {
            return Err(ChatError::Forbidden);
        }
        let body = domain::spaces::chat::parse_chat_message(body, file.is_some())?;
        self.take(member, Kind::Message)?;
        let message = chats::post(&self.0.db, &room, member.id, &body, reply_to, file).await?;
        self.changed(room.id).await;
        Ok(message.into())
    }

    /// Counts one message or pad update of `member` against their rate.
    pub(crate) fn take(&self, member: &Member, kind: Kind) -> Result<(), ChatError> {
        let settings = &self.0.settings;
        let (rate, burst) = match kind {
            Kind::Message => (settings.messages_per_second, settings.message_burst),
            Kind::Update => (settings.updates_per_second, settings.update_burst),
        };
        if self.0.limits.take(member.id, kind, rate, burst) {
            Ok(())
        } else {
            Err(ChatError::RateLimited)
        }
    }

    /// The message `id` of a room, if `member` may act on it that way: its author edits and
    /// deletes it (while they may write), moderators delete it.
    async fn own_message(
        &self,
        room: RoomId,
        member: &Member,
        id: ChatMessageId,
        action: Action,
    ) -> Result<(ChatMessage, Rights), ChatError> {
        let (room, rights) = self.rights(room, Some(member)).await?;
        let message = chats::message(&self.0.db, room.id(), id).await?;
        if message.deleted() {
            return Err(ChatError::NotFound);
        }
        let author = message.author_id == Some(member.id.0);
        let allowed = match action {
            Action::Delete => (author && rights.write) || rights.moderate,
            _ => author && rights.write,
        };
        if allowed {
            Ok((message, rights))
        } else {
            Err(ChatError::Forbidden)
        }
    }

    pub async fn edit(
        &self,
        room: RoomId,
        member: &Member,
        id: ChatMessageId,
        body: &str,
    ) -> Result<MessageView, ChatError> {
        let (message, _) = self.own_message(room, member, id, Action::Edit).await?;
        let body = domain::spaces::chat::parse_chat_message(body, message.file_key.is_some())?;
        self.take(member, Kind::Message)?;
        let message = chats::edit(&self.0.db, room, id, &body).await?;
        self.changed(room.0).await;
        Ok(message.into())
    }

    pub async fn delete(
        &self,
        room: RoomId,
        member: &Member,
        id: ChatMessageId,
    ) -> Result<MessageView, ChatError> {
        let (message, _) = self.own_message(room, member, id, Action::Delete).await?;
        let by_moderator = message.author_id != Some(member.id.0);
        let message = chats::delete(&self.0.db, room, id, by_moderator).await?;
        self.changed(room.0).await;
        Ok(message.into())
    }

    pub async fn react(
        &self,
        room: RoomId,
        member: &Member,
        id: ChatMessageId,
        emoji: &str,
    ) -> Result<MessageView, ChatError> {
        let (_, rights) = self.rights(room, Some(member)).await?;
        if !rights.write {
            return Err(ChatError::Forbidden);
        }
        let emoji = domain::spaces::chat::parse_reaction(emoji)?;
        self.take(member, Kind::Message)?;
        let message = chats::toggle_reaction(&self.0.db, room, id, member.id, &emoji).await?;
        self.changed(room.0).await;
        Ok(message.into())
    }

    /// The messages before `before` (the latest when `None`), oldest first.
    pub async fn history(
        &self,
        room: RoomId,
        member: &Member,
        before: Option<ChatMessageId>,
        limit: i64,
    ) -> Result<Vec<MessageView>, ChatError> {
        self.rights(room, Some(member)).await?;
        let messages = chats::history(&self.0.db, room, before, limit).await?;
        Ok(messages.into_iter().map(MessageView::from).collect())
    }
}

/// One socket's place in a room.
pub struct RoomConnection {
    realtime: Realtime,
    hub: Arc<RoomHub>,
    frames: broadcast::Receiver<Frame>,
    member: Member,
    rights: Rights,
    room: Room,
    /// The latest revision this socket was sent (older changes coming live are skipped).
    sent_rev: i64,
    typing_at: Option<Instant>,
}

/// Typing is said at most this often per socket.
const TYPING_EVERY: Duration = Duration::from_secs(3);

impl RoomConnection {
    pub fn rights(&self) -> Rights {
        self.rights
    }

    /// What the socket is sent first: `hello`, then what changed after revision `since` (when
    /// the client resumes) — each change once.
    pub async fn hello(&mut self, since: Option<i64>) -> Result<Vec<String>, ChatError> {
        let online = lock(&self.hub.presence).online();
        let mut frames = vec![
            ServerFrame::Hello {
                room: self.room.id,
                rev: self.room.rev,
                you: &self.member,
                rights: self.rights,
                online,
            }
            .text(),
        ];
        self.sent_rev = self.room.rev;
        if let Some(since) = since {
            self.sent_rev = since;
            loop {
                let changes =
                    chats::changes_since(self.realtime.db(), self.room.id(), self.sent_rev, 500)
                        .await?;
                let more = changes.len() == 500;
                for message in changes {
                    self.sent_rev = self.sent_rev.max(message.rev);
                    frames.push(
                        ServerFrame::Message {
                            message: &message.into(),
                        }
                        .text(),
                    );
                }
                if !more {
                    break;
                }
            }
        }
        Ok(frames)
    }

    /// The next frame for this socket. A socket too slow to keep up gets, instead of what it
    /// missed from the queue, the changes from the database.
    pub async fn next(&mut self) -> Vec<String> {
        match self.frames.recv().await {
            Ok(frame) => {
                if let Some(rev) = frame.rev {
                    if rev <= self.sent_rev {
                        return Vec::new();
                    }
                    self.sent_rev = rev;
                }
                vec![frame.text.to_string()]
            }
            Err(broadcast::error::RecvError::Lagged(_)) => {
                let since = self.sent_rev;
                self.frames = self.frames.resubscribe();
                match self.hello(Some(since)).await {
                    Ok(mut frames) => {
                        frames.remove(0);
                        frames.push(self.hub.presence_frame());
                        frames
                    }
                    Err(_) => Vec::new(),
                }
            }
            // The hub lives as long as this connection holds it.
            Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
        }
    }

    /// Handles a frame from the client; returns the frames that answer it.
    pub async fn receive(&mut self, text: &str) -> Result<Vec<String>, Refusal> {
        let frame: ClientFrame =
            serde_json::from_str(text).map_err(|e| Refusal::malformed(&e.to_string()))?;
        let realtime = self.realtime.clone();
        let room = self.room.id();
        let member = self.member.clone();
        let (reference, outcome) = match frame {
            ClientFrame::Send {
                body,
                reply_to,
                reference,
            } => (
                reference,
                realtime
                    .post(room, &member, &body, reply_to.map(ChatMessageId), None)
                    .await,
            ),
            ClientFrame::Edit {
                id,
                body,
                reference,
            } => (
                reference,
                realtime.edit(room, &member, ChatMessageId(id), &body).await,
            ),
            ClientFrame::Delete { id, reference } => (
                reference,
                realtime.delete(room, &member, ChatMessageId(id)).await,
            ),
            ClientFrame::React {
                id,
                emoji,
                reference,
            } => (
                reference,
                realtime
                    .react(room, &member, ChatMessageId(id), &emoji)
                    .await,
            ),
            ClientFrame::Typing => {
                self.typing().await;
                return Ok(Vec::new());
            }
            ClientFrame::Read { id } => {
                chats::mark_read(realtime.db(), room, member.id, ChatMessageId(id))
                    .await
                    .map_err(|_| Refusal::internal())?;
                return Ok(Vec::new());
            }
        };
        Ok(vec![match outcome {
            Ok(message) => ServerFrame::Ack {
                reference,
                id: message.id,
            }
            .text(),
            Err(ChatError::Store(error)) => {
                tracing::error!(%error, "chat: store error");
                return Err(Refusal::internal());
            }
            Err(error) => ServerFrame::Error {
                code: error.code(),
                message: error.to_string(),
                reference,
            }
            .text(),
        }])
    }

    async fn typing(&mut self) {
        if !self.rights.write || self.typing_at.is_some_and(|at| at.elapsed() < TYPING_EVERY) {
            return;
        }
        self.typing_at = Some(Instant::now());
        let frame = ServerFrame::Typing {
            person: Author {
                id: self.member.id.0,
                name: self.member.name.clone(),
            },
        }
        .text();
        self.hub.send(frame.clone());
        self.realtime
            .publish(Event::Typing(self.room.id, frame))
            .await;
    }

    /// Leaves the room (the socket closed): others see who is still online.
    pub async fn leave(self) {
        let left = {
            let mut presence = lock(&self.hub.presence);
            match presence.here.get_mut(&self.member.id.0) {
                Some((_, count)) if *count > 1 => {
                    *count -= 1;
                    false
                }
                Some(_) => {
                    presence.here.remove(&self.member.id.0);
                    true
                }
                None => false,
            }
        };
        if left {
            self.realtime.presence_changed(&self.hub);
        }
    }
}
