//! Visit requests of establishments, and the visits (binômes) proposed for them.

use std::collections::HashMap;

use domain::ids::{ObservatoryId, PersonId, VisitId, VisitRequestId};
use domain::observatories::binome::{Fit, Period, Weights, fit};
use domain::observatories::visit::{Category, Item, TrainingNeed, VisitEvent, VisitState};
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
        if new.teachers.is_empty() {
            return Err(StoreError::Invalid("choisissez au moins un enseignant observé".to_owned()));
        }
        for teacher in &new.teachers {
            // An observed teacher works in the establishment; the one who asks consents by asking.
            let consented = (*teacher == by).then_some(at);
            let added = sqlx::query(
                "INSERT INTO visit_request_teachers (request_id, person_id, consented_at) \
                 SELECT $1, person_id, $3 FROM person_establishments WHERE person_id = $2 AND establishment_id = $4 \
                 ON CONFLICT DO NOTHING",
            ).bind(id).bind(teacher.0).bind(consented).bind(establishment).execute(&mut *tx).await?.rows_affected();
            if added == 0 {
                return Err(StoreError::Invalid(format!(
                    "la personne n° {teacher} ne travaille pas dans l'établissement {}", new.uai
                )));
            }
        }
        if new.periods.is_empty() {
            return Err(StoreError::Invalid("proposez au moins une période".to_owned()));
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
    /// The observed teachers who have not consented yet, by name.
    pub awaiting_consent: Vec<String>,
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
    let teachers: Vec<(i64, i64, String, bool)> = on!(db, pool => sqlx::query_as(
        "SELECT t.request_id, t.person_id, p.name, t.consented_at IS NOT NULL FROM visit_request_teachers t \
         JOIN visit_requests r ON r.id = t.request_id JOIN people p ON p.id = t.person_id \
         WHERE r.observatory_id = $1 AND r.state = 'pending' ORDER BY t.person_id",
    ).bind(observatory.0).fetch_all(pool).await)?;
    let periods: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT p.request_id, p.from_day, p.to_day FROM visit_request_periods p \
         JOIN visit_requests r ON r.id = p.request_id \
         WHERE r.observatory_id = $1 AND r.state = 'pending' ORDER BY p.from_day",
    ).bind(observatory.0).fetch_all(pool).await)?;
    // Grouped once: the solver's batch holds thousands of requests.
    let mut by_request: HashMap<i64, Pending> = HashMap::with_capacity(rows.len());
    let order: Vec<i64> = rows.iter().map(|r| r.0).collect();
    for (id, uai, lat, lon, focus) in rows {
        by_request.insert(
            id,
            Pending {
                id: VisitRequestId(id),
                uai,
                place: lat.zip(lon),
                focus,
                teachers: Vec::new(),
                periods: Vec::new(),
                awaiting_consent: Vec::new(),
            },
        );
    }
    for (request, person, name, consented) in teachers {
        if let Some(pending) = by_request.get_mut(&request) {
            pending.teachers.push(PersonId(person));
            if !consented {
                pending.awaiting_consent.push(name);
            }
        }
    }
    for (request, from, to) in periods {
        if let Some(pending) = by_request.get_mut(&request) {
            pending.periods.push(Period { from, to });
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|id| by_request.remove(&id))
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

/// Someone taking part in a visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    /// For an observed teacher: when they consented to the visit.
    pub consented_at: Option<i64>,
}

/// The names of people, as a sentence lists them: `Anne Martin, Bruno Petit`.
pub fn names(people: &[Participant]) -> String {
    people
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A request, as its page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestDetail {
    pub id: VisitRequestId,
    pub observatory: ObservatoryId,
    pub observatory_name: String,
    pub uai: String,
    pub establishment: String,
    pub focus: String,
    pub constraints: String,
    /// `pending`, `assigned` or `withdrawn`.
    pub state: String,
    pub waiting_reason: String,
    pub requested_by: Option<PersonId>,
    pub teachers: Vec<Participant>,
    pub periods: Vec<Period>,
    pub visit: Option<VisitId>,
    pub created_at: i64,
}

type RequestRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    i64,
    Option<i64>,
);

