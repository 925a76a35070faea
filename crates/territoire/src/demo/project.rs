//! The strategic project of the académie de Clermont-Ferrand (seed 003), as the demo's project
//! for that académie: its four axes, their objectives, levers and evaluation criteria (a
//! selection of each list, in the seed's words), the indicators the platform computes for
//! the criteria about its own data, and one entered by hand with its source and a target.

use anyhow::Context;
use domain::ids::PersonId;
use domain::indicators::Month;
use domain::indicators::metrics::{Metric, Scope};
use domain::indicators::project::NodeKind;
use store::Db;
use store::indicators::project::{self, NewIndicator};

const ACADEMIE: &str = "06";

/// A criterion, with the indicators the platform computes for it.
type Criterion = (&'static str, &'static [Metric]);

struct Objective {
    title: &'static str,
    levers: &'static [&'static str],
    criteria: &'static [Criterion],
}

struct Axis {
    title: &'static str,
    description: &'static str,
    objectives: &'static [Objective],
}

const AXES: &[Axis] = &[
    Axis {
        title: "Axe 1 — La réussite pour tous, de la maternelle à l'enseignement supérieur",
        description: "Mieux apprendre par un accompagnement renforcé.",
        objectives: &[
            Objective {
                title: "Objectif 1.1 — Porter une attention particulière aux attendus de chaque cycle et garantir l'acquisition du socle commun de connaissances, de compétences et de culture",
                levers: &[
                    "Permettre à chaque élève de maîtriser les compétences et les connaissances liées au langage, notamment l'appropriation du langage oral, de la maternelle à la terminale.",
                    "Poursuivre l'objectif de 100 % de réussite à l'école primaire par une stratégie globale de maîtrise des fondamentaux.",
                    "Accompagner les élèves dans l'acquisition du socle à travers le dispositif Devoirs faits.",
                ],
                criteria: &[
                    ("Le suivi des évaluations à tous les niveaux.", &[]),
                    (
                        "Le nombre d'élèves intégrés au dispositif Devoirs faits et leurs résultats au Diplôme national du brevet.",
                        &[],
                    ),
                ],
            },
            Objective {
                title: "Objectif 1.2 — Encourager la collaboration pluridisciplinaire dans l'élaboration des projets pour développer le sens des apprentissages et lutter contre les inégalités",
                levers: &[
                    "Promouvoir une co-intervention en classe réfléchie, construite et intégrée dans un projet d'enseignement collectif.",
                    "Porter une attention particulière aux continuums des apprentissages en construisant des progressions communes.",
                ],
                criteria: &[(
                    "Les propositions de programmations pédagogiques en co-intervention innovantes et valorisables à l'échelle académique.",
                    &[Metric::PracticesPublished],
                )],
            },
        ],
    },
    Axis {
        title: "Axe 2 — L'épanouissement professionnel de tous les personnels dans une logique de métiers",
        description: "Renforcer la professionnalisation, valoriser les compétences et faire confiance aux acteurs.",
        objectives: &[
            Objective {
                title: "Objectif 2.1 — Concevoir de nouvelles modalités d'accompagnement et d'ingénierie de formation",
                levers: &[
                    "Développer les communautés d'apprentissage professionnelles.",
                    "S'appuyer sur une ingénierie de formation territorialisée pour faciliter les échanges de pratiques professionnelles et diffuser les innovations.",
                ],
                criteria: &[(
                    "Le nombre de communautés d'apprentissage professionnelles.",
                    &[Metric::ActiveCommunities],
                )],
            },
            Objective {
                title: "Objectif 2.3 — Former et développer des dispositifs d'enrichissement des compétences des personnels tout au long de la vie dans une perspective de la qualité de la vie au travail",
                levers: &["Promouvoir un accompagnement professionnel de tous les personnels."],
                criteria: &[(
                    "Le nombre de personnels participant aux actions de formations.",
                    &[Metric::TrainingNeeds, Metric::TrainingModules],
                )],
            },
        ],
    },
    Axis {
        title: "Axe 3 — Le déploiement des réseaux et des territoires apprenants",
        description: "Valoriser et outiller les intelligences collectives.",
        objectives: &[
            Objective {
                title: "Objectif 3.1 — Encourager les recherches et les innovations sur la « forme scolaire »",
                levers: &[
                    "Poursuivre le dispositif « Écoles éloignées en réseaux » fondé notamment sur le développement significatif du travail collaboratif en réseau des élèves et des enseignants via l'outil numérique.",
                    "Enrichir les environnements d'apprentissage de tous les élèves, notamment en milieu rural afin d'améliorer le parcours des élèves et de rompre l'isolement professionnel des personnels.",
                    "Valorisation des événements locaux et internationaux.",
                ],
                criteria: &[
                    (
                        "Le nombre d'unités éducatives fédérées dans un réseau et leurs collaborations.",
                        &[Metric::FederatedEstablishments, Metric::Collaborations],
                    ),
                    (
                        "Le nombre de réseaux constitués, leur cohérence et les actions proposées.",
                        &[Metric::NetworksFormed],
                    ),
                    (
                        "Le regard sur les productions et échanges.",
                        &[Metric::PracticesAdopted, Metric::SpaceExchanges],
                    ),
                ],
            },
            Objective {
                title: "Objectif 3.2 — Accompagner l'évolution des territoires éducatifs",
                levers: &[
                    "Continuer le travail pionnier conduit sur les « Conventions ruralité » en collaboration avec l'ensemble des acteurs locaux pour soutenir l'école rurale et de montagne.",
                ],
                criteria: &[(
                    "Le nombre d'unités éducatives ayant développé des problématiques spécifiques communes (groupes de travail…).",
                    &[],
                )],
            },
        ],
    },
    Axis {
        title: "Axe 4 — L'accompagnement et la responsabilisation des acteurs",
        description: "Promouvoir la démarche évaluative individuelle et collective.",
        objectives: &[
            Objective {
                title: "Objectif 4.1 — Développer un pilotage pédagogique fondé sur l'appropriation des évaluations au service des apprentissages fondamentaux",
                levers: &["Mettre en place des outils numériques de diagnostic partagés."],
                criteria: &[(
                    "Le nombre d'actions d'aide au pilotage de proximité (mise en place d'indicateurs partagés).",
                    &[],
                )],
            },
            Objective {
                title: "Objectif 4.3 — Renforcer l'expertise des réseaux et leur capacité d'autoévaluation",
                levers: &[
                    "Susciter des échanges réguliers entre praticiens, experts (nationaux et internationaux), chercheurs.",
                    "Aider aux échanges de pratiques à l'échelle académique et à l'échelle inter-académique afin d'optimiser la réflexion et de fédérer l'intelligence collective.",
                ],
                criteria: &[(
                    "Les actions d'échange inter-réseaux remontant du territoire.",
                    &[Metric::VisitsRequested, Metric::VisitsDone],
                )],
            },
        ],
    },
];

