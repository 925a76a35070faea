//! The storage conformance suite: the same tests on SQLite and, when
//! `TERRITOIRE_TEST_POSTGRES` is set, on PostgreSQL.

use domain::accounts::Function;
use domain::directory::{EstablishmentKind, Uai, annuaire};
use domain::ids::PersonId;
use domain::policy::TerritoryRole;
use domain::territories::NewTerritory;
use store::StoreError;
use store::directory::{self, Search};
use testkit::{create_person, fresh_db, sample_annuaire};

fn entries(csv: &str) -> Vec<annuaire::Entry> {
    annuaire::parse(csv.as_bytes()).unwrap_or_default()
}

fn search(text: &str) -> Search {
    Search {
        text: text.to_owned(),
        page: 1,
        per_page: 20,
        ..Search::default()
    }
}

#[tokio::test]
async fn reference_geography_is_loaded_once() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    assert!(
        !directory::ensure_reference_data(&db).await?,
        "second load does nothing"
    );
    let departements = directory::departements(&db).await?;
    assert_eq!(departements.len(), 101);
    assert!(departements.contains(&("62".to_owned(), "Pas-de-Calais".to_owned())));
    Ok(())
}

#[tokio::test]
async fn import_creates_then_leaves_unchanged_then_updates() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let csv = sample_annuaire();
    let first = directory::import(&db, &entries(&csv)).await?;
    assert_eq!((first.created, first.updated, first.unchanged), (6, 0, 0));
    let again = directory::import(&db, &entries(&csv)).await?;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 6));
    let renamed = csv.replace("Collège Victor Hugo", "Collège Victor-Hugo d'Arras");
    let third = directory::import(&db, &entries(&renamed)).await?;
    assert_eq!((third.created, third.updated, third.unchanged), (0, 1, 5));
    let college = directory::by_uai(&db, &Uai::parse("0620100X")?).await?;
    assert_eq!(college.name, "Collège Victor-Hugo d'Arras");
    assert_eq!(college.academie_name, "Lille");
    assert_eq!(college.bassin_name.as_deref(), Some("Arras"));
    // The search index follows the new name, and forgets the old one.
    assert_eq!(
        directory::DirectoryIndex::default()
            .search(&db, &search("victor-hugo arras"))
            .await?
            .1,
        1
    );
    let (found, _) = directory::DirectoryIndex::default()
        .search(&db, &search("d'arras"))
        .await?;
    assert_eq!(found.len(), 1);
    Ok(())
}

#[tokio::test]
async fn import_is_all_or_nothing() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let mut list = entries(&sample_annuaire());
    let duplicate = list[0].clone();
    list.push(duplicate);
    let error = directory::import(&db, &list).await;
    assert!(matches!(error, Err(StoreError::Conflict(_))), "{error:?}");
    assert_eq!(directory::count_establishments(&db).await?, 0);
    assert!(directory::circonscriptions(&db, "62").await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn closed_establishments_are_kept_and_marked() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    directory::import(&db, &entries(&sample_annuaire())).await?;
    let closed = directory::by_uai(&db, &Uai::parse("0620102Z")?).await?;
    assert!(!closed.open);
    let no_coordinates = directory::by_uai(&db, &Uai::parse("0620101Y")?).await?;
    assert_eq!(
        (no_coordinates.latitude, no_coordinates.longitude),
        (None, None)
    );
    assert!(!no_coordinates.public);
    Ok(())
}

