//! The `territoire` binary, run as a newcomer or an operator would, on either database.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use testkit::{FreshDatabase, sample_annuaire, write_file};

fn territoire(fresh: &FreshDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_territoire"));
    command
        .arg("--data")
        .arg(fresh.dir.path().join("data"))
        .env("TERRITOIRE_DATABASE_URL", &fresh.url)
        .env("TERRITOIRE_LOG", "warn");
    command
}

fn run(fresh: &FreshDatabase, args: &[&str], stdin: &str) -> anyhow::Result<Output> {
    let mut child = territoire(fresh)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes())?;
    }
    Ok(child.wait_with_output()?)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Imports the sample annuaire into the fresh database.
fn import_sample(fresh: &FreshDatabase) -> anyhow::Result<()> {
    let file = write_file(fresh.dir.path(), "echantillon.csv", &sample_annuaire())?;
    let out = run(
        fresh,
        &["import", "annuaire", &file.display().to_string()],
        "",
    )?;
    anyhow::ensure!(out.status.success(), "{}", text(&out.stderr));
    Ok(())
}

async fn count(fresh: &FreshDatabase) -> anyhow::Result<i64> {
    let db = store::Db::connect(&fresh.url, 1).await?;
    let n = store::directory::count_establishments(&db).await?;
    db.close().await;
    Ok(n)
}

#[tokio::test]
async fn import_annuaire_upserts_and_refuses_bad_files_whole() -> anyhow::Result<()> {
    let fresh = FreshDatabase::new().await?;
    let dir = fresh.dir.path();
    let good = write_file(dir, "annuaire.csv", &sample_annuaire())?;
    let out = run(
        &fresh,
        &["import", "annuaire", &good.display().to_string()],
        "",
    )?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("6 créé(s), 0 mis à jour, 0 inchangé(s)"),
        "{}",
        text(&out.stdout)
    );
    let out = run(
        &fresh,
        &["import", "annuaire", &good.display().to_string()],
        "",
    )?;
    assert!(
        text(&out.stdout).contains("0 créé(s), 0 mis à jour, 6 inchangé(s)"),
        "{}",
        text(&out.stdout)
    );

    // The API variant: BOM, lower-case headers; one line changed.
    let lower = sample_annuaire()
        .replacen(
            testkit::ANNUAIRE_HEADER,
            &testkit::ANNUAIRE_HEADER.to_lowercase(),
            1,
        )
        .replace("Collège Victor Hugo", "Collège Victor Hugo (rénové)");
    let variant = write_file(dir, "api.csv", &format!("\u{feff}{lower}"))?;
    let out = run(
        &fresh,
        &["import", "annuaire", &variant.display().to_string()],
        "",
    )?;
    assert!(
        text(&out.stdout).contains("0 créé(s), 1 mis à jour, 5 inchangé(s)"),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    // A bad UAI on the 4th line: nothing of the file is written, not even its good lines.
    let mut lines: Vec<String> = sample_annuaire().lines().map(str::to_owned).collect();
    lines[1] = lines[1]
        .replace("0620001P", "0620901T")
        .replace("Jean Jaurès", "Nouvelle école");
    lines[3] = lines[3].replace("0620100X", "062010C");
    let bad = write_file(dir, "bad.csv", &lines.join("\n"))?;
    let out = run(
        &fresh,
        &["import", "annuaire", &bad.display().to_string()],
        "",
    )?;
    assert!(!out.status.success());
    let error = text(&out.stderr);
    assert!(
        error.contains("ligne 4, colonne « Identifiant_de_l_etablissement »")
            && error.contains("rien n'a été importé"),
        "{error}"
    );
    assert_eq!(count(&fresh).await?, 6);

    let missing = write_file(
        dir,
        "missing.csv",
        &sample_annuaire().replace("Nom_etablissement;", "Nom;"),
    )?;
    let out = run(
        &fresh,
        &["import", "annuaire", &missing.display().to_string()],
        "",
    )?;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("colonne obligatoire absente : « Nom_etablissement »"));

    let out = run(&fresh, &["import", "annuaire", "/nulle/part.csv"], "")?;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("impossible de lire /nulle/part.csv"));
    assert_eq!(count(&fresh).await?, 6);
    Ok(())
}