/// The project of the académie where the demo accounts work, begun but still to write: its
/// steering (the demo IEN, IA-IPR and chargé de mission) find it from their home page and
/// write its axes; the Clermont-Ferrand project is the complete example.
pub async fn generate_to_write(db: &Db, academie: &str) -> anyhow::Result<()> {
    if academie == ACADEMIE {
        return Ok(());
    }
    project::save_project(
        db,
        academie,
        "Projet stratégique académique (à écrire)",
        "Le pilotage de l'académie écrit ici son projet : ses axes, leurs objectifs, leviers et critères d'évaluation, et les indicateurs qui les suivent. Le projet de l'académie de Clermont-Ferrand en donne un exemple complet.",
    )
    .await?;
    Ok(())
}

/// Writes the project, its indicators, a hand-entered series with a target, and computes
/// the platform's series.
pub async fn generate(db: &Db, steering: PersonId) -> anyhow::Result<()> {
    project::save_project(
        db,
        ACADEMIE,
        "Projet stratégique académique",
        "Une École de la confiance, mobilisée pour la réussite et le bien-être de tous : quatre axes structurants fortement interdépendants, des objectifs de progression communs fixés à partir d'indicateurs partagés.",
    )
    .await?;
    let mut devoirs_faits = None;
    for axis in AXES {
        let a = project::add_node(
            db,
            ACADEMIE,
            None,
            NodeKind::Axis,
            axis.title,
            axis.description,
        )
        .await?;
        for objective in axis.objectives {
            let o = project::add_node(
                db,
                ACADEMIE,
                Some(a),
                NodeKind::Objective,
                objective.title,
                "",
            )
            .await?;
            for lever in objective.levers {
                project::add_node(db, ACADEMIE, Some(o), NodeKind::Lever, lever, "").await?;
            }
            for (criterion, metrics) in objective.criteria {
                let c =
                    project::add_node(db, ACADEMIE, Some(o), NodeKind::Criterion, criterion, "")
                        .await?;
                if criterion.contains("Devoirs faits") {
                    devoirs_faits = Some(c);
                }
                for metric in *metrics {
                    project::add_indicator(
                        db,
                        ACADEMIE,
                        &NewIndicator {
                            criterion: Some(c),
                            name: metric.label(),
                            metric: Some(*metric),
                            unit: "",
                            source: "",
                        },
                    )
                    .await?;
                }
            }
        }
    }
    let manual = project::add_indicator(
        db,
        ACADEMIE,
        &NewIndicator {
            criterion: devoirs_faits,
            name: "Collégiens inscrits à Devoirs faits",
            metric: None,
            unit: "% des collégiens",
            source: "Enquête académique Devoirs faits (DAIPP)",
        },
    )
    .await?;
    let indicator = project::indicator_by_id(db, manual).await?;
    let now = Month::of_unix(store::now());
    let scope = Scope::Academie(ACADEMIE.to_owned());
    for (years_ago, value) in [(2, 31.0), (1, 34.5), (0, 38.0)] {
        let june =
            Month::new(now.year() - years_ago - i32::from(now.number() < 6), 6).context("mois")?;
        project::set_value(db, &indicator, &scope, june, value, "", steering).await?;
    }
    let target = Month::new(now.year() + 1, 6).context("mois")?;
    project::set_target(db, manual, &scope, target, 45.0).await?;
    store::indicators::series::refresh(db).await?;
    Ok(())
}
