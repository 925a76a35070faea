//! The binôme solver at national scale: an observatory with OBSERVERS volunteers and
//! REQUESTS pending visit requests drawn from the national demo data set (teachers,
//! conseillers pédagogiques, formateurs and CPE of establishments all over France; each
//! request one or two teachers of an école, collège or lycée, every one consenting), then:
//!   - reading the batch from the database (`store::observatories::batch`);
//!   - the batch solver (`solve`) against the plain greedy assignment (`first_come`), medians
//!     of RUNS, with how many requests each serves and their total cost;
//!   - `store::observatories::assign` once, end to end (read, solve, record every proposal).
//!
//! `binome-solver DATABASE_URL [requests] [observers] [runs]`

use std::time::{Duration, Instant};

use anyhow::Context;
use domain::ids::PersonId;
use domain::observatories::binome::{Period, Weights};
use domain::observatories::solver::{Assignment, Proposal, first_come, solve};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::Db;
use store::observatories::{self, NewObservatory, visits};

const OBSERVER_FUNCTIONS: &str =
    "('enseignant-1d', 'enseignant-2d', 'cpc', 'formateur', 'cpe', 'directeur-ecole')";
const THEME: &str = "Coopération entre élèves";
/// 2027-01-04 and 2027-07-03, in days since 1970-01-01: when the visits may take place.
const YEAR: (i64, i64) = (20_822, 21_002);

/// The rows (id, text) of a query on either database.
async fn rows(db: &Db, sql: &str) -> anyhow::Result<Vec<(i64, String)>> {
    Ok(match db {
        Db::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await?,
        Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await?,
    })
}

