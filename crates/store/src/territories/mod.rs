//! Territoires apprenants: their establishments, partners, coordinators and members.

pub mod events;
pub mod groups;
pub mod inspe;
pub mod joining;
pub mod launch;
pub mod maturity;
pub mod networks;
pub mod partners;

use domain::accounts::Function;
use domain::ids::{PersonId, TerritoryId};
use domain::policy::TerritoryRole;
use domain::territories::NewTerritory;

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TerritorySummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub establishments: i64,
    pub members: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub function: String,
    pub role: String,
}

/// What a territory's page shows of each of its establishments.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ListedEstablishment {
    pub uai: String,
    pub name: String,
    pub kind: String,
    pub commune_name: String,
}

/// A territory's page lists at most this many establishments (by name); the count is whole.
pub const LISTED_ESTABLISHMENTS: i64 = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct Territory {
    pub summary: TerritorySummary,
    /// The first `LISTED_ESTABLISHMENTS`, by name.
    pub establishments: Vec<ListedEstablishment>,
    pub partners: Vec<Partner>,
    pub coordinators: Vec<Member>,
}

const SUMMARY: &str = "SELECT t.id, t.slug, t.name, t.description, \
    (SELECT COUNT(*) FROM territory_establishments te WHERE te.territory_id = t.id) AS establishments, \
    (SELECT COUNT(*) FROM territory_members tm WHERE tm.territory_id = t.id) AS members \
    FROM territories t";

pub async fn create(db: &Db, new: &NewTerritory) -> Result<TerritoryId> {
    let id = on!(db, pool => sqlx::query_scalar::<_, i64>(
        "INSERT INTO territories (slug, name, description, created_at) VALUES ($1, $2, $3, $4) RETURNING id"
    ).bind(&new.slug).bind(&new.name).bind(&new.description).bind(now()).fetch_one(pool).await)
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("un territoire porte déjà le nom « {} »", new.name)),
        other => other,
    })?;
    Ok(TerritoryId(id))
}

pub async fn list(db: &Db) -> Result<Vec<TerritorySummary>> {
    let sql = format!("{SUMMARY} ORDER BY t.name");
    Ok(on!(db, pool => sqlx::query_as::<_, TerritorySummary>(&sql).fetch_all(pool).await)?)
}

/// A territory's name and counts, by the slug of its address.
pub async fn summary(db: &Db, slug: &str) -> Result<TerritorySummary> {
    let sql = format!("{SUMMARY} WHERE t.slug = $1");
    Ok(
        on!(db, pool => sqlx::query_as::<_, TerritorySummary>(&sql).bind(slug).fetch_one(pool).await)?,
    )
}

