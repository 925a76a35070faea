//! Exceptional accesses (`domain::accounts::exceptional`): granted to an administrator with a
//! reason, for a limited time; the content's owners are told at once and see them listed.

use domain::accounts::exceptional::{DURATION_SECS, Target};
use domain::ids::PersonId;

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

/// The `EXISTS` that tells whether person `$person` holds a current exceptional access to the
/// row `column` of kind `kind` (`practice`, `space`), with `$now` the time.
pub(crate) fn held(kind: &str, column: &str, person: &str, at: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM exceptional_accesses x WHERE x.target_kind = '{kind}' \
         AND x.target_id = {column} AND x.admin_id = {person} AND x.expires_at > {at})"
    )
}

/// An exceptional access, as its owners and the administrators read it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Grant {
    pub id: i64,
    pub admin_id: i64,
    pub admin_name: String,
    pub target_kind: String,
    pub target_id: i64,
    pub reason: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Grants `admin` an exceptional access to `target` for [`DURATION_SECS`] and tells the
/// content's owners (a practice's authors, a space's owners). `NotFound` when there is no
/// such content.
pub async fn grant(db: &Db, admin: PersonId, target: Target, reason: &str) -> Result<()> {
    let at = now();
    let owners_sql = match target {
        Target::Practice(_) => {
            "SELECT a.person_id FROM practice_authors a WHERE a.practice_id = $1"
        }
        Target::Space(_) => {
            "SELECT m.person_id FROM space_members m WHERE m.space_id = $1 AND m.role = 'owner'"
        }
    };
    let exists_sql = match target {
        Target::Practice(_) => "SELECT COUNT(*) FROM practices WHERE id = $1",
        Target::Space(_) => "SELECT COUNT(*) FROM spaces WHERE id = $1",
    };
    let message = format!(
        "Un administrateur a ouvert un accès exceptionnel à {} (7 jours), motif : « {reason} ».",
        target.label()
    );
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let found: i64 = sqlx::query_scalar(exists_sql).bind(target.id()).fetch_one(&mut *tx).await?;
        if found == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO exceptional_accesses (admin_id, target_kind, target_id, reason, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(admin.0).bind(target.kind()).bind(target.id()).bind(reason).bind(at).bind(at + DURATION_SECS)
        .execute(&mut *tx).await?;
        let owners: Vec<i64> = sqlx::query_scalar(owners_sql).bind(target.id()).fetch_all(&mut *tx).await?;
        let link = target.path();
        crate::spaces::notify!(tx, owners, message, link);
        tx.commit().await?;
        Ok(())
    })
}

const GRANT_COLUMNS: &str = "x.id, x.admin_id, p.name AS admin_name, x.target_kind, x.target_id, \
    x.reason, x.created_at, x.expires_at";

/// The exceptional accesses ever granted to `target`, newest first: its owners read them on
/// its page.
pub async fn of_target(db: &Db, target: Target) -> Result<Vec<Grant>> {
    let sql = format!(
        "SELECT {GRANT_COLUMNS} FROM exceptional_accesses x JOIN people p ON p.id = x.admin_id \
         WHERE x.target_kind = $1 AND x.target_id = $2 ORDER BY x.id DESC"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Grant>(&sql)
        .bind(target.kind()).bind(target.id()).fetch_all(pool).await)?)
}

/// The latest exceptional accesses, for the administrators' page.
pub async fn latest(db: &Db, limit: i64) -> Result<Vec<Grant>> {
    let sql = format!(
        "SELECT {GRANT_COLUMNS} FROM exceptional_accesses x JOIN people p ON p.id = x.admin_id \
         ORDER BY x.id DESC LIMIT $1"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Grant>(&sql).bind(limit).fetch_all(pool).await)?)
}
