//! An indicator's line on a dashboard: a value a month (computed, or entered by hand), the
//! targets, the latest value and its trend; confidential figures below the small-group
//! threshold hidden. And what the dashboard's summary says of it: whether the latest value
//! meets its target, and which way it went over a year, honest when a value or a target is
//! missing.

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
    pub attainment: Attainment,
    pub evolution: Evolution,
}

/// Whether an indicator's latest value meets its target. Targets are levels to reach: met
/// when the value is at or above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Attainment {
    /// No target set for this scope.
    NoTarget,
    /// A target, but no value yet (none entered, or every one hidden).
    NoValue,
    /// The latest value is at or above the target.
    Met,
    /// Below the target, whose month is still to come after the latest value's.
    NotYet,
    /// Below the target, whose month has come (at or before the latest value's).
    Missed,
}

impl Attainment {
    pub fn of(latest: Option<(Month, f64)>, target: Option<(Month, f64)>) -> Self {
        match (latest, target) {
            (_, None) => Self::NoTarget,
            (None, Some(_)) => Self::NoValue,
            (Some((_, value)), Some((_, goal))) if value >= goal - 1e-9 => Self::Met,
            (Some((month, _)), Some((due, _))) if due > month => Self::NotYet,
            (Some(_), Some(_)) => Self::Missed,
        }
    }

    /// What the summary's badge says.
    pub fn label(self) -> &'static str {
        match self {
            Self::NoTarget => "pas de cible",
            Self::NoValue => "pas encore de valeur",
            Self::Met => "atteinte",
            Self::NotYet => "pas encore atteinte",
            Self::Missed => "non atteinte",
        }
    }

    /// `met`, `not-yet`, `missed`, `no-target`, `no-value` (for the badge's look and the
    /// tests).
    pub fn code(self) -> &'static str {
        match self {
            Self::NoTarget => "no-target",
            Self::NoValue => "no-value",
            Self::Met => "met",
            Self::NotYet => "not-yet",
            Self::Missed => "missed",
        }
    }
}

/// Which way an indicator went over a year: its latest value against the value of the same
/// month a year before (or the earliest of the twelve months before it, when younger), as
/// [`Trend::against`] measures it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Evolution {
    /// No value at all.
    NoValue,
    /// A latest value, but none in the twelve months before it to compare with.
    NoEarlier,
    /// The trend, and the value it was measured against.
    Moved { trend: Trend, since: (Month, f64) },
}

impl Evolution {
    pub fn of(shown: &[(Month, f64)]) -> Self {
        match Trend::against(shown) {
            Some((trend, since)) => Self::Moved { trend, since },
            None if shown.is_empty() => Self::NoValue,
            None => Self::NoEarlier,
        }
    }

    pub fn trend(self) -> Option<Trend> {
        match self {
            Self::Moved { trend, .. } => Some(trend),
            _ => None,
        }
    }

    /// What the summary's badge says.
    pub fn label(self) -> &'static str {
        match self {
            Self::NoValue => "pas encore de valeur",
            Self::NoEarlier => "pas de valeur un an avant",
            Self::Moved { trend, .. } => trend.label(),
        }
    }

    /// `up`, `down`, `steady`, `no-earlier`, `no-value`.
    pub fn code(self) -> &'static str {
        match self {
            Self::NoValue => "no-value",
            Self::NoEarlier => "no-earlier",
            Self::Moved {
                trend: Trend::Up, ..
            } => "up",
            Self::Moved {
                trend: Trend::Down, ..
            } => "down",
            Self::Moved {
                trend: Trend::Steady,
                ..
            } => "steady",
        }
    }
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
    let evolution = Evolution::of(&shown);
    Line {
        trend: evolution.trend(),
        attainment: Attainment::of(latest, target),
        evolution,
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

    #[test]
    fn a_target_is_met_at_or_above_it_and_missed_once_its_month_has_come() {
        let at = |m: &str, v: f64| Some((month(m), v));
        let cases = [
            (at("2026-12", 70.0), at("2027-06", 60.0), Attainment::Met),
            (at("2026-12", 60.0), at("2027-06", 60.0), Attainment::Met),
            (at("2026-12", 70.0), at("2027-06", 80.0), Attainment::NotYet),
            (at("2026-12", 70.0), at("2026-12", 80.0), Attainment::Missed),
            (at("2026-12", 70.0), at("2026-06", 80.0), Attainment::Missed),
            (at("2026-12", 70.0), None, Attainment::NoTarget),
            (None, at("2027-06", 80.0), Attainment::NoValue),
            (None, None, Attainment::NoTarget),
        ];
        for (latest, target, expected) in cases {
            assert_eq!(
                Attainment::of(latest, target),
                expected,
                "{latest:?} {target:?}"
            );
        }
        assert_eq!(Attainment::NoTarget.label(), "pas de cible");
        assert_eq!(Attainment::NoValue.label(), "pas encore de valeur");
    }

    #[test]
    fn the_evolution_compares_with_a_year_before_and_says_when_it_cannot() {
        let v = |items: &[(&str, f64)]| -> Vec<(Month, f64)> {
            items.iter().map(|(m, x)| (month(m), *x)).collect()
        };
        assert_eq!(
            Evolution::of(&v(&[
                ("2025-12", 50.0),
                ("2026-06", 90.0),
                ("2026-12", 70.0)
            ])),
            Evolution::Moved {
                trend: Trend::Up,
                since: (month("2025-12"), 50.0)
            },
            "against the same month a year before, not the previous value"
        );
        assert_eq!(
            Evolution::of(&v(&[("2025-12", 80.0), ("2026-12", 70.0)])).code(),
            "down"
        );
        assert_eq!(
            Evolution::of(&v(&[("2026-03", 40.0), ("2026-12", 40.0)])),
            Evolution::Moved {
                trend: Trend::Steady,
                since: (month("2026-03"), 40.0)
            },
            "a younger series: against its first value"
        );
        assert_eq!(
            Evolution::of(&v(&[("2024-06", 10.0), ("2026-12", 40.0)])),
            Evolution::NoEarlier,
            "nothing in the twelve months before"
        );
        assert_eq!(
            Evolution::of(&v(&[("2026-12", 40.0)])),
            Evolution::NoEarlier
        );
        assert_eq!(Evolution::of(&[]), Evolution::NoValue);
        assert_eq!(Evolution::NoValue.label(), "pas encore de valeur");
        assert_eq!(Evolution::NoEarlier.trend(), None);
    }

    #[test]
    fn a_line_carries_its_summary() {
        let values = BTreeMap::from([(month("2025-12"), 50.0), (month("2026-12"), 70.0)]);
        let targets = BTreeMap::from([(month("2027-06"), 60.0)]);
        let l = manual(&values, &targets, month("2025-01"), month("2026-12"));
        assert_eq!(l.attainment, Attainment::Met);
        assert_eq!(l.evolution.code(), "up");
        assert_eq!(l.trend, Some(Trend::Up));
        let empty = manual(
            &BTreeMap::new(),
            &targets,
            month("2025-01"),
            month("2026-12"),
        );
        assert_eq!(empty.attainment, Attainment::NoValue);
        assert_eq!(empty.evolution, Evolution::NoValue);
        // Visits hidden below five are no value to judge by.
        let hidden = computed(
            Metric::VisitsDone,
            &BTreeMap::from([(month("2026-12"), 3)]),
            &BTreeMap::from([(month("2026-12"), 10.0)]),
            month("2026-12"),
            month("2026-12"),
        );
        assert_eq!(hidden.attainment, Attainment::NoValue);
    }
}