/// A territory's name and counts, by its id.
pub async fn summary_of(db: &Db, territory: TerritoryId) -> Result<TerritorySummary> {
    let sql = format!("{SUMMARY} WHERE t.id = $1");
    Ok(
        on!(db, pool => sqlx::query_as::<_, TerritorySummary>(&sql).bind(territory.0).fetch_one(pool).await)?,
    )
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Territory> {
    let summary = summary(db, slug).await?;
    let establishments = on!(db, pool => sqlx::query_as::<_, ListedEstablishment>(
        "SELECT e.uai, e.name, e.kind, e.commune_name FROM territory_establishments te \
         JOIN establishments e ON e.id = te.establishment_id \
         WHERE te.territory_id = $1 ORDER BY e.sort_name, e.id LIMIT $2"
    ).bind(summary.id).bind(LISTED_ESTABLISHMENTS).fetch_all(pool).await)?;
    let partners = on!(db, pool => sqlx::query_as::<_, Partner>(
        "SELECT id, name, kind FROM territory_partners WHERE territory_id = $1 ORDER BY name"
    ).bind(summary.id).fetch_all(pool).await)?;
    let coordinators = on!(db, pool => sqlx::query_as::<_, Member>(
        "SELECT p.id, p.name, p.function, m.role FROM territory_members m JOIN people p ON p.id = m.person_id \
         WHERE m.territory_id = $1 AND m.role = 'coordinator' ORDER BY p.name"
    ).bind(summary.id).fetch_all(pool).await)?;
    Ok(Territory {
        summary,
        establishments,
        partners,
        coordinators,
    })
}

/// Adds establishments by id; those already in are left as they are.
pub async fn add_establishments(
    db: &Db,
    territory: TerritoryId,
    establishments: &[i64],
) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for id in establishments {
            sqlx::query("INSERT INTO territory_establishments (territory_id, establishment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(territory.0).bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// Makes a person a member or coordinator (replacing a previous role).
pub async fn set_member(
    db: &Db,
    territory: TerritoryId,
    person: PersonId,
    role: TerritoryRole,
) -> Result<()> {
    on!(db, pool => sqlx::query(
        "INSERT INTO territory_members (territory_id, person_id, role) VALUES ($1, $2, $3) \
         ON CONFLICT (territory_id, person_id) DO UPDATE SET role = excluded.role"
    ).bind(territory.0).bind(person.0).bind(role.code()).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A member of a territory as its members page and the API list them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Roster {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub function: String,
    pub role: String,
}

/// The members of a territory: its coordination first, then by name.
pub async fn roster(db: &Db, territory: TerritoryId) -> Result<Vec<Roster>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Roster>(
        "SELECT p.id, p.name, p.email, p.function, m.role FROM territory_members m \
         JOIN people p ON p.id = m.person_id WHERE m.territory_id = $1 \
         ORDER BY CASE m.role WHEN 'coordinator' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, p.name, p.id"
    ).bind(territory.0).fetch_all(pool).await)?)
}

/// Gives a person a role in the territory (replacing the one they had) and tells them, with
/// `message` and `link`, when it changed; the last coordinator keeps theirs. Returns whether
/// anything changed.
pub async fn appoint(
    db: &Db,
    territory: TerritoryId,
    person: PersonId,
    role: TerritoryRole,
    told: (&str, &str),
) -> Result<bool> {
    change_role(db, territory, person, Some(role), told).await
}

/// Takes a member out of the territory and tells them; the last coordinator stays.
pub async fn dismiss(
    db: &Db,
    territory: TerritoryId,
    person: PersonId,
    told: (&str, &str),
) -> Result<()> {
    if change_role(db, territory, person, None, told).await? {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// A person's role in the territory set (`None`: taken away), told to them when it changed.
async fn change_role(
    db: &Db,
    territory: TerritoryId,
    person: PersonId,
    role: Option<TerritoryRole>,
    (message, link): (&str, &str),
) -> Result<bool> {
    let code = role.map(TerritoryRole::code);
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let current: Option<String> = sqlx::query_scalar(
            "SELECT role FROM territory_members WHERE territory_id = $1 AND person_id = $2",
        ).bind(territory.0).bind(person.0).fetch_optional(&mut *tx).await?;
        if current.as_deref() == code {
            return Ok(false);
        }
        if current.as_deref() == Some("coordinator") {
            let coordinators: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM territory_members WHERE territory_id = $1 AND role = 'coordinator'",
            ).bind(territory.0).fetch_one(&mut *tx).await?;
            if coordinators <= 1 {
                return Err(StoreError::Conflict(
                    "le territoire garde au moins une personne à sa coordination : nommez-en une autre d'abord".to_owned(),
                ));
            }
        }
        match code {
            Some(code) => sqlx::query(
                "INSERT INTO territory_members (territory_id, person_id, role) VALUES ($1, $2, $3) \
                 ON CONFLICT (territory_id, person_id) DO UPDATE SET role = excluded.role",
            ).bind(territory.0).bind(person.0).bind(code).execute(&mut *tx).await?,
            None => sqlx::query("DELETE FROM territory_members WHERE territory_id = $1 AND person_id = $2")
                .bind(territory.0).bind(person.0).execute(&mut *tx).await?,
        };
        // A member has nothing left to ask for.
        sqlx::query("DELETE FROM territory_join_requests WHERE territory_id = $1 AND person_id = $2")
            .bind(territory.0).bind(person.0).execute(&mut *tx).await?;
        crate::spaces::notify!(tx, [person.0], message, link);
        tx.commit().await?;
        Ok(true)
    })
}

/// Adds a partner to the territory; returns its id.
pub async fn add_partner(db: &Db, territory: TerritoryId, name: &str, kind: &str) -> Result<i64> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO territory_partners (territory_id, name, kind) VALUES ($1, $2, $3) RETURNING id",
    ).bind(territory.0).bind(name).bind(kind).fetch_one(pool).await)?)
}

