//! The messages the nodes of a cluster send each other, over what PostgreSQL already provides:
//! `NOTIFY` to send, `LISTEN` to receive. On SQLite there is one node, and nothing to send.

use sqlx::postgres::PgListener;

use crate::{Db, Result};

/// The channel every node listens to.
const CHANNEL: &str = "territoire_realtime";

/// The longest payload PostgreSQL carries in a notification (8,000 bytes, less a margin).
pub const MAX_PAYLOAD: usize = 7_900;

/// Whether this database links several nodes.
pub fn shared(db: &Db) -> bool {
    matches!(db, Db::Postgres(_))
}

/// Sends `payload` (at most [`MAX_PAYLOAD`] bytes) to every node listening, this one included.
/// Nothing is sent on SQLite.
pub async fn publish(db: &Db, payload: &str) -> Result<()> {
    if let Db::Postgres(pool) = db {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// What a listener hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    Message(String),
    /// The connection was lost and is back: what was sent meanwhile is lost, and whoever
    /// relies on it must read the database again.
    Reconnected,
}

/// A listener on the nodes' channel (PostgreSQL only).
pub struct Listener(PgListener);

impl Listener {
    /// Listens on `db`'s channel; `None` on SQLite.
    pub async fn connect(db: &Db) -> Result<Option<Self>> {
        match db {
            Db::Postgres(pool) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen(CHANNEL).await?;
                Ok(Some(Self(listener)))
            }
            Db::Sqlite(_) => Ok(None),
        }
    }

    /// The next message. After an error, the next call reconnects; the caller pauses first.
    pub async fn next(&mut self) -> Result<Heard> {
        Ok(match self.0.try_recv().await? {
            Some(notification) => Heard::Message(notification.payload().to_owned()),
            None => Heard::Reconnected,
        })
    }
}
