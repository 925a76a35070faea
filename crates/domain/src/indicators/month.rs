//! Months, the step of the map's time slider and of the indicators' periods.

use time::{Date, Month as CalendarMonth, OffsetDateTime};

/// The French names of the months, January first.
pub const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

const FIRST_YEAR: i32 = 2000;
const LAST_YEAR: i32 = 2100;

/// A calendar month, counted from January 2000 (`2026-03` is 314).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(u16);

impl Month {
    pub fn new(year: i32, month: u8) -> Option<Self> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        u16::try_from((year - FIRST_YEAR) * 12 + i32::from(month) - 1)
            .ok()
            .map(Self)
    }

    /// Parses `AAAA-MM` (what `<input type="month">` sends).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        text.split_once('-')
            .and_then(|(y, m)| {
                let year = y.parse().ok()?;
                let month = m.parse().ok()?;
                (y.len() == 4 && m.len() == 2).then_some(())?;
                Self::new(year, month)
            })
            .ok_or_else(|| format!("« {text} » n'est pas un mois (AAAA-MM, par exemple 2026-03)"))
    }

    /// The month of a Unix time (UTC); times before 2000 count as January 2000, after 2100
    /// as December 2100.
    pub fn of_unix(at: i64) -> Self {
        let date = OffsetDateTime::from_unix_timestamp(at)
            .map(|t| t.date())
            .unwrap_or(Date::MIN);
        match date.year() {
            y if y < FIRST_YEAR => Self(0),
            y if y > LAST_YEAR => Self::new(LAST_YEAR, 12).unwrap_or(Self(0)),
            y => Self::new(y, u8::from(date.month())).unwrap_or(Self(0)),
        }
    }

    pub fn index(self) -> u16 {
        self.0
    }

    pub fn from_index(index: u16) -> Option<Self> {
        let month = Self(index);
        (month.year() <= LAST_YEAR).then_some(month)
    }

    pub fn year(self) -> i32 {
        FIRST_YEAR + i32::from(self.0 / 12)
    }

    /// 1 to 12.
    pub fn number(self) -> u8 {
        (self.0 % 12) as u8 + 1
    }

    /// The next month.
    pub fn succ(self) -> Self {
        Self(self.0.saturating_add(1))
    }

    /// `2026-03`.
    pub fn code(self) -> String {
        format!("{}-{:02}", self.year(), self.number())
    }

    /// `mars 2026`.
    pub fn label(self) -> String {
        format!(
            "{} {}",
            MONTHS_FR[usize::from(self.number()) - 1],
            self.year()
        )
    }

    /// The Unix time of its first day, 00:00 UTC.
    pub fn start(self) -> i64 {
        CalendarMonth::try_from(self.number())
            .ok()
            .and_then(|m| Date::from_calendar_date(self.year(), m, 1).ok())
            .map(|d| d.midnight().assume_utc().unix_timestamp())
            .unwrap_or_default()
    }

    /// The months from `self` to `last`, both included.
    pub fn through(self, last: Self) -> impl Iterator<Item = Self> {
        (self.0..=last.0).map(Self)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)] // DESIGN.md habit 9: denied outside tests.
mod tests {
    use super::*;

    #[test]
    fn months_read_and_write_as_the_month_input_does() {
        let march = Month::parse("2026-03").unwrap();
        assert_eq!(march.code(), "2026-03");
        assert_eq!(march.label(), "mars 2026");
        assert_eq!(march.succ().label(), "avril 2026");
        assert_eq!(Month::parse("2026-12").unwrap().succ().code(), "2027-01");
        for bad in [
            "2026-13", "2026-00", "26-03", "mars", "2026-3", "1999-12", "",
        ] {
            let error = Month::parse(bad).unwrap_err();
            assert!(error.contains("n'est pas un mois"), "{bad}: {error}");
        }
    }

    #[test]
    fn a_unix_time_falls_in_its_utc_month() {
        let start = Month::parse("2026-03").unwrap().start();
        assert_eq!(Month::of_unix(start).code(), "2026-03");
        assert_eq!(Month::of_unix(start - 1).code(), "2026-02");
        assert_eq!(Month::of_unix(0).code(), "2000-01");
        let months: Vec<String> = Month::parse("2025-11")
            .unwrap()
            .through(Month::parse("2026-02").unwrap())
            .map(Month::code)
            .collect();
        assert_eq!(months, ["2025-11", "2025-12", "2026-01", "2026-02"]);
    }
}
