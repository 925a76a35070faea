//! The launch of a territory: where each step stands, the shared inventory of its
//! establishments and the common problem statement.

use domain::ids::{PersonId, TerritoryId};
use domain::territories::launch::{
    Action, ActionScope, FriendRole, Item, ItemKind, ItemScope, NewItem, Problem, Step, StepState,
    WorkObject,
};

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

/// A work object as read (step 3).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkObjectRow {
    pub id: i64,
    pub object: WorkObject,
}

pub async fn add_work_object(
    db: &Db,
    territory: TerritoryId,
    object: &WorkObject,
    by: PersonId,
) -> Result<i64> {
    let days = object
        .days
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO work_objects (territory_id, title, description, trainer, days, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    ).bind(territory.0).bind(&object.title).bind(&object.description).bind(&object.trainer).bind(days)
     .bind(by.0).bind(now()).fetch_one(pool).await)?)
}

pub async fn work_objects(db: &Db, territory: TerritoryId) -> Result<Vec<WorkObjectRow>> {
    let rows: Vec<(i64, String, String, String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT id, title, description, trainer, days FROM work_objects WHERE territory_id = $1 ORDER BY id",
    ).bind(territory.0).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, title, description, trainer, days)| WorkObjectRow {
            id,
            object: WorkObject {
                title,
                description,
                trainer,
                days: days.split(',').filter_map(|d| d.parse().ok()).collect(),
            },
        })
        .collect())
}

/// An action as read (step 4), with its establishment's name.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    pub id: i64,
    pub action: Action,
    pub establishment: Option<String>,
}

/// Records an action; an establishment's action names one of the territory.
pub async fn add_action(
    db: &Db,
    territory: TerritoryId,
    action: &Action,
    by: PersonId,
) -> Result<i64> {
    let establishment: Option<i64> = match &action.uai {
        Some(uai) => {
            let id: Option<i64> = on!(db, pool => sqlx::query_scalar(
                "SELECT e.id FROM establishments e JOIN territory_establishments te \
                 ON te.establishment_id = e.id AND te.territory_id = $1 WHERE e.uai = $2",
            ).bind(territory.0).bind(uai).fetch_optional(pool).await)?;
            Some(id.ok_or_else(|| {
                StoreError::Invalid(format!(
                    "l'établissement {uai} ne fait pas partie du territoire"
                ))
            })?)
        }
        None => None,
    };
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO launch_actions (territory_id, title, scope, establishment_id, owners, starts_on, ends_on, pupils, evidence, theme, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    ).bind(territory.0).bind(&action.title).bind(action.scope.code()).bind(establishment).bind(&action.owners)
     .bind(action.starts_on).bind(action.ends_on).bind(&action.pupils).bind(&action.evidence).bind(&action.theme)
     .bind(by.0).bind(now()).fetch_one(pool).await)?)
}

/// An action's row: id, title, scope, UAI, establishment, owners, start, end, pupils,
/// evidence, theme.
type ActionDbRow = (
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
);

pub async fn actions(db: &Db, territory: TerritoryId) -> Result<Vec<ActionRow>> {
    let rows: Vec<ActionDbRow> = on!(db, pool => sqlx::query_as(
        "SELECT a.id, a.title, a.scope, e.uai, e.name, a.owners, a.starts_on, a.ends_on, a.pupils, a.evidence, a.theme \
         FROM launch_actions a LEFT JOIN establishments e ON e.id = a.establishment_id \
         WHERE a.territory_id = $1 ORDER BY a.theme, a.id",
    ).bind(territory.0).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|r| ActionRow {
            id: r.0,
            action: Action {
                title: r.1,
                scope: ActionScope::parse(&r.2).unwrap_or(ActionScope::Network),
                uai: r.3,
                owners: r.5,
                starts_on: r.6,
                ends_on: r.7,
                pupils: r.8,
                evidence: r.9,
                theme: r.10,
            },
            establishment: r.4,
        })
        .collect())
}

