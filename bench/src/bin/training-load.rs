//! The training office's demand at scale, and registrations at once: NEEDS needs expressed
//! this school year by people of the demo data set, over 2,000 themes (a few asked for by
//! many, most by few, as real demand goes), then:
//!   - the demand against the offer, as `/formation/demande` computes it (the themes read,
//!     aggregated without names, the modules by theme, the two compared): medians of RUNS;
//!   - a module answering the most asked theme: its creation, which tells every person who
//!     asked for it;
//!   - REGISTRATIONS people registering to a module of 100 seats (20 kept for the
//!     observatories) all at once: the time until all are answered, and the check that no
//!     more than 100 got a seat.
//!
//! `training-load DATABASE_URL [needs] [registrations] [runs]`

use std::time::{Duration, Instant};

use domain::ids::PersonId;
use domain::territories::events::RegistrationStatus;
use domain::training::demand::{against_offer, aggregate};
use domain::training::modules::{ModuleContent, ModuleInput, SessionInput};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use store::Db;

const THEMES: usize = 2_000;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

async fn people(db: &Db, limit: usize) -> anyhow::Result<Vec<i64>> {
    let sql = format!("SELECT id FROM people ORDER BY id LIMIT {limit}");
    Ok(match db {
        Db::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_all(pool).await?,
        Db::Postgres(pool) => sqlx::query_scalar(&sql).fetch_all(pool).await?,
    })
}

/// Writes the needs in one transaction per 10,000 (the bench's own shortcut).
async fn write_needs(db: &Db, needs: &[(i64, String)], at: i64) -> anyhow::Result<()> {
    for chunk in needs.chunks(10_000) {
        let values: Vec<String> = chunk
            .iter()
            .map(|(person, theme)| {
                format!("({person}, NULL, 'personal', '{theme}', 'premier-degre', '', '', {at})")
            })
            .collect();
        let sql = format!(
            "INSERT INTO training_requests (person_id, territory_id, source, theme, public, level, function, created_at) VALUES {}",
            values.join(",")
        );
        match db {
            Db::Sqlite(pool) => sqlx::query(&sql).execute(pool).await.map(|_| ())?,
            Db::Postgres(pool) => sqlx::query(&sql).execute(pool).await.map(|_| ())?,
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let Some(url) = args.get(1) else {
        anyhow::bail!("usage : training-load URL_BASE [besoins] [inscriptions] [essais]");
    };
    let count: usize = args.get(2).map_or(Ok(100_000), |n| n.parse())?;
    let registrations: usize = args.get(3).map_or(Ok(500), |n| n.parse())?;
    let runs: usize = args.get(4).map_or(Ok(7), |n| n.parse())?;
    let db = Db::connect(url, 16).await?;
    let mut rng = StdRng::seed_from_u64(8);

    let everyone = people(&db, count.max(registrations)).await?;
    anyhow::ensure!(
        !everyone.is_empty(),
        "no people: run `territoire demo` first"
    );
    // Theme n is drawn with a weight of 1/(n+1): a long tail of themes asked for by few.
    let weights: Vec<f64> = (0..THEMES).map(|n| 1.0 / (n as f64 + 1.0)).collect();
    let total: f64 = weights.iter().sum();
    let needs: Vec<(i64, String)> = (0..count)
        .map(|i| {
            let mut pick = rng.gen_range(0.0..total);
            let theme = weights
                .iter()
                .position(|w| {
                    pick -= w;
                    pick < 0.0
                })
                .unwrap_or(THEMES - 1);
            (
                everyone[i % everyone.len()],
                format!("Thème de formation n° {theme}"),
            )
        })
        .collect();
    let now = store::now();
    let started = Instant::now();
    write_needs(&db, &needs, now).await?;
    println!(
        "{count} besoins écrits en {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let (from, to) = (now - 86_400, now + 86_400);
    let mut times = Vec::with_capacity(runs);
    let mut shown = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let themes = store::training::demand_themes(&db, None, from, to).await?;
        let demand = aggregate(themes.iter().map(|(t, n)| (t.as_str(), *n)));
        let offer = store::training::modules::offer(&db, from, to).await?;
        let board = against_offer(&demand, &offer);
        times.push(started.elapsed());
        shown = board.themes.len();
    }
    println!(
        "Demande face à l'offre ({count} besoins, {THEMES} thèmes, {shown} affichés) : médiane {:.1} ms sur {runs}",
        median(times).as_secs_f64() * 1000.0
    );

    let start = now + 30 * 86_400;
    let module = ModuleContent::parse(&ModuleInput {
        title: "Module de mesure".to_owned(),
        objectives: "Mesurer.".to_owned(),
        plan: "departemental".to_owned(),
        public: "premier-degre".to_owned(),
        capacity: 100,
        reserved_seats: 20,
        themes: vec!["Thème de formation n° 0".to_owned()],
        sessions: vec![SessionInput {
            starts_at: start,
            ends_at: start + 3 * 3600,
            place: "Atelier".to_owned(),
            video_url: String::new(),
        }],
    })
    .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let started = Instant::now();
    let (id, told) =
        store::training::modules::create(&db, &module, None, &[], PersonId(everyone[0])).await?;
    println!(
        "Module créé, {told} personnes averties, en {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for person in everyone.iter().take(registrations).copied() {
        let db = db.clone();
        tasks.spawn(async move {
            let at = Instant::now();
            let status = store::training::modules::register(&db, id, PersonId(person)).await;
            (status, at.elapsed())
        });
    }
    let mut seated = 0;
    let mut latencies = Vec::with_capacity(registrations);
    while let Some(done) = tasks.join_next().await {
        let (status, latency) = done?;
        if status? == RegistrationStatus::Registered {
            seated += 1;
        }
        latencies.push(latency);
    }
    let wall = started.elapsed();
    latencies.sort_unstable();
    anyhow::ensure!(seated <= 100, "{seated} seated for 100 seats");
    println!(
        "{registrations} inscriptions simultanées : {:.0} ms en tout ({:.0}/s), attente médiane {:.1} ms, p99 {:.1} ms ; {seated} places prises sur 100",
        wall.as_secs_f64() * 1000.0,
        registrations as f64 / wall.as_secs_f64(),
        latencies[latencies.len() / 2].as_secs_f64() * 1000.0,
        latencies[latencies.len() * 99 / 100].as_secs_f64() * 1000.0,
    );
    Ok(())
}
