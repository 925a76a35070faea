//! Observatories: who pilots them, who organises their visits (referents) and who observes;
//! the visit requests of establishments and the visits proposed for them.

pub mod visits;

use domain::directory::Uai;
use domain::ids::{ObservatoryId, PersonId, TerritoryId, VisitId, VisitRequestId};
use domain::observatories::binome::{Observed, Observer, Period, Request, Weights};
use domain::observatories::solver::{Proposal, solve};
use domain::observatories::visit::school_year_start;

use crate::accounts::{self, Profile};
use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

/// A person's role in an observatory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Pilot,
    Referent,
    Observer,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pilot => "pilot",
            Self::Referent => "referent",
            Self::Observer => "observer",
        }
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Observatory {
    pub id: i64,
    pub territory_id: Option<i64>,
    pub space_id: Option<i64>,
    pub name: String,
    pub theme: String,
    pub scope: String,
    pub research_question: String,
    pub inspe_partner: String,
    pub created_at: i64,
}

impl Observatory {
    pub fn id(&self) -> ObservatoryId {
        ObservatoryId(self.id)
    }
}

/// What an observatory is when it is created.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewObservatory {
    pub territory: Option<TerritoryId>,
    pub name: String,
    pub theme: String,
    pub scope: String,
    pub research_question: String,
    pub inspe_partner: String,
}

/// Creates an observatory with its pilots, referents and observers.
pub async fn create(
    db: &Db,
    new: &NewObservatory,
    pilots: &[PersonId],
    referents: &[PersonId],
    observers: &[PersonId],
    by: PersonId,
) -> Result<ObservatoryId> {
    let at = now();
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO observatories (territory_id, name, theme, scope, research_question, inspe_partner, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        ).bind(new.territory.map(|t| t.0)).bind(&new.name).bind(&new.theme).bind(&new.scope)
         .bind(&new.research_question).bind(&new.inspe_partner).bind(by.0).bind(at)
         .fetch_one(&mut *tx).await?;
        for (role, people) in [(Role::Pilot, pilots), (Role::Referent, referents), (Role::Observer, observers)] {
            for person in people {
                let added = sqlx::query(
                    "INSERT INTO observatory_members (observatory_id, person_id, role, added_at) \
                     SELECT $1, id, $3, $4 FROM people WHERE id = $2 ON CONFLICT DO NOTHING",
                ).bind(id).bind(person.0).bind(role.code()).bind(at).execute(&mut *tx).await?.rows_affected();
                if added == 0 {
                    return Err(StoreError::Invalid(format!("aucune personne n° {person}")));
                }
            }
        }
        tx.commit().await?;
        id
    });
    Ok(ObservatoryId(id))
}

pub async fn get(db: &Db, id: ObservatoryId) -> Result<Observatory> {
    Ok(on!(db, pool => sqlx::query_as::<_, Observatory>(
        "SELECT id, territory_id, space_id, name, theme, scope, research_question, inspe_partner, created_at \
         FROM observatories WHERE id = $1",
    ).bind(id.0).fetch_one(pool).await)?)
}

/// The people of an observatory who hold `role`, by name.
pub async fn members(db: &Db, id: ObservatoryId, role: Role) -> Result<Vec<(i64, String)>> {
    Ok(on!(db, pool => sqlx::query_as(
        "SELECT p.id, p.name FROM observatory_members m JOIN people p ON p.id = m.person_id \
         WHERE m.observatory_id = $1 AND m.role = $2 ORDER BY p.name, p.id",
    ).bind(id.0).bind(role.code()).fetch_all(pool).await)?)
}

/// The roles `person` holds in an observatory.
pub async fn roles(db: &Db, id: ObservatoryId, person: PersonId) -> Result<Vec<Role>> {
    let codes: Vec<String> = on!(db, pool => sqlx::query_scalar(
        "SELECT role FROM observatory_members WHERE observatory_id = $1 AND person_id = $2",
    ).bind(id.0).bind(person.0).fetch_all(pool).await)?;
    Ok([Role::Pilot, Role::Referent, Role::Observer]
        .into_iter()
        .filter(|r| codes.iter().any(|c| c == r.code()))
        .collect())
}