pub async fn request_detail(db: &Db, id: VisitRequestId) -> Result<RequestDetail> {
    let (
        observatory,
        observatory_name,
        uai,
        establishment,
        focus,
        constraints,
        state,
        waiting_reason,
        requested_by,
        created_at,
        visit,
    ): RequestRow = on!(db, pool => sqlx::query_as(
            "SELECT r.observatory_id, o.name, e.uai, e.name, r.focus, r.constraints, r.state, r.waiting_reason, \
             r.requested_by, r.created_at, v.id FROM visit_requests r \
             JOIN observatories o ON o.id = r.observatory_id JOIN establishments e ON e.id = r.establishment_id \
             LEFT JOIN visits v ON v.request_id = r.id WHERE r.id = $1",
        ).bind(id.0).fetch_one(pool).await)?;
    let periods: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT from_day, to_day FROM visit_request_periods WHERE request_id = $1 ORDER BY from_day",
    ).bind(id.0).fetch_all(pool).await)?;
    Ok(RequestDetail {
        id,
        observatory: ObservatoryId(observatory),
        observatory_name,
        uai,
        establishment,
        focus,
        constraints,
        state,
        waiting_reason,
        requested_by: requested_by.map(PersonId),
        teachers: observed(db, id).await?,
        periods: periods
            .into_iter()
            .map(|(from, to)| Period { from, to })
            .collect(),
        visit: visit.map(VisitId),
        created_at,
    })
}

async fn observed(db: &Db, request: VisitRequestId) -> Result<Vec<Participant>> {
    let rows: Vec<(i64, String, String, Option<i64>)> = on!(db, pool => sqlx::query_as(
        "SELECT p.id, p.name, p.email, t.consented_at FROM visit_request_teachers t JOIN people p ON p.id = t.person_id \
         WHERE t.request_id = $1 ORDER BY p.name, p.id",
    ).bind(request.0).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email, consented_at)| Participant {
            id: PersonId(id),
            name,
            email,
            consented_at,
        })
        .collect())
}

/// An observed teacher consents to be observed (again: nothing changes).
pub async fn consent(db: &Db, request: VisitRequestId, teacher: PersonId) -> Result<()> {
    let changed = on!(db, pool => sqlx::query(
        "UPDATE visit_request_teachers SET consented_at = COALESCE(consented_at, $3) WHERE request_id = $1 AND person_id = $2",
    ).bind(request.0).bind(teacher.0).bind(now()).execute(pool).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// A visit, with who takes part.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub id: VisitId,
    pub request: VisitRequestId,
    pub observatory: ObservatoryId,
    pub observatory_name: String,
    pub state: VisitState,
    pub uai: String,
    pub establishment: String,
    pub focus: String,
    pub reasons: Vec<String>,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub observers: Vec<Participant>,
    pub observed: Vec<Participant>,
    pub created_at: i64,
    pub updated_at: i64,
}

type VisitRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
);

