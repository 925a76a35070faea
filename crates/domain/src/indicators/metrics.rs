//! The catalogue of what the platform counts by itself (seed 003's criteria that are about
//! its own data: « le nombre d'unités éducatives fédérées dans un réseau et leurs
//! collaborations », « le nombre de réseaux constitués », « le nombre de communautés
//! d'apprentissage professionnelles », visits, training, « productions et échanges »), and
//! their monthly series for every scope.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::Month;
use super::map::SMALL_GROUP;

/// A metric the platform computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    FederatedEstablishments,
    Collaborations,
    NetworksFormed,
    ActiveCommunities,
    VisitsRequested,
    VisitsDone,
    TrainingNeeds,
    TrainingModules,
    PracticesPublished,
    PracticesAdopted,
    SpaceExchanges,
}

pub const METRICS: [Metric; 11] = [
    Metric::FederatedEstablishments,
    Metric::Collaborations,
    Metric::NetworksFormed,
    Metric::ActiveCommunities,
    Metric::VisitsRequested,
    Metric::VisitsDone,
    Metric::TrainingNeeds,
    Metric::TrainingModules,
    Metric::PracticesPublished,
    Metric::PracticesAdopted,
    Metric::SpaceExchanges,
];

/// How a metric's facts make its monthly value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// What happened in the month.
    Flow,
    /// The distinct subjects seen up to the end of the month.
    Cumulative,
    /// The distinct subjects seen in the month and the `n - 1` before it.
    Window(u16),
}

impl Metric {
    pub fn code(self) -> &'static str {
        match self {
            Self::FederatedEstablishments => "etablissements-federes",
            Self::Collaborations => "collaborations",
            Self::NetworksFormed => "reseaux-constitues",
            Self::ActiveCommunities => "communautes-actives",
            Self::VisitsRequested => "visites-demandees",
            Self::VisitsDone => "visites-realisees",
            Self::TrainingNeeds => "besoins-de-formation",
            Self::TrainingModules => "modules-de-formation",
            Self::PracticesPublished => "pratiques-publiees",
            Self::PracticesAdopted => "pratiques-adoptees",
            Self::SpaceExchanges => "echanges-dans-les-espaces",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        METRICS.into_iter().find(|m| m.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::FederatedEstablishments => "Établissements fédérés dans un réseau",
            Self::Collaborations => "Collaborations entre établissements",
            Self::NetworksFormed => "Réseaux constitués",
            Self::ActiveCommunities => "Communautés d'apprentissage actives",
            Self::VisitsRequested => "Visites demandées",
            Self::VisitsDone => "Visites réalisées",
            Self::TrainingNeeds => "Besoins de formation exprimés",
            Self::TrainingModules => "Modules de formation ouverts",
            Self::PracticesPublished => "Pratiques publiées",
            Self::PracticesAdopted => "Pratiques adoptées (« J'ai essayé »)",
            Self::SpaceExchanges => "Échanges dans les espaces",
        }
    }

    /// How it is counted, in French, for the dashboards.
    pub fn definition(self) -> &'static str {
        match self {
            Self::FederatedEstablishments => {
                "Établissements membres d'un territoire apprenant, à la fin du mois."
            }
            Self::Collaborations => {
                "Paires d'établissements liés dans le mois par une visite entre pairs, une co-écriture, un « J'ai essayé » ou un groupe de travail partagé."
            }
            Self::NetworksFormed => {
                "Territoires apprenants et réseaux d'enseignants constitués, à la fin du mois."
            }
            Self::ActiveCommunities => {
                "Groupes de travail qui se sont réunis au cours des trois derniers mois."
            }
            Self::VisitsRequested => {
                "Demandes de visite déposées dans le mois (par groupes d'au moins cinq)."
            }
            Self::VisitsDone => "Visites observées dans le mois (par groupes d'au moins cinq).",
            Self::TrainingNeeds => "Besoins de formation exprimés dans le mois.",
            Self::TrainingModules => "Modules de formation créés dans le mois.",
            Self::PracticesPublished => "Pratiques publiées dans le mois (hors pratiques privées).",
            Self::PracticesAdopted => "« J'ai essayé » déclarés dans le mois.",
            Self::SpaceExchanges => {
                "Billets, messages de forum et de salon écrits dans le mois dans les espaces d'échange."
            }
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Self::FederatedEstablishments => "établissements",
            Self::Collaborations => "collaborations",
            Self::NetworksFormed => "réseaux",
            Self::ActiveCommunities => "groupes",
            Self::VisitsRequested | Self::VisitsDone => "visites",
            Self::TrainingNeeds => "besoins",
            Self::TrainingModules => "modules",
            Self::PracticesPublished | Self::PracticesAdopted => "pratiques",
            Self::SpaceExchanges => "messages",
        }
    }

    pub fn aggregation(self) -> Aggregation {
        match self {
            Self::FederatedEstablishments | Self::NetworksFormed => Aggregation::Cumulative,
            Self::ActiveCommunities => Aggregation::Window(3),
            _ => Aggregation::Flow,
        }
    }

    /// Visits are shown only in groups of at least [`SMALL_GROUP`].
    pub fn confidential(self) -> bool {
        matches!(self, Self::VisitsRequested | Self::VisitsDone)
    }

    /// What a value shows: itself, or nothing below the small-group threshold for a
    /// confidential metric (zero is no one: it is shown).
    pub fn shown(self, value: i64) -> Option<i64> {
        if self.confidential() && value > 0 && (value as usize) < SMALL_GROUP {
            None
        } else {
            Some(value)
        }
    }
}

