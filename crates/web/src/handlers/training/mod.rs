//! Training: needs people express for themselves, and the demand the training office reads,
//! aggregated without names (the small-group rule of `domain::training::demand`).

use domain::ids::TerritoryId;
use domain::observatories::visit::TrainingNeed;
use domain::policy::Action;
use domain::training::demand::{Demand, aggregate, school_year_bounds};

use crate::error::AppError;
use crate::extractors::actor;
use crate::handlers::territories::work_of;
use crate::state::AppState;

/// A person expresses a need of their own, for one of their territories or none.
pub(crate) async fn express(
    state: &AppState,
    person: &store::accounts::Person,
    territory: Option<TerritoryId>,
    need: &TrainingNeed,
) -> Result<i64, AppError> {
    if let Some(territory) = territory {
        work_of(state, actor(Some(person)), territory, Action::Contribute).await?;
    }
    Ok(store::training::express(&state.db, person.id(), territory, need, &person.function).await?)
}

/// The demand of a school year (« 2026-2027 »; the current one when empty), in a territory
/// or everywhere.
pub(crate) async fn demand(
    state: &AppState,
    territory: Option<TerritoryId>,
    period: &str,
) -> Result<(String, Demand), AppError> {
    use domain::territories::networks::{school_year, school_year_label};
    let period = match period.trim() {
        "" => school_year_label(school_year(store::now())),
        text => text.to_owned(),
    };
    let (from, to) = school_year_bounds(&period).map_err(AppError::BadRequest)?;
    if let Some(territory) = territory
        && !store::territories::exists(&state.db, territory).await?
    {
        return Err(AppError::NotFound);
    }
    let themes = store::training::demand_themes(&state.db, territory, from, to).await?;
    let year = school_year_label(domain::territories::networks::school_year(from));
    Ok((year, aggregate(themes.iter().map(String::as_str))))
}