#[tokio::test]
async fn user_add_and_token() -> anyhow::Result<()> {
    let fresh = FreshDatabase::new().await?;
    import_sample(&fresh)?;

    let out = run(
        &fresh,
        &[
            "user",
            "add",
            "ien@ac-lille.fr",
            "--name",
            "Inès Ien",
            "--function",
            "ien",
            "--circonscription",
            "0629001X",
        ],
        "une phrase de passe\n",
    )?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Compte créé : ien@ac-lille.fr"));
    assert!(
        !text(&out.stdout).contains("Mot de passe"),
        "a password given on stdin is not printed"
    );

    let out = run(
        &fresh,
        &[
            "user",
            "add",
            "prof@ac-lille.fr",
            "--name",
            "Paul Prof",
            "--function",
            "enseignant-2d",
            "--uai",
            "0620100X",
            "--subject",
            "Mathématiques",
            "--level",
            "4e",
        ],
        "",
    )?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let generated = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Mot de passe (affiché une seule fois) : "))
        .unwrap_or_default()
        .to_owned();
    assert_eq!(generated.len(), 16, "{stdout}");

    let out = run(&fresh, &["user", "token", "prof@ac-lille.fr"], "")?;
    let token = text(&out.stdout).trim().to_owned();
    assert_eq!(token.len(), 64);
    let db = store::Db::connect(&fresh.url, 1).await?;
    let person = store::accounts::api_token_person(&db, &token)
        .await?
        .ok_or_else(|| anyhow::anyhow!("token unknown"))?;
    let profile = store::accounts::profile(&db, person.id()).await?;
    assert_eq!(profile.establishments[0].uai, "0620100X");
    assert_eq!(profile.subjects, ["Mathématiques"]);
    let (_, hash) =
        store::accounts::by_email(&db, &domain::accounts::Email::parse("prof@ac-lille.fr")?)
            .await?
            .unwrap_or_else(|| unreachable!());
    assert!(domain::accounts::password::verify(
        &generated,
        hash.as_deref()
    ));
    db.close().await;

    for (args, stdin, message) in [
        (
            vec!["user", "add", "ien@ac-lille.fr", "--name", "Autre"],
            "une phrase de passe",
            "un compte existe déjà pour ien@ac-lille.fr",
        ),
        (
            vec![
                "user",
                "add",
                "x@ac-lille.fr",
                "--name",
                "X Y",
                "--function",
                "recteur",
            ],
            "une phrase de passe",
            "fonction « recteur » inconnue",
        ),
        (
            vec!["user", "add", "x@ac-lille.fr", "--name", "X Y"],
            "court",
            "au moins 10 caractères",
        ),
        (
            vec!["user", "add", "pas-une-adresse", "--name", "X Y"],
            "",
            "n'est pas valide",
        ),
        (
            vec![
                "user",
                "add",
                "x@ac-lille.fr",
                "--name",
                "X Y",
                "--uai",
                "0999999Z",
            ],
            "une phrase de passe",
            "aucun établissement n'a l'UAI 0999999Z",
        ),
        (
            vec!["user", "token", "inconnu@ac-lille.fr"],
            "",
            "aucun compte pour inconnu@ac-lille.fr",
        ),
    ] {
        let out = run(&fresh, &args, stdin)?;
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    Ok(())
}

#[tokio::test]
async fn demo_fills_an_empty_database_only() -> anyhow::Result<()> {
    let fresh = FreshDatabase::new().await?;
    let out = run(&fresh, &["demo", "--seed", "7"], "")?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Données de démonstration créées"));
    let db = store::Db::connect(&fresh.url, 1).await?;
    let establishments = store::directory::count_establishments(&db).await?;
    assert!((2_500..3_300).contains(&establishments), "{establishments}");
    let territories = store::territories::list(&db).await?;
    assert_eq!(territories.len(), 3);
    assert!(
        territories.iter().all(|t| t.establishments > 10),
        "{territories:?}"
    );
    for departement in ["62", "27", "03", "15", "43", "63"] {
        let search = store::directory::Search {
            departement: Some(departement.into()),
            page: 1,
            per_page: 1,
            ..Default::default()
        };
        assert!(
            store::directory::DirectoryIndex::default()
                .search(&db, &search)
                .await?
                .1
                > 0,
            "{departement}"
        );
    }
    let vdr = store::directory::Search {
        departement: Some("27".into()),
        page: 1,
        per_page: 100,
        ..Default::default()
    };
    let (eure, _) = store::directory::DirectoryIndex::default()
        .search(&db, &vdr)
        .await?;
    assert!(
        eure.iter()
            .all(|e| e.latitude.zip(e.longitude).is_some_and(|(la, lo)| {
                domain::directory::geo::distance_km(la, lo, 49.273, 1.217) < 17.0
            }))
    );
    // One demo account per function, with the printed password.
    let password = std::fs::read_to_string(fresh.dir.path().join("data/demo-password.txt"))?;
    for function in domain::accounts::Function::ALL {
        let email =
            domain::accounts::Email::parse(&format!("{}@demo.territoire.fr", function.code()))?;
        let (person, hash) = store::accounts::by_email(&db, &email)
            .await?
            .ok_or_else(|| anyhow::anyhow!("{email}"))?;
        assert_eq!(person.function, function.code());
        assert!(domain::accounts::password::verify(
            password.trim(),
            hash.as_deref()
        ));
    }
    // The demo IEN leads the demo teacher; the demo directeur d'école does not.
    let id = |code: &str| domain::accounts::Email::parse(&format!("{code}@demo.territoire.fr"));
    let staff = |code: &'static str| {
        let db = db.clone();
        async move {
            let (p, _) = store::accounts::by_email(&db, &id(code)?)
                .await?
                .ok_or_else(|| anyhow::anyhow!(code))?;
            anyhow::Ok(store::accounts::staff(&db, p.id()).await?)
        }
    };
    let (ien, teacher, director) = (
        staff("ien").await?,
        staff("enseignant-1d").await?,
        staff("directeur-ecole").await?,
    );
    assert!(domain::directory::hierarchy::is_superior(&ien, &teacher));
    assert!(!domain::directory::hierarchy::is_superior(
        &director, &teacher
    ));
    // The observatory's exchange space, with every demo account and a forum topic.
    let observatory = territories
        .iter()
        .find(|t| t.name.starts_with("OTA62"))
        .ok_or_else(|| anyhow::anyhow!("OTA62"))?;
    let spaces = store::spaces::of_territory(&db, domain::ids::TerritoryId(observatory.id)).await?;
    // The exchange space of the territory, one per observatory (eight, as in seed 000) and
    // one per instance or working group (five).
    assert_eq!(spaces.len(), 14, "{spaces:?}");
    let Some((space, _)) = spaces
        .iter()
        .find(|(_, name)| name == "Échanges de l'observatoire OTA62")
    else {
        anyhow::bail!("the demo space: {spaces:?}");
    };
    let space = domain::ids::SpaceId(*space);
    // The demo teacher's visits in the first observatory: one closed (with its observation
    // and analysis), one proposed; the demo IEN pilots it and is her superior.
    let observatories = store::observatories::list(&db, None).await?;
    assert_eq!(observatories.len(), 8);
    let teacher_id = store::accounts::by_email(
        &db,
        &domain::accounts::Email::parse("enseignant-1d@demo.territoire.fr")?,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("demo teacher"))?
    .0
    .id();
    let mut states: Vec<Option<String>> =
        store::observatories::visits::of_person(&db, teacher_id, 10)
            .await?
            .into_iter()
            .map(|l| l.visit_state)
            .collect();
    states.sort();
    assert_eq!(
        states,
        [Some("closed".to_owned()), Some("proposed".to_owned())]
    );
    // OTA62's maturity: two assessments agreed, the later one higher, and an open one the
    // demo teacher has not answered.
    let maturity = store::territories::maturity::list(
        &db,
        domain::ids::TerritoryId(observatory.id),
        Some(teacher_id),
    )
    .await?;
    assert_eq!(maturity.len(), 3);
    assert!(maturity[0].agreed.is_none() && maturity[0].mine.is_none());
    assert!(maturity[0].answers >= 3);
    let agreed: Vec<_> = maturity[1..]
        .iter()
        .filter_map(|a| a.agreed.as_ref().map(|(levels, _)| levels.0))
        .collect();
    assert_eq!(agreed, [[2, 3, 2, 2, 2], [1, 2, 1, 1, 1]]);
    // The territory's coming events: the demo teacher registered to the first; the Lab
    // workshop books its room, with one place left.
    let events = store::territories::events::upcoming(&db, store::now(), 10).await?;
    assert_eq!(events.len(), 4);
    let first = store::territories::events::get(&db, events[0].id, Some(teacher_id)).await?;
    assert_eq!(
        first.mine.map(|(status, _)| status),
        Some(domain::territories::events::RegistrationStatus::Registered)
    );
    assert_eq!(events[1].room.as_deref(), Some("Salle de créativité"));
    assert_eq!(events[1].capacity - events[1].registered, 1);
    // The launch under way: the inventory of the demo école and collège, merged; the problem
    // statement written.
    let territory = domain::ids::TerritoryId(observatory.id);
    let items = store::territories::launch::items(&db, territory).await?;
    assert_eq!(items.len(), 5);
    let establishments: std::collections::BTreeSet<_> = items.iter().map(|i| &i.uai).collect();
    assert_eq!(establishments.len(), 2);
    assert!(
        store::territories::launch::problem(&db, territory)
            .await?
            .is_some()
    );
    // A network with one demo teacher at each of its three years.
    let networks = store::territories::networks::list(&db, territory).await?;
    let joined: Vec<i32> = networks[0].members.iter().map(|m| m.2).collect();
    let now = domain::territories::networks::school_year(store::now());
    assert_eq!(
        domain::territories::networks::cohorts(&joined, now),
        [1, 1, 1]
    );
    assert!(networks[0].cpc.is_some());
    // Two conventions, the first to renew.
    let conventions = store::territories::partners::conventions(&db, territory).await?;
    assert_eq!(conventions.len(), 2);
    assert_eq!(conventions[0].kind, "pedt");
    // A student's day in charge of the demo teacher's class, offered to the peers.
    let freed =
        store::territories::inspe::freed_days(&db, territory, store::now() / 86_400).await?;
    assert_eq!(freed.len(), 1);
    assert_eq!(
        store::spaces::members(&db, space).await?.len(),
        domain::accounts::Function::ALL.len() + 1
    );
    let topics = store::search_feed::topic_ids_after(&db, 0, 10).await?;
    assert_eq!(topics.len(), 1);
    // A chat room where the demo teacher has one message to read, and a pad edited by two
    // people with a named first version.
    let teacher = store::accounts::by_email(
        &db,
        &domain::accounts::Email::parse("enseignant-1d@demo.territoire.fr")?,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("demo teacher"))?
    .0;
    let rooms = store::spaces::chat::rooms_of_space(&db, space, teacher.id()).await?;
    assert_eq!(
        rooms
            .iter()
            .map(|r| (r.name.as_str(), r.unread))
            .collect::<Vec<_>>(),
        [("Salle des maîtres du réseau", 1)]
    );
    // Training: the chargé de mission on the office; the demand of the year shows one theme
    // answered by a module, the debate (four needs, one of a visit) among « autres »; a path on the
    // debate suggested to the demo teacher (CM1), with her practice as a step.
    let office = store::accounts::by_email(
        &db,
        &domain::accounts::Email::parse("charge-de-mission@demo.territoire.fr")?,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("demo office"))?
    .0;
    assert!(
        store::training::staff::places_of(&db, office.id())
            .await?
            .office
    );
    let (from, to) = (store::now() - 86_400, store::now() + 86_400);
    let demand = domain::training::demand::aggregate(
        store::training::demand_themes(&db, Some(territory), from, to)
            .await?
            .iter()
            .map(|(t, n)| (t.as_str(), *n)),
    );
    assert_eq!(demand.themes[0].theme, "Différencier en mathématiques");
    let offer = store::training::modules::offer(&db, from, store::now() + 60 * 86_400).await?;
    let board = domain::training::demand::against_offer(&demand, &offer);
    assert_eq!(board.themes[0].modules.len(), 1);
    let suggested = store::training::paths::suggestions(&db, teacher.id(), 5).await?;
    assert_eq!(suggested.len(), 1);
    assert_eq!(suggested[0].steps.len(), 4);
    let pads = store::spaces::pads::of_space(&db, space).await?;
    let [pad] = pads.as_slice() else {
        anyhow::bail!("one demo pad expected: {pads:?}");
    };
    assert_eq!(pad.editors.len(), 2);
    assert_eq!(
        store::spaces::pads::snapshots(&db, pad.pad.id())
            .await?
            .len(),
        1
    );
    // Demo practices and the topic, found by the search once `reindex` has built this
    // node's index.
    let practices = store::search_feed::practice_ids_after(&db, 0, 10_000).await?;
    assert_eq!(practices.len(), 402);
    db.close().await;
    let reindex = run(&fresh, &["reindex"], "")?;
    assert!(reindex.status.success(), "{}", text(&reindex.stderr));
    assert!(
        text(&reindex.stdout).contains("Index de recherche reconstruit : 403 documents"),
        "{}",
        text(&reindex.stdout)
    );
    let db = store::Db::connect(&fresh.url, 1).await?;
    let index = search::SearchIndex::open(Some(&fresh.dir.path().join("data/search")))?;
    assert_eq!(index.len(), 403);
    let found = index
        .search(
            &db,
            search::SearchQuery {
                text: "calcul mental".into(),
                filters: vec![],
                offset: 0,
                limit: 5,
                scope: search::Scope::Practices,
            },
            search::Viewer::default(),
        )
        .await?;
    assert!(found.total > 0 && found.total < 402, "{}", found.total);
    db.close().await;

    let again = run(&fresh, &["demo"], "")?;
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("la base contient déjà des établissements"));
    Ok(())
}

