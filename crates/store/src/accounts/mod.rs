//! People, their assignments, sessions, API tokens, password resets and login throttling.
//! Tokens are random; only their SHA-256 is stored.

pub mod audit;
pub mod exceptional;
pub mod invitations;
pub mod privacy;
pub mod sessions;
pub mod sso;

pub use sessions::{create_session, delete_session, session_person};

use domain::accounts::{Email, Function, PersonName};
use domain::directory::hierarchy::{Assignment, Staff};
use domain::directory::{EstablishmentKind, Uai};
use domain::ids::PersonId;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::QueryBuilder;

use crate::db::{BeginWrite, on};
use crate::directory::Establishment;
use crate::{Backend, Db, Result, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Person {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub function: String,
    pub admin: bool,
    pub circonscription_code: Option<String>,
    pub academie_code: Option<String>,
    pub created_at: i64,
    /// Set when an administrator disabled the account (or it was closed).
    pub disabled_at: Option<i64>,
    /// The end of an invited account: it signs in no more after it.
    pub ends_at: Option<i64>,
}

impl Person {
    pub fn id(&self) -> PersonId {
        PersonId(self.id)
    }

    pub fn function(&self) -> Option<Function> {
        Function::parse(&self.function).ok()
    }

    /// Whether the account may sign in at `at` (neither disabled nor past its end date).
    pub fn active_at(&self, at: i64) -> bool {
        self.disabled_at.is_none() && self.ends_at.is_none_or(|end| end > at)
    }
}

/// The condition on `p` (a person) of an account that may be used; `$now` is bound by the
/// caller.
pub(crate) const ACTIVE: &str = "p.disabled_at IS NULL AND (p.ends_at IS NULL OR p.ends_at > $now)";

pub(crate) const PERSON_COLUMNS: &str = "p.id, p.email, p.name, p.function, p.admin, p.circonscription_code, p.academie_code, p.created_at, p.disabled_at, p.ends_at";

/// A new account.
#[derive(Debug, Clone)]
pub struct NewPerson {
    pub email: Email,
    pub name: PersonName,
    pub function: Function,
    pub password_hash: Option<String>,
    pub admin: bool,
    pub establishments: Vec<Uai>,
    pub circonscription: Option<String>,
    pub academie: Option<String>,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
}

/// A person with where they work and what they teach.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub person: Person,
    pub establishments: Vec<Establishment>,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
}

pub async fn create_person(db: &Db, new: &NewPerson) -> Result<PersonId> {
    let created_at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO people (email, name, function, password_hash, admin, circonscription_code, academie_code, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(new.email.as_str())
        .bind(new.name.as_str())
        .bind(new.function.code())
        .bind(&new.password_hash)
        .bind(new.admin)
        .bind(&new.circonscription)
        .bind(&new.academie)
        .bind(created_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("un compte existe déjà pour {}", new.email)),
            StoreError::Database(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => StoreError::Invalid(
                "circonscription ou académie inconnue".to_owned(),
            ),
            other => other,
        })?;
        for uai in &new.establishments {
            let establishment: Option<i64> = sqlx::query_scalar("SELECT id FROM establishments WHERE uai = $1")
                .bind(uai.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let establishment = establishment
                .ok_or_else(|| StoreError::Invalid(format!("aucun établissement n'a l'UAI {uai}")))?;
            sqlx::query("INSERT INTO person_establishments (person_id, establishment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id).bind(establishment).execute(&mut *tx).await?;
        }
        for (sql, values) in [
            ("INSERT INTO person_subjects (person_id, subject) VALUES ($1, $2) ON CONFLICT DO NOTHING", &new.subjects),
            ("INSERT INTO person_levels (person_id, level) VALUES ($1, $2) ON CONFLICT DO NOTHING", &new.levels),
        ] {
            for value in values {
                sqlx::query(sql).bind(id).bind(value.trim()).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(PersonId(id))
    })
}

pub async fn person(db: &Db, id: PersonId) -> Result<Person> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = $1");
    Ok(on!(db, pool => sqlx::query_as::<_, Person>(&sql).bind(id.0).fetch_one(pool).await)?)
}

/// The person with this address and their password hash, if any.
pub async fn by_email(db: &Db, email: &Email) -> Result<Option<(Person, Option<String>)>> {
    let sql = format!("SELECT {PERSON_COLUMNS}, p.password_hash FROM people p WHERE p.email = $1");
    on!(db, pool => {
        let row = sqlx::query(&sql).bind(email.as_str()).fetch_optional(pool).await?;
        row.map(|row| {
            use sqlx::{FromRow, Row};
            Ok((Person::from_row(&row)?, row.try_get::<Option<String>, _>("password_hash")?))
        })
        .transpose()
    })
}

pub async fn profile(db: &Db, id: PersonId) -> Result<Profile> {
    let person = person(db, id).await?;
    let ids: Vec<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT establishment_id FROM person_establishments WHERE person_id = $1"
    ).bind(id.0).fetch_all(pool).await)?;
    let establishments = crate::directory::by_ids(db, &ids).await?;
    let subjects = on!(db, pool => sqlx::query_scalar(
        "SELECT subject FROM person_subjects WHERE person_id = $1 ORDER BY subject"
    ).bind(id.0).fetch_all(pool).await)?;
    let levels = on!(db, pool => sqlx::query_scalar(
        "SELECT level FROM person_levels WHERE person_id = $1 ORDER BY level"
    ).bind(id.0).fetch_all(pool).await)?;
    Ok(Profile {
        person,
        establishments,
        subjects,
        levels,
    })
}

