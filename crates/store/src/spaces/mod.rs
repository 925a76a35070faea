//! Exchange spaces: the spaces, their members and roles, their recent activity; the blog, the
//! forum and the shared folders each have their module.

pub mod blog;
pub mod chat;
pub mod folders;
pub mod forum;
pub mod locks;
pub mod pads;

use domain::ids::{PersonId, SpaceId, TerritoryId};
use domain::policy::SpaceAccess;
use domain::spaces::{SpaceContent, SpaceKind, SpaceRole, SpaceVisibility};

use crate::db::{BeginWrite, on, record_change};
use crate::{Db, Result, StoreError, now};

/// Adds a line to a space's recent activity, inside a write transaction.
macro_rules! record_activity {
    ($tx:ident, $space:expr, $person:expr, $message:expr, $link:expr) => {
        sqlx::query(
            "INSERT INTO space_activity (space_id, person_id, message, link, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($space)
        .bind($person)
        .bind($message)
        .bind($link)
        .bind($crate::now())
        .execute(&mut *$tx)
        .await?
    };
}
pub(crate) use record_activity;

/// Notifies people (ids) inside a write transaction.
macro_rules! notify {
    ($tx:ident, $people:expr, $message:expr, $link:expr) => {
        for person in $people {
            sqlx::query(
                "INSERT INTO notifications (person_id, message, link, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(person)
            .bind(&$message)
            .bind(&$link)
            .bind($crate::now())
            .execute(&mut *$tx)
            .await?;
        }
    };
}
pub(crate) use notify;

/// Refuses, inside a write transaction, a change that leaves a space without an owner.
macro_rules! keeps_an_owner {
    ($tx:ident, $space:expr) => {{
        let owners: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM space_members WHERE space_id = $1 AND role = 'owner'",
        )
        .bind($space)
        .fetch_one(&mut *$tx)
        .await?;
        if owners == 0 {
            return Err(StoreError::Conflict(
                "un espace doit garder au moins un responsable".to_owned(),
            ));
        }
    }};
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Space {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub territory_id: Option<i64>,
    pub visibility: String,
    pub quota_bytes: i64,
    pub used_bytes: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
}

impl Space {
    pub fn id(&self) -> SpaceId {
        SpaceId(self.id)
    }

    pub fn visibility(&self) -> SpaceVisibility {
        SpaceVisibility::from_code(&self.visibility).unwrap_or(SpaceVisibility::Members)
    }

    pub fn kind(&self) -> SpaceKind {
        SpaceKind::from_code(&self.kind).unwrap_or(SpaceKind::Group)
    }
}

const SPACE_COLUMNS: &str = "s.id, s.name, s.description, s.kind, s.territory_id, s.visibility, \
    s.quota_bytes, s.used_bytes, s.created_by, s.created_at";

/// Creates a space whose first owner is its creator.
pub async fn create(
    db: &Db,
    content: &SpaceContent,
    territory: Option<TerritoryId>,
    creator: PersonId,
    quota_bytes: i64,
) -> Result<SpaceId> {
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO spaces (name, description, kind, territory_id, visibility, quota_bytes, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&content.name).bind(&content.description).bind(content.kind.code())
        .bind(territory.map(|t| t.0)).bind(content.visibility.code()).bind(quota_bytes)
        .bind(creator.0).bind(at)
        .fetch_one(&mut *tx).await?;
        sqlx::query("INSERT INTO space_members (space_id, person_id, role, added_at) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(creator.0).bind(SpaceRole::Owner.code()).bind(at)
            .execute(&mut *tx).await?;
        record_activity!(tx, id, creator.0, "Espace créé", format!("/espaces/{id}"));
        tx.commit().await?;
        Ok(SpaceId(id))
    })
}

/// Changes the name, description and visibility of a space; its topics are searched anew
/// (who may find them changes with the visibility).
pub async fn update(db: &Db, space: SpaceId, content: &SpaceContent) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE spaces SET name = $1, description = $2, visibility = $3, kind = $4 WHERE id = $5",
        ).bind(&content.name).bind(&content.description).bind(content.visibility.code())
         .bind(content.kind.code()).bind(space.0).execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        let topics: Vec<i64> = sqlx::query_scalar("SELECT id FROM forum_topics WHERE space_id = $1")
            .bind(space.0).fetch_all(&mut *tx).await?;
        for topic in topics {
            record_change!(db, tx, forum::DOCUMENT_KIND, topic);
        }
        tx.commit().await?;
        Ok(())
    })
}

pub async fn get(db: &Db, space: SpaceId) -> Result<Space> {
    let sql = format!("SELECT {SPACE_COLUMNS} FROM spaces s WHERE s.id = $1");
    Ok(on!(db, pool => sqlx::query_as::<_, Space>(&sql).bind(space.0).fetch_one(pool).await)?)
}

