use axum::extract::{Path, State};
use axum::response::Response;

use crate::error::AppError;
use crate::extractors::PageContext;
use crate::state::AppState;
use crate::views::territories::{TerritoriesPage, TerritoryPage};
use crate::views::{Layout, render};

pub async fn list(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    let territories = store::territories::list(&state.db).await?;
    render(&TerritoriesPage {
        layout: Layout::new(&ctx, "Territoires apprenants"),
        territories,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let territory = store::territories::by_slug(&state.db, &slug).await?;
    let title = territory.summary.name.clone();
    render(&TerritoryPage::new(Layout::new(&ctx, title), territory))
}
