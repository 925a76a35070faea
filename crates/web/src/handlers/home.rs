use axum::extract::State;
use axum::response::Response;
use domain::accounts::{Function, demo_email};

use crate::error::AppError;
use crate::extractors::PageContext;
use crate::state::AppState;
use crate::views::home::HomePage;
use crate::views::{Layout, render};

pub async fn home(State(state): State<AppState>, ctx: PageContext) -> Result<Response, AppError> {
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
