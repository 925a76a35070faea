//! What the map draws, read from the database: the establishments with coordinates, the
//! geography, and the facts of every layer. Kept in memory by [`MapIndex`], reread when the
//! database changed, so that a viewport costs no query.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use domain::directory::EstablishmentKind;
use domain::indicators::Month;
use domain::indicators::map::{Area, Commune, Fact, Layer, MapData, Place, small_id};
use domain::practices::Visibility;
use futures::TryStreamExt;
use sqlx::Row;

use super::practices::{tag_mask, tags_subquery};
use crate::db::on;
use crate::{Db, Result};

type PlaceRow = (
    i64,
    String,
    String,
    String,
    f64,
    f64,
    String,
    String,
    String,
    Option<String>,
    i64,
);

/// Reads everything the map draws. Private and draft practices are not read at all.
pub async fn load(db: &Db) -> Result<MapData> {
    let departements: Vec<(String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT code, name FROM departements ORDER BY code").fetch_all(pool).await)?;
    let departement_index: HashMap<String, u32> = departements
        .iter()
        .enumerate()
        .map(|(i, (code, _))| (code.clone(), i as u32))
        .collect();
    let commune_rows: Vec<(String, String, String, i64, f64, f64)> = on!(db, pool => sqlx::query_as(
        "SELECT code, name, departement_code, population, latitude, longitude FROM communes ORDER BY code").fetch_all(pool).await)?;
    let mut communes: Vec<Commune> = Vec::with_capacity(commune_rows.len());
    let mut commune_index: HashMap<String, u32> = HashMap::with_capacity(commune_rows.len());
    for (code, name, departement, population, latitude, longitude) in commune_rows {
        let Some(departement) = departement_index.get(&departement).copied() else {
            continue;
        };
        commune_index.insert(code.clone(), communes.len() as u32);
        communes.push(Commune {
            code,
            name,
            departement,
            population: u32::try_from(population).unwrap_or(0),
            latitude,
            longitude,
        });
    }
    let circonscriptions: Vec<(String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT code, name FROM circonscriptions ORDER BY code").fetch_all(pool).await)?;
    let circonscription_index: HashMap<&str, u32> = circonscriptions
        .iter()
        .enumerate()
        .map(|(i, (code, _))| (code.as_str(), i as u32))
        .collect();

    let rows: Vec<PlaceRow> = on!(db, pool => sqlx::query_as(
        "SELECT e.id, e.uai, e.name, e.kind, e.latitude, e.longitude, e.commune_code, e.commune_name, \
         e.departement_code, e.circonscription_code, \
         (SELECT COUNT(*) FROM person_establishments pe WHERE pe.establishment_id = e.id) \
         FROM establishments e WHERE e.open AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL ORDER BY e.id"
    ).fetch_all(pool).await)?;
    let mut places = Vec::with_capacity(rows.len());
    let mut place_index: HashMap<i64, u32> = HashMap::with_capacity(rows.len());
    for (
        id,
        uai,
        name,
        kind,
        latitude,
        longitude,
        commune_code,
        commune_name,
        departement,
        circo,
        staff,
    ) in rows
    {
        let commune = match commune_index.get(&commune_code) {
            Some(c) => *c,
            // A commune missing from the reference list (a merged one, an overseas one):
            // drawn where its establishment is.
            None => {
                let Some(departement) = departement_index.get(&departement).copied() else {
                    continue;
                };
                let index = communes.len() as u32;
                commune_index.insert(commune_code.clone(), index);
                communes.push(Commune {
                    code: commune_code,
                    name: commune_name,
                    departement,
                    population: 0,
                    latitude,
                    longitude,
                });
                index
            }
        };
        place_index.insert(id, places.len() as u32);
        places.push(Place {
            id,
            uai,
            name,
            kind: EstablishmentKind::from_code(&kind).unwrap_or(EstablishmentKind::Autre),
            latitude,
            longitude,
            commune,
            circonscription: circo.and_then(|c| circonscription_index.get(c.as_str()).copied()),
            staff: u32::try_from(staff).unwrap_or(u32::MAX),
        });
    }

    let members: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT te.territory_id, te.establishment_id, t.created_at FROM territory_establishments te \
         JOIN territories t ON t.id = te.territory_id").fetch_all(pool).await)?;
    let mut territories: HashMap<i64, Vec<u32>> = HashMap::new();
    for (territory, establishment, _) in &members {
        if let Some(p) = place_index.get(establishment) {
            territories.entry(*territory).or_default().push(*p);
        }
    }
    let area = |(code, name): (String, String)| Area { code, name };
    let mut data = MapData::new(
        places,
        communes,
        departements.into_iter().map(area).collect(),
        circonscriptions.into_iter().map(area).collect(),
        territories,
    );

    let fact = |place: u32, at: i64, layer: Layer| Fact {
        place,
        month: Month::of_unix(at),
        layer,
        visibility: Visibility::Public,
        territory: 0,
        tags: 0,
        observatory: 0,
    };
    let mut facts = Vec::new();
    for (_, establishment, created_at) in members {
        if let Some(p) = place_index.get(&establishment) {
            facts.push(fact(*p, created_at, Layer::Networks));
        }
    }

    // The practices published (not private), with their tags.
    super::practices::each(db, true, |p| {
        if let Some(place) = p.establishment.and_then(|e| place_index.get(&e)) {
            facts.push(Fact {
                visibility: p.visibility,
                territory: p.territory.map_or(0, small_id),
                tags: p.tags,
                ..fact(*place, p.published_at, Layer::Practices)
            });
        }
    })
    .await?;

    // « J'ai essayé », where it was tried (or at the person's establishment), with the
    // practice's visibility and tags.
    let trials_sql = format!(
        "SELECT p.visibility, p.territory_id, t.created_at, \
           COALESCE(t.establishment_id, (SELECT MIN(pe.establishment_id) FROM person_establishments pe WHERE pe.person_id = t.person_id)), \
           {} \
         FROM practice_trials t JOIN practices p ON p.id = t.practice_id \
         WHERE p.status = 'published' AND p.visibility <> 'private'",
        tags_subquery(db, "t.practice_id")
    );
    on!(db, pool => {
        let mut rows = sqlx::query_as::<_, (String, Option<i64>, i64, Option<i64>, Option<String>)>(&trials_sql).fetch(pool);
        while let Some((visibility, territory, at, establishment, tags)) = rows.try_next().await? {
            let (Some(place), Some(visibility)) = (
                establishment.and_then(|e| place_index.get(&e)),
                Visibility::from_code(&visibility),
            ) else {
                continue;
            };
            facts.push(Fact {
                visibility,
                territory: territory.map_or(0, small_id),
                tags: tag_mask(tags.as_deref()),
                ..fact(*place, at, Layer::Trials)
            });
        }
        Ok::<_, sqlx::Error>(())
    })?;

    // Visits that took place (observed, analysed or closed), at the requesting establishment.
    let visits: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT r.establishment_id, COALESCE(v.starts_at, v.created_at), v.observatory_id \
         FROM visits v JOIN visit_requests r ON r.id = v.request_id \
         WHERE v.state IN ('observed', 'analysis', 'closed')").fetch_all(pool).await)?;
    for (establishment, at, observatory) in visits {
        if let Some(p) = place_index.get(&establishment) {
            facts.push(Fact {
                observatory: small_id(observatory),
                ..fact(*p, at, Layer::Visits)
            });
        }
    }

    // Members of teacher networks, at their establishment, from the school year they joined.
    let network_members: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT (SELECT MIN(pe.establishment_id) FROM person_establishments pe WHERE pe.person_id = m.person_id), m.joined_year \
         FROM network_members m").fetch_all(pool).await)
    .map(|rows: Vec<(Option<i64>, i64)>| rows.into_iter().filter_map(|(e, y)| Some((e?, y))).collect())?;
    for (establishment, year) in network_members {
        let (Some(p), Some(september)) = (
            place_index.get(&establishment),
            i32::try_from(year).ok().and_then(|y| Month::new(y, 9)),
        ) else {
            continue;
        };
        facts.push(fact(*p, september.start(), Layer::Networks));
    }

    // Events not cancelled, at their territory's most central establishment.
    let events: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT territory_id, starts_at FROM events WHERE cancelled_at IS NULL AND territory_id IS NOT NULL")
        .fetch_all(pool).await)?;
    for (territory, at) in events {
        if let Some(p) = data.territory_anchor(territory) {
            facts.push(fact(p, at, Layer::Events));
        }
    }
    // By place: a viewport's counts are then written in order.
    facts.sort_unstable_by_key(|f| f.place);
    facts.shrink_to_fit();
    data.facts = facts;
    Ok(data)
}

/// What the map's data depends on, in a few numbers that change when it does: the change
/// log of the practices, the directory's version, and counts and marks of the other tables.
/// Cheap to read (indexes and small tables), so that an unchanged database is not reread.
async fn fingerprint(db: &Db) -> Result<Vec<i64>> {
    Ok(on!(db, pool => {
        let row = sqlx::query(
            "SELECT (SELECT COALESCE(MAX(seq), 0) FROM search_changes), \
                    (SELECT COALESCE(MAX(version), 0) FROM directory_state), \
                    (SELECT COUNT(*) FROM practice_trials), (SELECT COALESCE(MAX(id), 0) FROM practice_trials), \
                    (SELECT COUNT(*) FROM visits), (SELECT COALESCE(MAX(updated_at), 0) FROM visits), \
                    (SELECT COUNT(*) FROM territories), (SELECT COUNT(*) FROM territory_establishments), \
                    (SELECT COUNT(*) FROM network_members), \
                    (SELECT COUNT(*) FROM events), (SELECT COUNT(cancelled_at) FROM events), \
                    (SELECT CAST(COALESCE(SUM(starts_at), 0) AS BIGINT) FROM events), \
                    (SELECT COUNT(*) FROM person_establishments)",
        )
        .fetch_one(pool)
        .await?;
        (0..row.len()).map(|i| row.try_get::<i64, _>(i)).collect::<Result<Vec<i64>, _>>()
    })?)
}

/// A snapshot of the map's data: when it was last checked, what the database looked like.
type Snapshot = (Instant, Vec<i64>, Arc<MapData>);

/// The map's data in memory, checked against the database when older than `refresh` and
/// reread when it changed (in the background: the people looking at the map meanwhile get
/// the previous one; with a refresh of zero, every call checks, and rereads if need be).
pub struct MapIndex {
    refresh: Duration,
    snapshot: RwLock<Option<Snapshot>>,
    reload: tokio::sync::Mutex<()>,
}

impl MapIndex {
    pub fn new(refresh: Duration) -> Self {
        Self {
            refresh,
            snapshot: RwLock::new(None),
            reload: tokio::sync::Mutex::new(()),
        }
    }

    fn current(&self) -> Option<Snapshot> {
        self.snapshot.read().ok().and_then(|s| s.clone())
    }

    pub async fn get(self: &Arc<Self>, db: &Db) -> Result<Arc<MapData>> {
        let asked = Instant::now();
        if let Some((at, _, data)) = self.current() {
            if at.elapsed() < self.refresh {
                return Ok(data);
            }
            if !self.refresh.is_zero() {
                let (index, db) = (self.clone(), db.clone());
                tokio::spawn(async move {
                    if let Ok(_one_loader) = index.reload.try_lock()
                        && let Err(error) = index.refresh(&db).await
                    {
                        tracing::warn!(%error, "map data not reloaded");
                    }
                });
                return Ok(data);
            }
        }
        let _one_loader = self.reload.lock().await;
        if let Some((_, _, data)) = self.current().filter(|(at, _, _)| *at >= asked) {
            return Ok(data);
        }
        self.refresh(db).await
    }

    /// Rereads the data if the database changed since the snapshot; else marks it checked.
    async fn refresh(&self, db: &Db) -> Result<Arc<MapData>> {
        let started = Instant::now();
        let seen = fingerprint(db).await?;
        if let Some((_, before, data)) = self.current()
            && before == seen
        {
            if let Ok(mut slot) = self.snapshot.write() {
                *slot = Some((started, seen, data.clone()));
            }
            return Ok(data);
        }
        let fresh = Arc::new(load(db).await?);
        tracing::debug!(facts = fresh.facts.len(), elapsed = ?started.elapsed(), "map data loaded");
        if let Ok(mut slot) = self.snapshot.write() {
            *slot = Some((started, seen, fresh.clone()));
        }
        Ok(fresh)
    }
}
