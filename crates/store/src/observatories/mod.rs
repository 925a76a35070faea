//! Observatories: who pilots them, who organises their visits (referents) and who observes;
//! the visit requests of establishments and the visits proposed for them.

pub mod visits;

use domain::directory::Uai;
use domain::ids::{ObservatoryId, PersonId, SpaceId, TerritoryId, VisitId, VisitRequestId};
use domain::observatories::binome::{Observed, Observer, Period, Request, Weights};
use domain::observatories::solver::{Proposal, solve};
use domain::observatories::visit::school_year_start;
use domain::spaces::{SpaceContent, SpaceKind, SpaceRole, SpaceVisibility};
use std::collections::HashMap;

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
    /// The quota of its space, in bytes.
    pub space_quota: i64,
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
    // Its space for animation (blog, forum, folders, chat, pads): pilots and referents run
    // it, observers take part.
    let content = SpaceContent {
        name: truncate(&format!("Échanges — {}", new.name), 120),
        description: format!(
            "Animation de l'observatoire « {} » : {}",
            new.name, new.theme
        ),
        visibility: SpaceVisibility::Members,
        kind: SpaceKind::Observatory,
    };
    let space = crate::spaces::create(db, &content, new.territory, by, new.space_quota).await?;
    for (role, people) in [
        (SpaceRole::Owner, pilots),
        (SpaceRole::Owner, referents),
        (SpaceRole::Member, observers),
    ] {
        for person in people {
            if *person != by {
                crate::spaces::set_member(db, space, *person, role, by).await?;
            }
        }
    }
    on!(db, pool => sqlx::query("UPDATE observatories SET space_id = $2 WHERE id = $1")
        .bind(id).bind(space.0).execute(pool).await.map(|_| ()))?;
    Ok(ObservatoryId(id))
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// An observatory in the list: its texts, how many take part, and the caller's roles.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub observatory: Observatory,
    pub pilots: Vec<String>,
    pub observers: i64,
    pub roles: Vec<Role>,
}

/// Every observatory, by name, with `person`'s roles in each.
pub async fn list(db: &Db, person: Option<PersonId>) -> Result<Vec<Summary>> {
    let observatories: Vec<Observatory> = on!(db, pool => sqlx::query_as(
        "SELECT id, territory_id, space_id, name, theme, scope, research_question, inspe_partner, created_at \
         FROM observatories ORDER BY name, id",
    ).fetch_all(pool).await)?;
    let members: Vec<(i64, i64, String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT m.observatory_id, m.person_id, m.role, p.name FROM observatory_members m \
         JOIN people p ON p.id = m.person_id WHERE m.role <> 'observer' OR m.person_id = $1 ORDER BY p.name",
    ).bind(person.map_or(0, |p| p.0)).fetch_all(pool).await)?;
    let counts: HashMap<i64, i64> = on!(db, pool => sqlx::query_as::<_, (i64, i64)>(
        "SELECT observatory_id, COUNT(*) FROM observatory_members WHERE role = 'observer' GROUP BY observatory_id",
    ).fetch_all(pool).await)?.into_iter().collect();
    Ok(observatories
        .into_iter()
        .map(|o| {
            let mine = |(obs, p, _, _): &&(i64, i64, String, String)| {
                *obs == o.id && Some(PersonId(*p)) == person
            };
            Summary {
                pilots: members
                    .iter()
                    .filter(|(obs, _, role, _)| *obs == o.id && role == "pilot")
                    .map(|(_, _, _, name)| name.clone())
                    .collect(),
                observers: counts.get(&o.id).copied().unwrap_or(0),
                roles: [Role::Pilot, Role::Referent, Role::Observer]
                    .into_iter()
                    .filter(|r| {
                        members
                            .iter()
                            .filter(mine)
                            .any(|(_, _, c, _)| c == r.code())
                    })
                    .collect(),
                observatory: o,
            }
        })
        .collect())
}

