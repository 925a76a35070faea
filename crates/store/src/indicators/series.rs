//! The metrics of the catalogue, computed from the platform's tables: the facts of each
//! metric and where they are, turned into monthly series for every scope by the domain, and
//! kept in `metric_series` (rewritten whole by the « indicators » job) so that a dashboard
//! reads a few rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use domain::indicators::Month;
use domain::indicators::metrics::{self, Fact, Geography, Metric, Scope, Series};

use crate::db::{BeginWrite, on};
use crate::{Db, Result};

/// Reads the geography of establishments and territories.
pub async fn geography(db: &Db) -> Result<Geography> {
    let establishments: Vec<(i64, String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT id, departement_code, academie_code FROM establishments").fetch_all(pool).await)?;
    let memberships: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT establishment_id, territory_id FROM territory_establishments").fetch_all(pool).await)?;
    let mut geography = Geography {
        establishments: establishments
            .into_iter()
            .map(|(id, d, a)| (id, (d, a)))
            .collect(),
        ..Geography::default()
    };
    // A territory is where most of its establishments are.
    let mut votes: HashMap<i64, HashMap<(String, String), usize>> = HashMap::new();
    for (establishment, territory) in memberships {
        geography
            .memberships
            .entry(establishment)
            .or_default()
            .push(territory);
        if let Some(place) = geography.establishments.get(&establishment) {
            *votes
                .entry(territory)
                .or_default()
                .entry(place.clone())
                .or_default() += 1;
        }
    }
    geography.territories = votes
        .into_iter()
        .filter_map(|(t, v)| {
            v.into_iter()
                .max_by(|(pa, a), (pb, b)| a.cmp(b).then(pb.cmp(pa)))
                .map(|(p, _)| (t, p))
        })
        .collect();
    Ok(geography)
}

fn fact(
    metric: Metric,
    subject: i64,
    at: i64,
    establishments: Vec<i64>,
    territories: Vec<i64>,
) -> Fact {
    Fact {
        metric,
        subject,
        month: Month::of_unix(at),
        establishments,
        territories,
    }
}

/// A pair of establishments as one number.
fn pair(a: i64, b: i64) -> i64 {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    (low << 32) | high
}

/// The links between establishments, dated: a visit (the observers' establishments and the
/// visited one), a practice written together (its authors' establishments), a « J'ai
/// essayé » elsewhere than where the practice comes from, a working group shared.
pub async fn collaborations(db: &Db) -> Result<Vec<(i64, i64, i64)>> {
    let mut links: Vec<(i64, i64, i64)> = Vec::new();
    let visits: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT r.establishment_id, pe.establishment_id, COALESCE(v.starts_at, v.created_at) \
         FROM visits v JOIN visit_requests r ON r.id = v.request_id \
         JOIN visit_observers o ON o.visit_id = v.id JOIN person_establishments pe ON pe.person_id = o.person_id \
         WHERE v.state IN ('observed', 'analysis', 'closed')").fetch_all(pool).await)?;
    links.extend(visits);
    let authors: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT a.practice_id, pe.establishment_id, p.published_at FROM practice_authors a \
         JOIN practices p ON p.id = a.practice_id JOIN person_establishments pe ON pe.person_id = a.person_id \
         WHERE p.status = 'published' AND p.published_at IS NOT NULL \
         AND EXISTS (SELECT 1 FROM practice_authors b WHERE b.practice_id = a.practice_id AND b.person_id <> a.person_id) \
         ORDER BY a.practice_id").fetch_all(pool).await)?;
    links.extend(all_pairs(authors));
    let trials: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT t.establishment_id, pe.establishment_id, t.created_at FROM practice_trials t \
         JOIN practice_establishments pe ON pe.practice_id = t.practice_id WHERE t.establishment_id IS NOT NULL")
        .fetch_all(pool).await)?;
    links.extend(trials);
    let groups: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT m.group_id, pe.establishment_id, g.created_at FROM group_members m \
         JOIN territory_groups g ON g.id = m.group_id JOIN person_establishments pe ON pe.person_id = m.person_id \
         ORDER BY m.group_id").fetch_all(pool).await)?;
    links.extend(all_pairs(groups));
    links.retain(|(a, b, _)| a != b);
    Ok(links)
}

