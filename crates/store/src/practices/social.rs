//! Around a practice: comments, "j'ai essayé" trials, bookmarks, follows and notifications.

use domain::ids::{PersonId, PracticeId};

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Comment {
    pub id: i64,
    pub person_id: i64,
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

/// Tells the authors of a practice (but `except`) that something happened to it.
macro_rules! notify_authors {
    ($tx:ident, $practice:expr, $except:expr, $message:expr, $link:expr) => {
        sqlx::query(
            "INSERT INTO notifications (person_id, message, link, created_at) \
             SELECT person_id, $1, $2, $3 FROM practice_authors WHERE practice_id = $4 AND person_id <> $5",
        )
        .bind($message)
        .bind($link)
        .bind(now())
        .bind($practice)
        .bind($except)
        .execute(&mut *$tx)
        .await?
    };
}

async fn practice_title(db: &Db, practice: PracticeId) -> Result<String> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT title FROM practices WHERE id = $1")
        .bind(practice.0).fetch_one(pool).await)?,
    )
}

pub async fn add_comment(
    db: &Db,
    practice: PracticeId,
    person: PersonId,
    body: &str,
) -> Result<i64> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > 5_000 {
        return Err(StoreError::Invalid(
            "un commentaire compte de 1 à 5 000 caractères".to_owned(),
        ));
    }
    let title = practice_title(db, practice).await?;
    let message = format!("Nouveau commentaire sur « {title} »");
    let link = format!("/pratiques/{}#commentaires", practice.0);
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO practice_comments (practice_id, person_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        ).bind(practice.0).bind(person.0).bind(body).bind(now()).fetch_one(&mut *tx).await?;
        notify_authors!(tx, practice.0, person.0, &message, &link);
        tx.commit().await?;
        Ok(id)
    })
}

pub async fn comments(db: &Db, practice: PracticeId) -> Result<Vec<Comment>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Comment>(
        "SELECT c.id, c.person_id, pe.name AS author, c.body, c.created_at FROM practice_comments c \
         JOIN people pe ON pe.id = c.person_id WHERE c.practice_id = $1 ORDER BY c.id"
    ).bind(practice.0).fetch_all(pool).await)?)
}

/// A "j'ai essayé" report: who tried the practice, where, when, what they adapted, how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTrial {
    pub establishment: Option<domain::directory::Uai>,
    /// `AAAA-MM-JJ`.
    pub tried_on: time::Date,
    pub adaptations: String,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Trial {
    pub id: i64,
    pub person_id: i64,
    pub person: String,
    pub establishment: Option<String>,
    pub commune: Option<String>,
    pub tried_on: String,
    pub adaptations: String,
    pub outcome: String,
    pub created_at: i64,
}

pub async fn add_trial(
    db: &Db,
    practice: PracticeId,
    person: PersonId,
    trial: &NewTrial,
) -> Result<i64> {
    if trial.outcome.trim().is_empty() {
        return Err(StoreError::Invalid(
            "dites comment cela s'est passé".to_owned(),
        ));
    }
    if trial.tried_on > time::OffsetDateTime::now_utc().date() {
        return Err(StoreError::Invalid(
            "la date de l'essai ne peut pas être dans le futur".to_owned(),
        ));
    }
    let establishment =
        match &trial.establishment {
            Some(uai) => Some(crate::directory::id_of(db, uai).await?.ok_or_else(|| {
                StoreError::Invalid(format!("aucun établissement n'a l'UAI {uai}"))
            })?),
            None => None,
        };
    let title = practice_title(db, practice).await?;
    let message = format!("Quelqu'un a essayé « {title} »");
    let link = format!("/pratiques/{}#essais", practice.0);
    let tried_on = domain::practices::consent::format_date(trial.tried_on);
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO practice_trials (practice_id, person_id, establishment_id, tried_on, adaptations, outcome, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        ).bind(practice.0).bind(person.0).bind(establishment).bind(&tried_on)
        .bind(trial.adaptations.trim()).bind(trial.outcome.trim()).bind(now()).fetch_one(&mut *tx).await?;
        notify_authors!(tx, practice.0, person.0, &message, &link);
        tx.commit().await?;
        Ok(id)
    })
}

pub async fn trials(db: &Db, practice: PracticeId) -> Result<Vec<Trial>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Trial>(
        "SELECT t.id, t.person_id, pe.name AS person, e.name AS establishment, e.commune_name AS commune, t.tried_on, \
         t.adaptations, t.outcome, t.created_at FROM practice_trials t JOIN people pe ON pe.id = t.person_id \
         LEFT JOIN establishments e ON e.id = t.establishment_id WHERE t.practice_id = $1 ORDER BY t.tried_on DESC, t.id DESC"
    ).bind(practice.0).fetch_all(pool).await)?)
}

