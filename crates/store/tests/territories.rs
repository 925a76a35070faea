//! Territories' storage (maturity assessments), on SQLite and (with
//! `TERRITOIRE_TEST_POSTGRES`) PostgreSQL.

use domain::accounts::Function;
use domain::ids::{AssessmentId, PersonId};
use domain::policy::TerritoryRole;
use domain::territories::NewTerritory;
use domain::territories::maturity::Levels;
use store::territories::maturity;
use store::{Db, StoreError};
use testkit::{create_person, fresh_db};

async fn person(db: &Db, email: &str) -> anyhow::Result<PersonId> {
    create_person(db, email, Function::Enseignant2d, None, false).await
}

fn agreement(levels: Levels, evidence: &[String; 5], by: PersonId) -> maturity::Agreement {
    maturity::Agreement {
        levels,
        evidence: evidence.clone(),
        by,
    }
}

/// A territory made of those establishments of the sample directory (imported first).
async fn with_sample_directory(
    db: &Db,
    name: &str,
    uais: &[&str],
) -> anyhow::Result<domain::ids::TerritoryId> {
    store::directory::ensure_reference_data(db).await?;
    let entries = domain::directory::annuaire::parse(testkit::sample_annuaire().as_bytes())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store::directory::import(db, &entries).await?;
    let ids = store::directory::ids_by_uai(db).await?;
    let territory = store::territories::create(db, &NewTerritory::parse(name, "")?).await?;
    let establishments: Vec<i64> = uais.iter().filter_map(|u| ids.get(*u).copied()).collect();
    store::territories::add_establishments(db, territory, &establishments).await?;
    Ok(territory)
}

#[tokio::test]
async fn members_answer_alone_and_the_group_agrees_the_levels() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let territory = store::territories::create(
        &db,
        &NewTerritory::parse("Territoire apprenant de Lens", "")?,
    )
    .await?;
    let other = store::territories::create(
        &db,
        &NewTerritory::parse("Territoire apprenant d'Arras", "")?,
    )
    .await?;
    let (a, b, c) = (
        person(&db, "a@ac-lille.fr").await?,
        person(&db, "b@ac-lille.fr").await?,
        person(&db, "c@ac-lille.fr").await?,
    );
    assert!(maturity::list(&db, territory, Some(a)).await?.is_empty());

    // The first answer opens the assessment; the next ones join it; answering again replaces.
    let first = maturity::answer(&db, territory, a, Levels([1, 1, 1, 1, 1]), store::now()).await?;
    assert_eq!(
        maturity::answer(&db, territory, b, Levels([2, 3, 2, 1, 1]), store::now()).await?,
        first
    );
    maturity::answer(&db, territory, a, Levels([2, 2, 2, 2, 1]), store::now()).await?;
    maturity::answer(&db, territory, c, Levels([4, 3, 2, 1, 1]), store::now()).await?;
    let list = maturity::list(&db, territory, Some(a)).await?;
    assert_eq!(list.len(), 1);
    let open = &list[0];
    assert_eq!(open.answers, 3);
    assert_eq!(open.spread[0].counts, [0, 2, 0, 1, 0]);
    assert_eq!(open.spread[1].counts, [0, 1, 2, 0, 0]);
    assert_eq!(open.mine, Some(Levels([2, 2, 2, 2, 1])));
    assert_eq!(open.agreed_at, None);
    assert_eq!(open.agreed, None);
    assert_eq!(maturity::list(&db, territory, None).await?[0].mine, None);
    // Nothing leaks into another territory.
    assert!(maturity::list(&db, other, Some(a)).await?.is_empty());

    // The group agrees: the assessment closes; agreeing twice, or in another territory, fails.
    let evidence = [
        "[Le conseil pédagogique commun](/pratiques/conseil-commun)".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ];
    assert!(matches!(
        maturity::agree(
            &db,
            other,
            first,
            &agreement(Levels([2; 5]), &evidence, a),
            store::now()
        )
        .await,
        Err(StoreError::NotFound)
    ));
    maturity::agree(
        &db,
        territory,
        first,
        &agreement(Levels([2, 2, 2, 1, 1]), &evidence, a),
        store::now(),
    )
    .await?;
    assert!(matches!(
        maturity::agree(
            &db,
            territory,
            first,
            &agreement(Levels([3; 5]), &evidence, a),
            store::now()
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        maturity::agree(
            &db,
            territory,
            AssessmentId(first.0 + 100),
            &agreement(Levels([3; 5]), &evidence, a),
            store::now()
        )
        .await,
        Err(StoreError::NotFound)
    ));

    // A later answer opens the next assessment; the history keeps the agreed one.
    let second = maturity::answer(&db, territory, b, Levels([3, 3, 3, 2, 2]), store::now()).await?;
    assert_ne!(second, first);
    let list = maturity::list(&db, territory, Some(b)).await?;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, second);
    assert_eq!(list[0].answers, 1);
    assert_eq!(list[1].id, first);
    let Some((levels, evidence_read)) = list[1].agreed.clone() else {
        anyhow::bail!("the agreed levels are kept");
    };
    assert_eq!(levels, Levels([2, 2, 2, 1, 1]));
    assert_eq!(evidence_read, evidence);
    assert!(list[1].agreed_at.is_some());
    assert_eq!(list[1].mine, Some(Levels([2, 3, 2, 1, 1])));
    Ok(())
}

