//! Exchange spaces: who is in a space and with what role, who else may read it, and the checked
//! inputs of its blog, forum and shared folders.

pub mod chat;
mod names;
pub mod pads;

pub use names::{EntryName, NameError, parse_path};

use crate::practices::FieldError;

/// A person's role in a space, from the widest rights to the narrowest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum SpaceRole {
    /// Runs the space: settings, members, and everything a moderator does.
    Owner,
    /// Hides, moves, locks and pins; handles reports.
    Moderator,
    /// Writes: posts, topics, replies, comments, files.
    Member,
    /// Reads only.
    Reader,
}

pub const SPACE_ROLES: [SpaceRole; 4] = [
    SpaceRole::Owner,
    SpaceRole::Moderator,
    SpaceRole::Member,
    SpaceRole::Reader,
];

impl SpaceRole {
    pub fn code(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Moderator => "moderator",
            Self::Member => "member",
            Self::Reader => "reader",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        SPACE_ROLES.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Responsable",
            Self::Moderator => "Modération",
            Self::Member => "Membre",
            Self::Reader => "Lecture seule",
        }
    }

    pub fn writes(self) -> bool {
        self != Self::Reader
    }

    pub fn moderates(self) -> bool {
        matches!(self, Self::Owner | Self::Moderator)
    }
}

/// Who may read a space besides its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpaceVisibility {
    /// Its members only.
    Members,
    /// Also the members of its territory.
    Territory,
    /// Also any signed-in person of the platform.
    Platform,
}

pub const SPACE_VISIBILITIES: [SpaceVisibility; 3] = [
    SpaceVisibility::Members,
    SpaceVisibility::Territory,
    SpaceVisibility::Platform,
];

impl SpaceVisibility {
    pub fn code(self) -> &'static str {
        match self {
            Self::Members => "members",
            Self::Territory => "territory",
            Self::Platform => "platform",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        SPACE_VISIBILITIES.into_iter().find(|v| v.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Members => "Membres : les membres de l'espace seulement",
            Self::Territory => "Territoire : aussi les membres du territoire, en lecture",
            Self::Platform => "Plateforme : aussi toute personne connectée, en lecture",
        }
    }

    pub fn short_label(self) -> &'static str {
        match self {
            Self::Members => "Membres",
            Self::Territory => "Territoire",
            Self::Platform => "Plateforme",
        }
    }
}

/// What a space belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpaceKind {
    Territory,
    Observatory,
    Group,
    Network,
}

pub const SPACE_KINDS: [SpaceKind; 4] = [
    SpaceKind::Territory,
    SpaceKind::Observatory,
    SpaceKind::Group,
    SpaceKind::Network,
];

impl SpaceKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Territory => "territory",
            Self::Observatory => "observatory",
            Self::Group => "group",
            Self::Network => "network",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        SPACE_KINDS.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Territory => "Territoire",
            Self::Observatory => "Observatoire",
            Self::Group => "Groupe de travail",
            Self::Network => "Réseau",
        }
    }
}

/// The storage a space gets unless an administrator says otherwise: 5 Gio.
pub const DEFAULT_QUOTA: i64 = 5 * 1024 * 1024 * 1024;

/// A size the French way: `12,5 Mio`.
pub fn format_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["octets", "Kio", "Mio", "Gio", "Tio"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} octets")
    } else {
        let text = format!("{value:.1}").replace('.', ",");
        let text = text.strip_suffix(",0").unwrap_or(&text).to_owned();
        format!("{text} {}", UNITS[unit])
    }
}

fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A text field, trimmed, with line ends made `\n`, of `min..=max` characters.
fn bounded(
    field: &'static str,
    label: &str,
    text: &str,
    min: usize,
    max: usize,
) -> Result<String, FieldError> {
    let text = text.trim().replace("\r\n", "\n");
    if let Some(problem) = crate::text::char_problem(label, &text) {
        return Err(field_error(field, problem));
    }
    let count = text.chars().count();
    if count < min {
        return Err(field_error(
            field,
            if min <= 1 {
                format!("{label} est obligatoire")
            } else {
                format!("{label} compte au moins {min} caractères")
            },
        ));
    }
    if count > max {
        return Err(field_error(
            field,
            format!("{label} compte au plus {max} caractères ({count} saisis)"),
        ));
    }
    Ok(text)
}

