//! Search latency over the practices of a data folder, in process (the index of the node and
//! the database it follows): `search-load DATABASE_URL INDEX_FOLDER [rounds] [ids-file]`.
//! Mixed queries (words, words + facets, facets only) for anonymous, signed-in and territory
//! members; prints p50/p95/p99. Writes up to 2,000 ids of public practices to `ids-file`
//! for the page benchmark.

use std::time::Instant;

use search::{FacetKind, Filter, SearchIndex, SearchQuery, Viewer};

const WORDS: &[&str] = &[
    "évaluation",
    "eleves autonomie",
    "calcul mental",
    "lecture",
    "classe dehors",
    "tutorat",
    "débat philosophique",
    "coopération",
    "jardin",
    "robotique programmation",
    "théâtre",
    "conseil coopératif",
    "cartes mentales",
    "escape game",
    "oral",
    "allophones",
    "ulis",
    "devoirs",
    "brevet",
    "maternelle",
    "liaison cm2",
    "investigation",
    "familles",
    "radio",
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let url = args.get(1).ok_or_else(|| anyhow::anyhow!("DATABASE_URL"))?;
    let folder = args.get(2).ok_or_else(|| anyhow::anyhow!("INDEX_FOLDER"))?;
    let rounds: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(20);
    let db = store::Db::connect(url, 8).await?;
    let index = SearchIndex::open(Some(std::path::Path::new(folder)))?;
    index.catch_up(&db).await?;
    println!("index : {} documents", index.len());
    let viewers = [
        Viewer::default(),
        Viewer {
            person: Some(1_000),
            territories: vec![],
            spaces: vec![],
        },
        Viewer {
            person: Some(2_000),
            territories: vec![1, 2],
            spaces: vec![],
        },
    ];
    let mut queries = Vec::new();
    for (i, words) in WORDS.iter().enumerate() {
        let filters = match i % 3 {
            0 => vec![],
            1 => vec![Filter {
                kind: FacetKind::Level,
                value: "cycle-3".into(),
            }],
            _ => vec![
                Filter {
                    kind: FacetKind::Subject,
                    value: "francais".into(),
                },
                Filter {
                    kind: FacetKind::Year,
                    value: "2026".into(),
                },
            ],
        };
        queries.push(SearchQuery {
            text: (*words).to_owned(),
            filters,
            offset: 0,
            limit: 20,
            scope: search::Scope::Practices,
        });
    }
    queries.push(SearchQuery {
        text: String::new(),
        filters: vec![],
        offset: 0,
        limit: 20,
        scope: search::Scope::Practices,
    });
    queries.push(SearchQuery {
        text: String::new(),
        filters: vec![Filter {
            kind: FacetKind::Skill,
            value: "citoyennete".into(),
        }],
        offset: 20,
        limit: 20,
        scope: search::Scope::Practices,
    });
    // Warm-up.
    for q in &queries {
        index.search(&db, q.clone(), Viewer::default()).await?;
    }
    let mut times = Vec::new();
    let mut by_query = vec![Vec::new(); queries.len()];
    let mut hits = 0;
    for _ in 0..rounds {
        for (i, q) in queries.iter().enumerate() {
            for v in &viewers {
                let start = Instant::now();
                let results = index.search(&db, q.clone(), v.clone()).await?;
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                times.push(ms);
                by_query[i].push((ms, results.total));
                hits += results.total;
            }
        }
    }
    let mut slowest: Vec<(f64, usize, &SearchQuery)> = by_query
        .iter_mut()
        .zip(&queries)
        .map(|(t, q)| {
            t.sort_by(|a, b| a.0.total_cmp(&b.0));
            (t[t.len() / 2].0, t[t.len() / 2].1, q)
        })
        .collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, total, q) in slowest.iter().take(5) {
        println!(
            "  lente : « {} » {:?} — médiane {ms:.1} ms, {total} résultats",
            q.text,
            q.filters.iter().map(|f| &f.value).collect::<Vec<_>>()
        );
    }
    times.sort_by(f64::total_cmp);
    println!(
        "recherche de pratiques : {} requêtes, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} résultats en moyenne)",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or_default(),
        hits / times.len()
    );
    if let Some(file) = args.get(4) {
        let public = index
            .search(
                &db,
                SearchQuery {
                    text: "eleves".into(),
                    filters: vec![],
                    offset: 0,
                    limit: 100,
                    scope: search::Scope::Practices,
                },
                Viewer::default(),
            )
            .await?;
        let mut ids: Vec<String> = public.hits.iter().map(|h| h.id.to_string()).collect();
        for word in ["classe", "lecture", "calcul", "oral", "jardin"] {
            let more = index
                .search(
                    &db,
                    SearchQuery {
                        text: word.into(),
                        filters: vec![],
                        offset: 0,
                        limit: 100,
                        scope: search::Scope::Practices,
                    },
                    Viewer::default(),
                )
                .await?;
            ids.extend(more.hits.iter().map(|h| h.id.to_string()));
        }
        std::fs::write(file, ids.join("\n") + "\n")?;
    }
    Ok(())
}
