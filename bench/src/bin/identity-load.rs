//! What identity and privacy cost at scale, on the demo data set:
//!   - the session check every page pays (`session_person`, idle and absolute timeouts and
//!     the account's state checked), among SESSIONS open sessions: per lookup, median and p99
//!     of 5,000;
//!   - the administrators' audit trail with AUDIT entries over a year: the newest page, by
//!     action, by person, by words, one day — median and p99 of RUNS each;
//!   - the retention dry run over all of it, and the export (JSON part) of the person with
//!     the most practices: medians of RUNS.
//!
//! `identity-load DATABASE_URL [sessions] [audit] [runs]`

use std::time::{Duration, Instant};

use domain::accounts::audit::AuditAction;
use domain::accounts::privacy::Privacy;
use domain::ids::PersonId;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::Db;
use store::accounts::audit::{Filter, search};
use store::accounts::sessions::{Origin, create_session, session_person};

fn quantiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort_unstable();
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    (times[times.len() / 2], p99)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn execute(db: &Db, sql: &str) -> anyhow::Result<()> {
    match db {
        Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ())?,
        Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ())?,
    }
    Ok(())
}

async fn ids(db: &Db, sql: &str) -> anyhow::Result<Vec<i64>> {
    Ok(match db {
        Db::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await?,
        Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await?,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(url) = args.get(1) else {
        anyhow::bail!("usage : identity-load URL_BASE [sessions] [journal] [essais]");
    };
    let sessions: usize = args.get(2).map_or(Ok(100_000), |n| n.parse())?;
    let entries: usize = args.get(3).map_or(Ok(1_000_000), |n| n.parse())?;
    let runs: usize = args.get(4).map_or(Ok(21), |n| n.parse())?;
    let db = Db::connect(url, 16).await?;
    let mut rng = StdRng::seed_from_u64(9);
    let people = ids(&db, "SELECT id FROM people ORDER BY id").await?;
    anyhow::ensure!(!people.is_empty(), "no people: run `territoire demo` first");
    let now = store::now();

    // Sessions: the bulk written directly (random digests), 1,000 real ones to look up.
    let started = Instant::now();
    for chunk in (0..sessions).collect::<Vec<_>>().chunks(10_000) {
        let values: Vec<String> = chunk
            .iter()
            .map(|i| {
                let person = people[rng.gen_range(0..people.len())];
                format!("('bench{i:058}', {person}, {now}, {}, {now}, '10.0.0.1', 'Firefox', 'password')", now + 86_400)
            })
            .collect();
        execute(&db, &format!(
            "INSERT INTO sessions (token_hash, person_id, created_at, expires_at, last_seen_at, ip, user_agent, method) VALUES {}",
            values.join(",")
        )).await?;
    }
    let mut tokens = Vec::new();
    for _ in 0..1_000 {
        let person = PersonId(people[rng.gen_range(0..people.len())]);
        tokens.push(create_session(&db, person, 86_400, &Origin::default()).await?);
    }
    println!(
        "{sessions} sessions écrites en {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut times = Vec::with_capacity(5_000);
    for i in 0..5_000 {
        let token = &tokens[i % tokens.len()];
        let at = Instant::now();
        let found = session_person(&db, token, 4 * 3600).await?;
        times.push(at.elapsed());
        anyhow::ensure!(found.is_some(), "a session was lost");
    }
    let (median, p99) = quantiles(times);
    println!(
        "vérification de session (chaque page) : médiane {}, p99 {}",
        ms(median),
        ms(p99)
    );

    // The audit trail: a year of events, mostly sign-ins.
    let started = Instant::now();
    let actions = [
        (AuditAction::SignIn, 60),
        (AuditAction::SignInFailed, 10),
        (AuditAction::SignOut, 15),
        (AuditAction::ObservationRead, 8),
        (AuditAction::ConsentChanged, 3),
        (AuditAction::Export, 1),
        (AuditAction::Deletion, 2),
        (AuditAction::RoleChanged, 1),
    ];
    let weight: u32 = actions.iter().map(|(_, w)| w).sum();
    for chunk in (0..entries).collect::<Vec<_>>().chunks(10_000) {
        let values: Vec<String> = chunk
            .iter()
            .map(|i| {
                let mut draw = rng.gen_range(0..weight);
                let action = actions
                    .iter()
                    .find(|(_, w)| {
                        let hit = draw < *w;
                        draw = draw.saturating_sub(*w);
                        hit
                    })
                    .map_or(AuditAction::SignIn, |(a, _)| *a);
                let person = people[rng.gen_range(0..people.len())];
                let at = now - 365 * 86_400 + (*i as i64 * 365 * 86_400) / entries as i64;
                format!(
                    "({at}, {person}, '{}', 'personne:{person}', '10.{}.{}.{}', '')",
                    action.code(),
                    rng.gen_range(0..255),
                    rng.gen_range(0..255),
                    rng.gen_range(1..255)
                )
            })
            .collect();
        execute(
            &db,
            &format!(
                "INSERT INTO audit_events (at, actor_id, action, target, ip, detail) VALUES {}",
                values.join(",")
            ),
        )
        .await?;
    }
    println!(
        "{entries} entrées du journal écrites en {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // What the database's own maintenance does after such a load (autovacuum on PostgreSQL).
    execute(&db, "ANALYZE").await?;
    let someone = PersonId(people[people.len() / 2]);
    let day = now - 100 * 86_400;
    let filters: [(&str, Filter); 5] = [
        (
            "page la plus récente",
            Filter {
                limit: 100,
                ..Filter::default()
            },
        ),
        (
            "par événement (changements de rôle)",
            Filter {
                action: Some(AuditAction::RoleChanged),
                limit: 100,
                ..Filter::default()
            },
        ),
        (
            "par personne",
            Filter {
                actor: Some(someone),
                limit: 100,
                ..Filter::default()
            },
        ),
        (
            "par mots (dans l'objet ou le détail)",
            Filter {
                text: Some("personne:1234".to_owned()),
                limit: 100,
                ..Filter::default()
            },
        ),
        (
            "un jour",
            Filter {
                from: Some(day),
                to: Some(day + 86_400),
                limit: 100,
                ..Filter::default()
            },
        ),
    ];
    for (name, filter) in filters {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let at = Instant::now();
            search(&db, &filter).await?;
            times.push(at.elapsed());
        }
        let (median, p99) = quantiles(times);
        println!("journal, {name} : médiane {}, p99 {}", ms(median), ms(p99));
    }

    let cutoffs = Privacy {
        chat_history_days: 365,
        ..Privacy::default()
    }
    .cutoffs(now);
    let mut times = Vec::with_capacity(runs);
    let mut due = None;
    for _ in 0..runs {
        let at = Instant::now();
        due = Some(store::accounts::privacy::retention_due(&db, &cutoffs).await?);
        times.push(at.elapsed());
    }
    let (median, _) = quantiles(times);
    println!(
        "conservation, simulation : médiane {} ({})",
        ms(median),
        due.map(|d| d.summary()).unwrap_or_default()
    );

    let busiest = ids(&db, "SELECT person_id FROM practice_authors GROUP BY person_id ORDER BY COUNT(*) DESC, person_id LIMIT 1").await?;
    if let Some(person) = busiest.first() {
        let mut times = Vec::with_capacity(runs);
        let mut size = 0;
        for _ in 0..runs {
            let at = Instant::now();
            let export = store::accounts::privacy::export(&db, PersonId(*person)).await?;
            times.push(at.elapsed());
            size = export
                .sections
                .iter()
                .map(|(_, v)| v.to_string().len())
                .sum::<usize>();
        }
        let (median, _) = quantiles(times);
        println!(
            "export (JSON) de la personne aux {} pratiques : médiane {} ({} Kio)",
            {
                let n = ids(
                    &db,
                    &format!("SELECT COUNT(*) FROM practice_authors WHERE person_id = {person}"),
                )
                .await?;
                n.first().copied().unwrap_or(0)
            },
            ms(median),
            size / 1024
        );
    }
    Ok(())
}
