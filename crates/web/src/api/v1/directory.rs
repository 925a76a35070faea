use axum::Json;
use axum::extract::{Path, Query, State};
use domain::directory::Uai;
use store::directory::{self, Establishment};

use crate::app::directory::DirectoryQuery;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::state::AppState;

/// An establishment of the directory.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EstablishmentJson {
    /// UAI code, e.g. `0620001P`.
    pub uai: String,
    pub name: String,
    /// `ecole`, `college`, `lycee`, `erea`, `medico-social`, `orientation`, `administratif`, `autre`.
    pub kind: String,
    pub public: bool,
    pub address: Option<String>,
    pub postal_code: Option<String>,
    /// INSEE code of the commune.
    pub commune_code: String,
    pub commune: String,
    /// Département code.
    pub departement: String,
    pub departement_name: String,
    /// Académie name.
    pub academie: String,
    pub academie_code: String,
    /// Circonscription name (1er degré).
    pub circonscription: Option<String>,
    pub circonscription_code: Option<String>,
    /// Bassin de formation name (2nd degré).
    pub bassin: Option<String>,
    pub bassin_code: Option<String>,
    /// `REP` or `REP+`.
    pub education_prioritaire: Option<String>,
    pub pupils: Option<i64>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// False for an establishment the annuaire marks as closed.
    pub open: bool,
}

impl From<Establishment> for EstablishmentJson {
    fn from(e: Establishment) -> Self {
        Self {
            uai: e.uai,
            name: e.name,
            kind: e.kind,
            public: e.public,
            address: e.address,
            postal_code: e.postal_code,
            commune_code: e.commune_code,
            commune: e.commune_name,
            departement: e.departement_code,
            departement_name: e.departement_name,
            academie: e.academie_name,
            academie_code: e.academie_code,
            circonscription: e.circonscription_name,
            circonscription_code: e.circonscription_code,
            bassin: e.bassin_name,
            bassin_code: e.bassin_code,
            education_prioritaire: e.education_prioritaire,
            pupils: e.pupils,
            latitude: e.latitude,
            longitude: e.longitude,
            open: e.open,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EstablishmentPage {
    pub items: Vec<EstablishmentJson>,
    /// Number of establishments matching, over all pages.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Searches the directory (20 per page).
#[utoipa::path(get, path = "/api/v1/establishments", tag = "annuaire", params(DirectoryQuery),
    responses((status = 200, body = EstablishmentPage), (status = 400, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<DirectoryQuery>,
) -> Result<Json<EstablishmentPage>, ApiError> {
    let search = query.to_search().map_err(AppError::BadRequest)?;
    let (items, total) = state.directory.search(&state.db, &search).await?;
    Ok(Json(EstablishmentPage {
        items: items.into_iter().map(EstablishmentJson::from).collect(),
        total,
        page: search.page,
        per_page: search.per_page,
    }))
}

/// One establishment by its UAI.
#[utoipa::path(get, path = "/api/v1/establishments/{uai}", tag = "annuaire",
    params(("uai" = String, Path, description = "Code UAI, e.g. 0620001P")),
    responses((status = 200, body = EstablishmentJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(uai): Path<String>,
) -> Result<Json<EstablishmentJson>, ApiError> {
    let uai = Uai::parse(&uai).map_err(|e| AppError::BadRequest(e.to_string()))?;
    Ok(Json(directory::by_uai(&state.db, &uai).await?.into()))
}
