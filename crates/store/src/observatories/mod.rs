//! Observatories: who pilots them, who organises their visits (referents) and who observes;
//! the visit requests of establishments and the visits proposed for them.

pub mod visits;

use domain::ids::{ObservatoryId, PersonId, TerritoryId};

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

/// A person's role in an observatory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Pilot,
    Referent,
    Observer,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pilot => "pilot",
            Self::Referent => "referent",
            Self::Observer => "observer",
        }
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Observatory {
    pub id: i64,
    pub territory_id: Option<i64>,
    pub space_id: Option<i64>,
    pub name: String,
    pub theme: String,
    pub scope: String,
    pub research_question: String,
    pub inspe_partner: String,
    pub created_at: i64,
}

impl Observatory {
    pub fn id(&self) -> ObservatoryId {
        ObservatoryId(self.id)
    }
}

/// What an observatory is when it is created.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewObservatory {
    pub territory: Option<TerritoryId>,
    pub name: String,
    pub theme: String,
    pub scope: String,
    pub research_question: String,
    pub inspe_partner: String,
}

/// Creates an observatory with its pilots, referents and observers.
pub async fn create(
    db: &Db,
    new: &NewObservatory,
    pilots: &[PersonId],
    referents: &[PersonId],
    observers: &[PersonId],
    by: PersonId,
) -> Result<ObservatoryId> {
    let at = now();
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO observatories (territory_id, name, theme, scope, research_question, inspe_partner, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        ).bind(new.territory.map(|t| t.0)).bind(&new.name).bind(&new.theme).bind(&new.scope)
         .bind(&new.research_question).bind(&new.inspe_partner).bind(by.0).bind(at)
         .fetch_one(&mut *tx).await?;
        for (role, people) in [(Role::Pilot, pilots), (Role::Referent, referents), (Role::Observer, observers)] {
            for person in people {
                let added = sqlx::query(
                    "INSERT INTO observatory_members (observatory_id, person_id, role, added_at) \
                     SELECT $1, id, $3, $4 FROM people WHERE id = $2 ON CONFLICT DO NOTHING",
                ).bind(id).bind(person.0).bind(role.code()).bind(at).execute(&mut *tx).await?.rows_affected();
                if added == 0 {
                    return Err(StoreError::Invalid(format!("aucune personne n° {person}")));
                }
            }
        }
        tx.commit().await?;
        id
    });
    Ok(ObservatoryId(id))
}

pub async fn get(db: &Db, id: ObservatoryId) -> Result<Observatory> {
    Ok(on!(db, pool => sqlx::query_as::<_, Observatory>(
        "SELECT id, territory_id, space_id, name, theme, scope, research_question, inspe_partner, created_at \
         FROM observatories WHERE id = $1",
    ).bind(id.0).fetch_one(pool).await)?)
}

/// The people of an observatory who hold `role`, by name.
pub async fn members(db: &Db, id: ObservatoryId, role: Role) -> Result<Vec<(i64, String)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT p.id, p.name FROM observatory_members m JOIN people p ON p.id = m.person_id \
         WHERE m.observatory_id = $1 AND m.role = $2 ORDER BY p.name, p.id",
    ).bind(id.0).bind(role.code()).fetch_all(pool).await)?)
}

/// The roles `person` holds in an observatory.
pub async fn roles(db: &Db, id: ObservatoryId, person: PersonId) -> Result<Vec<Role>> {
    let codes: Vec<String> = on!(db, pool => sqlx::query_scalar(
        "SELECT role FROM observatory_members WHERE observatory_id = $1 AND person_id = $2",
    ).bind(id.0).bind(person.0).fetch_all(pool).await)?;
    Ok([Role::Pilot, Role::Referent, Role::Observer]
        .into_iter()
        .filter(|r| codes.iter().any(|c| c == r.code()))
        .collect())
}