/// A space with what the policy needs to know of the caller's place in it, in one query.
pub async fn access(
    db: &Db,
    space: SpaceId,
    person: Option<PersonId>,
) -> Result<(Space, SpaceAccess)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        space: Space,
        role: Option<String>,
        member_of_territory: bool,
        exceptional: bool,
    }
    let sql = format!(
        "SELECT {SPACE_COLUMNS}, m.role, \
         EXISTS (SELECT 1 FROM territory_members tm WHERE tm.territory_id = s.territory_id AND tm.person_id = $2) \
            AS member_of_territory, \
         {} AS exceptional \
         FROM spaces s LEFT JOIN space_members m ON m.space_id = s.id AND m.person_id = $2 WHERE s.id = $1",
        crate::accounts::exceptional::held("space", "s.id", "$2", "$3")
    );
    let row = on!(db, pool => sqlx::query_as::<_, Row>(&sql)
        .bind(space.0).bind(person.map_or(0, |p| p.0)).bind(now()).fetch_one(pool).await)?;
    let access = SpaceAccess {
        role: row.role.as_deref().and_then(SpaceRole::from_code),
        visibility: row.space.visibility(),
        member_of_territory: row.member_of_territory,
        exceptional: row.exceptional,
    };
    Ok((row.space, access))
}

/// A space in a list, with the caller's role if they are a member.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SpaceSummary {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub visibility: String,
    pub territory_name: Option<String>,
    pub members: i64,
    pub role: Option<String>,
}

impl SpaceSummary {
    pub fn role(&self) -> Option<SpaceRole> {
        self.role.as_deref().and_then(SpaceRole::from_code)
    }
}

/// The spaces a person may read: theirs first, then those open to them (administrators
/// included: a members-only space is its members'), by name; at most `limit`.
pub async fn readable(db: &Db, person: PersonId, limit: i64) -> Result<Vec<SpaceSummary>> {
    let sql = "SELECT s.id, s.name, s.description, s.kind, s.visibility, t.name AS territory_name, \
         (SELECT COUNT(*) FROM space_members c WHERE c.space_id = s.id) AS members, m.role \
         FROM spaces s \
         LEFT JOIN territories t ON t.id = s.territory_id \
         LEFT JOIN space_members m ON m.space_id = s.id AND m.person_id = $1 \
         WHERE m.role IS NOT NULL OR s.visibility = 'platform' \
            OR (s.visibility = 'territory' AND EXISTS (SELECT 1 FROM territory_members tm \
                WHERE tm.territory_id = s.territory_id AND tm.person_id = $1)) \
         ORDER BY m.role IS NULL, s.name LIMIT $2";
    Ok(on!(db, pool => sqlx::query_as::<_, SpaceSummary>(sql)
        .bind(person.0).bind(limit).fetch_all(pool).await)?)
}

/// A space of a person's with what they have not read yet.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Unread {
    pub id: i64,
    pub name: String,
    /// Chat messages of others not read yet, in the space's rooms.
    pub messages: i64,
    /// Forum topics with messages not read yet.
    pub topics: i64,
}

/// The spaces `person` is a member of where something waits unread, by name.
pub async fn unread_of_person(db: &Db, person: PersonId) -> Result<Vec<Unread>> {
    let rows = on!(db, pool => sqlx::query_as::<_, Unread>(
        "SELECT s.id, s.name, \
         (SELECT COUNT(*) FROM chat_messages m JOIN chat_rooms r ON r.id = m.room_id WHERE r.space_id = s.id \
            AND m.id > COALESCE((SELECT cr.last_read_id FROM chat_reads cr WHERE cr.room_id = r.id AND cr.person_id = $1), 0) \
            AND m.deleted_by IS NULL AND (m.author_id IS NULL OR m.author_id <> $1)) AS messages, \
         (SELECT COUNT(*) FROM forum_topics t LEFT JOIN forum_reads fr ON fr.topic_id = t.id AND fr.person_id = $1 \
            WHERE t.space_id = s.id AND NOT t.hidden AND t.last_seq > COALESCE(fr.last_seq, 0)) AS topics \
         FROM space_members sm JOIN spaces s ON s.id = sm.space_id WHERE sm.person_id = $1 ORDER BY s.name",
    ).bind(person.0).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .filter(|r| r.messages > 0 || r.topics > 0)
        .collect())
}

/// The spaces of a territory (for its page and for the search filter).
pub async fn of_territory(db: &Db, territory: TerritoryId) -> Result<Vec<(i64, String)>> {
    Ok(on!(db, pool => sqlx::query_as::<_, (i64, String)>(
        "SELECT id, name FROM spaces WHERE territory_id = $1 ORDER BY name",
    ).bind(territory.0).fetch_all(pool).await)?)
}