#[tokio::test]
async fn search_by_words_accents_uai_and_filters() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    directory::import(&db, &entries(&sample_annuaire())).await?;
    let names =
        |found: Vec<directory::Establishment>| found.into_iter().map(|e| e.uai).collect::<Vec<_>>();

    assert_eq!(
        names(
            directory::DirectoryIndex::default()
                .search(&db, &search("JAURES"))
                .await?
                .0
        ),
        ["0630001J", "0620001P"]
    );
    assert_eq!(
        names(
            directory::DirectoryIndex::default()
                .search(&db, &search("jau arr"))
                .await?
                .0
        ),
        ["0620001P"]
    );
    assert_eq!(
        names(
            directory::DirectoryIndex::default()
                .search(&db, &search("École Émile"))
                .await?
                .0
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        names(
            directory::DirectoryIndex::default()
                .search(&db, &search("emile"))
                .await?
                .0
        ),
        ["0620102Z"]
    );
    assert_eq!(
        names(
            directory::DirectoryIndex::default()
                .search(&db, &search("0620100x"))
                .await?
                .0
        ),
        ["0620100X"]
    );
    assert_eq!(
        directory::DirectoryIndex::default()
            .search(&db, &search("introuvable"))
            .await?
            .1,
        0
    );

    let index = directory::DirectoryIndex::default();
    let (db, index) = (&db, &index);
    let filtered =
        |s: Search| async move { index.search(db, &s).await.map(|(f, t)| (names(f), t)) };
    let (_, total) = filtered(Search {
        departement: Some("62".into()),
        ..search("")
    })
    .await?;
    assert_eq!(total, 5);
    let (found, _) = filtered(Search {
        kind: Some(EstablishmentKind::College),
        ..search("")
    })
    .await?;
    assert_eq!(
        found,
        ["0620102Z", "0620100X"],
        "ordered by name: Émile Zola, Victor Hugo"
    );
    let (found, _) = filtered(Search {
        public: Some(false),
        ..search("")
    })
    .await?;
    assert_eq!(found, ["0620101Y"]);
    let (found, _) = filtered(Search {
        circonscription: Some("0629001X".into()),
        ..search("")
    })
    .await?;
    assert_eq!(found.len(), 2);
    let (found, _) = filtered(Search {
        bassin: Some("06202".into()),
        ..search("")
    })
    .await?;
    assert_eq!(found, ["0620102Z", "0620101Y"]);
    let (found, _) = filtered(Search {
        education_prioritaire: Some("REP+".into()),
        ..search("")
    })
    .await?;
    assert_eq!(found, ["0620001P"]);

    // Pages of 2: the total stays, the items move on.
    let page = |n| Search {
        page: n,
        per_page: 2,
        ..search("")
    };
    let (first, total) = filtered(page(1)).await?;
    let (third, _) = filtered(page(3)).await?;
    let (fourth, _) = filtered(page(4)).await?;
    assert_eq!(
        (first.len(), third.len(), fourth.len(), total),
        (2, 2, 0, 6)
    );
    assert!(first.iter().all(|u| !third.contains(u)));
    Ok(())
}

#[tokio::test]
async fn circonscriptions_and_bassins_by_departement() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    directory::import(&db, &entries(&sample_annuaire())).await?;
    assert_eq!(
        directory::circonscriptions(&db, "62").await?,
        vec![(
            "0629001X".to_owned(),
            "Circonscription d'Arras 1".to_owned()
        )]
    );
    assert_eq!(directory::bassins(&db, "62").await?.len(), 2);
    assert_eq!(directory::bassins(&db, "63").await?.len(), 0);
    Ok(())
}

#[tokio::test]
async fn people_profiles_and_hierarchy_data() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    directory::import(&db, &entries(&sample_annuaire())).await?;
    let new = store::accounts::NewPerson {
        email: domain::accounts::Email::parse("marie.curie@ac-lille.fr")?,
        name: domain::accounts::PersonName::parse("Marie Curie")?,
        function: Function::Enseignant2d,
        password_hash: None,
        admin: false,
        establishments: vec![Uai::parse("0620100X")?],
        circonscription: None,
        academie: Some("09".into()),
        subjects: vec!["Physique-chimie".into()],
        levels: vec!["4e".into(), "3e".into()],
    };
    let id = store::accounts::create_person(&db, &new).await?;
    let again = store::accounts::create_person(&db, &new).await;
    assert!(
        matches!(&again, Err(StoreError::Conflict(m)) if m.contains("marie.curie@ac-lille.fr")),
        "{again:?}"
    );
    let unknown_school = store::accounts::NewPerson {
        email: domain::accounts::Email::parse("x@ac-lille.fr")?,
        establishments: vec![Uai::parse("0999999Z")?],
        ..new.clone()
    };
    assert!(matches!(
        store::accounts::create_person(&db, &unknown_school).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(
        store::accounts::by_email(&db, &domain::accounts::Email::parse("x@ac-lille.fr")?)
            .await?
            .is_none(),
        "nothing half-written"
    );

    let profile = store::accounts::profile(&db, id).await?;
    assert_eq!(profile.establishments.len(), 1);
    assert_eq!(profile.levels, ["3e", "4e"]);
    let staff = store::accounts::staff(&db, id).await?;
    assert_eq!(staff.function, Function::Enseignant2d);
    assert_eq!(staff.assignments[0].kind, EstablishmentKind::College);
    assert_eq!(staff.assignments[0].academie.as_deref(), Some("09"));
    Ok(())
}

#[tokio::test]
async fn sessions_tokens_and_resets() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let person = create_person(&db, "a@ac-lille.fr", Function::Cpc, None, false).await?;
    let session = store::accounts::create_session(&db, person, 3600, &Default::default()).await?;
    assert_eq!(
        store::accounts::session_person(&db, &session, 3600)
            .await?
            .map(|p| p.id()),
        Some(person)
    );
    assert!(
        store::accounts::session_person(&db, "faux", 3600)
            .await?
            .is_none()
    );
    let expired = store::accounts::create_session(&db, person, -1, &Default::default()).await?;
    assert!(
        store::accounts::session_person(&db, &expired, 3600)
            .await?
            .is_none()
    );
    let before = store::accounts::create_session(&db, person, 3600, &Default::default()).await?;
    let stored: i64 = match &db {
        store::Db::Sqlite(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
                .fetch_one(pool)
                .await?
        }
        store::Db::Postgres(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
                .fetch_one(pool)
                .await?
        }
    };
    assert_eq!(
        stored, 2,
        "the expired session was forgotten when the next one opened"
    );
    store::accounts::delete_session(&db, &before).await?;
    store::accounts::delete_session(&db, &session).await?;
    assert!(
        store::accounts::session_person(&db, &session, 3600)
            .await?
            .is_none()
    );

    let token = store::accounts::create_api_token(&db, person).await?;
    assert_eq!(
        store::accounts::api_token_person(&db, &token)
            .await?
            .map(|p| p.id()),
        Some(person)
    );

    let live = store::accounts::create_session(&db, person, 3600, &Default::default()).await?;
    let reset = store::accounts::create_password_reset(&db, person, 3600).await?;
    assert!(store::accounts::password_reset_valid(&db, &reset).await?);
    assert_eq!(
        store::accounts::consume_password_reset(&db, &reset, "hash").await?,
        person
    );
    assert!(
        store::accounts::session_person(&db, &live, 3600)
            .await?
            .is_none(),
        "a reset closes the sessions"
    );
    assert!(matches!(
        store::accounts::consume_password_reset(&db, &reset, "hash").await,
        Err(StoreError::NotFound)
    ));
    let old = store::accounts::create_password_reset(&db, person, -1).await?;
    assert!(!store::accounts::password_reset_valid(&db, &old).await?);
    Ok(())
}

