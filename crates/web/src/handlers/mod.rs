//! Page handlers, one module per area: parse, call the store, render.

pub mod accounts;
pub(crate) mod blobs;
pub mod directory;
pub mod home;
pub mod observatories;
pub mod practices;
pub mod spaces;
pub mod system;
pub mod territories;
pub mod training;

use axum::http::header;
use axum::response::{IntoResponse, Response};

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
