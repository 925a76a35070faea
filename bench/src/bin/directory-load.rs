//! Load on the directory: a bounded number of searches (HTML pages and API), sent by a few
//! concurrent clients to a server on this machine; prints latency percentiles and pages/s.
//!
//! Usage: directory-load http://127.0.0.1:8080 [requests] [concurrency]

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;

/// Searches people type: communes, words of names, a UAI, with and without filters.
const QUERIES: &[&str] = &[
    "q=arras",
    "q=lens",
    "q=clermont",
    "q=jean+jaures",
    "q=victor+hugo",
    "q=college+pasteur",
    "q=lycee+professionnel",
    "q=ecole+maternelle+lille",
    "q=marseille",
    "q=paris",
    "q=toulouse+lycee",
    "q=saint",
    "q=louise+michel",
    "q=ecole&departement=62",
    "q=college&departement=63&type=college",
    "departement=27&type=ecole",
    "type=lycee&statut=prive",
    "ep=REP%2B",
    "q=jules+ferry&departement=59",
    "q=bordeaux&type=ecole",
    "q=nantes&page=2",
    "departement=75",
    "q=rennes+college",
    "q=curie",
    "q=val+de+reuil",
];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned());
    let requests: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5_000);
    let concurrency: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(8);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let page: serde_json::Value = client
        .get(format!("{base}/api/v1/establishments?q=lycee"))
        .send()
        .await?
        .json()
        .await?;
    let uais: Vec<String> = page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["uai"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();

    for (label, path) in [
        ("page HTML /annuaire", "/annuaire?"),
        ("API /api/v1/establishments", "/api/v1/establishments?"),
    ] {
        let queue = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (client, base, queue, uais) =
                (client.clone(), base.clone(), queue.clone(), uais.clone());
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0usize;
                while queue.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < requests {
                    let query = {
                        let mut rng = rand::thread_rng();
                        if rng.gen_range(0..10) == 0 && !uais.is_empty() {
                            format!("q={}", uais[rng.gen_range(0..uais.len())])
                        } else {
                            QUERIES[rng.gen_range(0..QUERIES.len())].to_owned()
                        }
                    };
                    let sent = Instant::now();
                    match client.get(format!("{base}{path}{query}")).send().await {
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
        latencies.sort();
        let pct = |p: f64| {
            latencies
                .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        println!(
            "{label}: {} requêtes, {} erreurs, {:.0} pages/s, p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms (concurrence {concurrency})",
            latencies.len(),
            errors,
            latencies.len() as f64 / elapsed.as_secs_f64(),
            pct(0.50).as_secs_f64() * 1e3,
            pct(0.90).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
            latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        );
    }
    Ok(())
}
