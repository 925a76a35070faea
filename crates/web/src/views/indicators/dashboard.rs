//! The dashboards: the page (charts and their tables), the list of scopes, the exports.

use askama::Template;
use domain::indicators::Month;
use domain::indicators::dashboard::{Attainment, Evolution, number_fr};
use domain::indicators::metrics::Scope;
use domain::indicators::metrics::Trend;
use store::territories::TerritorySummary;

use super::chart;
use super::ods::{self, Cell, Sheet};
use crate::app::indicators::{Dashboard, IndicatorLine, path_of};
use crate::error::AppError;
use crate::views::Layout;
use crate::views::pdf::{Document, render};

pub struct Link {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "indicators/scopes.html")]
pub struct ScopesPage {
    pub layout: Layout,
    pub academies: Vec<Link>,
    pub departements: Vec<Link>,
    pub territories: Vec<Link>,
}

impl ScopesPage {
    pub fn new(
        layout: Layout,
        projects: Vec<(String, String, String)>,
        departements: Vec<(String, String)>,
        territories: Vec<TerritorySummary>,
    ) -> Self {
        Self {
            layout,
            academies: projects
                .into_iter()
                .map(|(code, name, title)| Link {
                    href: path_of(&Scope::Academie(code)),
                    label: format!("Académie de {name} — {title}"),
                })
                .collect(),
            departements: departements
                .into_iter()
                .map(|(code, name)| Link {
                    href: path_of(&Scope::Departement(code.clone())),
                    label: format!("{name} ({code})"),
                })
                .collect(),
            territories: territories
                .into_iter()
                .map(|t| Link {
                    href: path_of(&Scope::Territory(t.id)),
                    label: t.name,
                })
                .collect(),
        }
    }
}

pub struct Row {
    pub month: String,
    pub value: String,
    pub target: String,
}

pub struct Card {
    pub id: Option<i64>,
    pub anchor: String,
    pub name: String,
    pub unit: String,
    pub path: Vec<String>,
    pub source: String,
    pub computed: bool,
    pub latest: String,
    pub target: String,
    pub trend: String,
    pub chart: String,
    pub rows: Vec<Row>,
}

/// A value with its unit, the French way: `62,5 %`, `3` when there is no unit.
fn amount(value: f64, unit: &str) -> String {
    if unit.is_empty() {
        number_fr(value)
    } else {
        format!("{} {unit}", number_fr(value))
    }
}

fn anchor(i: usize, line: &IndicatorLine) -> String {
    match &line.indicator {
        Some(indicator) => format!("indicateur-{}", indicator.id),
        None => format!("mesure-{i}"),
    }
}

/// One line of the summary at the top of a dashboard: an indicator's latest value, its
/// target, whether it meets it and which way it went over a year, each said in words.
pub struct SummaryRow {
    pub anchor: String,
    pub name: String,
    /// `70 %` or `pas encore de valeur`.
    pub latest: String,
    /// The month of the latest value, `novembre 2026`, `décembre 2026 (mois en cours)`
    /// (empty when none).
    pub latest_month: String,
    /// `80 % en juin 2027` or `pas de cible`.
    pub target: String,
    pub attainment: &'static str,
    /// `met`, `not-yet`, `missed`, `no-target`, `no-value`.
    pub attainment_code: &'static str,
    /// The DSFR badge's modifier: success, info, error, or none (grey).
    pub attainment_class: &'static str,
    pub evolution: &'static str,
    /// `up`, `down`, `steady`, `no-earlier`, `no-value`.
    pub evolution_code: &'static str,
    /// An arrow beside the words (hidden from screen readers: the words say it).
    pub arrow: &'static str,
    /// `par rapport à 62,5 % en décembre 2025` (empty when there is nothing to compare).
    pub since: String,
}

