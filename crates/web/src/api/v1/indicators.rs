//! The map of initiatives and the indicators, in JSON.

use axum::Json;
use axum::extract::{Path, Query, State};
use domain::indicators::Month;
use domain::indicators::map::{self as map, BBox, Counts, Filters};
use domain::indicators::metrics::Scope;

use crate::app::indicators::MapQuery;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiCaller, ApiUser, ListQuery};
use crate::handlers::indicators::dashboard;
use crate::handlers::indicators::map::{PLACES_LIMIT, viewer};
use crate::state::AppState;

/// The counts of the layers asked for, by layer code (`{"pratiques": 3, "essais": 1}`).
fn by_layer(filters: &Filters, counts: &Counts) -> serde_json::Map<String, serde_json::Value> {
    filters
        .layers
        .iter()
        .map(|l| (l.code().to_owned(), counts[l.index()].into()))
        .collect()
}

fn bbox_json(b: &BBox) -> [f64; 4] {
    [b.west, b.south, b.east, b.north]
}

/// A cluster of the map; a single establishment is a cluster of 1.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ClusterJson {
    pub latitude: f64,
    pub longitude: f64,
    /// Everything it counts, over the layers asked for.
    pub count: u64,
    /// The count of each layer asked for, by layer code.
    #[schema(value_type = Object)]
    pub counts: serde_json::Map<String, serde_json::Value>,
    /// The establishments (and visit groups) in it.
    pub places: u32,
    /// The commune of its largest place.
    pub label: String,
    /// Its cell `[west, south, east, north]`: `GET /api/v1/map/places?bbox=…` lists it.
    pub cell: [f64; 4],
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Clusters {
    pub items: Vec<ClusterJson>,
}

async fn read(
    state: &AppState,
    caller: &ApiCaller,
    query: &MapQuery,
) -> Result<(std::sync::Arc<map::MapData>, map::Viewer, Filters), ApiError> {
    let filters = query.filters().map_err(AppError::BadRequest)?;
    let data = state.map.get(&state.db).await?;
    let viewer = viewer(state, caller.0.as_ref()).await?;
    Ok((data, viewer, filters))
}

/// The clusters of a viewport at a zoom: what the map draws. Private practices are never
/// counted; practices of a territory only for its members; visits only in groups of at
/// least five (a commune, or a département's other communes together).
#[utoipa::path(get, path = "/api/v1/map/clusters", tag = "carte", params(MapQuery),
    responses((status = 200, body = Clusters), (status = 400, body = ErrorBody)))]
pub async fn clusters(
    State(state): State<AppState>,
    caller: ApiCaller,
    query: Result<ListQuery<MapQuery>, AppError>,
) -> Result<Json<Clusters>, ApiError> {
    let ListQuery(query) = query?;
    let bbox = query.bbox().map_err(AppError::BadRequest)?;
    let zoom = query.zoom().map_err(AppError::BadRequest)?;
    let (data, viewer, filters) = read(&state, &caller, &query).await?;
    let items = map::clusters(&data, &viewer, &filters, &bbox, zoom)
        .into_iter()
        .map(|c| ClusterJson {
            latitude: c.latitude,
            longitude: c.longitude,
            count: c.count,
            counts: by_layer(&filters, &c.counts),
            places: c.places,
            label: c.label,
            cell: bbox_json(&c.cell),
        })
        .collect();
    Ok(Json(Clusters { items }))
}

/// A place behind a cluster: an establishment, or a group of visits.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PlaceJson {
    /// The establishment's UAI; absent for a group of visits.
    pub uai: Option<String>,
    pub name: String,
    pub commune: String,
    pub count: u64,
    #[schema(value_type = Object)]
    pub counts: serde_json::Map<String, serde_json::Value>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Places {
    /// The 200 biggest, biggest first.
    pub items: Vec<PlaceJson>,
    /// How many places in all.
    pub total: usize,
}

/// The places of a rectangle (a cluster's `cell`), with the same filters.
#[utoipa::path(get, path = "/api/v1/map/places", tag = "carte", params(MapQuery),
    responses((status = 200, body = Places), (status = 400, body = ErrorBody)))]
