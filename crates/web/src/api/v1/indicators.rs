//! The map of initiatives, in JSON.

use axum::Json;
use axum::extract::State;
use domain::indicators::map::{self as map, BBox, Counts, Filters};

use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiCaller, ListQuery};
use crate::handlers::indicators::map::{MapQuery, PLACES_LIMIT, viewer};
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
