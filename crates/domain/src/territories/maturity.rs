//! The maturity grid of a territory (seed 004, « Fiche 4 — lancement, structuration et
//! avancée d'un territoire apprenant vers un réseau »): five dimensions, five levels, with
//! the seed's descriptors word for word; individual answers, their spread, and the radar
//! chart that compares two assessments.

use std::collections::BTreeMap;

/// A level of the grid, 1 to 5.
pub type Level = u8;

/// The five levels' names.
pub const LEVELS: [&str; 5] = [
    "Collection de professionnels",
    "Collectif émergent / établissement",
    "Collectif implanté / établissement",
    "Collectif émergent réseau / entre certains établissements / écoles",
    "Réseau de réflexion et de travail",
];

/// One dimension (« acteurs ») of the grid and what each level means for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Dimension {
    /// Its key in the API and the forms.
    pub key: &'static str,
    pub name: &'static str,
    /// A short name for the chart.
    pub short: &'static str,
    /// The descriptors of levels 1 to 5.
    pub descriptors: [&'static str; 5],
}

/// The grid, as the seed writes it.
pub const GRID: [Dimension; 5] = [
    Dimension {
        key: "collectif",
        name: "Collectif (ensemble des acteurs en établissement : enseignants, CPE) avec vocation à s'élargir",
        short: "Collectif",
        descriptors: [
            "Échanges informels, actions individuelles ou collectives non structurées (selon les offres et les envies)",
            "Coordination informelle du travail collectif : groupes disciplinaires, projets interdisciplinaires...",
            "Émergence de groupes de travail et de réflexion autour d'actions et de dispositifs",
            "Structuration d'espaces, de temps, de méthodes et de ressources dédiés au collectif. Émergence d'un consensus autour d'un questionnement collectif commun",
            "Construction d'un répertoire et d'outils partagés et partageables Mise en œuvre d'actions collectives autour d'une problématique commune",
        ],
    },
    Dimension {
        key: "equipe-direction",
        name: "Équipe de direction",
        short: "Équipe de direction",
        descriptors: [
            "Pilotage par le prescrit et les moyens, réponses aux demandes",
            "Promotion de la coopération",
            "Coordination explicite des tâches, officialisation des rôles et des instances de l'établissement",
            "Émergence de choix communs qui répondent à une problématique partagée entre établissements, écoles, ...",
            "Leadership systémique, multiscalaire, articulation avec les acteurs locaux, académiques, nationaux. Installation d'instances (groupe de pilotage, ...)",
        ],
    },
    Dimension {
        key: "objets-travail",
        name: "Objets de travail",
        short: "Objets de travail",
        descriptors: [
            "Concertation ponctuelle pour harmonisation administrative des actions",
            "Projets ponctuels et fragmentés",
            "Émergence d'une réflexion et d'un questionnement autour d'objets de travail communs",
            "Identification d'objets de métier partagés : didactiques, pédagogiques, éducatifs, en lien avec un questionnement collectif",
            "Formulation d'un plan d'action, selon le contexte local, opérationnalisé en objectifs et articulé à des critères et des modes d'évaluation",
        ],
    },
    Dimension {
        key: "partenaires",
        name: "Partenaires (structure, collectivité...)",
        short: "Partenaires",
        descriptors: [
            "Offre et demande",
            "Rencontre et construction avec certains enseignants",
            "Intégré dans la réflexion de l'établissement",
            "Mènent une réflexion partagée entre certains établissements. Émergence de co-constructions, et d'instances de concertation",
            "Participent aux instances de décision, réflexion, co-construction en lien avec la problématique du territoire",
        ],
    },
    Dimension {
        key: "structuration",
        name: "Structuration du territoire / réseau",
        short: "Structuration",
        descriptors: [
            "Rencontres informelles lors d'actions du territoire. Bassin pour les chefs d'établissement... Forum des métiers...",
            "Intérêt pour le territoire, ses ressources de manière individuelle",
            "Chaque établissement a mis en place des relations particulières avec des ressources du territoire",
            "Organisation de ressources entre acteurs du territoire en relations duelles fondées sur l'activité des élèves, des enfants, jeunes ... (ex CTEAC)",
            "Fonctionnement collectif à travers des instances regroupant l'ensemble des acteurs. Les choix sont pensés collectivement et répondent à une problématique commune",
        ],
    },
];

