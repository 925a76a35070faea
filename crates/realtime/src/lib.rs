//! Real time: chat rooms and direct conversations, collaborative pads (the yrs CRDT speaking
//! the y-websocket protocol), who is online and typing, and the bus that links the nodes of a
//! cluster over PostgreSQL's `LISTEN`/`NOTIFY` (one node on SQLite: nothing to link).
//!
//! The core is transport-agnostic: a connection takes the bytes a client sent and gives back
//! what to answer, and yields what other people did; the web layer's socket task only pumps.

mod bus;
pub mod chat;
mod limits;
pub mod pads;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use store::Db;

pub use chat::{ChatError, Member, MessageView, Rights, RoomConnection};
pub use pads::PadConnection;

/// Why a socket is closed: a WebSocket close code and a short French reason (at most 123
/// bytes, as the protocol allows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: u16,
    pub reason: String,
}

impl Refusal {
    /// 1007: what the client sent cannot be read.
    pub fn malformed(detail: &str) -> Self {
        tracing::debug!(detail, "realtime: malformed frame");
        Self::new(1007, "message illisible")
    }

    /// 1008: the client may not do what it tried.
    pub fn policy(reason: &str) -> Self {
        Self::new(1008, reason)
    }

    /// 1011: the server failed.
    pub fn internal() -> Self {
        Self::new(1011, "erreur du serveur, reconnectez-vous")
    }

    fn new(code: u16, reason: &str) -> Self {
        let mut reason = reason.to_owned();
        while reason.len() > 123 {
            reason.pop();
        }
        Self { code, reason }
    }
}

/// What the real-time side may take of the machine and of each person.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Chat messages a person may send per second, and at once.
    pub messages_per_second: f64,
    pub message_burst: f64,
    /// Pad updates a person may send per second, and at once (typing sends one per key).
    pub updates_per_second: f64,
    pub update_burst: f64,
    /// Frames waiting for a slow client before it is resynchronised instead.
    pub queue: usize,
    /// Stored updates of a pad after which they are merged into one.
    pub compact_after: usize,
    /// How often presence is announced to the other nodes (and expires, three times that).
    pub presence_every: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            messages_per_second: 2.0,
            message_burst: 20.0,
            updates_per_second: 60.0,
            update_burst: 300.0,
            queue: 512,
            compact_after: 500,
            presence_every: Duration::from_secs(20),
        }
    }
}

/// The real-time side of one node. Cheap to clone.
#[derive(Clone)]
pub struct Realtime(Arc<Inner>);

struct Inner {
    db: Db,
    settings: Settings,
    /// This node, so that it ignores what it sent itself on the bus.
    node: u64,
    rooms: Mutex<HashMap<i64, Arc<chat::RoomHub>>>,
    pads: Mutex<HashMap<i64, Arc<pads::PadHub>>>,
    limits: limits::Limits,
    /// People whose sockets must close now, on this node (from this node or the bus).
    revoked: tokio::sync::broadcast::Sender<i64>,
}

/// A poisoned lock only means another task panicked while holding it; the maps stay usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Realtime {
    pub fn new(db: Db, settings: Settings) -> Self {
        Self(Arc::new(Inner {
            db,
            settings,
            node: rand::random(),
            rooms: Mutex::default(),
            pads: Mutex::default(),
            limits: limits::Limits::default(),
            revoked: tokio::sync::broadcast::channel(256).0,
        }))
    }

    /// Closes every socket of `person`, on every node, within moments: their account was
    /// disabled or closed, or a password, session or token of theirs revoked. Sockets whose
    /// credentials still hold reconnect by themselves.
    pub async fn revoke(&self, person: domain::ids::PersonId) {
        let _ = self.0.revoked.send(person.0);
        self.publish(bus::Event::Revoked(person.0)).await;
    }

    /// The people whose sockets must close, as they are announced.
    pub fn revocations(&self) -> tokio::sync::broadcast::Receiver<i64> {
        self.0.revoked.subscribe()
    }

    pub fn db(&self) -> &Db {
        &self.0.db
    }

    /// Starts what runs beside the sockets: the bus listener (PostgreSQL), presence
    /// announcements, and the release of rooms and pads nobody uses. Stopped by aborting it.
    pub fn start(&self) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            let listener = bus::listen(this.clone());
            let housekeeping = this.housekeeping();
            tokio::join!(listener, housekeeping);
        })
    }

    async fn housekeeping(&self) {
        let mut tick = tokio::time::interval(self.0.settings.presence_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            self.announce_presence().await;
            self.release_idle().await;
            self.0.limits.forget_idle();
        }
    }

    /// Saves every pad's pending changes (at shutdown).
    pub async fn flush(&self) {
        let hubs: Vec<Arc<pads::PadHub>> = lock(&self.0.pads).values().cloned().collect();
        for hub in hubs {
            hub.flush().await;
        }
    }
}
