//! `/healthz` while the heaviest practice page is read: `markdown-load URL TOKEN [seconds]
//! [clients]` publishes a public practice whose body is the worst Markdown of maximum size
//! (100,000 `>`, the input that once took 40 s a view), then has `clients` (8) read its page
//! without pause while one more asks `/healthz` every 10 ms; prints the medians and p99 of
//! both.

use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1e3
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let base = args.next().ok_or_else(|| anyhow::anyhow!("URL attendue"))?;
    let token = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("jeton attendu"))?;
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let clients: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(8);
    let http = reqwest::Client::new();
    let body = ">".repeat(domain::practices::MAX_BODY);
    let created = Instant::now();
    let answer: serde_json::Value = http
        .post(format!("{base}/api/v1/practices"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "title": "Citations imbriquées", "summary": "La pire page.", "visibility": "public",
            "status": "published", "body_markdown": body,
        }))
        .send()
        .await?
        .json()
        .await?;
    let id = answer["id"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("pratique refusée : {answer}"))?;
    println!(
        "création de la pratique : {:.1} ms",
        created.elapsed().as_secs_f64() * 1e3
    );
    let page = format!("{base}/pratiques/{id}");
    let first = Instant::now();
    let status = http.get(&page).send().await?.status();
    anyhow::ensure!(status.is_success(), "{page} : {status}");
    println!(
        "premier affichage : {:.1} ms",
        first.elapsed().as_secs_f64() * 1e3
    );

    let end = Instant::now() + Duration::from_secs(seconds);
    let readers = (0..clients).map(|_| {
        let (http, page) = (http.clone(), page.clone());
        tokio::spawn(async move {
            let mut times = Vec::new();
            while Instant::now() < end {
                let start = Instant::now();
                if let Ok(answer) = http.get(&page).send().await {
                    let _ = answer.bytes().await;
                    times.push(start.elapsed());
                }
            }
            times
        })
    });
    let readers: Vec<_> = readers.collect();
    let health = {
        let http = http.clone();
        let url = format!("{base}/healthz");
        tokio::spawn(async move {
            let mut times = Vec::new();
            while Instant::now() < end {
                let start = Instant::now();
                if http.get(&url).send().await.is_ok() {
                    times.push(start.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            times
        })
    };
    let mut pages = Vec::new();
    for reader in readers {
        pages.extend(reader.await?);
    }
    let mut healthz = health.await?;
    pages.sort();
    healthz.sort();
    println!(
        "page la plus lourde, {clients} clients : {} pages, p50 {:.1} ms, p99 {:.1} ms",
        pages.len(),
        percentile(&pages, 0.5),
        percentile(&pages, 0.99)
    );
    println!(
        "/healthz pendant ce temps : {} réponses, p50 {:.1} ms, p99 {:.1} ms",
        healthz.len(),
        percentile(&healthz, 0.5),
        percentile(&healthz, 0.99)
    );
    Ok(())
}