/// Each demo account works in a place of the territories it belongs to: its establishments are
/// among theirs and in their départements, its circonscription too, and its académie is theirs
/// (the demo 1er-degré teacher of OTA62 works in the Pas-de-Calais). The IEN leads the demo
/// école's circonscription, the PERDIR heads the demo collège, and the demo teacher's visits
/// take place in her école, observed by people of the territory.
#[tokio::test]
async fn demo_accounts_work_in_their_territories() -> anyhow::Result<()> {
    use std::collections::{BTreeSet, HashMap};

    use domain::accounts::{Email, Function, demo_email};
    use domain::ids::{PersonId, TerritoryId};
    let fresh = FreshDatabase::new().await?;
    let out = run(&fresh, &["demo", "--seed", "11"], "")?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let db = store::Db::connect(&fresh.url, 1).await?;

    // The départements of each territory, read from the establishments it lists.
    let mut departements: HashMap<i64, BTreeSet<String>> = HashMap::new();
    for territory in store::territories::list(&db).await? {
        let listed = store::territories::by_slug(&db, &territory.slug).await?;
        let mut codes = BTreeSet::new();
        for e in &listed.establishments {
            let uai = domain::directory::Uai::parse(&e.uai)?;
            codes.insert(store::directory::by_uai(&db, &uai).await?.departement_code);
        }
        assert!(!codes.is_empty(), "{}", territory.name);
        departements.insert(territory.id, codes);
    }

    let account = |function: Option<Function>| {
        let db = db.clone();
        async move {
            let (person, _) = store::accounts::by_email(&db, &Email::parse(&demo_email(function))?)
                .await?
                .ok_or_else(|| anyhow::anyhow!("{}", demo_email(function)))?;
            anyhow::Ok(store::accounts::profile(&db, person.id()).await?)
        }
    };
    let mut placed = 0;
    for function in std::iter::once(None).chain(Function::ALL.into_iter().map(Some)) {
        let profile = account(function).await?;
        let person = &profile.person;
        let who = &person.email;
        let memberships = store::territories::of_person(&db, person.id()).await?;
        let theirs: BTreeSet<&String> = memberships
            .iter()
            .filter_map(|m| departements.get(&m.id))
            .flatten()
            .collect();
        if profile.establishments.is_empty() && person.circonscription_code.is_none() {
            continue;
        }
        placed += 1;
        assert!(!memberships.is_empty(), "{who} belongs to no territory");
        // Its establishments are its territories', in their départements and its académie.
        for e in &profile.establishments {
            let mut within = false;
            for m in &memberships {
                within |= store::territories::launch::establishments_of(
                    &db,
                    TerritoryId(m.id),
                    person.id(),
                )
                .await?
                .iter()
                .any(|(uai, _)| *uai == e.uai);
            }
            assert!(
                within,
                "{who} works in {} ({}), outside {memberships:?}",
                e.name, e.departement_name
            );
            assert!(
                theirs.contains(&e.departement_code),
                "{who}: {} is in the {}, not in {theirs:?}",
                e.name,
                e.departement_name
            );
            assert_eq!(
                person.academie_code.as_deref(),
                Some(e.academie_code.as_str()),
                "{who}"
            );
            assert_eq!(
                e.departement_code, "62",
                "{who}: the demo works in the Pas-de-Calais"
            );
        }
        // Its circonscription is of one of its territories' départements.
        if let Some(circo) = &person.circonscription_code {
            let mut found = false;
            for departement in &theirs {
                found |= store::directory::circonscriptions(&db, departement)
                    .await?
                    .iter()
                    .any(|(code, _)| code == circo);
            }
            assert!(found, "{who}: circonscription {circo} outside {theirs:?}");
        }
    }
    assert!(placed >= 8, "{placed} demo accounts placed");

    // The IEN and the CPC lead the demo école's circonscription; the PERDIR, CPE and psyEN
    // work in the demo collège, with its teacher.
    let teacher = account(Some(Function::Enseignant1d)).await?;
    let ecole = teacher
        .establishments
        .first()
        .ok_or_else(|| anyhow::anyhow!("the demo teacher's école"))?;
    assert_eq!(ecole.kind, "ecole");
    for function in [Function::Ien, Function::Cpc] {
        let profile = account(Some(function)).await?;
        assert_eq!(
            profile.person.circonscription_code,
            ecole.circonscription_code
        );
    }
    let college = &account(Some(Function::Enseignant2d)).await?.establishments;
    assert_eq!(college.first().map(|e| e.kind.as_str()), Some("college"));
    for function in [Function::Perdir, Function::Cpe, Function::Psyen] {
        let profile = account(Some(function)).await?;
        assert_eq!(&profile.establishments, college, "{function:?}");
    }

    // The demo teacher's visits: in her école, in an observatory of her territory, observed
    // by people who work there (or by the demo's accounts, who do too).
    let visits = store::observatories::visits::of_person(&db, teacher.person.id(), 10).await?;
    assert_eq!(visits.len(), 2);
    let territories_of_teacher: BTreeSet<i64> =
        store::territories::of_person(&db, teacher.person.id())
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect();
    for line in &visits {
        assert_eq!(line.establishment, ecole.name);
        let observatory =
            store::observatories::get(&db, domain::ids::ObservatoryId(line.observatory_id)).await?;
        let territory = observatory
            .territory_id
            .ok_or_else(|| anyhow::anyhow!("observatory"))?;
        assert!(territories_of_teacher.contains(&territory));
        let Some(visit) = line.visit_id else { continue };
        for observer in store::observatories::visits::get(&db, domain::ids::VisitId(visit))
            .await?
            .observers
        {
            let profile = store::accounts::profile(&db, PersonId(observer.id.0)).await?;
            for e in &profile.establishments {
                let within = store::territories::launch::establishments_of(
                    &db,
                    TerritoryId(territory),
                    observer.id,
                )
                .await?
                .iter()
                .any(|(uai, _)| *uai == e.uai);
                assert!(within, "observer {} works in {}", observer.name, e.name);
            }
        }
    }
    db.close().await;
    Ok(())
}

