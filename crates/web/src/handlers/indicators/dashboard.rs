//! `/tableaux-de-bord`: the indicators of a scope (France, an académie, a département, a
//! territory) month by month, as charts with their tables; values entered by hand; targets;
//! exports (CSV, ODS, PDF).

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::PersonId;
use domain::indicators::Month;
use domain::indicators::dashboard;
use domain::indicators::metrics::{METRICS, Scope};
use domain::indicators::project::{Node, steers};
use domain::policy::{Action, Resource};
use store::accounts::Person;
use store::indicators::project::{self as project_store, Indicator};
use store::indicators::series;

use crate::app::indicators::{Dashboard, IndicatorLine, path_of};
use crate::error::AppError;
use crate::extractors::{CsrfForm, PageContext};
use crate::handlers::allow;
use crate::state::AppState;
use crate::views::indicators::dashboard::{
    DashboardPage, ScopesPage, export_csv, export_ods, export_pdf,
};
use crate::views::{Layout, render};

/// What everyone signed in may do: read the projects and the dashboards.
pub const READER: Resource = Resource::StrategicProject {
    steering: false,
    coordinator: false,
};

/// How many months a dashboard shows.
pub const MONTHS: u16 = 36;

/// The scope of a dashboard's address: `/tableaux-de-bord/academie/06`, `…/national`.
pub fn scope_of(kind: &str, code: &str) -> Result<Scope, AppError> {
    let text = if kind == "national" {
        "national".to_owned()
    } else {
        format!("{kind}:{code}")
    };
    Scope::parse(&text).map_err(|_| AppError::NotFound)
}

/// The name of a scope and its académie.
pub async fn describe(
    state: &AppState,
    scope: &Scope,
) -> Result<(String, Option<String>), AppError> {
    Ok(match scope {
        Scope::National => ("France entière".to_owned(), None),
        Scope::Academie(code) => {
            let name = domain::directory::geo::academie_name(code).ok_or(AppError::NotFound)?;
            (format!("Académie de {name}"), Some(code.clone()))
        }
        Scope::Departement(code) => {
            let labels = state
                .departements
                .get_or_try_init(|| store::directory::departements(&state.db))
                .await?;
            let name = labels
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, n)| n.clone())
                .ok_or(AppError::NotFound)?;
            (
                format!("{name} ({code})"),
                domain::directory::geo::academie_of(code).map(str::to_owned),
            )
        }
        Scope::Territory(id) => series::territory(&state.db, *id).await?,
    })
}

fn criterion_path(nodes: &HashMap<i64, Node>, criterion: Option<i64>) -> Vec<String> {
    let mut path = Vec::new();
    let mut next = criterion;
    while let Some(node) = next.and_then(|id| nodes.get(&id)) {
        path.push(match node.kind {
            domain::indicators::project::NodeKind::Criterion => format!("Critère : {}", node.title),
            _ => node.title.clone(),
        });
        next = node.parent;
    }
    path.reverse();
    path
}

/// The dashboard of a scope up to `last`: the indicators of its académie's project, or the
/// catalogue's metrics where the académie has no project.
pub async fn dashboard(state: &AppState, scope: Scope, last: Month) -> Result<Dashboard, AppError> {
    let first = Month::from_index(last.index().saturating_sub(MONTHS - 1)).unwrap_or(last);
    board(state, scope, first, last).await
}

