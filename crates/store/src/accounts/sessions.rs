//! Sessions: opened at sign-in, ended by sign-out, by their idle or absolute timeout, by the
//! person from another device, or all at once when the account is disabled or its password
//! reset.

use domain::ids::PersonId;

use super::{ACTIVE, PERSON_COLUMNS, Person, new_token, token_hash};
use crate::db::on;
use crate::{Db, Result, StoreError, now};

/// How a session was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignInMethod {
    #[default]
    Password,
    SingleSignOn,
    Invitation,
}

impl SignInMethod {
    pub fn code(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::SingleSignOn => "sso",
            Self::Invitation => "invitation",
        }
    }

    pub fn label(code: &str) -> &'static str {
        match code {
            "sso" => "compte académique",
            "invitation" => "invitation",
            _ => "mot de passe",
        }
    }
}

/// Where a session comes from, as the person sees it in their list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: String,
    pub user_agent: String,
    pub method: SignInMethod,
}

/// A session as listed to its owner; `id` is the digest of its token, never the token.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub ip: String,
    pub user_agent: String,
    pub method: String,
}

/// Opens a session that ends at the latest `absolute_secs` from now (and forgets expired
/// ones); returns the token to put in the cookie.
pub async fn create_session(
    db: &Db,
    person: PersonId,
    absolute_secs: i64,
    origin: &Origin,
) -> Result<String> {
    let (raw, hash) = new_token();
    let created = now();
    on!(db, pool => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(created).execute(pool).await.map(|r| r.rows_affected()))?;
    let user_agent: String = origin.user_agent.chars().take(300).collect();
    on!(db, pool => sqlx::query(
        "INSERT INTO sessions (token_hash, person_id, created_at, expires_at, last_seen_at, ip, user_agent, method) \
         VALUES ($1, $2, $3, $4, $3, $5, $6, $7)",
    )
    .bind(&hash).bind(person.0).bind(created).bind(created + absolute_secs).bind(&origin.ip)
    .bind(&user_agent).bind(origin.method.code()).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(raw)
}

/// The person of a session that is neither past its absolute end nor idle for more than
/// `idle_secs`, and whose account is active. Its activity is written down at most once a
/// minute.
pub async fn session_person(db: &Db, token: &str, idle_secs: i64) -> Result<Option<Person>> {
    let at = now();
    let hash = token_hash(token);
    let sql = format!(
        "SELECT {PERSON_COLUMNS}, s.last_seen_at AS session_seen FROM sessions s JOIN people p ON p.id = s.person_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND {}",
        ACTIVE.replace("$now", "$2")
    );
    let found = on!(db, pool => {
        let row = sqlx::query(&sql).bind(&hash).bind(at).bind(at - idle_secs).fetch_optional(pool).await?;
        row.map(|row| {
            use sqlx::{FromRow, Row};
            Ok::<_, sqlx::Error>((Person::from_row(&row)?, row.try_get::<i64, _>("session_seen")?))
        })
        .transpose()
    })?;
    let Some((person, seen)) = found else {
        return Ok(None);
    };
    if seen < at - 60 {
        on!(db, pool => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(at).bind(&hash).execute(pool).await.map(|r| r.rows_affected()))?;
        on!(db, pool => sqlx::query("UPDATE people SET last_seen_at = $1 WHERE id = $2")
            .bind(at).bind(person.id).execute(pool).await.map(|r| r.rows_affected()))?;
    }
    Ok(Some(person))
}

/// Ends the session of this token (sign-out).
pub async fn delete_session(db: &Db, token: &str) -> Result<()> {
    on!(db, pool => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token)).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A person's open sessions, the most recently used first.
pub async fn list(db: &Db, person: PersonId, idle_secs: i64) -> Result<Vec<Session>> {
    let at = now();
    Ok(on!(db, pool => sqlx::query_as::<_, Session>(
        "SELECT token_hash AS id, created_at, last_seen_at, expires_at, ip, user_agent, method FROM sessions \
         WHERE person_id = $1 AND expires_at > $2 AND last_seen_at > $3 ORDER BY last_seen_at DESC, created_at DESC",
    ).bind(person.0).bind(at).bind(at - idle_secs).fetch_all(pool).await)?)
}

/// The id (as listed) of the session of a token.
pub fn id_of(token: &str) -> String {
    token_hash(token)
}

/// Ends one of a person's sessions; another person's id is not found.
pub async fn revoke(db: &Db, person: PersonId, id: &str) -> Result<()> {
    let removed = on!(db, pool => sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND token_hash = $2")
        .bind(person.0).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Ends every session of a person but `keep` (a token digest); returns how many ended.
pub async fn revoke_others(db: &Db, person: PersonId, keep: &str) -> Result<u64> {
    Ok(
        on!(db, pool => sqlx::query("DELETE FROM sessions WHERE person_id = $1 AND token_hash <> $2")
        .bind(person.0).bind(keep).execute(pool).await.map(|r| r.rows_affected()))?,
    )
}

/// Disables or re-enables an account; disabling ends all its sessions at once.
pub async fn set_disabled(db: &Db, person: PersonId, disabled: bool) -> Result<()> {
    use crate::db::BeginWrite;
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = if disabled {
            sqlx::query("UPDATE people SET disabled_at = COALESCE(disabled_at, $1) WHERE id = $2 AND closed_at IS NULL")
                .bind(now()).bind(person.0).execute(&mut *tx).await?.rows_affected()
        } else {
            sqlx::query("UPDATE people SET disabled_at = NULL WHERE id = $1 AND closed_at IS NULL")
                .bind(person.0).execute(&mut *tx).await?.rows_affected()
        };
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE person_id = $1").bind(person.0).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}