/// The spread of individual answers is shown from this many answers on, so that no answer
/// can be told apart from the others.
pub const SPREAD_MIN_ANSWERS: usize = 3;

/// The dimension of a key.
pub fn dimension(key: &str) -> Option<&'static Dimension> {
    GRID.iter().find(|d| d.key == key)
}

fn short(key: &str) -> &'static str {
    dimension(key).map_or("", |d| d.short)
}

/// The name of a level (1 to 5).
pub fn level_name(level: Level) -> &'static str {
    LEVELS
        .get(usize::from(level).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

/// A level for each dimension of the grid, in the grid's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels(pub [Level; 5]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaturityError {
    #[error("la dimension « {0} » n'existe pas dans la grille")]
    UnknownDimension(String),
    #[error("donnez un niveau de 1 à 5 pour « {} »", short(.0))]
    Missing(&'static str),
    #[error("le niveau de « {} » doit être compris entre 1 et 5", short(.0))]
    OutOfRange(&'static str),
    #[error("les éléments de preuve de « {} » ne doivent pas dépasser 5 000 caractères", short(.0))]
    Evidence(&'static str),
}

impl MaturityError {
    /// The dimension the error is about, for the form field to mark.
    pub fn field(&self) -> &str {
        match self {
            Self::UnknownDimension(key) => key,
            Self::Missing(key) | Self::OutOfRange(key) | Self::Evidence(key) => key,
        }
    }
}

impl Levels {
    /// Levels from `dimension key → level`: every dimension, each 1 to 5, nothing else.
    pub fn parse<'a>(
        levels: impl IntoIterator<Item = (&'a str, i64)>,
    ) -> Result<Self, MaturityError> {
        let mut found: [Option<Level>; 5] = [None; 5];
        for (key, level) in levels {
            let index = GRID
                .iter()
                .position(|d| d.key == key)
                .ok_or_else(|| MaturityError::UnknownDimension(key.to_owned()))?;
            let level = Level::try_from(level)
                .ok()
                .filter(|l| (1..=5).contains(l))
                .ok_or(MaturityError::OutOfRange(GRID[index].key))?;
            found[index] = Some(level);
        }
        let mut levels = [0; 5];
        for (index, level) in found.into_iter().enumerate() {
            levels[index] = level.ok_or(MaturityError::Missing(GRID[index].key))?;
        }
        Ok(Self(levels))
    }

    /// Levels as a form sends them (`collectif=3`…): a missing or unreadable level is an
    /// error on its dimension.
    pub fn parse_form(form: &BTreeMap<String, String>) -> Result<Self, MaturityError> {
        let mut pairs = Vec::with_capacity(GRID.len());
        for d in &GRID {
            let value = form.get(d.key).map(|v| v.trim()).unwrap_or("");
            if value.is_empty() {
                return Err(MaturityError::Missing(d.key));
            }
            let level = value
                .parse::<i64>()
                .map_err(|_| MaturityError::OutOfRange(d.key))?;
            pairs.push((d.key, level));
        }
        Self::parse(pairs)
    }

    /// `dimension key → level`, as the API writes it.
    pub fn to_map(self) -> BTreeMap<&'static str, Level> {
        GRID.iter().map(|d| d.key).zip(self.0).collect()
    }
}

/// The evidence of agreed levels, one Markdown text per dimension in the grid's order (links to
/// practices, actions, visits), trimmed, 5,000 characters at most each.
pub fn parse_evidence(texts: [&str; 5]) -> Result<[String; 5], MaturityError> {
    let mut evidence: [String; 5] = Default::default();
    for ((slot, text), d) in evidence.iter_mut().zip(texts).zip(&GRID) {
        let text = text.trim();
        if text.chars().count() > 5_000 {
            return Err(MaturityError::Evidence(d.key));
        }
        *slot = text.to_owned();
    }
    Ok(evidence)
}

/// How the individual answers of one dimension spread over the five levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spread {
    /// Answers at levels 1 to 5.
    pub counts: [u32; 5],
}

impl Spread {
    /// The spread of each dimension over `answers`.
    pub fn of(answers: &[Levels]) -> [Spread; 5] {
        let mut spreads = [Spread::default(); 5];
        for answer in answers {
            for (spread, level) in spreads.iter_mut().zip(answer.0) {
                if let Some(count) = spread.counts.get_mut(usize::from(level).wrapping_sub(1)) {
                    *count += 1;
                }
            }
        }
        spreads
    }

    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// The median level (the lower one when two are in the middle), if any answer.
    pub fn median(&self) -> Option<Level> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let half = total.div_ceil(2);
        let mut seen = 0;
        for (index, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= half {
                return Level::try_from(index + 1).ok();
            }
        }
        None
    }

    /// The lowest and highest levels answered.
    pub fn range(&self) -> Option<(Level, Level)> {
        let levels = || {
            self.counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .filter_map(|(i, _)| Level::try_from(i + 1).ok())
        };
        levels().min().zip(levels().max())
    }
}