/// The dashboard of a scope from `first` to `last`.
pub async fn board(
    state: &AppState,
    scope: Scope,
    first: Month,
    last: Month,
) -> Result<Dashboard, AppError> {
    let (label, academie) = describe(state, &scope).await?;
    let stored = series::stored(&state.db, &scope, first, last).await?;
    let empty = BTreeMap::new();
    let project = match &academie {
        Some(code) => match project_store::project(&state.db, code).await {
            Ok(p) => Some(p),
            Err(store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let mut lines = Vec::new();
    if let Some(project) = &project {
        let nodes: HashMap<i64, Node> = project.nodes.iter().map(|n| (n.id, n.clone())).collect();
        for indicator in project_store::indicators(&state.db, &project.academie_code).await? {
            let targets = project_store::targets(&state.db, indicator.id, &scope).await?;
            let (line, source) = match indicator.metric {
                Some(metric) => (
                    dashboard::computed(
                        metric,
                        stored.get(&metric).unwrap_or(&empty),
                        &targets,
                        first,
                        last,
                    ),
                    metric.definition().to_owned(),
                ),
                None => {
                    let values =
                        project_store::manual_values(&state.db, indicator.id, &scope).await?;
                    let sources: Vec<String> = values.values().map(|(_, s)| s.clone()).collect();
                    let numbers = values.into_iter().map(|(m, (v, _))| (m, v)).collect();
                    let mut source = indicator.source.clone();
                    for s in sources {
                        if !source.split(" / ").any(|known| known == s) {
                            source = format!("{source} / {s}");
                        }
                    }
                    (dashboard::manual(&numbers, &targets, first, last), source)
                }
            };
            lines.push(IndicatorLine {
                name: indicator.name.clone(),
                unit: indicator.unit.clone(),
                path: criterion_path(&nodes, indicator.criterion),
                source,
                computed: indicator.metric.is_some(),
                line,
                indicator: Some(indicator),
            });
        }
    } else {
        for metric in METRICS {
            lines.push(IndicatorLine {
                indicator: None,
                name: metric.label().to_owned(),
                unit: metric.unit().to_owned(),
                path: Vec::new(),
                source: metric.definition().to_owned(),
                computed: true,
                line: dashboard::computed(
                    metric,
                    stored.get(&metric).unwrap_or(&empty),
                    &BTreeMap::new(),
                    first,
                    last,
                ),
            });
        }
    }
    Ok(Dashboard {
        scope,
        label,
        has_project: project.is_some(),
        academie,
        first,
        last,
        current: Month::of_unix(store::now()),
        lines,
    })
}

/// Who may write in a scope's dashboard.
pub async fn rights(
    state: &AppState,
    user: Option<&Person>,
    scope: &Scope,
    academie: Option<&str>,
) -> Result<Resource, AppError> {
    let steering = match (user, academie) {
        (Some(u), Some(a)) => steers(u.function(), u.academie_code.as_deref(), a),
        _ => false,
    };
    let coordinator = match (user, scope) {
        (Some(u), Scope::Territory(id)) => {
            store::territories::role_of(&state.db, domain::ids::TerritoryId(*id), PersonId(u.id))
                .await?
                == Some(domain::policy::TerritoryRole::Coordinator)
        }
        _ => false,
    };
    Ok(Resource::StrategicProject {
        steering,
        coordinator,
    })
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct MonthQuery {
    /// The last month shown, `AAAA-MM` (default: this month).
    pub mois: Option<String>,
}

impl MonthQuery {
    /// The month asked for, if one was.
    pub fn asked(&self) -> Result<Option<Month>, AppError> {
        self.mois
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| Month::parse(m).map_err(AppError::BadRequest))
            .transpose()
    }

    /// The last month shown: the one asked for, or else `now`; never past `now`, the
    /// current month (a dashboard shows what happened, not months still to come).
    pub fn last(&self, now: Month) -> Result<Month, AppError> {
        Ok(self.asked()?.map_or(now, |asked| asked.min(now)))
    }
}

/// `/tableaux-de-bord`: the scopes there are.
pub async fn scopes(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::View, READER)?;
    let projects = project_store::projects(&state.db).await?;
    let departements = state
        .departements
        .get_or_try_init(|| store::directory::departements(&state.db))
        .await?
        .clone();
    let territories = store::territories::list(&state.db).await?;
    render(&ScopesPage::new(
        Layout::new(&ctx, "Tableaux de bord"),
        projects,
        departements,
        territories,
    ))
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((kind, code)): Path<(String, String)>,
    Query(query): Query<MonthQuery>,
) -> Result<Response, AppError> {
    show(state, ctx, scope_of(&kind, &code)?, query).await
}

pub async fn national(
    State(state): State<AppState>,
    ctx: PageContext,
    Query(query): Query<MonthQuery>,
) -> Result<Response, AppError> {
    show(state, ctx, Scope::National, query).await
}

async fn show(
    state: AppState,
    ctx: PageContext,
    scope: Scope,
    query: MonthQuery,
) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::View, READER)?;
    let now = Month::of_unix(store::now());
    let beyond = query.asked()?.filter(|asked| *asked > now);
    let board = dashboard(&state, scope, query.last(now)?).await?;
    let resource = rights(
        &state,
        ctx.user.as_ref(),
        &board.scope,
        board.academie.as_deref(),
    )
    .await?;
    let actor = ctx.actor();
    let page = DashboardPage::new(
        Layout::new(&ctx, format!("Tableau de bord — {}", board.label)),
        &board,
        beyond,
        domain::policy::can(actor, Action::Contribute, resource),
        domain::policy::can(actor, Action::Edit, resource),
    );
    render(&page)
}