/// The profiles of many people at once (four queries whatever their number); unknown ids
/// are left out.
pub async fn profiles(
    db: &Db,
    ids: &[PersonId],
) -> Result<std::collections::HashMap<PersonId, Profile>> {
    use std::collections::HashMap;
    let mut out: HashMap<PersonId, Profile> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(2_000) {
        let list = chunk
            .iter()
            .map(|id| id.0.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id IN ({list})");
        let people: Vec<Person> = on!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        let sql = format!(
            "SELECT person_id, establishment_id FROM person_establishments WHERE person_id IN ({list})"
        );
        let links: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        let mut establishment_ids: Vec<i64> = links.iter().map(|(_, e)| *e).collect();
        establishment_ids.sort_unstable();
        establishment_ids.dedup();
        let establishments: HashMap<i64, Establishment> =
            crate::directory::by_ids(db, &establishment_ids)
                .await?
                .into_iter()
                .map(|e| (e.id, e))
                .collect();
        let sql = format!(
            "SELECT person_id, subject FROM person_subjects WHERE person_id IN ({list}) ORDER BY subject"
        );
        let subjects: Vec<(i64, String)> =
            on!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        let sql = format!(
            "SELECT person_id, level FROM person_levels WHERE person_id IN ({list}) ORDER BY level"
        );
        let levels: Vec<(i64, String)> =
            on!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
        for person in people {
            let id = person.id();
            out.insert(
                id,
                Profile {
                    person,
                    establishments: Vec::new(),
                    subjects: Vec::new(),
                    levels: Vec::new(),
                },
            );
        }
        for (person, establishment) in links {
            if let (Some(p), Some(e)) = (
                out.get_mut(&PersonId(person)),
                establishments.get(&establishment),
            ) {
                p.establishments.push(e.clone());
            }
        }
        for (person, subject) in subjects {
            if let Some(p) = out.get_mut(&PersonId(person)) {
                p.subjects.push(subject);
            }
        }
        for (person, level) in levels {
            if let Some(p) = out.get_mut(&PersonId(person)) {
                p.levels.push(level);
            }
        }
    }
    Ok(out)
}

/// What the hierarchy rules need to know of a person.
pub async fn staff(db: &Db, id: PersonId) -> Result<Staff> {
    staff_of(&profile(db, id).await?)
}

/// What the hierarchy relation needs of a person whose profile was read.
pub fn staff_of(profile: &Profile) -> Result<Staff> {
    let function = profile.person.function().ok_or_else(|| {
        StoreError::Invalid(format!("fonction inconnue : {}", profile.person.function))
    })?;
    let assignments = profile
        .establishments
        .iter()
        .filter_map(|e| {
            Some(Assignment {
                uai: Uai::parse(&e.uai).ok()?,
                kind: EstablishmentKind::from_code(&e.kind)?,
                circonscription: e.circonscription_code.clone(),
                academie: Some(e.academie_code.clone()),
            })
        })
        .collect();
    Ok(Staff {
        function,
        assignments,
        circonscription: profile.person.circonscription_code.clone(),
        academie: profile.person.academie_code.clone(),
        subjects: profile.subjects.clone(),
    })
}

pub async fn set_password(db: &Db, id: PersonId, hash: &str) -> Result<()> {
    let done = on!(db, pool => sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
        .bind(hash).bind(id.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn count_people(db: &Db) -> Result<i64> {
    Ok(on!(db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM people").fetch_one(pool).await)?)
}

pub(crate) fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let raw: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&raw);
    (raw, hash)
}

pub(crate) fn token_hash(raw: &str) -> String {
    Sha256::digest(raw.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates a bearer token for the JSON API.
pub async fn create_api_token(db: &Db, person: PersonId) -> Result<String> {
    let (raw, hash) = new_token();
    on!(db, pool => sqlx::query("INSERT INTO api_tokens (token_hash, person_id, created_at) VALUES ($1, $2, $3)")
        .bind(&hash).bind(person.0).bind(now()).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(raw)
}

/// The person of a bearer token, if their account is active.
pub async fn api_token_person(db: &Db, token: &str) -> Result<Option<Person>> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM api_tokens t JOIN people p ON p.id = t.person_id WHERE t.token_hash = $1 AND {}",
        ACTIVE.replace("$now", "$2")
    );
    Ok(
        on!(db, pool => sqlx::query_as::<_, Person>(&sql).bind(token_hash(token)).bind(now()).fetch_optional(pool).await)?,
    )
}

/// An application password (WebDAV, API): what the person named it, when it was made and last
/// used. `id` is the digest of the password, never the password itself.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AppPassword {
    pub id: String,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// Creates an application password; returns it, shown once.
pub async fn create_app_password(db: &Db, person: PersonId, label: &str) -> Result<String> {
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 80 {
        return Err(StoreError::Invalid(
            "nommez le mot de passe d'application (1 à 80 caractères), par exemple « Ordinateur du collège »".to_owned(),
        ));
    }
    let (raw, hash) = new_token();
    on!(db, pool => sqlx::query("INSERT INTO api_tokens (token_hash, person_id, created_at, label) VALUES ($1, $2, $3, $4)")
        .bind(&hash).bind(person.0).bind(now()).bind(label).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(raw)
}

/// A person's application passwords (and command-line tokens), newest first.
pub async fn app_passwords(db: &Db, person: PersonId) -> Result<Vec<AppPassword>> {
    Ok(on!(db, pool => sqlx::query_as::<_, AppPassword>(
        "SELECT token_hash AS id, label, created_at, last_used_at FROM api_tokens WHERE person_id = $1 ORDER BY created_at DESC",
    ).bind(person.0).fetch_all(pool).await)?)
}

pub async fn revoke_app_password(db: &Db, person: PersonId, id: &str) -> Result<()> {
    let removed = on!(db, pool => sqlx::query("DELETE FROM api_tokens WHERE person_id = $1 AND token_hash = $2")
        .bind(person.0).bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The person of an e-mail address and one of their application passwords (HTTP Basic).
pub async fn app_password_person(db: &Db, email: &str, password: &str) -> Result<Option<Person>> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM api_tokens t JOIN people p ON p.id = t.person_id \
         WHERE t.token_hash = $1 AND p.email = $2 AND {}",
        ACTIVE.replace("$now", "$3")
    );
    let hash = token_hash(password.trim());
    let person = on!(db, pool => sqlx::query_as::<_, Person>(&sql)
        .bind(&hash).bind(email.trim().to_lowercase()).bind(now()).fetch_optional(pool).await)?;
    if person.is_some() {
        let at = now();
        on!(db, pool => sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
        ).bind(at).bind(&hash).bind(at - 60).execute(pool).await.map(|r| r.rows_affected()))?;
    }
    Ok(person)
}

pub async fn create_password_reset(db: &Db, person: PersonId, ttl_secs: i64) -> Result<String> {
    let (raw, hash) = new_token();
    on!(db, pool => sqlx::query("INSERT INTO password_resets (token_hash, person_id, expires_at) VALUES ($1, $2, $3)")
        .bind(&hash).bind(person.0).bind(now() + ttl_secs).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(raw)
}

/// Whether a reset token is still good (unused, not expired).
pub async fn password_reset_valid(db: &Db, token: &str) -> Result<bool> {
    let found: Option<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT person_id FROM password_resets WHERE token_hash = $1 AND NOT used AND expires_at > $2"
    ).bind(token_hash(token)).bind(now()).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// Uses a reset token once: sets the new password and closes every session of the person.
pub async fn consume_password_reset(db: &Db, token: &str, password_hash: &str) -> Result<PersonId> {
    let hash = token_hash(token);
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let person: Option<i64> = sqlx::query_scalar(
            "UPDATE password_resets SET used = TRUE WHERE token_hash = $1 AND NOT used AND expires_at > $2 RETURNING person_id",
        )
        .bind(&hash).bind(now()).fetch_optional(&mut *tx).await?;
        let person = person.ok_or(StoreError::NotFound)?;
        sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(person).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sessions WHERE person_id = $1").bind(person).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(PersonId(person))
    })
}

/// A sign-in attempt for `email` from `ip`, counted before the password is checked: the
/// attempt is written first, then the attempts of the window are counted, this one included.
/// However many arrive at once, the k-th written sees at least k, so no more than the limit
/// ever get through. Returns the attempt and the counts (this address from this IP, this IP).
pub async fn login_attempt(
    db: &Db,
    email: &str,
    ip: &str,
    since: i64,
) -> Result<(LoginAttempt, i64, i64)> {
    on!(db, pool => {
        let id: i64 = sqlx::query_scalar("INSERT INTO login_failures (email, ip, at) VALUES ($1, $2, $3) RETURNING id")
            .bind(email).bind(ip).bind(now()).fetch_one(pool).await?;
        let by_pair: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE email = $1 AND ip = $2 AND at > $3")
            .bind(email).bind(ip).bind(since).fetch_one(pool).await?;
        let by_ip: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE ip = $1 AND at > $2")
            .bind(ip).bind(since).fetch_one(pool).await?;
        Ok((LoginAttempt(id), by_pair, by_ip))
    })
}

/// An attempt written by [`login_attempt`].
#[derive(Debug, Clone, Copy)]
pub struct LoginAttempt(i64);

/// Forgets an attempt that was refused before any password was checked: a flood of refused
/// attempts leaves nothing behind, and the attempts that were let through still count.
pub async fn forget_login_attempt(db: &Db, attempt: LoginAttempt) -> Result<()> {
    on!(db, pool => sqlx::query("DELETE FROM login_failures WHERE id = $1")
        .bind(attempt.0).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// After a successful sign-in: the attempts of this address from this IP, and every attempt
/// older than `before`, are forgotten.
pub async fn clear_login_failures(db: &Db, email: &str, ip: &str, before: i64) -> Result<()> {
    on!(db, pool => sqlx::query("DELETE FROM login_failures WHERE (email = $1 AND ip = $2) OR at < $3")
        .bind(email).bind(ip).bind(before).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// A person written by the demo generator, in bulk.
#[derive(Debug, Clone)]
pub struct BulkPerson {
    pub email: String,
    pub name: String,
    pub function: Function,
    pub establishment: Option<i64>,
    pub circonscription: Option<String>,
    pub academie: Option<String>,
    pub subject: Option<String>,
    pub level: Option<String>,
}

/// Inserts many people at once (ids assigned here), with their assignment, subject and level.
pub async fn insert_people_bulk(db: &Db, people: &[BulkPerson]) -> Result<()> {
    let created = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let first: i64 = sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM people").fetch_one(&mut *tx).await?.unwrap_or(0) + 1;
        let numbered: Vec<(i64, &BulkPerson)> = people.iter().enumerate().map(|(i, p)| (first + i as i64, p)).collect();
        for chunk in numbered.chunks(2000) {
            let mut insert = QueryBuilder::new("INSERT INTO people (id, email, name, function, admin, circonscription_code, academie_code, created_at) ");
            insert.push_values(chunk, |mut row, (id, p)| {
                row.push_bind(*id).push_bind(&p.email).push_bind(&p.name).push_bind(p.function.code())
                    .push_bind(false).push_bind(&p.circonscription).push_bind(&p.academie).push_bind(created);
            });
            insert.build().execute(&mut *tx).await?;
            let links: Vec<(i64, i64)> = chunk.iter().filter_map(|(id, p)| Some((*id, p.establishment?))).collect();
            if !links.is_empty() {
                let mut insert = QueryBuilder::new("INSERT INTO person_establishments (person_id, establishment_id) ");
                insert.push_values(links, |mut row, (id, e)| { row.push_bind(id).push_bind(e); });
                insert.build().execute(&mut *tx).await?;
            }
            for (table, column, pick) in [
                ("person_subjects", "subject", (|p: &BulkPerson| p.subject.clone()) as fn(&BulkPerson) -> Option<String>),
                ("person_levels", "level", |p: &BulkPerson| p.level.clone()),
            ] {
                let values: Vec<(i64, String)> = chunk.iter().filter_map(|(id, p)| Some((*id, pick(p)?))).collect();
                if !values.is_empty() {
                    let mut insert = QueryBuilder::new(format!("INSERT INTO {table} (person_id, {column}) "));
                    insert.push_values(values, |mut row, (id, v)| { row.push_bind(id).push_bind(v); });
                    insert.build().execute(&mut *tx).await?;
                }
            }
        }
        if db.backend() == Backend::Postgres {
            sqlx::query("SELECT setval(pg_get_serial_sequence('people', 'id'), (SELECT MAX(id) FROM people))")
                .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// The teachers (1er and 2nd degré) with one of their establishments, if any.
pub async fn teachers_with_establishment(db: &Db) -> Result<Vec<(i64, Option<i64>)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT p.id, (SELECT MIN(pe.establishment_id) FROM person_establishments pe WHERE pe.person_id = p.id) \
         FROM people p WHERE p.function IN ('enseignant-1d', 'enseignant-2d') ORDER BY p.id"
    ).fetch_all(pool).await)?)
}

/// The people who work in an establishment (id, name, function code), by name.
pub async fn staff_of_establishment(db: &Db, uai: &str) -> Result<Vec<(i64, String, String)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT p.id, p.name, p.function FROM person_establishments pe JOIN people p ON p.id = pe.person_id \
         JOIN establishments e ON e.id = pe.establishment_id WHERE e.uai = $1 ORDER BY p.name, p.id LIMIT 500",
    ).bind(uai).fetch_all(pool).await)?)
}

/// Of `others`, those `person` is a hierarchical superior of (the profiles read at once):
/// they never see a visit of them, nor their progress on a training path.
pub async fn superior_of(
    db: &Db,
    person: PersonId,
    others: &[PersonId],
) -> Result<std::collections::HashSet<PersonId>> {
    let mut ids = others.to_vec();
    ids.push(person);
    ids.sort_unstable();
    ids.dedup();
    let profiles = profiles(db, &ids).await?;
    let mut superior_of = std::collections::HashSet::new();
    let Some(me) = profiles.get(&person) else {
        return Ok(superior_of);
    };
    let me = staff_of(me)?;
    for (id, profile) in &profiles {
        if *id != person && domain::directory::hierarchy::is_superior(&me, &staff_of(profile)?) {
            superior_of.insert(*id);
        }
    }
    Ok(superior_of)
}

/// Accounts whose name or address contains `text` (any case), for the administrators; the
/// closed ones are left out.
pub async fn search_people(db: &Db, text: &str, limit: i64) -> Result<Vec<Person>> {
    let pattern = crate::db::contains_pattern(text);
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM people p WHERE p.closed_at IS NULL \
         AND (LOWER(p.email) LIKE $1 OR LOWER(p.name) LIKE $1) ORDER BY p.name, p.id LIMIT $2"
    );
    Ok(
        on!(db, pool => sqlx::query_as::<_, Person>(&sql).bind(&pattern).bind(limit).fetch_all(pool).await)?,
    )
}

/// Gives or takes the administrator role.
pub async fn set_admin(db: &Db, id: PersonId, admin: bool) -> Result<()> {
    let done = on!(db, pool => sqlx::query("UPDATE people SET admin = $1 WHERE id = $2 AND closed_at IS NULL")
        .bind(admin).bind(id.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
