//! The shared folders of a space: a tree of folders and files, every version of a file kept with
//! who and when, a trash, and a quota that counts every kept version.
//!
//! The bytes live in the blob store under keys recorded here; this module says which keys to
//! write and which may be deleted, never touches the bytes.

use domain::ids::{EntryId, PersonId, SpaceId, VersionId};
use domain::spaces::{EntryName, format_bytes};

use super::record_activity;
use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub space_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub is_folder: bool,
    pub size: i64,
    pub content_type: String,
    pub version_id: Option<i64>,
    pub modified_at: i64,
    pub modified_by: Option<String>,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub deleted_by: Option<String>,
}

impl Entry {
    pub fn id(&self) -> EntryId {
        EntryId(self.id)
    }
}

const ENTRY_COLUMNS: &str = "e.id, e.space_id, e.parent_id, e.name, e.is_folder, e.size, e.content_type, \
    e.version_id, e.modified_at, pm.name AS modified_by, e.created_at, e.deleted_at, pd.name AS deleted_by";
const ENTRY_JOINS: &str = "FROM folder_entries e LEFT JOIN people pm ON pm.id = e.modified_by \
    LEFT JOIN people pd ON pd.id = e.deleted_by";

/// What a refused write says: the space is full.
pub fn quota_message(used: i64, quota: i64, adding: i64) -> String {
    format!(
        "l'espace a atteint son quota : {} utilisés sur {}, ce fichier de {} ne tient pas. \
         Videz la corbeille ou supprimez d'anciennes versions, ou demandez plus de place à un administrateur.",
        format_bytes(used),
        format_bytes(quota),
        format_bytes(adding)
    )
}

fn exists_message(name: &str) -> StoreError {
    StoreError::Conflict(format!(
        "un élément nommé « {name} » existe déjà dans ce dossier"
    ))
}

/// A live entry by id, in its space.
pub async fn get(db: &Db, space: SpaceId, entry: EntryId) -> Result<Entry> {
    let sql = format!("SELECT {ENTRY_COLUMNS} {ENTRY_JOINS} WHERE e.id = $1 AND e.space_id = $2");
    Ok(
        on!(db, pool => sqlx::query_as::<_, Entry>(&sql).bind(entry.0).bind(space.0).fetch_one(pool).await)?,
    )
}

/// The live entries of a folder (`None`: the top of the space): folders first, then by name.
pub async fn children(db: &Db, space: SpaceId, parent: Option<EntryId>) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} {ENTRY_JOINS} WHERE e.space_id = $1 AND COALESCE(e.parent_id, 0) = $2 \
         AND e.deleted_at IS NULL ORDER BY e.is_folder DESC, e.name"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Entry>(&sql)
        .bind(space.0).bind(parent.map_or(0, |p| p.0)).fetch_all(pool).await)?)
}

/// The live entry of a name in a folder.
pub async fn child(
    db: &Db,
    space: SpaceId,
    parent: Option<EntryId>,
    name: &str,
) -> Result<Option<Entry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} {ENTRY_JOINS} WHERE e.space_id = $1 AND COALESCE(e.parent_id, 0) = $2 \
         AND e.name = $3 AND e.deleted_at IS NULL"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Entry>(&sql)
        .bind(space.0).bind(parent.map_or(0, |p| p.0)).bind(name).fetch_optional(pool).await)?)
}

/// The live entry at a path of names; `Ok(None)` when some name is missing or a file stands
/// where a folder is needed.
pub async fn resolve(db: &Db, space: SpaceId, path: &[EntryName]) -> Result<Option<Entry>> {
    let mut current: Option<Entry> = None;
    for name in path {
        if current.as_ref().is_some_and(|e| !e.is_folder) {
            return Ok(None);
        }
        match child(db, space, current.as_ref().map(Entry::id), name.as_str()).await? {
            Some(entry) => current = Some(entry),
            None => return Ok(None),
        }
    }
    Ok(current)
}

