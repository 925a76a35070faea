//! Attestations as PDF (one A4 page, Helvetica, which every reader has: nothing embedded):
//! of attendance at a module's sessions, of a training path completed.

use crate::views::pdf::{Document, render};

use domain::territories::events::span_fr;
use domain::training::modules::duration_fr;
use store::training::modules::{Attendance, Module};
use store::training::paths::Path;

/// The attestation of attendance at the sessions of `module` that `attended` lists.
pub fn of_module(module: &Module, attended: &Attendance, at: i64) -> Vec<u8> {
    let total: i64 = attended
        .sessions
        .iter()
        .map(|s| s.ends_at - s.starts_at)
        .sum();
    let function = domain::accounts::Function::parse(&attended.function)
        .map(|f| format!(" ({})", f.label()))
        .unwrap_or_default();
    render(&Document {
        title: "Attestation de présence".to_owned(),
        paragraphs: vec![format!(
            "Il est attesté que {}{function} a suivi le module de formation « {} », {} ({}), aux sessions suivantes :",
            attended.name,
            module.title,
            module.plan.label().to_lowercase(),
            module.public.label()
        )],
        items: attended
            .sessions
            .iter()
            .map(|s| {
                let remote = if s.video_url.is_empty() {
                    ""
                } else {
                    "à distance"
                };
                let place = [s.place.as_str(), remote]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{} — {place}", span_fr(s.starts_at, s.ends_at))
            })
            .collect(),
        closing: vec![
            format!("Durée totale de présence : {}.", duration_fr(total)),
            format!("Fait le {}.", crate::views::date_fr(at)),
        ],
    })
}

/// The attestation of a training path completed (`span`: started, completed).
pub fn of_path(path: &Path, name: &str, function: &str, span: (i64, i64), at: i64) -> Vec<u8> {
    let function = domain::accounts::Function::parse(function)
        .map(|f| format!(" ({})", f.label()))
        .unwrap_or_default();
    render(&Document {
        title: "Attestation de formation".to_owned(),
        paragraphs: vec![format!(
            "Il est attesté que {name}{function} a suivi en autonomie le parcours de formation « {} », commencé le {} et achevé le {}, en {} étapes d'une durée estimée de {} :",
            path.title,
            crate::views::date_fr(span.0),
            crate::views::date_fr(span.1),
            path.steps.len(),
            duration_fr(path.minutes() * 60)
        )],
        items: path
            .steps
            .iter()
            .map(|s| format!("{} — {}", s.kind.label(), s.title))
            .collect(),
        closing: vec![format!("Fait le {}.", crate::views::date_fr(at))],
    })
}
