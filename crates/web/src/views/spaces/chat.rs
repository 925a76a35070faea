//! Pages of chat rooms and direct conversations.

use askama::Template;
use domain::spaces::chat::REACTIONS;
use realtime::{MessageView, Rights};
use store::spaces::Space;
use store::spaces::chat::{Room, RoomSummary};

use super::SpaceHeader;
use crate::views::{Layout, date_time_fr};

pub struct RoomRow {
    pub id: i64,
    pub name: String,
    pub unread: i64,
    pub last: String,
}

fn room_rows(rooms: Vec<RoomSummary>) -> Vec<RoomRow> {
    rooms
        .into_iter()
        .map(|r| RoomRow {
            id: r.id,
            name: r.name,
            unread: r.unread,
            last: r.last_message_at.map(date_time_fr).unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "spaces/rooms.html")]
pub struct RoomsPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub rooms: Vec<RoomRow>,
    pub writes: bool,
    pub error: Option<String>,
    pub name: String,
}

impl RoomsPage {
    pub fn new(
        layout: Layout,
        space: &Space,
        rooms: Vec<RoomSummary>,
        writes: bool,
        error: Option<String>,
        name: String,
    ) -> Self {
        Self {
            layout,
            header: SpaceHeader::new(space, "salons"),
            rooms: room_rows(rooms),
            writes,
            error,
            name,
        }
    }
}

#[derive(Template)]
#[template(path = "spaces/conversations.html")]
pub struct ConversationsPage {
    pub layout: Layout,
    pub rooms: Vec<RoomRow>,
    pub error: Option<String>,
    pub people: String,
}

impl ConversationsPage {
    pub fn new(
        layout: Layout,
        rooms: Vec<RoomSummary>,
        error: Option<String>,
        people: String,
    ) -> Self {
        Self {
            layout,
            rooms: room_rows(rooms),
            error,
            people,
        }
    }
}

pub struct ReactionRow {
    pub emoji: String,
    pub count: usize,
    pub mine: bool,
}

pub struct MessageRow {
    pub message: MessageView,
    pub author: String,
    pub date: String,
    pub mine: bool,
    pub deletable: bool,
    pub reactions: Vec<ReactionRow>,
    pub file_size: String,
}

impl MessageRow {
    fn new(message: MessageView, me: i64, rights: Rights) -> Self {
        let mine = message.author.as_ref().is_some_and(|a| a.id == me);
        Self {
            author: message
                .author
                .as_ref()
                .map_or_else(|| "Compte supprimé".to_owned(), |a| a.name.clone()),
            date: date_time_fr(message.created_at),
            deletable: message.deleted.is_none() && ((mine && rights.write) || rights.moderate),
            mine: mine && rights.write && message.deleted.is_none(),
            reactions: message
                .reactions
                .iter()
                .map(|r| ReactionRow {
                    emoji: r.emoji.clone(),
                    count: r.people.len(),
                    mine: r.people.contains(&me),
                })
                .collect(),
            file_size: message
                .file
                .as_ref()
                .map(|f| domain::spaces::format_bytes(f.size))
                .unwrap_or_default(),
            message,
        }
    }
}

/// Someone the writer may mention, for the suggestions of the message box: their name, and
/// the handle the server's mention parser reads (`domain::spaces::mentions`).
#[derive(serde::Serialize)]
struct Mentionable {
    name: String,
    handle: String,
}

/// The people of a room one may mention (the others of its space, or of the conversation),
/// as the JSON the room's script reads from `data-members`: by name, each handle once.
fn mentionable_json(names: Vec<String>) -> String {
    let mut people: Vec<Mentionable> = names
        .into_iter()
        .map(|name| Mentionable {
            handle: domain::spaces::handle(&name),
            name,
        })
        .filter(|m| !m.handle.is_empty())
        .collect();
    people.sort_by(|a, b| a.handle.cmp(&b.handle).then_with(|| a.name.cmp(&b.name)));
    people.dedup_by(|a, b| a.handle == b.handle);
    serde_json::to_string(&people).unwrap_or_else(|_| "[]".to_owned())
}

#[derive(Template)]
#[template(path = "spaces/room.html")]
pub struct RoomPage {
    pub layout: Layout,
    pub header: Option<SpaceHeader>,
    pub id: i64,
    pub title: String,
    pub rev: i64,
    /// The viewer, for the room's script (their own messages, their reactions).
    pub me: i64,
    /// Who the viewer may mention, as JSON (see [`mentionable_json`]); empty when they may
    /// not write.
    pub members: String,
    pub messages: Vec<MessageRow>,
    pub rights: Rights,
    pub older: Option<i64>,
    pub newer: bool,
    pub replying: Option<MessageRow>,
    pub error: Option<String>,
    pub draft: String,
    pub reactions: [&'static str; 6],
}

impl RoomPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        room: &Room,
        title: String,
        space: Option<&Space>,
        messages: Vec<MessageView>,
        rights: Rights,
        me: i64,
        browsing_older: bool,
        replying: Option<MessageView>,
        error: Option<String>,
        draft: String,
        mentionable: Vec<String>,
    ) -> Self {
        let older = (messages.len() == 50)
            .then(|| messages.first().map(|m| m.id))
            .flatten();
        Self {
            layout,
            header: space.map(|s| SpaceHeader::new(s, "salons")),
            id: room.id,
            title,
            rev: room.rev,
            me,
            members: if rights.write {
                mentionable_json(mentionable)
            } else {
                String::new()
            },
            messages: messages
                .into_iter()
                .map(|m| MessageRow::new(m, me, rights))
                .collect(),
            rights,
            older,
            newer: browsing_older,
            replying: replying.map(|m| MessageRow::new(m, me, rights)),
            error,
            draft,
            reactions: REACTIONS,
        }
    }
}

#[derive(Template)]
#[template(path = "spaces/message_edit.html")]
pub struct MessageEditPage {
    pub layout: Layout,
    pub message: MessageView,
    pub body: String,
    pub error: Option<String>,
}

impl MessageEditPage {
    pub fn new(layout: Layout, message: MessageView, body: String, error: Option<String>) -> Self {
        Self {
            layout,
            message,
            body,
            error,
        }
    }
}
