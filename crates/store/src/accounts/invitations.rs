//! Invitations: a coordinator invites a partner or a student by e-mail into chosen spaces, a
//! territory's coordination invites someone without an account into the territory with a
//! role, and a person signing up on their own gets the same kind of link (no spaces, no end
//! date).
//! A link is used once and expires; the account it opens ends on the invitation's date.

use domain::accounts::{Email, Function, PersonName};
use domain::ids::{PersonId, SpaceId, TerritoryId};
use domain::policy::TerritoryRole;
use domain::spaces::SpaceRole;

use super::{new_token, token_hash};
use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub email: Email,
    pub name: PersonName,
    pub function: Function,
    /// None for a person signing up on their own.
    pub inviter: Option<PersonId>,
    pub spaces: Vec<SpaceId>,
    /// The territories the account joins, with its role in each.
    pub territories: Vec<(TerritoryId, TerritoryRole)>,
    /// The end of the account (none: no end).
    pub account_ends_at: Option<i64>,
    /// How long the link stays valid.
    pub ttl_secs: i64,
}

/// Records an invitation; returns its id and the token of its link (mailed, never stored).
pub async fn create(db: &Db, new: &NewInvitation) -> Result<(i64, String)> {
    if super::by_email(db, &new.email).await?.is_some() {
        return Err(StoreError::Conflict(format!(
            "un compte existe déjà pour {} : ajoutez cette personne aux espaces depuis leur page « Membres »",
            new.email
        )));
    }
    let (raw, hash) = new_token();
    let at = now();
    let id = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO invitations (token_hash, email, name, function, inviter_id, account_ends_at, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&hash).bind(new.email.as_str()).bind(new.name.as_str()).bind(new.function.code())
        .bind(new.inviter.map(|p| p.0)).bind(new.account_ends_at).bind(at).bind(at + new.ttl_secs)
        .fetch_one(&mut *tx).await?;
        for space in &new.spaces {
            sqlx::query("INSERT INTO invitation_spaces (invitation_id, space_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id).bind(space.0).execute(&mut *tx).await?;
        }
        for (territory, role) in &new.territories {
            sqlx::query("INSERT INTO invitation_territories (invitation_id, territory_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                .bind(id).bind(territory.0).bind(role.code()).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, StoreError>(id)
    })?;
    Ok((id, raw))
}

/// An invitation as its link shows it, or as its author lists it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub function: String,
    pub inviter_name: Option<String>,
    pub account_ends_at: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    #[sqlx(skip)]
    pub spaces: Vec<String>,
}

impl Invitation {
    /// Whether the link can still open an account at `at`.
    pub fn usable_at(&self, at: i64) -> bool {
        self.used_at.is_none() && self.expires_at > at
    }
}

const COLUMNS: &str = "i.id, i.email, i.name, i.function, p.name AS inviter_name, i.account_ends_at, i.created_at, i.expires_at, i.used_at";

/// The names of what the invitation opens: its spaces, then its territories (« le territoire
/// « … » »).
async fn with_spaces(db: &Db, mut invitation: Invitation) -> Result<Invitation> {
    invitation.spaces = on!(db, pool => sqlx::query_scalar::<_, String>(
        "SELECT s.name FROM invitation_spaces x JOIN spaces s ON s.id = x.space_id WHERE x.invitation_id = $1 ORDER BY s.name",
    ).bind(invitation.id).fetch_all(pool).await)?;
    let territories: Vec<String> = on!(db, pool => sqlx::query_scalar::<_, String>(
        "SELECT t.name FROM invitation_territories x JOIN territories t ON t.id = x.territory_id WHERE x.invitation_id = $1 ORDER BY t.name",
    ).bind(invitation.id).fetch_all(pool).await)?;
    invitation.spaces.extend(
        territories
            .into_iter()
            .map(|t| format!("le territoire apprenant « {t} »")),
    );
    Ok(invitation)
}