#[tokio::test]
async fn concurrent_first_answers_open_one_assessment() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let territory = store::territories::create(
        &db,
        &NewTerritory::parse("Territoire apprenant de Liévin", "")?,
    )
    .await?;
    let mut people = Vec::new();
    for n in 0..8 {
        people.push(person(&db, &format!("p{n}@ac-lille.fr")).await?);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for p in people {
        let db = db.clone();
        tasks.spawn(async move {
            maturity::answer(&db, territory, p, Levels([3; 5]), store::now()).await
        });
    }
    let mut ids = Vec::new();
    while let Some(done) = tasks.join_next().await {
        ids.push(done??);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let list = maturity::list(&db, territory, None).await?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].answers, 8);
    assert_eq!(list[0].spread[4].counts, [0, 0, 8, 0, 0]);
    Ok(())
}

fn workshop(capacity: u32, in_days: i64) -> domain::territories::events::EventContent {
    let starts_at = store::now() + in_days * 86_400;
    domain::territories::events::EventContent {
        title: "Atelier robotique de l'OTA Lab".to_owned(),
        kind: domain::territories::events::EventKind::AtelierLab,
        description: String::new(),
        place: "OTA Lab, Arras".to_owned(),
        capacity,
        starts_at,
        ends_at: starts_at + 3 * 3600,
    }
}