pub async fn get(db: &Db, id: VisitId) -> Result<Visit> {
    let (
        request,
        observatory,
        observatory_name,
        state,
        uai,
        establishment,
        focus,
        reasons,
        starts_at,
        ends_at,
        created_at,
        updated_at,
    ): VisitRow = on!(db, pool => sqlx::query_as(
            "SELECT v.request_id, v.observatory_id, o.name, v.state, e.uai, e.name, r.focus, v.reasons, v.starts_at, v.ends_at, \
             v.created_at, v.updated_at FROM visits v \
             JOIN observatories o ON o.id = v.observatory_id \
             JOIN visit_requests r ON r.id = v.request_id JOIN establishments e ON e.id = r.establishment_id \
             WHERE v.id = $1",
        ).bind(id.0).fetch_one(pool).await)?;
    let observers: Vec<(i64, String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT p.id, p.name, p.email FROM visit_observers o JOIN people p ON p.id = o.person_id \
         WHERE o.visit_id = $1 ORDER BY p.name, p.id",
    ).bind(id.0).fetch_all(pool).await)?;
    Ok(Visit {
        id,
        request: VisitRequestId(request),
        observatory: ObservatoryId(observatory),
        observatory_name,
        state: VisitState::parse(&state)
            .ok_or_else(|| StoreError::Invalid(format!("état de visite inconnu : {state}")))?,
        uai,
        establishment,
        focus,
        reasons: reasons.lines().map(str::to_owned).collect(),
        starts_at,
        ends_at,
        observers: observers
            .into_iter()
            .map(|(id, name, email)| Participant {
                id: PersonId(id),
                name,
                email,
                consented_at: None,
            })
            .collect(),
        observed: observed(db, VisitRequestId(request)).await?,
        created_at,
        updated_at,
    })
}

impl Visit {
    /// `person`'s part in the visit, given whether they are a referent of its observatory.
    /// Whether they are a superior of an observed teacher is the policy's business.
    pub fn part(&self, person: PersonId, referent: bool) -> Option<VisitPart> {
        if self.observers.iter().any(|o| o.id == person) {
            Some(VisitPart::Observer)
        } else if self.observed.iter().any(|o| o.id == person) {
            Some(VisitPart::Observed)
        } else if referent {
            Some(VisitPart::Referent)
        } else {
            None
        }
    }

    pub fn observer_ids(&self) -> Vec<PersonId> {
        self.observers.iter().map(|o| o.id).collect()
    }

    pub fn observed_ids(&self) -> Vec<PersonId> {
        self.observed.iter().map(|o| o.id).collect()
    }
}

/// Whether `person` is a hierarchical superior of one of `observed`: such a person never sees
/// the visit, whatever else they are.
pub async fn superior_of_any(db: &Db, person: PersonId, observed: &[PersonId]) -> Result<bool> {
    Ok(!crate::accounts::superior_of(db, person, observed)
        .await?
        .is_empty())
}

/// Keeps the lines of `person`'s lists they may see: none where they are a hierarchical
/// superior of an observed teacher.
async fn without_superior_of(db: &Db, person: PersonId, lines: Vec<Line>) -> Result<Vec<Line>> {
    let observed: Vec<PersonId> = lines
        .iter()
        .flat_map(|l| l.observed.iter().copied())
        .collect();
    let superior_of = crate::accounts::superior_of(db, person, &observed).await?;
    Ok(lines
        .into_iter()
        .filter(|l| !l.observed.iter().any(|o| superior_of.contains(o)))
        .collect())
}

/// A line of someone's list of visits and requests.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Line {
    pub request_id: i64,
    pub observatory_id: i64,
    pub waiting_reason: String,
    pub visit_id: Option<i64>,
    pub observatory_name: String,
    pub establishment: String,
    pub focus: String,
    /// The request's state (`pending`, `assigned`, `withdrawn`).
    pub request_state: String,
    pub visit_state: Option<String>,
    pub starts_at: Option<i64>,
    pub created_at: i64,
    /// Whether `person` is an observed teacher who has not consented yet.
    pub consent_due: bool,
    /// The observed teachers, for the policy.
    #[sqlx(skip)]
    pub observed: Vec<PersonId>,
}

