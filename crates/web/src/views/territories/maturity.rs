use std::collections::BTreeMap;

use askama::Template;
use domain::policy::TerritoryRole;
use domain::territories::maturity::{
    GRID, LEVELS, Level, Levels, SPREAD_MIN_ANSWERS, level_name, radar,
};
use store::territories::TerritorySummary;
use store::territories::maturity::Assessment;

use crate::views::{Layout, date_fr};

/// Which two agreed assessments the radar compares (`?de=ID&a=ID`); by default the last two.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Compare {
    #[serde(default)]
    pub de: String,
    #[serde(default)]
    pub a: String,
}

/// One dimension of the grid, with what the forms hold for it.
pub struct DimensionView {
    pub key: &'static str,
    pub name: &'static str,
    pub short: &'static str,
    /// (level, its name, its descriptor for this dimension).
    pub levels: Vec<(Level, &'static str, &'static str)>,
    /// The level checked in the answer form (0: none).
    pub answer: Level,
    /// The level chosen in the agreement form: the median of the answers by default.
    pub agreed: Level,
    pub evidence: String,
}

pub struct SpreadRow {
    pub short: &'static str,
    pub counts: [u32; 5],
    pub median: String,
}

pub struct OpenView {
    pub id: i64,
    pub opened: String,
    pub answers: u32,
    /// None while too few have answered for the spread to keep answers anonymous.
    pub spread: Option<Vec<SpreadRow>>,
    pub answered: bool,
}

pub struct LatestRow {
    pub name: &'static str,
    pub level: Level,
    pub level_name: &'static str,
    pub evidence_html: String,
    /// The next level, its name and what it asks of this dimension.
    pub next: Option<(Level, &'static str, &'static str)>,
}

pub struct LatestView {
    pub date: String,
    pub rows: Vec<LatestRow>,
}

pub struct HistoryRow {
    pub date: String,
    pub answers: u32,
    pub levels: [Level; 5],
}

pub struct Series {
    pub label: String,
    pub points: String,
    /// Its CSS class (`tt-radar__before`, `tt-radar__after`).
    pub class: &'static str,
}

