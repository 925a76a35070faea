//! What the nodes tell each other, as one line of text per notification:
//! `NODE KIND ID BODY`, where KIND says what happened to room or pad ID:
//!
//! - `c`: messages of the room changed: read them from the database after what you delivered;
//! - `t`: someone is typing (BODY: the JSON frame); `o`: who is online on that node (BODY:
//!   JSON, `[]` when nobody is left);
//! - `u`: a pad update (BODY: base64); `f`: a pad update too large to travel, stored: read
//!   the pad's stored updates after what you have; `a`: an awareness update (BODY: base64);
//! - `r`: person ID lost their access (disabled, closed, a password or token revoked): close
//!   their sockets.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use store::bus::{Heard, Listener, MAX_PAYLOAD};

use crate::Realtime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    RoomChanged(i64),
    Typing(i64, String),
    Online(i64, String),
    PadUpdate(i64, Vec<u8>),
    PadStored(i64),
    Awareness(i64, Vec<u8>),
    Revoked(i64),
}

impl Event {
    fn encode(&self, node: u64) -> String {
        let (kind, id, body) = match self {
            Self::RoomChanged(room) => ('c', room, String::new()),
            Self::Typing(room, json) => ('t', room, json.clone()),
            Self::Online(room, json) => ('o', room, json.clone()),
            Self::PadUpdate(pad, update) => ('u', pad, BASE64.encode(update)),
            Self::PadStored(pad) => ('f', pad, String::new()),
            Self::Awareness(pad, update) => ('a', pad, BASE64.encode(update)),
            Self::Revoked(person) => ('r', person, String::new()),
        };
        format!("{node:x} {kind} {id} {body}")
    }

    fn decode(line: &str) -> Option<(u64, Self)> {
        let mut parts = line.splitn(4, ' ');
        let node = u64::from_str_radix(parts.next()?, 16).ok()?;
        let kind = parts.next()?;
        let id: i64 = parts.next()?.parse().ok()?;
        let body = parts.next().unwrap_or_default();
        let event = match kind {
            "c" => Self::RoomChanged(id),
            "t" => Self::Typing(id, body.to_owned()),
            "o" => Self::Online(id, body.to_owned()),
            "u" => Self::PadUpdate(id, BASE64.decode(body).ok()?),
            "f" => Self::PadStored(id),
            "a" => Self::Awareness(id, BASE64.decode(body).ok()?),
            "r" => Self::Revoked(id),
            _ => return None,
        };
        Some((node, event))
    }
}

impl Realtime {
    /// Tells the other nodes (nothing on SQLite). A pad update too large to travel is replaced
    /// by a notice to read it from the database, once stored.
    pub(crate) async fn publish(&self, event: Event) {
        if !store::bus::shared(&self.0.db) {
            return;
        }
        let line = event.encode(self.0.node);
        if line.len() > MAX_PAYLOAD {
            // Only pad updates and awareness grow: the former are announced once stored,
            // the latter (cursors) are dropped, the next one will do.
            return;
        }
        if let Err(error) = store::bus::publish(&self.0.db, &line).await {
            tracing::warn!(%error, "realtime bus: could not publish");
        }
    }

    /// Whether a pad update can travel on the bus as it is.
    pub(crate) fn travels(update: &[u8]) -> bool {
        // base64 takes 4 bytes for 3, plus the header.
        update.len() / 3 * 4 + 64 < MAX_PAYLOAD
    }

    async fn heard(&self, event: Event) {
        match event {
            Event::RoomChanged(room) => {
                if let Some(hub) = self.room_hub(room) {
                    hub.catch_up(&self.0.db).await;
                }
            }
            Event::Typing(room, json) => {
                if let Some(hub) = self.room_hub(room) {
                    hub.send(json);
                }
            }
            Event::Online(room, json) => {
                if let Some(hub) = self.room_hub(room) {
                    hub.remote_presence(&json);
                }
            }
            Event::PadUpdate(pad, update) => {
                if let Some(hub) = self.pad_hub(pad) {
                    hub.apply_remote(&update);
                }
            }
            Event::PadStored(pad) => {
                if let Some(hub) = self.pad_hub(pad) {
                    hub.catch_up(&self.0.db).await;
                }
            }
            Event::Awareness(pad, update) => {
                if let Some(hub) = self.pad_hub(pad) {
                    hub.remote_awareness(&update);
                }
            }
            Event::Revoked(person) => {
                let _ = self.0.revoked.send(person);
            }
        }
    }

    /// After the bus was lost for a while: read again what may have been missed.
    async fn resynchronise(&self) {
        let rooms: Vec<_> = crate::lock(&self.0.rooms).values().cloned().collect();
        for hub in rooms {
            hub.catch_up(&self.0.db).await;
        }
        let pads: Vec<_> = crate::lock(&self.0.pads).values().cloned().collect();
        for hub in pads {
            hub.catch_up(&self.0.db).await;
        }
    }
}

/// Listens to the other nodes until the task is aborted (returns at once on SQLite).
pub(crate) async fn listen(realtime: Realtime) {
    let mut listener = loop {
        match Listener::connect(&realtime.0.db).await {
            Ok(Some(listener)) => break listener,
            Ok(None) => return,
            Err(error) => {
                tracing::warn!(%error, "realtime bus: cannot listen yet");
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            }
        }
    };
    loop {
        match listener.next().await {
            Ok(Heard::Message(line)) => match Event::decode(&line) {
                Some((node, _)) if node == realtime.0.node => {}
                Some((_, event)) => realtime.heard(event).await,
                None => tracing::warn!(line, "realtime bus: unreadable notification"),
            },
            Ok(Heard::Reconnected) => realtime.resynchronise().await,
            Err(error) => {
                tracing::warn!(%error, "realtime bus: connection lost, retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_travel_as_one_line() {
        let events = [
            Event::RoomChanged(7),
            Event::Typing(
                7,
                r#"{"type":"typing","person":{"id":1,"name":"Inès Le Gall"}}"#.to_owned(),
            ),
            Event::Online(7, "[]".to_owned()),
            Event::PadUpdate(3, vec![0, 1, 2, 255, 10, 32]),
            Event::PadStored(3),
            Event::Awareness(3, vec![1, 2, 3]),
            Event::Revoked(42),
        ];
        for event in events {
            let line = event.encode(0xabc);
            assert!(!line.contains('\n'));
            assert_eq!(Event::decode(&line), Some((0xabc, event)));
        }
        assert_eq!(Event::decode("zz c 1 "), None);
        assert_eq!(Event::decode("1 x 1 "), None);
        assert_eq!(Event::decode("1 u 1 !!!"), None);
    }
}
