//! The instances and working groups of a territory (seed 001): the steering group and its
//! seats, the operational group, the working groups 1 (one per establishment), 2 and 3 (by
//! theme), each with members and a space of its own.

use crate::practices::FieldError;

/// What kind of group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GroupKind {
    Steering,
    Operational,
    Working1,
    Working2,
    Working3,
}

impl GroupKind {
    pub const ALL: [Self; 5] = [
        Self::Steering,
        Self::Operational,
        Self::Working1,
        Self::Working2,
        Self::Working3,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Steering => "pilotage",
            Self::Operational => "operationnel",
            Self::Working1 => "gt1",
            Self::Working2 => "gt2",
            Self::Working3 => "gt3",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Steering => "Groupe de pilotage du réseau",
            Self::Operational => "Groupe opérationnel du réseau",
            Self::Working1 => "Groupe de travail 1",
            Self::Working2 => "Groupe de travail 2",
            Self::Working3 => "Groupe de travail 3",
        }
    }

    /// Who sits in it, after the seed.
    pub fn about(self) -> &'static str {
        match self {
            Self::Steering => {
                "Personnels de direction (2), IEN, collectivités (2), représentants des principales structures partenaires (2), représentants des enseignants (2)."
            }
            Self::Operational => {
                "Représentants par établissement, directeurs d'écoles, représentants des structures, techniciens des collectivités, représentants des enseignants."
            }
            Self::Working1 => {
                "Groupe informel d'un établissement : l'équipe de direction avec quelques professeurs impliqués, et des partenaires du territoire."
            }
            Self::Working2 => {
                "Enseignants du 1er et du 2nd degré et partenaires clés du territoire."
            }
            Self::Working3 => {
                "Groupe thématique : expérimentations pédagogiques, reddition des comptes, projet collectif, groupe des élèves…"
            }
        }
    }

    /// One per territory (the instances), or as many as wanted (the working groups).
    pub fn single(self) -> bool {
        matches!(self, Self::Steering | Self::Operational)
    }

    /// The seats of the instance: (code, label, how many; 0: as many as needed).
    pub fn seats(self) -> &'static [(&'static str, &'static str, usize)] {
        match self {
            Self::Steering => &STEERING_SEATS,
            Self::Operational => &OPERATIONAL_SEATS,
            _ => &[("membre", "Membres", 0)],
        }
    }
}

/// The steering group's composition (seed 001).
pub const STEERING_SEATS: [(&str, &str, usize); 5] = [
    ("perdir", "Personnels de direction", 2),
    ("ien", "IEN", 1),
    ("collectivite", "Collectivités", 2),
    (
        "structure",
        "Représentants des principales structures partenaires",
        2,
    ),
    ("enseignant", "Représentants des enseignants", 2),
];

/// The operational group's composition (seed 001).
pub const OPERATIONAL_SEATS: [(&str, &str, usize); 5] = [
    ("etablissement", "Représentants par établissement", 0),
    ("directeur", "Directeurs d'écoles", 0),
    ("structure", "Représentants des structures", 0),
    ("technicien", "Techniciens des collectivités", 0),
    ("enseignant", "Représentants des enseignants", 0),
];

/// A seat of an instance with who holds it and how many places are left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatView {
    pub code: &'static str,
    pub label: &'static str,
    pub holders: Vec<String>,
    /// Places left to fill (none for open seats).
    pub missing: usize,
}

/// The seats of `kind` filled by `members` (seat code, name).
pub fn seats(kind: GroupKind, members: &[(String, String)]) -> Vec<SeatView> {
    kind.seats()
        .iter()
        .map(|(code, label, count)| {
            let holders: Vec<String> = members
                .iter()
                .filter(|(seat, _)| seat == code)
                .map(|(_, name)| name.clone())
                .collect();
            SeatView {
                code,
                label,
                missing: count.saturating_sub(holders.len()),
                holders,
            }
        })
        .collect()
}