/// The ids of the spaces a person is a member of.
pub async fn ids_of_person(db: &Db, person: PersonId) -> Result<Vec<i64>> {
    Ok(on!(db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT space_id FROM space_members WHERE person_id = $1",
    ).bind(person.0).fetch_all(pool).await)?)
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Member {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub function: String,
    pub role: String,
    pub added_at: i64,
}

impl Member {
    pub fn role(&self) -> SpaceRole {
        SpaceRole::from_code(&self.role).unwrap_or(SpaceRole::Reader)
    }

    /// How to mention them: `@marie-curie`.
    pub fn handle(&self) -> String {
        domain::spaces::handle(&self.name)
    }
}

/// The members of a space, owners first, then by name.
pub async fn members(db: &Db, space: SpaceId) -> Result<Vec<Member>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Member>(
        "SELECT p.id AS person_id, p.name, p.email, p.function, m.role, m.added_at FROM space_members m \
         JOIN people p ON p.id = m.person_id WHERE m.space_id = $1 \
         ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'moderator' THEN 1 WHEN 'member' THEN 2 ELSE 3 END, p.name",
    ).bind(space.0).fetch_all(pool).await)?)
}

/// Adds a member or changes their role. A space always keeps an owner.
pub async fn set_member(
    db: &Db,
    space: SpaceId,
    person: PersonId,
    role: SpaceRole,
    by: PersonId,
) -> Result<()> {
    let name: String = on!(db, pool => sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
        .bind(person.0).fetch_one(pool).await)?;
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT role FROM space_members WHERE space_id = $1 AND person_id = $2",
        ).bind(space.0).bind(person.0).fetch_optional(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO space_members (space_id, person_id, role, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (space_id, person_id) DO UPDATE SET role = excluded.role",
        ).bind(space.0).bind(person.0).bind(role.code()).bind(now()).execute(&mut *tx).await?;
        keeps_an_owner!(tx, space.0);
        let message = match previous {
            None => format!("{name} a rejoint l'espace ({})", role.label().to_lowercase()),
            Some(_) => format!("{name} : rôle changé en « {} »", role.label().to_lowercase()),
        };
        record_activity!(tx, space.0, by.0, message, format!("/espaces/{}/membres", space.0));
        if previous.is_none() && person != by {
            sqlx::query("INSERT INTO notifications (person_id, message, link, created_at) \
                         SELECT $1, 'Vous avez été ajouté(e) à l''espace « ' || name || ' »', $2, $3 FROM spaces WHERE id = $4")
                .bind(person.0).bind(format!("/espaces/{}", space.0)).bind(now()).bind(space.0)
                .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// Takes a person out of a space. A space always keeps an owner.
pub async fn remove_member(db: &Db, space: SpaceId, person: PersonId, by: PersonId) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let name: Option<String> = sqlx::query_scalar(
            "SELECT p.name FROM space_members m JOIN people p ON p.id = m.person_id \
             WHERE m.space_id = $1 AND m.person_id = $2",
        ).bind(space.0).bind(person.0).fetch_optional(&mut *tx).await?;
        let Some(name) = name else {
            return Err(StoreError::NotFound);
        };
        sqlx::query("DELETE FROM space_members WHERE space_id = $1 AND person_id = $2")
            .bind(space.0).bind(person.0).execute(&mut *tx).await?;
        keeps_an_owner!(tx, space.0);
        record_activity!(tx, space.0, by.0, format!("{name} a quitté l'espace"), format!("/espaces/{}/membres", space.0));
        tx.commit().await?;
        Ok(())
    })
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Activity {
    pub person_name: Option<String>,
    pub message: String,
    pub link: String,
    pub at: i64,
}

/// The latest things that happened in a space, newest first.
pub async fn activity(db: &Db, space: SpaceId, limit: i64) -> Result<Vec<Activity>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Activity>(
        "SELECT p.name AS person_name, a.message, a.link, a.at FROM space_activity a \
         LEFT JOIN people p ON p.id = a.person_id WHERE a.space_id = $1 ORDER BY a.id DESC LIMIT $2",
    ).bind(space.0).bind(limit).fetch_all(pool).await)?)
}

/// The person an e-mail address belongs to, for adding members by address.
pub async fn person_by_email(db: &Db, email: &str) -> Result<Option<(i64, String)>> {
    Ok(on!(db, pool => sqlx::query_as::<_, (i64, String)>(
        "SELECT id, name FROM people WHERE email = $1",
    ).bind(email.trim().to_lowercase()).fetch_optional(pool).await)?)
}

/// The spaces a person is responsible for (where they may bring people in), by name.
pub async fn owned_by(db: &Db, person: PersonId) -> Result<Vec<(i64, String)>> {
    Ok(on!(db, pool => sqlx::query_as::<_, (i64, String)>(
        "SELECT s.id, s.name FROM space_members m JOIN spaces s ON s.id = m.space_id \
         WHERE m.person_id = $1 AND m.role = 'owner' ORDER BY s.name, s.id",
    ).bind(person.0).fetch_all(pool).await)?)
}
