//! Who is on the training office and who is a trainer.

use domain::ids::PersonId;
use domain::training::StaffKind;

use crate::db::on;
use crate::{Db, Result, now};

/// A person's places in the training staff.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Places {
    pub office: bool,
    pub trainer: bool,
}

impl Places {
    /// Trainers and the office compose paths.
    pub fn composes_paths(self) -> bool {
        self.office || self.trainer
    }
}

pub async fn places_of(db: &Db, person: PersonId) -> Result<Places> {
    let kinds: Vec<String> = on!(db, pool => sqlx::query_scalar(
        "SELECT kind FROM training_staff WHERE person_id = $1",
    ).bind(person.0).fetch_all(pool).await)?;
    Ok(Places {
        office: kinds.iter().any(|k| k == StaffKind::Office.code()),
        trainer: kinds.iter().any(|k| k == StaffKind::Trainer.code()),
    })
}

/// Gives `person` a place (giving it again changes nothing).
pub async fn appoint(db: &Db, person: PersonId, kind: StaffKind) -> Result<()> {
    on!(db, pool => sqlx::query(
        "INSERT INTO training_staff (person_id, kind, appointed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id, kind) DO NOTHING",
    ).bind(person.0).bind(kind.code()).bind(now()).execute(pool).await.map(|_| ()))?;
    Ok(())
}

pub async fn dismiss(db: &Db, person: PersonId, kind: StaffKind) -> Result<()> {
    on!(db, pool => sqlx::query("DELETE FROM training_staff WHERE person_id = $1 AND kind = $2")
        .bind(person.0).bind(kind.code()).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// A member of the training staff.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Member {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    pub function: String,
    pub kind: String,
}

/// The training staff, office first, by name.
pub async fn members(db: &Db) -> Result<Vec<Member>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Member>(
        "SELECT s.person_id, p.name, p.email, p.function, s.kind FROM training_staff s \
         JOIN people p ON p.id = s.person_id ORDER BY s.kind, p.name, p.id",
    ).fetch_all(pool).await)?)
}