/// Where a figure is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    National,
    Academie(String),
    Departement(String),
    Territory(i64),
}

impl Scope {
    /// `national`, `academie:06`, `departement:62`, `territoire:12`.
    pub fn code(&self) -> String {
        match self {
            Self::National => "national".to_owned(),
            Self::Academie(c) => format!("academie:{c}"),
            Self::Departement(c) => format!("departement:{c}"),
            Self::Territory(id) => format!("territoire:{id}"),
        }
    }

    pub fn parse(code: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "périmètre « {code} » inconnu (national, academie:06, departement:62 ou territoire:12)"
            )
        };
        match code.trim().split_once(':') {
            None if code.trim() == "national" => Ok(Self::National),
            Some(("academie", c)) if !c.is_empty() && c.len() <= 3 => {
                Ok(Self::Academie(c.to_owned()))
            }
            Some(("departement", c)) => crate::directory::geo::normalize_departement(c)
                .map(Self::Departement)
                .ok_or_else(bad),
            Some(("territoire", id)) => id
                .parse()
                .ok()
                .filter(|id| *id > 0)
                .map(Self::Territory)
                .ok_or_else(bad),
            _ => Err(bad()),
        }
    }
}

/// Something that counts for a metric: its subject (what is counted distinctly: an
/// establishment, a group, a pair…), its month, and where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub metric: Metric,
    pub subject: i64,
    pub month: Month,
    /// The establishments it happened at (both ends of a collaboration).
    pub establishments: Vec<i64>,
    /// The territories it belongs to directly (a network, a group, a territory joined).
    pub territories: Vec<i64>,
}

/// Where establishments and territories are.
#[derive(Debug, Clone, Default)]
pub struct Geography {
    /// An establishment's département and académie.
    pub establishments: HashMap<i64, (String, String)>,
    /// The territories an establishment belongs to.
    pub memberships: HashMap<i64, Vec<i64>>,
    /// A territory's département and académie (those of most of its establishments).
    pub territories: HashMap<i64, (String, String)>,
}

impl Geography {
    /// The scopes a fact counts in: every scope of its establishments and territories, and
    /// the nation.
    fn scopes(&self, fact: &Fact) -> HashSet<Scope> {
        let mut scopes = HashSet::from([Scope::National]);
        let mut place = |(d, a): &(String, String)| {
            scopes.insert(Scope::Departement(d.clone()));
            scopes.insert(Scope::Academie(a.clone()));
        };
        for e in &fact.establishments {
            if let Some(where_) = self.establishments.get(e) {
                place(where_);
            }
        }
        for t in &fact.territories {
            if let Some(where_) = self.territories.get(t) {
                place(where_);
            }
        }
        for e in &fact.establishments {
            for t in self.memberships.get(e).into_iter().flatten() {
                scopes.insert(Scope::Territory(*t));
            }
        }
        for t in &fact.territories {
            scopes.insert(Scope::Territory(*t));
        }
        scopes
    }
}

/// The monthly values of every metric in every scope, from `first` to `last`: the months
/// with a value (a cumulative or window metric has one every month once it started).
pub type Series = HashMap<(Scope, Metric), BTreeMap<Month, i64>>;