/// The folders from the top of the space down to `entry` (included), for breadcrumbs.
pub async fn ancestors(db: &Db, space: SpaceId, entry: EntryId) -> Result<Vec<Entry>> {
    let mut chain = Vec::new();
    let mut next = Some(entry);
    while let Some(id) = next {
        let e = get(db, space, id).await?;
        next = e.parent_id.map(EntryId);
        chain.push(e);
        if chain.len() > 256 {
            break;
        }
    }
    chain.reverse();
    Ok(chain)
}

/// Checks that a folder (`None`: the top) exists, is live and is a folder of this space.
async fn live_folder(db: &Db, space: SpaceId, folder: Option<EntryId>) -> Result<()> {
    if let Some(folder) = folder {
        let entry = get(db, space, folder).await?;
        if !entry.is_folder || in_trash(db, space, &entry).await? {
            return Err(StoreError::NotFound);
        }
    }
    Ok(())
}

/// Whether an entry or one of its folders is in the trash.
async fn in_trash(db: &Db, space: SpaceId, entry: &Entry) -> Result<bool> {
    if entry.deleted_at.is_some() {
        return Ok(true);
    }
    let mut parent = entry.parent_id;
    let mut depth = 0;
    while let Some(id) = parent {
        let p = get(db, space, EntryId(id)).await?;
        if p.deleted_at.is_some() {
            return Ok(true);
        }
        parent = p.parent_id;
        depth += 1;
        if depth > 256 {
            break;
        }
    }
    Ok(false)
}

pub async fn create_folder(
    db: &Db,
    space: SpaceId,
    parent: Option<EntryId>,
    name: &EntryName,
    by: PersonId,
) -> Result<EntryId> {
    live_folder(db, space, parent).await?;
    let at = now();
    let id: i64 = on!(db, pool => sqlx::query_scalar(
        "INSERT INTO folder_entries (space_id, parent_id, name, is_folder, created_by, created_at, modified_by, modified_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $5, $6) RETURNING id",
    ).bind(space.0).bind(parent.map(|p| p.0)).bind(name.as_str()).bind(true).bind(by.0).bind(at)
     .fetch_one(pool).await)
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => exists_message(name.as_str()),
        other => other,
    })?;
    Ok(EntryId(id))
}

/// How a new version meets an existing file of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saving {
    /// Creates the file, or adds a version to it.
    CreateOrReplace,
    /// Creates the file; refuses when the name is taken.
    CreateNew,
    /// Adds a version to an existing file only.
    ReplaceOnly,
}

/// The bytes of a new version, already in the blob store.
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub blob_key: String,
    pub size: i64,
    pub content_type: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    pub entry: EntryId,
    pub version: VersionId,
    /// Whether the file is new (not a new version of an existing one).
    pub created: bool,
}

/// Records a new version of the file `name` in `parent`. Two people saving at once both get
/// their version kept, one after the other; a full space refuses it with a clear message.
pub async fn save(
    db: &Db,
    space: SpaceId,
    parent: Option<EntryId>,
    name: &EntryName,
    version: &NewVersion,
    by: PersonId,
    saving: Saving,
) -> Result<Saved> {
    live_folder(db, space, parent).await?;
    // Two first saves of one name at once: the second sees the unique name taken and comes
    // back as a new version of the file the first created.
    let saved = match save_once(db, space, parent, name, version, by, saving).await {
        Err(StoreError::Conflict(_)) if saving == Saving::CreateOrReplace => {
            save_once(db, space, parent, name, version, by, saving).await
        }
        other => other,
    }?;
    match saved {
        Some(saved) => Ok(saved),
        None => {
            let space = super::get(db, space).await?;
            Err(StoreError::QuotaExceeded(quota_message(
                space.used_bytes,
                space.quota_bytes,
                version.size,
            )))
        }
    }
}

