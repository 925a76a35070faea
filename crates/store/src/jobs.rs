//! A job queue in the database, the same on both backends: any node may take a job; a job
//! whose node died is taken again when its lease ends.

use crate::db::on;
use crate::{Db, Result, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
}

/// A job that removes a file no longer referenced from the blob store (payload: its key).
pub const REMOVE_BLOB: &str = "remove_blob";

/// Jobs are tried this many times before they are left failed.
pub const MAX_ATTEMPTS: i64 = 3;

pub async fn enqueue(db: &Db, kind: &str, payload: &str) -> Result<i64> {
    let at = now();
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, state, run_after, created_at) VALUES ($1, $2, 'queued', $3, $3) RETURNING id"
    ).bind(kind).bind(payload).bind(at).fetch_one(pool).await)?)
}

/// Takes the oldest job that is due (or whose lease ended), for `lease_secs` seconds.
pub async fn claim(db: &Db, lease_secs: i64) -> Result<Option<Job>> {
    let at = now();
    Ok(on!(db, pool => sqlx::query_as::<_, Job>(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $1 \
         WHERE id = (SELECT id FROM jobs WHERE (state = 'queued' AND run_after <= $2) OR (state = 'running' AND locked_until < $2) \
                     ORDER BY id LIMIT 1) \
         AND (state = 'queued' OR locked_until < $2) \
         RETURNING id, kind, payload, attempts"
    ).bind(at + lease_secs).bind(at).fetch_optional(pool).await)?)
}

pub async fn complete(db: &Db, id: i64) -> Result<()> {
    on!(db, pool => sqlx::query("UPDATE jobs SET state = 'done', finished_at = $1, locked_until = NULL WHERE id = $2")
        .bind(now()).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a failure: the job is tried again later, or left failed after `MAX_ATTEMPTS`.
/// Returns whether it will be tried again.
pub async fn fail(db: &Db, job: &Job, error: &str) -> Result<bool> {
    let retry = job.attempts < MAX_ATTEMPTS;
    let at = now();
    on!(db, pool => sqlx::query(
        "UPDATE jobs SET state = $1, last_error = $2, run_after = $3, locked_until = NULL, finished_at = $4 WHERE id = $5"
    ).bind(if retry { "queued" } else { "failed" }).bind(error).bind(at + 30 * job.attempts)
    .bind(if retry { None } else { Some(at) }).bind(job.id).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(retry)
}

/// Whether a recurring task is due: true for one caller per `period_secs`, on any node.
pub async fn take_recurring(db: &Db, name: &str, period_secs: i64) -> Result<bool> {
    let at = now();
    on!(db, pool => sqlx::query("INSERT INTO recurring_jobs (name, last_run_at) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING")
        .bind(name).execute(pool).await.map(|r| r.rows_affected()))?;
    let taken = on!(db, pool => sqlx::query("UPDATE recurring_jobs SET last_run_at = $1 WHERE name = $2 AND last_run_at <= $3")
        .bind(at).bind(name).bind(at - period_secs).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(taken == 1)
}
