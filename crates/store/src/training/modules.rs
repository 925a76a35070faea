//! The plan's modules: sessions, trainers and the themes they answer; registrations with a
//! waiting list that never lets the registered outnumber the seats (every registration and
//! cancellation writes the module's row first, which serialises them on both databases), the
//! seats kept for members of the observatories, attendance by session.

use std::collections::{BTreeSet, HashMap};

use domain::ids::{ModuleId, PersonId, TerritoryId, TrainingSessionId};
use domain::observatories::visit::Public;
use domain::territories::events::RegistrationStatus;
use domain::text::fold;
use domain::training::demand::{ModuleOffer, theme_key};
use domain::training::modules::{ModuleContent, Plan, Seat, seat};

use crate::db::{BeginWrite, on};
use crate::spaces::notify;
use crate::{Db, Result, StoreError, now};

/// How far back a need still waits for a module: two school years.
const NEEDS_KEPT: i64 = 2 * 365 * 86_400;

/// Writes a module of the plan and tells the people whose needs it answers (their own needs,
/// or the visits where they were observed, of the last two years). Returns the module and
/// how many people were told.
pub async fn create(
    db: &Db,
    content: &ModuleContent,
    territory: Option<TerritoryId>,
    trainers: &[PersonId],
    by: PersonId,
) -> Result<(ModuleId, usize)> {
    let at = now();
    // Whoever asked for one of its themes is told (the same theme whatever its spelling).
    let folded: BTreeSet<String> = content.themes.iter().map(|t| theme_key(t)).collect();
    let concerned: Vec<(i64, String)> = on!(db, pool => sqlx::query_as(
        "SELECT person_id, theme FROM training_requests WHERE person_id IS NOT NULL AND created_at >= $1 \
         UNION ALL \
         SELECT t.person_id, n.theme FROM training_needs n JOIN visits v ON v.id = n.visit_id \
         JOIN visit_request_teachers t ON t.request_id = v.request_id WHERE n.created_at >= $1",
    ).bind(at - NEEDS_KEPT).fetch_all(pool).await)?;
    let told: BTreeSet<i64> = concerned
        .into_iter()
        .filter(|(_, theme)| folded.contains(&theme_key(theme)))
        .map(|(person, _)| person)
        .collect();
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO training_modules (title, objectives, plan, public, territory_id, capacity, reserved_seats, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        ).bind(&content.title).bind(&content.objectives).bind(content.plan.code()).bind(content.public.code())
         .bind(territory.map(|t| t.0)).bind(i64::from(content.capacity)).bind(i64::from(content.reserved_seats))
         .bind(by.0).bind(at).fetch_one(&mut *tx).await?;
        for theme in &content.themes {
            sqlx::query("INSERT INTO training_module_themes (module_id, theme, folded) VALUES ($1, $2, $3)")
                .bind(id).bind(theme).bind(fold(theme)).execute(&mut *tx).await?;
        }
        for trainer in trainers {
            sqlx::query(
                "INSERT INTO training_module_trainers (module_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            ).bind(id).bind(trainer.0).execute(&mut *tx).await?;
        }
        for session in &content.sessions {
            sqlx::query(
                "INSERT INTO training_sessions (module_id, starts_at, ends_at, place, video_url) VALUES ($1, $2, $3, $4, $5)",
            ).bind(id).bind(session.starts_at).bind(session.ends_at).bind(&session.place).bind(&session.video_url)
             .execute(&mut *tx).await?;
        }
        let message = format!(
            "Un module de formation répond à un besoin que vous avez exprimé : « {} »",
            content.title
        );
        notify!(tx, told.iter().copied(), message, format!("/formation/modules/{id}"));
        tx.commit().await?;
        id
    });
    Ok((ModuleId(id), told.len()))
}

/// A session of a module.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Session {
    pub id: i64,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub video_url: String,
}

/// A module as its page shows it, with the caller's registration.
#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub id: ModuleId,
    pub title: String,
    pub objectives: String,
    pub plan: Plan,
    pub public: Public,
    pub territory: Option<(TerritoryId, String)>,
    pub capacity: i64,
    pub reserved_seats: i64,
    pub cancelled: bool,
    pub themes: Vec<String>,
    /// The trainers: id and name.
    pub trainers: Vec<(PersonId, String)>,
    pub sessions: Vec<Session>,
    pub registered: i64,
    pub reserved_taken: i64,
    pub waitlisted: i64,
    /// The caller's registration, and their place in the waiting list (1: next).
    pub mine: Option<(RegistrationStatus, i64)>,
}