/// `save` once; `Ok(None)` when the space has no room left.
async fn save_once(
    db: &Db,
    space: SpaceId,
    parent: Option<EntryId>,
    name: &EntryName,
    version: &NewVersion,
    by: PersonId,
    saving: Saving,
) -> Result<Option<Saved>> {
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let room = sqlx::query(
            "UPDATE spaces SET used_bytes = used_bytes + $1 WHERE id = $2 AND used_bytes + $1 <= quota_bytes",
        ).bind(version.size).bind(space.0).execute(&mut *tx).await?.rows_affected();
        if room == 0 {
            return Ok(None);
        }
        let existing: Option<(i64, bool)> = sqlx::query_as(
            "SELECT id, is_folder FROM folder_entries WHERE space_id = $1 AND COALESCE(parent_id, 0) = $2 \
             AND name = $3 AND deleted_at IS NULL",
        ).bind(space.0).bind(parent.map_or(0, |p| p.0)).bind(name.as_str()).fetch_optional(&mut *tx).await?;
        let (entry, created) = match (existing, saving) {
            (Some((_, true)), _) => return Err(exists_message(name.as_str())),
            (Some(_), Saving::CreateNew) => return Err(exists_message(name.as_str())),
            (Some((id, false)), _) => (id, false),
            (None, Saving::ReplaceOnly) => return Err(StoreError::NotFound),
            (None, _) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO folder_entries (space_id, parent_id, name, is_folder, created_by, created_at, modified_by, modified_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $5, $6) RETURNING id",
                ).bind(space.0).bind(parent.map(|p| p.0)).bind(name.as_str()).bind(false).bind(by.0).bind(at)
                 .fetch_one(&mut *tx).await?;
                (id, true)
            }
        };
        let version_id: i64 = sqlx::query_scalar(
            "INSERT INTO file_versions (entry_id, blob_key, size, content_type, author_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        ).bind(entry).bind(&version.blob_key).bind(version.size).bind(&version.content_type)
         .bind(by.0).bind(at).fetch_one(&mut *tx).await?;
        sqlx::query(
            "UPDATE folder_entries SET version_id = $1, size = $2, content_type = $3, modified_by = $4, modified_at = $5 WHERE id = $6",
        ).bind(version_id).bind(version.size).bind(&version.content_type).bind(by.0).bind(at).bind(entry)
         .execute(&mut *tx).await?;
        let message = if created {
            format!("Fichier déposé : « {name} »")
        } else {
            format!("Nouvelle version de « {name} »")
        };
        record_activity!(tx, space.0, by.0, message, format!("/espaces/{}/fichiers/{entry}", space.0));
        tx.commit().await?;
        Ok(Some(Saved { entry: EntryId(entry), version: VersionId(version_id), created }))
    })
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Version {
    pub id: i64,
    pub entry_id: i64,
    pub blob_key: String,
    pub size: i64,
    pub content_type: String,
    pub author: Option<String>,
    pub created_at: i64,
}

/// Every version of a file, newest first.
pub async fn versions(db: &Db, entry: EntryId) -> Result<Vec<Version>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Version>(
        "SELECT v.id, v.entry_id, v.blob_key, v.size, v.content_type, p.name AS author, v.created_at \
         FROM file_versions v LEFT JOIN people p ON p.id = v.author_id WHERE v.entry_id = $1 ORDER BY v.id DESC",
    ).bind(entry.0).fetch_all(pool).await)?)
}

/// One version of a file (`None`: its current one).
pub async fn version(db: &Db, entry: EntryId, version: Option<VersionId>) -> Result<Version> {
    Ok(on!(db, pool => sqlx::query_as::<_, Version>(
        "SELECT v.id, v.entry_id, v.blob_key, v.size, v.content_type, p.name AS author, v.created_at \
         FROM file_versions v JOIN folder_entries e ON e.id = v.entry_id LEFT JOIN people p ON p.id = v.author_id \
         WHERE v.entry_id = $1 AND v.id = COALESCE($2, e.version_id)",
    ).bind(entry.0).bind(version.map(|v| v.0)).fetch_one(pool).await)?)
}

