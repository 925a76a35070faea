//! Training needs on both databases: each person's own, and the demand read without names.

use domain::accounts::Function;
use domain::observatories::visit::TrainingNeed;
use domain::territories::NewTerritory;
use domain::training::demand::{Others, aggregate, school_year_bounds};
use domain::training::modules::{ModuleContent, ModuleInput, SessionInput};
use store::StoreError;
use testkit::{create_person, fresh_db};

#[tokio::test]
async fn needs_are_ones_own_and_the_demand_has_no_names() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let lens =
        store::territories::create(&db, &NewTerritory::parse("Territoire de Lens", "")?).await?;
    let arras =
        store::territories::create(&db, &NewTerritory::parse("Territoire d'Arras", "")?).await?;
    let mut people = Vec::new();
    for i in 0..7 {
        people.push(
            create_person(
                &db,
                &format!("prof{i}@ac-lille.fr"),
                Function::Enseignant1d,
                None,
                false,
            )
            .await?,
        );
    }
    let need = |theme: &str| TrainingNeed::parse(theme, "premier-degre", "Cycle 3");
    // Six ask for the same theme in Lens (spelt two ways), one for another; one in Arras.
    for (i, person) in people.iter().take(6).enumerate() {
        let theme = if i % 2 == 0 {
            "Conduire un débat réglé"
        } else {
            "conduire un  debat regle"
        };
        store::training::express(&db, *person, Some(lens), &need(theme)?, "enseignant-1d").await?;
    }
    let lone = store::training::express(
        &db,
        people[6],
        Some(lens),
        &need("Climat scolaire")?,
        "enseignant-1d",
    )
    .await?;
    store::training::express(&db, people[6], Some(arras), &need("Oral")?, "enseignant-1d").await?;
    // The same need twice, whatever the accents, is refused.
    assert!(matches!(
        store::training::express(&db, people[0], None, &need("CONDUIRE UN DEBAT RÉGLÉ")?, "").await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store::training::needs_of(&db, people[6]).await?.len(), 2);

    let (from, to) = school_year_bounds(&domain::territories::networks::school_year_label(
        domain::territories::networks::school_year(store::now()),
    ))
    .map_err(anyhow::Error::msg)?;
    // Each spelling once, with how many wrote it, in the order first written.
    let themes = store::training::demand_themes(&db, Some(lens), from, to).await?;
    assert_eq!(
        themes,
        [
            ("Conduire un débat réglé".to_owned(), 3),
            ("conduire un  debat regle".to_owned(), 3),
            ("Climat scolaire".to_owned(), 1)
        ]
    );
    let demand = aggregate(themes.iter().map(|(t, n)| (t.as_str(), *n)));
    assert_eq!(demand.themes.len(), 1);
    assert_eq!(demand.themes[0].count, 6);
    assert_eq!(demand.themes[0].theme, "Conduire un débat réglé");
    assert_eq!(demand.others, Others::FewerThanFive);
    assert_eq!(
        store::training::demand_themes(&db, None, from, to)
            .await?
            .len(),
        4
    );
    // Last school year: nothing.
    assert!(
        store::training::demand_themes(&db, None, from - 365 * 86_400, from)
            .await?
            .is_empty()
    );

    // One withdraws one's own need only.
    assert!(matches!(
        store::training::withdraw(&db, people[0], lone).await,
        Err(StoreError::NotFound)
    ));
    store::training::withdraw(&db, people[6], lone).await?;
    assert_eq!(
        store::training::demand_themes(&db, Some(lens), from, to)
            .await?
            .len(),
        2
    );
    Ok(())
}

async fn teacher(db: &store::Db, email: &str) -> anyhow::Result<domain::ids::PersonId> {
    create_person(db, email, Function::Enseignant1d, None, false).await
}