impl Module {
    /// Registrations close when the first session starts.
    pub fn open_at(&self, at: i64) -> bool {
        !self.cancelled && self.sessions.first().is_some_and(|s| s.starts_at > at)
    }

    pub fn seats_left(&self) -> i64 {
        (self.capacity - self.registered).max(0)
    }
}

/// A module's row: id, title, objectives, plan, public, territory, its name, capacity,
/// reserved seats, cancelled, registered, on reserved seats, waitlisted.
type ModuleRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    i64,
    i64,
    Option<i64>,
    i64,
    i64,
    i64,
);

const MODULES: &str = "SELECT m.id, m.title, m.objectives, m.plan, m.public, m.territory_id, t.name, \
    m.capacity, m.reserved_seats, m.cancelled_at, \
    (SELECT COUNT(*) FROM training_registrations g WHERE g.module_id = m.id AND g.status = 'registered'), \
    (SELECT COUNT(*) FROM training_registrations g WHERE g.module_id = m.id AND g.status = 'registered' AND g.reserved), \
    (SELECT COUNT(*) FROM training_registrations g WHERE g.module_id = m.id AND g.status = 'waitlisted') \
    FROM training_modules m LEFT JOIN territories t ON t.id = m.territory_id";

/// The modules of `rows` with their themes, trainers and sessions (read at once).
async fn complete(db: &Db, rows: Vec<ModuleRow>) -> Result<Vec<Module>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let themes: Vec<(i64, String)> = on!(db, pool => sqlx::query_as(&format!(
        "SELECT module_id, theme FROM training_module_themes WHERE module_id IN ({list}) ORDER BY module_id, theme"
    )).fetch_all(pool).await)?;
    let trainers: Vec<(i64, i64, String)> = on!(db, pool => sqlx::query_as(&format!(
        "SELECT r.module_id, p.id, p.name FROM training_module_trainers r JOIN people p ON p.id = r.person_id \
         WHERE r.module_id IN ({list}) ORDER BY r.module_id, p.name"
    )).fetch_all(pool).await)?;
    let sessions: Vec<(i64, i64, i64, i64, String, String)> = on!(db, pool => sqlx::query_as(&format!(
        "SELECT module_id, id, starts_at, ends_at, place, video_url FROM training_sessions \
         WHERE module_id IN ({list}) ORDER BY module_id, starts_at, id"
    )).fetch_all(pool).await)?;
    let mut by_id: HashMap<i64, Module> = HashMap::new();
    for row in rows {
        by_id.insert(
            row.0,
            Module {
                id: ModuleId(row.0),
                title: row.1,
                objectives: row.2,
                plan: Plan::parse(&row.3).unwrap_or(Plan::Departemental),
                public: Public::parse(&row.4).unwrap_or(Public::InterDegres),
                territory: row.5.map(|t| (TerritoryId(t), row.6.unwrap_or_default())),
                capacity: row.7,
                reserved_seats: row.8,
                cancelled: row.9.is_some(),
                themes: Vec::new(),
                trainers: Vec::new(),
                sessions: Vec::new(),
                registered: row.10,
                reserved_taken: row.11,
                waitlisted: row.12,
                mine: None,
            },
        );
    }
    for (module, theme) in themes {
        if let Some(m) = by_id.get_mut(&module) {
            m.themes.push(theme);
        }
    }
    for (module, person, name) in trainers {
        if let Some(m) = by_id.get_mut(&module) {
            m.trainers.push((PersonId(person), name));
        }
    }
    for (module, id, starts_at, ends_at, place, video_url) in sessions {
        if let Some(m) = by_id.get_mut(&module) {
            m.sessions.push(Session {
                id,
                starts_at,
                ends_at,
                place,
                video_url,
            });
        }
    }
    Ok(ids.into_iter().filter_map(|id| by_id.remove(&id)).collect())
}

