//! WebDAV locks of a space's folders, kept in the database so that every node sees them.
//! The rules of conflict are the WebDAV layer's; this module keeps the rows and runs a new lock
//! and its check in one transaction.

use domain::ids::SpaceId;

use crate::db::{BeginWrite, on};
use crate::{Backend, Db, Result, now};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LockRow {
    pub token: String,
    /// The locked path in the space, `/` for its top, without a final `/` otherwise.
    pub path: String,
    pub principal: Option<String>,
    pub owner_xml: Option<String>,
    pub timeout_secs: Option<i64>,
    /// Seconds since the epoch; `None`: until unlocked.
    pub expires_at: Option<i64>,
    pub shared: bool,
    pub deep: bool,
}

const LOCK_COLUMNS: &str =
    "token, path, principal, owner_xml, timeout_secs, expires_at, shared, deep";

/// The live locks of a space.
pub async fn all(db: &Db, space: SpaceId) -> Result<Vec<LockRow>> {
    let sql = format!(
        "SELECT {LOCK_COLUMNS} FROM dav_locks WHERE space_id = $1 AND (expires_at IS NULL OR expires_at > $2)"
    );
    Ok(
        on!(db, pool => sqlx::query_as::<_, LockRow>(&sql).bind(space.0).bind(now()).fetch_all(pool).await)?,
    )
}

/// Adds `lock` unless `conflict`, given the live locks of the space, names one in the way;
/// both run in one transaction, so that two nodes never grant conflicting locks.
pub async fn insert_unless(
    db: &Db,
    space: SpaceId,
    lock: LockRow,
    conflict: impl FnOnce(&[LockRow]) -> Option<LockRow>,
) -> Result<Result<LockRow, LockRow>> {
    let at = now();
    let sql = format!(
        "SELECT {LOCK_COLUMNS} FROM dav_locks WHERE space_id = $1 AND (expires_at IS NULL OR expires_at > $2)"
    );
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if db.backend() == Backend::Postgres {
            sqlx::query("SELECT id FROM spaces WHERE id = $1 FOR UPDATE").bind(space.0).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM dav_locks WHERE space_id = $1 AND expires_at <= $2")
            .bind(space.0).bind(at).execute(&mut *tx).await?;
        let live: Vec<LockRow> = sqlx::query_as(&sql).bind(space.0).bind(at).fetch_all(&mut *tx).await?;
        if let Some(existing) = conflict(&live) {
            return Ok(Err(existing));
        }
        sqlx::query(
            "INSERT INTO dav_locks (token, space_id, path, principal, owner_xml, timeout_secs, expires_at, shared, deep) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        ).bind(&lock.token).bind(space.0).bind(&lock.path).bind(&lock.principal).bind(&lock.owner_xml)
         .bind(lock.timeout_secs).bind(lock.expires_at).bind(lock.shared).bind(lock.deep)
         .execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Ok(lock))
    })
}

/// Gives a lock a new timeout; `None` when it is unknown or expired.
pub async fn refresh(
    db: &Db,
    space: SpaceId,
    token: &str,
    timeout_secs: Option<i64>,
) -> Result<Option<LockRow>> {
    let expires_at = timeout_secs.map(|t| now() + t);
    let sql = format!(
        "UPDATE dav_locks SET timeout_secs = $1, expires_at = $2 WHERE space_id = $3 AND token = $4 \
         AND (expires_at IS NULL OR expires_at > $5) RETURNING {LOCK_COLUMNS}"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, LockRow>(&sql)
        .bind(timeout_secs).bind(expires_at).bind(space.0).bind(token).bind(now())
        .fetch_optional(pool).await)?)
}

/// Removes locks by token; returns how many went.
pub async fn delete(db: &Db, space: SpaceId, tokens: &[String]) -> Result<u64> {
    let mut removed = 0;
    for token in tokens {
        removed += on!(db, pool => sqlx::query("DELETE FROM dav_locks WHERE space_id = $1 AND token = $2")
            .bind(space.0).bind(token).execute(pool).await.map(|r| r.rows_affected()))?;
    }
    Ok(removed)
}