#[derive(Debug, serde::Deserialize)]
pub struct ValueForm {
    pub indicator: i64,
    pub mois: String,
    pub valeur: String,
    #[serde(default)]
    pub source: String,
}

fn number(text: &str) -> Result<f64, AppError> {
    text.trim()
        .replace(['\u{202f}', ' '], "")
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| AppError::BadRequest(format!("« {} » n'est pas un nombre", text.trim())))
}

/// A value or target form, checked: the scope, the indicator (of the project the scope's
/// dashboard shows), the caller's right to `action`, the month and the number.
async fn checked(
    state: &AppState,
    ctx: &PageContext,
    (kind, code): (String, String),
    form: &ValueForm,
    action: Action,
) -> Result<(Scope, Indicator, Month, f64), AppError> {
    let scope = scope_of(&kind, &code)?;
    let (_, academie) = describe(state, &scope).await?;
    let indicator = project_store::indicator_by_id(&state.db, form.indicator).await?;
    if academie.as_deref() != Some(indicator.academie_code.as_str()) {
        return Err(AppError::NotFound);
    }
    let resource = rights(
        state,
        ctx.user.as_ref(),
        &scope,
        Some(&indicator.academie_code),
    )
    .await?;
    allow(ctx.actor(), action, resource)?;
    let month = Month::parse(&form.mois).map_err(AppError::BadRequest)?;
    Ok((scope, indicator, month, number(&form.valeur)?))
}

fn back_to(scope: &Scope, indicator: &Indicator) -> Response {
    Redirect::to(&format!("{}#indicateur-{}", path_of(scope), indicator.id)).into_response()
}

/// Enters a value by hand (the steering, or the territory's coordinators for their own).
pub async fn enter_value(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(path): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ValueForm>,
) -> Result<Response, AppError> {
    let (scope, indicator, month, value) =
        checked(&state, &ctx, path, &form, Action::Contribute).await?;
    let person = ctx
        .user
        .as_ref()
        .map(|u| PersonId(u.id))
        .ok_or(AppError::Unauthorized)?;
    project_store::set_value(
        &state.db,
        &indicator,
        &scope,
        month,
        value,
        &form.source,
        person,
    )
    .await?;
    Ok(back_to(&scope, &indicator))
}

/// Sets a target (the steering).
pub async fn set_target(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(path): Path<(String, String)>,
    CsrfForm(form): CsrfForm<ValueForm>,
) -> Result<Response, AppError> {
    let (scope, indicator, month, value) = checked(&state, &ctx, path, &form, Action::Edit).await?;
    project_store::set_target(&state.db, indicator.id, &scope, month, value).await?;
    Ok(back_to(&scope, &indicator))
}