#[tokio::test]
async fn backup_and_restore() -> anyhow::Result<()> {
    let fresh = FreshDatabase::new().await?;
    import_sample(&fresh)?;
    let backup = fresh.dir.path().join("sauvegarde.bak");
    let out = run(&fresh, &["backup", &backup.display().to_string()], "")?;
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(backup.exists());

    let more = sample_annuaire().replace("0630001J", "0630009T");
    let more = write_file(fresh.dir.path(), "more.csv", &more)?;
    run(
        &fresh,
        &["import", "annuaire", &more.display().to_string()],
        "",
    )?;
    assert_eq!(count(&fresh).await?, 7);

    let out = run(&fresh, &["restore", &backup.display().to_string()], "")?;
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(count(&fresh).await?, 6, "back to the state of the backup");

    if !fresh.is_postgres() {
        let junk = write_file(fresh.dir.path(), "junk.bak", "ceci n'est pas une base")?;
        let out = run(&fresh, &["restore", &junk.display().to_string()], "")?;
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains("n'est pas une sauvegarde de Territoire valide"));
        assert_eq!(count(&fresh).await?, 6, "a bad file changes nothing");
    }
    Ok(())
}

#[test]
fn default_config_is_commented_toml() -> anyhow::Result<()> {
    let out = Command::new(env!("CARGO_BIN_EXE_territoire"))
        .arg("default-config")
        .output()?;
    let toml = text(&out.stdout);
    assert!(out.status.success());
    assert!(
        toml.contains("data_dir = \"data\"")
            && toml.contains("[mail]")
            && toml.contains("# Base de données")
    );
    Ok(())
}

