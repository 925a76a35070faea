//! Page handlers, one module per area: parse, call the store, render.

pub mod accounts;
pub(crate) mod blobs;
pub mod directory;
pub mod home;
pub mod indicators;
pub mod observatories;
pub mod practices;
pub mod spaces;
pub mod system;
pub mod territories;
pub mod training;

use axum::http::header;
use axum::response::{IntoResponse, Response};

use domain::policy::{Action, Actor, Resource, can};

use crate::error::AppError;

/// An iCalendar answer (a visit, an event, a feed), never cached by shared caches.
pub(crate) fn ics(body: String, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// A time of Paris from a form's date and time (`2026-12-08`, `09:30`).
pub(crate) fn paris_moment(date: &str, time_of_day: &str) -> Result<i64, AppError> {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    let local =
        time::PrimitiveDateTime::parse(&format!("{} {}", date.trim(), time_of_day.trim()), format)
            .map_err(|_| {
                AppError::BadRequest(format!(
                    "« {} {} » n'est pas une date et une heure (jj/mm/aaaa, hh:mm)",
                    date.trim(),
                    time_of_day.trim()
                ))
            })?;
    Ok(domain::spaces::from_paris_time(local))
}

/// `Ok` when the policy allows; else 404 when the actor may not even see the resource (or,
/// anonymous, 401 for what only asks them to sign in), 403 when they see it.
pub(crate) fn allow(actor: Actor, action: Action, resource: Resource) -> Result<(), AppError> {
    let readable = match resource {
        Resource::SpaceItem { space, .. } => can(actor, Action::View, Resource::Space(space)),
        other => can(actor, Action::View, other),
    };
    if can(actor, action, resource) {
        Ok(())
    } else if readable {
        Err(if actor.person.is_none() {
            AppError::Unauthorized
        } else {
            AppError::Forbidden
        })
    } else if actor.person.is_none() && !resource.hides_existence() {
        // Sign in first, then we shall see.
        Err(AppError::Unauthorized)
    } else {
        // What the caller may not see answers as what does not exist, signed in or not: an
        // anonymous visitor cannot tell a members-only space from a missing one.
        Err(AppError::NotFound)
    }
}

/// `Ok` when the policy allows; else 401 for the anonymous, 403 for the others: for what
/// everyone knows exists (a territory's work, the training office's pages).
pub(crate) fn allow_known(
    actor: Actor,
    action: Action,
    resource: Resource,
) -> Result<(), AppError> {
    if can(actor, action, resource) {
        Ok(())
    } else if actor.person.is_none() {
        Err(AppError::Unauthorized)
    } else {
        Err(AppError::Forbidden)
    }
}