/// A one-line field (a name, a title): [`bounded`], with no tab or line break either.
fn line(
    field: &'static str,
    label: &str,
    text: &str,
    min: usize,
    max: usize,
) -> Result<String, FieldError> {
    let text = bounded(field, label, text, min, max)?;
    match crate::text::line_problem(label, &text) {
        Some(problem) => Err(field_error(field, problem)),
        None => Ok(text),
    }
}

/// A space as its creator describes it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SpaceInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SpaceContent {
    pub name: String,
    pub description: String,
    pub visibility: SpaceVisibility,
    pub kind: SpaceKind,
}

impl SpaceContent {
    /// A space needs a territory to be seen by the territory: `has_territory` says whether it
    /// has one.
    pub fn parse(input: &SpaceInput, has_territory: bool) -> Result<Self, FieldError> {
        let name = line("name", "Le nom", &input.name, 3, 120)?;
        let description = bounded(
            "description",
            "La description",
            &input.description,
            0,
            2_000,
        )?;
        let visibility = if input.visibility.is_empty() {
            SpaceVisibility::Members
        } else {
            SpaceVisibility::from_code(&input.visibility).ok_or_else(|| {
                field_error(
                    "visibility",
                    "visibilité inconnue : « members », « territory » ou « platform »",
                )
            })?
        };
        if visibility == SpaceVisibility::Territory && !has_territory {
            return Err(field_error(
                "visibility",
                "un espace ouvert au territoire doit appartenir à un territoire",
            ));
        }
        let kind = if input.kind.is_empty() {
            if has_territory {
                SpaceKind::Territory
            } else {
                SpaceKind::Group
            }
        } else {
            SpaceKind::from_code(&input.kind).ok_or_else(|| {
                field_error(
                    "kind",
                    "type d'espace inconnu : « territory », « observatory », « group » ou « network »",
                )
            })?
        };
        Ok(Self {
            name,
            description,
            visibility,
            kind,
        })
    }
}

/// When a blog post appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publication {
    Draft,
    Now,
    /// Seconds since the epoch.
    At(i64),
}

/// A blog post as its form or JSON gives it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PostInput {
    pub title: String,
    pub body_markdown: String,
    /// `brouillon`/`draft`, `maintenant`/`now`, or `programme`/`scheduled` with `publish_at`.
    #[serde(default)]
    pub publication: String,
    /// `AAAA-MM-JJTHH:MM` (local time of France) or RFC 3339.
    #[serde(default)]
    pub publish_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PostContent {
    pub title: String,
    pub body_markdown: String,
    pub publication: Publication,
}

impl PostContent {
    /// `now` is the current time, which a scheduled date must follow.
    pub fn parse(input: &PostInput, now: i64) -> Result<Self, FieldError> {
        let title = line("title", "Le titre", &input.title, 3, 200)?;
        let body_markdown = bounded(
            "body_markdown",
            "Le texte",
            &input.body_markdown,
            1,
            100_000,
        )?;
        let publication = match input.publication.as_str() {
            "" | "brouillon" | "draft" => Publication::Draft,
            "maintenant" | "now" => Publication::Now,
            "programme" | "scheduled" => {
                let at = parse_datetime(&input.publish_at).ok_or_else(|| {
                    field_error(
                        "publish_at",
                        "la date de publication est à donner comme 2026-12-01T08:30",
                    )
                })?;
                if at <= now {
                    return Err(field_error(
                        "publish_at",
                        "la date de publication programmée doit être à venir",
                    ));
                }
                Publication::At(at)
            }
            _ => {
                return Err(field_error(
                    "publication",
                    "publication inconnue : brouillon, maintenant ou programmée",
                ));
            }
        };
        Ok(Self {
            title,
            body_markdown,
            publication,
        })
    }
}