pub async fn get(db: &Db, id: ModuleId, person: Option<PersonId>) -> Result<Module> {
    let sql = format!("{MODULES} WHERE m.id = $1");
    let row: ModuleRow = on!(db, pool => sqlx::query_as(&sql).bind(id.0).fetch_one(pool).await)?;
    let mut module = complete(db, vec![row])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)?;
    if let Some(person) = person {
        let mine: Option<(i64, String)> = on!(db, pool => sqlx::query_as(
            "SELECT id, status FROM training_registrations WHERE module_id = $1 AND person_id = $2",
        ).bind(id.0).bind(person.0).fetch_optional(pool).await)?;
        if let Some((order, status)) = mine {
            let status =
                RegistrationStatus::from_code(&status).unwrap_or(RegistrationStatus::Waitlisted);
            let ahead: i64 = match status {
                RegistrationStatus::Registered => 0,
                RegistrationStatus::Waitlisted => on!(db, pool => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM training_registrations WHERE module_id = $1 AND status = 'waitlisted' AND id <= $2",
                ).bind(id.0).bind(order).fetch_one(pool).await)?,
            };
            module.mine = Some((status, ahead));
        }
    }
    Ok(module)
}

/// The modules not cancelled whose last session ends after `from`, the soonest first.
pub async fn upcoming(db: &Db, from: i64) -> Result<Vec<Module>> {
    let sql = format!(
        "{MODULES} WHERE m.cancelled_at IS NULL AND \
         (SELECT MAX(s.ends_at) FROM training_sessions s WHERE s.module_id = m.id) > $1 \
         ORDER BY (SELECT MIN(s.starts_at) FROM training_sessions s WHERE s.module_id = m.id), m.id"
    );
    let rows: Vec<ModuleRow> =
        on!(db, pool => sqlx::query_as(&sql).bind(from).fetch_all(pool).await)?;
    complete(db, rows).await
}

/// The modules `person` registered to (or waits for), the latest first.
pub async fn of_person(db: &Db, person: PersonId) -> Result<Vec<Module>> {
    let sql = format!(
        "{MODULES} JOIN training_registrations r ON r.module_id = m.id AND r.person_id = $1 ORDER BY r.id DESC"
    );
    let rows: Vec<ModuleRow> =
        on!(db, pool => sqlx::query_as(&sql).bind(person.0).fetch_all(pool).await)?;
    complete(db, rows).await
}

/// Whether `person` is one of the module's trainers.
pub async fn is_trainer(db: &Db, id: ModuleId, person: PersonId) -> Result<bool> {
    let found: Option<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT module_id FROM training_module_trainers WHERE module_id = $1 AND person_id = $2",
    ).bind(id.0).bind(person.0).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// Registers `person`: a seat kept for the observatories if they are a member of one and one
/// is left, else an open seat, else the end of the waiting list. Registering again answers
/// the registration already made.
pub async fn register(db: &Db, id: ModuleId, person: PersonId) -> Result<RegistrationStatus> {
    let at = now();
    let status: String = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let open = sqlx::query(
            "UPDATE training_modules SET changes = changes + 1 WHERE id = $1 AND cancelled_at IS NULL \
             AND (SELECT MIN(starts_at) FROM training_sessions WHERE module_id = $1) > $2",
        ).bind(id.0).bind(at).execute(&mut *tx).await?.rows_affected();
        if open == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM training_modules WHERE id = $1")
                .bind(id.0).fetch_optional(&mut *tx).await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict(
                    "les inscriptions sont closes : le module est annulé ou a commencé".to_owned(),
                ),
                None => StoreError::NotFound,
            });
        }
        let already: Option<String> = sqlx::query_scalar(
            "SELECT status FROM training_registrations WHERE module_id = $1 AND person_id = $2",
        ).bind(id.0).bind(person.0).fetch_optional(&mut *tx).await?;
        let status = match already {
            Some(status) => status,
            None => {
                let (capacity, reserved, open_taken, reserved_taken): (i64, i64, i64, i64) = sqlx::query_as(
                    "SELECT capacity, reserved_seats, \
                     (SELECT COUNT(*) FROM training_registrations WHERE module_id = $1 AND status = 'registered' AND NOT reserved), \
                     (SELECT COUNT(*) FROM training_registrations WHERE module_id = $1 AND status = 'registered' AND reserved) \
                     FROM training_modules WHERE id = $1",
                ).bind(id.0).fetch_one(&mut *tx).await?;
                let member: Option<i64> = sqlx::query_scalar(
                    "SELECT person_id FROM observatory_members WHERE person_id = $1 LIMIT 1",
                ).bind(person.0).fetch_optional(&mut *tx).await?;
                let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
                let seat = seat(count(capacity), count(reserved), count(open_taken), count(reserved_taken), member.is_some());
                let status = match seat {
                    Seat::Waiting => RegistrationStatus::Waitlisted,
                    Seat::Open | Seat::Reserved => RegistrationStatus::Registered,
                };
                sqlx::query(
                    "INSERT INTO training_registrations (module_id, person_id, status, reserved, observatory, registered_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                ).bind(id.0).bind(person.0).bind(status.code()).bind(seat == Seat::Reserved)
                 .bind(member.is_some()).bind(at).execute(&mut *tx).await?;
                status.code().to_owned()
            }
        };
        tx.commit().await?;
        status
    });
    Ok(RegistrationStatus::from_code(&status).unwrap_or(RegistrationStatus::Waitlisted))
}

