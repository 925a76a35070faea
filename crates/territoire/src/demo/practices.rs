//! Demo practices: sheets written by teachers of the demo data, in plausible French, tagged
//! with the controlled vocabularies, with the visibilities people choose.

use domain::practices::{Licence, Tag, Visibility, Vocabulary};
use rand::Rng;
use rand::seq::SliceRandom;
use store::Db;
use store::practices::BulkPractice;

/// `(title, subject, main skill, dispositif)` of the practices.
const THEMES: &[(&str, &str, &str, Option<&str>)] = &[
    (
        "Ceintures de compétences",
        "mathematiques",
        "apprendre-a-apprendre",
        None,
    ),
    (
        "Rallye lecture",
        "francais",
        "collaboration",
        Some("liaison-ecole-college"),
    ),
    (
        "Classe dehors",
        "sciences-technologie",
        "resolution-problemes",
        None,
    ),
    ("Conseil coopératif", "emc", "citoyennete", None),
    ("Dictée négociée", "francais", "collaboration", None),
    (
        "Tutorat entre pairs",
        "interdisciplinaire",
        "collaboration",
        Some("tutorat"),
    ),
    (
        "Plan de travail individualisé",
        "interdisciplinaire",
        "apprendre-a-apprendre",
        Some("classe-flexible"),
    ),
    (
        "Débat à visée philosophique",
        "emc",
        "esprit-critique",
        None,
    ),
    (
        "Jardin pédagogique",
        "svt",
        "resolution-problemes",
        Some("pedagogie-projet"),
    ),
    (
        "Escape game pédagogique",
        "physique-chimie",
        "resolution-problemes",
        None,
    ),
    (
        "Rituels de calcul mental",
        "mathematiques",
        "apprendre-a-apprendre",
        None,
    ),
    ("Carnet de lecteur", "francais", "communication", None),
    ("Radio scolaire", "francais", "communication", Some("eac")),
    (
        "Classe inversée",
        "physique-chimie",
        "numerique",
        Some("classe-inversee"),
    ),
    (
        "Îlots bonifiés",
        "histoire-geographie",
        "collaboration",
        None,
    ),
    (
        "Journal des apprentissages",
        "interdisciplinaire",
        "apprendre-a-apprendre",
        None,
    ),
    (
        "Chorale inter-degrés",
        "education-musicale",
        "creativite",
        Some("liaison-ecole-college"),
    ),
    (
        "Robotique et programmation",
        "technologie",
        "numerique",
        Some("pedagogie-projet"),
    ),
    ("Théâtre forum", "francais", "communication", Some("eac")),
    ("Atelier d'écriture", "francais", "creativite", None),
    (
        "Laboratoire de mathématiques",
        "mathematiques",
        "resolution-problemes",
        None,
    ),
    (
        "Correspondance scolaire en anglais",
        "langues-vivantes",
        "communication",
        None,
    ),
    ("Course d'orientation", "eps", "resolution-problemes", None),
    (
        "Cartes mentales",
        "interdisciplinaire",
        "apprendre-a-apprendre",
        None,
    ),
    (
        "Co-intervention en atelier",
        "enseignement-professionnel",
        "collaboration",
        Some("co-enseignement"),
    ),
    (
        "Devoirs accompagnés",
        "interdisciplinaire",
        "apprendre-a-apprendre",
        Some("devoirs-faits"),
    ),
    (
        "Musée de classe",
        "arts-plastiques",
        "creativite",
        Some("eac"),
    ),
    ("Élections des délégués", "emc", "citoyennete", None),
];

const QUALIFIERS: &[&str] = &[
    "en CM1",
    "au cycle 3",
    "avec des élèves allophones",
    "en demi-groupes",
    "en éducation prioritaire",
    "en classe multi-niveaux",
    "pour préparer le brevet",
    "en liaison CM2-6e",
    "en école rurale",
    "au lycée professionnel",
    "en maternelle",
    "avec une classe ULIS",
    "sur toute l'année",
    "en co-enseignement",
];

const CONTEXTS: &[&str] = &[
    "Dans notre école de cinq classes, les élèves avaient du mal à s'engager dans les tâches longues.",
    "Au collège, l'équipe voulait que chaque élève puisse progresser à son rythme sans être classé.",
    "La classe compte plusieurs élèves à besoins particuliers et des niveaux très hétérogènes.",
    "Nous cherchions à rendre les élèves plus autonomes et à valoriser leurs réussites.",
    "Le conseil pédagogique avait fait de l'oral une priorité du projet d'établissement.",
    "Après une observation croisée entre collègues, nous avons voulu essayer autre chose.",
    "L'école est isolée : travailler avec d'autres classes passait par le numérique.",
];

const STEPS: &[&str] = &[
    "Présentation du défi et des critères de réussite, construits avec les élèves.",
    "Travail en binômes, chaque élève expliquant sa démarche à l'autre.",
    "Mise en commun au tableau, en partant des erreurs pour les comprendre.",
    "Un temps d'écriture réflexive : ce que j'ai appris, ce qui reste difficile.",
    "Les élèves choisissent leur niveau de difficulté et le justifient.",
    "Évaluation par paliers : chacun valide les étapes quand il est prêt.",
    "Restitution aux familles lors d'une matinée portes ouvertes.",
    "Observation par un collègue d'une autre école, suivie d'un échange.",
    "Réalisation d'une production finale présentée à une autre classe.",
];

