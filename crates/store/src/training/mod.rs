//! Training: the needs people express, and the demand read without names (with those that
//! visits bring out) for the training office.

use domain::ids::{PersonId, TerritoryId};
use domain::observatories::visit::TrainingNeed;
use domain::training::demand::theme_key;

pub mod modules;
pub mod paths;
pub mod staff;

use crate::db::on;
use crate::{Db, Result, StoreError, now};

/// A need a person expressed.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OwnNeed {
    pub id: i64,
    pub territory_id: Option<i64>,
    pub theme: String,
    pub public: String,
    pub level: String,
    pub created_at: i64,
}

/// The needs a person expressed, newest first.
pub async fn needs_of(db: &Db, person: PersonId) -> Result<Vec<OwnNeed>> {
    Ok(on!(db, pool => sqlx::query_as::<_, OwnNeed>(
        "SELECT id, territory_id, theme, public, level, created_at FROM training_requests \
         WHERE person_id = $1 ORDER BY created_at DESC, id DESC",
    ).bind(person.0).fetch_all(pool).await)?)
}

/// A person expresses a need of their own, for a territory of theirs or none; the same theme
/// ([`theme_key`]: whatever the case, accents, plural and little words) twice is a conflict.
pub async fn express(
    db: &Db,
    person: PersonId,
    territory: Option<TerritoryId>,
    need: &TrainingNeed,
    function: &str,
) -> Result<i64> {
    let theme = theme_key(&need.theme);
    if needs_of(db, person)
        .await?
        .iter()
        .any(|n| theme_key(&n.theme) == theme)
    {
        return Err(StoreError::Conflict(format!(
            "vous avez déjà exprimé ce besoin : « {} »",
            need.theme
        )));
    }
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO training_requests (person_id, territory_id, source, theme, public, level, function, created_at) \
         VALUES ($1, $2, 'personal', $3, $4, $5, $6, $7) RETURNING id",
    ).bind(person.0).bind(territory.map(|t| t.0)).bind(&need.theme).bind(need.public.code()).bind(&need.level)
     .bind(function).bind(now()).fetch_one(pool).await)?)
}

/// A territory's coordination turns a difficulty of its inventory into a training need of
/// the territory (the coordinator who raised it is told of the module that answers it).
pub async fn raise_from_inventory(
    db: &Db,
    territory: TerritoryId,
    item: i64,
    need: &TrainingNeed,
    by: PersonId,
) -> Result<i64> {
    let kind: Option<String> = on!(db, pool => sqlx::query_scalar(
        "SELECT kind FROM inventory_items WHERE id = $1 AND territory_id = $2",
    ).bind(item).bind(territory.0).fetch_optional(pool).await)?;
    match kind.as_deref() {
        None => return Err(StoreError::NotFound),
        Some("difficulty") => {}
        Some(_) => {
            return Err(StoreError::Invalid(
                "seule une difficulté de l'état des lieux devient un besoin de formation"
                    .to_owned(),
            ));
        }
    }
    let raised: Option<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT id FROM training_requests WHERE inventory_item_id = $1",
    ).bind(item).fetch_optional(pool).await)?;
    if raised.is_some() {
        return Err(StoreError::Conflict(
            "cette difficulté est déjà un besoin de formation".to_owned(),
        ));
    }
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO training_requests (person_id, territory_id, source, theme, public, level, inventory_item_id, created_at) \
         VALUES ($1, $2, 'inventory', $3, $4, $5, $6, $7) RETURNING id",
    ).bind(by.0).bind(territory.0).bind(&need.theme).bind(need.public.code()).bind(&need.level)
     .bind(item).bind(now()).fetch_one(pool).await)?)
}

/// The difficulties of a territory's inventory already raised as training needs.
pub async fn raised_items(db: &Db, territory: TerritoryId) -> Result<Vec<i64>> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "SELECT inventory_item_id FROM training_requests WHERE territory_id = $1 AND inventory_item_id IS NOT NULL",
    ).bind(territory.0).fetch_all(pool).await)?)
}

/// Withdraws a need of one's own.
pub async fn withdraw(db: &Db, person: PersonId, id: i64) -> Result<()> {
    let gone = on!(db, pool => sqlx::query(
        "DELETE FROM training_requests WHERE id = $1 AND person_id = $2",
    ).bind(id).bind(person.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if gone == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The themes of every need expressed between `from` and `to` (Unix times, `to` excluded), in
/// a territory or all — people's own, their territories' and those of visits, never who asked
/// — each spelling with how many asked for it, in the order they were first written.
pub async fn demand_themes(
    db: &Db,
    territory: Option<TerritoryId>,
    from: i64,
    to: i64,
) -> Result<Vec<(String, usize)>> {
    let rows: Vec<(String, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT theme, COUNT(*) FROM ( \
         SELECT theme, created_at, id FROM training_requests \
         WHERE (CAST($1 AS BIGINT) IS NULL OR territory_id = $1) AND created_at >= $2 AND created_at < $3 \
         UNION ALL \
         SELECT n.theme, n.created_at, n.id FROM training_needs n JOIN observatories o ON o.id = n.observatory_id \
         WHERE (CAST($1 AS BIGINT) IS NULL OR o.territory_id = $1) AND n.created_at >= $2 AND n.created_at < $3 \
         ) AS needs GROUP BY theme ORDER BY MIN(created_at), MIN(id)",
    ).bind(territory.map(|t| t.0)).bind(from).bind(to).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(theme, n)| (theme, usize::try_from(n).unwrap_or(0)))
        .collect())
}
