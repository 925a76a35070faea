//! The directory: geography, circonscriptions, bassins and establishments.

mod index;

pub use index::{DirectoryIndex, Search};

use std::collections::HashMap;

use domain::directory::annuaire::Entry;
use domain::directory::{EstablishmentKind, Uai, geo};
use domain::text;
use sqlx::QueryBuilder;

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

/// An establishment as pages and the API show it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Establishment {
    pub id: i64,
    pub uai: String,
    pub name: String,
    pub kind: String,
    pub public: bool,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    pub commune_code: String,
    pub commune_name: String,
    pub departement_code: String,
    pub departement_name: String,
    pub academie_code: String,
    pub academie_name: String,
    pub circonscription_code: Option<String>,
    pub circonscription_name: Option<String>,
    pub bassin_code: Option<String>,
    pub bassin_name: Option<String>,
    pub education_prioritaire: Option<String>,
    pub pupils: Option<i64>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub open: bool,
}

impl Establishment {
    pub fn kind(&self) -> EstablishmentKind {
        EstablishmentKind::from_code(&self.kind).unwrap_or(EstablishmentKind::Autre)
    }
}

const SELECT_ESTABLISHMENT: &str = "SELECT e.id, e.uai, e.name, e.kind, e.public, e.address, e.postal_code, \
    e.commune_code, e.commune_name, e.departement_code, d.name AS departement_name, e.academie_code, \
    a.name AS academie_name, e.circonscription_code, c.name AS circonscription_name, e.bassin_code, \
    b.name AS bassin_name, e.education_prioritaire, e.pupils, e.phone, e.email, e.latitude, e.longitude, e.open \
    FROM establishments e \
    JOIN departements d ON d.code = e.departement_code \
    JOIN academies a ON a.code = e.academie_code \
    LEFT JOIN circonscriptions c ON c.code = e.circonscription_code \
    LEFT JOIN bassins b ON b.code = e.bassin_code";

pub async fn by_uai(db: &Db, uai: &Uai) -> Result<Establishment> {
    let sql = format!("{SELECT_ESTABLISHMENT} WHERE e.uai = $1");
    on!(db, pool => sqlx::query_as::<_, Establishment>(&sql).bind(uai.as_str()).fetch_one(pool).await)
        .map_err(StoreError::from)
}

pub async fn by_ids(db: &Db, ids: &[i64]) -> Result<Vec<Establishment>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!("{SELECT_ESTABLISHMENT} WHERE e.id IN ({list}) ORDER BY e.sort_name, e.id");
    Ok(on!(db, pool => sqlx::query_as::<_, Establishment>(&sql).fetch_all(pool).await)?)
}

/// The open establishments placed inside a zone of the map (south, west, north, east, in
/// degrees), by name; at most `limit`.
pub async fn in_zone(
    db: &Db,
    (south, west, north, east): (f64, f64, f64, f64),
    limit: i64,
) -> Result<Vec<Establishment>> {
    let sql = format!(
        "{SELECT_ESTABLISHMENT} WHERE e.latitude BETWEEN $1 AND $2 AND e.longitude BETWEEN $3 AND $4 \
         AND e.open ORDER BY e.sort_name, e.id LIMIT $5"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Establishment>(&sql)
        .bind(south).bind(north).bind(west).bind(east).bind(limit).fetch_all(pool).await)?)
}

/// `(code, name)` pairs, ordered by name.
pub type Labels = Vec<(String, String)>;

pub async fn departements(db: &Db) -> Result<Labels> {
    let sql = "SELECT code, name FROM departements ORDER BY code";
    Ok(on!(db, pool => sqlx::query_as(sql).fetch_all(pool).await)?)
}

pub async fn circonscriptions(db: &Db, departement: &str) -> Result<Labels> {
    let sql = "SELECT code, name FROM circonscriptions WHERE departement_code = $1 ORDER BY name";
    Ok(on!(db, pool => sqlx::query_as(sql).bind(departement).fetch_all(pool).await)?)
}

pub async fn bassins(db: &Db, departement: &str) -> Result<Labels> {
    let sql = "SELECT code, name FROM bassins WHERE departement_code = $1 ORDER BY name";
    Ok(on!(db, pool => sqlx::query_as(sql).bind(departement).fetch_all(pool).await)?)
}