pub struct RadarView {
    pub rings: Vec<(Level, String)>,
    pub axes: Vec<radar::Axis>,
    pub series: Vec<Series>,
    /// The data table: per dimension, its level in each series.
    pub rows: Vec<(&'static str, Vec<Level>)>,
    pub width: f64,
    pub height: f64,
    pub centre: (f64, f64),
}

#[derive(Template)]
#[template(path = "territories/maturity.html")]
pub struct MaturityPage {
    pub layout: Layout,
    pub name: String,
    pub slug: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub coordinator: bool,
    pub dimensions: Vec<DimensionView>,
    pub open: Option<OpenView>,
    pub latest: Option<LatestView>,
    pub history: Vec<HistoryRow>,
    pub radar: Option<RadarView>,
    /// The agreed assessments (id, date), oldest first, and those compared.
    pub choices: Vec<(i64, String)>,
    pub before: i64,
    pub after: i64,
    pub spread_min: usize,
    pub level_names: [&'static str; 5],
}

impl MaturityPage {
    pub fn new(
        layout: Layout,
        territory: TerritorySummary,
        role: Option<TerritoryRole>,
        history: Vec<Assessment>,
        compare: Compare,
    ) -> Self {
        let open = history.iter().find(|a| a.agreed_at.is_none());
        let mine = open.and_then(|a| a.mine);
        let medians = open.map(|a| a.spread.map(|s| s.median().unwrap_or(0)));
        let dimensions = GRID
            .iter()
            .enumerate()
            .map(|(i, d)| DimensionView {
                key: d.key,
                name: d.name,
                short: d.short,
                levels: (1..=5u8)
                    .zip(LEVELS)
                    .zip(d.descriptors)
                    .map(|((l, n), desc)| (l, n, desc))
                    .collect(),
                answer: mine.map_or(0, |m| m.0[i]),
                agreed: medians.map_or(0, |m| m[i]),
                evidence: String::new(),
            })
            .collect();
        // The agreed assessments, oldest first.
        let mut agreed: Vec<(&Assessment, Levels, &[String; 5])> = history
            .iter()
            .filter_map(|a| a.agreed.as_ref().map(|(l, e)| (a, *l, e)))
            .collect();
        agreed.reverse();
        let latest = agreed.last().map(|(a, levels, evidence)| LatestView {
            date: date_fr(a.agreed_at.unwrap_or(a.opened_at)),
            rows: GRID
                .iter()
                .zip(levels.0)
                .zip(evidence.iter())
                .map(|((d, level), evidence)| LatestRow {
                    name: d.name,
                    level,
                    level_name: level_name(level),
                    evidence_html: domain::markdown::to_html(evidence),
                    next: (level < 5).then(|| {
                        let next = level + 1;
                        (next, level_name(next), d.descriptors[usize::from(level)])
                    }),
                })
                .collect(),
        });
        let choices: Vec<(i64, String)> = agreed
            .iter()
            .map(|(a, _, _)| (a.id.0, date_fr(a.agreed_at.unwrap_or(a.opened_at))))
            .collect();
        let chosen = |text: &str| {
            text.trim()
                .parse::<i64>()
                .ok()
                .and_then(|id| agreed.iter().position(|(a, _, _)| a.id.0 == id))
        };
        let last = agreed.len().checked_sub(1);
        let after = chosen(&compare.a).or(last);
        let before = chosen(&compare.de)
            .or_else(|| after.and_then(|a| a.checked_sub(1)))
            .filter(|b| Some(*b) != after);
        let radar = after.map(|after| {
            let compared: Vec<usize> = before.into_iter().chain([after]).collect();
            let series = compared
                .iter()
                .enumerate()
                .map(|(n, i)| Series {
                    label: choices[*i].1.clone(),
                    points: radar::polygon(agreed[*i].1),
                    class: if n + 1 == compared.len() {
                        "tt-radar__after"
                    } else {
                        "tt-radar__before"
                    },
                })
                .collect();
            RadarView {
                rings: (1..=5).map(|l| (l, radar::ring(l))).collect(),
                axes: radar::axes(),
                series,
                rows: GRID
                    .iter()
                    .enumerate()
                    .map(|(d, dim)| {
                        (
                            dim.short,
                            compared.iter().map(|i| agreed[*i].1.0[d]).collect(),
                        )
                    })
                    .collect(),
                width: radar::WIDTH,
                height: radar::HEIGHT,
                centre: radar::CENTRE,
            }
        });
        let pick = |i: Option<usize>| i.map_or(0, |i| agreed[i].0.id.0);
        let (before, after) = (pick(before), pick(after));
        Self {
            layout,
            name: territory.name,
            slug: territory.slug,
            notice: None,
            error: None,
            coordinator: role == Some(TerritoryRole::Coordinator),
            dimensions,
            open: open.map(|a| OpenView {
                id: a.id.0,
                opened: date_fr(a.opened_at),
                answers: a.answers,
                spread: (a.answers as usize >= SPREAD_MIN_ANSWERS).then(|| {
                    GRID.iter()
                        .zip(a.spread)
                        .map(|(d, s)| SpreadRow {
                            short: d.short,
                            counts: s.counts,
                            median: s.median().map_or(String::new(), |m| m.to_string()),
                        })
                        .collect()
                }),
                answered: a.mine.is_some(),
            }),
            latest,
            history: agreed
                .iter()
                .rev()
                .map(|(a, levels, _)| HistoryRow {
                    date: date_fr(a.agreed_at.unwrap_or(a.opened_at)),
                    answers: a.answers,
                    levels: levels.0,
                })
                .collect(),
            radar,
            choices,
            before,
            after,
            spread_min: SPREAD_MIN_ANSWERS,
            level_names: LEVELS,
        }
    }

    /// Shows a refused form again as it was sent.
    pub fn refill(&mut self, form: &BTreeMap<String, String>, agreement: bool) {
        for d in &mut self.dimensions {
            let level = form
                .get(d.key)
                .and_then(|v| v.trim().parse::<Level>().ok())
                .filter(|l| (1..=5).contains(l))
                .unwrap_or(0);
            if agreement {
                d.agreed = level;
                d.evidence = form
                    .get(&format!("preuves-{}", d.key))
                    .cloned()
                    .unwrap_or_default();
            } else {
                d.answer = level;
            }
        }
    }
}