/// The requests and visits `person` takes part in (observer, observed, requester) or
/// organises (referent of the observatory), the latest first — none where they are a
/// hierarchical superior of an observed teacher, even a request they made.
pub async fn of_person(db: &Db, person: PersonId, limit: i64) -> Result<Vec<Line>> {
    let mut lines: Vec<Line> = on!(db, pool => sqlx::query_as(
        "SELECT r.id AS request_id, r.observatory_id, r.waiting_reason, v.id AS visit_id, o.name AS observatory_name, e.name AS establishment, r.focus, \
         r.state AS request_state, v.state AS visit_state, v.starts_at, r.created_at, \
         EXISTS (SELECT 1 FROM visit_request_teachers t WHERE t.request_id = r.id AND t.person_id = $1 AND t.consented_at IS NULL) AS consent_due \
         FROM visit_requests r JOIN observatories o ON o.id = r.observatory_id \
         JOIN establishments e ON e.id = r.establishment_id LEFT JOIN visits v ON v.request_id = r.id \
         WHERE r.requested_by = $1 \
            OR EXISTS (SELECT 1 FROM visit_request_teachers t WHERE t.request_id = r.id AND t.person_id = $1) \
            OR EXISTS (SELECT 1 FROM visit_observers vo WHERE vo.visit_id = v.id AND vo.person_id = $1) \
            OR EXISTS (SELECT 1 FROM observatory_members m WHERE m.observatory_id = r.observatory_id AND m.person_id = $1 AND m.role = 'referent') \
         ORDER BY COALESCE(v.starts_at, r.created_at) DESC, r.id DESC LIMIT $2",
    ).bind(person.0).bind(limit).fetch_all(pool).await)?;
    if lines.is_empty() {
        return Ok(lines);
    }
    let list = lines
        .iter()
        .map(|l| l.request_id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let sql = format!(
        "SELECT request_id, person_id FROM visit_request_teachers WHERE request_id IN ({list})"
    );
    let teachers: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    for line in &mut lines {
        line.observed = teachers
            .iter()
            .filter(|(r, _)| *r == line.request_id)
            .map(|(_, p)| PersonId(*p))
            .collect();
    }
    without_superior_of(db, person, lines).await
}

/// Moves a visit on (`event`), refusing in French what its state does not allow.
pub async fn advance(db: &Db, id: VisitId, event: VisitEvent) -> Result<VisitState> {
    let visit = get(db, id).await?;
    let next = visit.state.after(event).map_err(StoreError::Invalid)?;
    if let (VisitEvent::Observe, Some(starts)) = (event, visit.starts_at)
        && let Some(early) = domain::observatories::visit::too_early_to_observe(starts, now())
    {
        return Err(StoreError::Invalid(early));
    }
    set_state(db, id, visit.state, next).await?;
    Ok(next)
}

/// Changes the state if it still is `from` (two people acting at once: one of them is told).
async fn set_state(db: &Db, id: VisitId, from: VisitState, to: VisitState) -> Result<()> {
    let changed = on!(db, pool => sqlx::query(
        "UPDATE visits SET state = $3, updated_at = $4 WHERE id = $1 AND state = $2",
    ).bind(id.0).bind(from.code()).bind(to.code()).bind(now()).execute(pool).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Conflict(
            "la visite vient de changer : rechargez la page".to_owned(),
        ));
    }
    Ok(())
}

/// Sets the date of a visit (unix seconds); the observers and observed teachers are told.
pub async fn schedule(db: &Db, id: VisitId, starts_at: i64, ends_at: i64) -> Result<()> {
    if ends_at <= starts_at {
        return Err(StoreError::Invalid(
            "l'heure de fin doit suivre l'heure de début".to_owned(),
        ));
    }
    if ends_at - starts_at > 12 * 3600 {
        return Err(StoreError::Invalid(
            "une visite dure au plus douze heures".to_owned(),
        ));
    }
    let visit = get(db, id).await?;
    let next = visit
        .state
        .after(VisitEvent::Schedule)
        .map_err(StoreError::Invalid)?;
    let people: Vec<i64> = visit
        .observers
        .iter()
        .chain(&visit.observed)
        .map(|p| p.id.0)
        .collect();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE visits SET state = $3, starts_at = $4, ends_at = $5, reminded_at = NULL, updated_at = $6 \
             WHERE id = $1 AND state = $2",
        ).bind(id.0).bind(visit.state.code()).bind(next.code()).bind(starts_at).bind(ends_at).bind(now())
         .execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict("la visite vient de changer : rechargez la page".to_owned()));
        }
        let message = format!("Visite à {} : date fixée", visit.establishment);
        crate::spaces::notify!(tx, people, message, format!("/visites/{}", id.0));
        tx.commit().await?;
    });
    Ok(())
}