/// An observer volunteers (or changes their offer): visits agreed to this school year, the
/// themes they want to observe, and when they can come (none: any time).
pub async fn volunteer(
    db: &Db,
    id: ObservatoryId,
    person: PersonId,
    max_visits: u32,
    themes: &[String],
    periods: &[Period],
) -> Result<()> {
    let at = now();
    let space = get(db, id).await?.space_id;
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "INSERT INTO observatory_members (observatory_id, person_id, role, max_visits, themes, added_at) \
             VALUES ($1, $2, 'observer', $3, $4, $5) \
             ON CONFLICT (observatory_id, person_id, role) DO UPDATE SET max_visits = excluded.max_visits, themes = excluded.themes",
        ).bind(id.0).bind(person.0).bind(i64::from(max_visits)).bind(themes.join(", ")).bind(at)
         .execute(&mut *tx).await?;
        sqlx::query("DELETE FROM observer_periods WHERE observatory_id = $1 AND person_id = $2")
            .bind(id.0).bind(person.0).execute(&mut *tx).await?;
        for period in periods {
            sqlx::query("INSERT INTO observer_periods (observatory_id, person_id, from_day, to_day) VALUES ($1, $2, $3, $4)")
                .bind(id.0).bind(person.0).bind(period.from).bind(period.to).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    if let Some(space) = space {
        let role: Option<String> = on!(db, pool => sqlx::query_scalar(
            "SELECT role FROM space_members WHERE space_id = $1 AND person_id = $2",
        ).bind(space).bind(person.0).fetch_optional(pool).await)?;
        if role.is_none() {
            crate::spaces::set_member(db, SpaceId(space), person, SpaceRole::Member, person)
                .await?;
        }
    }
    Ok(())
}

/// An observer's offer: visits agreed to per year, themes and periods.
pub async fn offer(
    db: &Db,
    id: ObservatoryId,
    person: PersonId,
) -> Result<Option<(u32, String, Vec<Period>)>> {
    let row: Option<(i64, String)> = on!(db, pool => sqlx::query_as(
        "SELECT max_visits, themes FROM observatory_members WHERE observatory_id = $1 AND person_id = $2 AND role = 'observer'",
    ).bind(id.0).bind(person.0).fetch_optional(pool).await)?;
    let Some((max_visits, themes)) = row else {
        return Ok(None);
    };
    let periods: Vec<(i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT from_day, to_day FROM observer_periods WHERE observatory_id = $1 AND person_id = $2 ORDER BY from_day",
    ).bind(id.0).bind(person.0).fetch_all(pool).await)?;
    Ok(Some((
        u32::try_from(max_visits).unwrap_or(0),
        themes,
        periods
            .into_iter()
            .map(|(from, to)| Period { from, to })
            .collect(),
    )))
}

/// An observatory's figures, without any name: what its pilots see.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub requests_waiting: i64,
    /// Visits by state code.
    pub visits: Vec<(String, i64)>,
    /// Training needs by theme, the most asked first.
    pub needs: Vec<(String, i64)>,
}

pub async fn figures(db: &Db, id: ObservatoryId) -> Result<Figures> {
    let requests_waiting: i64 = on!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM visit_requests WHERE observatory_id = $1 AND state = 'pending'",
    ).bind(id.0).fetch_one(pool).await)?;
    let visits: Vec<(String, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT state, COUNT(*) FROM visits WHERE observatory_id = $1 GROUP BY state ORDER BY state",
    ).bind(id.0).fetch_all(pool).await)?;
    let needs: Vec<(String, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT theme, COUNT(*) AS n FROM training_needs WHERE observatory_id = $1 GROUP BY theme ORDER BY n DESC, theme",
    ).bind(id.0).fetch_all(pool).await)?;
    Ok(Figures {
        requests_waiting,
        visits,
        needs,
    })
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

fn profile_of(profiles: &HashMap<PersonId, Profile>, id: PersonId) -> Result<&Profile> {
    profiles.get(&id).ok_or(StoreError::NotFound)
}

