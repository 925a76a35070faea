//! Indicators: what the map asks, and a dashboard as its use case returns it.

use domain::indicators::Month;
use domain::indicators::dashboard::Line;
use domain::indicators::metrics::Scope;
use store::indicators::project::Indicator;

/// What the map shows, as in the page's address and the API.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// The viewport `west,south,east,north` in degrees (default: metropolitan France).
    pub bbox: Option<String>,
    /// Leaflet's zoom, 0 to 20 (default 5).
    pub zoom: Option<String>,
    /// Layers, separated by commas or repeated: `etablissements`, `pratiques`, `essais`,
    /// `visites`, `reseaux`, `evenements` (default `pratiques,essais`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<String>,
    /// Establishments of this kind: `ecole`, `college`, `lycee`…
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    /// Practices and trials of this theme: `subject:francais`, `dispositif:…`.
    pub theme: Option<String>,
    /// Practices and trials of this competence of the 21st century, e.g. `collaboration`.
    pub skill: Option<String>,
    /// Visits of this observatory (its id).
    pub observatory: Option<String>,
    /// Establishments of this territory (its id).
    pub territory: Option<String>,
    /// From this month, `AAAA-MM`.
    pub from: Option<String>,
    /// Up to this month, `AAAA-MM` (the time slider).
    pub to: Option<String>,
    /// The choropleth's areas: `commune`, `circonscription` or `departement`.
    pub level: Option<String>,
}

/// One indicator of a dashboard, with its line.
pub struct IndicatorLine {
    /// Absent for a metric of the catalogue shown with no project.
    pub indicator: Option<Indicator>,
    pub name: String,
    pub unit: String,
    /// Its criterion and what is above it, from the axis down.
    pub path: Vec<String>,
    /// How it is computed, or where its values come from.
    pub source: String,
    pub computed: bool,
    pub line: Line,
}

pub struct Dashboard {
    pub scope: Scope,
    pub label: String,
    /// The académie whose project the indicators come from.
    pub academie: Option<String>,
    pub has_project: bool,
    pub first: Month,
    pub last: Month,
    /// The current month, by the server's clock: the furthest `last` may go.
    pub current: Month,
    pub lines: Vec<IndicatorLine>,
}

pub fn path_of(scope: &Scope) -> String {
    match scope {
        Scope::National => "/tableaux-de-bord/national".to_owned(),
        Scope::Academie(c) => format!("/tableaux-de-bord/academie/{c}"),
        Scope::Departement(c) => format!("/tableaux-de-bord/departement/{c}"),
        Scope::Territory(id) => format!("/tableaux-de-bord/territoire/{id}"),
    }
}
