//! Networks of innovating teachers over three years (seed 002): the cohort view — who is in
//! year 1 (mutualisation), year 2 (with a CPC), year 3 (*passeur d'expériences*) — and the
//! coordination's forms to make a network and say who joined when.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;
use domain::ids::{PersonId, TerritoryId};
use domain::policy::{Action, Actor};
use domain::territories::networks::{parse_joined, parse_name, school_year};
use store::territories::networks;

use super::{account, work_of, work_page};
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext};
use crate::state::AppState;
use crate::views::territories::networks::NetworksPage;
use crate::views::{Layout, render_form};

/// The coordination makes a network, followed by a CPC if one is named.
pub(crate) async fn create_network(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    name: &str,
    cpc: Option<PersonId>,
) -> Result<i64, AppError> {
    work_of(state, actor, territory, Action::ManageMembers).await?;
    let name = parse_name(name).map_err(AppError::BadRequest)?;
    if let Some(cpc) = cpc {
        store::accounts::person(&state.db, cpc)
            .await
            .map_err(|_| AppError::BadRequest(format!("aucune personne n° {cpc}")))?;
    }
    Ok(networks::create(&state.db, territory, &name, cpc).await?)
}

/// The coordination adds a member who joined in the school year typed (the current one when
/// empty), or takes one out.
pub(crate) async fn change_member(
    state: &AppState,
    actor: Actor,
    network: i64,
    person: PersonId,
    joined: Option<&str>,
) -> Result<(), AppError> {
    let territory = networks::territory_of(&state.db, network).await?;
    work_of(state, actor, territory, Action::ManageMembers).await?;
    match joined {
        Some(text) => {
            let now = school_year(store::now());
            let year = if text.trim().is_empty() {
                now
            } else {
                parse_joined(text, now).map_err(AppError::BadRequest)?
            };
            Ok(networks::add_member(&state.db, network, person, year).await?)
        }
        None => Ok(networks::remove_member(&state.db, network, person).await?),
    }
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    slug: &str,
    notice: Option<String>,
    refused: Option<(Option<i64>, BTreeMap<String, String>, String)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (summary, territory, coordinator) = work_page(state, actor, slug).await?;
    let mut page = NetworksPage::new(
        Layout::new(ctx, format!("Réseaux d'enseignants — {}", summary.name)),
        summary,
        coordinator,
        networks::list(&state.db, territory).await?,
        school_year(store::now()),
    );
    page.notice = notice;
    let refused_now = refused.is_some();
    if let Some((network, values, message)) = refused {
        page.refused_network = network;
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

pub async fn create_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let attempt = async {
        let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
        let cpc = match f("cpc").trim() {
            "" => None,
            email => Some(account(&state, email).await?.id()),
        };
        create_network(&state, ctx.actor(), territory, f("name"), cpc).await
    };
    match attempt.await {
        Ok(_) => {
            let notice = "Le réseau est créé.".to_owned();
            page(&state, &ctx, &slug, Some(notice), None).await
        }
        Err(AppError::BadRequest(m)) => {
            page(&state, &ctx, &slug, None, Some((None, fields, m))).await
        }
        Err(other) => Err(other),
    }
}

pub async fn member_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, network)): Path<(String, i64)>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let leaving = f("action") == "retirer";
    let attempt = async {
        let person = if leaving {
            PersonId(f("person").parse().map_err(|_| AppError::NotFound)?)
        } else {
            account(&state, f("who")).await?.id()
        };
        change_member(
            &state,
            ctx.actor(),
            network,
            person,
            (!leaving).then(|| f("joined")),
        )
        .await
    };
    match attempt.await {
        Ok(()) => {
            let notice = if leaving {
                "Le membre a quitté le réseau."
            } else {
                "Le membre est inscrit dans le réseau."
            };
            page(&state, &ctx, &slug, Some(notice.to_owned()), None).await
        }
        Err(AppError::BadRequest(m)) => {
            page(&state, &ctx, &slug, None, Some((Some(network), fields, m))).await
        }
        Err(other) => Err(other),
    }
}