#[tokio::test]
async fn login_attempts_are_counted_per_address_and_ip() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let since = store::now() - 60;
    for n in 1..=3 {
        let (_, by_pair, by_ip) =
            store::accounts::login_attempt(&db, "a@x.fr", "10.0.0.1", since).await?;
        assert_eq!((by_pair, by_ip), (n, n));
    }
    let (_, by_pair, by_ip) =
        store::accounts::login_attempt(&db, "b@x.fr", "10.0.0.1", since).await?;
    assert_eq!((by_pair, by_ip), (1, 4));
    // Another IP has its own count for the same address.
    let (refused, by_pair, by_ip) =
        store::accounts::login_attempt(&db, "a@x.fr", "10.0.0.2", since).await?;
    assert_eq!((by_pair, by_ip), (1, 1));
    store::accounts::forget_login_attempt(&db, refused).await?;
    let (_, by_pair, _) = store::accounts::login_attempt(&db, "a@x.fr", "10.0.0.2", since).await?;
    assert_eq!(by_pair, 1, "a forgotten attempt no longer counts");
    // A sign-in forgets this address's attempts from this IP only.
    store::accounts::clear_login_failures(&db, "a@x.fr", "10.0.0.1", since).await?;
    let (_, by_pair, by_ip) =
        store::accounts::login_attempt(&db, "a@x.fr", "10.0.0.1", since).await?;
    assert_eq!((by_pair, by_ip), (1, 2));
    let (_, by_pair, _) = store::accounts::login_attempt(&db, "a@x.fr", "10.0.0.2", since).await?;
    assert_eq!(by_pair, 2);
    // 50 attempts at once: each sees every attempt written before its own.
    let counts = futures::future::try_join_all((0..50).map(|_| {
        let db = db.clone();
        async move { store::accounts::login_attempt(&db, "c@x.fr", "10.0.0.3", since).await }
    }))
    .await?;
    let mut seen: Vec<i64> = counts.iter().map(|(_, by_pair, _)| *by_pair).collect();
    seen.sort_unstable();
    assert!(seen.iter().filter(|&&n| n <= 5).count() <= 5, "{seen:?}");
    assert_eq!(seen.last(), Some(&50));
    Ok(())
}