#[tokio::test]
async fn concurrent_registrations_never_exceed_the_places_and_a_freed_place_goes_to_the_first_waiting()
-> anyhow::Result<()> {
    use domain::territories::events::RegistrationStatus::{Registered, Waitlisted};
    use store::territories::events;
    let (db, _fresh) = fresh_db().await?;
    let organiser = person(&db, "organisation@ac-lille.fr").await?;
    let event = events::create(&db, &workshop(5, 10), None, None, organiser).await?;
    let mut people = Vec::new();
    for n in 0..12 {
        people.push(person(&db, &format!("p{n}@ac-lille.fr")).await?);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for p in people.clone() {
        let db = db.clone();
        tasks.spawn(async move { events::register(&db, event, p).await.map(|s| (p, s)) });
    }
    let mut statuses = Vec::new();
    while let Some(done) = tasks.join_next().await {
        statuses.push(done??);
    }
    assert_eq!(statuses.iter().filter(|(_, s)| *s == Registered).count(), 5);
    assert_eq!(statuses.iter().filter(|(_, s)| *s == Waitlisted).count(), 7);
    let read = events::get(&db, event, None).await?;
    assert_eq!((read.registered, read.waitlisted), (5, 7));
    // Registering again changes nothing.
    let (first, _) = statuses[0];
    assert_eq!(events::register(&db, event, first).await?, statuses[0].1);
    assert_eq!(events::get(&db, event, None).await?.registered, 5);

    // The first of the waiting list (in order of arrival) takes a freed place, and is told.
    let list = events::registrants(&db, event).await?;
    let registered = list
        .iter()
        .find(|r| r.status == "registered")
        .map(|r| PersonId(r.person_id));
    let next = list
        .iter()
        .find(|r| r.status == "waitlisted")
        .map(|r| PersonId(r.person_id));
    let second_waiting = list
        .iter()
        .filter(|r| r.status == "waitlisted")
        .nth(1)
        .map(|r| PersonId(r.person_id));
    let (Some(registered), Some(next), Some(second_waiting)) = (registered, next, second_waiting)
    else {
        anyhow::bail!("five registered, seven waiting: {list:?}");
    };
    assert_eq!(
        events::get(&db, event, Some(second_waiting)).await?.mine,
        Some((Waitlisted, 2))
    );
    assert_eq!(
        events::unregister(&db, event, registered).await?,
        Some(next)
    );
    let read = events::get(&db, event, Some(next)).await?;
    assert_eq!((read.registered, read.waitlisted), (5, 6));
    assert_eq!(read.mine, Some((Registered, 0)));
    assert_eq!(
        events::get(&db, event, Some(second_waiting)).await?.mine,
        Some((Waitlisted, 1))
    );
    let told = store::practices::notifications(&db, next, 10).await?;
    assert!(
        told.iter()
            .any(|n| n.message.contains("Une place s'est libérée")),
        "{told:?}"
    );
    // Leaving the waiting list frees no place; nor does someone not registered.
    assert_eq!(events::unregister(&db, event, second_waiting).await?, None);
    assert!(matches!(
        events::unregister(&db, event, organiser).await,
        Err(StoreError::NotFound)
    ));

    // Attendance: only the registered; the others did not come.
    assert!(matches!(
        events::record_attendance(&db, event, &[organiser]).await,
        Err(StoreError::Invalid(_))
    ));
    events::record_attendance(&db, event, &[next]).await?;
    let list = events::registrants(&db, event).await?;
    assert_eq!(
        list.iter()
            .find(|r| r.person_id == next.0)
            .and_then(|r| r.attended),
        Some(true)
    );
    assert_eq!(list.iter().filter(|r| r.attended == Some(false)).count(), 4);

    // A past event takes no registration.
    let past = events::create(&db, &workshop(5, -2), None, None, organiser).await?;
    assert!(matches!(
        events::register(&db, past, first).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        events::register(&db, domain::ids::EventId(past.0 + 1000), first).await,
        Err(StoreError::NotFound)
    ));
    Ok(())
}

#[tokio::test]
async fn a_lab_room_is_never_booked_twice_at_once() -> anyhow::Result<()> {
    use store::territories::events;
    let (db, _fresh) = fresh_db().await?;
    let a = person(&db, "a@ac-lille.fr").await?;
    let room = events::create_room(&db, None, "Salle de créativité", "", 24).await?;
    let other = events::create_room(&db, None, "Atelier de fabrication", "", 12).await?;
    let content = workshop(20, 5);
    let event = events::create(&db, &content, None, Some(room), a).await?;
    assert_eq!(
        events::get(&db, event, None).await?.room.as_deref(),
        Some("Salle de créativité")
    );
    // Overlapping the workshop: refused, and says when the room is taken; the event is not
    // created either.
    let clash = events::book_room(
        &db,
        room,
        (content.starts_at + 3600, content.ends_at + 3600),
        "Réunion",
        a,
    )
    .await;
    assert!(
        matches!(&clash, Err(StoreError::Conflict(m)) if m.contains("déjà réservée") && m.contains("Atelier robotique")),
        "{clash:?}"
    );
    assert!(matches!(
        events::create(&db, &content, None, Some(room), a).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(events::upcoming(&db, 0, 10).await?.len(), 1);
    // Right after it, or in another room: fine. An unknown room: refused.
    events::book_room(
        &db,
        room,
        (content.ends_at, content.ends_at + 3600),
        "Réunion",
        a,
    )
    .await?;
    events::book_room(
        &db,
        other,
        (content.starts_at, content.ends_at),
        "Impression 3D",
        a,
    )
    .await?;
    assert!(matches!(
        events::book_room(
            &db,
            domain::ids::LabRoomId(other.0 + 10),
            (content.starts_at, content.ends_at),
            "x",
            a
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    // Eight people book the same free slot at once: one gets it.
    let slot = (content.starts_at + 86_400, content.ends_at + 86_400);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..8 {
        let db = db.clone();
        tasks.spawn(
            async move { events::book_room(&db, room, slot, &format!("Atelier {n}"), a).await },
        );
    }
    let mut booked = 0;
    while let Some(done) = tasks.join_next().await {
        match done? {
            Ok(_) => booked += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(other) => return Err(other.into()),
        }
    }
    assert_eq!(booked, 1);
    assert_eq!(events::bookings(&db, 0, 50).await?.len(), 4);
    Ok(())
}

#[tokio::test]
async fn the_inventory_merges_across_establishments_and_feeds_the_problem_statement()
-> anyhow::Result<()> {
    use domain::territories::launch::{NewItem, Problem, Step, StepState};
    use store::territories::launch;
    let (db, _fresh) = fresh_db().await?;
    let territory = with_sample_directory(
        &db,
        "Territoire apprenant d'Arras",
        &["0620001P", "0620100X"],
    )
    .await?;
    let (a, b) = (
        person(&db, "a@ac-lille.fr").await?,
        person(&db, "b@ac-lille.fr").await?,
    );
    assert_eq!(launch::steps(&db, territory).await?, [StepState::Todo; 5]);
    launch::set_step(&db, territory, Step::Inventory, StepState::Doing, a).await?;
    assert_eq!(launch::steps(&db, territory).await?[0], StepState::Doing);

    let concertation =
        NewItem::parse("difficulty", "common", "Le manque de temps de concertation")?;
    let first = launch::add_item(&db, territory, "0620001P", &concertation, a).await?;
    let same = NewItem::parse(
        "difficulty",
        "specific",
        "le manque de temps de concertation.",
    )?;
    launch::add_item(&db, territory, "0620100X", &same, b).await?;
    let choir = NewItem::parse("success", "specific", "La chorale inter-degrés")?;
    let choir = launch::add_item(&db, territory, "0620100X", &choir, b).await?;
    // An establishment outside the territory: refused.
    assert!(matches!(
        launch::add_item(&db, territory, "0620002R", &concertation, a).await,
        Err(StoreError::Invalid(m)) if m.contains("0620002R")
    ));
    let merged = domain::territories::launch::merge(&launch::items(&db, territory).await?);
    assert_eq!(merged.len(), 2);
    assert_eq!(merged[0].establishments.len(), 2);
    assert!(merged[0].common && !merged[1].common);

    // Only its author (or a coordinator) removes an item.
    assert!(matches!(
        launch::delete_item(&db, territory, choir, a, false).await,
        Err(StoreError::NotFound)
    ));
    launch::delete_item(&db, territory, choir, a, true).await?;
    assert_eq!(launch::items(&db, territory).await?.len(), 2);

    // The problem statement links items of this territory only.
    assert_eq!(launch::problem(&db, territory).await?, None);
    let problem = Problem::parse(
        "Comment dégager du temps pour travailler ensemble entre écoles et collège ?",
        "Coopérer\nS'exprimer à l'oral",
    )?;
    assert!(matches!(
        launch::set_problem(&db, territory, &problem, &[first + 50], a).await,
        Err(StoreError::Invalid(_))
    ));
    launch::set_problem(&db, territory, &problem, &[first, first], a).await?;
    let Some((read, items, _)) = launch::problem(&db, territory).await? else {
        anyhow::bail!("the problem statement is kept");
    };
    assert_eq!(read, problem);
    assert_eq!(items, [first]);
    assert_eq!(
        launch::establishments_of(&db, territory, a).await?,
        Vec::<(String, String)>::new()
    );
    Ok(())
}

#[tokio::test]
async fn work_objects_actions_and_a_journal_that_closes_year_one_into_year_two()
-> anyhow::Result<()> {
    use domain::territories::launch::{Action, ActionInput, FriendRole, WorkObject, parse_support};
    use store::territories::launch;
    let (db, _fresh) = fresh_db().await?;
    let territory = with_sample_directory(&db, "Territoire de Lens", &["0620100X"]).await?;
    let (a, friend) = (
        person(&db, "a@ac-lille.fr").await?,
        person(&db, "ami@ac-lille.fr").await?,
    );

    let object = WorkObject::parse(
        "L'oral en continu",
        "Du CM1 à la 3e",
        "Mme Formatrice",
        ["2027-01-14", "2027-03-11"],
    )?;
    launch::add_work_object(&db, territory, &object, a).await?;
    assert_eq!(
        launch::work_objects(&db, territory).await?[0].object,
        object
    );

    let input = ActionInput {
        title: "Tutorat CM2-6e".into(),
        scope: "establishment".into(),
        uai: "0620100X".into(),
        evidence: "Les élèves de 6e demandent de l'aide à un pair".into(),
        theme: "pedagogie".into(),
        ..ActionInput::default()
    };
    let action = Action::parse(&input)?;
    launch::add_action(&db, territory, &action, a).await?;
    let outside = Action::parse(&ActionInput {
        uai: "0620001P".into(),
        ..input.clone()
    })?;
    assert!(matches!(
        launch::add_action(&db, territory, &outside, a).await,
        Err(StoreError::Invalid(_))
    ));
    let read = launch::actions(&db, territory).await?;
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].action, action);
    assert_eq!(
        read[0].establishment.as_deref(),
        Some("Collège Victor Hugo")
    );

    launch::add_critical_friend(&db, territory, friend).await?;
    launch::add_critical_friend(&db, territory, friend).await?;
    assert_eq!(launch::critical_friends(&db, territory).await?.len(), 1);
    assert!(matches!(
        launch::add_critical_friend(&db, territory, PersonId(friend.0 + 100)).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(launch::current_year(&db, territory).await?, 1);
    launch::write_journal(
        &db,
        territory,
        FriendRole::Mediateur,
        "Médiation entre deux équipes.",
        friend,
    )
    .await?;
    assert_eq!(
        launch::close_year(
            &db,
            territory,
            "Les élèves coopèrent davantage en 6e.",
            friend
        )
        .await?,
        1
    );
    assert_eq!(launch::current_year(&db, territory).await?, 2);
    launch::write_journal(
        &db,
        territory,
        FriendRole::Chercheur,
        "Entretiens avec les élèves.",
        friend,
    )
    .await?;
    let journal = launch::journal(&db, territory).await?;
    assert_eq!(
        journal
            .iter()
            .map(|j| (j.year, j.role.as_str()))
            .collect::<Vec<_>>(),
        [(2, "chercheur"), (1, "mediateur")]
    );
    assert_eq!(launch::impact_analyses(&db, territory).await?[0].0, 1);

    let (support, category, text) = parse_support("support", "convention", "Le PEDT de Lens")?;
    launch::add_support(&db, territory, (support, &category, &text), a).await?;
    let (support, category, text) =
        parse_support("obstacle", "", "Passer d'un temps court à un temps long")?;
    launch::add_support(&db, territory, (support, &category, &text), a).await?;
    let read = launch::supports(&db, territory).await?;
    assert_eq!(
        read.iter().map(|s| s.support).collect::<Vec<_>>(),
        [true, false]
    );
    Ok(())
}

#[tokio::test]
async fn instances_are_one_per_territory_and_members_sit_by_seat() -> anyhow::Result<()> {
    use domain::territories::groups::{GroupKind, seats};
    use store::territories::groups;
    let (db, _fresh) = fresh_db().await?;
    let territory = with_sample_directory(&db, "Territoire de Lens", &["0620100X"]).await?;
    let (a, b) = (
        person(&db, "a@ac-lille.fr").await?,
        person(&db, "b@ac-lille.fr").await?,
    );

    let steering = groups::create(
        &db,
        territory,
        GroupKind::Steering,
        "Groupe de pilotage",
        None,
        "",
        a,
    )
    .await?;
    assert!(matches!(
        groups::create(
            &db,
            territory,
            GroupKind::Steering,
            "Un autre pilotage",
            None,
            "",
            a
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        groups::create(
            &db,
            territory,
            GroupKind::Working1,
            "GT1 école",
            Some("0620001P"),
            "",
            a
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    let gt1 = groups::create(
        &db,
        territory,
        GroupKind::Working1,
        "GT1 du collège",
        Some("0620100X"),
        "",
        a,
    )
    .await?;
    groups::create(
        &db,
        territory,
        GroupKind::Working3,
        "Reddition des comptes",
        None,
        "reddition",
        a,
    )
    .await?;

    groups::add_member(&db, steering, Some(b), "B", "perdir", a).await?;
    groups::add_member(&db, steering, None, "Ville de Lens", "collectivite", a).await?;
    assert!(matches!(
        groups::add_member(&db, steering, Some(b), "B", "enseignant", a).await,
        Err(StoreError::Conflict(_))
    ));
    groups::add_member(&db, gt1, Some(b), "B", "membre", a).await?;
    let list = groups::list(&db, territory).await?;
    assert_eq!(
        list.iter().map(|g| g.kind).collect::<Vec<_>>(),
        [
            GroupKind::Steering,
            GroupKind::Working1,
            GroupKind::Working3
        ]
    );
    assert_eq!(
        list[1].establishment.as_deref(),
        Some("Collège Victor Hugo")
    );
    let members: Vec<(String, String)> = list[0]
        .members
        .iter()
        .map(|(s, n, _)| (s.clone(), n.clone()))
        .collect();
    assert_eq!(
        seats(GroupKind::Steering, &members)
            .iter()
            .map(|s| s.missing)
            .sum::<usize>(),
        7
    );
    // Each group has its space, where its members (with an account) take part.
    let Some(space) = list[1].space_id else {
        anyhow::bail!("the group's space");
    };
    let space_members = store::spaces::members(&db, domain::ids::SpaceId(space)).await?;
    assert_eq!(space_members.len(), 2, "{space_members:?}");
    assert_eq!(
        groups::of_group(&db, gt1).await?,
        (territory, GroupKind::Working1)
    );
    Ok(())
}

#[tokio::test]
async fn a_network_follows_its_members_over_three_school_years() -> anyhow::Result<()> {
    use domain::territories::networks::{Stage, cohorts};
    use store::territories::networks;
    let (db, _fresh) = fresh_db().await?;
    let territory = store::territories::create(
        &db,
        &NewTerritory::parse("Circonscription de Val-de-Reuil", "")?,
    )
    .await?;
    let cpc = person(&db, "cpc@ac-normandie.fr").await?;
    let (a, b, c) = (
        person(&db, "a@ac-normandie.fr").await?,
        person(&db, "b@ac-normandie.fr").await?,
        person(&db, "c@ac-normandie.fr").await?,
    );
    let network =
        networks::create(&db, territory, "Les partages de l'innovation", Some(cpc)).await?;
    networks::add_member(&db, network, a, 2024).await?;
    networks::add_member(&db, network, b, 2025).await?;
    networks::add_member(&db, network, c, 2026).await?;
    // Joining again keeps the first year.
    networks::add_member(&db, network, a, 2026).await?;
    assert!(matches!(
        networks::add_member(&db, network, PersonId(c.0 + 100), 2026).await,
        Err(StoreError::Invalid(_))
    ));
    let list = networks::list(&db, territory).await?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].cpc.as_deref(), Some("Personne cpc"));
    let joined: Vec<i32> = list[0].members.iter().map(|m| m.2).collect();
    assert_eq!(joined, [2024, 2025, 2026]);
    assert_eq!(cohorts(&joined, 2026), [1, 1, 1]);
    assert_eq!(Stage::of(joined[0], 2026), Some(Stage::Passeur));
    // A member who does not go on in year 2 leaves.
    networks::remove_member(&db, network, b).await?;
    assert!(matches!(
        networks::remove_member(&db, network, b).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(networks::list(&db, territory).await?[0].members.len(), 2);
    Ok(())
}

#[tokio::test]
async fn conventions_are_renewed_after_one_reminder_to_the_coordination() -> anyhow::Result<()> {
    use domain::territories::partners::{Contact, Convention, parse_renewal};
    use store::territories::partners;
    let (db, _fresh) = fresh_db().await?;
    let territory = store::territories::create(
        &db,
        &NewTerritory::parse("Circonscription de Val-de-Reuil", "")?,
    )
    .await?;
    let other =
        store::territories::create(&db, &NewTerritory::parse("Territoire d'Évreux", "")?).await?;
    let (coordinator, member) = (
        person(&db, "coordination@ac-normandie.fr").await?,
        person(&db, "membre@ac-normandie.fr").await?,
    );
    store::territories::set_member(&db, territory, coordinator, TerritoryRole::Coordinator).await?;
    store::territories::set_member(&db, territory, member, TerritoryRole::Member).await?;

    let city =
        store::territories::add_partner(&db, territory, "Ville de Val-de-Reuil", "collectivite")
            .await?;
    assert_eq!(partners::territory_of_partner(&db, city).await?, territory);
    let contact = partners::add_contact(
        &db,
        city,
        &Contact::parse(
            "Mme Durand",
            "Service éducation",
            "durand@valdereuil.fr",
            "",
        )?,
    )
    .await?;
    let listed = partners::list(&db, territory).await?;
    assert_eq!(listed[0].contacts[0].email, "durand@valdereuil.fr");
    assert!(partners::list(&db, other).await?.is_empty());
    // A contact is forgotten only through its own territory.
    assert!(matches!(
        partners::delete_contact(&db, other, contact).await,
        Err(StoreError::NotFound)
    ));
    partners::delete_contact(&db, territory, contact).await?;
    assert!(partners::list(&db, territory).await?[0].contacts.is_empty());

    // Two conventions: one ends in 60 days, the other in two years.
    let today = store::now() / 86_400;
    let iso = domain::observatories::binome::Period::iso;
    let soon = Convention::parse(
        "pedt",
        "PEDT de Val-de-Reuil",
        "Ville de Val-de-Reuil\nDSDEN de l'Eure",
        &iso(today - 300),
        &iso(today + 60),
    )?;
    let later = Convention::parse(
        "cteac",
        "CTEAC de l'Eure",
        "DRAC Normandie\nDépartement de l'Eure",
        &iso(today - 10),
        &iso(today + 730),
    )?;
    let soon = partners::create_convention(&db, territory, &soon, coordinator).await?;
    partners::create_convention(&db, territory, &later, coordinator).await?;
    partners::add_document(
        &db,
        soon,
        "PEDT signé.pdf",
        "conventions/x",
        1200,
        "application/pdf",
        coordinator,
    )
    .await?;
    let list = partners::conventions(&db, territory).await?;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, soon);
    assert_eq!(
        list[0].parties,
        ["Ville de Val-de-Reuil", "DSDEN de l'Eure"]
    );
    assert_eq!(list[0].documents[0].name, "PEDT signé.pdf");

    // The daily reminder tells the coordination once, not the members.
    assert_eq!(partners::remind_renewals(&db, today).await?, 1);
    assert_eq!(partners::remind_renewals(&db, today).await?, 0);
    let told = store::practices::notifications(&db, coordinator, 10).await?;
    assert_eq!(told.len(), 1);
    assert!(
        told[0]
            .message
            .starts_with("La convention « PEDT de Val-de-Reuil » prend fin le ")
    );
    assert!(
        told[0]
            .link
            .ends_with(&format!("/partenaires#convention-{soon}"))
    );
    assert!(
        store::practices::notifications(&db, member, 10)
            .await?
            .is_empty()
    );

    // Renewed for a year: reminded again before the new end, not before.
    let ends_on = parse_renewal(&iso(today + 425), list[0].ends_on)?;
    partners::renew(&db, soon, ends_on).await?;
    assert_eq!(partners::convention(&db, soon).await?.ends_on, today + 425);
    assert_eq!(partners::remind_renewals(&db, today).await?, 0);
    assert_eq!(partners::remind_renewals(&db, today + 340).await?, 1);
    assert!(matches!(
        partners::renew(&db, 9999, ends_on).await,
        Err(StoreError::NotFound)
    ));
    Ok(())
}

#[tokio::test]
async fn a_students_day_in_charge_frees_the_host_for_a_peers_class() -> anyhow::Result<()> {
    use domain::territories::inspe::Placement;
    use store::territories::inspe;
    let (db, _fresh) = fresh_db().await?;
    let territory = store::territories::create(
        &db,
        &NewTerritory::parse("Circonscription de Val-de-Reuil", "")?,
    )
    .await?;
    let student = create_person(
        &db,
        "etudiante@inspe.fr",
        Function::EtudiantMeef,
        None,
        false,
    )
    .await?;
    let (host, peer, other, coordinator) = (
        person(&db, "titulaire@ac-normandie.fr").await?,
        person(&db, "collegue@ac-normandie.fr").await?,
        person(&db, "autre@ac-normandie.fr").await?,
        person(&db, "coordination@ac-normandie.fr").await?,
    );
    let day = |kind: &str, on: &str| Placement::parse(kind, on);

    // In charge of the class only after observing it.
    assert!(matches!(
        inspe::place(
            &db,
            territory,
            student,
            host,
            &day("responsabilite", "2027-03-11")?,
            coordinator
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    inspe::place(
        &db,
        territory,
        student,
        host,
        &day("observation", "2027-03-04")?,
        coordinator,
    )
    .await?;
    assert!(matches!(
        inspe::place(
            &db,
            territory,
            student,
            host,
            &day("observation", "2027-03-04")?,
            coordinator
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    inspe::place(
        &db,
        territory,
        student,
        host,
        &day("responsabilite", "2027-03-11")?,
        coordinator,
    )
    .await?;
    assert!(matches!(
        inspe::place(
            &db,
            territory,
            host,
            host,
            &day("observation", "2027-03-12")?,
            coordinator
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    // The student joins the territory; the host is told of each day.
    assert_eq!(
        store::territories::role_of(&db, territory, student).await?,
        Some(TerritoryRole::Member)
    );
    let told = store::practices::notifications(&db, host, 10).await?;
    assert_eq!(told.len(), 2);
    assert!(told[0].message.contains("le 11 mars 2027 : journée de mise en responsabilité ; ce jour-là, vous êtes libéré de votre classe"));

    let from = Placement::parse("observation", "2027-01-01")?.day;
    assert_eq!(inspe::days(&db, territory, from).await?.len(), 2);
    let freed = inspe::freed_days(&db, territory, from).await?;
    assert_eq!(freed.len(), 1);
    assert_eq!((freed[0].host_id, freed[0].peer_id), (host.0, None));

    // One peer welcomes the freed host; not the host, not a second peer, not another day.
    let on = freed[0].day;
    assert!(matches!(
        inspe::welcome(&db, territory, host, on, host).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        inspe::welcome(&db, territory, host, on - 7, peer).await,
        Err(StoreError::NotFound)
    ));
    inspe::welcome(&db, territory, host, on, peer).await?;
    assert!(matches!(
        inspe::welcome(&db, territory, host, on, other).await,
        Err(StoreError::Conflict(_))
    ));
    let freed = inspe::freed_days(&db, territory, from).await?;
    assert_eq!(freed[0].peer.as_deref(), Some("Personne collegue"));
    let told = store::practices::notifications(&db, host, 10).await?;
    assert!(
        told[0]
            .message
            .starts_with("Personne collegue vous accueille dans sa classe le 11 mars 2027")
    );
    // Past days are no longer offered.
    assert!(inspe::freed_days(&db, territory, on + 1).await?.is_empty());
    Ok(())
}