fn summary_row(i: usize, line: &IndicatorLine, current: Month) -> SummaryRow {
    let l = &line.line;
    let unit = line.unit.as_str();
    SummaryRow {
        anchor: anchor(i, line),
        name: line.name.clone(),
        latest: l
            .latest
            .map_or("pas encore de valeur".to_owned(), |(_, v)| amount(v, unit)),
        latest_month: l
            .latest
            .map(|(m, _)| match m == current {
                true => format!("{} (mois en cours)", m.label()),
                false => m.label(),
            })
            .unwrap_or_default(),
        target: l.target.map_or("pas de cible".to_owned(), |(m, v)| {
            format!("{} en {}", amount(v, unit), m.label())
        }),
        attainment: l.attainment.label(),
        attainment_code: l.attainment.code(),
        attainment_class: match l.attainment {
            Attainment::Met => " fr-badge--success",
            Attainment::NotYet => " fr-badge--info",
            Attainment::Missed => " fr-badge--error",
            Attainment::NoTarget | Attainment::NoValue => "",
        },
        evolution: l.evolution.label(),
        evolution_code: l.evolution.code(),
        arrow: match l.evolution.trend() {
            Some(Trend::Up) => "↗",
            Some(Trend::Down) => "↘",
            Some(Trend::Steady) => "→",
            None => "",
        },
        since: match l.evolution {
            Evolution::Moved {
                since: (month, value),
                ..
            } => format!("par rapport à {} en {}", amount(value, unit), month.label()),
            Evolution::NoValue | Evolution::NoEarlier => String::new(),
        },
    }
}

fn card(i: usize, line: &IndicatorLine) -> Card {
    let anchor = anchor(i, line);
    let l = &line.line;
    Card {
        id: line.indicator.as_ref().map(|i| i.id),
        chart: chart::line(&l.points, &format!("{anchor}-titre")),
        name: line.name.clone(),
        unit: line.unit.clone(),
        path: line.path.clone(),
        source: line.source.clone(),
        computed: line.computed,
        latest: l
            .latest
            .map_or("pas encore de valeur".to_owned(), |(m, v)| {
                format!("{} ({})", amount(v, &line.unit), m.label())
            }),
        target: l.target.map_or(String::new(), |(m, v)| {
            format!("{} en {}", amount(v, &line.unit), m.label())
        }),
        trend: l.trend.map_or(String::new(), |t| t.label().to_owned()),
        rows: l
            .points
            .iter()
            .rev()
            .map(|p| Row {
                month: p.month.label(),
                value: match (p.value, p.hidden) {
                    (_, true) => "moins de 5".to_owned(),
                    (Some(v), false) => number_fr(v),
                    (None, false) => "—".to_owned(),
                },
                target: p.target.map(number_fr).unwrap_or_default(),
            })
            .collect(),
        anchor,
    }
}

#[derive(Template)]
#[template(path = "indicators/dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub label: String,
    pub path: String,
    pub period: String,
    pub month: String,
    /// `décembre 2026`: the last month shown.
    pub month_label: String,
    /// The current month, `AAAA-MM`: the month selector's upper bound.
    pub current: String,
    /// The month asked for when it was past the current one (`mai 2027`).
    pub beyond: Option<String>,
    pub summary: Vec<SummaryRow>,
    pub has_project: bool,
    pub academie: Option<String>,
    pub cards: Vec<Card>,
    pub contribute: bool,
    pub edit: bool,
    pub network: String,
}

impl DashboardPage {
    pub fn new(
        layout: Layout,
        board: &Dashboard,
        beyond: Option<Month>,
        contribute: bool,
        edit: bool,
    ) -> Self {
        let path = path_of(&board.scope);
        Self {
            layout,
            label: board.label.clone(),
            period: format!("de {} à {}", board.first.label(), board.last.label()),
            month: board.last.code(),
            month_label: board.last.label(),
            current: board.current.code(),
            beyond: beyond.map(Month::label),
            summary: board
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| summary_row(i, l, board.current))
                .collect(),
            has_project: board.has_project,
            academie: board.academie.clone(),
            cards: board
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| card(i, l))
                .collect(),
            contribute,
            edit,
            network: format!("{path}/reseau"),
            path,
        }
    }
}

fn months(board: &Dashboard) -> Vec<Month> {
    board.first.through(board.last).collect()
}

/// One value as the exports write it: empty when none or hidden.
fn exported(line: &IndicatorLine, month: Month) -> Option<f64> {
    line.line
        .points
        .iter()
        .find(|p| p.month == month)
        .and_then(|p| p.value)
}