/// Replaces observer `out` by `replacement`, who must meet the hard rules (the referent's
/// swap): the refusal says which rule `replacement` breaks.
pub async fn swap(db: &Db, id: VisitId, out: PersonId, replacement: PersonId) -> Result<()> {
    let visit = get(db, id).await?;
    if !matches!(visit.state, VisitState::Proposed | VisitState::Scheduled) {
        return Err(StoreError::Invalid(format!(
            "le binôme ne change plus : la visite en est à l'étape « {} »",
            visit.state.label()
        )));
    }
    if !visit.observers.iter().any(|o| o.id == out) {
        return Err(StoreError::Invalid(
            "cette personne ne fait pas partie du binôme".to_owned(),
        ));
    }
    if visit.observers.iter().any(|o| o.id == replacement) {
        return Err(StoreError::Invalid(
            "cette personne fait déjà partie du binôme".to_owned(),
        ));
    }
    let candidate = super::observers(db, visit.observatory, Some(&[replacement]))
        .await?
        .pop()
        .ok_or_else(|| {
            StoreError::Invalid(
                "cette personne n'est pas observatrice de l'observatoire".to_owned(),
            )
        })?;
    let rules = rules_request(db, &visit).await?;
    if let Some(barrier) = domain::observatories::binome::barrier(&candidate, &rules) {
        return Err(StoreError::Invalid(format!(
            "{} ne peut pas observer cette visite : {barrier}",
            candidate.name
        )));
    }
    let reason = format!(
        "{} remplace un observateur (choix du référent)",
        candidate.name
    );
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let changed = sqlx::query("UPDATE visit_observers SET person_id = $3 WHERE visit_id = $1 AND person_id = $2")
            .bind(id.0).bind(out.0).bind(replacement.0).execute(&mut *tx).await?.rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict("le binôme vient de changer : rechargez la page".to_owned()));
        }
        let mut reasons = visit.reasons.clone();
        reasons.push(reason);
        sqlx::query("UPDATE visits SET reasons = $2, updated_at = $3 WHERE id = $1")
            .bind(id.0).bind(reasons.join("\n")).bind(now()).execute(&mut *tx).await?;
        let message = format!("Visite à {} : vous êtes proposé(e) comme observateur", visit.establishment);
        crate::spaces::notify!(tx, [replacement.0], message, format!("/visites/{}", id.0));
        tx.commit().await?;
    });
    Ok(())
}

/// The visit's request as the binôme rules see it.
async fn rules_request(db: &Db, visit: &Visit) -> Result<domain::observatories::binome::Request> {
    let observatory = super::get(db, visit.observatory).await?;
    let detail = request_detail(db, visit.request).await?;
    let place: Option<(Option<f64>, Option<f64>)> = on!(db, pool => sqlx::query_as(
        "SELECT latitude, longitude FROM establishments WHERE uai = $1",
    ).bind(&visit.uai).fetch_optional(pool).await)?;
    let pending = Pending {
        id: visit.request,
        uai: visit.uai.clone(),
        place: place.and_then(|(lat, lon)| lat.zip(lon)),
        focus: visit.focus.clone(),
        teachers: visit.observed_ids(),
        periods: detail.periods,
        awaiting_consent: Vec::new(),
    };
    Ok(super::rule_requests(db, &observatory.theme, &[pending])
        .await?
        .remove(0))
}

/// Who could replace an observer of the visit: the observatory's observers who meet every
/// hard rule and are not in the binôme, the best fit first, with why.
pub async fn candidates(db: &Db, visit: &Visit) -> Result<Vec<(PersonId, String, Fit)>> {
    let rules = rules_request(db, visit).await?;
    let weights = Weights::default();
    let mut out: Vec<(PersonId, String, Fit)> = super::observers(db, visit.observatory, None)
        .await?
        .into_iter()
        .filter(|o| !visit.observers.iter().any(|v| v.id == o.id))
        .filter(|o| domain::observatories::binome::barrier(o, &rules).is_none())
        .map(|o| {
            let fit = fit(&o, &rules, &weights);
            (o.id, o.name, fit)
        })
        .collect();
    out.sort_by(|a, b| a.2.cost.total_cmp(&b.2.cost));
    Ok(out)
}

