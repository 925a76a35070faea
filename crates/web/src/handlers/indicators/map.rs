//! `/carte`: the map of initiatives, its table (the same data, for everyone who does not see
//! the map), the list behind a cluster and the outlines of the offline base layer.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::directory::EstablishmentKind;
use domain::ids::PersonId;
use domain::indicators::Month;
use domain::indicators::map::{
    self as map, BBox, Cluster, Filters, Layers, Level, MAX_ZOOM, Viewer,
};
use store::accounts::Person;

use crate::app::indicators::MapQuery;
use crate::error::AppError;
use crate::extractors::{ListQuery, PageContext};
use crate::state::AppState;
use crate::views::indicators::map::{MapPage, MapTable, PlacesPage};
use crate::views::{Layout, render, render_status};

/// The zoom of the page without JavaScript: metropolitan France.
pub const DEFAULT_ZOOM: u8 = 5;

/// The lines of the list behind a cluster.
pub const PLACES_LIMIT: usize = 200;

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn id(value: &Option<String>, what: &str) -> Result<Option<i64>, String> {
    given(value)
        .map(|v| {
            v.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{what} « {v} » inconnu"))
        })
        .transpose()
}

impl MapQuery {
    pub fn filters(&self) -> Result<Filters, String> {
        let month = |v: &Option<String>| given(v).map(Month::parse).transpose();
        let filters = Filters {
            layers: match self.layers.iter().any(|l| !l.trim().is_empty()) {
                true => Layers::parse(&self.layers.join(","))?,
                false => Filters::default().layers,
            },
            kind: given(&self.kind)
                .map(|k| {
                    EstablishmentKind::from_code(k)
                        .ok_or_else(|| format!("type d'établissement « {k} » inconnu"))
                })
                .transpose()?,
            theme: given(&self.theme).map(map::theme_bit).transpose()?,
            skill: given(&self.skill).map(map::skill_bit).transpose()?,
            observatory: id(&self.observatory, "observatoire")?,
            territory: id(&self.territory, "territoire")?,
            from: month(&self.from)?,
            to: month(&self.to)?,
        };
        if let (Some(from), Some(to)) = (filters.from, filters.to)
            && from > to
        {
            return Err(format!(
                "la période commence ({}) après sa fin ({})",
                from.label(),
                to.label()
            ));
        }
        Ok(filters)
    }

    pub fn bbox(&self) -> Result<BBox, String> {
        given(&self.bbox).map_or(Ok(BBox::FRANCE), BBox::parse)
    }

    pub fn zoom(&self) -> Result<u8, String> {
        given(&self.zoom).map_or(Ok(DEFAULT_ZOOM), |z| {
            z.parse::<u8>()
                .ok()
                .filter(|z| *z <= MAX_ZOOM)
                .ok_or_else(|| format!("zoom « {z} » invalide (de 0 à {MAX_ZOOM})"))
        })
    }

    pub fn level(&self) -> Result<Option<Level>, String> {
        given(&self.level).map(Level::parse).transpose()
    }

    /// The address query of the same filters with another viewport (the list behind a
    /// cluster).
    pub fn with_bbox(&self, bbox: &BBox) -> String {
        let query = Self {
            bbox: Some(bbox.code()),
            zoom: None,
            level: None,
            ..self.clone()
        };
        serde_html_form::to_string(&query).unwrap_or_default()
    }
}

/// Who looks: their territories decide which practices of a territory they count.
pub async fn viewer(state: &AppState, user: Option<&Person>) -> Result<Viewer, AppError> {
    Ok(match user {
        Some(person) => Viewer {
            signed_in: true,
            territories: store::territories::of_person(&state.db, PersonId(person.id))
                .await?
                .into_iter()
                .map(|m| m.id)
                .collect(),
        },
        None => Viewer::default(),
    })
}

