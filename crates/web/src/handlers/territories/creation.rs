//! Making a territory (administrators, and the académie's steering with the establishments
//! of its académie): its name, its establishments (found in the directory), and the person
//! who coordinates it — in one form that works without JavaScript (searching the directory
//! re-shows the form with everything typed kept), and through the API.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::directory::Uai;
use domain::ids::TerritoryId;
use domain::policy::{Action, Resource, TerritoryRole};
use domain::territories::{NewTerritory, steering_may_gather, steers_an_academie};
use store::accounts::Person;
use store::directory::Search;

use super::{account, allow};
use crate::app::territories::NewTerritoryForm;
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext, actor};
use crate::state::AppState;
use crate::views::territories::NewTerritoryPage;
use crate::views::{Layout, render_form};

/// How many establishments a search of the form shows.
const FOUND: u32 = 20;
/// How many establishments of the map's zone the form shows.
const ZONE_FOUND: i64 = 100;

/// Makes a territory: every UAI and the coordination's account are checked
/// before anything is made; the coordination, if named, is told. Returns the territory, as
/// made, and how many establishments it has.
pub(crate) async fn create_territory(
    state: &AppState,
    creator: &Person,
    new: &NewTerritory,
    uais: &[String],
    coordination: &str,
) -> Result<(TerritoryId, usize), AppError> {
    may_create(creator)?;
    let mut establishments = Vec::with_capacity(uais.len());
    let mut unknown = Vec::new();
    for text in uais.iter().filter(|u| !u.trim().is_empty()) {
        let id = match Uai::parse(text) {
            Ok(uai) => store::directory::id_of(&state.db, &uai).await?,
            Err(_) => None,
        };
        match id {
            Some(id) if !establishments.contains(&id) => establishments.push(id),
            Some(_) => {}
            None => unknown.push(text.trim().to_owned()),
        }
    }
    if !unknown.is_empty() {
        return Err(AppError::BadRequest(format!(
            "établissement(s) absent(s) de l'annuaire : {}",
            unknown.join(", ")
        )));
    }
    if !creator.admin {
        let own = creator.academie_code.as_deref().unwrap_or_default();
        let gathered = store::directory::by_ids(&state.db, &establishments).await?;
        let academies: Vec<&str> = gathered.iter().map(|e| e.academie_code.as_str()).collect();
        steering_may_gather(own, &academies).map_err(AppError::BadRequest)?;
    }
    let coordinator = match coordination.trim() {
        "" => None,
        email => Some(account(state, email).await?),
    };
    let id = store::territories::create(&state.db, new).await?;
    store::territories::add_establishments(&state.db, id, &establishments).await?;
    if let Some(person) = coordinator {
        let role = TerritoryRole::Coordinator;
        let message = domain::territories::role_notice(&new.name, Some(role));
        let link = format!("/territoires/{}", new.slug);
        store::territories::appoint(&state.db, id, person.id(), role, (&message, &link)).await?;
    }
    Ok((id, establishments.len()))
}

/// The territories as `person` acts on them: whether they steer an académie.
pub(crate) fn territories_for(person: &Person) -> Resource {
    let academie = person.academie_code.as_deref();
    Resource::Territories {
        steering: steers_an_academie(person.function(), academie),
    }
}

/// Refuses whoever may not make territories (administrators and the académie's steering may).
pub(crate) fn may_create(person: &Person) -> Result<(), AppError> {
    allow(actor(Some(person)), Action::Create, territories_for(person))
}

/// The zone a map sends, « south,west,north,east » in degrees, if it is one.
fn zone(text: &str) -> Option<(f64, f64, f64, f64)> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    match numbers[..] {
        [south, west, north, east]
            if numbers.iter().all(|n| n.is_finite())
                && (-90.0..=90.0).contains(&south)
                && (-90.0..=90.0).contains(&north)
                && south <= north
                && west <= east =>
        {
            Some((south, west, north, east))
        }
        _ => None,
    }
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    form: NewTerritoryForm,
    error: Option<String>,
) -> Result<Response, AppError> {
    may_create(ctx.user.as_ref().ok_or(AppError::Unauthorized)?)?;
    let mut chosen = Vec::new();
    for text in &form.uai {
        if let Ok(uai) = Uai::parse(text)
            && let Ok(found) = store::directory::by_uai(&state.db, &uai).await
            && !chosen
                .iter()
                .any(|c: &store::directory::Establishment| c.id == found.id)
        {
            chosen.push(found);
        }
    }
    let found = match form.q.trim() {
        _ if form.action == "zone" => match zone(&form.zone) {
            Some(zone) => store::directory::in_zone(&state.db, zone, ZONE_FOUND).await?,
            None => Vec::new(),
        },
        "" => Vec::new(),
        words => {
            let search = Search {
                text: words.chars().take(200).collect(),
                page: 1,
                per_page: FOUND,
                ..Search::default()
            };
            state.directory.search(&state.db, &search).await?.0
        }
    };
    let refused = error.is_some();
    let page = NewTerritoryPage::new(
        Layout::new(ctx, "Créer un territoire"),
        form,
        chosen,
        found,
        error.map(|e| capitalize(&e)),
    );
    render_form(refused, &page)
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
) -> Result<Response, AppError> {
    page(&state, &ctx, NewTerritoryForm::default(), None).await
}

pub async fn create_form(
    State(state): State<AppState>,
    ctx: PageContext,
    CsrfForm(form): CsrfForm<NewTerritoryForm>,
) -> Result<Response, AppError> {
    if form.action == "chercher" || form.action == "zone" {
        return page(&state, &ctx, form, None).await;
    }
    let attempt = async {
        let new = NewTerritory::parse(&form.name, &form.description)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let creator = ctx.user.as_ref().ok_or(AppError::Unauthorized)?;
        create_territory(&state, creator, &new, &form.uai, &form.coordination).await?;
        Ok::<_, AppError>(new)
    };
    match attempt.await {
        Ok(new) => Ok(Redirect::to(&format!("/territoires/{}", new.slug)).into_response()),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            page(&state, &ctx, form, Some(m)).await
        }
        Err(other) => Err(other),
    }
}