/// Every pair of the establishments of each group of rows `(group, establishment, at)`
/// (sorted by group).
fn all_pairs(rows: Vec<(i64, i64, i64)>) -> Vec<(i64, i64, i64)> {
    let mut out = Vec::new();
    for chunk in rows.chunk_by(|a, b| a.0 == b.0) {
        let mut places: Vec<i64> = chunk.iter().map(|r| r.1).collect();
        places.sort_unstable();
        places.dedup();
        let at = chunk.first().map_or(0, |r| r.2);
        for (i, a) in places.iter().enumerate() {
            for b in &places[i + 1..] {
                out.push((*a, *b, at));
            }
        }
    }
    out
}

/// The facts of every metric.
pub async fn facts(db: &Db) -> Result<Vec<Fact>> {
    let mut facts = Vec::new();
    let federated: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT te.establishment_id, te.territory_id, t.created_at FROM territory_establishments te \
         JOIN territories t ON t.id = te.territory_id").fetch_all(pool).await)?;
    for (e, t, at) in federated {
        facts.push(fact(
            Metric::FederatedEstablishments,
            e,
            at,
            vec![e],
            vec![t],
        ));
    }
    // Territories and teacher networks: distinct subjects, even ids for the former.
    let territories: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT id, created_at FROM territories").fetch_all(pool).await)?;
    for (t, at) in territories {
        facts.push(fact(Metric::NetworksFormed, t * 2, at, vec![], vec![t]));
    }
    let networks: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT id, territory_id, created_at FROM teacher_networks").fetch_all(pool).await)?;
    for (n, t, at) in networks {
        facts.push(fact(Metric::NetworksFormed, n * 2 + 1, at, vec![], vec![t]));
    }
    let meetings: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT g.id, g.territory_id, m.starts_at FROM group_meetings m JOIN territory_groups g ON g.id = m.group_id \
         WHERE m.starts_at <= $1").bind(crate::now()).fetch_all(pool).await)?;
    for (g, t, at) in meetings {
        facts.push(fact(Metric::ActiveCommunities, g, at, vec![], vec![t]));
    }
    let requests: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT id, establishment_id, created_at FROM visit_requests WHERE state <> 'withdrawn'").fetch_all(pool).await)?;
    for (r, e, at) in requests {
        facts.push(fact(Metric::VisitsRequested, r, at, vec![e], vec![]));
    }
    let visits: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT v.id, r.establishment_id, COALESCE(v.starts_at, v.created_at) FROM visits v \
         JOIN visit_requests r ON r.id = v.request_id WHERE v.state IN ('observed', 'analysis', 'closed')")
        .fetch_all(pool).await)?;
    for (v, e, at) in visits {
        facts.push(fact(Metric::VisitsDone, v, at, vec![e], vec![]));
    }
    // Needs: those raised by visits (at the visited establishment) and those people express
    // (at their establishment, in the territory they address).
    let visit_needs: Vec<(i64, Option<i64>, Option<i64>, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT n.id, r.establishment_id, o.territory_id, n.created_at FROM training_needs n \
         JOIN observatories o ON o.id = n.observatory_id \
         LEFT JOIN visits v ON v.id = n.visit_id LEFT JOIN visit_requests r ON r.id = v.request_id")
        .fetch_all(pool).await)?;
    for (n, e, t, at) in visit_needs {
        facts.push(fact(
            Metric::TrainingNeeds,
            n * 2,
            at,
            e.into_iter().collect(),
            t.into_iter().collect(),
        ));
    }
    let requests: Vec<(i64, Option<i64>, Option<i64>, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT r.id, (SELECT MIN(pe.establishment_id) FROM person_establishments pe WHERE pe.person_id = r.person_id), \
         r.territory_id, r.created_at FROM training_requests r").fetch_all(pool).await)?;
    for (n, e, t, at) in requests {
        facts.push(fact(
            Metric::TrainingNeeds,
            n * 2 + 1,
            at,
            e.into_iter().collect(),
            t.into_iter().collect(),
        ));
    }
    let modules: Vec<(i64, Option<i64>, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT id, territory_id, created_at FROM training_modules WHERE cancelled_at IS NULL").fetch_all(pool).await)?;
    for (m, t, at) in modules {
        facts.push(fact(
            Metric::TrainingModules,
            m,
            at,
            vec![],
            t.into_iter().collect(),
        ));
    }
    super::practices::each(db, false, |p| {
        facts.push(fact(
            Metric::PracticesPublished,
            p.id,
            p.published_at,
            p.establishment.into_iter().collect(),
            p.territory.into_iter().collect(),
        ));
    })
    .await?;
    let trials: Vec<(i64, i64, Option<i64>)> = on!(db, pool => sqlx::query_as(
        "SELECT t.id, t.created_at, COALESCE(t.establishment_id, \
           (SELECT MIN(pe.establishment_id) FROM person_establishments pe WHERE pe.person_id = t.person_id)) \
         FROM practice_trials t JOIN practices p ON p.id = t.practice_id WHERE p.visibility <> 'private'")
        .fetch_all(pool).await)?;
    for (id, at, e) in trials {
        facts.push(fact(
            Metric::PracticesAdopted,
            id,
            at,
            e.into_iter().collect(),
            vec![],
        ));
    }
    // Exchanges: blog posts, forum messages, chat messages of a space, where their author
    // works, in the space's territory.
    let exchanges: Vec<(i64, i64, Option<i64>, Option<i64>)> = on!(db, pool => sqlx::query_as(
        "SELECT b.id * 3, b.created_at, s.territory_id, (SELECT MIN(pe.establishment_id) FROM person_establishments pe WHERE pe.person_id = b.author_id) \
         FROM blog_posts b JOIN spaces s ON s.id = b.space_id WHERE b.published \
         UNION ALL \
         SELECT f.id * 3 + 1, f.created_at, s.territory_id, (SELECT MIN(pe.establishment_id) FROM person_establishments pe WHERE pe.person_id = f.author_id) \
         FROM forum_posts f JOIN forum_topics t ON t.id = f.topic_id JOIN spaces s ON s.id = t.space_id \
         UNION ALL \
         SELECT c.id * 3 + 2, c.created_at, s.territory_id, (SELECT MIN(pe.establishment_id) FROM person_establishments pe WHERE pe.person_id = c.author_id) \
         FROM chat_messages c JOIN chat_rooms r ON r.id = c.room_id JOIN spaces s ON s.id = r.space_id")
        .fetch_all(pool).await)?;
    for (id, at, t, e) in exchanges {
        facts.push(fact(
            Metric::SpaceExchanges,
            id,
            at,
            e.into_iter().collect(),
            t.into_iter().collect(),
        ));
    }
    // Collaborations: a pair of establishments counts once a month.
    let mut seen: HashSet<(i64, Month)> = HashSet::new();
    for (a, b, at) in collaborations(db).await? {
        let key = pair(a, b);
        if seen.insert((key, Month::of_unix(at))) {
            facts.push(fact(Metric::Collaborations, key, at, vec![a, b], vec![]));
        }
    }
    Ok(facts)
}

/// Computes every metric for every scope from `first` to `last` and replaces the stored
/// series; returns how many values it wrote.
pub async fn recompute(db: &Db, first: Month, last: Month) -> Result<usize> {
    let series: Series = metrics::series(&facts(db).await?, &geography(db).await?, first, last);
    let rows: Vec<(String, &'static str, i64, i64)> = series
        .iter()
        .flat_map(|((scope, metric), values)| {
            let scope = scope.code();
            values.iter().map(move |(month, value)| {
                (
                    scope.clone(),
                    metric.code(),
                    i64::from(month.index()),
                    *value,
                )
            })
        })
        .collect();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("DELETE FROM metric_series").execute(&mut *tx).await?;
        for chunk in rows.chunks(500) {
            let mut insert = sqlx::QueryBuilder::new("INSERT INTO metric_series (scope, metric, month, value) ");
            insert.push_values(chunk, |mut row, (scope, metric, month, value)| {
                row.push_bind(scope).push_bind(*metric).push_bind(*month).push_bind(*value);
            });
            insert.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, crate::StoreError>(())
    })?;
    Ok(rows.len())
}

/// The stored values of metrics in a scope, from `first` to `last`, by metric.
pub async fn stored(
    db: &Db,
    scope: &Scope,
    first: Month,
    last: Month,
) -> Result<HashMap<Metric, BTreeMap<Month, i64>>> {
    let rows: Vec<(String, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT metric, month, value FROM metric_series WHERE scope = $1 AND month >= $2 AND month <= $3")
        .bind(scope.code()).bind(i64::from(first.index())).bind(i64::from(last.index())).fetch_all(pool).await)?;
    let mut out: HashMap<Metric, BTreeMap<Month, i64>> = HashMap::new();
    for (metric, month, value) in rows {
        let (Some(metric), Some(month)) = (
            Metric::from_code(&metric),
            u16::try_from(month).ok().and_then(Month::from_index),
        ) else {
            continue;
        };
        out.entry(metric).or_default().insert(month, value);
    }
    Ok(out)
}

/// A territory's name and the académie of most of its establishments.
pub async fn territory(db: &Db, id: i64) -> Result<(String, Option<String>)> {
    let name: Option<String> = on!(db, pool => sqlx::query_scalar("SELECT name FROM territories WHERE id = $1")
        .bind(id).fetch_optional(pool).await)?;
    let name = name.ok_or(crate::StoreError::NotFound)?;
    let academie: Option<(String, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT e.academie_code, COUNT(*) FROM territory_establishments te JOIN establishments e ON e.id = te.establishment_id \
         WHERE te.territory_id = $1 GROUP BY e.academie_code ORDER BY COUNT(*) DESC, e.academie_code LIMIT 1")
        .bind(id).fetch_optional(pool).await)?;
    Ok((name, academie.map(|(a, _)| a)))
}

/// The series of the last months, from five years back to this month.
pub async fn refresh(db: &Db) -> Result<usize> {
    let now = Month::of_unix(crate::now());
    let first = Month::from_index(now.index().saturating_sub(59)).unwrap_or(now);
    recompute(db, first, now).await
}

/// An establishment of a scope: id, UAI, name, commune.
pub type ScopeEstablishment = (i64, String, String, String);

/// The open establishments of a scope, by name.
pub async fn establishments_of(db: &Db, scope: &Scope) -> Result<Vec<ScopeEstablishment>> {
    const SELECT: &str = "SELECT e.id, e.uai, e.name, e.commune_name FROM establishments e";
    let (sql, bind) = match scope {
        Scope::National => (
            format!("{SELECT} WHERE e.open ORDER BY e.sort_name, e.id"),
            None,
        ),
        Scope::Academie(code) => (
            format!("{SELECT} WHERE e.open AND e.academie_code = $1 ORDER BY e.sort_name, e.id"),
            Some(code.clone()),
        ),
        Scope::Departement(code) => (
            format!("{SELECT} WHERE e.open AND e.departement_code = $1 ORDER BY e.sort_name, e.id"),
            Some(code.clone()),
        ),
        Scope::Territory(id) => (
            format!(
                "{SELECT} JOIN territory_establishments te ON te.establishment_id = e.id WHERE te.territory_id = CAST($1 AS BIGINT) ORDER BY e.sort_name, e.id"
            ),
            Some(id.to_string()),
        ),
    };
    Ok(on!(db, pool => {
        let query = sqlx::query_as(&sql);
        match &bind {
            Some(value) => query.bind(value).fetch_all(pool).await,
            None => query.fetch_all(pool).await,
        }
    })?)
}