/// The invitation of a link, used or expired included (the page says which).
pub async fn by_token(db: &Db, token: &str) -> Result<Option<Invitation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invitations i LEFT JOIN people p ON p.id = i.inviter_id WHERE i.token_hash = $1"
    );
    let found = on!(db, pool => sqlx::query_as::<_, Invitation>(&sql).bind(token_hash(token)).fetch_optional(pool).await)?;
    match found {
        Some(invitation) => Ok(Some(with_spaces(db, invitation).await?)),
        None => Ok(None),
    }
}

/// The invitations a person sent, newest first.
pub async fn sent_by(db: &Db, inviter: PersonId) -> Result<Vec<Invitation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invitations i LEFT JOIN people p ON p.id = i.inviter_id \
         WHERE i.inviter_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT 200"
    );
    let list = on!(db, pool => sqlx::query_as::<_, Invitation>(&sql).bind(inviter.0).fetch_all(pool).await)?;
    let mut out = Vec::with_capacity(list.len());
    for invitation in list {
        out.push(with_spaces(db, invitation).await?);
    }
    Ok(out)
}

/// Uses a link once: opens the account (with this password, ending on the invitation's
/// date) and makes it a member of the invitation's spaces. A used, expired or unknown link
/// is not found.
pub async fn accept(
    db: &Db,
    token: &str,
    password_hash: &str,
) -> Result<(PersonId, Option<PersonId>)> {
    #[derive(sqlx::FromRow)]
    struct Taken {
        id: i64,
        email: String,
        name: String,
        function: String,
        inviter_id: Option<i64>,
        account_ends_at: Option<i64>,
    }
    let at = now();
    let (person, inviter, spaces, territories) = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let taken: Option<Taken> = sqlx::query_as(
            "UPDATE invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING id, email, name, function, inviter_id, account_ends_at",
        ).bind(at).bind(token_hash(token)).fetch_optional(&mut *tx).await?;
        let taken = taken.ok_or(StoreError::NotFound)?;
        let person: i64 = sqlx::query_scalar(
            "INSERT INTO people (email, name, function, password_hash, admin, created_at, ends_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&taken.email).bind(&taken.name).bind(&taken.function).bind(password_hash).bind(false).bind(at)
        .bind(taken.account_ends_at)
        .fetch_one(&mut *tx).await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("un compte existe déjà pour {}", taken.email)),
            other => other,
        })?;
        sqlx::query("UPDATE invitations SET person_id = $1 WHERE id = $2").bind(person).bind(taken.id).execute(&mut *tx).await?;
        let spaces: Vec<i64> = sqlx::query_scalar("SELECT space_id FROM invitation_spaces WHERE invitation_id = $1")
            .bind(taken.id).fetch_all(&mut *tx).await?;
        let territories: Vec<(i64, String)> = sqlx::query_as("SELECT territory_id, role FROM invitation_territories WHERE invitation_id = $1")
            .bind(taken.id).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        Ok::<_, StoreError>((PersonId(person), taken.inviter_id.map(PersonId), spaces, territories))
    })?;
    for (territory, role) in territories {
        let Some(role) = TerritoryRole::from_code(&role) else {
            continue;
        };
        let territory = TerritoryId(territory);
        let summary = crate::territories::summary_of(db, territory).await?;
        let message = domain::territories::role_notice(&summary.name, Some(role));
        let link = format!("/territoires/{}", summary.slug);
        crate::territories::appoint(db, territory, person, role, (&message, &link)).await?;
    }
    for space in spaces {
        crate::spaces::set_member(
            db,
            SpaceId(space),
            person,
            SpaceRole::Member,
            inviter.unwrap_or(person),
        )
        .await?;
    }
    Ok((person, inviter))
}

/// Invitations expired or used before `before` (the retention rule): how many.
pub async fn count_stale(db: &Db, before: i64) -> Result<i64> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitations WHERE expires_at < $1 OR used_at < $1",
    ).bind(before).fetch_one(pool).await)?)
}

/// Deletes the invitations expired or used before `before`; returns how many.
pub async fn purge(db: &Db, before: i64) -> Result<u64> {
    Ok(
        on!(db, pool => sqlx::query("DELETE FROM invitations WHERE expires_at < $1 OR used_at < $1")
        .bind(before).execute(pool).await.map(|r| r.rows_affected()))?,
    )
}