/// What became of one pending request when the solver ran.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Proposed {
        request: VisitRequestId,
        visit: VisitId,
        observers: [PersonId; 2],
        reasons: Vec<String>,
    },
    Waiting {
        request: VisitRequestId,
        reason: String,
    },
}

/// Where a person works, from their profile: the first establishment with coordinates.
fn place(profile: &Profile) -> Option<(f64, f64)> {
    profile
        .establishments
        .iter()
        .find_map(|e| e.latitude.zip(e.longitude))
}

/// Runs the solver on the observatory's pending requests as one batch, and records what it
/// proposes: a visit "proposed" for each binôme, the reason for each request that waits.
pub async fn assign(db: &Db, id: ObservatoryId, weights: &Weights) -> Result<Vec<Outcome>> {
    let observatory = get(db, id).await?;
    let pending = visits::pending(db, id).await?;
    let since = school_year_start(now());
    let rows: Vec<(i64, i64, String)> = on!(db, pool => sqlx::query_as(
        "SELECT person_id, max_visits, themes FROM observatory_members \
         WHERE observatory_id = $1 AND role = 'observer' ORDER BY person_id",
    ).bind(id.0).fetch_all(pool).await)?;
    let periods: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT person_id, from_day, to_day FROM observer_periods WHERE observatory_id = $1",
    ).bind(id.0).fetch_all(pool).await)?;
    let loads: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT o.person_id, COUNT(*) FROM visit_observers o JOIN visits v ON v.id = o.visit_id \
         WHERE v.created_at >= $1 AND v.state <> 'cancelled' GROUP BY o.person_id",
    ).bind(since).fetch_all(pool).await)?;
    let mut observers = Vec::with_capacity(rows.len());
    for (person, max_visits, themes) in rows {
        let profile = accounts::profile(db, PersonId(person)).await?;
        observers.push(Observer {
            id: PersonId(person),
            name: profile.person.name.clone(),
            staff: accounts::staff_of(&profile)?,
            place: place(&profile),
            levels: profile.levels.clone(),
            themes: themes
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            available: periods
                .iter()
                .filter(|(p, _, _)| *p == person)
                .map(|(_, from, to)| Period {
                    from: *from,
                    to: *to,
                })
                .collect(),
            visits_this_year: loads
                .iter()
                .find(|(p, _)| *p == person)
                .map_or(0, |(_, n)| u32::try_from(*n).unwrap_or(u32::MAX)),
            max_visits: u32::try_from(max_visits).unwrap_or(0),
        });
    }
    let mut requests = Vec::with_capacity(pending.len());
    for request in &pending {
        let mut observed = Vec::with_capacity(request.teachers.len());
        let (mut levels, mut subjects) = (Vec::new(), Vec::new());
        for teacher in &request.teachers {
            let profile = accounts::profile(db, *teacher).await?;
            levels.extend(profile.levels.iter().cloned());
            subjects.extend(profile.subjects.iter().cloned());
            observed.push(Observed {
                id: *teacher,
                name: profile.person.name.clone(),
                staff: accounts::staff_of(&profile)?,
            });
        }
        requests.push(Request {
            uai: Uai::parse(&request.uai).map_err(|e| StoreError::Invalid(e.to_string()))?,
            place: request.place,
            observed,
            levels,
            subjects,
            theme: observatory.theme.clone(),
            periods: request.periods.clone(),
        });
    }
    let assignment = solve(&requests, &observers, weights);
    let mut outcomes = Vec::with_capacity(pending.len());
    for (request, proposal) in pending.iter().zip(assignment.proposals) {
        outcomes.push(match proposal {
            Proposal::Binome {
                observers: [a, b],
                reasons,
                ..
            } => {
                let pair = [observers[a].id, observers[b].id];
                let visit = visits::propose(db, request.id, pair, &reasons).await?;
                Outcome::Proposed {
                    request: request.id,
                    visit,
                    observers: pair,
                    reasons,
                }
            }
            Proposal::Waiting { reason } => {
                visits::wait(db, request.id, &reason).await?;
                Outcome::Waiting {
                    request: request.id,
                    reason,
                }
            }
        });
    }
    Ok(outcomes)
}