/// The observation of a visit: items of four kinds, and free notes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observation {
    pub items: Vec<Item>,
    pub notes: String,
    pub updated_at: Option<i64>,
}

pub async fn observation(db: &Db, id: VisitId) -> Result<Observation> {
    let rows: Vec<(String, String, Option<i64>)> = on!(db, pool => sqlx::query_as(
        "SELECT category, body, at_minute FROM observation_items WHERE visit_id = $1 ORDER BY position",
    ).bind(id.0).fetch_all(pool).await)?;
    let notes: Option<(String, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT notes, updated_at FROM visit_observations WHERE visit_id = $1",
    ).bind(id.0).fetch_optional(pool).await)?;
    let mut items = Vec::with_capacity(rows.len());
    for (category, text, at) in rows {
        items.push(Item {
            category: Category::parse(&category).map_err(|e| StoreError::Invalid(e.message))?,
            text,
            at_minute: at.and_then(|m| u32::try_from(m).ok()),
        });
    }
    let (notes, updated_at) = notes.map_or((String::new(), None), |(n, at)| (n, Some(at)));
    Ok(Observation {
        items,
        notes,
        updated_at,
    })
}

/// Saves the whole observation as typed (items replaced, notes kept with who wrote last).
/// A visit's class is observed once it has a date, until its analysis closes.
pub async fn save_observation(
    db: &Db,
    id: VisitId,
    items: &[Item],
    notes: &str,
    by: PersonId,
) -> Result<i64> {
    let visit = get(db, id).await?;
    if !matches!(
        visit.state,
        VisitState::Scheduled | VisitState::Observed | VisitState::Analysis
    ) {
        return Err(StoreError::Invalid(match visit.state {
            VisitState::Proposed => "fixez d'abord la date de la visite".to_owned(),
            _ => format!(
                "l'observation ne change plus : la visite est terminée ({})",
                visit.state.label().to_lowercase()
            ),
        }));
    }
    let at = now();
    if let Some(early) = visit
        .starts_at
        .and_then(|starts| domain::observatories::visit::too_early_to_observe(starts, at))
    {
        return Err(StoreError::Invalid(early));
    }
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("DELETE FROM observation_items WHERE visit_id = $1").bind(id.0).execute(&mut *tx).await?;
        for (position, item) in items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO observation_items (visit_id, category, body, at_minute, position) VALUES ($1, $2, $3, $4, $5)",
            ).bind(id.0).bind(item.category.code()).bind(&item.text).bind(item.at_minute.map(i64::from))
             .bind(i64::try_from(position).unwrap_or(i64::MAX)).execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO visit_observations (visit_id, notes, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (visit_id) DO UPDATE SET notes = excluded.notes, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        ).bind(id.0).bind(notes).bind(by.0).bind(at).execute(&mut *tx).await?;
        tx.commit().await?;
    });
    Ok(at)
}

/// The reflexive analysis of a visit, and each side's agreement to its text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Analysis {
    pub body: String,
    pub updated_at: Option<i64>,
    pub updated_by: Option<String>,
    pub observers_agreed_at: Option<i64>,
    pub observed_agreed_at: Option<i64>,
}

/// An analysis as read: body, when and by whom it changed, each side's agreement.
type AnalysisRow = (String, i64, Option<String>, Option<i64>, Option<i64>);