pub async fn places(
    State(state): State<AppState>,
    caller: ApiCaller,
    query: Result<ListQuery<MapQuery>, AppError>,
) -> Result<Json<Places>, ApiError> {
    let ListQuery(query) = query?;
    let bbox = query.bbox().map_err(AppError::BadRequest)?;
    let (data, viewer, filters) = read(&state, &caller, &query).await?;
    let (lines, total) = map::places(&data, &viewer, &filters, &bbox, PLACES_LIMIT);
    let items = lines
        .into_iter()
        .map(|l| PlaceJson {
            count: l.counts.iter().map(|c| u64::from(*c)).sum(),
            counts: by_layer(&filters, &l.counts),
            uai: l.uai,
            name: l.name,
            commune: l.commune,
        })
        .collect();
    Ok(Json(Places { items, total }))
}

/// An area of the choropleth.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RateJson {
    pub code: String,
    pub name: String,
    /// Practices published and « J'ai essayé » there.
    pub initiatives: u64,
    /// People attached to its establishments.
    pub staff: u64,
    /// Initiatives per 100 staff; absent under 5 staff.
    pub per_hundred: Option<f64>,
    /// The communes drawn in its colour.
    pub communes: Vec<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Choropleth {
    /// `commune`, `circonscription` or `departement`.
    pub level: String,
    pub items: Vec<RateJson>,
}

/// Initiatives per 100 staff by commune, circonscription or département (`level`, default
/// `departement`), with the same filters; highest rate first.
#[utoipa::path(get, path = "/api/v1/map/choropleth", tag = "carte", params(MapQuery),
    responses((status = 200, body = Choropleth), (status = 400, body = ErrorBody)))]
pub async fn choropleth(
    State(state): State<AppState>,
    caller: ApiCaller,
    query: Result<ListQuery<MapQuery>, AppError>,
) -> Result<Json<Choropleth>, ApiError> {
    let ListQuery(query) = query?;
    let level = query
        .level()
        .map_err(AppError::BadRequest)?
        .unwrap_or(map::Level::Departement);
    let (data, viewer, filters) = read(&state, &caller, &query).await?;
    let items = map::choropleth(&data, &viewer, &filters, level)
        .into_iter()
        .map(|r| RateJson {
            code: r.code,
            name: r.name,
            initiatives: r.initiatives,
            staff: r.staff,
            per_hundred: r.per_hundred,
            communes: r.communes,
        })
        .collect();
    Ok(Json(Choropleth {
        level: level.code().to_owned(),
        items,
    }))
}

/// The scope and months the indicators are asked for.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// A territoire apprenant (its id); or else `departement`, `academie`; none: France.
    pub territory: Option<i64>,
    /// A département code (`62`).
    pub departement: Option<String>,
    /// An académie code (`06`).
    pub academie: Option<String>,
    /// The month of the values, `AAAA-MM` (default: this month).
    pub period: Option<String>,
    /// First month of a series, `AAAA-MM` (default: 35 months before `to`).
    pub from: Option<String>,
    /// Last month of a series, `AAAA-MM` (default: this month).
    pub to: Option<String>,
}

impl IndicatorQuery {
    fn scope(&self) -> Result<Scope, AppError> {
        let scope = match (self.territory, &self.departement, &self.academie) {
            (Some(t), _, _) => Scope::Territory(t),
            (None, Some(d), _) => {
                Scope::parse(&format!("departement:{d}")).map_err(AppError::BadRequest)?
            }
            (None, None, Some(a)) => {
                Scope::parse(&format!("academie:{a}")).map_err(AppError::BadRequest)?
            }
            (None, None, None) => Scope::National,
        };
        Ok(scope)
    }

    fn month(value: &Option<String>) -> Result<Option<Month>, AppError> {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| Month::parse(v).map_err(AppError::BadRequest))
            .transpose()
    }
}

