//! Online backup of the embedded database, and its restore.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::{Db, Result, StoreError};

/// Writes a consistent copy of the SQLite database to `target` while the server keeps
/// running (`VACUUM INTO` reads one snapshot). PostgreSQL is backed up with `pg_dump`.
pub async fn backup(db: &Db, target: &Path) -> Result<()> {
    let Db::Sqlite(pool) = db else {
        return Err(StoreError::Invalid(
            "sur PostgreSQL, la sauvegarde se fait avec pg_dump (voir le README)".to_owned(),
        ));
    };
    if target.exists() {
        return Err(StoreError::Invalid(format!(
            "le fichier {} existe déjà",
            target.display()
        )));
    }
    let target = target
        .to_str()
        .ok_or_else(|| StoreError::Invalid("chemin de sauvegarde illisible".to_owned()))?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(pool)
        .await?;
    Ok(())
}

/// Checks that `source` is a Territoire backup: an SQLite file whose integrity check passes
/// and that holds the platform's tables.
pub async fn check_backup(source: &Path) -> Result<()> {
    let options = SqliteConnectOptions::new().filename(source).read_only(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|_| not_a_backup(source))?;
    let integrity: Option<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .ok();
    let tables: Option<i64> = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('people', 'establishments', '_sqlx_migrations')",
    )
    .fetch_one(&pool)
    .await
    .ok();
    pool.close().await;
    if integrity.as_deref() == Some("ok") && tables == Some(3) {
        Ok(())
    } else {
        Err(not_a_backup(source))
    }
}

fn not_a_backup(source: &Path) -> StoreError {
    StoreError::Invalid(format!(
        "{} n'est pas une sauvegarde de Territoire valide",
        source.display()
    ))
}

/// Replaces the SQLite database file at `database` with the backup `source` (the server must
/// be stopped). The previous file is kept beside it as `.avant-restauration`.
pub async fn restore(source: &Path, database: &Path) -> Result<()> {
    check_backup(source).await?;
    let staging = database.with_extension("restauration");
    std::fs::copy(source, &staging)?;
    if database.exists() {
        std::fs::rename(database, database.with_extension("avant-restauration"))?;
    }
    for suffix in ["-wal", "-shm"] {
        let side = Path::new(&format!("{}{suffix}", database.display())).to_path_buf();
        if side.exists() {
            std::fs::remove_file(side)?;
        }
    }
    std::fs::rename(&staging, database)?;
    Ok(())
}
