//! The launch of a territory: where each step stands, the shared inventory of its
//! establishments and the common problem statement.

use domain::ids::{PersonId, TerritoryId};
use domain::territories::launch::{Item, ItemKind, ItemScope, NewItem, Problem, Step, StepState};

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

/// Where each step stands, in order (a step never touched is to do).
pub async fn steps(db: &Db, territory: TerritoryId) -> Result<[StepState; 5]> {
    let rows: Vec<(i64, String)> = on!(db, pool => sqlx::query_as(
        "SELECT step, state FROM launch_steps WHERE territory_id = $1",
    ).bind(territory.0).fetch_all(pool).await)?;
    let mut states = [StepState::Todo; 5];
    for (step, state) in rows {
        if let (Some(step), Some(state)) = (Step::from_number(step), StepState::parse(&state)) {
            states[usize::from(step.number() - 1)] = state;
        }
    }
    Ok(states)
}

pub async fn set_step(
    db: &Db,
    territory: TerritoryId,
    step: Step,
    state: StepState,
    by: PersonId,
) -> Result<()> {
    on!(db, pool => sqlx::query(
        "INSERT INTO launch_steps (territory_id, step, state, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (territory_id, step) DO UPDATE SET state = excluded.state, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    ).bind(territory.0).bind(i64::from(step.number())).bind(state.code()).bind(by.0).bind(now())
     .execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// Records an item of the inventory of the establishment `uai`, which must belong to the
/// territory.
pub async fn add_item(
    db: &Db,
    territory: TerritoryId,
    uai: &str,
    item: &NewItem,
    by: PersonId,
) -> Result<i64> {
    let id: Option<i64> = on!(db, pool => sqlx::query_scalar(
        "INSERT INTO inventory_items (territory_id, establishment_id, kind, scope, text, folded, created_by, created_at) \
         SELECT te.territory_id, e.id, $3, $4, $5, $6, $7, $8 FROM establishments e \
         JOIN territory_establishments te ON te.establishment_id = e.id AND te.territory_id = $1 \
         WHERE e.uai = $2 RETURNING id",
    ).bind(territory.0).bind(uai).bind(item.kind.code()).bind(item.scope.code()).bind(&item.text)
     .bind(&item.folded).bind(by.0).bind(now()).fetch_optional(pool).await)?;
    id.ok_or_else(|| {
        StoreError::Invalid(format!(
            "l'établissement {uai} ne fait pas partie du territoire"
        ))
    })
}

/// The inventory of the territory, in order of writing.
pub async fn items(db: &Db, territory: TerritoryId) -> Result<Vec<Item>> {
    let rows: Vec<(i64, String, String, String, String, String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT i.id, e.uai, e.name, i.kind, i.scope, i.text, i.folded FROM inventory_items i \
         JOIN establishments e ON e.id = i.establishment_id WHERE i.territory_id = $1 ORDER BY i.id",
    ).bind(territory.0).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, uai, establishment, kind, scope, text, folded)| Item {
            id,
            uai,
            establishment,
            kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Difficulty),
            scope: ItemScope::parse(&scope).unwrap_or(ItemScope::Specific),
            text,
            folded,
        })
        .collect())
}

/// Removes an item written by `by` (or by anyone, for a coordinator: `any`).
pub async fn delete_item(
    db: &Db,
    territory: TerritoryId,
    id: i64,
    by: PersonId,
    any: bool,
) -> Result<()> {
    let gone = on!(db, pool => sqlx::query(
        "DELETE FROM inventory_items WHERE id = $1 AND territory_id = $2 AND ($4 OR created_by = $3)",
    ).bind(id).bind(territory.0).bind(by.0).bind(any).execute(pool).await.map(|r| r.rows_affected()))?;
    if gone == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The common problem statement, the inventory items it answers, and when it was written.
pub async fn problem(db: &Db, territory: TerritoryId) -> Result<Option<(Problem, Vec<i64>, i64)>> {
    let row: Option<(String, String, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT statement, skills, updated_at FROM territory_problems WHERE territory_id = $1",
    ).bind(territory.0).fetch_optional(pool).await)?;
    let Some((statement, skills, updated_at)) = row else {
        return Ok(None);
    };
    let items: Vec<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT item_id FROM territory_problem_items WHERE territory_id = $1 ORDER BY item_id",
    ).bind(territory.0).fetch_all(pool).await)?;
    let skills = skills.lines().map(str::to_owned).collect();
    Ok(Some((Problem { statement, skills }, items, updated_at)))
}

/// Writes the common problem statement, linked to items of the territory's inventory.
pub async fn set_problem(
    db: &Db,
    territory: TerritoryId,
    problem: &Problem,
    items: &[i64],
    by: PersonId,
) -> Result<()> {
    let at = now();
    let mut items = items.to_vec();
    items.sort_unstable();
    items.dedup();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "INSERT INTO territory_problems (territory_id, statement, skills, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (territory_id) DO UPDATE SET statement = excluded.statement, skills = excluded.skills, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        ).bind(territory.0).bind(&problem.statement).bind(problem.skills.join("\n")).bind(by.0).bind(at)
         .execute(&mut *tx).await?;
        sqlx::query("DELETE FROM territory_problem_items WHERE territory_id = $1")
            .bind(territory.0).execute(&mut *tx).await?;
        for item in &items {
            let linked = sqlx::query(
                "INSERT INTO territory_problem_items (territory_id, item_id) \
                 SELECT territory_id, id FROM inventory_items WHERE id = $2 AND territory_id = $1 ON CONFLICT DO NOTHING",
            ).bind(territory.0).bind(item).execute(&mut *tx).await?.rows_affected();
            if linked == 0 {
                return Err(StoreError::Invalid(format!("l'élément n° {item} n'est pas dans l'état des lieux du territoire")));
            }
        }
        tx.commit().await?;
        Ok(())
    })
}

/// The establishments of the territory where `person` works: (UAI, name).
pub async fn establishments_of(
    db: &Db,
    territory: TerritoryId,
    person: PersonId,
) -> Result<Vec<(String, String)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT e.uai, e.name FROM person_establishments pe JOIN establishments e ON e.id = pe.establishment_id \
         JOIN territory_establishments te ON te.establishment_id = e.id AND te.territory_id = $1 \
         WHERE pe.person_id = $2 ORDER BY e.name",
    ).bind(territory.0).bind(person.0).fetch_all(pool).await)?)
}
