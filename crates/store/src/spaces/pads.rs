//! Collaborative pads of a space. A pad's document is kept as the CRDT updates its editors
//! sent (merged now and then by compaction); named snapshots keep its text at a moment; who
//! edited it and when is counted per person.

use domain::ids::{PadId, PersonId, SnapshotId, SpaceId};

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Pad {
    pub id: i64,
    pub space_id: i64,
    pub title: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Pad {
    pub fn id(&self) -> PadId {
        PadId(self.id)
    }
}

pub async fn create(db: &Db, space: SpaceId, title: &str, creator: PersonId) -> Result<PadId> {
    let at = now();
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO pads (space_id, title, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        ).bind(space.0).bind(title).bind(creator.0).bind(at).fetch_one(&mut *tx).await?;
        super::record_activity!(tx, space.0, creator.0, format!("Nouveau pad : « {title} »"), format!("/pads/{id}"));
        tx.commit().await?;
        id
    });
    Ok(PadId(id))
}

pub async fn get(db: &Db, pad: PadId) -> Result<Pad> {
    Ok(on!(db, pool => sqlx::query_as::<_, Pad>(
        "SELECT id, space_id, title, created_by, created_at, updated_at FROM pads WHERE id = $1",
    ).bind(pad.0).fetch_one(pool).await)?)
}

/// Someone who edited a pad: when first and last, and how many changes they sent.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Editor {
    pub pad_id: i64,
    pub person_id: i64,
    pub name: String,
    pub first_at: i64,
    pub last_at: i64,
    pub updates: i64,
}

/// A pad in its space's list, with who edited it, the latest first.
#[derive(Debug, Clone, PartialEq)]
pub struct PadSummary {
    pub pad: Pad,
    pub editors: Vec<Editor>,
}

/// The pads of a space, the latest edited first.
pub async fn of_space(db: &Db, space: SpaceId) -> Result<Vec<PadSummary>> {
    let pads = on!(db, pool => sqlx::query_as::<_, Pad>(
        "SELECT id, space_id, title, created_by, created_at, updated_at FROM pads WHERE space_id = $1 \
         ORDER BY updated_at DESC, id DESC",
    ).bind(space.0).fetch_all(pool).await)?;
    let editors = on!(db, pool => sqlx::query_as::<_, Editor>(
        "SELECT e.pad_id, e.person_id, pe.name, e.first_at, e.last_at, e.updates FROM pad_editors e \
         JOIN pads p ON p.id = e.pad_id JOIN people pe ON pe.id = e.person_id \
         WHERE p.space_id = $1 ORDER BY e.last_at DESC",
    ).bind(space.0).fetch_all(pool).await)?;
    Ok(pads
        .into_iter()
        .map(|pad| PadSummary {
            editors: editors
                .iter()
                .filter(|e| e.pad_id == pad.id)
                .cloned()
                .collect(),
            pad,
        })
        .collect())
}

/// Who edited a pad, the latest first.
pub async fn editors(db: &Db, pad: PadId) -> Result<Vec<Editor>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Editor>(
        "SELECT e.pad_id, e.person_id, pe.name, e.first_at, e.last_at, e.updates FROM pad_editors e \
         JOIN people pe ON pe.id = e.person_id WHERE e.pad_id = $1 ORDER BY e.last_at DESC",
    ).bind(pad.0).fetch_all(pool).await)?)
}

/// The stored updates of a pad after row `after` (0 for all), in order: `(row, update)`.
pub async fn updates(db: &Db, pad: PadId, after: i64) -> Result<Vec<(i64, Vec<u8>)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT id, data FROM pad_updates WHERE pad_id = $1 AND id > $2 ORDER BY id",
    ).bind(pad.0).bind(after).fetch_all(pool).await)?)
}