pub fn series(facts: &[Fact], geography: &Geography, first: Month, last: Month) -> Series {
    // The subjects of each scope and metric, by month.
    let mut seen: HashMap<(Scope, Metric), BTreeMap<Month, HashSet<i64>>> = HashMap::new();
    let mut flows: HashMap<(Scope, Metric), BTreeMap<Month, i64>> = HashMap::new();
    for fact in facts {
        for scope in geography.scopes(fact) {
            let key = (scope, fact.metric);
            match fact.metric.aggregation() {
                Aggregation::Flow => {
                    if (first..=last).contains(&fact.month) {
                        *flows.entry(key).or_default().entry(fact.month).or_default() += 1;
                    }
                }
                Aggregation::Cumulative | Aggregation::Window(_) => {
                    seen.entry(key)
                        .or_default()
                        .entry(fact.month)
                        .or_default()
                        .insert(fact.subject);
                }
            }
        }
    }
    let mut out: Series = flows;
    for ((scope, metric), months) in seen {
        let mut values = BTreeMap::new();
        match metric.aggregation() {
            Aggregation::Cumulative => {
                let mut so_far: HashSet<i64> = HashSet::new();
                let mut pending = months.iter().peekable();
                for month in first_month(&months, first).through(last) {
                    while let Some((_, subjects)) = pending.next_if(|(m, _)| **m <= month) {
                        so_far.extend(subjects);
                    }
                    if month >= first && !so_far.is_empty() {
                        values.insert(month, so_far.len() as i64);
                    }
                }
            }
            Aggregation::Window(n) => {
                for month in first.through(last) {
                    let from =
                        Month::from_index(month.index().saturating_sub(n - 1)).unwrap_or(month);
                    let active: HashSet<i64> = months
                        .range(from..=month)
                        .flat_map(|(_, s)| s.iter().copied())
                        .collect();
                    if !active.is_empty() {
                        values.insert(month, active.len() as i64);
                    }
                }
            }
            Aggregation::Flow => {}
        }
        out.insert((scope, metric), values);
    }
    out
}

/// The earliest month to walk from: the first fact's, or `first` if later facts only.
fn first_month(months: &BTreeMap<Month, HashSet<i64>>, first: Month) -> Month {
    months
        .keys()
        .next()
        .copied()
        .map_or(first, |m| m.min(first))
}

/// Which way a series goes: its last value against the one twelve months before (or its
/// first, when younger).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Up,
    Down,
    Steady,
}

impl Trend {
    pub fn of(values: &[(Month, f64)]) -> Option<Self> {
        Self::against(values).map(|(trend, _)| trend)
    }

