//! The strategic project of an académie and its indicators: the tree, the indicators hung
//! from its criteria, the values entered by hand with their source, the targets.

use std::collections::BTreeMap;

use domain::ids::PersonId;
use domain::indicators::Month;
use domain::indicators::metrics::{Metric, Scope};
use domain::indicators::project::{self, Node, NodeKind};

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub academie_code: String,
    pub academie: String,
    pub title: String,
    pub summary: String,
    pub nodes: Vec<Node>,
}

/// The académies that have a project: `(code, name, title)`.
pub async fn projects(db: &Db) -> Result<Vec<(String, String, String)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT p.academie_code, a.name, p.title FROM strategic_projects p JOIN academies a ON a.code = p.academie_code ORDER BY a.name"
    ).fetch_all(pool).await)?)
}

/// Starts the project of an académie (or renames it).
pub async fn save_project(db: &Db, academie: &str, title: &str, summary: &str) -> Result<()> {
    let title = project::title(title, "Titre du projet").map_err(StoreError::Invalid)?;
    let known: Option<String> = on!(db, pool => sqlx::query_scalar("SELECT code FROM academies WHERE code = $1")
        .bind(academie).fetch_optional(pool).await)?;
    if known.is_none() {
        return Err(StoreError::Invalid(format!(
            "académie « {academie} » inconnue"
        )));
    }
    on!(db, pool => sqlx::query(
        "INSERT INTO strategic_projects (academie_code, title, summary, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (academie_code) DO UPDATE SET title = excluded.title, summary = excluded.summary, updated_at = excluded.updated_at"
    ).bind(academie).bind(&title).bind(summary.trim()).bind(now()).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

type NodeRow = (i64, Option<i64>, String, i64, String, String);

fn node((id, parent, kind, position, title, description): NodeRow) -> Option<Node> {
    Some(Node {
        id,
        parent,
        kind: NodeKind::from_code(&kind)?,
        position,
        title,
        description,
    })
}

pub async fn project(db: &Db, academie: &str) -> Result<Project> {
    let head: Option<(String, String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT a.name, p.title, p.summary FROM strategic_projects p JOIN academies a ON a.code = p.academie_code \
         WHERE p.academie_code = $1").bind(academie).fetch_optional(pool).await)?;
    let (name, title, summary) = head.ok_or(StoreError::NotFound)?;
    let rows: Vec<NodeRow> = on!(db, pool => sqlx::query_as(
        "SELECT id, parent_id, kind, position, title, description FROM project_nodes WHERE academie_code = $1 ORDER BY position, id"
    ).bind(academie).fetch_all(pool).await)?;
    Ok(Project {
        academie_code: academie.to_owned(),
        academie: name,
        title,
        summary,
        nodes: rows.into_iter().filter_map(node).collect(),
    })
}

/// Adds a node at the end of its parent's (none: an axis).
pub async fn add_node(
    db: &Db,
    academie: &str,
    parent: Option<i64>,
    kind: NodeKind,
    title: &str,
    description: &str,
) -> Result<i64> {
    let title = project::title(title, kind.label()).map_err(StoreError::Invalid)?;
    let parent_kind = match parent {
        Some(id) => {
            let row: Option<String> = on!(db, pool => sqlx::query_scalar(
                "SELECT kind FROM project_nodes WHERE id = $1 AND academie_code = $2")
                .bind(id).bind(academie).fetch_optional(pool).await)?;
            Some(
                row.and_then(|k| NodeKind::from_code(&k))
                    .ok_or(StoreError::NotFound)?,
            )
        }
        None => None,
    };
    kind.fits_under(parent_kind).map_err(StoreError::Invalid)?;
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let position: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM project_nodes WHERE academie_code = $1 AND \
             ((parent_id IS NULL AND $2 IS NULL) OR parent_id = $2)")
            .bind(academie).bind(parent).fetch_one(&mut *tx).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO project_nodes (academie_code, parent_id, kind, position, title, description) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(academie).bind(parent).bind(kind.code()).bind(position).bind(&title).bind(description.trim())
            .fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE strategic_projects SET updated_at = $1 WHERE academie_code = $2")
            .bind(now()).bind(academie).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    })
}

pub async fn update_node(
    db: &Db,
    academie: &str,
    id: i64,
    title: &str,
    description: &str,
) -> Result<()> {
    let title = project::title(title, "Intitulé").map_err(StoreError::Invalid)?;
    let done = on!(db, pool => sqlx::query(
        "UPDATE project_nodes SET title = $1, description = $2 WHERE id = $3 AND academie_code = $4")
        .bind(&title).bind(description.trim()).bind(id).bind(academie).execute(pool).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes a node and everything under it; the indicators of its criteria stay, unattached.
pub async fn remove_node(db: &Db, academie: &str, id: i64) -> Result<()> {
    let done = on!(db, pool => sqlx::query("DELETE FROM project_nodes WHERE id = $1 AND academie_code = $2")
        .bind(id).bind(academie).execute(pool).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// An indicator: computed (a metric) or entered by hand (with its source).
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: i64,
    pub academie_code: String,
    pub criterion: Option<i64>,
    pub name: String,
    pub metric: Option<Metric>,
    pub unit: String,
    pub source: String,
}

pub struct NewIndicator<'a> {
    pub criterion: Option<i64>,
    pub name: &'a str,
    pub metric: Option<Metric>,
    pub unit: &'a str,
    pub source: &'a str,
}

type IndicatorRow = (i64, String, Option<i64>, String, String, String, String);

fn indicator(
    (id, academie_code, criterion, name, metric, unit, source): IndicatorRow,
) -> Indicator {
    Indicator {
        id,
        academie_code,
        criterion,
        name,
        metric: Metric::from_code(&metric),
        unit,
        source,
    }
}

const INDICATOR: &str =
    "SELECT id, academie_code, criterion_id, name, metric, unit, source FROM indicators";

pub async fn add_indicator(db: &Db, academie: &str, new: &NewIndicator<'_>) -> Result<i64> {
    let name = project::title(new.name, "Nom de l'indicateur").map_err(StoreError::Invalid)?;
    let source = new.source.trim();
    if new.metric.is_none() && source.is_empty() {
        return Err(StoreError::Invalid(
            "un indicateur saisi à la main dit d'où viennent ses valeurs (source)".to_owned(),
        ));
    }
    if let Some(criterion) = new.criterion {
        let kind: Option<String> = on!(db, pool => sqlx::query_scalar(
            "SELECT kind FROM project_nodes WHERE id = $1 AND academie_code = $2")
            .bind(criterion).bind(academie).fetch_optional(pool).await)?;
        if kind.as_deref() != Some(NodeKind::Criterion.code()) {
            return Err(StoreError::Invalid(
                "un indicateur se rattache à un critère d'évaluation du projet".to_owned(),
            ));
        }
    }
    let unit = match (new.unit.trim(), new.metric) {
        ("", Some(metric)) => metric.unit().to_owned(),
        (unit, _) => unit.to_owned(),
    };
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO indicators (academie_code, criterion_id, name, metric, unit, source, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(academie).bind(new.criterion).bind(&name).bind(new.metric.map_or("", Metric::code))
        .bind(&unit).bind(source).bind(now()).fetch_one(pool).await)?)
}

pub async fn indicators(db: &Db, academie: &str) -> Result<Vec<Indicator>> {
    let rows: Vec<IndicatorRow> = on!(db, pool => sqlx::query_as(&format!("{INDICATOR} WHERE academie_code = $1 ORDER BY id"))
        .bind(academie).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(indicator).collect())
}

pub async fn indicator_by_id(db: &Db, id: i64) -> Result<Indicator> {
    let row: Option<IndicatorRow> = on!(db, pool => sqlx::query_as(&format!("{INDICATOR} WHERE id = $1"))
        .bind(id).fetch_optional(pool).await)?;
    row.map(indicator).ok_or(StoreError::NotFound)
}

pub async fn remove_indicator(db: &Db, academie: &str, id: i64) -> Result<()> {
    let done = on!(db, pool => sqlx::query("DELETE FROM indicators WHERE id = $1 AND academie_code = $2")
        .bind(id).bind(academie).execute(pool).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Enters (or corrects) the value of a hand-entered indicator for a scope and a month.
pub async fn set_value(
    db: &Db,
    indicator: &Indicator,
    scope: &Scope,
    month: Month,
    value: f64,
    source: &str,
    by: PersonId,
) -> Result<()> {
    if indicator.metric.is_some() {
        return Err(StoreError::Invalid(
            "cet indicateur est calculé par la plateforme : ses valeurs ne se saisissent pas"
                .to_owned(),
        ));
    }
    if !value.is_finite() {
        return Err(StoreError::Invalid(
            "la valeur doit être un nombre".to_owned(),
        ));
    }
    let source = match source.trim() {
        "" => indicator.source.clone(),
        s => s.to_owned(),
    };
    on!(db, pool => sqlx::query(
        "INSERT INTO indicator_values (indicator_id, scope, month, value, source, entered_by, entered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (indicator_id, scope, month) DO UPDATE SET \
         value = excluded.value, source = excluded.source, entered_by = excluded.entered_by, entered_at = excluded.entered_at")
        .bind(indicator.id).bind(scope.code()).bind(i64::from(month.index())).bind(value).bind(&source)
        .bind(by.0).bind(now()).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_target(
    db: &Db,
    indicator: i64,
    scope: &Scope,
    month: Month,
    value: f64,
) -> Result<()> {
    if !value.is_finite() {
        return Err(StoreError::Invalid(
            "la cible doit être un nombre".to_owned(),
        ));
    }
    on!(db, pool => sqlx::query(
        "INSERT INTO indicator_targets (indicator_id, scope, month, value) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (indicator_id, scope, month) DO UPDATE SET value = excluded.value")
        .bind(indicator).bind(scope.code()).bind(i64::from(month.index())).bind(value).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

fn by_month<T>(rows: Vec<(i64, T)>) -> BTreeMap<Month, T> {
    rows.into_iter()
        .filter_map(|(m, v)| Some((u16::try_from(m).ok().and_then(Month::from_index)?, v)))
        .collect()
}

/// The values entered by hand in a scope, with their sources, by month.
pub async fn manual_values(
    db: &Db,
    indicator: i64,
    scope: &Scope,
) -> Result<BTreeMap<Month, (f64, String)>> {
    let rows: Vec<(i64, f64, String)> = on!(db, pool => sqlx::query_as(
        "SELECT month, value, source FROM indicator_values WHERE indicator_id = $1 AND scope = $2")
        .bind(indicator).bind(scope.code()).fetch_all(pool).await)?;
    Ok(by_month(
        rows.into_iter().map(|(m, v, s)| (m, (v, s))).collect(),
    ))
}

pub async fn targets(db: &Db, indicator: i64, scope: &Scope) -> Result<BTreeMap<Month, f64>> {
    let rows: Vec<(i64, f64)> = on!(db, pool => sqlx::query_as(
        "SELECT month, value FROM indicator_targets WHERE indicator_id = $1 AND scope = $2")
        .bind(indicator).bind(scope.code()).fetch_all(pool).await)?;
    Ok(by_month(rows))
}
