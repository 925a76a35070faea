//! The map of initiatives at scale: how long its data takes to load and how much memory it
//! holds; the clusters of random viewports (every zoom from the country to the street,
//! centred on random establishments, the size of a 1280×800 screen) computed in process;
//! and, given a server, the same viewports through `GET /api/v1/map/clusters` under load.
//!
//! Usage: map-load DATABASE_URL [BASE_URL] [requests] [concurrency]

use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::indicators::map::{self as map, BBox, Filters, Layer, Layers, Viewer};
use rand::Rng;
use rand::SeedableRng;

const SCREEN: (f64, f64) = (1280.0, 800.0);

/// The viewport of a screen centred on a point at a zoom (Web Mercator, as Leaflet).
fn viewport(latitude: f64, longitude: f64, zoom: u8) -> BBox {
    let world = 256.0 * f64::from(1u32 << zoom);
    let x = (longitude + 180.0) / 360.0;
    let lat = latitude.to_radians();
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    let (dx, dy) = (SCREEN.0 / 2.0 / world, SCREEN.1 / 2.0 / world);
    let latitude_of = |y: f64| {
        (std::f64::consts::PI * (1.0 - 2.0 * y))
            .sinh()
            .atan()
            .to_degrees()
    };
    BBox {
        west: ((x - dx) * 360.0 - 180.0).max(-180.0),
        east: ((x + dx) * 360.0 - 180.0).min(180.0),
        north: latitude_of((y - dy).max(0.0)),
        south: latitude_of((y + dy).min(1.0)),
    }
}

/// The process's anonymous memory (its own, not the database's pages it maps).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("RssAnon:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1024.0
}

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
        "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(1.0)
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or_else(|| {
        anyhow::anyhow!("usage: map-load DATABASE_URL [BASE_URL] [requests] [concurrency]")
    })?;
    let base = args.next();
    let requests: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5_000);
    let concurrency: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(8);
    let db = store::Db::connect(&url, 4).await?;

    let before = rss_mib();
    let started = Instant::now();
    let data = store::indicators::map::load(&db).await?;
    println!(
        "données de la carte : {} établissements, {} faits, chargées en {:.1} s, {:.0} Mio de mémoire anonyme en plus",
        data.places.len(),
        data.facts.len(),
        started.elapsed().as_secs_f64(),
        rss_mib() - before
    );

    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let views: Vec<(BBox, u8)> = (0..1_000)
        .map(|_| {
            let place = &data.places[rng.gen_range(0..data.places.len())];
            let zoom = rng.gen_range(3..=16u8);
            (viewport(place.latitude, place.longitude, zoom), zoom)
        })
        .collect();
    let signed_in = Viewer {
        signed_in: true,
        territories: vec![1],
    };
    let everything = Filters {
        layers: Layers::all(),
        ..Filters::default()
    };
    let theme = Filters {
        theme: map::theme_bit("subject:francais").ok(),
        ..Filters::default()
    };
    let slider = Filters {
        to: data.months().map(|(first, last)| {
            domain::indicators::Month::from_index((first.index() + last.index()) / 2)
                .unwrap_or(last)
        }),
        ..Filters::default()
    };
    let establishments = Filters {
        layers: Layers::of(&[Layer::Establishments]),
        ..Filters::default()
    };
    for (label, viewer, filters) in [
        (
            "pratiques et essais, anonyme",
            Viewer::default(),
            Filters::default(),
        ),
        (
            "pratiques et essais, connecté",
            signed_in.clone(),
            Filters::default(),
        ),
        ("toutes les couches", signed_in.clone(), everything),
        ("thème français", signed_in.clone(), theme),
        (
            "curseur du temps (mois du milieu)",
            signed_in.clone(),
            slider,
        ),
        ("établissements seuls", signed_in.clone(), establishments),
    ] {
        let mut latencies = Vec::with_capacity(views.len());
        let mut clusters = 0usize;
        for (bbox, zoom) in &views {
            let t = Instant::now();
            clusters += map::clusters(&data, &viewer, &filters, bbox, *zoom).len();
            latencies.push(t.elapsed());
        }
        println!(
            "regroupements en mémoire, {label} : {} vues, {:.0} regroupements par vue, {}",
            views.len(),
            clusters as f64 / views.len() as f64,
            percentiles(latencies)
        );
    }
    let t = Instant::now();
    let rates = map::choropleth(&data, &signed_in, &Filters::default(), map::Level::Commune);
    println!(
        "choroplèthe par commune : {} communes en {:.1} ms",
        rates.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );

    let Some(base) = base else {
        return Ok(());
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let queries: Arc<Vec<String>> = Arc::new(
        views
            .iter()
            .map(|(b, z)| {
                format!(
                    "{base}/api/v1/map/clusters?bbox={}&zoom={z}&layers=pratiques,essais",
                    b.code()
                )
            })
            .collect(),
    );
    // Warm-up: the server loads the map's data at its first request.
    let started = Instant::now();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()?
        .get(&queries[0])
        .send()
        .await?
        .error_for_status()?;
    println!(
        "première requête du serveur (chargement de la carte compris) : {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for concurrency in [1, concurrency] {
        let requests = if concurrency == 1 {
            requests / 5
        } else {
            requests
        };
        let queue = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (client, queue, queries) = (client.clone(), queue.clone(), queries.clone());
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                loop {
                    let i = queue.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= requests {
                        break;
                    }
                    let sent = Instant::now();
                    match client.get(&queries[i % queries.len()]).send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            latencies.push(sent.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            }));
        }
        let mut latencies = Vec::new();
        let mut errors = 0;
        for task in tasks {
            let (l, e) = task.await?;
            latencies.extend(l);
            errors += e;
        }
        let elapsed = started.elapsed();
        println!(
            "API /api/v1/map/clusters : {} requêtes, {} erreurs, {:.0} réponses/s, {} (concurrence {concurrency})",
            latencies.len(),
            errors,
            latencies.len() as f64 / elapsed.as_secs_f64(),
            percentiles(latencies)
        );
    }
    Ok(())
}