/// The server, killed when dropped.
type Server = testkit::Spawned;

fn start_server(fresh: &FreshDatabase) -> anyhow::Result<(Server, String)> {
    let mut child = territoire(fresh)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let server = testkit::Spawned(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let address = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .ok_or_else(|| anyhow::anyhow!("no address in {line:?}"))?
        .to_owned();
    Ok((server, address))
}

/// Writes through HTTP, kills the server with SIGKILL in the middle, restarts it: every
/// write that was acknowledged is there.
#[tokio::test]
async fn acknowledged_writes_survive_kill_9_and_an_online_backup_is_consistent()
-> anyhow::Result<()> {
    let fresh = FreshDatabase::new().await?;
    let out = run(
        &fresh,
        &[
            "user",
            "add",
            "admin@ac-lille.fr",
            "--name",
            "Admin",
            "--admin",
            "--function",
            "charge-de-mission",
        ],
        "une phrase de passe",
    )?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&run(&fresh, &["user", "token", "admin@ac-lille.fr"], "")?.stdout)
        .trim()
        .to_owned();

    let (mut server, address) = start_server(&fresh)?;
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let http = reqwest::Client::new();
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (http, address, token, acknowledged) = (
            http.clone(),
            address.clone(),
            token.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            for i in 0..5_000 {
                let name = format!("Territoire durable {writer}-{i}");
                let sent = http
                    .post(format!("{address}/api/v1/territories"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({ "name": name }))
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status() == reqwest::StatusCode::CREATED => {
                        if let Ok(mut list) = acknowledged.lock() {
                            list.push(name);
                        }
                    }
                    _ => break,
                }
            }
        }));
    }
    let written = || acknowledged.lock().map(|l| l.len()).unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(60);
    while written() < 100 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // An online backup, taken while the writes go on.
    let before_backup = written();
    let backup = fresh.dir.path().join("en-cours.bak");
    let backup_arg = backup.display().to_string();
    let fresh_url = fresh.url.clone();
    let data = fresh.dir.path().join("data");
    let saved = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_territoire"))
            .arg("--data")
            .arg(data)
            .args(["backup", &backup_arg])
            .env("TERRITOIRE_DATABASE_URL", fresh_url)
            .output()
    })
    .await??;
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    while written() < before_backup + 200 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.0.kill()?;
    server.0.wait()?;
    for writer in writers {
        writer.await?;
    }
    let acknowledged = acknowledged.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(
        acknowledged.len() >= 300,
        "only {} writes before the kill",
        acknowledged.len()
    );

    let (_server, address) = start_server(&fresh)?;
    let stored: Vec<serde_json::Value> = http
        .get(format!("{address}/api/v1/territories"))
        .send()
        .await?
        .json()
        .await?;
    let names: std::collections::HashSet<&str> =
        stored.iter().filter_map(|t| t["name"].as_str()).collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|n| !names.contains(n.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged writes lost, e.g. {:?}",
        lost.len(),
        lost.first()
    );
    if !fresh.is_postgres() {
        store::backup::check_backup(&backup).await?;
        let copy = store::Db::connect(&format!("sqlite://{}", backup.display()), 1).await?;
        let saved = store::territories::list(&copy).await?.len();
        assert!(
            saved >= before_backup,
            "the backup holds {saved} territories, {before_backup} were acknowledged before it"
        );
        assert!(
            saved < acknowledged.len(),
            "the backup is a snapshot, not the final state"
        );
    } else {
        assert!(
            std::fs::metadata(&backup)?.len() > 0,
            "pg_dump wrote the backup"
        );
    }
    Ok(())
}

