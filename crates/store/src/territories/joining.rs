//! Joining a territory: the staff of its establishments join at once where its coordination
//! opened it to them, else ask, and the coordination accepts or refuses; each side is told.

use domain::ids::{PersonId, TerritoryId};
use domain::policy::TerritoryRole;

use crate::db::{BeginWrite, on};
use crate::{Db, Result, now};

/// Whether the territory takes the staff of its establishments without a request.
pub async fn open_to_staff(db: &Db, territory: TerritoryId) -> Result<bool> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "SELECT open_to_staff FROM territories WHERE id = $1",
    ).bind(territory.0).fetch_one(pool).await)?)
}

pub async fn set_open_to_staff(db: &Db, territory: TerritoryId, open: bool) -> Result<()> {
    on!(db, pool => sqlx::query("UPDATE territories SET open_to_staff = $2 WHERE id = $1")
        .bind(territory.0).bind(open).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// Whether the person works in one of the territory's establishments.
pub async fn works_in(db: &Db, territory: TerritoryId, person: PersonId) -> Result<bool> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM person_establishments pe JOIN territory_establishments te \
         ON te.establishment_id = pe.establishment_id WHERE pe.person_id = $1 AND te.territory_id = $2)",
    ).bind(person.0).bind(territory.0).fetch_one(pool).await)?)
}

/// Whether the person asked to join and waits for the answer.
pub async fn waits(db: &Db, territory: TerritoryId, person: PersonId) -> Result<bool> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM territory_join_requests WHERE territory_id = $1 AND person_id = $2)",
    ).bind(territory.0).bind(person.0).fetch_one(pool).await)?)
}

/// Records the person's request; whether it is new (asking again changes nothing).
pub async fn request(db: &Db, territory: TerritoryId, person: PersonId) -> Result<bool> {
    Ok(on!(db, pool => sqlx::query(
        "INSERT INTO territory_join_requests (territory_id, person_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    ).bind(territory.0).bind(person.0).bind(now()).execute(pool).await.map(|r| r.rows_affected() > 0))?)
}

/// Tells the territory's coordination `message`, leading to `link`.
pub async fn tell_coordination(
    db: &Db,
    territory: TerritoryId,
    (message, link): (&str, &str),
) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let coordinators: Vec<i64> = sqlx::query_scalar(
            "SELECT person_id FROM territory_members WHERE territory_id = $1 AND role = $2",
        ).bind(territory.0).bind(TerritoryRole::Coordinator.code()).fetch_all(&mut *tx).await?;
        crate::spaces::notify!(tx, coordinators, message, link);
        tx.commit().await?;
        Ok(())
    })
}

/// A request waiting for the coordination's answer.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JoinRequest {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub function: String,
    pub created_at: i64,
}

/// The requests waiting, oldest first.
pub async fn requests(db: &Db, territory: TerritoryId) -> Result<Vec<JoinRequest>> {
    Ok(on!(db, pool => sqlx::query_as::<_, JoinRequest>(
        "SELECT p.id AS person_id, p.name, p.email, p.function, r.created_at FROM territory_join_requests r \
         JOIN people p ON p.id = r.person_id WHERE r.territory_id = $1 ORDER BY r.created_at, p.id",
    ).bind(territory.0).fetch_all(pool).await)?)
}

/// Takes the request away (answered, or the person became a member); whether there was one.
pub async fn withdraw(db: &Db, territory: TerritoryId, person: PersonId) -> Result<bool> {
    Ok(on!(db, pool => sqlx::query(
        "DELETE FROM territory_join_requests WHERE territory_id = $1 AND person_id = $2",
    ).bind(territory.0).bind(person.0).execute(pool).await.map(|r| r.rows_affected() > 0))?)
}

/// Tells one person `message`, leading to `link` (the answer to their request).
pub async fn tell(db: &Db, person: PersonId, (message, link): (&str, &str)) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::spaces::notify!(tx, [person.0], message, link);
        tx.commit().await?;
        Ok(())
    })
}