/// Bookmarks a practice, or removes the bookmark; returns whether it is now bookmarked.
pub async fn toggle_bookmark(db: &Db, person: PersonId, practice: PracticeId) -> Result<bool> {
    let removed = on!(db, pool => sqlx::query("DELETE FROM bookmarks WHERE person_id = $1 AND practice_id = $2")
        .bind(person.0).bind(practice.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if removed > 0 {
        return Ok(false);
    }
    on!(db, pool => sqlx::query("INSERT INTO bookmarks (person_id, practice_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(person.0).bind(practice.0).bind(now()).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(true)
}

pub async fn is_bookmarked(db: &Db, person: PersonId, practice: PracticeId) -> Result<bool> {
    Ok(
        on!(db, pool => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM bookmarks WHERE person_id = $1 AND practice_id = $2")
        .bind(person.0).bind(practice.0).fetch_one(pool).await)?
            > 0,
    )
}

/// The practices a person bookmarked (those they may still read are for the caller to keep).
pub async fn bookmarks(db: &Db, person: PersonId) -> Result<Vec<i64>> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT practice_id FROM bookmarks WHERE person_id = $1 ORDER BY created_at DESC")
        .bind(person.0).fetch_all(pool).await)?,
    )
}

/// What a person can follow: another person, a tag (`vocabulary:code`) or a territory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowTarget {
    Person(PersonId),
    Tag(domain::practices::Tag),
    Territory(domain::ids::TerritoryId),
}

impl FollowTarget {
    fn key(&self) -> (&'static str, String) {
        match self {
            Self::Person(p) => ("person", p.0.to_string()),
            Self::Tag(t) => ("tag", format!("{}:{}", t.vocabulary.code(), t.code)),
            Self::Territory(t) => ("territory", t.0.to_string()),
        }
    }
}

/// Follows, or stops following; returns whether the person now follows the target.
pub async fn toggle_follow(db: &Db, person: PersonId, target: &FollowTarget) -> Result<bool> {
    let (kind, key) = target.key();
    let removed = on!(db, pool => sqlx::query("DELETE FROM follows WHERE person_id = $1 AND target_kind = $2 AND target = $3")
        .bind(person.0).bind(kind).bind(&key).execute(pool).await.map(|r| r.rows_affected()))?;
    if removed > 0 {
        return Ok(false);
    }
    on!(db, pool => sqlx::query("INSERT INTO follows (person_id, target_kind, target, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
        .bind(person.0).bind(kind).bind(&key).bind(now()).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(true)
}

/// Everything a person follows, as `kind:key` (`person:12`, `tag:level:cycle-3`, `territory:3`).
pub async fn followed(db: &Db, person: PersonId) -> Result<Vec<String>> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "SELECT target_kind || ':' || target FROM follows WHERE person_id = $1"
    ).bind(person.0).fetch_all(pool).await)?)
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub message: String,
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A person's latest notifications, newest first.
pub async fn notifications(db: &Db, person: PersonId, limit: i64) -> Result<Vec<Notification>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Notification>(
        "SELECT id, message, link, created_at, read_at FROM notifications WHERE person_id = $1 ORDER BY id DESC LIMIT $2"
    ).bind(person.0).bind(limit).fetch_all(pool).await)?)
}

pub async fn unread_notifications(db: &Db, person: PersonId) -> Result<i64> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE person_id = $1 AND read_at IS NULL")
        .bind(person.0).fetch_one(pool).await)?,
    )
}

pub async fn mark_notifications_read(db: &Db, person: PersonId) -> Result<()> {
    on!(db, pool => sqlx::query("UPDATE notifications SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL")
        .bind(now()).bind(person.0).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Whether a person gets a daily mail digest of their unread notifications.
pub async fn set_digest(db: &Db, person: PersonId, digest: bool) -> Result<()> {
    on!(db, pool => sqlx::query("UPDATE people SET digest = $1 WHERE id = $2")
        .bind(digest).bind(person.0).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn digest(db: &Db, person: PersonId) -> Result<bool> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT digest FROM people WHERE id = $1")
        .bind(person.0).fetch_one(pool).await)?,
    )
}

/// A person to send the daily digest to, with their unread notifications not yet mailed.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub person: i64,
    pub email: String,
    pub name: String,
    pub notifications: Vec<Notification>,
}

/// The digests due: people who asked for one and have unread notifications not yet mailed.
pub async fn digests_due(db: &Db) -> Result<Vec<Digest>> {
    let rows: Vec<(i64, String, String, i64, String, String, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT p.id, p.email, p.name, n.id, n.message, n.link, n.created_at FROM notifications n \
         JOIN people p ON p.id = n.person_id WHERE p.digest = $1 AND n.read_at IS NULL AND n.mailed_at IS NULL \
         ORDER BY p.id, n.id"
    ).bind(true).fetch_all(pool).await)?;
    let mut digests: Vec<Digest> = Vec::new();
    for (person, email, name, id, message, link, created_at) in rows {
        if digests.last().is_none_or(|d| d.person != person) {
            digests.push(Digest {
                person,
                email,
                name,
                notifications: Vec::new(),
            });
        }
        if let Some(d) = digests.last_mut() {
            d.notifications.push(Notification {
                id,
                message,
                link,
                created_at,
                read_at: None,
            });
        }
    }
    Ok(digests)
}

/// Marks these notifications as sent by mail.
pub async fn mark_mailed(db: &Db, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        on!(db, pool => sqlx::query(&format!("UPDATE notifications SET mailed_at = $1 WHERE id IN ({list})"))
            .bind(now()).execute(pool).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}
