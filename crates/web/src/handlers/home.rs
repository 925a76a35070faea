use axum::extract::State;
use axum::response::Response;
use domain::accounts::{Function, demo_email};
use domain::territories::launch::StepState;
use store::accounts::Person;

use crate::error::AppError;
use crate::extractors::PageContext;
use crate::state::AppState;
use crate::views::home::{HomePage, PersonalHome, TerritoryLine};
use crate::views::{Layout, render};

/// The home page: what the platform is for a visitor; for a signed-in person, what waits for
/// them.
pub async fn home(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
    if let Some(person) = ctx.user.clone() {
        return personal(&state, &ctx, &person).await;
    }
    let establishments = store::directory::count_establishments(&state.db).await?;
    let territories = store::territories::list(&state.db).await?;
    let demo_accounts = if ctx.demo {
        std::iter::once(("Administrateur de la plateforme", demo_email(None)))
            .chain(
                Function::ALL
                    .iter()
                    .map(|f| (f.label(), demo_email(Some(*f)))),
            )
            .collect()
    } else {
        Vec::new()
    };
    render(&HomePage::new(
        Layout::new(&ctx, "Accueil"),
        establishments,
        territories,
        demo_accounts,
    ))
}

/// « Ce qui m'attend »: a person's visits and what they wait for, their territories and the
/// step each is at, their training, the new practices of their subjects and levels, their
/// unread spaces and notifications, and what their function steers.
async fn personal(
    state: &AppState,
    ctx: &PageContext,
    person: &Person,
) -> Result<Response, AppError> {
    let db = &state.db;
    let id = person.id();
    let profile = store::accounts::profile(db, id).await?;
    let mut territories = Vec::new();
    for membership in store::territories::of_person(db, id).await? {
        let steps =
            store::territories::launch::steps(db, domain::ids::TerritoryId(membership.id)).await?;
        let next = steps
            .iter()
            .position(|s| *s != StepState::Done)
            .map(|i| (i + 1, steps[i]));
        territories.push(TerritoryLine { membership, next });
    }
    let tags = domain::practices::vocab::profile_tags(&profile.subjects, &profile.levels);
    let function = Function::parse(&person.function).ok();
    let steering = match person
        .academie_code
        .clone()
        .filter(|a| domain::territories::steers_an_academie(function, Some(a)))
    {
        Some(academie) => {
            let projects = store::indicators::project::projects(db).await?;
            let opened = projects.iter().any(|(code, _, _)| *code == academie);
            Some((academie, opened))
        }
        None => None,
    };
    render(&PersonalHome {
        layout: Layout::new(ctx, "Ce qui m'attend"),
        name: person.name.clone(),
        now: store::now(),
        visits: store::observatories::visits::of_person(db, id, 200).await?,
        territories,
        needs: store::training::needs_of(db, id).await?,
        modules: store::training::modules::of_person(db, id).await?,
        paths: store::training::paths::followed_by(db, id).await?,
        practices: store::practices::latest_tagged(db, id, &tags, 5).await?,
        spaces: store::spaces::unread_of_person(db, id).await?,
        notifications: store::practices::notifications(db, id, 5).await?,
        unread_notifications: store::practices::unread_notifications(db, id).await?,
        training_office: store::training::staff::places_of(db, id).await?.office,
        steering,
    })
}
