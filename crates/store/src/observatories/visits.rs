//! Visit requests of establishments, and the visits (binômes) proposed for them.

use domain::ids::{ObservatoryId, PersonId, VisitId, VisitRequestId};
use domain::observatories::binome::Period;
use domain::observatories::visit::VisitState;
use domain::policy::VisitPart;

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

/// A visit asked for: where, what for, who is observed, when.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub uai: String,
    pub focus: String,
    pub constraints: String,
    pub teachers: Vec<PersonId>,
    pub periods: Vec<Period>,
}

/// Records a request of an establishment; every observed teacher must be known.
pub async fn request(
    db: &Db,
    observatory: ObservatoryId,
    new: &NewRequest,
    by: PersonId,
) -> Result<VisitRequestId> {
    let at = now();
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let establishment: Option<i64> = sqlx::query_scalar("SELECT id FROM establishments WHERE uai = $1")
            .bind(&new.uai).fetch_optional(&mut *tx).await?;
        let Some(establishment) = establishment else {
            return Err(StoreError::Invalid(format!("aucun établissement {} dans l'annuaire", new.uai)));
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO visit_requests (observatory_id, establishment_id, focus, constraints, requested_by, state, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING id",
        ).bind(observatory.0).bind(establishment).bind(&new.focus).bind(&new.constraints).bind(by.0).bind(at)
         .fetch_one(&mut *tx).await?;
        for teacher in &new.teachers {
            let added = sqlx::query(
                "INSERT INTO visit_request_teachers (request_id, person_id) SELECT $1, id FROM people WHERE id = $2 \
                 ON CONFLICT DO NOTHING",
            ).bind(id).bind(teacher.0).execute(&mut *tx).await?.rows_affected();
            if added == 0 {
                return Err(StoreError::Invalid(format!("aucune personne n° {teacher}")));
            }
        }
        for period in &new.periods {
            sqlx::query("INSERT INTO visit_request_periods (request_id, from_day, to_day) VALUES ($1, $2, $3)")
                .bind(id).bind(period.from).bind(period.to).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        id
    });
    Ok(VisitRequestId(id))
}

/// A request waiting for a binôme, with what the solver needs of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub id: VisitRequestId,
    pub uai: String,
    pub place: Option<(f64, f64)>,
    pub focus: String,
    pub teachers: Vec<PersonId>,
    pub periods: Vec<Period>,
}

/// A pending request as read: id, UAI, latitude, longitude, focus.
type PendingRow = (i64, String, Option<f64>, Option<f64>, String);

/// The requests of an observatory still waiting for a binôme, the oldest first.
pub async fn pending(db: &Db, observatory: ObservatoryId) -> Result<Vec<Pending>> {
    let rows: Vec<PendingRow> = on!(db, pool => sqlx::query_as(
        "SELECT r.id, e.uai, e.latitude, e.longitude, r.focus FROM visit_requests r \
         JOIN establishments e ON e.id = r.establishment_id \
         WHERE r.observatory_id = $1 AND r.state = 'pending' ORDER BY r.created_at, r.id",
    ).bind(observatory.0).fetch_all(pool).await)?;
    let teachers: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT t.request_id, t.person_id FROM visit_request_teachers t \
         JOIN visit_requests r ON r.id = t.request_id \
         WHERE r.observatory_id = $1 AND r.state = 'pending' ORDER BY t.person_id",
    ).bind(observatory.0).fetch_all(pool).await)?;
    let periods: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT p.request_id, p.from_day, p.to_day FROM visit_request_periods p \
         JOIN visit_requests r ON r.id = p.request_id \
         WHERE r.observatory_id = $1 AND r.state = 'pending' ORDER BY p.from_day",
    ).bind(observatory.0).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, uai, lat, lon, focus)| Pending {
            id: VisitRequestId(id),
            uai,
            place: lat.zip(lon),
            focus,
            teachers: teachers
                .iter()
                .filter(|(r, _)| *r == id)
                .map(|(_, p)| PersonId(*p))
                .collect(),
            periods: periods
                .iter()
                .filter(|(r, _, _)| *r == id)
                .map(|(_, from, to)| Period {
                    from: *from,
                    to: *to,
                })
                .collect(),
        })
        .collect())
}

