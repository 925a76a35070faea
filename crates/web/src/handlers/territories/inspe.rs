//! The INSPE partnership (seed 002): the coordination places M1 MEEF students with host
//! teachers (observation days, then days in charge of the class); each day in charge frees
//! the host, and the page offers that day to their peers, who welcome them in their class for
//! a cross-observation.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;
use domain::ids::{PersonId, TerritoryId};
use domain::policy::{Action, Actor};
use domain::territories::inspe::{Placement, is_host, is_student};
use store::territories::inspe;

use super::{account, work_page, worker};
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext};
use crate::state::AppState;
use crate::views::territories::inspe::InspePage;
use crate::views::{Layout, render_form};

/// The coordination places a student (an M1 MEEF account) with a host teacher of the
/// territory for a day.
pub(crate) async fn place_student(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    student: PersonId,
    host: PersonId,
    placement: &Placement,
) -> Result<i64, AppError> {
    let by = worker(state, actor, territory, Action::ManageMembers).await?;
    let unknown = |id: PersonId| AppError::BadRequest(format!("aucune personne n° {id}"));
    let student_account = store::accounts::person(&state.db, student)
        .await
        .map_err(|_| unknown(student))?;
    if !is_student(student_account.function()) {
        return Err(AppError::BadRequest(format!(
            "{} n'a pas un compte d'étudiant M1 MEEF",
            student_account.name
        )));
    }
    let host_account = store::accounts::person(&state.db, host)
        .await
        .map_err(|_| unknown(host))?;
    if !is_host(host_account.function())
        || store::territories::role_of(&state.db, territory, host)
            .await?
            .is_none()
    {
        return Err(AppError::BadRequest(format!(
            "{} n'est pas un enseignant membre du territoire",
            host_account.name
        )));
    }
    Ok(inspe::place(&state.db, territory, student, host, placement, by).await?)
}

/// A member welcomes a freed host teacher in their own class on a freed day.
pub(crate) async fn welcome(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    host: PersonId,
    day: i64,
) -> Result<(), AppError> {
    let peer = worker(state, actor, territory, Action::Contribute).await?;
    Ok(inspe::welcome(&state.db, territory, host, day, peer).await?)
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    slug: &str,
    notice: Option<String>,
    refused: Option<(BTreeMap<String, String>, String)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (summary, territory, coordinator) = work_page(state, actor, slug).await?;
    let today = store::now() / 86_400;
    let mut page = InspePage::new(
        Layout::new(ctx, format!("Partenariat avec l'INSPE — {}", summary.name)),
        summary,
        coordinator,
        actor.person.map(|p| p.0),
        inspe::days(&state.db, territory, today).await?,
        inspe::freed_days(&state.db, territory, today).await?,
    );
    page.notice = notice;
    let refused_now = refused.is_some();
    if let Some((values, message)) = refused {
        page.values = values;
        page.error = Some(capitalize(&message));
    }
    render_form(refused_now, &page)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    page(&state, &ctx, &slug, None, None).await
}

/// The coordination's form: a student's day with a host teacher, both by e-mail.
pub async fn place_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let attempt = async {
        let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
        let placement = Placement::parse(f("kind"), f("day")).map_err(AppError::from)?;
        let student = account(&state, f("student")).await?.id();
        let host = account(&state, f("host")).await?.id();
        place_student(&state, ctx.actor(), territory, student, host, &placement).await
    };
    match attempt.await {
        Ok(_) => {
            let notice = "La journée est enregistrée ; l'enseignant accueillant est prévenu.";
            page(&state, &ctx, &slug, Some(notice.to_owned()), None).await
        }
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            page(&state, &ctx, &slug, None, Some((fields, m))).await
        }
        Err(other) => Err(other),
    }
}

#[derive(serde::Deserialize)]
pub struct WelcomeForm {
    pub host: i64,
    pub day: i64,
}

/// « Je l'accueille dans ma classe » on a freed day.
pub async fn welcome_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<WelcomeForm>,
) -> Result<Response, AppError> {
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    match welcome(
        &state,
        ctx.actor(),
        territory,
        PersonId(form.host),
        form.day,
    )
    .await
    {
        Ok(()) => {
            let notice = "C'est noté : vous accueillez votre collègue ce jour-là ; il est prévenu.";
            page(&state, &ctx, &slug, Some(notice.to_owned()), None).await
        }
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            page(&state, &ctx, &slug, None, Some((BTreeMap::new(), m))).await
        }
        Err(other) => Err(other),
    }
}
