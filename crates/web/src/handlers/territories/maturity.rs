//! The maturity grid of a territory: each member's own answer, the spread, the levels the
//! group agrees with their evidence, the history and the radar chart comparing two dates.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use domain::ids::{AssessmentId, TerritoryId};
use domain::policy::{Action, Actor};
use domain::territories::maturity::{GRID, Levels, parse_evidence};
use store::territories::maturity::Agreement;

use super::{work_of, worker};
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext};
use crate::state::AppState;
use crate::views::territories::maturity::{Compare, MaturityPage};
use crate::views::{Layout, render_form};

/// Records the caller's own answer in the territory's open assessment (opening one).
pub(crate) async fn answer_assessment(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    levels: Levels,
) -> Result<AssessmentId, AppError> {
    let person = worker(state, actor, territory, Action::Contribute).await?;
    Ok(
        store::territories::maturity::answer(&state.db, territory, person, levels, store::now())
            .await?,
    )
}

/// The coordinators record the levels the group agreed, with their evidence.
pub(crate) async fn agree_assessment(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    id: AssessmentId,
    levels: Levels,
    evidence: [String; 5],
) -> Result<(), AppError> {
    work_of(state, actor, territory, Action::Edit).await?;
    let agreement = Agreement {
        levels,
        evidence,
        by: actor.person.ok_or(AppError::Unauthorized)?,
    };
    store::territories::maturity::agree(&state.db, territory, id, &agreement, store::now()).await?;
    Ok(())
}

/// What the page keeps of a refused form, to show it again.
#[derive(Debug, Default)]
struct Refused {
    message: String,
    /// The form's fields as sent.
    form: BTreeMap<String, String>,
    /// Which form: the answer, or the agreement.
    agreement: bool,
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    slug: &str,
    compare: Compare,
    notice: Option<String>,
    refused: Option<Refused>,
) -> Result<Response, AppError> {
    let summary = store::territories::summary(&state.db, slug).await?;
    let territory = TerritoryId(summary.id);
    let actor = ctx.actor();
    let role = work_of(state, actor, territory, Action::View).await?;
    let history = store::territories::maturity::list(&state.db, territory, actor.person).await?;
    let mut page = MaturityPage::new(
        Layout::new(ctx, format!("Maturité — {}", summary.name)),
        summary,
        role,
        history,
        compare,
    );
    page.notice = notice;
    let refused_now = refused.is_some();
    if let Some(refused) = refused {
        page.refill(&refused.form, refused.agreement);
        page.error = Some(capitalize(&refused.message));
    }
    render_form(refused_now, &page)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    Query(compare): Query<Compare>,
) -> Result<Response, AppError> {
    page(&state, &ctx, &slug, compare, None, None).await
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let summary = store::territories::summary(&state.db, &slug).await?;
    let attempt = async {
        let levels = Levels::parse_form(&form).map_err(|e| AppError::BadRequest(e.to_string()))?;
        answer_assessment(&state, ctx.actor(), TerritoryId(summary.id), levels).await
    };
    match attempt.await {
        Ok(_) => {
            let notice = "Votre réponse est enregistrée. Personne ne voit qui a répondu quoi : \
                          seule la répartition des réponses est montrée."
                .to_owned();
            page(&state, &ctx, &slug, Compare::default(), Some(notice), None).await
        }
        Err(AppError::BadRequest(message)) => {
            let refused = Refused {
                message,
                form,
                agreement: false,
            };
            page(&state, &ctx, &slug, Compare::default(), None, Some(refused)).await
        }
        Err(other) => Err(other),
    }
}

pub async fn agree(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, id)): Path<(String, i64)>,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let summary = store::territories::summary(&state.db, &slug).await?;
    let attempt = async {
        let levels = Levels::parse_form(&form).map_err(|e| AppError::BadRequest(e.to_string()))?;
        let texts = GRID.map(|d| {
            form.get(&format!("preuves-{}", d.key))
                .map_or("", String::as_str)
        });
        let evidence = parse_evidence(texts).map_err(|e| AppError::BadRequest(e.to_string()))?;
        agree_assessment(
            &state,
            ctx.actor(),
            TerritoryId(summary.id),
            AssessmentId(id),
            levels,
            evidence,
        )
        .await
    };
    match attempt.await {
        Ok(()) => {
            let notice = "Les niveaux du territoire sont arrêtés : ils entrent dans l'historique. \
                          La prochaine réponse ouvrira une nouvelle auto-évaluation."
                .to_owned();
            page(&state, &ctx, &slug, Compare::default(), Some(notice), None).await
        }
        Err(AppError::BadRequest(message) | AppError::Conflict(message)) => {
            let refused = Refused {
                message,
                form,
                agreement: true,
            };
            page(&state, &ctx, &slug, Compare::default(), None, Some(refused)).await
        }
        Err(other) => Err(other),
    }
}