fn module(capacity: i64, reserved: i64, themes: &[&str]) -> anyhow::Result<ModuleContent> {
    let start = store::now() + 30 * 86_400;
    Ok(ModuleContent::parse(&ModuleInput {
        title: "Conduire un débat réglé au cycle 3".to_owned(),
        objectives: "Préparer, animer et évaluer un débat réglé.".to_owned(),
        plan: "departemental".to_owned(),
        public: "premier-degre".to_owned(),
        capacity,
        reserved_seats: reserved,
        themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        sessions: vec![
            SessionInput {
                starts_at: start,
                ends_at: start + 3 * 3600,
                place: "Collège Jean Zay, Lens".to_owned(),
                video_url: String::new(),
            },
            SessionInput {
                starts_at: start + 7 * 86_400,
                ends_at: start + 7 * 86_400 + 3 * 3600,
                place: String::new(),
                video_url: "https://visio.education.fr/debat".to_owned(),
            },
        ],
    })?)
}

#[tokio::test]
async fn a_module_tells_those_whose_needs_it_answers_and_keeps_its_seats_under_concurrency()
-> anyhow::Result<()> {
    use domain::ids::PersonId;
    use domain::territories::events::RegistrationStatus::{Registered, Waitlisted};
    use store::observatories::NewObservatory;
    use store::training::modules;
    let (db, _fresh) = fresh_db().await?;
    let office = teacher(&db, "formation@ac-lille.fr").await?;
    let (a, b, c) = (
        teacher(&db, "a@ac-lille.fr").await?,
        teacher(&db, "b@ac-lille.fr").await?,
        teacher(&db, "c@ac-lille.fr").await?,
    );
    let need = |theme: &str| TrainingNeed::parse(theme, "premier-degre", "Cycle 3");
    store::training::express(&db, a, None, &need("Débat réglé")?, "").await?;
    store::training::express(&db, b, None, &need("DEBAT REGLE")?, "").await?;
    store::training::express(&db, c, None, &need("Oral")?, "").await?;

    // 3 seats, 1 kept for the observatories; it answers « débat réglé »: a and b are told.
    let (id, told) = modules::create(
        &db,
        &module(3, 1, &["débat réglé", "Argumenter"])?,
        None,
        &[office],
        office,
    )
    .await?;
    assert_eq!(told, 2);
    for (person, expected) in [(a, true), (b, true), (c, false)] {
        let notes = store::practices::notifications(&db, person, 10).await?;
        assert_eq!(
            notes
                .iter()
                .any(|n| n.message.contains("Conduire un débat réglé")
                    && n.link == format!("/formation/modules/{}", id.0)),
            expected,
            "{notes:?}"
        );
    }
    let read = modules::get(&db, id, None).await?;
    assert_eq!(read.sessions.len(), 2);
    assert_eq!(read.trainers[0].0, office);
    assert!(modules::is_trainer(&db, id, office).await?);
    assert!(!modules::is_trainer(&db, id, a).await?);

    // Twelve register at once, none of an observatory: two open seats, ten waiting.
    let mut people = Vec::new();
    for n in 0..12 {
        people.push(teacher(&db, &format!("p{n}@ac-lille.fr")).await?);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for p in people.clone() {
        let db = db.clone();
        tasks.spawn(async move { modules::register(&db, id, p).await.map(|s| (p, s)) });
    }
    let mut statuses = Vec::new();
    while let Some(done) = tasks.join_next().await {
        statuses.push(done??);
    }
    assert_eq!(statuses.iter().filter(|(_, s)| *s == Registered).count(), 2);
    assert_eq!(
        statuses.iter().filter(|(_, s)| *s == Waitlisted).count(),
        10
    );

    // Two observers of an observatory: the first takes the kept seat, the second waits.
    let (m1, m2) = (
        teacher(&db, "obs1@ac-lille.fr").await?,
        teacher(&db, "obs2@ac-lille.fr").await?,
    );
    store::observatories::create(
        &db,
        &NewObservatory {
            name: "Observatoire de l'oral".to_owned(),
            theme: "Oral".to_owned(),
            ..NewObservatory::default()
        },
        &[office],
        &[office],
        &[m1, m2],
        office,
    )
    .await?;
    assert_eq!(modules::register(&db, id, m1).await?, Registered);
    assert_eq!(modules::register(&db, id, m2).await?, Waitlisted);
    let read = modules::get(&db, id, Some(m2)).await?;
    assert_eq!(
        (read.registered, read.reserved_taken, read.waitlisted),
        (3, 1, 11)
    );
    assert_eq!(read.mine, Some((Waitlisted, 11)));

    // A kept seat freed goes to the first member of an observatory waiting, not to the first
    // in line; an open seat to the first in line.
    let list = modules::registrants(&db, id).await?;
    let first_waiting = list
        .iter()
        .find(|r| r.status == Waitlisted)
        .map(|r| PersonId(r.person_id));
    let open_holder = list
        .iter()
        .find(|r| r.status == Registered && !r.reserved)
        .map(|r| PersonId(r.person_id));
    let (Some(first_waiting), Some(open_holder)) = (first_waiting, open_holder) else {
        anyhow::bail!("registrants: {list:?}");
    };
    assert_eq!(modules::unregister(&db, id, m1).await?, Some(m2));
    assert_eq!(
        modules::unregister(&db, id, open_holder).await?,
        Some(first_waiting)
    );
    let read = modules::get(&db, id, Some(m2)).await?;
    assert_eq!(
        (read.registered, read.reserved_taken, read.waitlisted),
        (3, 1, 9)
    );
    assert_eq!(read.mine, Some((Registered, 0)));
    assert!(
        store::practices::notifications(&db, m2, 10)
            .await?
            .iter()
            .any(|n| n.message.contains("Une place s'est libérée"))
    );

    // Attendance: only the registered; the attestation lists the sessions attended.
    let session = domain::ids::TrainingSessionId(read.sessions[0].id);
    assert!(matches!(
        modules::record_attendance(&db, id, session, &[m2, people_waiting(&db, id).await?]).await,
        Err(StoreError::Invalid(_))
    ));
    modules::record_attendance(&db, id, session, &[m2]).await?;
    assert_eq!(modules::attendance_of(&db, id, m2).await?.sessions.len(), 1);
    assert!(
        modules::attendance_of(&db, id, first_waiting)
            .await?
            .sessions
            .is_empty()
    );
    assert_eq!(modules::of_person(&db, m2).await?.len(), 1);

    // The demand against the offer: the module answers its two themes.
    let (from, to) = (store::now(), store::now() + 365 * 86_400);
    let offer = modules::offer(&db, from, to).await?;
    assert_eq!(offer.len(), 2);
    assert!(
        offer
            .iter()
            .all(|o| o.module_id == id.0 && o.waitlisted == 9)
    );

    // Cancelled: everyone registered or waiting is told; registrations close.
    assert_eq!(modules::cancel(&db, id).await?, 12);
    assert!(matches!(
        modules::register(&db, id, c).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        modules::register(&db, domain::ids::ModuleId(id.0 + 100), c).await,
        Err(StoreError::NotFound)
    ));
    assert!(modules::offer(&db, from, to).await?.is_empty());
    Ok(())
}

/// Someone on the waiting list of the module.
async fn people_waiting(
    db: &store::Db,
    id: domain::ids::ModuleId,
) -> anyhow::Result<domain::ids::PersonId> {
    store::training::modules::registrants(db, id)
        .await?
        .into_iter()
        .find(|r| r.status == domain::territories::events::RegistrationStatus::Waitlisted)
        .map(|r| domain::ids::PersonId(r.person_id))
        .ok_or_else(|| anyhow::anyhow!("nobody waits"))
}

#[tokio::test]
async fn a_difficulty_of_the_inventory_becomes_a_need_once() -> anyhow::Result<()> {
    use domain::territories::launch::NewItem;
    let (db, _fresh) = fresh_db().await?;
    store::directory::ensure_reference_data(&db).await?;
    let entries = domain::directory::annuaire::parse(testkit::sample_annuaire().as_bytes())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store::directory::import(&db, &entries).await?;
    let ids = store::directory::ids_by_uai(&db).await?;
    let territory =
        store::territories::create(&db, &NewTerritory::parse("Territoire d'Arras", "")?).await?;
    let other =
        store::territories::create(&db, &NewTerritory::parse("Territoire de Lens", "")?).await?;
    let school: Vec<i64> = ids.get("0620001P").copied().into_iter().collect();
    store::territories::add_establishments(&db, territory, &school).await?;
    let coordinator = teacher(&db, "coordination@ac-lille.fr").await?;
    let add = |kind: &str, text: &str| NewItem::parse(kind, "common", text);
    let difficulty = store::territories::launch::add_item(
        &db,
        territory,
        "0620001P",
        &add("difficulty", "Le travail en équipe inter-degrés")?,
        coordinator,
    )
    .await?;
    let success = store::territories::launch::add_item(
        &db,
        territory,
        "0620001P",
        &add("success", "La chorale")?,
        coordinator,
    )
    .await?;
    let need = TrainingNeed::parse("Travailler en équipe inter-degrés", "inter-degres", "")?;
    let raise =
        |item| store::training::raise_from_inventory(&db, territory, item, &need, coordinator);
    raise(difficulty).await?;
    assert!(matches!(
        raise(difficulty).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(raise(success).await, Err(StoreError::Invalid(_))));
    assert!(matches!(
        store::training::raise_from_inventory(&db, other, difficulty, &need, coordinator).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store::training::raised_items(&db, territory).await?,
        [difficulty]
    );
    let (from, to) = (store::now() - 86_400, store::now() + 86_400);
    assert_eq!(
        store::training::demand_themes(&db, Some(territory), from, to).await?,
        [("Travailler en équipe inter-degrés".to_owned(), 1)]
    );
    Ok(())
}

#[tokio::test]
async fn a_path_is_followed_step_by_step_after_its_prerequisites() -> anyhow::Result<()> {
    use domain::training::paths::{PathContent, StepContent};
    use store::training::paths;
    let (db, _fresh) = fresh_db().await?;
    let trainer = teacher(&db, "formatrice@ac-lille.fr").await?;
    let learner = teacher(&db, "prof@ac-lille.fr").await?;
    let practice = store::practices::create(
        &db,
        trainer,
        false,
        &domain::practices::PracticeContent::parse(&domain::practices::PracticeInput {
            title: "Le débat du lundi".to_owned(),
            summary: "Un débat réglé chaque semaine.".to_owned(),
            body_markdown: "Déroulé.".to_owned(),
            licence: "CC-BY-SA".to_owned(),
            visibility: "public".to_owned(),
            ..domain::practices::PracticeInput::default()
        })?,
        &store::practices::Context::default(),
    )
    .await?;
    let content = |title: &str| {
        PathContent::parse(
            title,
            "Pour débuter.",
            "premier-degre",
            "Débat réglé",
            "Français",
            "CM2",
        )
    };
    let first = paths::create(&db, &content("Les bases de l'oral")?, &[], trainer).await?;
    // A prerequisite must be published.
    assert!(matches!(
        paths::create(&db, &content("Débattre")?, &[first], trainer).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        paths::publish(&db, first).await,
        Err(StoreError::Invalid(_))
    ));
    let step = |kind, body: &str, practice, minutes| {
        StepContent::parse(kind, "Une étape", body, practice, "", minutes)
    };
    paths::add_step(
        &db,
        first,
        &step("activity", "Écoutez un débat.", None, 20)?,
    )
    .await?;
    paths::publish(&db, first).await?;
    let second = paths::create(&db, &content("Débattre")?, &[first], trainer).await?;
    // A capsule needs a practice with a video; a practice step a practice.
    assert!(matches!(
        paths::add_step(&db, second, &step("capsule", "", Some(practice.0), 10)?).await,
        Err(StoreError::Invalid(m)) if m.contains("capsule")
    ));
    let a = paths::add_step(&db, second, &step("practice", "", Some(practice.0), 15)?).await?;
    let b = paths::add_step(
        &db,
        second,
        &step("reflection", "Qu'en retenez-vous ?", None, 10)?,
    )
    .await?;
    let c = paths::add_step(
        &db,
        second,
        &step("activity", "Préparez un débat.", None, 30)?,
    )
    .await?;
    paths::remove_step(&db, second, b).await?;
    let b = paths::add_step(
        &db,
        second,
        &step("reflection", "Qu'en retenez-vous ?", None, 10)?,
    )
    .await?;
    paths::publish(&db, second).await?;
    let read = paths::get(&db, second).await?;
    assert_eq!(read.step_ids(), [a.0, c.0, b.0]);
    assert_eq!(
        read.steps.iter().map(|s| s.position).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(read.minutes(), 55);
    assert_eq!(
        read.prerequisites,
        [(first.0, "Les bases de l'oral".to_owned())]
    );
    assert_eq!(
        read.steps[0].practice,
        Some((practice.0, "Le débat du lundi".to_owned()))
    );

    // Suggested from a need, a subject or a level; not once started.
    store::training::express(
        &db,
        learner,
        None,
        &TrainingNeed::parse("débat réglé", "premier-degre", "")?,
        "",
    )
    .await?;
    assert_eq!(paths::suggestions(&db, learner, 5).await?.len(), 2);

    // The prerequisite first; then steps in any order, the person resuming at the first not done.
    assert!(matches!(
        paths::start(&db, second, learner).await,
        Err(StoreError::Conflict(m)) if m.contains("Les bases de l'oral")
    ));
    assert!(matches!(
        paths::record_step(&db, second, a, learner, Some(true), "").await,
        Err(StoreError::Conflict(_))
    ));
    paths::start(&db, first, learner).await?;
    let only = paths::get(&db, first).await?.steps[0].id;
    assert!(
        paths::record_step(&db, first, only, learner, Some(true), "")
            .await?
            .completed
    );
    paths::start(&db, second, learner).await?;
    paths::start(&db, second, learner).await?;
    assert!(
        !paths::record_step(
            &db,
            second,
            a,
            learner,
            Some(true),
            "Idée : un bâton de parole"
        )
        .await?
        .completed
    );
    assert!(
        !paths::record_step(&db, second, b, learner, Some(true), "Mes notes")
            .await?
            .completed
    );
    // A step of another path is not this path's.
    assert!(matches!(
        paths::record_step(&db, second, only, learner, Some(true), "").await,
        Err(StoreError::NotFound)
    ));
    let progress = paths::progress(&db, second, learner).await?;
    let Some(progress) = progress else {
        anyhow::bail!("started");
    };
    let standing = domain::training::paths::Standing::of(&read.step_ids(), &progress.done);
    assert_eq!((standing.done, standing.resume), (2, Some(c.0)));
    assert_eq!(progress.notes.len(), 2);
    assert!(
        paths::record_step(&db, second, c, learner, Some(true), "")
            .await?
            .completed
    );
    assert!(
        paths::progress(&db, second, learner)
            .await?
            .is_some_and(|p| p.completed_at.is_some())
    );
    assert!(paths::suggestions(&db, learner, 5).await?.is_empty());

    // The author's view of the cohort: steps done, never the notes.
    let followers = paths::followers(&db, second).await?;
    assert_eq!(followers.len(), 1);
    assert_eq!((followers[0].person_id, followers[0].done), (learner.0, 3));
    assert_eq!(paths::followed_by(&db, learner).await?.len(), 2);
    Ok(())
}