pub async fn analysis(db: &Db, id: VisitId) -> Result<Analysis> {
    let row: Option<AnalysisRow> = on!(db, pool => sqlx::query_as(
        "SELECT a.body, a.updated_at, p.name, a.observers_agreed_at, a.observed_agreed_at FROM visit_analyses a \
         LEFT JOIN people p ON p.id = a.updated_by WHERE a.visit_id = $1",
    ).bind(id.0).fetch_optional(pool).await)?;
    Ok(
        row.map_or_else(Analysis::default, |(body, at, by, observers, observed)| {
            Analysis {
                body,
                updated_at: Some(at),
                updated_by: by,
                observers_agreed_at: observers,
                observed_agreed_at: observed,
            }
        }),
    )
}

/// Saves the analysis's text. The first text opens the analysis (a visit observed); a changed
/// text withdraws both sides' agreement, which was given to the former one.
pub async fn save_analysis(db: &Db, id: VisitId, body: &str, by: PersonId) -> Result<()> {
    let visit = get(db, id).await?;
    let state = match visit.state {
        VisitState::Observed => {
            let next = visit
                .state
                .after(VisitEvent::StartAnalysis)
                .map_err(StoreError::Invalid)?;
            set_state(db, id, visit.state, next).await?;
            next
        }
        other => other,
    };
    if state != VisitState::Analysis {
        return Err(StoreError::Invalid(match state {
            VisitState::Proposed | VisitState::Scheduled => {
                "l'analyse s'écrit une fois la classe observée".to_owned()
            }
            _ => format!(
                "l'analyse ne change plus : la visite est terminée ({})",
                state.label().to_lowercase()
            ),
        }));
    }
    on!(db, pool => sqlx::query(
        "INSERT INTO visit_analyses (visit_id, body, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (visit_id) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at, \
         observers_agreed_at = CASE WHEN visit_analyses.body = excluded.body THEN visit_analyses.observers_agreed_at END, \
         observed_agreed_at = CASE WHEN visit_analyses.body = excluded.body THEN visit_analyses.observed_agreed_at END",
    ).bind(id.0).bind(body).bind(by.0).bind(now()).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// One side agrees to the analysis as it reads now; when both sides agreed, the visit closes.
/// Answers the visit's state afterwards.
pub async fn agree(db: &Db, id: VisitId, side: VisitPart) -> Result<VisitState> {
    let visit = get(db, id).await?;
    if visit.state != VisitState::Analysis {
        return Err(StoreError::Invalid(format!(
            "rien à approuver : la visite en est à l'étape « {} »",
            visit.state.label()
        )));
    }
    let column = match side {
        VisitPart::Observer => "observers_agreed_at",
        VisitPart::Observed => "observed_agreed_at",
        VisitPart::Referent => {
            return Err(StoreError::Invalid(
                "l'analyse est approuvée par le binôme et les enseignants observés".to_owned(),
            ));
        }
    };
    let sql = format!(
        "UPDATE visit_analyses SET {column} = COALESCE({column}, $2) WHERE visit_id = $1 AND body <> ''"
    );
    let changed = on!(db, pool => sqlx::query(&sql).bind(id.0).bind(now()).execute(pool).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Invalid(
            "l'analyse est vide : écrivez-la avant de l'approuver".to_owned(),
        ));
    }
    let agreed = analysis(db, id).await?;
    if agreed.observers_agreed_at.is_some() && agreed.observed_agreed_at.is_some() {
        set_state(db, id, VisitState::Analysis, VisitState::Closed).await?;
        return Ok(VisitState::Closed);
    }
    Ok(VisitState::Analysis)
}

/// A training need that a visit brought out.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Need {
    pub id: i64,
    pub theme: String,
    pub public: String,
    pub level: String,
    pub created_at: i64,
}

/// Records a training need brought out by a visit (theme, public, level) for the training office.
pub async fn add_need(db: &Db, visit: &Visit, need: &TrainingNeed) -> Result<i64> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "INSERT INTO training_needs (observatory_id, visit_id, theme, public, level, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    ).bind(visit.observatory.0).bind(visit.id.0).bind(&need.theme).bind(need.public.code()).bind(&need.level).bind(now())
     .fetch_one(pool).await)?)
}