/// Designates a critical friend of the territory (from now on), who becomes one of its
/// members if not yet one (a trainer from outside, most often).
pub async fn add_critical_friend(db: &Db, territory: TerritoryId, person: PersonId) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1")
            .bind(person.0).fetch_optional(&mut *tx).await?;
        if exists.is_none() {
            return Err(StoreError::Invalid(format!("aucune personne n° {person}")));
        }
        sqlx::query(
            "INSERT INTO critical_friends (territory_id, person_id, since) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        ).bind(territory.0).bind(person.0).bind(now()).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO territory_members (territory_id, person_id, role) VALUES ($1, $2, 'member') ON CONFLICT DO NOTHING",
        ).bind(territory.0).bind(person.0).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    })
}

/// The critical friends of the territory: (id, name).
pub async fn critical_friends(db: &Db, territory: TerritoryId) -> Result<Vec<(i64, String)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT p.id, p.name FROM critical_friends c JOIN people p ON p.id = c.person_id \
         WHERE c.territory_id = $1 ORDER BY p.name",
    ).bind(territory.0).fetch_all(pool).await)?)
}

/// The year of the launch under way: one more than the years closed by an impact analysis.
pub async fn current_year(db: &Db, territory: TerritoryId) -> Result<i64> {
    let closed: i64 = on!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM impact_analyses WHERE territory_id = $1",
    ).bind(territory.0).fetch_one(pool).await)?;
    Ok(closed + 1)
}

/// An entry of the critical friend's journal.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct JournalEntry {
    pub id: i64,
    pub year: i64,
    pub role: String,
    pub body: String,
    pub author: Option<String>,
    pub written_at: i64,
}

/// Writes an entry in the journal of the year under way.
pub async fn write_journal(
    db: &Db,
    territory: TerritoryId,
    role: FriendRole,
    body: &str,
    by: PersonId,
) -> Result<i64> {
    let year = current_year(db, territory).await?;
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO journal_entries (territory_id, year, role, body, written_by, written_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    ).bind(territory.0).bind(year).bind(role.code()).bind(body).bind(by.0).bind(now())
     .fetch_one(pool).await)?)
}

/// The journal, the latest entries first.
pub async fn journal(db: &Db, territory: TerritoryId) -> Result<Vec<JournalEntry>> {
    Ok(on!(db, pool => sqlx::query_as::<_, JournalEntry>(
        "SELECT j.id, j.year, j.role, j.body, p.name AS author, j.written_at FROM journal_entries j \
         LEFT JOIN people p ON p.id = j.written_by WHERE j.territory_id = $1 ORDER BY j.written_at DESC, j.id DESC",
    ).bind(territory.0).fetch_all(pool).await)?)
}

/// Closes the year under way with its impact analysis; the next year starts from it.
/// Returns the year closed.
pub async fn close_year(db: &Db, territory: TerritoryId, body: &str, by: PersonId) -> Result<i64> {
    let year = current_year(db, territory).await?;
    on!(db, pool => sqlx::query(
        "INSERT INTO impact_analyses (territory_id, year, body, written_by, written_at) VALUES ($1, $2, $3, $4, $5)",
    ).bind(territory.0).bind(year).bind(body).bind(by.0).bind(now()).execute(pool).await.map(|_| ()))
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("l'année {year} est déjà close")),
        other => other,
    })?;
    Ok(year)
}

/// The impact analyses, year by year: (year, text, written at).
pub async fn impact_analyses(db: &Db, territory: TerritoryId) -> Result<Vec<(i64, String, i64)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT year, body, written_at FROM impact_analyses WHERE territory_id = $1 ORDER BY year",
    ).bind(territory.0).fetch_all(pool).await)?)
}

/// A support or an obstacle of the territory.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Support {
    pub id: i64,
    pub support: bool,
    pub category: String,
    pub text: String,
}

pub async fn add_support(
    db: &Db,
    territory: TerritoryId,
    (support, category, text): (bool, &str, &str),
    by: PersonId,
) -> Result<i64> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO territory_supports (territory_id, support, category, text, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    ).bind(territory.0).bind(support).bind(category).bind(text).bind(by.0).bind(now()).fetch_one(pool).await)?)
}

pub async fn supports(db: &Db, territory: TerritoryId) -> Result<Vec<Support>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Support>(
        "SELECT id, support, category, text FROM territory_supports WHERE territory_id = $1 ORDER BY support DESC, category, id",
    ).bind(territory.0).fetch_all(pool).await)?)
}