pub async fn count_establishments(db: &Db) -> Result<i64> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM establishments").fetch_one(pool).await)?,
    )
}

/// Loads régions académiques, académies, départements and communes once, into an empty
/// database. Returns whether anything was loaded.
pub async fn ensure_reference_data(db: &Db) -> Result<bool> {
    let count: i64 = on!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM departements").fetch_one(pool).await)?;
    if count > 0 {
        return Ok(false);
    }
    let communes = geo::communes();
    let mut departements: Vec<(String, String, &str)> = Vec::new();
    for c in &communes {
        if !departements
            .iter()
            .any(|(code, _, _)| *code == c.departement)
        {
            let academie = geo::academie_of(&c.departement).ok_or_else(|| {
                StoreError::Invalid(format!("département {} sans académie", c.departement))
            })?;
            departements.push((c.departement.clone(), c.departement_name.clone(), academie));
        }
    }
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for (code, name) in geo::REGIONS_ACADEMIQUES {
            sqlx::query("INSERT INTO regions_academiques (code, name) VALUES ($1, $2)")
                .bind(code).bind(name).execute(&mut *tx).await?;
        }
        for (code, name, region) in geo::ACADEMIES {
            sqlx::query("INSERT INTO academies (code, name, region_code) VALUES ($1, $2, $3)")
                .bind(code).bind(name).bind(region).execute(&mut *tx).await?;
        }
        for (code, name, academie) in &departements {
            sqlx::query("INSERT INTO departements (code, name, academie_code) VALUES ($1, $2, $3)")
                .bind(code).bind(name).bind(academie).execute(&mut *tx).await?;
        }
        for chunk in communes.chunks(1000) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO communes (code, name, departement_code, population, latitude, longitude) ",
            );
            insert.push_values(chunk, |mut row, c| {
                row.push_bind(c.code.clone())
                    .push_bind(c.name.clone())
                    .push_bind(c.departement.clone())
                    .push_bind(i64::from(c.population))
                    .push_bind(c.latitude)
                    .push_bind(c.longitude);
            });
            insert.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(true)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// The stored columns of an establishment, as an import writes them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct Record {
    uai: String,
    name: String,
    kind: String,
    public: bool,
    address: Option<String>,
    postal_code: Option<String>,
    commune_code: String,
    commune_name: String,
    departement_code: String,
    academie_code: String,
    circonscription_code: Option<String>,
    bassin_code: Option<String>,
    education_prioritaire: Option<String>,
    pupils: Option<i64>,
    phone: Option<String>,
    email: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    open: bool,
}

const RECORD_COLUMNS: &str = "uai, name, kind, public, address, postal_code, commune_code, commune_name, \
    departement_code, academie_code, circonscription_code, bassin_code, education_prioritaire, pupils, \
    phone, email, latitude, longitude, open";

impl Record {
    fn from_entry(entry: &Entry) -> Result<Self> {
        let academie = geo::academie_of(&entry.departement).ok_or_else(|| {
            StoreError::Invalid(format!("département {} sans académie", entry.departement))
        })?;
        Ok(Self {
            uai: entry.uai.to_string(),
            name: entry.name.clone(),
            kind: entry.kind.code().to_owned(),
            public: entry.public,
            address: entry.address.clone(),
            postal_code: entry.postal_code.clone(),
            commune_code: entry.commune_code.clone(),
            commune_name: entry.commune_name.clone(),
            departement_code: entry.departement.clone(),
            academie_code: academie.to_owned(),
            circonscription_code: entry.circonscription.as_ref().map(|c| c.0.clone()),
            bassin_code: entry.bassin.as_ref().map(|b| b.0.clone()),
            education_prioritaire: entry.education_prioritaire.map(|e| e.code().to_owned()),
            pupils: entry.pupils,
            phone: entry.phone.clone(),
            email: entry.email.clone(),
            latitude: entry.latitude,
            longitude: entry.longitude,
            open: entry.open,
        })
    }
}