/// One to `max` periods of two to four weeks within the school year.
fn periods(rng: &mut StdRng, max: usize) -> Vec<Period> {
    (0..rng.gen_range(1..=max))
        .map(|_| {
            let from = rng.gen_range(YEAR.0..YEAR.1 - 28);
            Period {
                from,
                to: from + rng.gen_range(14..=28),
            }
        })
        .collect()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn served(assignment: &Assignment) -> usize {
    assignment
        .proposals
        .iter()
        .filter(|p| matches!(p, Proposal::Binome { .. }))
        .count()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(url) = args.get(1) else {
        anyhow::bail!("usage : binome-solver URL_BASE [demandes] [observateurs] [essais]");
    };
    let requests: usize = args.get(2).map_or(Ok(2_000), |n| n.parse())?;
    let observers: usize = args.get(3).map_or(Ok(1_000), |n| n.parse())?;
    let runs: usize = args.get(4).map_or(Ok(5), |n| n.parse())?;
    let db = Db::connect(url, 4).await?;
    let mut rng = StdRng::seed_from_u64(6);

    let started = Instant::now();
    let volunteers = rows(
        &db,
        &format!(
            "SELECT p.id, p.name FROM people p WHERE p.function IN {OBSERVER_FUNCTIONS} \
             AND EXISTS (SELECT 1 FROM person_establishments pe WHERE pe.person_id = p.id) \
             ORDER BY (p.id * 7919) % 100003, p.id LIMIT {observers}"
        ),
    )
    .await?;
    let volunteer_ids: Vec<i64> = volunteers.iter().map(|(id, _)| *id).collect();
    let creator = PersonId(
        *volunteer_ids
            .first()
            .context("aucune personne dans la base")?,
    );
    let observatory = observatories::create(
        &db,
        &NewObservatory {
            name: "Banc d'essai national".to_owned(),
            theme: THEME.to_owned(),
            scope: "national".to_owned(),
            space_quota: domain::spaces::DEFAULT_QUOTA,
            ..NewObservatory::default()
        },
        &[creator],
        &[creator],
        &[],
        creator,
    )
    .await?;
    for (id, _) in &volunteers {
        let themes = if rng.gen_bool(0.4) {
            vec![THEME.to_owned()]
        } else {
            Vec::new()
        };
        let available = if rng.gen_bool(0.2) {
            Vec::new() // any time
        } else {
            periods(&mut rng, 3)
        };
        let max_visits = rng.gen_range(3..=8);
        observatories::volunteer(
            &db,
            observatory,
            PersonId(*id),
            max_visits,
            &themes,
            &available,
        )
        .await?;
    }

    // Establishments all over France with their teachers, none of them a volunteer.
    let staff = rows(
        &db,
        &format!(
            "SELECT pe.person_id, e.uai FROM establishments e \
             JOIN person_establishments pe ON pe.establishment_id = e.id \
             JOIN people p ON p.id = pe.person_id \
             WHERE e.kind IN ('ecole', 'college', 'lycee') AND p.function IN ('enseignant-1d', 'enseignant-2d') \
             AND e.id IN (SELECT id FROM establishments WHERE kind IN ('ecole', 'college', 'lycee') \
                          ORDER BY (id * 7919) % 100003, id LIMIT {}) \
             ORDER BY e.uai, pe.person_id",
            requests * 2
        ),
    )
    .await?;
    let mut made = 0;
    for group in staff.chunk_by(|a, b| a.1 == b.1) {
        if made == requests {
            break;
        }
        let teachers: Vec<PersonId> = group
            .iter()
            .map(|(id, _)| PersonId(*id))
            .filter(|id| !volunteer_ids.contains(&id.0))
            .take(rng.gen_range(1..=2))
            .collect();
        let Some(first) = teachers.first().copied() else {
            continue;
        };
        let request = visits::request(
            &db,
            observatory,
            &visits::NewRequest {
                uai: group[0].1.clone(),
                focus: "Comment les élèves coopèrent en autonomie".to_owned(),
                constraints: String::new(),
                teachers: teachers.clone(),
                periods: periods(&mut rng, 2),
            },
            first,
        )
        .await?;
        for teacher in &teachers[1..] {
            visits::consent(&db, request, *teacher).await?;
        }
        made += 1;
    }
    println!(
        "observatoire de {} observateurs et {made} demandes tirés des données nationales : {:.1} s",
        volunteers.len(),
        started.elapsed().as_secs_f64()
    );

    let weights = Weights::default();
    let mut reads = Vec::with_capacity(runs);
    let mut batch = None;
    for _ in 0..runs {
        let started = Instant::now();
        batch = Some(observatories::batch(&db, observatory).await?);
        reads.push(started.elapsed());
    }
    let batch = batch.context("au moins un essai")?;
    let time = |solver: fn(&[_], &[_], &Weights) -> Assignment| {
        let mut times = Vec::with_capacity(runs);
        let mut last = None;
        for _ in 0..runs {
            let started = Instant::now();
            last = Some(solver(&batch.requests, &batch.observers, &weights));
            times.push(started.elapsed());
        }
        (median(times), last)
    };
    let (greedy_time, greedy) = time(first_come);
    let (solve_time, solved) = time(solve);
    let (Some(greedy), Some(solved)) = (greedy, solved) else {
        anyhow::bail!("au moins un essai");
    };
    println!(
        "lecture du lot ({} demandes prêtes, {} observateurs) : médiane {:.0} ms",
        batch.requests.len(),
        batch.observers.len(),
        median(reads).as_secs_f64() * 1000.0
    );
    for (name, time, assignment) in [
        ("glouton (premier arrivé)", greedy_time, &greedy),
        ("calcul par lot", solve_time, &solved),
    ] {
        let served = served(assignment);
        println!(
            "{name} : médiane {:.3} s sur {runs} essais, {served} binômes, coût total {:.0}, {:.1} par visite",
            time.as_secs_f64(),
            assignment.total,
            assignment.total / served.max(1) as f64
        );
    }
    println!(
        "coût par visite du calcul par lot : {:+.1} % par rapport au glouton",
        ((solved.total / served(&solved).max(1) as f64)
            / (greedy.total / served(&greedy).max(1) as f64)
            - 1.0)
            * 100.0
    );

    let started = Instant::now();
    let outcomes = observatories::assign(&db, observatory, &weights).await?;
    let proposed = outcomes
        .iter()
        .filter(|o| matches!(o, observatories::Outcome::Proposed { .. }))
        .count();
    println!(
        "« Proposer les binômes » de bout en bout (lecture, calcul, {proposed} visites proposées et {} attentes enregistrées) : {:.2} s",
        outcomes.len() - proposed,
        started.elapsed().as_secs_f64()
    );
    db.close().await;
    Ok(())
}
