//! `/tableaux-de-bord/…/reseau`: the collaboration network of a scope's establishments.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use domain::indicators::metrics::Scope;
use domain::indicators::network;
use domain::policy::Action;
use store::indicators::series;

use crate::app::indicators::path_of;
use crate::error::AppError;
use crate::extractors::PageContext;
use crate::handlers::allow;
use crate::handlers::indicators::dashboard::{READER, describe, scope_of};
use crate::state::AppState;
use crate::views::indicators::network::NetworkPage;
use crate::views::{Layout, render};

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((kind, code)): Path<(String, String)>,
) -> Result<Response, AppError> {
    show(state, ctx, scope_of(&kind, &code)?).await
}

pub async fn national(
    State(state): State<AppState>,
    ctx: PageContext,
) -> Result<Response, AppError> {
    show(state, ctx, Scope::National).await
}

async fn show(state: AppState, ctx: PageContext, scope: Scope) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::View, READER)?;
    let (label, _) = describe(&state, &scope).await?;
    let establishments = series::establishments_of(&state.db, &scope).await?;
    let links: Vec<(i64, i64)> = series::collaborations(&state.db)
        .await?
        .into_iter()
        .map(|(a, b, _)| (a, b))
        .collect();
    let ids: Vec<i64> = establishments.iter().map(|e| e.0).collect();
    let analysis = network::analyse(&ids, &links);
    let names: HashMap<i64, (String, String, String)> = establishments
        .into_iter()
        .map(|(id, uai, name, commune)| (id, (uai, name, commune)))
        .collect();
    render(&NetworkPage::new(
        Layout::new(&ctx, format!("Réseau de collaborations — {label}")),
        label,
        path_of(&scope),
        ids.len(),
        &analysis,
        &names,
    ))
}
