//! The audit trail: appended to, searched by administrators, pruned by the retention job —
//! never updated (a trigger refuses it in both databases).

use domain::accounts::audit::{AuditAction, AuditEvent};
use domain::ids::PersonId;

use crate::db::on;
use crate::{Db, Result, now};

/// A recorded event, with the actor's current name when the account still has one.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target: String,
    pub ip: String,
    pub detail: String,
}

impl Entry {
    pub fn action_label(&self) -> &'static str {
        AuditAction::parse(&self.action).map_or("Autre", AuditAction::label)
    }
}

pub async fn record(db: &Db, event: &AuditEvent) -> Result<()> {
    on!(db, pool => sqlx::query(
        "INSERT INTO audit_events (at, actor_id, action, target, ip, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now()).bind(event.actor.map(|a| a.0)).bind(event.action.code()).bind(&event.target)
    .bind(&event.ip).bind(&event.detail).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// What an administrator looks for: by actor, action, target (exact) or text in the target
/// or detail, in a period; newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub actor: Option<PersonId>,
    pub action: Option<AuditAction>,
    pub target: Option<String>,
    pub text: Option<String>,
    pub ip: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Entries older than this id (the next page).
    pub before: Option<i64>,
    pub limit: i64,
}

pub async fn search(db: &Db, filter: &Filter) -> Result<Vec<Entry>> {
    enum Value {
        Int(i64),
        Text(String),
    }
    let mut sql = String::from(
        "SELECT a.id, a.at, a.actor_id, p.name AS actor_name, a.action, a.target, a.ip, a.detail \
         FROM audit_events a LEFT JOIN people p ON p.id = a.actor_id AND p.closed_at IS NULL WHERE 1 = 1",
    );
    let mut values: Vec<Value> = Vec::new();
    let mut condition = |sql: &mut String, template: &str, value: Value| {
        values.push(value);
        sql.push_str(&template.replace('?', &format!("${}", values.len())));
    };
    if let Some(actor) = filter.actor {
        condition(&mut sql, " AND a.actor_id = ?", Value::Int(actor.0));
    }
    if let Some(action) = filter.action {
        condition(
            &mut sql,
            " AND a.action = ?",
            Value::Text(action.code().to_owned()),
        );
    }
    if let Some(target) = &filter.target {
        condition(&mut sql, " AND a.target = ?", Value::Text(target.clone()));
    }
    if let Some(ip) = &filter.ip {
        condition(&mut sql, " AND a.ip = ?", Value::Text(ip.clone()));
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let pattern = crate::db::contains_pattern(text);
        condition(
            &mut sql,
            " AND (LOWER(a.target) LIKE ?",
            Value::Text(pattern.clone()),
        );
        condition(
            &mut sql,
            " OR LOWER(a.detail) LIKE ?)",
            Value::Text(pattern),
        );
    }
    if let Some(from) = filter.from {
        condition(&mut sql, " AND a.at >= ?", Value::Int(from));
    }
    if let Some(to) = filter.to {
        condition(&mut sql, " AND a.at < ?", Value::Int(to));
    }
    if let Some(before) = filter.before {
        condition(&mut sql, " AND a.id < ?", Value::Int(before));
    }
    condition(
        &mut sql,
        " ORDER BY a.id DESC LIMIT ?",
        Value::Int(filter.limit.clamp(1, 500)),
    );
    Ok(on!(db, pool => {
        let mut query = sqlx::query_as::<_, Entry>(&sql);
        for value in &values {
            query = match value {
                Value::Int(v) => query.bind(*v),
                Value::Text(t) => query.bind(t.as_str()),
            };
        }
        query.fetch_all(pool).await
    })?)
}

/// Entries older than `before` (a timestamp): how many there are.
pub async fn count_older(db: &Db, before: i64) -> Result<i64> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE at < $1")
        .bind(before).fetch_one(pool).await)?,
    )
}

/// Removes the entries older than `before` (the retention rule); returns how many.
pub async fn prune(db: &Db, before: i64) -> Result<u64> {
    Ok(
        on!(db, pool => sqlx::query("DELETE FROM audit_events WHERE at < $1")
        .bind(before).execute(pool).await.map(|r| r.rows_affected()))?,
    )
}