/// The table of a viewport: its clusters, and the choropleth when one is asked for; a bad
/// query is a `BadRequest` with its French explanation.
async fn table(
    state: &AppState,
    user: Option<&Person>,
    query: &MapQuery,
) -> Result<MapTable, AppError> {
    let filters = query.filters().map_err(AppError::BadRequest)?;
    let bbox = query.bbox().map_err(AppError::BadRequest)?;
    let zoom = query.zoom().map_err(AppError::BadRequest)?;
    let level = query.level().map_err(AppError::BadRequest)?;
    let data = state.map.get(&state.db).await?;
    let viewer = viewer(state, user).await?;
    let clusters: Vec<Cluster> = map::clusters(&data, &viewer, &filters, &bbox, zoom);
    let rates = level.map(|l| map::choropleth(&data, &viewer, &filters, l));
    Ok(MapTable::new(query, &filters, clusters, level, rates))
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    ListQuery(query): ListQuery<MapQuery>,
) -> Result<Response, AppError> {
    // Bad filters: the default view, with what was wrong.
    let (table, error) = match table(&state, ctx.user.as_ref(), &query).await {
        Ok(table) => (table, None),
        Err(AppError::BadRequest(error)) => {
            let table = table(&state, ctx.user.as_ref(), &MapQuery::default()).await?;
            (table, Some(error))
        }
        Err(other) => return Err(other),
    };
    let data = state.map.get(&state.db).await?;
    let territories = store::territories::list(&state.db).await?;
    let observatories = store::observatories::list(&state.db, None).await?;
    let page = MapPage::new(
        Layout::new(&ctx, "Carte des initiatives"),
        &query,
        error.clone(),
        table,
        data.slider_months(Month::of_unix(store::now())),
        territories.into_iter().map(|t| (t.id, t.name)).collect(),
        observatories
            .into_iter()
            .map(|o| (o.observatory.id, o.observatory.name))
            .collect(),
        state.settings.map_tiles.as_ref(),
    );
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut response = render_status(status, &page)?;
    if let Some(tiles) = &state.settings.map_tiles {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            crate::security::policy_with_images(&tiles.origin),
        );
    }
    Ok(response)
}

/// `/carte/tableau`: the table alone, which the map's script swaps in as the map moves.
pub async fn table_fragment(
    State(state): State<AppState>,
    ctx: PageContext,
    ListQuery(query): ListQuery<MapQuery>,
) -> Result<Response, AppError> {
    render(&table(&state, ctx.user.as_ref(), &query).await?)
}

/// `/carte/lieux`: the establishments (and visit groups) behind a cluster.
pub async fn places(
    State(state): State<AppState>,
    ctx: PageContext,
    ListQuery(query): ListQuery<MapQuery>,
) -> Result<Response, AppError> {
    let filters = query.filters().map_err(AppError::BadRequest)?;
    let bbox = query.bbox().map_err(AppError::BadRequest)?;
    let data = state.map.get(&state.db).await?;
    let viewer = viewer(&state, ctx.user.as_ref()).await?;
    let (lines, all) = map::places(&data, &viewer, &filters, &bbox, PLACES_LIMIT);
    render(&PlacesPage::new(
        Layout::new(&ctx, "Lieux de la carte"),
        &query,
        &filters,
        lines,
        all,
    ))
}

/// The outlines of the base layer (from IGN Admin Express, simplified), gzipped in the
/// binary: the départements of France, and the communes of the pilot territories.
pub async fn outline(Path(name): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    static DEPARTEMENTS: &[u8] = include_bytes!("../../../data/geo/departements.geojson.gz");
    static COMMUNES: &[u8] = include_bytes!("../../../data/geo/communes.geojson.gz");
    let gzipped = match name.as_str() {
        "departements.geojson" => DEPARTEMENTS,
        "communes.geojson" => COMMUNES,
        _ => return Err(AppError::NotFound),
    };
    let accepts_gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let common = [
        (header::CONTENT_TYPE, "application/geo+json"),
        (header::CACHE_CONTROL, "public, max-age=86400"),
        (header::VARY, "accept-encoding"),
    ];
    if accepts_gzip {
        return Ok((common, [(header::CONTENT_ENCODING, "gzip")], gzipped).into_response());
    }
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gzipped), &mut plain)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((common, plain).into_response())
}
