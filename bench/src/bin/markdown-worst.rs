//! The worst Markdown a person can write, at the largest size a field takes
//! (`domain::practices::MAX_BODY` characters), rendered as every page renders it:
//! `markdown-worst [rounds]` prints, for each input, the median and the slowest rendering.

use std::time::{Duration, Instant};

use domain::markdown::{to_html, to_html_with_media};

/// Inputs built to hurt a Markdown parser or an HTML sanitiser, each `size` characters long.
fn inputs(size: usize) -> Vec<(&'static str, String)> {
    let fill = |unit: &str| unit.repeat(size / unit.len());
    let nested_list: String = {
        let mut text = String::new();
        let mut depth = 0;
        while text.len() + depth * 2 + 4 < size {
            text.push_str(&"  ".repeat(depth));
            text.push_str("- a\n");
            depth += 1;
        }
        text
    };
    let distinct_bold: String = {
        let mut text = String::new();
        let mut n = 0;
        while text.len() < size / 2 {
            text.push_str(&format!("<b title=\"{n}\">"));
            n += 1;
        }
        while text.len() + 3 < size {
            text.push_str("\n\nx");
        }
        text
    };
    vec![
        ("quotes >", fill(">")),
        ("quotes > a", fill("> a\n")),
        ("nested list", nested_list),
        ("emphasis *", fill("*a ")),
        (
            "nested emphasis",
            format!("{}{}", "*a ".repeat(size / 6), " a*".repeat(size / 6)),
        ),
        ("brackets [", fill("[")),
        ("links [a](", fill("[a](")),
        ("images ![", fill("![a](/b ")),
        ("backticks", fill("`a``")),
        ("raw divs", fill("<div>")),
        ("raw bold distinct", distinct_bold),
        ("raw table", fill("<table><tr><td>")),
        ("entities", fill("&amp;&#x1F600;")),
        (
            "table",
            format!(
                "{}\n{}\n{}",
                fill("|a").chars().take(size / 3).collect::<String>(),
                fill("|-").chars().take(size / 3).collect::<String>(),
                fill("|b").chars().take(size / 3).collect::<String>()
            ),
        ),
        ("footnotes", fill("[^a]: [^a]\n")),
        ("headings", fill("# a\n")),
        ("underscores", fill("_a")),
        ("plain text", fill("Une pratique d'écriture. ")),
    ]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let size = domain::practices::MAX_BODY;
    println!("input\tchars\tmedian_ms\tmax_ms\thtml_bytes");
    let mut worst = Duration::ZERO;
    for (name, text) in inputs(size) {
        let mut times = Vec::with_capacity(rounds);
        let mut html_len = 0;
        for round in 0..rounds {
            // A text of its own each round: the pages keep what they rendered, this measures
            // the rendering itself (the first view of a new text).
            let keep = text.chars().count() - round.to_string().len();
            let text = format!("{}{round}", text.chars().take(keep).collect::<String>());
            let start = Instant::now();
            let html = if round % 2 == 0 {
                to_html(&text)
            } else {
                to_html_with_media(&text)
            };
            times.push(start.elapsed());
            html_len = html.len();
        }
        times.sort();
        let max = times[times.len() - 1];
        worst = worst.max(max);
        println!(
            "{name}\t{}\t{:.1}\t{:.1}\t{html_len}",
            text.chars().count(),
            times[times.len() / 2].as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3
        );
    }
    println!("worst\t\t\t{:.1}", worst.as_secs_f64() * 1e3);
}