/// Cancels `person`'s registration. A seat freed goes to the first of the waiting list — a
/// seat kept for the observatories to the first member of one — who is told. Returns who got
/// the seat.
pub async fn unregister(db: &Db, id: ModuleId, person: PersonId) -> Result<Option<PersonId>> {
    let promoted: Option<i64> = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE training_modules SET changes = changes + 1 WHERE id = $1")
            .bind(id.0).execute(&mut *tx).await?;
        let gone: Option<(String, bool)> = sqlx::query_as(
            "DELETE FROM training_registrations WHERE module_id = $1 AND person_id = $2 RETURNING status, reserved",
        ).bind(id.0).bind(person.0).fetch_optional(&mut *tx).await?;
        let Some((status, reserved)) = gone else {
            return Err(StoreError::NotFound);
        };
        let mut promoted = None;
        if status == RegistrationStatus::Registered.code() {
            let next: Option<(i64, i64)> = sqlx::query_as(
                "SELECT id, person_id FROM training_registrations WHERE module_id = $1 AND status = 'waitlisted' \
                 AND (observatory OR NOT $2) ORDER BY id LIMIT 1",
            ).bind(id.0).bind(reserved).fetch_optional(&mut *tx).await?;
            if let Some((registration, next)) = next {
                sqlx::query("UPDATE training_registrations SET status = 'registered', reserved = $2 WHERE id = $1")
                    .bind(registration).bind(reserved).execute(&mut *tx).await?;
                let title: String = sqlx::query_scalar("SELECT title FROM training_modules WHERE id = $1")
                    .bind(id.0).fetch_one(&mut *tx).await?;
                let message = format!("Une place s'est libérée : vous êtes inscrit au module « {title} »");
                notify!(tx, [next], message, format!("/formation/modules/{}", id.0));
                promoted = Some(next);
            }
        }
        tx.commit().await?;
        promoted
    });
    Ok(promoted.map(PersonId))
}

/// A registration as the office and the trainers see it, with the sessions attended.
#[derive(Debug, Clone, PartialEq)]
pub struct Registrant {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub function: String,
    pub status: RegistrationStatus,
    pub reserved: bool,
    pub attended: Vec<i64>,
}

/// The registrations of a module, in order of arrival.
pub async fn registrants(db: &Db, id: ModuleId) -> Result<Vec<Registrant>> {
    let rows: Vec<(i64, String, String, String, String, bool)> = on!(db, pool => sqlx::query_as(
        "SELECT g.person_id, p.name, p.email, p.function, g.status, g.reserved FROM training_registrations g \
         JOIN people p ON p.id = g.person_id WHERE g.module_id = $1 ORDER BY g.id",
    ).bind(id.0).fetch_all(pool).await)?;
    let attendance: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT a.person_id, a.session_id FROM training_attendance a JOIN training_sessions s ON s.id = a.session_id \
         WHERE s.module_id = $1 ORDER BY s.starts_at",
    ).bind(id.0).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(
            |(person_id, name, email, function, status, reserved)| Registrant {
                person_id,
                name,
                email,
                function,
                status: RegistrationStatus::from_code(&status)
                    .unwrap_or(RegistrationStatus::Waitlisted),
                reserved,
                attended: attendance
                    .iter()
                    .filter(|(p, _)| *p == person_id)
                    .map(|(_, s)| *s)
                    .collect(),
            },
        )
        .collect())
}