/// The radar chart of the grid: five axes, levels 0 (centre) to 5 (edge).
pub mod radar {
    use super::{GRID, Levels};

    /// The chart's size in SVG units (wide enough for the labels), its centre, and the
    /// radius of level 5.
    pub const WIDTH: f64 = 560.0;
    pub const HEIGHT: f64 = 360.0;
    pub const CENTRE: (f64, f64) = (WIDTH / 2.0, HEIGHT / 2.0);
    pub const RADIUS: f64 = 140.0;

    /// The point of `level` (0 to 5, fractions allowed) on the axis of dimension `axis`; the
    /// first axis points up and the others follow clockwise.
    pub fn point(axis: usize, level: f64) -> (f64, f64) {
        let angle =
            -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * axis as f64 / GRID.len() as f64;
        let r = RADIUS * level / 5.0;
        (CENTRE.0 + r * angle.cos(), CENTRE.1 + r * angle.sin())
    }

    fn points(corners: impl Iterator<Item = (f64, f64)>) -> String {
        corners
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The `points` of a polygon for `levels`.
    pub fn polygon(levels: Levels) -> String {
        points(
            levels
                .0
                .iter()
                .enumerate()
                .map(|(axis, level)| point(axis, f64::from(*level))),
        )
    }

    /// The `points` of the ring of one level, for the grid lines.
    pub fn ring(level: u8) -> String {
        points((0..GRID.len()).map(|axis| point(axis, f64::from(level))))
    }

    /// One axis of the chart: where it ends, where its label sits and how it is anchored.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Axis {
        pub x: f64,
        pub y: f64,
        pub label_x: f64,
        pub label_y: f64,
        /// The label's `text-anchor`.
        pub anchor: &'static str,
        pub name: &'static str,
    }

