//! Maturity assessments of a territory: each member answers on their own, the group agrees a
//! level per dimension with evidence, and the agreed assessments make the history.

use std::collections::HashMap;

use domain::ids::{AssessmentId, PersonId, TerritoryId};
use domain::territories::maturity::{GRID, Levels, Spread};

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError};

/// One assessment as a member of the territory sees it: never who answered what.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub id: AssessmentId,
    pub opened_at: i64,
    /// When the group agreed its levels; none while it is open.
    pub agreed_at: Option<i64>,
    /// How many members answered.
    pub answers: u32,
    /// The spread of the answers per dimension, in the grid's order.
    pub spread: [Spread; 5],
    /// The levels agreed, and the evidence of each (Markdown).
    pub agreed: Option<(Levels, [String; 5])>,
    /// The caller's own answer.
    pub mine: Option<Levels>,
}

/// The levels a group agreed, their evidence by dimension (Markdown), and who recorded them.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub levels: Levels,
    pub evidence: [String; 5],
    pub by: PersonId,
}

/// Records `person`'s answer, given at `at`, in the territory's open assessment (opening one
/// if none is), replacing an earlier answer of theirs.
pub async fn answer(
    db: &Db,
    territory: TerritoryId,
    person: PersonId,
    levels: Levels,
    at: i64,
) -> Result<AssessmentId> {
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "INSERT INTO maturity_assessments (territory_id, opened_at) VALUES ($1, $2) \
             ON CONFLICT (territory_id) WHERE agreed_at IS NULL DO NOTHING",
        ).bind(territory.0).bind(at).execute(&mut *tx).await?;
        let id: i64 = sqlx::query_scalar(
            "SELECT id FROM maturity_assessments WHERE territory_id = $1 AND agreed_at IS NULL",
        ).bind(territory.0).fetch_one(&mut *tx).await?;
        sqlx::query("DELETE FROM maturity_answers WHERE assessment_id = $1 AND person_id = $2")
            .bind(id).bind(person.0).execute(&mut *tx).await?;
        for (dimension, level) in GRID.iter().zip(levels.0) {
            sqlx::query(
                "INSERT INTO maturity_answers (assessment_id, person_id, dimension, level, answered_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            ).bind(id).bind(person.0).bind(dimension.key).bind(i64::from(level)).bind(at)
             .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        id
    });
    Ok(AssessmentId(id))
}

/// The group agrees, at `at`, the levels of the open assessment `id`, with their evidence:
/// the assessment closes and enters the history. An assessment agreed already is a conflict.
pub async fn agree(
    db: &Db,
    territory: TerritoryId,
    id: AssessmentId,
    agreement: &Agreement,
    at: i64,
) -> Result<()> {
    let Agreement {
        levels,
        evidence,
        by,
    } = agreement;
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let closed = sqlx::query(
            "UPDATE maturity_assessments SET agreed_at = $3, agreed_by = $4 \
             WHERE id = $1 AND territory_id = $2 AND agreed_at IS NULL",
        ).bind(id.0).bind(territory.0).bind(at).bind(by.0).execute(&mut *tx).await?.rows_affected();
        if closed == 0 {
            let exists: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM maturity_assessments WHERE id = $1 AND territory_id = $2",
            ).bind(id.0).bind(territory.0).fetch_optional(&mut *tx).await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("cette auto-évaluation a déjà été arrêtée".to_owned()),
                None => StoreError::NotFound,
            });
        }
        for ((dimension, level), evidence) in GRID.iter().zip(levels.0).zip(evidence) {
            sqlx::query(
                "INSERT INTO maturity_levels (assessment_id, dimension, level, evidence) VALUES ($1, $2, $3, $4)",
            ).bind(id.0).bind(dimension.key).bind(i64::from(level)).bind(evidence)
             .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// Levels by dimension key, read from rows, when every dimension has one.
fn levels_of(rows: &HashMap<&str, i64>) -> Option<Levels> {
    Levels::parse(GRID.iter().filter_map(|d| Some((d.key, *rows.get(d.key)?)))).ok()
}

/// The territory's assessments, the newest first, as `person` sees them.
pub async fn list(
    db: &Db,
    territory: TerritoryId,
    person: Option<PersonId>,
) -> Result<Vec<Assessment>> {
    let rows: Vec<(i64, i64, Option<i64>)> = on!(db, pool => sqlx::query_as(
        "SELECT id, opened_at, agreed_at FROM maturity_assessments WHERE territory_id = $1 \
         ORDER BY opened_at DESC, id DESC",
    ).bind(territory.0).fetch_all(pool).await)?;
    let answers: Vec<(i64, i64, String, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT a.assessment_id, a.person_id, a.dimension, a.level FROM maturity_answers a \
         JOIN maturity_assessments m ON m.id = a.assessment_id WHERE m.territory_id = $1",
    ).bind(territory.0).fetch_all(pool).await)?;
    let agreed: Vec<(i64, String, i64, String)> = on!(db, pool => sqlx::query_as(
        "SELECT l.assessment_id, l.dimension, l.level, l.evidence FROM maturity_levels l \
         JOIN maturity_assessments m ON m.id = l.assessment_id WHERE m.territory_id = $1",
    ).bind(territory.0).fetch_all(pool).await)?;
    // Per assessment, per person: their levels by dimension.
    let mut by_person: HashMap<(i64, i64), HashMap<&str, i64>> = HashMap::new();
    for (assessment, who, dimension, level) in &answers {
        by_person
            .entry((*assessment, *who))
            .or_default()
            .insert(dimension.as_str(), *level);
    }
    // Per assessment, per dimension: the level agreed and its evidence.
    let mut agreed_of: HashMap<i64, HashMap<&str, (i64, &str)>> = HashMap::new();
    for (assessment, dimension, level, evidence) in &agreed {
        agreed_of
            .entry(*assessment)
            .or_default()
            .insert(dimension.as_str(), (*level, evidence.as_str()));
    }
    // Per assessment: the complete answers, grouped once.
    let mut answered: HashMap<i64, Vec<Levels>> = HashMap::new();
    for ((assessment, _), levels) in &by_person {
        if let Some(levels) = levels_of(levels) {
            answered.entry(*assessment).or_default().push(levels);
        }
    }
    Ok(rows
        .into_iter()
        .map(|(id, opened_at, agreed_at)| {
            let answered = answered.get(&id).map_or(&[][..], Vec::as_slice);
            let mine = person
                .and_then(|p| by_person.get(&(id, p.0)))
                .and_then(levels_of);
            let agreed = agreed_of.get(&id).and_then(|rows| {
                let levels = rows.iter().map(|(d, (level, _))| (*d, *level)).collect();
                let evidence = GRID.map(|d| rows.get(d.key).map_or("", |r| r.1).to_owned());
                Some((levels_of(&levels)?, evidence))
            });
            Assessment {
                id: AssessmentId(id),
                opened_at,
                agreed_at,
                answers: u32::try_from(answered.len()).unwrap_or(u32::MAX),
                spread: Spread::of(answered),
                agreed,
                mine,
            }
        })
        .collect())
}