macro_rules! bind_record {
    ($query:expr, $r:expr, $updated_at:expr) => {
        $query
            .bind(&$r.uai)
            .bind(&$r.name)
            .bind(&$r.kind)
            .bind($r.public)
            .bind(&$r.address)
            .bind(&$r.postal_code)
            .bind(&$r.commune_code)
            .bind(&$r.commune_name)
            .bind(&$r.departement_code)
            .bind(&$r.academie_code)
            .bind(&$r.circonscription_code)
            .bind(&$r.bassin_code)
            .bind(&$r.education_prioritaire)
            .bind($r.pupils)
            .bind(&$r.phone)
            .bind(&$r.email)
            .bind($r.latitude)
            .bind($r.longitude)
            .bind($r.open)
            .bind(text::fold(&$r.name))
            .bind($updated_at)
    };
}

/// Creates or updates establishments by UAI, in one transaction: either every entry is
/// written, or nothing is. Entries identical to what is stored count as unchanged.
pub async fn import(db: &Db, entries: &[Entry]) -> Result<ImportReport> {
    ensure_reference_data(db).await?;
    let records = entries
        .iter()
        .map(Record::from_entry)
        .collect::<Result<Vec<_>>>()?;
    let mut circonscriptions: HashMap<&str, (&str, &str)> = HashMap::new();
    let mut bassins: HashMap<&str, (&str, &str)> = HashMap::new();
    for entry in entries {
        if let Some((code, name)) = &entry.circonscription {
            circonscriptions.insert(code, (name, &entry.departement));
        }
        if let Some((code, name)) = &entry.bassin {
            bassins.insert(code, (name, &entry.departement));
        }
    }
    let updated_at = now();
    let select_existing = format!("SELECT id, {RECORD_COLUMNS} FROM establishments");
    let placeholders = (1..=19)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert_sql = format!(
        "INSERT INTO establishments ({RECORD_COLUMNS}, sort_name, updated_at) VALUES ({placeholders}, $20, $21)"
    );
    let update_sql = format!(
        "UPDATE establishments SET ({RECORD_COLUMNS}, sort_name, updated_at) = ({placeholders}, $20, $21) WHERE id = $22"
    );
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for (sql, map) in [
            ("INSERT INTO circonscriptions (code, name, departement_code) VALUES ($1, $2, $3) \
              ON CONFLICT (code) DO UPDATE SET name = excluded.name, departement_code = excluded.departement_code", &circonscriptions),
            ("INSERT INTO bassins (code, name, departement_code) VALUES ($1, $2, $3) \
              ON CONFLICT (code) DO UPDATE SET name = excluded.name, departement_code = excluded.departement_code", &bassins),
        ] {
            for (code, (name, dep)) in map {
                sqlx::query(sql).bind(*code).bind(*name).bind(*dep).execute(&mut *tx).await?;
            }
        }
        let existing: Vec<(i64, Record)> = {
            use sqlx::Row;
            let rows = sqlx::query(&select_existing).fetch_all(&mut *tx).await?;
            let mut existing = Vec::with_capacity(rows.len());
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                existing.push((id, <Record as sqlx::FromRow<_>>::from_row(row)?));
            }
            existing
        };
        let existing: HashMap<&str, (i64, &Record)> =
            existing.iter().map(|(id, r)| (r.uai.as_str(), (*id, r))).collect();
        let mut report = ImportReport::default();
        for record in &records {
            match existing.get(record.uai.as_str()) {
                Some((_, stored)) if *stored == record => {
                    report.unchanged += 1;
                    continue;
                }
                Some((id, _)) => {
                    bind_record!(sqlx::query(&update_sql), record, updated_at).bind(*id).execute(&mut *tx).await?;
                    report.updated += 1;
                }
                None => {
                    report.created += 1;
                    bind_record!(sqlx::query(&insert_sql), record, updated_at).execute(&mut *tx).await?;
                }
            }
        }
        if report.created + report.updated > 0 {
            sqlx::query("UPDATE directory_state SET version = version + 1").execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(report)
    })
}

/// Every establishment's UAI and id (for bulk writers such as the demo generator).
pub async fn ids_by_uai(db: &Db) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = on!(db, pool => sqlx::query_as("SELECT uai, id FROM establishments").fetch_all(pool).await)?;
    Ok(rows.into_iter().collect())
}

/// The id of the establishment with this UAI, if there is one.
pub async fn id_of(db: &Db, uai: &Uai) -> Result<Option<i64>> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT id FROM establishments WHERE uai = $1")
        .bind(uai.as_str()).fetch_optional(pool).await)?,
    )
}