#[tokio::test]
async fn territories_members_partners() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    directory::import(&db, &entries(&sample_annuaire())).await?;
    let ids = directory::ids_by_uai(&db).await?;
    let new = NewTerritory::parse("Territoire apprenant d'Arras", "Un réseau.")?;
    let territory = store::territories::create(&db, &new).await?;
    assert!(matches!(
        store::territories::create(&db, &new).await,
        Err(StoreError::Conflict(_))
    ));
    let arras: Vec<i64> = ["0620001P", "0620100X"]
        .iter()
        .filter_map(|u| ids.get(*u).copied())
        .collect();
    store::territories::add_establishments(&db, territory, &arras).await?;
    store::territories::add_establishments(&db, territory, &arras).await?;
    store::territories::add_partner(&db, territory, "Ville d'Arras", "collectivite").await?;
    let coordinator = create_person(&db, "c@ac-lille.fr", Function::Perdir, None, false).await?;
    let member = create_person(&db, "m@ac-lille.fr", Function::Enseignant1d, None, false).await?;
    store::territories::set_member(&db, territory, coordinator, TerritoryRole::Member).await?;
    store::territories::set_member(&db, territory, coordinator, TerritoryRole::Coordinator).await?;
    store::territories::set_member(&db, territory, member, TerritoryRole::Member).await?;

    let t = store::territories::by_slug(&db, "territoire-apprenant-d-arras").await?;
    assert_eq!((t.summary.establishments, t.summary.members), (2, 2));
    assert_eq!(t.establishments.len(), 2);
    assert_eq!(t.partners.len(), 1);
    assert_eq!(
        t.coordinators.iter().map(|c| c.id).collect::<Vec<_>>(),
        [coordinator.0]
    );
    assert_eq!(
        store::territories::role_of(&db, territory, coordinator).await?,
        Some(TerritoryRole::Coordinator)
    );
    assert_eq!(
        store::territories::role_of(&db, territory, PersonId(9999)).await?,
        None
    );
    assert_eq!(store::territories::of_person(&db, member).await?.len(), 1);
    // The heads of its establishments join; a teacher elsewhere does not; the coordinator keeps the role.
    let ecole = ids["0620001P"];
    let director =
        create_person(&db, "d@ac-lille.fr", Function::DirecteurEcole, None, false).await?;
    let other = create_person(&db, "o@ac-lille.fr", Function::DirecteurEcole, None, false).await?;
    for (person, establishment) in [
        (director, ecole),
        (other, ids["0630001J"]),
        (coordinator, ids["0620100X"]),
    ] {
        match &db {
            store::Db::Sqlite(pool) => {
                sqlx::query("INSERT INTO person_establishments VALUES ($1, $2)")
                    .bind(person.0)
                    .bind(establishment)
                    .execute(pool)
                    .await
                    .map(|_| ())?
            }
            store::Db::Postgres(pool) => {
                sqlx::query("INSERT INTO person_establishments VALUES ($1, $2)")
                    .bind(person.0)
                    .bind(establishment)
                    .execute(pool)
                    .await
                    .map(|_| ())?
            }
        }
    }
    let joined = store::territories::add_staff_as_members(
        &db,
        territory,
        &[Function::Perdir, Function::DirecteurEcole],
    )
    .await?;
    assert_eq!(joined, 1);
    assert_eq!(
        store::territories::role_of(&db, territory, director).await?,
        Some(TerritoryRole::Member)
    );
    assert_eq!(
        store::territories::role_of(&db, territory, other).await?,
        None
    );
    assert_eq!(
        store::territories::role_of(&db, territory, coordinator).await?,
        Some(TerritoryRole::Coordinator)
    );
    assert!(matches!(
        store::territories::by_slug(&db, "nulle-part").await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store::territories::list(&db).await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn sqlite_backup_is_a_consistent_copy() -> anyhow::Result<()> {
    let (db, fresh) = fresh_db().await?;
    if fresh.is_postgres() {
        let target = fresh.dir.path().join("b.db");
        assert!(
            matches!(store::backup::backup(&db, &target).await, Err(StoreError::Invalid(m)) if m.contains("pg_dump"))
        );
        return Ok(());
    }
    directory::import(&db, &entries(&sample_annuaire())).await?;
    let target = fresh.dir.path().join("sauvegarde.db");
    store::backup::backup(&db, &target).await?;
    assert!(
        matches!(
            store::backup::backup(&db, &target).await,
            Err(StoreError::Invalid(_))
        ),
        "never overwrites"
    );
    store::backup::check_backup(&target).await?;
    let copy = store::Db::connect(&format!("sqlite://{}", target.display()), 1).await?;
    assert_eq!(directory::count_establishments(&copy).await?, 6);
    let garbage = testkit::write_file(fresh.dir.path(), "pas-une-base.db", "bonjour")?;
    assert!(store::backup::check_backup(&garbage).await.is_err());
    Ok(())
}

#[tokio::test]
async fn the_search_index_follows_every_import() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let index = directory::DirectoryIndex::default();
    assert_eq!(index.search(&db, &search("")).await?.1, 0);
    directory::import(&db, &entries(&sample_annuaire())).await?;
    assert_eq!(
        index.search(&db, &search("")).await?.1,
        6,
        "a loaded index sees a later import"
    );
    let renamed = sample_annuaire().replace("Collège Victor Hugo", "Collège Simone Veil");
    directory::import(&db, &entries(&renamed)).await?;
    assert_eq!(index.search(&db, &search("victor")).await?.1, 0);
    assert_eq!(index.search(&db, &search("simone veil")).await?.1, 1);
    Ok(())
}
