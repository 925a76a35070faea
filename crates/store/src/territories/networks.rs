//! Networks of innovating teachers of a territory: their members and the school year each
//! joined, and the CPC who follows them.

use domain::ids::{PersonId, TerritoryId};

use crate::db::on;
use crate::{Db, Result, StoreError, now};

/// A network with its CPC and its members: (person, name, school year joined).
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub id: i64,
    pub name: String,
    pub cpc: Option<String>,
    pub members: Vec<(i64, String, i32)>,
}

/// Creates a network of the territory, followed by `cpc` if given.
pub async fn create(
    db: &Db,
    territory: TerritoryId,
    name: &str,
    cpc: Option<PersonId>,
) -> Result<i64> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO teacher_networks (territory_id, name, cpc_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    ).bind(territory.0).bind(name).bind(cpc.map(|p| p.0)).bind(now()).fetch_one(pool).await)?)
}

/// Adds a member who joined in the school year `joined` (a member already in keeps the year
/// they joined).
pub async fn add_member(db: &Db, network: i64, person: PersonId, joined: i32) -> Result<()> {
    let added = on!(db, pool => sqlx::query(
        "INSERT INTO network_members (network_id, person_id, joined_year) SELECT $1, id, $3 FROM people WHERE id = $2 \
         ON CONFLICT (network_id, person_id) DO NOTHING",
    ).bind(network).bind(person.0).bind(i64::from(joined)).execute(pool).await.map(|r| r.rows_affected()))?;
    if added == 0 {
        let known: Option<i64> = on!(db, pool => sqlx::query_scalar("SELECT id FROM people WHERE id = $1")
            .bind(person.0).fetch_optional(pool).await)?;
        if known.is_none() {
            return Err(StoreError::Invalid(format!("aucune personne n° {person}")));
        }
    }
    Ok(())
}

/// The territory of a network.
pub async fn territory_of(db: &Db, network: i64) -> Result<TerritoryId> {
    let territory: Option<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT territory_id FROM teacher_networks WHERE id = $1",
    ).bind(network).fetch_optional(pool).await)?;
    territory.map(TerritoryId).ok_or(StoreError::NotFound)
}

/// A member leaves the network (at the end of year 1, for instance).
pub async fn remove_member(db: &Db, network: i64, person: PersonId) -> Result<()> {
    let gone = on!(db, pool => sqlx::query(
        "DELETE FROM network_members WHERE network_id = $1 AND person_id = $2",
    ).bind(network).bind(person.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if gone == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The networks of a territory with their members, the longest-standing first.
pub async fn list(db: &Db, territory: TerritoryId) -> Result<Vec<Network>> {
    let rows: Vec<(i64, String, Option<String>)> = on!(db, pool => sqlx::query_as(
        "SELECT n.id, n.name, p.name FROM teacher_networks n LEFT JOIN people p ON p.id = n.cpc_id \
         WHERE n.territory_id = $1 ORDER BY n.name, n.id",
    ).bind(territory.0).fetch_all(pool).await)?;
    let members: Vec<(i64, i64, String, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT m.network_id, m.person_id, p.name, m.joined_year FROM network_members m \
         JOIN teacher_networks n ON n.id = m.network_id JOIN people p ON p.id = m.person_id \
         WHERE n.territory_id = $1 ORDER BY m.joined_year, p.name",
    ).bind(territory.0).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, cpc)| Network {
            id,
            name,
            cpc,
            members: members
                .iter()
                .filter(|m| m.0 == id)
                .map(|m| (m.1, m.2.clone(), i32::try_from(m.3).unwrap_or(0)))
                .collect(),
        })
        .collect())
}