/// Stores an update (possibly several merged) with who sent how many changes; returns its row.
pub async fn append(
    db: &Db,
    pad: PadId,
    update: &[u8],
    editors: &[(PersonId, i64)],
) -> Result<i64> {
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO pad_updates (pad_id, data, created_at) VALUES ($1, $2, $3) RETURNING id",
        ).bind(pad.0).bind(update).bind(at).fetch_one(&mut *tx).await?;
        if !editors.is_empty() {
            sqlx::query("UPDATE pads SET updated_at = $2 WHERE id = $1")
                .bind(pad.0).bind(at).execute(&mut *tx).await?;
        }
        for (person, count) in editors {
            sqlx::query(
                "INSERT INTO pad_editors (pad_id, person_id, first_at, last_at, updates) VALUES ($1, $2, $3, $3, $4) \
                 ON CONFLICT (pad_id, person_id) DO UPDATE SET last_at = excluded.last_at, \
                 updates = pad_editors.updates + excluded.updates",
            ).bind(pad.0).bind(person.0).bind(at).bind(count).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(id)
    })
}

/// Replaces the updates of a pad up to row `up_to` by their merge (`merge` is given them all,
/// in any order). Safe beside other nodes: each row is merged once, by whoever deletes it.
/// Returns how many rows were merged.
pub async fn compact<F>(db: &Db, pad: PadId, up_to: i64, merge: F) -> Result<usize>
where
    F: FnOnce(Vec<Vec<u8>>) -> std::result::Result<Vec<u8>, String> + Send,
{
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let rows: Vec<Vec<u8>> = sqlx::query_scalar(
            "DELETE FROM pad_updates WHERE pad_id = $1 AND id <= $2 RETURNING data",
        ).bind(pad.0).bind(up_to).fetch_all(&mut *tx).await?;
        let count = rows.len();
        if count < 2 {
            // Nothing worth merging: leave the rows as they were.
            return Ok(0);
        }
        let merged = merge(rows).map_err(StoreError::Invalid)?;
        sqlx::query("INSERT INTO pad_updates (pad_id, data, created_at) VALUES ($1, $2, $3)")
            .bind(pad.0).bind(merged).bind(now()).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(count)
    })
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Snapshot {
    pub id: i64,
    pub pad_id: i64,
    pub name: String,
    pub content: String,
    pub created_by: Option<i64>,
    pub author_name: Option<String>,
    pub created_at: i64,
}

/// Keeps the pad's text under a name.
pub async fn save_snapshot(
    db: &Db,
    pad: PadId,
    name: &str,
    content: &str,
    person: PersonId,
) -> Result<SnapshotId> {
    let id: i64 = on!(db, pool => sqlx::query_scalar(
        "INSERT INTO pad_snapshots (pad_id, name, content, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    ).bind(pad.0).bind(name).bind(content).bind(person.0).bind(now()).fetch_one(pool).await)?;
    Ok(SnapshotId(id))
}

const SNAPSHOT_COLUMNS: &str = "s.id, s.pad_id, s.name, s.content, s.created_by, pe.name AS author_name, s.created_at \
    FROM pad_snapshots s LEFT JOIN people pe ON pe.id = s.created_by";

/// The snapshots of a pad, the latest first.
pub async fn snapshots(db: &Db, pad: PadId) -> Result<Vec<Snapshot>> {
    let sql = format!("SELECT {SNAPSHOT_COLUMNS} WHERE s.pad_id = $1 ORDER BY s.id DESC");
    Ok(on!(db, pool => sqlx::query_as::<_, Snapshot>(&sql).bind(pad.0).fetch_all(pool).await)?)
}

pub async fn snapshot(db: &Db, pad: PadId, id: SnapshotId) -> Result<Snapshot> {
    let sql = format!("SELECT {SNAPSHOT_COLUMNS} WHERE s.pad_id = $1 AND s.id = $2");
    Ok(
        on!(db, pool => sqlx::query_as::<_, Snapshot>(&sql).bind(pad.0).bind(id.0).fetch_one(pool).await)?,
    )
}