/// `2026-12-01T08:30` read as the time of Paris (UTC+1 in winter, UTC+2 in summer), or an
/// RFC 3339 time with its offset.
pub fn parse_datetime(text: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    let text = text.trim();
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let local = time::PrimitiveDateTime::parse(
        text,
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
    )
    .ok()?;
    Some(local.assume_utc().unix_timestamp() - paris_offset(local) as i64)
}

/// The time of Paris at a moment (seconds since the epoch).
pub fn paris_time(timestamp: i64) -> Option<time::PrimitiveDateTime> {
    let utc = time::OffsetDateTime::from_unix_timestamp(timestamp).ok()?;
    let naive = time::PrimitiveDateTime::new(utc.date(), utc.time());
    // The offset is decided on the time shifted by winter time, close enough to the change.
    let offset = paris_offset(naive + time::Duration::hours(1));
    Some(naive + time::Duration::seconds(offset as i64))
}

/// The moment (seconds since the epoch) of a time of Paris.
pub fn from_paris_time(local: time::PrimitiveDateTime) -> i64 {
    local.assume_utc().unix_timestamp() - i64::from(paris_offset(local))
}

/// The offset of Paris from UTC, in seconds, at a local time (summer time from the last Sunday
/// of March to the last Sunday of October).
fn paris_offset(local: time::PrimitiveDateTime) -> i32 {
    use time::{Month, Weekday};
    let last_sunday = |month: Month| {
        let mut day =
            time::Date::from_calendar_date(local.year(), month, 31).unwrap_or(local.date());
        while day.weekday() != Weekday::Sunday {
            day = day.previous_day().unwrap_or(day);
        }
        day
    };
    let date = local.date();
    let summer = (date > last_sunday(Month::March)
        || (date == last_sunday(Month::March) && local.hour() >= 2))
        && (date < last_sunday(Month::October)
            || (date == last_sunday(Month::October) && local.hour() < 3));
    if summer { 7_200 } else { 3_600 }
}

/// A forum topic (its title and first message) or a reply (a message only).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MessageInput {
    #[serde(default)]
    pub title: String,
    pub body_markdown: String,
}

/// A message of the forum, checked.
pub fn parse_message(body: &str) -> Result<String, FieldError> {
    bounded("body_markdown", "Le message", body, 1, 50_000)
}

/// A topic title, checked.
pub fn parse_title(title: &str) -> Result<String, FieldError> {
    line("title", "Le titre", title, 3, 200)
}

/// A comment of a blog post, checked.
pub fn parse_comment(body: &str) -> Result<String, FieldError> {
    bounded("body", "Le commentaire", body, 1, 5_000)
}

/// The reason of a report, checked.
pub fn parse_reason(reason: &str) -> Result<String, FieldError> {
    bounded("reason", "Le motif du signalement", reason, 3, 1_000)
}

/// The name by which a person is mentioned: `@marie-curie` for Marie Curie.
pub fn handle(name: &str) -> String {
    crate::text::slugify(name)
}

/// The handles a message mentions (`@marie-curie`), each once, in order. An e-mail address is
/// not a mention.
pub fn mentions(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('@') {
        let after_word = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] >= 0x80);
        if after_word {
            continue;
        }
        let handle: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .trim_end_matches('-')
            .to_ascii_lowercase();
        if !handle.is_empty() && !found.contains(&handle) {
            found.push(handle);
        }
    }
    found
}

