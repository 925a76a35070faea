//! A line chart of an indicator, as SVG drawn on the server (no script): its values month by
//! month, its targets as diamonds, a label every six months. The page gives the same data in
//! a table right after it.

use domain::indicators::dashboard::Point;

/// Months as the axis writes them.
const SHORT_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// A round upper bound for the axis: 1, 2, 2.5 or 5 times a power of ten, 4 at least (so
/// that small counts have whole steps).
fn ceiling(max: f64) -> f64 {
    if max <= 4.0 {
        return 4.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|f| f * power)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * power)
}

fn short(n: f64) -> String {
    domain::indicators::dashboard::number_fr(n)
}

/// The chart's SVG; `labelled_by` names the element that titles it.
pub fn line(points: &[Point], labelled_by: &str) -> String {
    let max = points
        .iter()
        .flat_map(|p| [p.value, p.target])
        .flatten()
        .fold(0.0, f64::max);
    let top = ceiling(max);
    let n = points.len().max(2) as f64;
    let x = |i: usize| LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / (n - 1.0);
    let y = |v: f64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v / top);
    let mut svg = format!(
        r#"<svg class="tt-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{labelled_by}" xmlns="http://www.w3.org/2000/svg">"#
    );
    for step in 0..=4 {
        let v = top * f64::from(step) / 4.0;
        svg.push_str(&format!(
            r#"<line class="tt-chart__grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text class="tt-chart__label" x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(v) + 4.0,
            short(v),
            y = y(v),
        ));
    }
    for (i, p) in points.iter().enumerate() {
        if p.month.number() % 6 == 1 {
            svg.push_str(&format!(
                r#"<text class="tt-chart__label" x="{:.1}" y="{}" text-anchor="middle">{} {}</text>"#,
                x(i),
                HEIGHT - 12.0,
                SHORT_MONTHS[usize::from(p.month.number()) - 1],
                p.month.year()
            ));
        }
    }
    // The values, a segment between two months that both have one.
    let mut path = String::new();
    let mut pen_down = false;
    for (i, p) in points.iter().enumerate() {
        match p.value {
            Some(v) => {
                path.push_str(&format!(
                    "{}{:.1},{:.1} ",
                    if pen_down { "L" } else { "M" },
                    x(i),
                    y(v)
                ));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        svg.push_str(&format!(
            r#"<path class="tt-chart__line" d="{}"/>"#,
            path.trim_end()
        ));
    }
    for (i, p) in points.iter().enumerate() {
        if let Some(v) = p.value {
            svg.push_str(&format!(
                r#"<circle class="tt-chart__dot" cx="{:.1}" cy="{:.1}" r="2.5"/>"#,
                x(i),
                y(v)
            ));
        }
        if let Some(t) = p.target {
            let (cx, cy) = (x(i), y(t));
            svg.push_str(&format!(
                r#"<path class="tt-chart__target" d="M{cx:.1},{:.1} L{:.1},{cy:.1} L{cx:.1},{:.1} L{:.1},{cy:.1} Z"/>"#,
                cy - 6.0,
                cx + 6.0,
                cy + 6.0,
                cx - 6.0
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // DESIGN.md habit 9: denied outside tests.
mod tests {
    use domain::indicators::Month;

    use super::*;

    #[test]
    fn the_chart_draws_values_gaps_and_targets() {
        let month = |m| Month::parse(m).unwrap();
        let point = |m, value, target| Point {
            month: month(m),
            value,
            hidden: false,
            target,
        };
        let svg = line(
            &[
                point("2026-01", Some(3.0), None),
                point("2026-02", None, None),
                point("2026-03", Some(7.0), Some(10.0)),
            ],
            "titre-1",
        );
        assert!(
            svg.starts_with(r#"<svg class="tt-chart""#)
                && svg.contains(r#"aria-labelledby="titre-1""#)
        );
        // Two separate segments around the month with no value, one target.
        assert_eq!(svg.matches(r#"class="tt-chart__line""#).count(), 1);
        assert_eq!(
            svg.matches('M').count() - svg.matches("tt-chart__target").count(),
            2
        );
        assert_eq!(svg.matches("tt-chart__target").count(), 1);
        assert!(svg.contains(">janv. 2026<"), "{svg}");
        assert_eq!(ceiling(7.0), 10.0);
        assert_eq!(ceiling(230.0), 250.0);
        assert_eq!(ceiling(0.0), 4.0);
    }
}
