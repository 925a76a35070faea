//! The map of initiatives and its tables.

use askama::Template;
use domain::directory::EstablishmentKind;
use domain::indicators::Month;
use domain::indicators::map::{
    self as map, Cluster, Counts, Filters, LAYERS, Level, PlaceLine, Rate,
};
use domain::practices::vocab::Vocabulary;

use crate::app::indicators::MapQuery;
use crate::state::MapTiles;
use crate::views::directory::Choice;
use crate::views::{Layout, thousands};

fn choices(items: Vec<(String, String)>, current: Option<&str>) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: current == Some(value.as_str()),
            value,
            label,
        })
        .collect()
}

fn count(n: u64) -> String {
    thousands(i64::try_from(n).unwrap_or(i64::MAX))
}

/// One column of the tables: a layer shown.
pub struct Column {
    pub label: &'static str,
}

fn columns(filters: &Filters) -> Vec<Column> {
    filters
        .layers
        .iter()
        .map(|l| Column { label: l.label() })
        .collect()
}

fn cells(filters: &Filters, counts: &Counts) -> Vec<String> {
    filters
        .layers
        .iter()
        .map(|l| count(u64::from(counts[l.index()])))
        .collect()
}

pub struct ClusterRow {
    pub label: String,
    pub others: u32,
    pub cells: Vec<String>,
    pub total: String,
    pub list: String,
}

pub struct RateRow {
    pub code: String,
    pub name: String,
    pub initiatives: String,
    pub staff: String,
    pub per_hundred: Option<String>,
}

/// A rate the French way: `3,7`.
fn decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

/// The table of what the map shows: the same clusters, and the choropleth's areas.
#[derive(Template)]
#[template(path = "indicators/map_table.html")]
pub struct MapTable {
    pub columns: Vec<Column>,
    pub rows: Vec<ClusterRow>,
    pub total: String,
    pub period: String,
    pub level: Option<&'static str>,
    pub rates: Vec<RateRow>,
    /// Areas with no initiative, not listed one by one.
    pub quiet_areas: usize,
}

impl MapTable {
    pub fn new(
        query: &MapQuery,
        filters: &Filters,
        clusters: Vec<Cluster>,
        level: Option<Level>,
        rates: Option<Vec<Rate>>,
    ) -> Self {
        let total: u64 = clusters.iter().map(|c| c.count).sum();
        let rows = clusters
            .iter()
            .map(|c| ClusterRow {
                label: c.label.clone(),
                others: c.places.saturating_sub(1),
                cells: cells(filters, &c.counts),
                total: count(c.count),
                list: format!("/carte/lieux?{}", query.with_bbox(&c.cell)),
            })
            .collect();
        let rates = rates.unwrap_or_default();
        let quiet_areas = rates.iter().filter(|r| r.initiatives == 0).count();
        Self {
            columns: columns(filters),
            rows,
            total: count(total),
            period: period(filters),
            level: level.map(Level::label),
            rates: rates
                .into_iter()
                .filter(|r| r.initiatives > 0)
                .map(|r| RateRow {
                    code: r.code,
                    name: r.name,
                    initiatives: count(r.initiatives),
                    staff: count(r.staff),
                    per_hundred: r.per_hundred.map(decimal),
                })
                .collect(),
            quiet_areas,
        }
    }
}

/// `de septembre 2025 à mars 2026`, `jusqu'à mars 2026`, `depuis le début`.
fn period(filters: &Filters) -> String {
    match (filters.from, filters.to) {
        (Some(from), Some(to)) => format!("de {} à {}", from.label(), to.label()),
        (Some(from), None) => format!("depuis {}", from.label()),
        (None, Some(to)) => format!("jusqu'à {}", to.label()),
        (None, None) => "depuis le début".to_owned(),
    }
}

pub struct LayerChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "indicators/map.html")]
pub struct MapPage {
    pub layout: Layout,
    pub error: Option<String>,
    pub layers: Vec<LayerChoice>,
    pub kinds: Vec<Choice>,
    pub themes: Vec<Choice>,
    pub skills: Vec<Choice>,
    pub observatories: Vec<Choice>,
    pub territories: Vec<Choice>,
    pub levels: Vec<Choice>,
    pub from: String,
    pub to: String,
    /// The time slider's first and last months, `AAAA-MM`.
    pub first_month: String,
    pub last_month: String,
    pub tile_url: String,
    pub tile_attribution: String,
    pub table: MapTable,
}

impl MapPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        query: &MapQuery,
        error: Option<String>,
        table: MapTable,
        months: Option<(Month, Month)>,
        territories: Vec<(i64, String)>,
        observatories: Vec<(i64, String)>,
        tiles: Option<&MapTiles>,
    ) -> Self {
        let filters = query.filters().unwrap_or_default();
        let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or_default().to_owned();
        let ids = |items: Vec<(i64, String)>| {
            items
                .into_iter()
                .map(|(id, name)| (id.to_string(), name))
                .collect::<Vec<_>>()
        };
        let (first, last) = months.map_or((String::new(), String::new()), |(f, l)| {
            (f.code(), l.code())
        });
        Self {
            layout,
            error,
            layers: LAYERS
                .iter()
                .map(|l| LayerChoice {
                    code: l.code(),
                    label: l.label(),
                    checked: filters.layers.contains(*l),
                })
                .collect(),
            kinds: choices(
                EstablishmentKind::ALL
                    .iter()
                    .map(|k| (k.code().to_owned(), k.label().to_owned()))
                    .collect(),
                query.kind.as_deref(),
            ),
            themes: choices(map::themes(), query.theme.as_deref()),
            skills: choices(
                Vocabulary::Skill
                    .terms()
                    .iter()
                    .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
                    .collect(),
                query.skill.as_deref(),
            ),
            observatories: choices(ids(observatories), query.observatory.as_deref()),
            territories: choices(ids(territories), query.territory.as_deref()),
            levels: choices(
                Level::ALL
                    .iter()
                    .map(|l| (l.code().to_owned(), l.label().to_owned()))
                    .collect(),
                query.level.as_deref(),
            ),
            from: text(&query.from),
            to: text(&query.to),
            first_month: first,
            last_month: last,
            tile_url: tiles.map(|t| t.url.clone()).unwrap_or_default(),
            tile_attribution: tiles.map(|t| t.attribution.clone()).unwrap_or_default(),
            table,
        }
    }
}

pub struct PlaceRow {
    pub uai: Option<String>,
    pub name: String,
    pub commune: String,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "indicators/places.html")]
pub struct PlacesPage {
    pub layout: Layout,
    pub columns: Vec<Column>,
    pub rows: Vec<PlaceRow>,
    pub all: usize,
    pub period: String,
    pub back: String,
}

impl PlacesPage {
    pub fn new(
        layout: Layout,
        query: &MapQuery,
        filters: &Filters,
        lines: Vec<PlaceLine>,
        all: usize,
    ) -> Self {
        let back = MapQuery {
            bbox: None,
            ..query.clone()
        };
        Self {
            layout,
            columns: columns(filters),
            rows: lines
                .into_iter()
                .map(|l| PlaceRow {
                    cells: cells(filters, &l.counts),
                    uai: l.uai,
                    name: l.name,
                    commune: l.commune,
                })
                .collect(),
            all,
            period: period(filters),
            back: format!(
                "/carte?{}",
                serde_html_form::to_string(&back).unwrap_or_default()
            ),
        }
    }
}
