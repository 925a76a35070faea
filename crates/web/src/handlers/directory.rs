use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::directory::{EducationPrioritaire, EstablishmentKind, Uai};
use store::directory::{self, Search};

use crate::app::directory::DirectoryQuery;
use crate::error::AppError;
use crate::extractors::PageContext;
use crate::state::AppState;
use crate::views::directory::{DirectoryPage, EstablishmentPage};
use crate::views::{Layout, render};

pub const PER_PAGE: u32 = 20;

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl DirectoryQuery {
    /// The search it asks for, or a French explanation of the first bad parameter.
    pub fn to_search(&self) -> Result<Search, String> {
        let kind = non_empty(&self.kind)
            .map(|k| {
                EstablishmentKind::from_code(k)
                    .ok_or_else(|| format!("type d'établissement « {k} » inconnu"))
            })
            .transpose()?;
        let public = non_empty(&self.statut)
            .map(|s| match s {
                "public" => Ok(true),
                "prive" => Ok(false),
                other => Err(format!("statut « {other} » inconnu (public ou prive)")),
            })
            .transpose()?;
        let departement = non_empty(&self.departement)
            .map(|d| {
                domain::directory::geo::normalize_departement(d)
                    .ok_or_else(|| format!("département « {d} » inconnu"))
            })
            .transpose()?;
        let ep = non_empty(&self.ep)
            .map(|e| {
                EducationPrioritaire::from_code(e)
                    .map(|e| e.code().to_owned())
                    .ok_or_else(|| format!("éducation prioritaire « {e} » inconnue (REP ou REP+)"))
            })
            .transpose()?;
        let page = non_empty(&self.page)
            .map(|p| {
                p.parse::<u32>()
                    .ok()
                    .filter(|p| (1..=10_000).contains(p))
                    .ok_or_else(|| format!("numéro de page « {p} » invalide"))
            })
            .transpose()?
            .unwrap_or(1);
        let text = non_empty(&self.q).unwrap_or_default();
        if text.chars().count() > 200 {
            return Err("la recherche ne doit pas dépasser 200 caractères".to_owned());
        }
        Ok(Search {
            text: text.to_owned(),
            departement,
            kind,
            public,
            circonscription: non_empty(&self.circonscription).map(str::to_owned),
            bassin: non_empty(&self.bassin).map(str::to_owned),
            education_prioritaire: ep,
            page,
            per_page: PER_PAGE,
        })
    }
}

pub async fn search(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<DirectoryQuery>,
) -> Result<Response, AppError> {
    let (search, error) = match query.to_search() {
        Ok(search) => (search, None),
        // A bad filter is explained; the words typed are kept and searched.
        Err(error) => (
            Search {
                text: query
                    .q
                    .clone()
                    .unwrap_or_default()
                    .chars()
                    .take(200)
                    .collect(),
                per_page: PER_PAGE,
                page: 1,
                ..Search::default()
            },
            Some(error),
        ),
    };
    let (results, total) = state.directory.search(&state.db, &search).await?;
    let departements = state
        .departements
        .get_or_try_init(|| directory::departements(&state.db))
        .await?
        .clone();
    let (circonscriptions, bassins) = match &search.departement {
        Some(dep) => (
            directory::circonscriptions(&state.db, dep).await?,
            directory::bassins(&state.db, dep).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let page = DirectoryPage::new(
        Layout::new(&ctx, "Annuaire des établissements"),
        query,
        search,
        error,
        results,
        total,
        departements,
        circonscriptions,
        bassins,
    );
    render(&page)
}

pub async fn establishment(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(uai): Path<String>,
) -> Result<Response, AppError> {
    let uai = Uai::parse(&uai).map_err(|_| AppError::NotFound)?;
    let establishment = directory::by_uai(&state.db, &uai).await?;
    let title = establishment.name.clone();
    render(&EstablishmentPage {
        layout: Layout::new(&ctx, title),
        e: establishment,
    })
}