/// The observers of an observatory as the binôme rules see them (all, or only `only`):
/// profile, place, levels, themes, availability and visits this school year.
pub(crate) async fn observers(
    db: &Db,
    id: ObservatoryId,
    only: Option<&[PersonId]>,
) -> Result<Vec<Observer>> {
    let since = school_year_start(now());
    let mut rows: Vec<(i64, i64, String)> = on!(db, pool => sqlx::query_as(
        "SELECT person_id, max_visits, themes FROM observatory_members \
         WHERE observatory_id = $1 AND role = 'observer' ORDER BY person_id",
    ).bind(id.0).fetch_all(pool).await)?;
    if let Some(only) = only {
        rows.retain(|(p, _, _)| only.contains(&PersonId(*p)));
    }
    let rows_of_periods: Vec<(i64, i64, i64)> = on!(db, pool => sqlx::query_as(
        "SELECT person_id, from_day, to_day FROM observer_periods WHERE observatory_id = $1",
    ).bind(id.0).fetch_all(pool).await)?;
    let mut periods: HashMap<i64, Vec<Period>> = HashMap::new();
    for (person, from, to) in rows_of_periods {
        periods.entry(person).or_default().push(Period { from, to });
    }
    let loads: HashMap<i64, i64> = on!(db, pool => sqlx::query_as::<_, (i64, i64)>(
        "SELECT o.person_id, COUNT(*) FROM visit_observers o JOIN visits v ON v.id = o.visit_id \
         WHERE v.created_at >= $1 AND v.state <> 'cancelled' GROUP BY o.person_id",
    ).bind(since).fetch_all(pool).await)?
    .into_iter()
    .collect();
    let ids: Vec<PersonId> = rows.iter().map(|(p, _, _)| PersonId(*p)).collect();
    let profiles = accounts::profiles(db, &ids).await?;
    let mut observers = Vec::with_capacity(rows.len());
    for (person, max_visits, themes) in rows {
        let profile = profile_of(&profiles, PersonId(person))?;
        observers.push(Observer {
            id: PersonId(person),
            name: profile.person.name.clone(),
            staff: accounts::staff_of(profile)?,
            place: place(profile),
            levels: profile.levels.clone(),
            themes: themes
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            available: periods.remove(&person).unwrap_or_default(),
            visits_this_year: loads
                .get(&person)
                .map_or(0, |n| u32::try_from(*n).unwrap_or(u32::MAX)),
            max_visits: u32::try_from(max_visits).unwrap_or(0),
        });
    }
    Ok(observers)
}

/// Requests as the binôme rules see them: where, who is observed, what they teach, when.
pub(crate) async fn rule_requests(
    db: &Db,
    theme: &str,
    pending: &[visits::Pending],
) -> Result<Vec<Request>> {
    let mut ids: Vec<PersonId> = pending
        .iter()
        .flat_map(|r| r.teachers.iter().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let profiles = accounts::profiles(db, &ids).await?;
    let mut requests = Vec::with_capacity(pending.len());
    for request in pending {
        let mut observed = Vec::with_capacity(request.teachers.len());
        let (mut levels, mut subjects) = (Vec::new(), Vec::new());
        for teacher in &request.teachers {
            let profile = profile_of(&profiles, *teacher)?;
            levels.extend(profile.levels.iter().cloned());
            subjects.extend(profile.subjects.iter().cloned());
            observed.push(Observed {
                id: *teacher,
                name: profile.person.name.clone(),
                staff: accounts::staff_of(profile)?,
            });
        }
        requests.push(Request {
            uai: Uai::parse(&request.uai).map_err(|e| StoreError::Invalid(e.to_string()))?,
            place: request.place,
            observed,
            levels,
            subjects,
            theme: theme.to_owned(),
            periods: request.periods.clone(),
        });
    }
    Ok(requests)
}

/// What the solver works on for an observatory: its pending requests whose observed teachers
/// have all consented (`ready`, and the same as the rules see them: `requests`), its
/// observers, and the requests still waiting for a consent.
#[derive(Debug, Clone)]
pub struct Batch {
    pub ready: Vec<visits::Pending>,
    pub requests: Vec<Request>,
    pub observers: Vec<Observer>,
    pub unconsented: Vec<visits::Pending>,
}

/// Reads the observatory's batch for the solver.
pub async fn batch(db: &Db, id: ObservatoryId) -> Result<Batch> {
    let observatory = get(db, id).await?;
    let (ready, unconsented): (Vec<_>, Vec<_>) = visits::pending(db, id)
        .await?
        .into_iter()
        .partition(|r| r.awaiting_consent.is_empty());
    let observers = observers(db, id, None).await?;
    let requests = rule_requests(db, &observatory.theme, &ready).await?;
    Ok(Batch {
        ready,
        requests,
        observers,
        unconsented,
    })
}

/// Runs the solver on the observatory's pending requests as one batch, and records what it
/// proposes: a visit "proposed" for each binôme, the reason for each request that waits.
/// A request whose observed teachers have not all consented waits for them.
pub async fn assign(db: &Db, id: ObservatoryId, weights: &Weights) -> Result<Vec<Outcome>> {
    let Batch {
        ready,
        requests,
        observers,
        unconsented,
    } = batch(db, id).await?;
    let assignment = solve(&requests, &observers, weights);
    let mut outcomes = Vec::with_capacity(ready.len() + unconsented.len());
    for request in &unconsented {
        let reason = format!(
            "en attente du consentement de {}",
            request.awaiting_consent.join(", ")
        );
        visits::wait(db, request.id, &reason).await?;
        outcomes.push(Outcome::Waiting {
            request: request.id,
            reason,
        });
    }
    for (request, proposal) in ready.iter().zip(assignment.proposals) {
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
