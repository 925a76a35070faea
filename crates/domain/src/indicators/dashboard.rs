//! An indicator's line on a dashboard: a value a month (computed, or entered by hand), the
//! targets, the latest value and its trend; confidential figures below the small-group
//! threshold hidden.

use std::collections::BTreeMap;

use super::Month;
use super::metrics::{Metric, Trend};

#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub month: Month,
    /// None: nothing entered that month, or hidden.
    pub value: Option<f64>,
    /// Fewer than five visits: not shown.
    pub hidden: bool,
    pub target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub points: Vec<Point>,
    pub latest: Option<(Month, f64)>,
    /// The target the latest value heads for: the first at or after it, or else the last.
    pub target: Option<(Month, f64)>,
    pub trend: Option<Trend>,
}

fn line(points: Vec<Point>, targets: &BTreeMap<Month, f64>) -> Line {
    let shown: Vec<(Month, f64)> = points
        .iter()
        .filter_map(|p| p.value.map(|v| (p.month, v)))
        .collect();
    let latest = shown.last().copied();
    let target = latest
        .and_then(|(m, _)| targets.range(m..).next())
        .or_else(|| targets.iter().next_back())
        .map(|(m, v)| (*m, *v));
    Line {
        trend: Trend::of(&shown),
        latest,
        target,
        points,
    }
}

/// The line of a computed metric over `months`: a month with no fact is zero.
pub fn computed(
    metric: Metric,
    values: &BTreeMap<Month, i64>,
    targets: &BTreeMap<Month, f64>,
    first: Month,
    last: Month,
) -> Line {
    let points = first
        .through(last)
        .map(|month| {
            let raw = values.get(&month).copied().unwrap_or(0);
            let shown = metric.shown(raw);
            Point {
                month,
                value: shown.map(|v| v as f64),
                hidden: shown.is_none(),
                target: targets.get(&month).copied(),
            }
        })
        .collect();
    line(points, targets)
}

/// The line of an indicator entered by hand: the months with a value entered.
pub fn manual(
    values: &BTreeMap<Month, f64>,
    targets: &BTreeMap<Month, f64>,
    first: Month,
    last: Month,
) -> Line {
    let points = first
        .through(last)
        .map(|month| Point {
            month,
            value: values.get(&month).copied(),
            hidden: false,
            target: targets.get(&month).copied(),
        })
        .collect();
    line(points, targets)
}

/// A number the French way: `1 234`, `12,5`.
pub fn number_fr(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        let n = value.round() as i64;
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('\u{202f}');
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    } else {
        format!("{value:.1}").replace('.', ",")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // DESIGN.md habit 9: denied outside tests.
mod tests {
    use super::*;

    fn month(code: &str) -> Month {
        Month::parse(code).unwrap()
    }

    #[test]
    fn a_computed_line_has_every_month_and_hides_small_visit_counts() {
        let values = BTreeMap::from([(month("2026-01"), 7), (month("2026-03"), 3)]);
        let targets = BTreeMap::from([(month("2026-06"), 10.0)]);
        let line = computed(
            Metric::VisitsDone,
            &values,
            &targets,
            month("2025-12"),
            month("2026-03"),
        );
        let shown: Vec<(Option<f64>, bool)> =
            line.points.iter().map(|p| (p.value, p.hidden)).collect();
        assert_eq!(
            shown,
            [
                (Some(0.0), false),
                (Some(7.0), false),
                (Some(0.0), false),
                (None, true)
            ]
        );
        assert_eq!(
            line.latest,
            Some((month("2026-02"), 0.0)),
            "the hidden month is not the latest"
        );
        assert_eq!(line.target, Some((month("2026-06"), 10.0)));
    }

    #[test]
    fn a_manual_line_keeps_the_months_entered() {
        let values = BTreeMap::from([(month("2025-06"), 40.0), (month("2026-06"), 55.5)]);
        let line = manual(
            &values,
            &BTreeMap::new(),
            month("2025-01"),
            month("2026-12"),
        );
        assert_eq!(line.points.len(), 24);
        assert_eq!(line.points.iter().filter(|p| p.value.is_some()).count(), 2);
        assert_eq!(line.latest, Some((month("2026-06"), 55.5)));
        assert_eq!(line.trend, Some(Trend::Up));
        assert_eq!(line.target, None);
        assert_eq!(number_fr(55.5), "55,5");
        assert_eq!(number_fr(12345.0), "12\u{202f}345");
    }
}