const OBSERVED: &[&str] = &[
    "Les élèves les plus fragiles osent davantage prendre la parole.",
    "Le climat de classe s'est nettement apaisé au fil des semaines.",
    "Les élèves évaluent mieux leur propre travail et demandent de l'aide plus tôt.",
    "La coopération a remplacé la compétition entre les groupes.",
    "Les résultats aux évaluations communes ont progressé, surtout en compréhension.",
    "Il faut prévoir plus de temps que prévu pour la mise en commun.",
    "Les familles ont découvert autrement les apprentissages de leurs enfants.",
];

const FURTHER: &[&str] = &[
    "Nous aimerions l'étendre aux autres classes du réseau l'an prochain.",
    "Une formation d'initiative locale nous aiderait à aller plus loin.",
    "Le dispositif demande une organisation de l'emploi du temps à prévoir dès la rentrée.",
    "Les fiches de suivi sont disponibles sur demande pour les collègues intéressés.",
];

fn level_for(subject: &str, rng: &mut impl Rng) -> &'static str {
    let primary = ["cycle-1", "cycle-2", "cycle-3"];
    let secondary = ["cycle-3", "cycle-4", "seconde", "premiere", "terminale"];
    match subject {
        "svt" | "physique-chimie" | "technologie" | "histoire-geographie" | "langues-vivantes" => {
            secondary[rng.gen_range(0..secondary.len())]
        }
        "enseignement-professionnel" => "voie-professionnelle",
        "sciences-technologie" => primary[rng.gen_range(1..primary.len())],
        _ => {
            if rng.gen_bool(0.5) {
                primary[rng.gen_range(0..primary.len())]
            } else {
                secondary[rng.gen_range(0..secondary.len())]
            }
        }
    }
}

fn tag(vocabulary: Vocabulary, code: &str) -> Option<Tag> {
    Tag::controlled(vocabulary, code).ok()
}

/// The authors practices may come from: teachers with their establishment, and the members
/// of each territory.
pub struct Authors {
    pub teachers: Vec<(i64, Option<i64>)>,
    pub members: Vec<(i64, i64)>,
}

/// One generated practice, published at some time of the last three school years.
pub fn practice(rng: &mut impl Rng, authors: &Authors, now: i64) -> Option<BulkPractice> {
    let (theme, subject, skill, dispositif) = *THEMES.choose(rng)?;
    let qualifier = QUALIFIERS.choose(rng)?;
    let title = format!("{theme} {qualifier}");
    let roll: f64 = rng.r#gen();
    let (visibility, territory, (author, establishment)) =
        if roll < 0.1 && !authors.members.is_empty() {
            let (territory, person) = *authors.members.choose(rng)?;
            (Visibility::Territory, Some(territory), (person, None))
        } else {
            let visibility = match roll {
                r if r < 0.5 => Visibility::Public,
                r if r < 0.92 => Visibility::Platform,
                _ => Visibility::Private,
            };
            (visibility, None, *authors.teachers.choose(rng)?)
        };
    let steps: Vec<&&str> = STEPS.choose_multiple(rng, 3).collect();
    let body = format!(
        "## Contexte\n\n{}\n\n## Déroulé\n\n- {}\n- {}\n- {}\n\n## Ce que nous avons observé\n\n{} {}\n\n## Pour aller plus loin\n\n{}",
        CONTEXTS.choose(rng)?,
        steps.first()?,
        steps.get(1)?,
        steps.get(2)?,
        OBSERVED.choose(rng)?,
        OBSERVED.choose(rng)?,
        FURTHER.choose(rng)?,
    );
    let mut tags: Vec<Tag> = [
        tag(Vocabulary::Subject, subject),
        tag(Vocabulary::Level, level_for(subject, rng)),
        tag(Vocabulary::Skill, skill),
        tag(
            Vocabulary::Socle,
            ["d1", "d2", "d3", "d4", "d5"].choose(rng)?,
        ),
        dispositif.and_then(|d| tag(Vocabulary::Dispositif, d)),
    ]
    .into_iter()
    .flatten()
    .collect();
    tags.sort();
    tags.dedup();
    Some(BulkPractice {
        summary: format!("{} {}", CONTEXTS.choose(rng)?, OBSERVED.choose(rng)?),
        objectives: "Rendre les élèves acteurs de leurs apprentissages.".to_owned(),
        body_markdown: body,
        class_size: Some(rng.gen_range(12..32)),
        licence: [
            Licence::CcBy,
            Licence::CcBySa,
            Licence::CcByNcSa,
            Licence::AllRightsReserved,
        ]
        .choose(rng)
        .copied()?,
        visibility,
        territory,
        author,
        establishment,
        published_at: now - rng.gen_range(0..3 * 365 * 24 * 3600),
        tags,
        title,
    })
}

/// Writes `count` demo practices in batches, telling the progress.
pub async fn generate(db: &Db, rng: &mut impl Rng, count: usize) -> anyhow::Result<()> {
    let authors = Authors {
        teachers: store::accounts::teachers_with_establishment(db).await?,
        members: store::territories::members(db).await?,
    };
    if authors.teachers.is_empty() {
        return Ok(());
    }
    let now = store::now();
    let mut written = 0;
    while written < count {
        let batch: Vec<BulkPractice> = (0..(count - written).min(50_000))
            .filter_map(|_| practice(rng, &authors, now))
            .collect();
        store::practices::insert_bulk(db, &batch).await?;
        written += batch.len();
        if count > 50_000 {
            eprintln!("  {written} pratiques sur {count}…");
        }
    }
    Ok(())
}