/// Whether a territory exists.
pub async fn exists(db: &Db, territory: TerritoryId) -> Result<bool> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM territories WHERE id = $1)")
        .bind(territory.0).fetch_one(pool).await)?,
    )
}

/// The person's role in the territory, if any.
pub async fn role_of(
    db: &Db,
    territory: TerritoryId,
    person: PersonId,
) -> Result<Option<TerritoryRole>> {
    let role: Option<String> = on!(db, pool => sqlx::query_scalar(
        "SELECT role FROM territory_members WHERE territory_id = $1 AND person_id = $2"
    ).bind(territory.0).bind(person.0).fetch_optional(pool).await)?;
    Ok(role.as_deref().and_then(TerritoryRole::from_code))
}

/// A territory a person belongs to, with their role in it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Membership {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub role: String,
}

/// The territories a person belongs to, by name.
pub async fn of_person(db: &Db, person: PersonId) -> Result<Vec<Membership>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Membership>(
        "SELECT t.id, t.slug, t.name, m.role FROM territory_members m JOIN territories t ON t.id = m.territory_id \
         WHERE m.person_id = $1 ORDER BY t.name"
    ).bind(person.0).fetch_all(pool).await)?)
}

/// The territories a person coordinates, by name: (id, name).
pub async fn coordinated_by(db: &Db, person: PersonId) -> Result<Vec<(i64, String)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT t.id, t.name FROM territory_members m JOIN territories t ON t.id = m.territory_id \
         WHERE m.person_id = $1 AND m.role = 'coordinator' ORDER BY t.name"
    ).bind(person.0).fetch_all(pool).await)?)
}

/// Makes members of a territory the people of these functions who work in its
/// establishments (those already members keep their role); returns how many joined.
pub async fn add_staff_as_members(
    db: &Db,
    territory: TerritoryId,
    functions: &[Function],
) -> Result<u64> {
    let sql = "INSERT INTO territory_members (territory_id, person_id, role) \
         SELECT DISTINCT te.territory_id, pe.person_id, 'member' FROM territory_establishments te \
         JOIN person_establishments pe ON pe.establishment_id = te.establishment_id \
         JOIN people p ON p.id = pe.person_id \
         WHERE te.territory_id = $1 AND p.function = $2 \
         ON CONFLICT (territory_id, person_id) DO NOTHING";
    let mut joined = 0;
    for function in functions {
        joined += on!(db, pool => sqlx::query(sql).bind(territory.0).bind(function.code()).execute(pool).await.map(|r| r.rows_affected()))?;
    }
    Ok(joined)
}

/// Every `(territory, person)` membership.
pub async fn members(db: &Db) -> Result<Vec<(i64, i64)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT territory_id, person_id FROM territory_members ORDER BY territory_id, person_id"
    ).fetch_all(pool).await)?)
}

/// A sample of the people who work in the territory's establishments, spread over them rather
/// than the first ones (the demo's volunteer observers).
pub async fn staff_sample(db: &Db, territory: TerritoryId, limit: i64) -> Result<Vec<PersonId>> {
    let ids: Vec<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT pe.person_id FROM territory_establishments te \
         JOIN person_establishments pe ON pe.establishment_id = te.establishment_id \
         WHERE te.territory_id = $1 GROUP BY pe.person_id \
         ORDER BY (pe.person_id * 7919) % 10007, pe.person_id LIMIT $2",
    ).bind(territory.0).bind(limit).fetch_all(pool).await)?;
    Ok(ids.into_iter().map(PersonId).collect())
}