/// Makes an old version the current one again, as a new version (the history keeps all).
pub async fn restore_version(
    db: &Db,
    space: SpaceId,
    entry: EntryId,
    old: VersionId,
    by: PersonId,
) -> Result<Saved> {
    let file = get(db, space, entry).await?;
    let old = version(db, entry, Some(old)).await?;
    let parent = file.parent_id.map(EntryId);
    let name = EntryName::parse(&file.name).map_err(|e| StoreError::Invalid(e.to_string()))?;
    save(
        db,
        space,
        parent,
        &name,
        &NewVersion {
            blob_key: old.blob_key,
            size: old.size,
            content_type: old.content_type,
        },
        by,
        Saving::ReplaceOnly,
    )
    .await
}

/// Renames and/or moves an entry. A folder cannot go inside itself.
pub async fn rename(
    db: &Db,
    space: SpaceId,
    entry: EntryId,
    new_parent: Option<EntryId>,
    new_name: &EntryName,
    by: PersonId,
) -> Result<()> {
    let current = get(db, space, entry).await?;
    live_folder(db, space, new_parent).await?;
    if let Some(target) = new_parent {
        let chain = ancestors(db, space, target).await?;
        if chain.iter().any(|e| e.id == entry.0) {
            return Err(StoreError::Invalid(
                "un dossier ne peut pas être déplacé dans lui-même".to_owned(),
            ));
        }
    }
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE folder_entries SET parent_id = $1, name = $2, modified_by = $3, modified_at = $4 WHERE id = $5")
            .bind(new_parent.map(|p| p.0)).bind(new_name.as_str()).bind(by.0).bind(at).bind(entry.0)
            .execute(&mut *tx).await
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => exists_message(new_name.as_str()),
                other => other,
            })?;
        let message = if current.name == new_name.as_str() {
            format!("« {} » déplacé", current.name)
        } else {
            format!("« {} » renommé en « {new_name} »", current.name)
        };
        record_activity!(tx, space.0, by.0, message, format!("/espaces/{}/fichiers/{}", space.0, entry.0));
        tx.commit().await?;
        Ok(())
    })
}

/// Copies a file (all its bytes shared with the original, its current version only) or an
/// empty folder; counts against the quota like any new version.
pub async fn copy_file(
    db: &Db,
    space: SpaceId,
    entry: EntryId,
    new_parent: Option<EntryId>,
    new_name: &EntryName,
    by: PersonId,
) -> Result<EntryId> {
    let source = get(db, space, entry).await?;
    if source.is_folder {
        return create_folder(db, space, new_parent, new_name, by).await;
    }
    let current = version(db, entry, None).await?;
    let saved = save(
        db,
        space,
        new_parent,
        new_name,
        &NewVersion {
            blob_key: current.blob_key,
            size: current.size,
            content_type: current.content_type,
        },
        by,
        Saving::CreateOrReplace,
    )
    .await?;
    Ok(saved.entry)
}

/// Puts an entry (and, for a folder, all it holds) in the trash. `batch` names one deletion:
/// the entries trashed under a folder by the same deletion go back inside it, so that the
/// folder is restored whole.
pub async fn trash(
    db: &Db,
    space: SpaceId,
    entry: EntryId,
    by: PersonId,
    batch: &str,
) -> Result<()> {
    let current = get(db, space, entry).await?;
    if current.deleted_at.is_some() {
        return Err(StoreError::NotFound);
    }
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE folder_entries SET deleted_at = $1, deleted_by = $2, deleted_batch = $3 WHERE id = $4")
            .bind(now()).bind(by.0).bind(batch).bind(entry.0).execute(&mut *tx).await?;
        if current.is_folder {
            sqlx::query("UPDATE folder_entries SET deleted_at = NULL, deleted_by = NULL, deleted_batch = NULL \
                         WHERE parent_id = $1 AND deleted_batch = $2")
                .bind(entry.0).bind(batch).execute(&mut *tx).await?;
        }
        record_activity!(tx, space.0, by.0, format!("« {} » mis à la corbeille", current.name),
            format!("/espaces/{}/corbeille", space.0));
        tx.commit().await?;
        Ok(())
    })
}