/// An indicator's figure for a month.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct IndicatorJson {
    /// Absent for a metric of the catalogue shown where the académie has no project.
    pub id: Option<i64>,
    pub name: String,
    pub unit: String,
    /// Computed by the platform (else entered by hand).
    pub computed: bool,
    /// How it is computed, or where its values come from.
    pub source: String,
    /// Its criterion and what is above it in the project, from the axis down.
    pub criterion: Vec<String>,
    /// `AAAA-MM`.
    pub period: String,
    /// Absent when nothing was entered, or when hidden.
    pub value: Option<f64>,
    /// Fewer than five visits: not given.
    pub hidden: bool,
    /// The target of that month, if one was set.
    pub target: Option<f64>,
    /// Over a year: `en hausse`, `en baisse`, `stable`.
    pub trend: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Indicators {
    /// `national`, `academie:06`, `departement:62`, `territoire:12`.
    pub scope: String,
    pub label: String,
    pub items: Vec<IndicatorJson>,
}

/// The indicators of a scope for a month: those of the académie's strategic project, or the
/// catalogue's metrics where it has none.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicateurs", params(IndicatorQuery),
    responses((status = 200, body = Indicators), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(_caller): ApiUser,
    Query(query): Query<IndicatorQuery>,
) -> Result<Json<Indicators>, ApiError> {
    let scope = query.scope()?;
    let period =
        IndicatorQuery::month(&query.period)?.unwrap_or_else(|| Month::of_unix(store::now()));
    let board = dashboard::dashboard(&state, scope, period).await?;
    let items = board
        .lines
        .iter()
        .map(|l| {
            let point = l.line.points.iter().find(|p| p.month == period);
            IndicatorJson {
                id: l.indicator.as_ref().map(|i| i.id),
                name: l.name.clone(),
                unit: l.unit.clone(),
                computed: l.computed,
                source: l.source.clone(),
                criterion: l.path.clone(),
                period: period.code(),
                value: point.and_then(|p| p.value),
                hidden: point.is_some_and(|p| p.hidden),
                target: point.and_then(|p| p.target),
                trend: l.line.trend.map(|t| t.label().to_owned()),
            }
        })
        .collect();
    Ok(Json(Indicators {
        scope: board.scope.code(),
        label: board.label,
        items,
    }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ValueJson {
    /// `AAAA-MM`.
    pub period: String,
    pub value: Option<f64>,
    pub hidden: bool,
    pub target: Option<f64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Values {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub scope: String,
    /// Month by month, oldest first.
    pub items: Vec<ValueJson>,
}

/// An indicator's values month by month in a scope (`from`, `to`: 36 months to this one by
/// default; 120 at most).
#[utoipa::path(get, path = "/api/v1/indicators/{id}/values", tag = "indicateurs",
    params(("id" = i64, Path, description = "L'indicateur"), IndicatorQuery),
    responses((status = 200, body = Values), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn values(
    State(state): State<AppState>,
    ApiUser(_caller): ApiUser,
    Path(id): Path<i64>,
    Query(query): Query<IndicatorQuery>,
) -> Result<Json<Values>, ApiError> {
    let scope = query.scope()?;
    let to = IndicatorQuery::month(&query.to)?.unwrap_or_else(|| Month::of_unix(store::now()));
    let from = IndicatorQuery::month(&query.from)?.unwrap_or_else(|| {
        Month::from_index(to.index().saturating_sub(dashboard::MONTHS - 1)).unwrap_or(to)
    });
    if from > to || to.index() - from.index() >= 120 {
        return Err(
            AppError::BadRequest("la période va de from à to, dix ans au plus".to_owned()).into(),
        );
    }
    let board = dashboard::board(&state, scope, from, to).await?;
    let line = board
        .lines
        .into_iter()
        .find(|l| l.indicator.as_ref().is_some_and(|i| i.id == id))
        .ok_or(AppError::NotFound)?;
    Ok(Json(Values {
        id,
        name: line.name,
        unit: line.unit,
        scope: board.scope.code(),
        items: line
            .line
            .points
            .into_iter()
            .map(|p| ValueJson {
                period: p.month.code(),
                value: p.value,
                hidden: p.hidden,
                target: p.target,
            })
            .collect(),
    }))
}
