//! The indicators at national scale: TERRITORIES (500) territoires apprenants of 10 to 100
//! establishments drawn from the national demo (added once), the hourly computation of the
//! platform's metrics for every scope, then, against a server, dashboard pages (France, the
//! académie with the Clermont-Ferrand project, random départements and territories) signed in,
//! and the ODS exports (with a sheet of every territory).
//!
//! Usage: indicators-load DATABASE_URL BASE_URL PASSWORD_FILE [requests] [territories]

use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

fn percentiles(mut latencies: Vec<Duration>) -> String {
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1000.0
    };
    format!(
        "p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage =
        "usage: indicators-load DATABASE_URL BASE_URL PASSWORD_FILE [requests] [territories]";
    let url = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let base = args.next().ok_or_else(|| anyhow::anyhow!(usage))?;
    let password = std::fs::read_to_string(args.next().ok_or_else(|| anyhow::anyhow!(usage))?)?;
    let requests: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2_000);
    let wanted: i64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(500);
    let db = store::Db::connect(&url, 4).await?;
    let pool = match &db {
        store::Db::Sqlite(pool) => pool.clone(),
        store::Db::Postgres(_) => anyhow::bail!("SQLite seulement"),
    };

    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM territories")
        .fetch_one(&pool)
        .await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    if existing < wanted {
        let establishments: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, departement_code FROM establishments WHERE open")
                .fetch_all(&pool)
                .await?;
        let started = Instant::now();
        let mut tx = pool.begin().await?;
        for n in existing..wanted {
            let (_, departement) = establishments
                .choose(&mut rng)
                .ok_or_else(|| anyhow::anyhow!("no establishment"))?
                .clone();
            let created = store::now() - rng.gen_range(0..3 * 365 * 86_400);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO territories (slug, name, description, created_at) VALUES ($1, $2, '', $3) RETURNING id",
            )
            .bind(format!("banc-{n}"))
            .bind(format!("Territoire d'essai {n}"))
            .bind(created)
            .fetch_one(&mut *tx)
            .await?;
            let local: Vec<i64> = establishments
                .iter()
                .filter(|(_, d)| *d == departement)
                .map(|(e, _)| *e)
                .collect();
            let size = rng.gen_range(10..=100);
            for e in local.choose_multiple(&mut rng, size) {
                sqlx::query("INSERT OR IGNORE INTO territory_establishments (territory_id, establishment_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(e)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        println!(
            "{} territoires ajoutés en {:.1} s",
            wanted - existing,
            started.elapsed().as_secs_f64()
        );
    }
    let territories: Vec<i64> = sqlx::query_scalar("SELECT id FROM territories")
        .fetch_all(&pool)
        .await?;

    let started = Instant::now();
    let values = store::indicators::series::refresh(&db).await?;
    println!(
        "calcul des indicateurs (tâche horaire) : {values} valeurs pour {} périmètres en {:.1} s",
        territories.len() + 130,
        started.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .timeout(Duration::from_secs(300))
        .build()?;
    let login = client
        .get(format!("{base}/connexion"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = login
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| anyhow::anyhow!("no CSRF token on the sign-in page"))?
        .to_owned();
    client
        .post(format!("{base}/connexion"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "ia-ipr@demo.territoire.fr"),
            ("password", password.trim()),
        ])
        .send()
        .await?
        .error_for_status()?;
    let account = client.get(format!("{base}/compte")).send().await?;
    anyhow::ensure!(
        account.status().is_success(),
        "not signed in: {}",
        account.status()
    );

    let departements: Vec<String> = sqlx::query_scalar("SELECT code FROM departements")
        .fetch_all(&pool)
        .await?;
    let pages: Vec<String> = (0..requests)
        .map(|i| match i % 4 {
            0 => "/tableaux-de-bord/national".to_owned(),
            1 => "/tableaux-de-bord/academie/06".to_owned(),
            2 => format!(
                "/tableaux-de-bord/departement/{}",
                departements.choose(&mut rng).map_or("62", |d| d.as_str())
            ),
            _ => format!(
                "/tableaux-de-bord/territoire/{}",
                territories.choose(&mut rng).copied().unwrap_or(1)
            ),
        })
        .collect();
    client
        .get(format!("{base}{}", pages[0]))
        .send()
        .await?
        .error_for_status()?;
    let mut latencies = Vec::with_capacity(pages.len());
    let mut errors = 0;
    let started = Instant::now();
    for page in &pages {
        let sent = Instant::now();
        match client.get(format!("{base}{page}")).send().await {
            Ok(r) if r.status().is_success() => {
                let _ = r.bytes().await;
                latencies.push(sent.elapsed());
            }
            _ => errors += 1,
        }
    }
    println!(
        "pages de tableau de bord (France, académie, départements et territoires au hasard) : {} pages, {errors} erreurs, {:.0} pages/s, {}",
        latencies.len(),
        latencies.len() as f64 / started.elapsed().as_secs_f64(),
        percentiles(latencies)
    );

    for path in [
        "/tableaux-de-bord/national/export.ods",
        "/tableaux-de-bord/academie/06/export.ods",
        "/tableaux-de-bord/national/export.csv",
        "/tableaux-de-bord/academie/06/rapport.pdf",
    ] {
        let started = Instant::now();
        let bytes = client
            .get(format!("{base}{path}"))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        println!(
            "{path} : {:.1} s, {} Kio",
            started.elapsed().as_secs_f64(),
            bytes.len() / 1024
        );
    }
    Ok(())
}