/// Recomputes the platform's metrics now (otherwise hourly).
pub async fn recompute(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(_): CsrfForm<crate::extractors::NoFields>,
) -> Result<Response, AppError> {
    let steering = ctx.user.as_ref().is_some_and(|u| {
        matches!(
            u.function(),
            Some(
                domain::accounts::Function::IaIpr
                    | domain::accounts::Function::Ien
                    | domain::accounts::Function::ChargeDeMission
            )
        )
    });
    allow(
        ctx.actor(),
        Action::Edit,
        Resource::StrategicProject {
            steering,
            coordinator: false,
        },
    )?;
    series::refresh(&state.db).await?;
    Ok(Redirect::to("/tableaux-de-bord").into_response())
}

/// The exports of a dashboard: `export.csv`, `export.ods`, `rapport.pdf`.
pub async fn export(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((kind, code, file)): Path<(String, String, String)>,
    Query(query): Query<MonthQuery>,
) -> Result<Response, AppError> {
    export_scope(state, ctx, scope_of(&kind, &code)?, &file, query).await
}

pub async fn export_national(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(file): Path<String>,
    Query(query): Query<MonthQuery>,
) -> Result<Response, AppError> {
    export_scope(state, ctx, Scope::National, &file, query).await
}

async fn export_scope(
    state: AppState,
    ctx: PageContext,
    scope: Scope,
    file: &str,
    query: MonthQuery,
) -> Result<Response, AppError> {
    allow(ctx.actor(), Action::View, READER)?;
    let last = query.last(Month::of_unix(store::now()))?;
    let board = dashboard(&state, scope, last).await?;
    let name = format!(
        "indicateurs-{}-{}",
        board.scope.code().replace(':', "-"),
        last.code()
    );
    let (mime, bytes) = match file {
        "export.csv" => ("text/csv; charset=utf-8", export_csv(&board)),
        "export.ods" => {
            // Every territory of the scope (where most of its establishments are), on a sheet
            // of its own lines.
            let places = series::geography(&state.db).await?.territories;
            let mut territories = Vec::new();
            for t in store::territories::list(&state.db).await? {
                let place = places.get(&t.id);
                let inside = match &board.scope {
                    Scope::National => true,
                    Scope::Academie(a) => place.is_some_and(|(_, academie)| academie == a),
                    Scope::Departement(d) => place.is_some_and(|(departement, _)| departement == d),
                    Scope::Territory(_) => false,
                };
                if inside {
                    territories.push(dashboard(&state, Scope::Territory(t.id), last).await?);
                }
            }
            (
                "application/vnd.oasis.opendocument.spreadsheet",
                export_ods(&board, &territories)?,
            )
        }
        "rapport.pdf" => ("application/pdf", export_pdf(&board)),
        _ => return Err(AppError::NotFound),
    };
    let extension = file.rsplit('.').next().unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{extension}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // DESIGN.md habit 9: denied outside tests.
mod tests {
    use super::*;

    #[test]
    fn the_month_shown_never_goes_past_the_current_month() {
        let now = Month::parse("2026-12").unwrap();
        let query = |mois: &str| MonthQuery {
            mois: Some(mois.to_owned()),
        };
        assert_eq!(MonthQuery::default().last(now).unwrap(), now);
        assert_eq!(query("  ").last(now).unwrap(), now);
        assert_eq!(query("2026-03").last(now).unwrap().code(), "2026-03");
        assert_eq!(query("2027-05").last(now).unwrap(), now);
        assert_eq!(
            query("2027-05")
                .asked()
                .unwrap()
                .map(Month::code)
                .as_deref(),
            Some("2027-05")
        );
        assert!(matches!(
            query("mai").last(now),
            Err(AppError::BadRequest(_))
        ));
    }
}