/// A seat code of the group, checked.
pub fn parse_seat(kind: GroupKind, seat: &str) -> Result<&'static str, FieldError> {
    kind.seats()
        .iter()
        .find(|(code, _, _)| *code == seat.trim())
        .map(|(code, _, _)| *code)
        .ok_or_else(|| FieldError {
            field: "seat",
            message: format!("Siège inconnu pour ce groupe : « {} »", seat.trim()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steering_group_shows_its_missing_seats() {
        let members = [
            ("perdir".to_owned(), "Mme Principale".to_owned()),
            ("ien".to_owned(), "M. Inspecteur".to_owned()),
            ("collectivite".to_owned(), "Ville de Lens".to_owned()),
        ];
        let view = seats(GroupKind::Steering, &members);
        assert_eq!(view.len(), 5);
        assert_eq!((view[0].holders.len(), view[0].missing), (1, 1));
        assert_eq!(view[1].missing, 0);
        assert_eq!(view[3].missing, 2);
        assert_eq!(view.iter().map(|s| s.missing).sum::<usize>(), 6);
        let open = seats(GroupKind::Working2, &[("membre".into(), "A".into())]);
        assert_eq!((open.len(), open[0].missing), (1, 0));
        assert_eq!(parse_seat(GroupKind::Steering, "ien"), Ok("ien"));
        assert!(parse_seat(GroupKind::Steering, "maire").is_err());
        assert!(GroupKind::Steering.single() && !GroupKind::Working3.single());
    }
}

/// A meeting of a group as a form or the API sends it; times in seconds since the epoch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingInput {
    pub title: String,
    pub agenda: String,
    pub place: String,
    pub video_url: String,
    pub starts_at: i64,
    pub ends_at: i64,
}

/// A valid meeting: where (a place, a video link, or both), when (a day at most), what for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub title: String,
    pub agenda: String,
    pub place: String,
    pub video_url: String,
    pub starts_at: i64,
    pub ends_at: i64,
}

impl Meeting {
    pub fn parse(input: &MeetingInput) -> Result<Self, FieldError> {
        let error = |field, message: &str| FieldError {
            field,
            message: message.to_owned(),
        };
        let title = crate::text::one_line(&input.title);
        if !(3..=200).contains(&title.chars().count()) {
            return Err(error(
                "title",
                "L'objet de la réunion compte de 3 à 200 caractères",
            ));
        }
        let agenda = input.agenda.trim().to_owned();
        if agenda.chars().count() > 5_000 {
            return Err(error(
                "agenda",
                "L'ordre du jour compte 5 000 caractères au plus",
            ));
        }
        let (place, video_url) = venue(&input.place, &input.video_url, "la réunion")?;
        if input.ends_at <= input.starts_at {
            return Err(error("ends_at", "La réunion finit après son début"));
        }
        if input.ends_at - input.starts_at > 86_400 {
            return Err(error("ends_at", "Une réunion dure une journée au plus"));
        }
        Ok(Self {
            title,
            agenda,
            place,
            video_url,
            starts_at: input.starts_at,
            ends_at: input.ends_at,
        })
    }
}

/// Where a meeting or a training session is held (`what`: « la réunion »): a place, a video
/// link (https), or both.
pub fn venue(place: &str, video_url: &str, what: &str) -> Result<(String, String), FieldError> {
    let error = |field, message: String| FieldError { field, message };
    let place = place.trim().to_owned();
    let video_url = video_url.trim().to_owned();
    if place.is_empty() && video_url.is_empty() {
        return Err(error(
            "place",
            format!("Dites où se tient {what} : un lieu, un lien de visioconférence, ou les deux"),
        ));
    }
    if place.chars().count() > 300 {
        return Err(error(
            "place",
            "Le lieu compte 300 caractères au plus".to_owned(),
        ));
    }
    if !video_url.is_empty()
        && (!video_url.starts_with("https://")
            || video_url.len() > 500
            || video_url.contains(char::is_whitespace))
    {
        return Err(error(
            "video_url",
            "Le lien de visioconférence est une adresse https://".to_owned(),
        ));
    }
    Ok((place, video_url))
}

#[cfg(test)]
mod meetings {
    use super::*;

    #[test]
    fn a_meeting_says_where_and_lasts_a_day_at_most() {
        let input = MeetingInput {
            title: "Groupe de pilotage n° 2".into(),
            video_url: "https://visio.education.fr/meeting/123".into(),
            starts_at: 1_800_000_000,
            ends_at: 1_800_007_200,
            ..MeetingInput::default()
        };
        assert!(Meeting::parse(&input).is_ok());
        let field = |change: &dyn Fn(&mut MeetingInput)| {
            let mut i = input.clone();
            change(&mut i);
            Meeting::parse(&i).err().map(|e| e.field)
        };
        assert_eq!(field(&|i| i.video_url = String::new()), Some("place"));
        assert_eq!(
            field(&|i| i.video_url = "javascript:alert(1)".into()),
            Some("video_url")
        );
        assert_eq!(field(&|i| i.ends_at = i.starts_at), Some("ends_at"));
        assert_eq!(
            field(&|i| i.ends_at = i.starts_at + 2 * 86_400),
            Some("ends_at")
        );
        assert_eq!(field(&|i| i.title = "ab".into()), Some("title"));
        assert_eq!(
            field(&|i| {
                i.video_url = String::new();
                i.place = "Collège Jean Jaurès".into()
            }),
            None
        );
    }
}