#[tokio::test]
async fn retention_dry_run_then_run() -> anyhow::Result<()> {
    let fresh = FreshDatabase::new().await?;
    let db = store::Db::connect(&fresh.url, 1).await?;
    db.migrate().await?;
    let idle = testkit::create_person(
        &db,
        "endormi@ac-lille.fr",
        domain::accounts::Function::Cpe,
        None,
        false,
    )
    .await?;
    let long_ago = store::now() - 4 * 365 * 24 * 3600;
    testkit::execute(
        &db,
        &format!(
            "UPDATE people SET created_at = {long_ago} WHERE id = {}",
            idle.0
        ),
    )
    .await?;
    db.close().await;

    let dry = run(&fresh, &["retention", "--dry-run"], "")?;
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let said = text(&dry.stdout);
    assert!(
        said.contains("1 compte inactif") && said.contains(&format!("numéros) : {}", idle.0)),
        "{said}"
    );
    assert!(said.contains("Rien n'a été supprimé"), "{said}");
    let db = store::Db::connect(&fresh.url, 1).await?;
    assert_eq!(
        store::accounts::person(&db, idle).await?.name,
        "Personne endormi"
    );
    db.close().await;

    let done = run(&fresh, &["retention"], "")?;
    assert!(done.status.success(), "{}", text(&done.stderr));
    assert!(
        text(&done.stdout).contains("Supprimé selon les durées de conservation : 1 compte inactif")
    );
    let db = store::Db::connect(&fresh.url, 1).await?;
    assert_eq!(
        store::accounts::person(&db, idle).await?.name,
        "Ancien membre"
    );
    db.close().await;
    Ok(())
}

