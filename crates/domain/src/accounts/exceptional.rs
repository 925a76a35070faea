//! Exceptional access: an administrator reads content that was not shared with them — a
//! legal requisition, a serious safety concern — only through an explicit action with a
//! written reason, for a limited time, recorded in the audit trail and shown to the content's
//! owners. Reading is all it allows.

use crate::ids::{PracticeId, SpaceId};
use crate::practices::{FieldError, field_error};

/// How long an exceptional access lasts.
pub const DURATION_SECS: i64 = 7 * 24 * 3600;
/// The reason's bounds, in characters.
pub const MIN_REASON: usize = 20;
pub const MAX_REASON: usize = 2_000;

/// What an exceptional access opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Practice(PracticeId),
    Space(SpaceId),
}

impl Target {
    /// The target named in a form: `pratique` or `espace`, and its number.
    pub fn parse(kind: &str, id: &str) -> Result<Self, FieldError> {
        let id: i64 = id
            .trim()
            .parse()
            .map_err(|_| field_error("numero", format!("« {} » n'est pas un numéro", id.trim())))?;
        match kind.trim() {
            "pratique" => Ok(Self::Practice(PracticeId(id))),
            "espace" => Ok(Self::Space(SpaceId(id))),
            other => Err(field_error(
                "objet",
                format!("« {other} » : choisissez une pratique ou un espace"),
            )),
        }
    }

    /// The target the database names by its code (`practice`, `space`) and its id.
    pub fn stored(kind: &str, id: i64) -> Option<Self> {
        match kind {
            "practice" => Some(Self::Practice(PracticeId(id))),
            "space" => Some(Self::Space(SpaceId(id))),
            _ => None,
        }
    }

    /// The code the database keeps.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Practice(_) => "practice",
            Self::Space(_) => "space",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Self::Practice(id) => id.0,
            Self::Space(id) => id.0,
        }
    }

    /// The target as a person reads it: « la pratique n° 12 ».
    pub fn label(self) -> String {
        match self {
            Self::Practice(id) => format!("la pratique n° {}", id.0),
            Self::Space(id) => format!("l'espace n° {}", id.0),
        }
    }

    /// Its page.
    pub fn path(self) -> String {
        match self {
            Self::Practice(id) => format!("/pratiques/{}", id.0),
            Self::Space(id) => format!("/espaces/{}", id.0),
        }
    }
}

/// The written reason, checked: long enough to say why, short enough to read.
pub fn parse_reason(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if let Some(problem) = crate::text::char_problem("Le motif", text) {
        return Err(field_error("motif", problem));
    }
    let count = text.chars().count();
    if count < MIN_REASON {
        return Err(field_error(
            "motif",
            format!(
                "écrivez le motif de cet accès exceptionnel ({MIN_REASON} caractères au moins : la réquisition, le signalement…)"
            ),
        ));
    }
    if count > MAX_REASON {
        return Err(field_error(
            "motif",
            format!("le motif compte au plus {MAX_REASON} caractères ({count} saisis)"),
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_and_a_reason_are_required() {
        assert_eq!(
            Target::parse("pratique", " 12 "),
            Ok(Target::Practice(PracticeId(12)))
        );
        assert_eq!(
            Target::parse("espace", "3").map(Target::path),
            Ok("/espaces/3".to_owned())
        );
        assert!(
            Target::parse("visite", "3").is_err(),
            "visits are never opened"
        );
        assert!(Target::parse("pratique", "douze").is_err());
        assert!(parse_reason("pour voir").is_err());
        assert!(parse_reason(&"x".repeat(MAX_REASON + 1)).is_err());
        assert!(parse_reason("Réquisition judiciaire n° 2027/118\u{0}").is_err());
        assert_eq!(
            parse_reason("  Réquisition judiciaire n° 2027/118 du parquet d'Arras "),
            Ok("Réquisition judiciaire n° 2027/118 du parquet d'Arras".to_owned())
        );
    }
}
