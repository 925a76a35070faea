use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// A pool on one of the two databases.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// An aggregate joining a column's values with commas (`1,4,7`).
    pub(crate) fn comma_list(self, column: &str) -> String {
        match self {
            Self::Sqlite => format!("GROUP_CONCAT({column}, ',')"),
            Self::Postgres => format!("STRING_AGG(CAST({column} AS TEXT), ',')"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("introuvable")]
    NotFound,
    #[error("déjà existant : {0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
    /// A space has no room left for a file.
    #[error("{0}")]
    QuotaExceeded(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict(db.constraint().unwrap_or("unique").to_owned())
            }
            _ => Self::Database(error),
        }
    }
}

/// Runs the same code on whichever pool `$db` holds: `on!(db, pool => query.fetch_all(pool).await)`.
macro_rules! on {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on;

/// Records, as the last statement of a write transaction, that a searchable document changed.
/// On PostgreSQL the change log stays locked until the commit, so that its sequence numbers
/// become visible in order and every node can follow it with a plain `seq > last` read;
/// SQLite has one writer at a time anyway.
macro_rules! record_change {
    ($db:expr, $tx:ident, $kind:expr, $id:expr) => {{
        if $db.backend() == $crate::Backend::Postgres {
            sqlx::query("LOCK TABLE search_changes IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *$tx)
                .await?;
        }
        sqlx::query("INSERT INTO search_changes (kind, document_id, at) VALUES ($1, $2, $3)")
            .bind($kind)
            .bind($id)
            .bind($crate::now())
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use record_change;

/// Opens a write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
/// so that two writers wait for each other instead of failing on a lock upgrade.
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<sqlx::Transaction<'static, Self::Database>, sqlx::Error>> + Send;
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error>> + Send
    {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error>> + Send
    {
        self.begin()
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects to `sqlite://PATH` (created if missing, WAL, `synchronous=FULL`: a write
    /// acknowledged is on disk) or to `postgres://…`.
    pub async fn connect(url: &str, max_connections: u32) -> crate::Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?.application_name("territoire");
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Self::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-8000")
                .pragma("mmap_size", "268435456")
                .pragma("temp_store", "memory");
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Self::Sqlite(pool))
        } else {
            Err(StoreError::Invalid(format!(
                "adresse de base de données non reconnue : « {url} » (attendu sqlite://… ou postgres://…)"
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the embedded migrations of this dialect (forward-only).
    pub async fn migrate(&self) -> crate::Result<()> {
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Self::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> crate::Result<()> {
        on!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn close(&self) {
        on!(self, pool => pool.close().await);
    }

    /// Connections open and idle, for the metrics.
    pub fn pool_stats(&self) -> (u32, usize) {
        on!(self, pool => (pool.size(), pool.num_idle()))
    }
}

/// The `LIKE` pattern of « contains `text` », for a lower-cased column: its own wildcards
/// are dropped, so that what a person types is matched as typed.
pub(crate) fn contains_pattern(text: &str) -> String {
    format!("%{}%", text.trim().to_lowercase().replace(['%', '_'], ""))
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