/// What is in the trash of a space, newest first.
pub async fn trashed(db: &Db, space: SpaceId) -> Result<Vec<Entry>> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} {ENTRY_JOINS} WHERE e.space_id = $1 AND e.deleted_at IS NOT NULL ORDER BY e.deleted_at DESC, e.id DESC"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Entry>(&sql).bind(space.0).fetch_all(pool).await)?)
}

/// Takes an entry out of the trash, back in its folder (or at the top when its folder is gone
/// too), numbered when its name was taken meanwhile. Returns the name it got.
pub async fn restore(db: &Db, space: SpaceId, entry: EntryId, by: PersonId) -> Result<String> {
    let current = get(db, space, entry).await?;
    if current.deleted_at.is_none() {
        return Err(StoreError::NotFound);
    }
    let parent = match current.parent_id {
        Some(p) => {
            let folder = get(db, space, EntryId(p)).await?;
            (!in_trash(db, space, &folder).await?).then_some(p)
        }
        None => None,
    };
    let original =
        EntryName::parse(&current.name).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let mut name = original.clone();
    for n in 2..1000 {
        if child(db, space, parent.map(EntryId), name.as_str())
            .await?
            .is_none()
        {
            break;
        }
        name = original.numbered(n);
    }
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE folder_entries SET deleted_at = NULL, deleted_by = NULL, deleted_batch = NULL, \
                     parent_id = $1, name = $2 WHERE id = $3")
            .bind(parent).bind(name.as_str()).bind(entry.0).execute(&mut *tx).await?;
        record_activity!(tx, space.0, by.0, format!("« {name} » restauré depuis la corbeille"),
            format!("/espaces/{}/fichiers/{}", space.0, entry.0));
        tx.commit().await?;
        Ok(name.as_str().to_owned())
    })
}

/// Deletes for good an entry of the trash with everything under it and their versions.
/// Returns the blob keys no version uses any more, for the caller to delete.
pub async fn purge(db: &Db, space: SpaceId, entry: EntryId) -> Result<Vec<String>> {
    let current = get(db, space, entry).await?;
    if current.deleted_at.is_none() {
        return Err(StoreError::Invalid(
            "seul un élément de la corbeille peut être supprimé définitivement".to_owned(),
        ));
    }
    // The entry and all it holds, level by level.
    let mut ids = vec![entry.0];
    let mut level = vec![entry.0];
    while !level.is_empty() {
        let mut next = Vec::new();
        for id in level {
            let kids: Vec<i64> = on!(db, pool => sqlx::query_scalar(
                "SELECT id FROM folder_entries WHERE parent_id = $1",
            ).bind(id).fetch_all(pool).await)?;
            next.extend(kids);
        }
        ids.extend(&next);
        level = next;
    }
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let mut keys = Vec::new();
        let mut freed = 0i64;
        for id in &ids {
            let versions: Vec<(String, i64)> = sqlx::query_as("SELECT blob_key, size FROM file_versions WHERE entry_id = $1")
                .bind(id).fetch_all(&mut *tx).await?;
            for (key, size) in versions {
                freed += size;
                keys.push(key);
            }
        }
        sqlx::query("DELETE FROM folder_entries WHERE id = $1").bind(entry.0).execute(&mut *tx).await?;
        sqlx::query("UPDATE spaces SET used_bytes = CASE WHEN used_bytes > $1 THEN used_bytes - $1 ELSE 0 END WHERE id = $2")
            .bind(freed).bind(space.0).execute(&mut *tx).await?;
        let mut orphans = Vec::new();
        keys.sort();
        keys.dedup();
        for key in keys {
            let used: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM file_versions WHERE blob_key = $1)")
                .bind(&key).fetch_one(&mut *tx).await?;
            if !used {
                orphans.push(key);
            }
        }
        tx.commit().await?;
        Ok(orphans)
    })
}

/// The dead properties WebDAV clients store on an entry (`PROPPATCH`).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DeadProperty {
    pub namespace: String,
    pub name: String,
    pub prefix: String,
    pub xml: Vec<u8>,
}