/// A quoted message as Markdown: the author's name, then each line after `> `.
pub fn quote(author: &str, body: &str) -> String {
    let mut out = format!("> **{author}** a écrit :\n>\n");
    for line in body.lines() {
        out.push_str("> ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_visibility_codes() {
        for role in SPACE_ROLES {
            assert_eq!(SpaceRole::from_code(role.code()), Some(role));
        }
        for visibility in SPACE_VISIBILITIES {
            assert_eq!(
                SpaceVisibility::from_code(visibility.code()),
                Some(visibility)
            );
        }
        assert!(SpaceRole::Moderator.moderates() && !SpaceRole::Member.moderates());
        assert!(SpaceRole::Member.writes() && !SpaceRole::Reader.writes());
        assert_eq!(SpaceRole::from_code("admin"), None);
    }

    #[test]
    fn space_input() {
        let ok = SpaceContent::parse(
            &SpaceInput {
                name: "  Réseau des écoles du Val  ".into(),
                visibility: "territory".into(),
                ..SpaceInput::default()
            },
            true,
        );
        assert_eq!(
            ok.map(|s| (s.name, s.visibility, s.kind)),
            Ok((
                "Réseau des écoles du Val".to_owned(),
                SpaceVisibility::Territory,
                SpaceKind::Territory
            ))
        );
        let no_territory = SpaceContent::parse(
            &SpaceInput {
                name: "Groupe".into(),
                visibility: "territory".into(),
                ..SpaceInput::default()
            },
            false,
        );
        assert_eq!(no_territory.map_err(|e| e.field), Err("visibility"));
        let short = SpaceContent::parse(
            &SpaceInput {
                name: "ab".into(),
                ..SpaceInput::default()
            },
            false,
        );
        assert_eq!(
            short.map_err(|e| e.message),
            Err("Le nom compte au moins 3 caractères".to_owned())
        );
        let unknown = SpaceContent::parse(
            &SpaceInput {
                name: "Groupe".into(),
                visibility: "public".into(),
                ..SpaceInput::default()
            },
            false,
        );
        assert_eq!(unknown.map_err(|e| e.field), Err("visibility"));
    }

    #[test]
    fn posts_and_schedules() {
        let now = 1_790_000_000; // 21 September 2026
        let input = |publication: &str, at: &str| PostInput {
            title: "Sortie au musée".into(),
            body_markdown: "Compte rendu".into(),
            publication: publication.into(),
            publish_at: at.into(),
        };
        assert_eq!(
            PostContent::parse(&input("", ""), now).map(|p| p.publication),
            Ok(Publication::Draft)
        );
        assert_eq!(
            PostContent::parse(&input("maintenant", ""), now).map(|p| p.publication),
            Ok(Publication::Now)
        );
        // 1 December 2026 08:30 in Paris is 07:30 UTC (winter time).
        assert_eq!(
            PostContent::parse(&input("programme", "2026-12-01T08:30"), now).map(|p| p.publication),
            Ok(Publication::At(1_796_110_200))
        );
        // 1 July 2027 08:30 in Paris is 06:30 UTC (summer time).
        assert_eq!(parse_datetime("2027-07-01T08:30"), Some(1_814_423_400));
        assert_eq!(
            PostContent::parse(&input("programme", "2020-01-01T08:00"), now).map_err(|e| e.field),
            Err("publish_at")
        );
        assert_eq!(
            PostContent::parse(&input("programme", "demain"), now).map_err(|e| e.field),
            Err("publish_at")
        );
        assert_eq!(
            PostContent::parse(&input("bientot", ""), now).map_err(|e| e.field),
            Err("publication")
        );
    }

    #[test]
    fn paris_times() {
        let t = paris_time(1_796_110_200).map(|t| (t.hour(), t.minute()));
        assert_eq!(t, Some((8, 30)));
        let t = paris_time(1_814_423_400).map(|t| (t.hour(), t.minute()));
        assert_eq!(t, Some((8, 30)));
    }

    #[test]
    fn mentions_are_handles_not_addresses() {
        assert_eq!(
            mentions(
                "Merci @marie-curie et @Jean-Moulin, cf. contact@ac-lille.fr ; @marie-curie encore. @"
            ),
            vec!["marie-curie", "jean-moulin"]
        );
        assert_eq!(handle("Marie-Élise Lefèvre"), "marie-elise-lefevre");
        assert!(mentions("écrire à é@x").is_empty());
    }

    #[test]
    fn quotes_and_sizes() {
        assert_eq!(
            quote("Marie Curie", "Bonjour\nà tous"),
            "> **Marie Curie** a écrit :\n>\n> Bonjour\n> à tous\n\n"
        );
        assert_eq!(format_bytes(512), "512 octets");
        assert_eq!(format_bytes(1536), "1,5 Kio");
        assert_eq!(format_bytes(5 * 1024 * 1024 * 1024), "5 Gio");
    }
}
