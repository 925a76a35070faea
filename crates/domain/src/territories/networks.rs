//! Networks of innovating teachers over three years (seed 002, « Mission innovation 27 »):
//! year 1 a mutualisation group, year 2 continued with a CPC for those who wish, year 3
//! *passeurs d'expériences* who relay in their territory.

/// The school year of a moment: the calendar year of its September (2026 for 2026-2027).
pub fn school_year(at: i64) -> i32 {
    time::OffsetDateTime::from_unix_timestamp(at).map_or(1970, |t| {
        if u8::from(t.month()) >= 9 {
            t.year()
        } else {
            t.year() - 1
        }
    })
}

/// Where a member stands in the network's three years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Year 1: the mutualisation group.
    Mutualisation,
    /// Year 2: continued with the help of a CPC.
    WithCpc,
    /// Year 3 and after: a relay in their territory.
    Passeur,
}

impl Stage {
    /// The stage of someone who joined in the school year `joined`, in the school year `now`
    /// (none before they joined).
    pub fn of(joined: i32, now: i32) -> Option<Self> {
        match now - joined {
            ..0 => None,
            0 => Some(Self::Mutualisation),
            1 => Some(Self::WithCpc),
            _ => Some(Self::Passeur),
        }
    }

    /// Its name in the API.
    pub fn code(self) -> &'static str {
        match self {
            Self::Mutualisation => "mutualisation",
            Self::WithCpc => "cpc",
            Self::Passeur => "passeur",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Mutualisation => "Année 1 — groupe de mutualisation",
            Self::WithCpc => "Année 2 — poursuite avec un conseiller pédagogique",
            Self::Passeur => "Année 3 — passeur d'expériences",
        }
    }
}

/// How many members are at each stage, in order.
pub fn cohorts(joined: &[i32], now: i32) -> [usize; 3] {
    let mut counts = [0; 3];
    for stage in joined.iter().filter_map(|j| Stage::of(*j, now)) {
        counts[stage as usize] += 1;
    }
    counts
}

/// A network's name, tidied: 3 to 120 characters.
pub fn parse_name(text: &str) -> Result<String, String> {
    let name = crate::text::one_line(text);
    if (3..=120).contains(&name.chars().count()) {
        Ok(name)
    } else {
        Err("le nom du réseau compte de 3 à 120 caractères".to_owned())
    }
}

/// The school year someone joined, as typed (« 2025 » or « 2025-2026 »), checked against the
/// current school year `now`: not in the future, and at most ten years back.
pub fn parse_joined(text: &str, now: i32) -> Result<i32, String> {
    let text = text.trim();
    let year = text
        .split_once('-')
        .map_or(text, |(start, _)| start)
        .trim()
        .parse::<i32>()
        .map_err(|_| {
            format!(
                "« {text} » n'est pas une année scolaire (par exemple {})",
                school_year_label(now)
            )
        })?;
    if year > now {
        Err(format!(
            "on ne peut pas entrer dans le réseau après l'année scolaire en cours ({})",
            school_year_label(now)
        ))
    } else if year < now - 10 {
        Err(format!(
            "{} : c'est plus de dix ans en arrière",
            school_year_label(year)
        ))
    } else {
        Ok(year)
    }
}

/// A school year as people write it: « 2026-2027 ».
pub fn school_year_label(year: i32) -> String {
    format!("{year}-{}", year + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_years_from_mutualisation_to_passeur() {
        assert_eq!(Stage::of(2026, 2025), None);
        assert_eq!(Stage::of(2026, 2026), Some(Stage::Mutualisation));
        assert_eq!(Stage::of(2025, 2026), Some(Stage::WithCpc));
        assert_eq!(Stage::of(2024, 2026), Some(Stage::Passeur));
        assert_eq!(Stage::of(2020, 2026), Some(Stage::Passeur));
        assert_eq!(cohorts(&[2026, 2026, 2025, 2023, 2027], 2026), [2, 1, 1]);
        assert_eq!(school_year_label(2026), "2026-2027");
        assert_eq!(Stage::Passeur.label(), "Année 3 — passeur d'expériences");
    }

    #[test]
    fn names_and_years_as_typed() {
        assert_eq!(
            parse_name("  Les   partages "),
            Ok("Les partages".to_owned())
        );
        assert!(parse_name("ab").is_err());
        assert_eq!(parse_joined("2025", 2026), Ok(2025));
        assert_eq!(parse_joined(" 2024-2025 ", 2026), Ok(2024));
        assert!(parse_joined("2027", 2026).is_err_and(|e| e.contains("2026-2027")));
        assert!(parse_joined("2015", 2026).is_err());
        assert!(parse_joined("l'an dernier", 2026).is_err_and(|e| e.contains("n'est pas")));
    }

    #[test]
    fn the_school_year_turns_in_september() {
        // 2026-08-31 12:00 UTC and 2026-09-01 12:00 UTC.
        assert_eq!(school_year(1_788_177_600), 2025);
        assert_eq!(school_year(1_788_264_000), 2026);
    }
}