pub async fn properties(db: &Db, entry: EntryId) -> Result<Vec<DeadProperty>> {
    Ok(on!(db, pool => sqlx::query_as::<_, DeadProperty>(
        "SELECT namespace, name, prefix, xml FROM dav_properties WHERE entry_id = $1 ORDER BY namespace, name",
    ).bind(entry.0).fetch_all(pool).await)?)
}

/// The dead properties of every live entry of a folder (`None`: the top), by entry, in one
/// query: a WebDAV listing of a large folder asks for them all.
pub async fn properties_of_children(
    db: &Db,
    space: SpaceId,
    parent: Option<EntryId>,
) -> Result<Vec<(i64, DeadProperty)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        entry_id: i64,
        #[sqlx(flatten)]
        property: DeadProperty,
    }
    let rows = on!(db, pool => sqlx::query_as::<_, Row>(
        "SELECT p.entry_id, p.namespace, p.name, p.prefix, p.xml FROM dav_properties p \
         JOIN folder_entries e ON e.id = p.entry_id \
         WHERE e.space_id = $1 AND COALESCE(e.parent_id, 0) = $2 AND e.deleted_at IS NULL \
         ORDER BY p.entry_id, p.namespace, p.name",
    ).bind(space.0).bind(parent.map_or(0, |p| p.0)).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|r| (r.entry_id, r.property)).collect())
}

/// Sets (`Some`) and removes (`None`) dead properties of an entry, all at once.
pub async fn patch_properties(
    db: &Db,
    entry: EntryId,
    changes: &[(DeadProperty, bool)],
) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for (property, set) in changes {
            sqlx::query("DELETE FROM dav_properties WHERE entry_id = $1 AND namespace = $2 AND name = $3")
                .bind(entry.0).bind(&property.namespace).bind(&property.name).execute(&mut *tx).await?;
            if *set {
                sqlx::query("INSERT INTO dav_properties (entry_id, namespace, name, prefix, xml) VALUES ($1, $2, $3, $4, $5)")
                    .bind(entry.0).bind(&property.namespace).bind(&property.name).bind(&property.prefix)
                    .bind(&property.xml).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    })
}

/// Copies the dead properties of an entry to another (WebDAV `COPY`).
pub async fn copy_properties(db: &Db, from: EntryId, to: EntryId) -> Result<()> {
    on!(db, pool => sqlx::query(
        "INSERT INTO dav_properties (entry_id, namespace, name, prefix, xml) \
         SELECT $1, namespace, name, prefix, xml FROM dav_properties WHERE entry_id = $2",
    ).bind(to.0).bind(from.0).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Inserts many small files at once in a folder (benchmarks, demo): they share one blob.
pub async fn insert_files_bulk(
    db: &Db,
    space: SpaceId,
    parent: Option<EntryId>,
    blob_key: &str,
    size: i64,
    count: i64,
    by: PersonId,
) -> Result<()> {
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for i in 0..count {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO folder_entries (space_id, parent_id, name, is_folder, size, content_type, created_by, created_at, modified_by, modified_at) \
                 VALUES ($1, $2, $3, $4, $5, 'application/pdf', $6, $7, $6, $7) RETURNING id",
            ).bind(space.0).bind(parent.map(|p| p.0)).bind(format!("Document {:05}.pdf", i + 1)).bind(false)
             .bind(size).bind(by.0).bind(at).fetch_one(&mut *tx).await?;
            let version: i64 = sqlx::query_scalar(
                "INSERT INTO file_versions (entry_id, blob_key, size, content_type, author_id, created_at) \
                 VALUES ($1, $2, $3, 'application/pdf', $4, $5) RETURNING id",
            ).bind(id).bind(blob_key).bind(size).bind(by.0).bind(at).fetch_one(&mut *tx).await?;
            sqlx::query("UPDATE folder_entries SET version_id = $1 WHERE id = $2").bind(version).bind(id)
                .execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE spaces SET used_bytes = used_bytes + $1 WHERE id = $2")
            .bind(size * count).bind(space.0).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}