/// Records who came to a session of the module among the registered (the others did not).
pub async fn record_attendance(
    db: &Db,
    id: ModuleId,
    session: TrainingSessionId,
    present: &[PersonId],
) -> Result<()> {
    let present: Vec<i64> = present.iter().map(|p| p.0).collect();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM training_sessions WHERE id = $1 AND module_id = $2",
        ).bind(session.0).bind(id.0).fetch_optional(&mut *tx).await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        let registered: Vec<i64> = sqlx::query_scalar(
            "SELECT person_id FROM training_registrations WHERE module_id = $1 AND status = 'registered'",
        ).bind(id.0).fetch_all(&mut *tx).await?;
        if let Some(stranger) = present.iter().find(|p| !registered.contains(p)) {
            return Err(StoreError::Invalid(format!("la personne n° {stranger} n'est pas inscrite au module")));
        }
        sqlx::query("DELETE FROM training_attendance WHERE session_id = $1")
            .bind(session.0).execute(&mut *tx).await?;
        for person in &present {
            sqlx::query("INSERT INTO training_attendance (session_id, person_id) VALUES ($1, $2)")
                .bind(session.0).bind(person).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// Cancels a module: each registered or waiting person is told. Returns how many.
pub async fn cancel(db: &Db, id: ModuleId) -> Result<usize> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let title: Option<String> = sqlx::query_scalar(
            "UPDATE training_modules SET cancelled_at = $2, changes = changes + 1 WHERE id = $1 AND cancelled_at IS NULL RETURNING title",
        ).bind(id.0).bind(now()).fetch_optional(&mut *tx).await?;
        let Some(title) = title else {
            return Err(StoreError::Conflict("ce module est déjà annulé".to_owned()));
        };
        let people: Vec<i64> = sqlx::query_scalar(
            "SELECT person_id FROM training_registrations WHERE module_id = $1",
        ).bind(id.0).fetch_all(&mut *tx).await?;
        let message = format!("Le module de formation « {title} » est annulé");
        notify!(tx, people.iter().copied(), message, format!("/formation/modules/{}", id.0));
        tx.commit().await?;
        Ok(people.len())
    })
}

/// What an attestation of attendance says: who, which module, the sessions they attended.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendance {
    pub name: String,
    pub function: String,
    pub sessions: Vec<Session>,
}

/// The sessions of the module `person` attended (none: nothing to attest).
pub async fn attendance_of(db: &Db, id: ModuleId, person: PersonId) -> Result<Attendance> {
    let (name, function): (String, String) = on!(db, pool => sqlx::query_as(
        "SELECT name, function FROM people WHERE id = $1",
    ).bind(person.0).fetch_one(pool).await)?;
    let sessions: Vec<Session> = on!(db, pool => sqlx::query_as::<_, Session>(
        "SELECT s.id, s.starts_at, s.ends_at, s.place, s.video_url FROM training_sessions s \
         JOIN training_attendance a ON a.session_id = s.id AND a.person_id = $2 \
         WHERE s.module_id = $1 ORDER BY s.starts_at",
    ).bind(id.0).bind(person.0).fetch_all(pool).await)?;
    Ok(Attendance {
        name,
        function,
        sessions,
    })
}

/// The modules not cancelled with a session between `from` and `to` (`to` excluded), by the
/// themes they answer.
pub async fn offer(db: &Db, from: i64, to: i64) -> Result<Vec<ModuleOffer>> {
    let rows: Vec<(String, i64, String, i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT t.folded, m.id, m.title, m.capacity, \
         (SELECT COUNT(*) FROM training_registrations g WHERE g.module_id = m.id AND g.status = 'registered'), \
         (SELECT COUNT(*) FROM training_registrations g WHERE g.module_id = m.id AND g.status = 'waitlisted') \
         FROM training_module_themes t JOIN training_modules m ON m.id = t.module_id \
         WHERE m.cancelled_at IS NULL AND EXISTS (SELECT 1 FROM training_sessions s \
         WHERE s.module_id = m.id AND s.starts_at >= $1 AND s.starts_at < $2) \
         ORDER BY t.folded, m.id",
    ).bind(from).bind(to).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(
            |(folded_theme, module_id, title, capacity, registered, waitlisted)| ModuleOffer {
                folded_theme,
                module_id,
                title,
                capacity,
                registered,
                waitlisted,
            },
        )
        .collect())
}