pub async fn needs(db: &Db, visit: VisitId) -> Result<Vec<Need>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Need>(
        "SELECT id, theme, public, level, created_at FROM training_needs WHERE visit_id = $1 ORDER BY id",
    ).bind(visit.0).fetch_all(pool).await)?)
}

/// Tells the observed teachers that the binôme suggests sharing the visit's practice in the
/// library, with a link to a sheet pre-filled from the visit: they decide, and author it.
pub async fn suggest_practice(db: &Db, visit: &Visit) -> Result<()> {
    let people: Vec<i64> = visit.observed.iter().map(|p| p.id.0).collect();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let message = format!("Le binôme vous propose de partager votre pratique observée à {} dans la bibliothèque", visit.establishment);
        crate::spaces::notify!(tx, people, message, format!("/pratiques/nouvelle?visite={}", visit.id.0));
        tx.commit().await?;
    });
    Ok(())
}

/// Creates or renews `person`'s calendar feed address; answers its secret.
pub async fn renew_calendar_feed(db: &Db, person: PersonId) -> Result<String> {
    let (raw, hash) = crate::accounts::new_token();
    on!(db, pool => sqlx::query(
        "INSERT INTO calendar_feeds (person_id, token_hash, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (person_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at",
    ).bind(person.0).bind(hash).bind(now()).execute(pool).await.map(|_| ()))?;
    Ok(raw)
}

/// Whether `person` has a calendar feed.
pub async fn has_calendar_feed(db: &Db, person: PersonId) -> Result<bool> {
    let found: Option<i64> = on!(db, pool => sqlx::query_scalar("SELECT person_id FROM calendar_feeds WHERE person_id = $1")
        .bind(person.0).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// The person whose calendar feed this secret opens.
pub async fn calendar_feed_person(db: &Db, token: &str) -> Result<Option<PersonId>> {
    // A disabled, closed or ended account's feed answers nothing.
    let sql = format!(
        "SELECT f.person_id FROM calendar_feeds f JOIN people p ON p.id = f.person_id \
         WHERE f.token_hash = $1 AND {}",
        crate::accounts::ACTIVE.replace("$now", "$2")
    );
    let found: Option<i64> = on!(db, pool => sqlx::query_scalar(&sql)
        .bind(crate::accounts::token_hash(token)).bind(crate::now()).fetch_optional(pool).await)?;
    Ok(found.map(PersonId))
}

/// The dated visits `person` takes part in (observer or observed), for their calendar.
pub async fn dated_of_person(db: &Db, person: PersonId) -> Result<Vec<VisitId>> {
    let ids: Vec<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT v.id FROM visits v WHERE v.starts_at IS NOT NULL AND v.state <> 'cancelled' AND ( \
           EXISTS (SELECT 1 FROM visit_observers o WHERE o.visit_id = v.id AND o.person_id = $1) \
           OR EXISTS (SELECT 1 FROM visit_request_teachers t WHERE t.request_id = v.request_id AND t.person_id = $1)) \
         ORDER BY v.starts_at",
    ).bind(person.0).fetch_all(pool).await)?;
    Ok(ids.into_iter().map(VisitId).collect())
}

/// The scheduled visits starting before `until` whose participants were not reminded yet.
pub async fn reminders_due(db: &Db, until: i64) -> Result<Vec<VisitId>> {
    let ids: Vec<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT id FROM visits WHERE state = 'scheduled' AND reminded_at IS NULL AND starts_at > $1 AND starts_at <= $2 ORDER BY starts_at",
    ).bind(now()).bind(until).fetch_all(pool).await)?;
    Ok(ids.into_iter().map(VisitId).collect())
}

pub async fn mark_reminded(db: &Db, id: VisitId) -> Result<()> {
    on!(db, pool => sqlx::query("UPDATE visits SET reminded_at = $2 WHERE id = $1")
        .bind(id.0).bind(now()).execute(pool).await.map(|_| ()))?;
    Ok(())
}