    pub fn axes() -> Vec<Axis> {
        GRID.iter()
            .enumerate()
            .map(|(axis, d)| {
                let (x, y) = point(axis, 5.0);
                let (label_x, label_y) = point(axis, 5.7);
                let anchor = if (label_x - CENTRE.0).abs() < 1.0 {
                    "middle"
                } else if label_x > CENTRE.0 {
                    "start"
                } else {
                    "end"
                };
                Axis {
                    x,
                    y,
                    label_x,
                    label_y: label_y + 4.0,
                    anchor,
                    name: d.short,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_is_the_seeds() {
        assert_eq!(GRID.len(), 5);
        assert_eq!(LEVELS[4], "Réseau de réflexion et de travail");
        assert_eq!(
            dimension("partenaires").map(|d| d.descriptors[0]),
            Some("Offre et demande")
        );
        assert_eq!(level_name(3), "Collectif implanté / établissement");
        assert_eq!(level_name(0), "");
        assert_eq!(level_name(6), "");
        let keys: Vec<_> = GRID.iter().map(|d| d.key).collect();
        let mut unique = keys.clone();
        unique.dedup();
        assert_eq!(keys, unique);
    }

    #[test]
    fn levels_need_every_dimension_from_1_to_5() {
        let all = |n: i64| GRID.iter().map(move |d| (d.key, n));
        assert_eq!(Levels::parse(all(3)), Ok(Levels([3; 5])));
        assert_eq!(
            Levels::parse(all(6)),
            Err(MaturityError::OutOfRange("collectif"))
        );
        assert_eq!(
            Levels::parse(all(0)),
            Err(MaturityError::OutOfRange("collectif"))
        );
        assert_eq!(
            Levels::parse(all(2).take(4)),
            Err(MaturityError::Missing("structuration"))
        );
        assert_eq!(
            Levels::parse(all(2).chain([("ambiance", 2)])),
            Err(MaturityError::UnknownDimension("ambiance".into()))
        );
        let err = Levels::parse(all(2).chain([("ambiance", 2)])).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("la dimension « ambiance » n'existe pas dans la grille")
        );
        let mut form: BTreeMap<String, String> =
            GRID.iter().map(|d| (d.key.into(), "4".into())).collect();
        assert_eq!(Levels::parse_form(&form), Ok(Levels([4; 5])));
        form.insert("partenaires".into(), "beaucoup".into());
        let err = Levels::parse_form(&form);
        assert_eq!(err, Err(MaturityError::OutOfRange("partenaires")));
        assert_eq!(
            err.err().map(|e| e.field().to_owned()),
            Some("partenaires".into())
        );
        form.insert("partenaires".into(), " ".into());
        assert_eq!(
            Levels::parse_form(&form),
            Err(MaturityError::Missing("partenaires"))
        );
        let long = "x".repeat(5_001);
        assert_eq!(
            parse_evidence(["a ", "", "", &long, ""]),
            Err(MaturityError::Evidence("partenaires"))
        );
        assert_eq!(
            parse_evidence([" [Le forum](/pratiques/forum) ", "", "", "", ""])
                .map(|e| e[0].clone()),
            Ok("[Le forum](/pratiques/forum)".to_owned())
        );
        assert_eq!(
            Levels([1, 2, 3, 4, 5]).to_map().get("structuration"),
            Some(&5)
        );
    }

    #[test]
    fn spreads_medians_and_ranges() {
        let answers = [
            Levels([1, 2, 3, 4, 5]),
            Levels([2, 2, 3, 4, 5]),
            Levels([2, 3, 3, 5, 1]),
            Levels([4, 3, 3, 5, 1]),
        ];
        let spreads = Spread::of(&answers);
        assert_eq!(spreads[0].counts, [1, 2, 0, 1, 0]);
        assert_eq!(spreads[0].total(), 4);
        assert_eq!(spreads[0].median(), Some(2));
        assert_eq!(spreads[0].range(), Some((1, 4)));
        assert_eq!(spreads[4].median(), Some(1));
        assert_eq!(Spread::default().median(), None);
        assert_eq!(Spread::default().range(), None);
    }

    #[test]
    fn the_radar_puts_the_first_axis_up_and_level_5_on_the_edge() {
        let (x, y) = radar::point(0, 5.0);
        assert!((x - radar::WIDTH / 2.0).abs() < 1e-9);
        assert!((y - (radar::HEIGHT / 2.0 - radar::RADIUS)).abs() < 1e-9);
        let (x, y) = radar::point(3, 0.0);
        assert!((x - 280.0).abs() < 1e-9 && (y - 180.0).abs() < 1e-9);
        // Every label fits in the chart.
        for axis in radar::axes() {
            assert!(axis.label_y > 0.0 && axis.label_y < radar::HEIGHT);
            assert!(axis.label_x > 100.0 && axis.label_x < radar::WIDTH - 120.0);
        }
        assert_eq!(radar::polygon(Levels([5; 5])), radar::ring(5));
        assert_eq!(radar::polygon(Levels([5; 5])).split(' ').count(), 5);
        let axes = radar::axes();
        assert_eq!(axes[0].anchor, "middle");
        assert_eq!(axes[1].anchor, "start");
        assert_eq!(axes[3].anchor, "end");
        assert_eq!(axes[4].name, "Structuration");
    }
}