/// Proposes a binôme for a pending request: the visit starts "proposed".
pub async fn propose(
    db: &Db,
    request: VisitRequestId,
    observers: [PersonId; 2],
    reasons: &[String],
) -> Result<VisitId> {
    let at = now();
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let observatory: Option<i64> = sqlx::query_scalar(
            "UPDATE visit_requests SET state = 'assigned', waiting_reason = '' WHERE id = $1 AND state = 'pending' \
             RETURNING observatory_id",
        ).bind(request.0).fetch_optional(&mut *tx).await?;
        let Some(observatory) = observatory else {
            return Err(StoreError::Conflict("cette demande a déjà un binôme".to_owned()));
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO visits (request_id, observatory_id, state, reasons, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        ).bind(request.0).bind(observatory).bind(VisitState::Proposed.code()).bind(reasons.join("\n")).bind(at)
         .fetch_one(&mut *tx).await?;
        for observer in observers {
            sqlx::query("INSERT INTO visit_observers (visit_id, person_id) VALUES ($1, $2)")
                .bind(id).bind(observer.0).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        id
    });
    Ok(VisitId(id))
}

/// Says why a pending request has no binôme yet.
pub async fn wait(db: &Db, request: VisitRequestId, reason: &str) -> Result<()> {
    on!(db, pool => sqlx::query("UPDATE visit_requests SET waiting_reason = $2 WHERE id = $1 AND state = 'pending'")
        .bind(request.0).bind(reason).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// A visit, with who takes part.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub id: VisitId,
    pub request: VisitRequestId,
    pub observatory: ObservatoryId,
    pub state: VisitState,
    pub uai: String,
    pub focus: String,
    pub reasons: Vec<String>,
    pub observers: Vec<PersonId>,
    pub observed: Vec<PersonId>,
}

pub async fn get(db: &Db, id: VisitId) -> Result<Visit> {
    let (request, observatory, state, uai, focus, reasons): (
        i64,
        i64,
        String,
        String,
        String,
        String,
    ) = on!(db, pool => sqlx::query_as(
            "SELECT v.request_id, v.observatory_id, v.state, e.uai, r.focus, v.reasons FROM visits v \
             JOIN visit_requests r ON r.id = v.request_id JOIN establishments e ON e.id = r.establishment_id \
             WHERE v.id = $1",
        ).bind(id.0).fetch_one(pool).await)?;
    let observers: Vec<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT person_id FROM visit_observers WHERE visit_id = $1 ORDER BY person_id",
    ).bind(id.0).fetch_all(pool).await)?;
    let observed: Vec<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT person_id FROM visit_request_teachers WHERE request_id = $1 ORDER BY person_id",
    ).bind(request).fetch_all(pool).await)?;
    Ok(Visit {
        id,
        request: VisitRequestId(request),
        observatory: ObservatoryId(observatory),
        state: VisitState::parse(&state)
            .ok_or_else(|| StoreError::Invalid(format!("état de visite inconnu : {state}")))?,
        uai,
        focus,
        reasons: reasons.lines().map(str::to_owned).collect(),
        observers: observers.into_iter().map(PersonId).collect(),
        observed: observed.into_iter().map(PersonId).collect(),
    })
}

impl Visit {
    /// `person`'s part in the visit, given whether they are a referent of its observatory.
    /// Whether they are a superior of an observed teacher is the policy's business.
    pub fn part(&self, person: PersonId, referent: bool) -> Option<VisitPart> {
        if self.observers.contains(&person) {
            Some(VisitPart::Observer)
        } else if self.observed.contains(&person) {
            Some(VisitPart::Observed)
        } else if referent {
            Some(VisitPart::Referent)
        } else {
            None
        }
    }
}