/// An operator staffs a territory from the command line: a role given to an account is kept
/// and told; an unknown territory, account or role is refused in French, and nothing changes.
#[tokio::test]
async fn territory_add_member_gives_a_role() -> anyhow::Result<()> {
    let fresh = FreshDatabase::new().await?;
    let out = run(
        &fresh,
        &[
            "user",
            "add",
            "principale@ac-lille.fr",
            "--name",
            "Claire Principale",
            "--function",
            "perdir",
        ],
        "une phrase de passe\n",
    )?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let db = store::Db::connect(&fresh.url, 1).await?;
    let territory = store::territories::create(
        &db,
        &domain::territories::NewTerritory::parse("Territoire apprenant d'Arras", "")?,
    )
    .await?;

    let add = |args: &[&str]| {
        let mut all = vec!["territory", "add-member"];
        all.extend_from_slice(args);
        run(&fresh, &all, "")
    };
    let out = add(&[
        "territoire-apprenant-d-arras",
        "principale@ac-lille.fr",
        "--role",
        "coordinator",
    ])?;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(
            "Claire Principale : Coordination du territoire « Territoire apprenant d'Arras »"
        ),
        "{}",
        text(&out.stdout)
    );
    let person = store::accounts::by_email(
        &db,
        &domain::accounts::Email::parse("principale@ac-lille.fr")?,
    )
    .await?
    .map(|(p, _)| p.id());
    let person = person.ok_or_else(|| anyhow::anyhow!("no account"))?;
    assert_eq!(
        store::territories::role_of(&db, territory, person).await?,
        Some(domain::policy::TerritoryRole::Coordinator)
    );
    let told = store::practices::notifications(&db, person, 5).await?;
    assert!(
        told.iter()
            .any(|n| n.message.contains("Vous coordonnez désormais")),
        "{told:?}"
    );

    for (args, expected) in [
        (
            ["nulle-part", "principale@ac-lille.fr", "--role", "member"],
            "aucun territoire /territoires/nulle-part",
        ),
        (
            [
                "territoire-apprenant-d-arras",
                "personne@ac-lille.fr",
                "--role",
                "member",
            ],
            "aucun compte pour personne@ac-lille.fr",
        ),
        (
            [
                "territoire-apprenant-d-arras",
                "principale@ac-lille.fr",
                "--role",
                "chef",
            ],
            "rôle inconnu : « chef »",
        ),
    ] {
        let out = add(&args)?;
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out.stderr).contains(expected),
            "{}",
            text(&out.stderr)
        );
    }
    assert_eq!(
        store::territories::role_of(&db, territory, person).await?,
        Some(domain::policy::TerritoryRole::Coordinator)
    );
    db.close().await;
    Ok(())
}
