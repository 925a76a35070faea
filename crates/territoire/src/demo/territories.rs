//! The first pilot territory's own work: its maturity over a year and a half — two
//! assessments agreed with their evidence, and an open one that the demo 1er-degré teacher has
//! not answered yet (so that a visitor can); its launch under way (the inventory of the demo
//! école and collège, the problem statement being written); its events of the year and the
//! OTA Lab's rooms.

use domain::accounts::Function;
use domain::ids::{PersonId, TerritoryId};
use domain::territories::events::{EventContent, EventKind};
use domain::territories::maturity::Levels;
use store::Db;
use store::territories::events;
use store::territories::maturity::{self, Agreement};

/// Seconds since the epoch of a day at 17:00 UTC.
fn day(year: i32, month: time::Month, day: u8) -> anyhow::Result<i64> {
    Ok(time::Date::from_calendar_date(year, month, day)?
        .with_hms(17, 0, 0)?
        .assume_utc()
        .unix_timestamp())
}

/// When a round opened, the answers given in turn, and the levels agreed with their evidence.
type Round = (i64, [[u8; 5]; 3], Option<(Levels, [&'static str; 5])>);

pub async fn generate(
    db: &Db,
    territory: TerritoryId,
    accounts: &[(Option<Function>, PersonId)],
) -> anyhow::Result<()> {
    // Everyone of the demo but the 1er-degré teacher answers; the coordination agrees.
    let answering: Vec<PersonId> = accounts
        .iter()
        .filter(|(f, _)| *f != Some(Function::Enseignant1d))
        .map(|(_, p)| *p)
        .collect();
    let Some(coordinator) = accounts
        .iter()
        .find(|(f, _)| *f == Some(Function::Perdir))
        .map(|(_, p)| *p)
    else {
        return Ok(());
    };
    use time::Month::{June, November, September};
    let rounds: [Round; 3] = [
        (
            day(2025, September, 18)?,
            [[1, 2, 1, 1, 1], [1, 1, 1, 2, 1], [2, 2, 1, 1, 1]],
            Some((
                Levels([1, 2, 1, 1, 1]),
                [
                    "",
                    "Les principaux et l'IEN se réunissent pour lancer le territoire.",
                    "",
                    "",
                    "Bassin d'éducation et forum des métiers.",
                ],
            )),
        ),
        (
            day(2026, June, 25)?,
            [[2, 3, 2, 2, 2], [2, 3, 3, 2, 1], [3, 3, 2, 2, 2]],
            Some((
                Levels([2, 3, 2, 2, 2]),
                [
                    "[La bibliothèque des pratiques du territoire](/pratiques)",
                    "Groupe de pilotage installé ; rôles écrits dans chaque établissement.",
                    "[Les visites de l'Observatoire de l'oral](/observatoires)",
                    "La médiathèque et le Louvre-Lens rencontrent des enseignants de trois collèges.",
                    "[L'espace d'échange du réseau](/espaces)",
                ],
            )),
        ),
        (
            day(2026, November, 16)?,
            [[3, 3, 3, 2, 2], [2, 4, 3, 3, 2], [3, 3, 2, 2, 3]],
            None,
        ),
    ];
    for (at, answers, agreed) in rounds {
        let mut opened = None;
        for (n, person) in answering.iter().enumerate() {
            let levels = Levels(answers[n % answers.len()]);
            opened = Some(maturity::answer(db, territory, *person, levels, at).await?);
        }
        if let (Some(id), Some((levels, evidence))) = (opened, agreed) {
            let agreement = Agreement {
                levels,
                evidence: evidence.map(str::to_owned),
                by: coordinator,
            };
            maturity::agree(db, territory, id, &agreement, at + 86_400 * 14).await?;
        }
    }
    Ok(())
}

/// The OTA Lab's rooms and the territory's coming events: the demo teacher is registered to
/// the first; the workshop in the Lab is almost full.
pub async fn generate_events(
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
    let (Some(organiser), Some(teacher)) = (
        account(Function::ChargeDeMission),
        account(Function::Enseignant1d),
    ) else {
        return Ok(());
    };
    let creativity = events::create_room(
        db,
        Some(territory),
        "Salle de créativité",
        "Tables mobiles, murs inscriptibles, écran interactif",
        24,
    )
    .await?;
    events::create_room(
        db,
        Some(territory),
        "Atelier de fabrication",
        "Imprimantes 3D, découpe laser, robots pédagogiques",
        12,
    )
    .await?;
    // Nine o'clock in Paris (eight UTC in winter), `days` from today.
    let today = store::now() - store::now() % 86_400;
    let at = |days: i64, hour: i64| today + days * 86_400 + (hour - 1) * 3600;
    let plan = [
        (
            EventKind::PartagesInnovation,
            "Les partages de l'innovation 2027",
            "Deux journées pour réunir les enseignants des réseaux : ateliers, retours d'expérience, capsules vidéo.",
            "Lycée Robespierre, Arras",
            150,
            at(12, 9),
            at(13, 17),
            None,
        ),
        (
            EventKind::AtelierLab,
            "Atelier : la classe coopérative",
            "Construire des outils de coopération entre élèves, du cycle 1 au lycée.",
            "",
            12,
            at(19, 14),
            at(19, 17),
            Some(creativity),
        ),
        (
            EventKind::Reunion,
            "Groupe de pilotage du réseau",
            "Ordre du jour : bilan de l'état des lieux, problématique commune.",
            "Visioconférence",
            12,
            at(26, 17),
            at(26, 19),
            None,
        ),
        (
            EventKind::FeteApprendre,
            "La fête de l'apprendre",
            "Célébrer tous les apprentissages, avec les familles et les partenaires du territoire.",
            "Louvre-Lens",
            400,
            at(75, 10),
            at(75, 18),
            None,
        ),
    ];
    let mut created = Vec::new();
    for (kind, title, description, place, capacity, starts_at, ends_at, room) in plan {
        let content = EventContent {
            title: title.to_owned(),
            kind,
            description: description.to_owned(),
            place: place.to_owned(),
            capacity,
            starts_at,
            ends_at,
        };
        created.push(events::create(db, &content, Some(territory), room, organiser).await?);
    }
    events::register(db, created[0], teacher).await?;
    for (_, person) in accounts
        .iter()
        .filter(|(f, _)| *f != Some(Function::Enseignant1d))
        .take(11)
    {
        events::register(db, created[1], *person).await?;
    }
    Ok(())
}

/// The launch of the territory: the inventory done by the demo école and collège, the
/// problem statement under way.
pub async fn generate_launch(
    db: &Db,
    territory: TerritoryId,
    accounts: &[(Option<Function>, PersonId)],
) -> anyhow::Result<()> {
    use domain::territories::launch::{
        Action, ActionInput, FriendRole, NewItem, Problem, Step, StepState, WorkObject,
        parse_support,
    };
    use store::territories::launch;
    let account = |function| {
        accounts
            .iter()
            .find(|(f, _)| *f == Some(function))
            .map(|(_, p)| *p)
    };
    let (Some(director), Some(perdir)) =
        (account(Function::DirecteurEcole), account(Function::Perdir))
    else {
        return Ok(());
    };
    // The demo école and collège are among the territory's establishments: the demo accounts,
    // its members, work in its département.
    let profiles = store::accounts::profiles(db, &[director, perdir]).await?;
    let first_of = |p: PersonId| profiles.get(&p).and_then(|p| p.establishments.first());
    let (Some(ecole), Some(college)) = (first_of(director), first_of(perdir)) else {
        return Ok(());
    };
    let (ecole, college) = (ecole.uai.clone(), college.uai.clone());
    let items = [
        (
            &ecole,
            director,
            "success",
            "common",
            "Les défis lecture entre classes de cycle 3",
        ),
        (
            &ecole,
            director,
            "difficulty",
            "specific",
            "Peu de temps pour observer la classe d'un collègue",
        ),
        (
            &college,
            perdir,
            "difficulty",
            "common",
            "Le manque de temps de concertation entre le 1er et le 2nd degré",
        ),
        (
            &college,
            perdir,
            "success",
            "specific",
            "Le club robotique du midi",
        ),
        (
            &college,
            perdir,
            "difficulty",
            "specific",
            "L'orientation peu ambitieuse en fin de 3e",
        ),
    ];
    let mut first = None;
    for (uai, by, kind, scope, text) in items {
        let item = NewItem::parse(kind, scope, text).map_err(|e| anyhow::anyhow!(e.message))?;
        let id = launch::add_item(db, territory, uai, &item, by).await?;
        first.get_or_insert(id);
    }
    let problem = Problem::parse(
        "Comment faire coopérer les élèves, et leurs enseignants, du CM1 à la 3e pour que chacun apprenne des progrès des autres ?",
        "Coopérer et mutualiser\nS'exprimer à l'oral\nApprendre à apprendre",
    )
    .map_err(|e| anyhow::anyhow!(e.message))?;
    launch::set_problem(
        db,
        territory,
        &problem,
        &first.into_iter().collect::<Vec<_>>(),
        perdir,
    )
    .await?;
    let object = WorkObject::parse(
        "L'oral en continu, du CM1 à la 3e",
        "Des temps de parole organisés dans toutes les disciplines.",
        "Formateur de l'INSPE",
        ["2027-01-14", "2027-03-11"],
    )
    .map_err(|e| anyhow::anyhow!(e.message))?;
    launch::add_work_object(db, territory, &object, perdir).await?;
    let action = Action::parse(&ActionInput {
        title: "Tutorat entre élèves de CM2 et de 6e".to_owned(),
        scope: "network".to_owned(),
        owners: "Directrice de l'école, professeur de mathématiques du collège".to_owned(),
        starts_on: "2027-01-04".to_owned(),
        ends_on: "2027-06-30".to_owned(),
        pupils: "CM2 de l'école, 6e du collège".to_owned(),
        evidence: "Le nombre d'élèves de 6e qui demandent de l'aide à un pair, relevé chaque mois"
            .to_owned(),
        theme: "pedagogie".to_owned(),
        ..ActionInput::default()
    })
    .map_err(|e| anyhow::anyhow!(e.message))?;
    launch::add_action(db, territory, &action, perdir).await?;
    if let Some(trainer) = account(Function::Formateur) {
        launch::add_critical_friend(db, territory, trainer).await?;
        launch::write_journal(
            db,
            territory,
            FriendRole::Facilitateur,
            "Première réunion des groupes de travail 1 : chaque établissement a apporté ses réussites ; la difficulté de temps de concertation revient partout.",
            trainer,
        )
        .await?;
    }
    for (kind, category, text) in [
        (
            "support",
            "convention",
            "Le PEDT de la commune et le CTEAC du Pas-de-Calais",
        ),
        ("support", "structures", "Le FabLab de la médiathèque"),
        ("obstacle", "", "Passer d'un temps court à un temps long"),
    ] {
        let (support, category, text) =
            parse_support(kind, category, text).map_err(|e| anyhow::anyhow!(e.message))?;
        launch::add_support(db, territory, (support, &category, &text), perdir).await?;
    }
    groups(db, territory, accounts, &college).await?;
    networks(db, territory, accounts).await?;
    partners(db, territory, perdir).await?;
    inspe(db, territory, accounts, perdir).await?;
    launch::set_step(db, territory, Step::Inventory, StepState::Done, perdir).await?;
    launch::set_step(db, territory, Step::Problem, StepState::Doing, perdir).await?;
    Ok(())
}

/// A contact at the territory's first partner, and two conventions: a PEDT that ends within
/// the renewal notice, a CTEAC for three years.
async fn partners(db: &Db, territory: TerritoryId, by: PersonId) -> anyhow::Result<()> {
    use domain::observatories::binome::Period;
    use domain::territories::partners::{Contact, Convention};
    use store::territories::partners;
    let today = store::now() / 86_400;
    if let Some(first) = partners::list(db, territory).await?.first() {
        let contact = Contact::parse(
            "Claire Lefebvre",
            "Chargée de mission éducation",
            "claire.lefebvre@exemple.fr",
            "03 21 00 00 00",
        )
        .map_err(|e| anyhow::anyhow!(e.message))?;
        partners::add_contact(db, first.id, &contact).await?;
    }
    for (kind, title, parties, from, to) in [
        (
            "pedt",
            "Projet éducatif territorial de la commune",
            "La commune\nDSDEN du Pas-de-Calais\nCaisse d'allocations familiales",
            -1000,
            45,
        ),
        (
            "cteac",
            "Contrat territorial d'éducation artistique et culturelle",
            "DRAC Hauts-de-France\nDépartement du Pas-de-Calais\nRectorat de l'académie de Lille",
            -60,
            1035,
        ),
    ] {
        let convention = Convention::parse(
            kind,
            title,
            parties,
            &Period::iso(today + from),
            &Period::iso(today + to),
        )
        .map_err(|e| anyhow::anyhow!(e.message))?;
        partners::create_convention(db, territory, &convention, by).await?;
    }
    Ok(())
}

/// The demo M1 MEEF student observes the demo teacher's class next week, then takes it the
/// week after: that day is offered to the teacher's peers.
async fn inspe(
    db: &Db,
    territory: TerritoryId,
    accounts: &[(Option<Function>, PersonId)],
    by: PersonId,
) -> anyhow::Result<()> {
    use domain::observatories::binome::Period;
    use domain::territories::inspe::Placement;
    let account = |function| {
        accounts
            .iter()
            .find(|(f, _)| *f == Some(function))
            .map(|(_, p)| *p)
    };
    let (Some(student), Some(host)) = (
        account(Function::EtudiantMeef),
        account(Function::Enseignant1d),
    ) else {
        return Ok(());
    };
    let today = store::now() / 86_400;
    for (kind, offset) in [("observation", 7), ("responsabilite", 14)] {
        let day = Placement::parse(kind, &Period::iso(today + offset))
            .map_err(|e| anyhow::anyhow!(e.message))?;
        store::territories::inspe::place(db, territory, student, host, &day, by).await?;
    }
    Ok(())
}

/// A network of innovating teachers followed by the demo CPC, with one member at each of its
/// three years.
async fn networks(
    db: &Db,
    territory: TerritoryId,
    accounts: &[(Option<Function>, PersonId)],
) -> anyhow::Result<()> {
    use domain::territories::networks::school_year;
    use store::territories::networks;
    let account = |function| {
        accounts
            .iter()
            .find(|(f, _)| *f == Some(function))
            .map(|(_, p)| *p)
    };
    let network = networks::create(
        db,
        territory,
        "Les partages de l'innovation",
        account(Function::Cpc),
    )
    .await?;
    let now = school_year(store::now());
    for (function, years_ago) in [
        (Function::Enseignant1d, 2),
        (Function::Enseignant2d, 1),
        (Function::DirecteurEcole, 0),
    ] {
        if let Some(person) = account(function) {
            networks::add_member(db, network, person, now - years_ago).await?;
        }
    }
    Ok(())
}

/// The instances (the steering group with seats still to fill, the operational group) and
/// working groups 1 (the demo collège's), 2 and 3, each with its space.
async fn groups(
    db: &Db,
    territory: TerritoryId,
    accounts: &[(Option<Function>, PersonId)],
    college: &str,
) -> anyhow::Result<()> {
    use domain::territories::groups::GroupKind;
    use store::territories::groups;
    let account = |function| {
        accounts
            .iter()
            .find(|(f, _)| *f == Some(function))
            .map(|(_, p)| *p)
    };
    let (Some(coordinator), Some(perdir), Some(ien), Some(teacher)) = (
        account(Function::ChargeDeMission),
        account(Function::Perdir),
        account(Function::Ien),
        account(Function::Enseignant2d),
    ) else {
        return Ok(());
    };
    let steering = groups::create(
        db,
        territory,
        GroupKind::Steering,
        "Groupe de pilotage du réseau",
        None,
        "",
        coordinator,
    )
    .await?;
    groups::add_member(
        db,
        steering,
        Some(perdir),
        "Personnel de direction (démo)",
        "perdir",
        coordinator,
    )
    .await?;
    groups::add_member(db, steering, Some(ien), "IEN (démo)", "ien", coordinator).await?;
    groups::add_member(
        db,
        steering,
        None,
        "Département du Pas-de-Calais",
        "collectivite",
        coordinator,
    )
    .await?;
    groups::add_member(db, steering, None, "Louvre-Lens", "structure", coordinator).await?;
    groups::add_member(
        db,
        steering,
        Some(teacher),
        "Enseignant 2nd degré (démo)",
        "enseignant",
        coordinator,
    )
    .await?;
    // Its next meeting, in three weeks, with the pad of its minutes.
    let starts_at = store::now() - store::now() % 86_400 + 21 * 86_400 + 16 * 3600;
    let meeting = domain::territories::groups::Meeting::parse(&domain::territories::groups::MeetingInput {
        title: "Réunion du groupe de pilotage".to_owned(),
        agenda: "1. Bilan de l'état des lieux partagé\n2. La problématique commune\n3. Les journées accompagnées".to_owned(),
        place: "Collège, salle du conseil".to_owned(),
        video_url: "https://visio.education.fr/territoire/pilotage".to_owned(),
        starts_at,
        ends_at: starts_at + 2 * 3600,
    })
    .map_err(|e| anyhow::anyhow!(e.message))?;
    groups::create_meeting(db, steering, &meeting, coordinator).await?;
    groups::create(
        db,
        territory,
        GroupKind::Operational,
        "Groupe opérationnel du réseau",
        None,
        "",
        coordinator,
    )
    .await?;
    let gt1 = groups::create(
        db,
        territory,
        GroupKind::Working1,
        "Groupe de travail 1 du collège",
        Some(college),
        "",
        perdir,
    )
    .await?;
    groups::add_member(
        db,
        gt1,
        Some(teacher),
        "Enseignant 2nd degré (démo)",
        "membre",
        perdir,
    )
    .await?;
    groups::create(
        db,
        territory,
        GroupKind::Working2,
        "Groupe de travail 2 — l'oral",
        None,
        "",
        coordinator,
    )
    .await?;
    groups::create(
        db,
        territory,
        GroupKind::Working3,
        "Groupe de travail 3 — reddition des comptes",
        None,
        "Reddition des comptes",
        coordinator,
    )
    .await?;
    Ok(())
}
