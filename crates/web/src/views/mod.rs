//! Page views: one askama template per page, all on the DSFR layout of `templates/base.html`.

pub mod accounts;
pub mod directory;
pub mod home;
pub mod indicators;
pub mod observatories;
pub mod pdf;
pub mod practices;
pub mod spaces;
pub mod territories;
pub mod training;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;
use crate::extractors::PageContext;

/// What the common layout shows: title, navigation, the signed-in person, the CSRF token.
pub struct Layout {
    pub title: String,
    pub user_name: Option<String>,
    pub csrf: String,
    pub demo: bool,
    pub path: String,
    /// The caller administers the platform (the « Administration » entry).
    pub admin: bool,
}

impl Layout {
    pub fn new(ctx: &PageContext, title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            user_name: ctx.user.as_ref().map(|u| u.name.clone()),
            csrf: ctx.csrf.clone(),
            demo: ctx.demo,
            path: ctx.path.clone(),
            admin: ctx.user.as_ref().is_some_and(|u| u.admin),
        }
    }

    /// Whether this page belongs to a section of the navigation.
    fn is_in(&self, section: &str) -> bool {
        if section == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(section)
        }
    }

    /// `aria-current="page"` for the navigation entry of this section.
    pub fn current(&self, section: &str) -> &'static str {
        if self.is_in(section) { "page" } else { "false" }
    }

    /// `aria-current` for a menu of the navigation that holds this page's section.
    pub fn within(&self, sections: &[&str]) -> &'static str {
        if sections.iter().any(|s| self.is_in(s)) {
            "true"
        } else {
            "false"
        }
    }

    /// The sign-in page, then back here.
    pub fn sign_in(&self) -> String {
        crate::error::sign_in_link()
    }
}

/// Renders a page, or a logged server error.
pub fn render(page: &impl Template) -> Result<Response, AppError> {
    render_status(StatusCode::OK, page)
}

/// Renders a page with another status (a form shown again with its error, an expired link).
pub fn render_status(status: StatusCode, page: &impl Template) -> Result<Response, AppError> {
    Ok((status, Html(page.render()?)).into_response())
}

/// A page with a form: `400 Bad Request` when it comes back with an error to correct.
pub fn render_form(refused: bool, page: &impl Template) -> Result<Response, AppError> {
    let status = if refused {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render_status(status, page)
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub heading: &'static str,
    pub message: String,
    /// Where to go next: the list of the section the page belongs to (href, « aux pratiques »).
    pub back: Option<(&'static str, &'static str)>,
    /// For a visitor not signed in: the sign-in page, then back here.
    pub sign_in: Option<String>,
}

/// The list each section of the site leads back to, by the first segment of a page's path.
const SECTIONS: [(&str, &str, &str); 13] = [
    ("pratiques", "/pratiques", "Retour aux pratiques"),
    ("mes-pratiques", "/mes-pratiques", "Retour à mes pratiques"),
    ("espaces", "/espaces", "Retour aux espaces d'échange"),
    (
        "observatoires",
        "/observatoires",
        "Retour aux observatoires",
    ),
    ("visites", "/visites", "Retour à mes visites"),
    ("formation", "/formation", "Retour à la formation"),
    ("annuaire", "/annuaire", "Retour à l'annuaire"),
    ("territoires", "/territoires", "Retour aux territoires"),
    ("carte", "/carte", "Retour à la carte"),
    ("evenements", "/evenements", "Retour aux événements"),
    (
        "tableaux-de-bord",
        "/tableaux-de-bord",
        "Retour aux tableaux de bord",
    ),
    ("admin", "/admin/comptes", "Retour à l'administration"),
    ("compte", "/compte", "Retour à mon compte"),
];

/// The list a page's section leads back to.
fn section_of(page: &str) -> Option<(&'static str, &'static str)> {
    let first = page.trim_start_matches('/').split(['/', '?']).next()?;
    SECTIONS
        .iter()
        .find(|(segment, _, _)| *segment == first)
        .map(|&(_, href, label)| (href, label))
}

impl ErrorPage {
    /// An error page (without the visitor's context, which may be what failed).
    pub fn render(status: StatusCode, message: &str) -> Html<String> {
        let heading = match status {
            StatusCode::NOT_FOUND => "Page non trouvée",
            StatusCode::FORBIDDEN => "Accès refusé",
            StatusCode::BAD_REQUEST | StatusCode::CONFLICT => "Demande impossible à traiter",
            StatusCode::TOO_MANY_REQUESTS => "Trop de tentatives",
            StatusCode::PAYLOAD_TOO_LARGE => "Fichier trop volumineux",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "Type de fichier refusé",
            StatusCode::INSUFFICIENT_STORAGE => "Espace plein",
            StatusCode::BAD_GATEWAY => "Service indisponible",
            _ => "Erreur inattendue",
        };
        // The page keeps the header of whoever asked, when their session was read.
        let visitor = crate::error::visitor();
        let asked = crate::error::asked_page().unwrap_or_default();
        let path = asked.split('?').next().unwrap_or_default().to_owned();
        let refused = matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN);
        let page = Self {
            layout: Layout {
                title: heading.to_owned(),
                user_name: visitor.as_ref().map(|v| v.name.clone()),
                csrf: visitor.as_ref().map(|v| v.csrf.clone()).unwrap_or_default(),
                demo: visitor.as_ref().is_some_and(|v| v.demo),
                admin: visitor.as_ref().is_some_and(|v| v.admin),
                path,
            },
            status: status.as_u16(),
            heading,
            message: message.to_owned(),
            back: section_of(&asked),
            sign_in: (visitor.is_none() && refused).then(crate::error::sign_in_link),
        };
        Html(page.render().unwrap_or_else(|_| {
            format!(
                "<!doctype html><html lang=\"fr\"><title>{heading}</title><p>{heading}</p></html>"
            )
        }))
    }
}

/// A date the French way, `22 novembre 2026`, from seconds since the epoch.
pub fn date_fr(timestamp: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(timestamp)
        .map(|t| domain::practices::consent::french_date(t.date()))
        .unwrap_or_default()
}

/// A date and time of Paris, `22 novembre 2026 à 14 h 05`.
pub fn date_time_fr(timestamp: i64) -> String {
    domain::spaces::paris_time(timestamp)
        .map(|t| {
            format!(
                "{} à {} h {:02}",
                domain::practices::consent::french_date(t.date()),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default()
}

/// A time as RFC 3339, for feeds.
pub fn rfc3339(timestamp: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(timestamp)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Formats a count the French way: `66 000`.
pub fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands() {
        assert_eq!(super::thousands(66_000), "66\u{202f}000");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(1_234_567), "1\u{202f}234\u{202f}567");
    }
}