/// CSV for spreadsheets set up in French: `;` between fields, a decimal comma, UTF-8 with
/// its byte-order mark; one line per indicator and month.
pub fn export_csv(board: &Dashboard) -> Vec<u8> {
    let mut out = b"\xef\xbb\xbf".to_vec();
    {
        let mut csv = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(&mut out);
        let _ = csv.write_record([
            "Périmètre",
            "Indicateur",
            "Unité",
            "Mois",
            "Valeur",
            "Cible",
            "Source",
        ]);
        for line in &board.lines {
            for p in &line.line.points {
                let value = if p.hidden {
                    "moins de 5".to_owned()
                } else {
                    p.value
                        .map(|v| v.to_string().replace('.', ","))
                        .unwrap_or_default()
                };
                let target = p
                    .target
                    .map(|v| v.to_string().replace('.', ","))
                    .unwrap_or_default();
                let _ = csv.write_record([
                    board.label.as_str(),
                    &line.name,
                    &line.unit,
                    &p.month.code(),
                    &value,
                    &target,
                    &line.source,
                ]);
            }
        }
        let _ = csv.flush();
    }
    out
}

fn sheet_rows(board: &Dashboard, label_column: bool) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for line in &board.lines {
        let mut row = Vec::new();
        if label_column {
            row.push(Cell::Text(board.label.clone()));
        }
        row.push(Cell::Text(line.name.clone()));
        row.push(Cell::Text(line.unit.clone()));
        for month in months(board) {
            row.push(exported(line, month).map_or(Cell::Empty, Cell::Number));
        }
        rows.push(row);
    }
    rows
}

fn header(board: &Dashboard, label_column: bool) -> Vec<Cell> {
    let mut row = Vec::new();
    if label_column {
        row.push(Cell::Text("Territoire".to_owned()));
    }
    row.push(Cell::Text("Indicateur".to_owned()));
    row.push(Cell::Text("Unité".to_owned()));
    row.extend(months(board).into_iter().map(|m| Cell::Text(m.code())));
    row
}

/// ODS: the scope's indicators month by month on a first sheet, those of each of its
/// territories on a second, the sources on a third.
pub fn export_ods(board: &Dashboard, territories: &[Dashboard]) -> Result<Vec<u8>, AppError> {
    let mut first = vec![header(board, false)];
    first.extend(sheet_rows(board, false));
    let mut sheets = vec![Sheet {
        name: "Indicateurs".to_owned(),
        rows: first,
    }];
    if !territories.is_empty() {
        let mut rows = vec![header(board, true)];
        for t in territories {
            rows.extend(sheet_rows(t, true));
        }
        sheets.push(Sheet {
            name: "Territoires".to_owned(),
            rows,
        });
    }
    let mut sources = vec![vec![
        Cell::Text("Indicateur".to_owned()),
        Cell::Text("Calcul ou source".to_owned()),
    ]];
    sources.extend(
        board
            .lines
            .iter()
            .map(|l| vec![Cell::Text(l.name.clone()), Cell::Text(l.source.clone())]),
    );
    sources.push(vec![Cell::Text(
        "Visites : les nombres de 1 à 4 ne sont pas donnés (cellule vide).".to_owned(),
    )]);
    sheets.push(Sheet {
        name: "Sources".to_owned(),
        rows: sources,
    });
    ods::write(&sheets).map_err(|e| AppError::Internal(e.to_string()))
}

/// The PDF report: each indicator, its latest value, target and trend, and its last twelve
/// months.
pub fn export_pdf(board: &Dashboard) -> Vec<u8> {
    let items = board
        .lines
        .iter()
        .map(|line| {
            let c = card(0, line);
            let recent: Vec<String> = c
                .rows
                .iter()
                .take(12)
                .map(|r| format!("{} : {}", r.month, r.value))
                .collect();
            let mut text = format!("{} — dernière valeur : {}", line.name, c.latest);
            if !c.target.is_empty() {
                text.push_str(&format!(
                    " ; cible : {} ({})",
                    c.target,
                    line.line.attainment.label()
                ));
            }
            if !c.trend.is_empty() {
                text.push_str(&format!(" ; {} sur un an", c.trend));
            }
            format!("{text}. Douze derniers mois : {}.", recent.join(", "))
        })
        .collect();
    render(&Document {
        title: "Rapport d'indicateurs".to_owned(),
        paragraphs: vec![
            format!("{}, {}.", board.label, format!("de {} à {}", board.first.label(), board.last.label())),
            "Indicateurs calculés par la plateforme à partir de ses propres données, ou saisis avec leur source. Les visites ne sont données que par groupes d'au moins cinq.".to_owned(),
        ],
        items,
        closing: vec![format!("Édité le {}.", crate::views::date_fr(store::now()))],
    })
}
