//! `/projet-strategique`: the strategic projects of the académies (seed 003), their tree of
//! axes, objectives, levers and criteria, and the indicators hung from the criteria.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::indicators::metrics::Metric;
use domain::indicators::project::{NodeKind, steers};
use domain::policy::{Action, Resource};
use store::indicators::project::{self as project_store, NewIndicator};

use crate::error::AppError;
use crate::extractors::{CsrfForm, NoFields, PageContext};
use crate::handlers::allow;
use crate::handlers::indicators::dashboard::READER;
use crate::state::AppState;
use crate::views::directory::Choice;
use crate::views::indicators::project::{ProjectPage, ProjectsPage};
use crate::views::{Layout, render_status};

fn resource(ctx: &PageContext, academie: &str) -> Resource {
    Resource::StrategicProject {
        steering: ctx
            .user
            .as_ref()
            .is_some_and(|u| steers(u.function(), u.academie_code.as_deref(), academie)),
        coordinator: false,
    }
}

async fn projects_page(
    state: &AppState,
    ctx: &PageContext,
    error: Option<String>,
) -> Result<Response, AppError> {
    let projects = project_store::projects(&state.db).await?;
    let academies = domain::directory::geo::ACADEMIES
        .iter()
        .filter(|(code, _, _)| !projects.iter().any(|(c, _, _)| c == code))
        .map(|(code, name, _)| Choice {
            value: (*code).to_owned(),
            label: (*name).to_owned(),
            selected: false,
        })
        .collect();
    let page = ProjectsPage {
        layout: Layout::new(ctx, "Projets stratégiques"),
        projects,
        academies,
        error: error.clone(),
    };
    render_status(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &page,
    )
}

pub async fn list(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::View, READER)?;
    projects_page(&state, &ctx, None).await
}

#[derive(Debug, serde::Deserialize)]
pub struct NewProjectForm {
    pub academie: String,
    pub titre: String,
    #[serde(default)]
    pub resume: String,
}

/// Opens the project of an académie (its steering, or an administrator).
pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<NewProjectForm>,
) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::Create, resource(&ctx, &form.academie))?;
    match project_store::save_project(&state.db, &form.academie, &form.titre, &form.resume).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/projet-strategique/{}", form.academie)).into_response())
        }
        Err(store::StoreError::Invalid(message)) => {
            projects_page(&state, &ctx, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn project_page(
    state: &AppState,
    ctx: &PageContext,
    academie: &str,
    error: Option<String>,
) -> Result<Response, AppError> {
    let project = project_store::project(&state.db, academie).await?;
    let indicators = project_store::indicators(&state.db, academie).await?;
    let edit = domain::policy::can(ctx.actor(), Action::Edit, resource(ctx, academie));
    let page = ProjectPage::new(
        Layout::new(
            ctx,
            format!("{} — académie de {}", project.title, project.academie),
        ),
        project,
        indicators,
        edit,
        error.clone(),
    );
    render_status(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &page,
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(academie): Path<String>,
) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::View, resource(&ctx, &academie))?;
    project_page(&state, &ctx, &academie, None).await
}

/// What a write gives back: the project again, with the French message of a refusal.
async fn after(
    state: &AppState,
    ctx: &PageContext,
    academie: &str,
    done: Result<String, store::StoreError>,
) -> Result<Response, AppError> {
    match done {
        Ok(anchor) => {
            Ok(Redirect::to(&format!("/projet-strategique/{academie}{anchor}")).into_response())
        }
        Err(store::StoreError::Invalid(message)) => {
            project_page(state, ctx, academie, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct NodeForm {
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub nature: String,
    pub intitule: String,
    #[serde(default)]
    pub description: String,
}

pub async fn add_node(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(academie): Path<String>,
    CsrfForm(form): CsrfForm<NodeForm>,
) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::Edit, resource(&ctx, &academie))?;
    let parent = form
        .parent
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("élément « {p} » inconnu")))
        })
        .transpose()?;
    let kind = NodeKind::from_code(&form.nature)
        .ok_or_else(|| AppError::BadRequest(format!("nature « {} » inconnue", form.nature)))?;
    let done = project_store::add_node(
        &state.db,
        &academie,
        parent,
        kind,
        &form.intitule,
        &form.description,
    )
    .await
    .map(|id| format!("#noeud-{id}"));
    after(&state, &ctx, &academie, done).await
}

pub async fn update_node(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((academie, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<NodeForm>,
) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::Edit, resource(&ctx, &academie))?;
    let done =
        project_store::update_node(&state.db, &academie, id, &form.intitule, &form.description)
            .await
            .map(|()| format!("#noeud-{id}"));
    after(&state, &ctx, &academie, done).await
}

pub async fn remove_node(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((academie, id)): Path<(String, i64)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::Delete, resource(&ctx, &academie))?;
    let done = project_store::remove_node(&state.db, &academie, id)
        .await
        .map(|()| String::new());
    after(&state, &ctx, &academie, done).await
}

#[derive(Debug, serde::Deserialize)]
pub struct IndicatorForm {
    pub critere: Option<i64>,
    pub nom: String,
    /// A metric's code, or empty: entered by hand.
    #[serde(default)]
    pub calcul: String,
    #[serde(default)]
    pub unite: String,
    #[serde(default)]
    pub source: String,
}

pub async fn add_indicator(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(academie): Path<String>,
    CsrfForm(form): CsrfForm<IndicatorForm>,
) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::Edit, resource(&ctx, &academie))?;
    let metric = match form.calcul.trim() {
        "" => None,
        code => Some(
            Metric::from_code(code)
                .ok_or_else(|| AppError::BadRequest(format!("calcul « {code} » inconnu")))?,
        ),
    };
    let done = project_store::add_indicator(
        &state.db,
        &academie,
        &NewIndicator {
            criterion: form.critere,
            name: &form.nom,
            metric,
            unit: &form.unite,
            source: &form.source,
        },
    )
    .await
    .map(|_| {
        form.critere
            .map(|c| format!("#noeud-{c}"))
            .unwrap_or_default()
    });
    after(&state, &ctx, &academie, done).await
}

pub async fn remove_indicator(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((academie, id)): Path<(String, i64)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::Delete, resource(&ctx, &academie))?;
    let done = project_store::remove_indicator(&state.db, &academie, id)
        .await
        .map(|()| String::new());
    after(&state, &ctx, &academie, done).await
}
