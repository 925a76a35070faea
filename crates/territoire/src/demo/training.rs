//! Training in the demo: the chargé de mission on the training office, the formateur and the
//! CPC trainers; needs expressed in the first pilot territory (« différencier en
//! mathématiques », answered by a module of the departmental plan; « conduire un débat
//! réglé », one short of showing on its own, so that a visitor's need makes it appear); a
//! published path on the debate, with the demo teacher's practice as a step.

use domain::accounts::Function;
use domain::ids::{PersonId, TerritoryId};
use domain::observatories::visit::TrainingNeed;
use domain::training::StaffKind;
use domain::training::modules::{ModuleContent, ModuleInput, SessionInput};
use domain::training::paths::{PathContent, StepContent};
use store::Db;

/// Seconds since the epoch, `days` from now at 9:00 UTC (Paris: 10:00 or 11:00).
fn morning(days: i64) -> i64 {
    let now = store::now();
    now - now.rem_euclid(86_400) + days * 86_400 + 9 * 3600
}

pub async fn generate(
    db: &Db,
    territory: TerritoryId,
    accounts: &[(Option<Function>, PersonId)],
) -> anyhow::Result<()> {
    let account = |function| {
        accounts
            .iter()
            .find(|(f, _)| *f == Some(function))
            .map(|(_, p)| *p)
    };
    let (Some(office), Some(trainer), Some(cpc), Some(teacher)) = (
        account(Function::ChargeDeMission),
        account(Function::Formateur),
        account(Function::Cpc),
        account(Function::Enseignant1d),
    ) else {
        return Ok(());
    };
    store::training::staff::appoint(db, office, StaffKind::Office).await?;
    store::training::staff::appoint(db, trainer, StaffKind::Trainer).await?;
    store::training::staff::appoint(db, cpc, StaffKind::Trainer).await?;

    // With the need a visit brought out, four people ask for the debate.
    let staff = store::territories::staff_sample(db, territory, 9).await?;
    let need = |theme: &str| TrainingNeed::parse(theme, "premier-degre", "Cycle 3");
    for (n, person) in staff.iter().enumerate() {
        let theme = if n < 6 {
            "Différencier en mathématiques"
        } else {
            "Conduire un débat réglé"
        };
        store::training::express(db, *person, Some(territory), &need(theme)?, "enseignant-1d")
            .await?;
    }

    let content = ModuleContent::parse(&ModuleInput {
        title: "Différencier en mathématiques au cycle 3".to_owned(),
        objectives: "Repérer les besoins de chaque élève en calcul et en résolution de problèmes, \
                     organiser des groupes de besoin, évaluer par compétences."
            .to_owned(),
        plan: "departemental".to_owned(),
        public: "premier-degre".to_owned(),
        capacity: 20,
        reserved_seats: 4,
        themes: vec!["Différencier en mathématiques".to_owned()],
        sessions: vec![
            SessionInput {
                starts_at: morning(21),
                ends_at: morning(21) + 3 * 3600,
                place: "Atelier Canopé d'Arras".to_owned(),
                video_url: String::new(),
            },
            SessionInput {
                starts_at: morning(35),
                ends_at: morning(35) + 3 * 3600,
                place: String::new(),
                video_url: "https://visio.education.fr/meeting/differencier".to_owned(),
            },
        ],
    })
    .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    store::training::modules::create(db, &content, Some(territory), &[trainer], office).await?;

    let path = PathContent::parse(
        "Le débat réglé en classe",
        "Un parcours court pour mettre en place un débat réglé au cycle 3 : le cadre, \
         une pratique de collègue, un essai dans sa classe et ce qu'on en retient.",
        "premier-degre",
        "Conduire un débat réglé",
        "Français\nEnseignement moral et civique",
        "CM1\nCM2",
    )
    .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let id = store::training::paths::create(db, &path, &[], trainer).await?;
    let practice = store::practices::by_author(db, teacher)
        .await?
        .into_iter()
        .find(|p| p.status == "published")
        .map(|p| p.id);
    let mut steps = vec![StepContent::parse(
        "document",
        "Le débat réglé selon Éduscol",
        "Lisez la fiche : le rôle du président de séance, du secrétaire et des observateurs.",
        None,
        "https://eduscol.education.fr/",
        20,
    )];
    if let Some(practice) = practice {
        steps.push(StepContent::parse(
            "practice",
            "Une pratique de collègue",
            "Lisez comment une collègue installe un rituel : qu'en reprendriez-vous pour le débat ?",
            Some(practice),
            "",
            15,
        ));
    }
    steps.push(StepContent::parse(
        "activity",
        "Un premier débat dans votre classe",
        "Choisissez une question qui touche la vie de la classe, distribuez les rôles et menez un débat de vingt minutes.",
        None,
        "",
        45,
    ));
    steps.push(StepContent::parse(
        "reflection",
        "Ce que vous en retenez",
        "Qui a pris la parole ? Qu'est-ce qui a aidé les plus discrets ? Que changerez-vous la prochaine fois ?",
        None,
        "",
        10,
    ));
    for step in steps {
        let step = step.map_err(|e| anyhow::anyhow!("{}", e.message))?;
        store::training::paths::add_step(db, id, &step).await?;
    }
    store::training::paths::publish(db, id).await?;
    Ok(())
}