    /// The trend and the value it is measured against: the value of the same month a year
    /// before the last, or else the earliest of the twelve months before it; none when the
    /// series has no value in those twelve months.
    pub fn against(values: &[(Month, f64)]) -> Option<(Self, (Month, f64))> {
        let (last_month, last) = *values.last()?;
        let year_before = Month::from_index(last_month.index().saturating_sub(12))?;
        let (since, before) = values
            .iter()
            .find(|(m, _)| *m >= year_before)
            .copied()
            .filter(|(m, _)| *m < last_month)?;
        let trend = if (last - before).abs() < f64::EPSILON {
            Self::Steady
        } else if last > before {
            Self::Up
        } else {
            Self::Down
        };
        Some((trend, (since, before)))
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Up => "en hausse",
            Self::Down => "en baisse",
            Self::Steady => "stable",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // DESIGN.md habit 9: denied outside tests.
mod tests {
    use super::*;

    fn month(code: &str) -> Month {
        Month::parse(code).unwrap()
    }

    fn fact(
        metric: Metric,
        subject: i64,
        m: &str,
        establishments: &[i64],
        territories: &[i64],
    ) -> Fact {
        Fact {
            metric,
            subject,
            month: month(m),
            establishments: establishments.to_vec(),
            territories: territories.to_vec(),
        }
    }

    /// Establishments 1 and 2 in Arras (62, académie 09), 3 in Clermont (63, académie 06);
    /// territory 7 holds 1 and 2.
    fn geography() -> Geography {
        Geography {
            establishments: HashMap::from([
                (1, ("62".to_owned(), "09".to_owned())),
                (2, ("62".to_owned(), "09".to_owned())),
                (3, ("63".to_owned(), "06".to_owned())),
            ]),
            memberships: HashMap::from([(1, vec![7]), (2, vec![7])]),
            territories: HashMap::from([(7, ("62".to_owned(), "09".to_owned()))]),
        }
    }

    #[test]
    fn flows_count_per_month_and_scope() {
        let facts = vec![
            fact(Metric::PracticesPublished, 10, "2026-01", &[1], &[]),
            fact(Metric::PracticesPublished, 11, "2026-01", &[3], &[]),
            fact(Metric::PracticesPublished, 12, "2026-03", &[2], &[]),
            fact(Metric::PracticesPublished, 13, "2025-01", &[2], &[]),
        ];
        let s = series(&facts, &geography(), month("2026-01"), month("2026-06"));
        let values = |scope: Scope| -> Vec<(String, i64)> {
            s.get(&(scope, Metric::PracticesPublished))
                .map(|v| v.iter().map(|(m, n)| (m.code(), *n)).collect())
                .unwrap_or_default()
        };
        assert_eq!(
            values(Scope::National),
            [("2026-01".to_owned(), 2), ("2026-03".to_owned(), 1)]
        );
        assert_eq!(
            values(Scope::Territory(7)),
            [("2026-01".to_owned(), 1), ("2026-03".to_owned(), 1)]
        );
        assert_eq!(
            values(Scope::Departement("63".to_owned())),
            [("2026-01".to_owned(), 1)]
        );
        assert_eq!(
            values(Scope::Academie("09".to_owned())).len(),
            2,
            "the 2025 one is out of range"
        );
    }

    #[test]
    fn cumulative_metrics_count_distinct_subjects_to_date() {
        // Establishment 1 joins territory 7 in January, and again another territory in
        // March (still one establishment); 2 joins in February.
        let facts = vec![
            fact(Metric::FederatedEstablishments, 1, "2025-11", &[1], &[7]),
            fact(Metric::FederatedEstablishments, 1, "2026-03", &[1], &[8]),
            fact(Metric::FederatedEstablishments, 2, "2026-02", &[2], &[7]),
        ];
        let s = series(&facts, &geography(), month("2026-01"), month("2026-04"));
        let national: Vec<i64> = s[&(Scope::National, Metric::FederatedEstablishments)]
            .values()
            .copied()
            .collect();
        assert_eq!(national, [1, 2, 2, 2], "from before the range, distinct");
        let eight: Vec<(String, i64)> = s[&(Scope::Territory(8), Metric::FederatedEstablishments)]
            .iter()
            .map(|(m, n)| (m.code(), *n))
            .collect();
        assert_eq!(
            eight,
            [("2026-03".to_owned(), 1), ("2026-04".to_owned(), 1)]
        );
    }

    #[test]
    fn communities_are_active_three_months_after_a_meeting() {
        let facts = vec![
            fact(Metric::ActiveCommunities, 100, "2026-01", &[], &[7]),
            fact(Metric::ActiveCommunities, 100, "2026-02", &[], &[7]),
            fact(Metric::ActiveCommunities, 101, "2026-02", &[], &[7]),
        ];
        let s = series(&facts, &geography(), month("2026-01"), month("2026-06"));
        let values: Vec<(String, i64)> = s[&(Scope::Territory(7), Metric::ActiveCommunities)]
            .iter()
            .map(|(m, n)| (m.code(), *n))
            .collect();
        assert_eq!(
            values,
            [
                ("2026-01".to_owned(), 1),
                ("2026-02".to_owned(), 2),
                ("2026-03".to_owned(), 2),
                ("2026-04".to_owned(), 2)
            ]
        );
        // The territory's groups count in its département too.
        assert!(s.contains_key(&(
            Scope::Departement("62".to_owned()),
            Metric::ActiveCommunities
        )));
    }

    #[test]
    fn visits_hide_below_five_but_zero_shows() {
        assert_eq!(Metric::VisitsDone.shown(0), Some(0));
        assert_eq!(Metric::VisitsDone.shown(4), None);
        assert_eq!(Metric::VisitsDone.shown(5), Some(5));
        assert_eq!(Metric::PracticesPublished.shown(1), Some(1));
    }

    #[test]
    fn scopes_read_and_write() {
        for code in [
            "national",
            "academie:06",
            "departement:62",
            "territoire:12",
            "departement:2A",
        ] {
            assert_eq!(Scope::parse(code).unwrap().code(), code);
        }
        for bad in [
            "",
            "territoire:x",
            "territoire:0",
            "departement:999",
            "canton:1",
        ] {
            assert!(
                Scope::parse(bad).unwrap_err().contains("périmètre"),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_trend_compares_with_a_year_before() {
        let v = |pairs: &[(&str, f64)]| {
            pairs
                .iter()
                .map(|(m, n)| (month(m), *n))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            Trend::of(&v(&[("2025-03", 2.0), ("2026-03", 5.0)])),
            Some(Trend::Up)
        );
        assert_eq!(
            Trend::of(&v(&[("2025-06", 5.0), ("2026-03", 5.0)])),
            Some(Trend::Steady)
        );
        assert_eq!(
            Trend::of(&v(&[("2024-01", 9.0), ("2025-09", 4.0), ("2026-03", 2.0)])),
            Some(Trend::Down)
        );
        assert_eq!(Trend::of(&v(&[("2026-03", 2.0)])), None);
        assert_eq!(
            Metric::from_code("visites-realisees"),
            Some(Metric::VisitsDone)
        );
    }
}
