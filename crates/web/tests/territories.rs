//! Territories through HTTP: pages, and creation through the API by administrators only.

use domain::accounts::Function;
use domain::policy::TerritoryRole;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::{TestApp, sample_annuaire, text};

#[tokio::test]
async fn administrators_create_territories_and_teachers_do_not() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let admin = app
        .create_person(
            "admin@ac-lille.fr",
            Function::ChargeDeMission,
            "une phrase de passe",
            true,
        )
        .await?;
    let teacher = app
        .create_person(
            "prof@ac-lille.fr",
            Function::Enseignant2d,
            "une phrase de passe",
            false,
        )
        .await?;
    let admin_token = store::accounts::create_api_token(&app.db, admin).await?;
    let teacher_token = store::accounts::create_api_token(&app.db, teacher).await?;
    let url = app.url("/api/v1/territories");

    let anonymous = app
        .client
        .post(&url)
        .json(&json!({"name": "Territoire d'Arras"}))
        .send()
        .await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let forbidden = app
        .client
        .post(&url)
        .bearer_auth(&teacher_token)
        .json(&json!({"name": "Territoire d'Arras"}))
        .send()
        .await?;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let body: Value = forbidden.json().await?;
    assert_eq!(body["error"], "forbidden");

    let created = app
        .client
        .post(&url)
        .bearer_auth(&admin_token)
        .json(&json!({"name": "Territoire d'Arras", "description": "Écoles et collèges d'Arras."}))
        .send()
        .await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let body: Value = created.json().await?;
    assert_eq!(body["slug"], "territoire-d-arras");

    let again = app
        .client
        .post(&url)
        .bearer_auth(&admin_token)
        .json(&json!({"name": "Territoire  d'Arras"}))
        .send()
        .await?;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let short = app
        .client
        .post(&url)
        .bearer_auth(&admin_token)
        .json(&json!({"name": "A"}))
        .send()
        .await?;
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    let body: Value = short.json().await?;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("entre 3 et 120"))
    );
    let broken = app
        .client
        .post(&url)
        .bearer_auth(&admin_token)
        .header("Content-Type", "application/json")
        .body("{\"name\":")
        .send()
        .await?;
    assert_eq!(broken.status(), StatusCode::BAD_REQUEST);
    let body: Value = broken.json().await?;
    assert_eq!(body["error"], "bad_request");

    let list: Value = app.client.get(&url).send().await?.json().await?;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    Ok(())
}

#[tokio::test]
async fn territory_pages_show_establishments_partners_and_coordination() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.import(&sample_annuaire()).await?;
    let ids = store::directory::ids_by_uai(&app.db).await?;
    let territory = store::territories::create(
        &app.db,
        &domain::territories::NewTerritory::parse(
            "Territoire apprenant d'Arras",
            "Un réseau d'écoles.",
        )?,
    )
    .await?;
    store::territories::add_establishments(&app.db, territory, &[ids["0620001P"], ids["0620100X"]])
        .await?;
    store::territories::add_partner(&app.db, territory, "Ville d'Arras", "collectivite").await?;
    let perdir = app
        .create_person(
            "principal@ac-lille.fr",
            Function::Perdir,
            "une phrase de passe",
            false,
        )
        .await?;
    store::territories::set_member(&app.db, territory, perdir, TerritoryRole::Coordinator).await?;

    let list = app
        .client
        .get(app.url("/territoires"))
        .send()
        .await?
        .text()
        .await?;
    assert!(list.contains("href=\"/territoires/territoire-apprenant-d-arras\""));
    assert!(list.contains("2 établissement(s) — 1 membre(s)"));
    let page = app
        .client
        .get(app.url("/territoires/territoire-apprenant-d-arras"))
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("Collège Victor Hugo") && page.contains("École primaire Jean Jaurès"));
    assert!(page.contains("Collectivité territoriale"));
    assert!(page.contains("Personne principal — Personnel de direction"));
    assert_eq!(
        app.client
            .get(app.url("/territoires/inconnu"))
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    Ok(())
}

#[tokio::test]
async fn a_large_territory_lists_its_first_establishments_and_counts_all() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.import(&testkit::numbered_ecoles(205, 21000, |i| {
        format!("École {i:03} du réseau")
    }))
    .await?;
    let ids: Vec<i64> = store::directory::ids_by_uai(&app.db)
        .await?
        .into_values()
        .collect();
    let territory = store::territories::create(
        &app.db,
        &domain::territories::NewTerritory::parse("Grand réseau", "")?,
    )
    .await?;
    store::territories::add_establishments(&app.db, territory, &ids).await?;
    let page = app
        .client
        .get(app.url("/territoires/grand-reseau"))
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("205 établissement(s)"));
    assert!(page.contains("Les 200 premiers, par ordre alphabétique"));
    assert!(page.contains("École 199 du réseau") && !page.contains("École 200 du réseau"));
    Ok(())
}

const PASSWORD: &str = "une phrase de passe";

/// A territory with a coordinator, two members and an outsider: their ids and API tokens.
struct Team {
    territory: domain::ids::TerritoryId,
    coordinator: (domain::ids::PersonId, String),
    members: [(domain::ids::PersonId, String); 2],
    outsider: (domain::ids::PersonId, String),
}

async fn team(app: &TestApp) -> anyhow::Result<Team> {
    let territory = store::territories::create(
        &app.db,
        &domain::territories::NewTerritory::parse("Territoire apprenant de Lens", "")?,
    )
    .await?;
    let mut people = Vec::new();
    for (email, role) in [
        ("coordination@ac-lille.fr", Some(TerritoryRole::Coordinator)),
        ("membre1@ac-lille.fr", Some(TerritoryRole::Member)),
        ("membre2@ac-lille.fr", Some(TerritoryRole::Member)),
        ("exterieur@ac-lille.fr", None),
    ] {
        let id = app
            .create_person(email, Function::Enseignant2d, PASSWORD, false)
            .await?;
        if let Some(role) = role {
            store::territories::set_member(&app.db, territory, id, role).await?;
        }
        people.push((id, store::accounts::create_api_token(&app.db, id).await?));
    }
    let mut people = people.into_iter();
    let mut next = || people.next().ok_or_else(|| anyhow::anyhow!("four people"));
    Ok(Team {
        territory,
        coordinator: next()?,
        members: [next()?, next()?],
        outsider: next()?,
    })
}

fn levels(values: [i64; 5]) -> Value {
    json!({
        "collectif": values[0], "equipe-direction": values[1], "objets-travail": values[2],
        "partenaires": values[3], "structuration": values[4]
    })
}

#[tokio::test]
async fn members_assess_maturity_alone_and_coordinators_agree_through_the_api() -> anyhow::Result<()>
{
    let app = TestApp::spawn().await?;
    let grid: Value = app
        .client
        .get(app.url("/api/v1/maturity-grid"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(grid["dimensions"].as_array().map(Vec::len), Some(5));
    assert_eq!(grid["dimensions"][3]["key"], "partenaires");
    assert_eq!(
        grid["dimensions"][3]["levels"][0]["descriptor"],
        "Offre et demande"
    );
    assert_eq!(
        grid["dimensions"][0]["levels"][4]["name"],
        "Réseau de réflexion et de travail"
    );

    let team = team(&app).await?;
    let url = app.url(&format!(
        "/api/v1/territories/{}/maturity-assessments",
        team.territory
    ));
    let get = |token: &str| app.client.get(&url).bearer_auth(token).send();
    let post =
        |token: &str, body: Value| app.client.post(&url).bearer_auth(token).json(&body).send();
    assert_eq!(
        app.client.get(&url).send().await?.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(get(&team.outsider.1).await?.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.client
            .get(app.url("/api/v1/territories/999/maturity-assessments"))
            .bearer_auth(&team.members[0].1)
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    let empty: Value = get(&team.members[0].1).await?.json().await?;
    assert_eq!(empty, json!([]));

    // Bad answers are refused in French and change nothing.
    let outsider = post(&team.outsider.1, json!({"levels": levels([1; 5])})).await?;
    assert_eq!(outsider.status(), StatusCode::FORBIDDEN);
    for (body, message) in [
        (
            json!({"levels": {"collectif": 2}}),
            "donnez un niveau de 1 à 5 pour « Équipe de direction »",
        ),
        (
            json!({"levels": levels([2, 6, 2, 2, 2])}),
            "le niveau de « Équipe de direction » doit être compris entre 1 et 5",
        ),
        (
            json!({"levels": {"ambiance": 3}}),
            "la dimension « ambiance » n'existe pas dans la grille",
        ),
    ] {
        let refused = post(&team.members[0].1, body).await?;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let body: Value = refused.json().await?;
        assert_eq!(body["error"], "bad_request");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.to_lowercase().contains(&message.to_lowercase())),
            "{body}"
        );
    }
    assert_eq!(
        get(&team.members[0].1).await?.json::<Value>().await?,
        json!([])
    );

    // Two answers: no spread yet (they could be told apart); the third shows it.
    let first = post(
        &team.members[0].1,
        json!({"levels": levels([1, 2, 2, 1, 1])}),
    )
    .await?;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await?;
    let assessment = first["assessment_id"].as_i64().unwrap_or_default();
    assert_eq!(first["levels"]["equipe-direction"], 2);
    post(
        &team.members[1].1,
        json!({"levels": levels([2, 2, 3, 1, 1])}),
    )
    .await?;
    let list: Value = get(&team.members[1].1).await?.json().await?;
    assert_eq!(list[0]["answers"], 2);
    assert_eq!(list[0]["spread"], Value::Null);
    assert_eq!(list[0]["mine"], levels([2, 2, 3, 1, 1]));
    let third = post(
        &team.coordinator.1,
        json!({"levels": levels([2, 3, 3, 2, 1])}),
    )
    .await?;
    let third: Value = third.json().await?;
    assert_eq!(third["assessment_id"].as_i64(), Some(assessment));
    let list: Value = get(&team.members[0].1).await?.json().await?;
    assert_eq!(list[0]["answers"], 3);
    assert_eq!(list[0]["spread"]["collectif"], json!([1, 2, 0, 0, 0]));
    assert_eq!(list[0]["spread"]["objets-travail"], json!([0, 1, 2, 0, 0]));
    assert_eq!(list[0]["mine"], levels([1, 2, 2, 1, 1]));
    assert_eq!(list[0]["agreed_levels"], Value::Null);
    // Nobody's answer is named: the JSON holds no person id but the caller's own levels.
    let raw = list.to_string();
    assert!(!raw.contains("person") && !raw.contains("membre2"), "{raw}");

    // Only coordinators agree, once.
    let agreement = app.url(&format!(
        "/api/v1/territories/{}/maturity-assessments/{assessment}/agreement",
        team.territory
    ));
    let agree = |token: &str, body: Value| {
        app.client
            .post(&agreement)
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let body = json!({
        "levels": levels([2, 2, 3, 1, 1]),
        "evidence": {"objets-travail": "[Le conseil pédagogique commun](/pratiques/conseil-commun)"}
    });
    assert_eq!(
        agree(&team.members[0].1, body.clone()).await?.status(),
        StatusCode::FORBIDDEN
    );
    let unknown = agree(
        &team.coordinator.1,
        json!({"levels": levels([2; 5]), "evidence": {"ambiance": "x"}}),
    )
    .await?;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    let agreed = agree(&team.coordinator.1, body.clone()).await?;
    assert_eq!(agreed.status(), StatusCode::OK);
    let agreed: Value = agreed.json().await?;
    assert_eq!(agreed["agreed_levels"], levels([2, 2, 3, 1, 1]));
    assert_eq!(
        agreed["evidence"]["objets-travail"],
        "[Le conseil pédagogique commun](/pratiques/conseil-commun)"
    );
    assert!(agreed["agreed_at"].as_i64().is_some());
    let again = agree(&team.coordinator.1, body).await?;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // The next answer opens a new assessment; the agreed one stays in the history.
    let next: Value = post(&team.members[1].1, json!({"levels": levels([3; 5])}))
        .await?
        .json()
        .await?;
    assert_ne!(next["assessment_id"].as_i64(), Some(assessment));
    let list: Value = get(&team.outsider.1).await?.json().await?;
    assert_eq!(list["error"], "forbidden");
    let list: Value = get(&team.coordinator.1).await?.json().await?;
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    assert_eq!(list[0]["agreed_at"], Value::Null);
    assert_eq!(list[1]["id"].as_i64(), Some(assessment));
    Ok(())
}

async fn sign_in(app: &TestApp, email: &str) -> anyhow::Result<reqwest::Client> {
    let client = testkit::client()?;
    app.login(&client, email, PASSWORD).await?;
    Ok(client)
}

#[tokio::test]
async fn the_maturity_page_works_without_javascript() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let team = team(&app).await?;
    let slug = "territoire-apprenant-de-lens";
    let page = format!("/territoires/{slug}/maturite");
    let coordinator = sign_in(&app, "coordination@ac-lille.fr").await?;
    let member = sign_in(&app, "membre1@ac-lille.fr").await?;
    let outsider = sign_in(&app, "exterieur@ac-lille.fr").await?;

    // The territory's page leads its members to the grid; others are refused.
    let home = text(
        member
            .get(app.url(&format!("/territoires/{slug}")))
            .send()
            .await?,
    )
    .await?;
    assert!(home.contains(&format!("href=\"{page}\"")));
    let home = text(
        outsider
            .get(app.url(&format!("/territoires/{slug}")))
            .send()
            .await?,
    )
    .await?;
    assert!(!home.contains(&format!("href=\"{page}\"")));
    assert_eq!(
        outsider.get(app.url(&page)).send().await?.status(),
        StatusCode::FORBIDDEN
    );
    let anonymous = app.client.get(app.url(&page)).send().await?;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert!(testkit::location(&anonymous).starts_with("/connexion"));

    let empty = text(member.get(app.url(&page)).send().await?).await?;
    assert!(empty.contains("Aucune auto-évaluation n'est ouverte"));
    assert!(
        empty.contains("Offre et demande"),
        "the grid is on the page"
    );
    assert!(
        !empty.contains("Arrêter les niveaux"),
        "members do not agree"
    );

    // A missing dimension: a French error, the other choices kept.
    let refused = app
        .submit(
            &member,
            &page,
            &page,
            &[
                ("collectif", "3"),
                ("equipe-direction", "2"),
                ("objets-travail", "2"),
                ("partenaires", "1"),
            ],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(
        refused.contains("Donnez un niveau de 1 à 5 pour « Structuration »"),
        "{refused}"
    );
    assert!(refused.contains("id=\"r-collectif-3\" name=\"collectif\" value=\"3\" checked"));
    assert!(
        store::territories::maturity::list(&app.db, team.territory, None)
            .await?
            .is_empty()
    );

    let answer = |levels: [&'static str; 5]| {
        [
            ("collectif", levels[0]),
            ("equipe-direction", levels[1]),
            ("objets-travail", levels[2]),
            ("partenaires", levels[3]),
            ("structuration", levels[4]),
        ]
    };
    let saved = app
        .submit(&member, &page, &page, &answer(["2", "2", "3", "1", "1"]))
        .await?;
    assert_eq!(saved.status(), StatusCode::OK);
    let saved = text(saved).await?;
    assert!(saved.contains("Votre réponse est enregistrée"));
    assert!(saved.contains("1 réponse(s), dont la vôtre"));
    assert!(saved.contains("s'affichera à partir de 3 réponses"));
    assert!(
        saved.contains("id=\"r-objets-travail-3\" name=\"objets-travail\" value=\"3\" checked")
    );
    app.submit(
        &coordinator,
        &page,
        &page,
        &answer(["2", "3", "3", "2", "1"]),
    )
    .await?;
    let other = sign_in(&app, "membre2@ac-lille.fr").await?;
    app.submit(&other, &page, &page, &answer(["1", "2", "3", "1", "1"]))
        .await?;

    // Three answers: the spread, and the coordinator's form with the medians chosen.
    let spread = text(coordinator.get(app.url(&page)).send().await?).await?;
    assert!(spread.contains("Répartition des réponses"));
    assert!(spread.contains("Arrêter les niveaux du territoire"));
    assert!(
        spread.contains(
            "<option value=\"2\" selected>2. Collectif émergent / établissement</option>"
        )
    );
    let assessment = store::territories::maturity::list(&app.db, team.territory, None).await?[0].id;
    let accord = format!("{page}/{assessment}/accord");
    let too_long = "x".repeat(5_001);
    let refused = app
        .submit(
            &coordinator,
            &page,
            &accord,
            &[
                &answer(["2", "2", "3", "1", "1"])[..],
                &[("preuves-partenaires", too_long.as_str())],
            ]
            .concat(),
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(text(refused).await?.contains(
        "Les éléments de preuve de « Partenaires » ne doivent pas dépasser 5 000 caractères"
    ));
    assert_eq!(
        app.submit(&member, &page, &accord, &answer(["2"; 5]))
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let agreed = app
        .submit(
            &coordinator,
            &page,
            &accord,
            &[
                &answer(["2", "2", "3", "1", "1"])[..],
                &[(
                    "preuves-objets-travail",
                    "[Le conseil pédagogique commun](/pratiques/conseil-commun) <script>alert(1)</script>",
                )],
            ]
            .concat(),
        )
        .await?;
    assert_eq!(agreed.status(), StatusCode::OK);
    let agreed = text(agreed).await?;
    assert!(agreed.contains("Les niveaux du territoire sont arrêtés"));
    assert!(agreed.contains("<a href=\"/pratiques/conseil-commun\""));
    assert!(!agreed.contains("<script>alert"));
    // What the next level asks: « Partenaires » is at 1, level 2 asks this of it.
    assert!(agreed.contains("<strong>2. Collectif émergent / établissement</strong> : Rencontre et construction avec certains enseignants"));
    assert!(agreed.contains("class=\"tt-radar\""));
    assert_eq!(
        agreed.matches("class=\"tt-radar__after\" points=").count(),
        1
    );
    assert!(!agreed.contains("class=\"tt-radar__before\" points="));
    assert!(agreed.contains("Données du graphique"));

    // A second round: the radar compares the two dates, with its data table.
    app.submit(&member, &page, &page, &answer(["3", "3", "4", "2", "2"]))
        .await?;
    let second = store::territories::maturity::list(&app.db, team.territory, None).await?[0].id;
    app.submit(
        &coordinator,
        &page,
        &format!("{page}/{second}/accord"),
        &answer(["3", "3", "4", "2", "2"]),
    )
    .await?;
    let compared = text(member.get(app.url(&page)).send().await?).await?;
    assert_eq!(
        compared
            .matches("class=\"tt-radar__before\" points=")
            .count(),
        1
    );
    assert_eq!(
        compared
            .matches("class=\"tt-radar__after\" points=")
            .count(),
        1
    );
    assert!(compared.contains("<th scope=\"row\">Objets de travail</th><td>3</td><td>4</td>"));
    assert!(compared.contains("Niveaux arrêtés, du plus récent au plus ancien"));
    // Comparing a date with itself shows one series.
    let same = text(
        member
            .get(app.url(&format!("{page}?de={second}&a={second}")))
            .send()
            .await?,
    )
    .await?;
    assert!(!same.contains("class=\"tt-radar__before\" points="));
    Ok(())
}

/// An RFC 3339 moment `days` from now at 9:00 UTC plus `hours`.
fn at(days: i64, hours: i64) -> String {
    let t = time::OffsetDateTime::now_utc()
        .date()
        .with_hms(9, 0, 0)
        .map(|t| t.assume_utc())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        + time::Duration::days(days)
        + time::Duration::hours(hours);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[tokio::test]
async fn events_fill_up_then_wait_and_a_cancellation_promotes_the_first_waiting()
-> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let team = team(&app).await?;
    let admin = app
        .create_person(
            "admin@ac-lille.fr",
            Function::ChargeDeMission,
            PASSWORD,
            true,
        )
        .await?;
    let admin = store::accounts::create_api_token(&app.db, admin).await?;
    let url = app.url("/api/v1/events");
    let body = |territory: Option<i64>, capacity: i64| {
        json!({
            "title": "Les partages de l'innovation", "kind": "partages-innovation",
            "capacity": capacity, "starts_at": at(20, 0), "ends_at": at(20, 7),
            "territory_id": territory, "place": "Collège Jean Jaurès, Lens"
        })
    };
    let create =
        |token: &str, body: Value| app.client.post(&url).bearer_auth(token).json(&body).send();
    let territory = Some(team.territory.0);

    // Coordinators create in their territory, administrators anywhere; nobody else.
    assert_eq!(
        app.client
            .post(&url)
            .json(&body(territory, 2))
            .send()
            .await?
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        create(&team.members[0].1, body(territory, 2))
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        create(&team.coordinator.1, body(None, 2)).await?.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        create(&admin, body(None, 50)).await?.status(),
        StatusCode::CREATED
    );
    for (bad, message) in [
        (
            json!({"title": "Fête", "kind": "kermesse", "capacity": 3, "starts_at": at(2, 0), "ends_at": at(2, 1), "territory_id": territory}),
            "Type d'événement inconnu : « kermesse »",
        ),
        (
            json!({"title": "Fête", "kind": "autre", "capacity": 0, "starts_at": at(2, 0), "ends_at": at(2, 1), "territory_id": territory}),
            "La capacité est un nombre de places de 1 à 10 000",
        ),
        (
            json!({"title": "Fête", "kind": "autre", "capacity": 3, "starts_at": at(2, 1), "ends_at": at(2, 0), "territory_id": territory}),
            "L'événement finit après son début",
        ),
        (
            json!({"title": "Fête", "kind": "autre", "capacity": 3, "starts_at": "demain", "ends_at": at(2, 0), "territory_id": territory}),
            "« demain » n'est pas une date RFC 3339",
        ),
    ] {
        let refused = create(&team.coordinator.1, bad).await?;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let refused: Value = refused.json().await?;
        assert!(
            refused["message"]
                .as_str()
                .is_some_and(|m| m.contains(message)),
            "{refused}"
        );
    }
    let created = create(&team.coordinator.1, body(territory, 2)).await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await?;
    assert_eq!(created["kind"], "partages-innovation");
    assert_eq!(created["registered"], 0);
    let id = created["id"].as_i64().unwrap_or_default();

    // Two places: the third person waits.
    let registrations = app.url(&format!("/api/v1/events/{id}/registrations"));
    let register = |token: &str| app.client.post(&registrations).bearer_auth(token).send();
    let status = |answer: Value| answer["status"].as_str().map(str::to_owned);
    assert_eq!(
        status(register(&team.members[0].1).await?.json().await?).as_deref(),
        Some("registered")
    );
    assert_eq!(
        status(register(&team.members[1].1).await?.json().await?).as_deref(),
        Some("registered")
    );
    assert_eq!(
        status(register(&team.outsider.1).await?.json().await?).as_deref(),
        Some("waitlisted")
    );
    assert_eq!(
        status(register(&team.members[0].1).await?.json().await?).as_deref(),
        Some("registered"),
        "again: unchanged"
    );
    let read: Value = app
        .client
        .get(app.url(&format!("/api/v1/events/{id}")))
        .bearer_auth(&team.outsider.1)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        (read["registered"].as_i64(), read["waitlisted"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(read["my_status"], "waitlisted");
    assert_eq!(read["waitlist_position"], 1);

    // A registered person leaves: the first waiting gets the place.
    let mine = app.url(&format!("/api/v1/events/{id}/registrations/me"));
    let left = app
        .client
        .delete(&mine)
        .bearer_auth(&team.members[1].1)
        .send()
        .await?;
    assert_eq!(left.status(), StatusCode::NO_CONTENT);
    let read: Value = app
        .client
        .get(app.url(&format!("/api/v1/events/{id}")))
        .bearer_auth(&team.outsider.1)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(read["my_status"], "registered");
    assert_eq!(
        (read["registered"].as_i64(), read["waitlisted"].as_i64()),
        (Some(2), Some(0))
    );
    let again = app
        .client
        .delete(&mine)
        .bearer_auth(&team.members[1].1)
        .send()
        .await?;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.client
            .post(app.url("/api/v1/events/9999/registrations"))
            .bearer_auth(&team.members[1].1)
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );

    // Twelve people register at once for three places: three get one, nine wait.
    let crowd = create(&team.coordinator.1, body(territory, 3))
        .await?
        .json::<Value>()
        .await?;
    let crowd = crowd["id"].as_i64().unwrap_or_default();
    let mut tokens = Vec::new();
    for n in 0..12 {
        let p = app
            .create_person(
                &format!("foule{n}@ac-lille.fr"),
                Function::Enseignant1d,
                PASSWORD,
                false,
            )
            .await?;
        tokens.push(store::accounts::create_api_token(&app.db, p).await?);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for token in tokens {
        let (client, url) = (
            app.client.clone(),
            app.url(&format!("/api/v1/events/{crowd}/registrations")),
        );
        tasks.spawn(async move {
            let answer: Value = client
                .post(url)
                .bearer_auth(token)
                .send()
                .await?
                .json()
                .await?;
            anyhow::Ok(answer["status"].as_str().unwrap_or_default().to_owned())
        });
    }
    let mut registered = 0;
    while let Some(done) = tasks.join_next().await {
        if done?? == "registered" {
            registered += 1;
        }
    }
    assert_eq!(registered, 3);
    let read: Value = app
        .client
        .get(app.url(&format!("/api/v1/events/{crowd}")))
        .bearer_auth(&admin)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        (read["registered"].as_i64(), read["waitlisted"].as_i64()),
        (Some(3), Some(9))
    );
    let listed: Value = app.client.get(&url).send().await?.json().await?;
    assert_eq!(listed.as_array().map(Vec::len), Some(3));

    // Only its organisers cancel an event; everyone registered or waiting is told; no more
    // registrations.
    let event_url = app.url(&format!("/api/v1/events/{id}"));
    assert_eq!(
        app.client
            .delete(&event_url)
            .bearer_auth(&team.members[0].1)
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.client
            .delete(&event_url)
            .bearer_auth(&team.coordinator.1)
            .send()
            .await?
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.client
            .delete(&event_url)
            .bearer_auth(&team.coordinator.1)
            .send()
            .await?
            .status(),
        StatusCode::CONFLICT
    );
    let read: Value = app
        .client
        .get(&event_url)
        .bearer_auth(&team.outsider.1)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(read["cancelled"], true);
    assert_eq!(
        register(&team.members[1].1).await?.status(),
        StatusCode::CONFLICT
    );
    let told = store::practices::notifications(&app.db, team.outsider.0, 10).await?;
    assert!(
        told.iter().any(|n| n
            .message
            .starts_with("L'événement « Les partages de l'innovation »")
            && n.message.ends_with("est annulé")),
        "{told:?}"
    );
    let listed: Value = app.client.get(&url).send().await?.json().await?;
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(2),
        "a cancelled event is no longer listed"
    );
    Ok(())
}

#[tokio::test]
async fn events_and_the_lab_work_without_javascript() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let team = team(&app).await?;
    store::territories::events::create_room(
        &app.db,
        None,
        "Salle de créativité",
        "Tables mobiles, écran",
        24,
    )
    .await?;
    let coordinator = sign_in(&app, "coordination@ac-lille.fr").await?;
    let member = sign_in(&app, "membre1@ac-lille.fr").await?;
    let other = sign_in(&app, "membre2@ac-lille.fr").await?;
    let day = (time::OffsetDateTime::now_utc() + time::Duration::days(30)).date();
    let day = format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    );

    // Members cannot create; the coordinator's form refuses a bad capacity and keeps the rest.
    assert_eq!(
        member
            .get(app.url("/evenements/nouveau"))
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let list = text(coordinator.get(app.url("/evenements")).send().await?).await?;
    assert!(list.contains("href=\"/evenements/nouveau\""));
    let fields = |capacity: &'static str| {
        vec![
            ("title", "Atelier robotique"),
            ("kind", "atelier-lab"),
            ("territory", ""),
            ("start", "14:00"),
            ("end", "16:30"),
            ("room", ""),
            ("place", ""),
            ("capacity", capacity),
        ]
    };
    let mut refused_fields = fields("beaucoup");
    refused_fields.push(("date", day.as_str()));
    let refused = app
        .submit(
            &coordinator,
            "/evenements/nouveau",
            "/evenements",
            &refused_fields,
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(refused.contains("La capacité est un nombre de places de 1 à 10 000"));
    assert!(refused.contains("value=\"Atelier robotique\""));
    // No territory chosen: only administrators make events of the whole platform.
    let mut fields = fields("1");
    fields.push(("date", day.as_str()));
    let platform = app
        .submit(&coordinator, "/evenements/nouveau", "/evenements", &fields)
        .await?;
    assert_eq!(platform.status(), StatusCode::FORBIDDEN);
    let territory = team.territory.0.to_string();
    let room = store::territories::events::rooms(&app.db).await?[0]
        .id
        .to_string();
    fields.retain(|(k, _)| *k != "territory" && *k != "room");
    fields.push(("territory", territory.as_str()));
    fields.push(("room", room.as_str()));
    let created = app
        .submit(&coordinator, "/evenements/nouveau", "/evenements", &fields)
        .await?;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let page = testkit::location(&created);

    // One place: the member takes it, the other waits; the coordinator sees both.
    let form = |client: &reqwest::Client, action: &str| {
        let (client, action) = (client.clone(), format!("{page}/{action}"));
        let page = page.clone();
        let app = &app;
        async move { app.submit(&client, &page, &action, &[]).await }
    };
    let registered = text(form(&member, "inscription").await?).await?;
    assert!(registered.contains("Vous êtes inscrit·e."));
    assert!(registered.contains("Salle de créativité"));
    let waiting = text(form(&other, "inscription").await?).await?;
    assert!(waiting.contains("vous êtes sur la liste d'attente"));
    assert!(waiting.contains("en position 1"));
    let organiser = text(coordinator.get(app.url(&page)).send().await?).await?;
    assert!(organiser.contains("membre1@ac-lille.fr") && organiser.contains("membre2@ac-lille.fr"));
    assert!(
        !text(member.get(app.url(&page)).send().await?)
            .await?
            .contains("membre2@ac-lille.fr")
    );
    // The member leaves: the other gets the place.
    form(&member, "desinscription").await?;
    assert!(
        text(other.get(app.url(&page)).send().await?)
            .await?
            .contains("Vous êtes inscrit·e.")
    );
    let id: i64 = page.rsplit('/').next().unwrap_or_default().parse()?;
    let present = store::territories::events::registrants(&app.db, domain::ids::EventId(id))
        .await?[0]
        .person_id
        .to_string();
    let recorded = app
        .submit(
            &coordinator,
            &page,
            &format!("{page}/presences"),
            &[("present", present.as_str())],
        )
        .await?;
    assert!(
        text(recorded)
            .await?
            .contains("Présences enregistrées : 1.")
    );
    assert_eq!(
        app.submit(&member, &page, &format!("{page}/presences"), &[])
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );

    // Its calendar entry.
    let ics = app
        .client
        .get(app.url(&format!("{page}/evenement.ics")))
        .send()
        .await?;
    assert!(
        ics.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()?
            .starts_with("text/calendar")
    );
    let ics = ics.text().await?;
    assert!(
        ics.contains("SUMMARY:Atelier robotique") && ics.contains("LOCATION:Salle de créativité")
    );

    // The Lab: the event's slot is taken; right after it is free; one's own booking cancels.
    let lab = text(member.get(app.url("/lab")).send().await?).await?;
    assert!(lab.contains("Atelier robotique"));
    let book = |start: &'static str, end: &'static str| {
        let room = room.clone();
        let day = day.clone();
        let member = member.clone();
        let app = &app;
        async move {
            app.submit(
                &member,
                "/lab",
                "/lab/reservations",
                &[
                    ("room", room.as_str()),
                    ("date", day.as_str()),
                    ("start", start),
                    ("end", end),
                    ("purpose", "Préparer la fête de l'apprendre"),
                ],
            )
            .await
        }
    };
    let clash = book("15:00", "17:00").await?;
    assert_eq!(clash.status(), StatusCode::BAD_REQUEST);
    let clash = text(clash).await?;
    assert!(
        clash.contains("La salle est déjà réservée le") && clash.contains("(Atelier robotique)"),
        "{clash}"
    );
    assert!(
        clash.contains("value=\"Préparer la fête de l'apprendre\""),
        "the form is kept"
    );
    let booked = text(book("16:30", "18:00").await?).await?;
    assert!(booked.contains("Salle réservée."));
    let bookings = store::territories::events::bookings(&app.db, 0, 10).await?;
    let mine = bookings
        .iter()
        .find(|b| b.event_id.is_none())
        .map(|b| b.id)
        .unwrap_or_default();
    assert_eq!(
        app.submit(
            &other,
            "/lab",
            &format!("/lab/reservations/{mine}/annulation"),
            &[]
        )
        .await?
        .status(),
        StatusCode::NOT_FOUND,
        "only who booked cancels"
    );
    let cancelled = app
        .submit(
            &member,
            "/lab",
            &format!("/lab/reservations/{mine}/annulation"),
            &[],
        )
        .await?;
    assert!(text(cancelled).await?.contains("Réservation annulée."));
    // The organiser cancels the workshop: its slot in the room is free again.
    let cancelled = app
        .submit(&coordinator, &page, &format!("{page}/annulation"), &[])
        .await?;
    let cancelled = text(cancelled).await?;
    assert!(
        cancelled.contains(
            "L'événement est annulé ; 1 personne(s) inscrite(s) ou en attente en sont averties."
        ),
        "{cancelled}"
    );
    assert!(
        text(member.get(app.url(&page)).send().await?)
            .await?
            .contains("Cet événement est annulé.")
    );
    assert!(
        text(book("15:00", "17:00").await?)
            .await?
            .contains("Salle réservée.")
    );
    Ok(())
}

/// The territory « Territoire apprenant d'Arras », made of those establishments of the sample
/// directory.
async fn arras(app: &TestApp, uais: &[&str]) -> anyhow::Result<domain::ids::TerritoryId> {
    app.import(&sample_annuaire()).await?;
    let ids = store::directory::ids_by_uai(&app.db).await?;
    let territory = store::territories::create(
        &app.db,
        &domain::territories::NewTerritory::parse("Territoire apprenant d'Arras", "")?,
    )
    .await?;
    let establishments: Vec<i64> = uais.iter().filter_map(|u| ids.get(*u).copied()).collect();
    store::territories::add_establishments(&app.db, territory, &establishments).await?;
    Ok(territory)
}

/// A person of `uai` with a password and an API token, member (or coordinator) of `territory`.
async fn staff(
    app: &TestApp,
    email: &str,
    uai: Option<&str>,
    territory: domain::ids::TerritoryId,
    role: Option<TerritoryRole>,
) -> anyhow::Result<(domain::ids::PersonId, String)> {
    let new = store::accounts::NewPerson {
        email: domain::accounts::Email::parse(email)?,
        name: domain::accounts::PersonName::parse(&email.replace(['@', '.'], " "))?,
        function: Function::Enseignant1d,
        password_hash: Some(
            domain::accounts::password::hash(PASSWORD).map_err(|e| anyhow::anyhow!(e))?,
        ),
        admin: false,
        establishments: uai
            .map(domain::directory::Uai::parse)
            .transpose()?
            .into_iter()
            .collect(),
        circonscription: None,
        academie: None,
        subjects: vec![],
        levels: vec![],
    };
    let id = store::accounts::create_person(&app.db, &new).await?;
    if let Some(role) = role {
        store::territories::set_member(&app.db, territory, id, role).await?;
    }
    Ok((id, store::accounts::create_api_token(&app.db, id).await?))
}

#[tokio::test]
async fn the_launch_shares_an_inventory_and_a_problem_through_the_api() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.import(&sample_annuaire()).await?;
    let admin = app
        .create_person(
            "admin@ac-lille.fr",
            Function::ChargeDeMission,
            PASSWORD,
            true,
        )
        .await?;
    let admin = store::accounts::create_api_token(&app.db, admin).await?;
    // A territory made with its establishments; an unknown UAI makes nothing.
    let territories = app.url("/api/v1/territories");
    let refused = app
        .client
        .post(&territories)
        .bearer_auth(&admin)
        .json(&json!({"name": "Territoire apprenant d'Arras", "uais": ["0620001P", "9999999Z", "n'importe"]}))
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused: Value = refused.json().await?;
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|m| m.contains("9999999Z, n'importe")),
        "{refused}"
    );
    assert!(store::territories::list(&app.db).await?.is_empty());
    let created: Value = app
        .client
        .post(&territories)
        .bearer_auth(&admin)
        .json(&json!({"name": "Territoire apprenant d'Arras", "uais": ["0620001P", "0620100X"]}))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(created["establishments"], 2);
    let territory = domain::ids::TerritoryId(created["id"].as_i64().unwrap_or_default());

    let (_, coordinator) = staff(
        &app,
        "coordination@ac-lille.fr",
        None,
        territory,
        Some(TerritoryRole::Coordinator),
    )
    .await?;
    let (_, ecole) = staff(
        &app,
        "ecole@ac-lille.fr",
        Some("0620001P"),
        territory,
        Some(TerritoryRole::Member),
    )
    .await?;
    let (_, college) = staff(
        &app,
        "college@ac-lille.fr",
        Some("0620100X"),
        territory,
        Some(TerritoryRole::Member),
    )
    .await?;
    let (_, outsider) = staff(
        &app,
        "ailleurs@ac-lille.fr",
        Some("0620001P"),
        territory,
        None,
    )
    .await?;
    let items = app.url(&format!(
        "/api/v1/territories/{}/inventory-items",
        territory.0
    ));
    let add = |token: &str, body: Value| {
        app.client
            .post(&items)
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let item = |uai: &str, kind: &str, scope: &str, text: &str| json!({"uai": uai, "kind": kind, "scope": scope, "text": text});

    // Each establishment's group writes its own inventory; not another's; outsiders nothing.
    assert_eq!(
        add(
            &ecole,
            item(
                "0620001P",
                "difficulty",
                "common",
                "Le manque de temps de concertation"
            )
        )
        .await?
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        add(
            &college,
            item(
                "0620100X",
                "difficulty",
                "specific",
                "Le manque de temps de concertation."
            )
        )
        .await?
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        add(
            &college,
            item("0620100X", "success", "specific", "La chorale")
        )
        .await?
        .status(),
        StatusCode::CREATED
    );
    let elsewhere = add(
        &ecole,
        item("0620100X", "success", "specific", "Le club échecs"),
    )
    .await?;
    assert_eq!(elsewhere.status(), StatusCode::BAD_REQUEST);
    let elsewhere: Value = elsewhere.json().await?;
    assert!(
        elsewhere["message"]
            .as_str()
            .is_some_and(|m| m.contains("que de votre établissement"))
    );
    assert_eq!(
        add(
            &outsider,
            item("0620001P", "success", "specific", "Le club échecs")
        )
        .await?
        .status(),
        StatusCode::FORBIDDEN
    );
    let bad = add(
        &ecole,
        item("0620001P", "joie", "specific", "Le club échecs"),
    )
    .await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    // The coordinator writes for any establishment of the territory, not beyond it.
    assert_eq!(
        add(
            &coordinator,
            item("0620001P", "success", "specific", "Les cafés pédagogiques")
        )
        .await?
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        add(
            &coordinator,
            item("0620002R", "success", "specific", "Hors territoire")
        )
        .await?
        .status(),
        StatusCode::BAD_REQUEST
    );

    let launch_url = app.url(&format!("/api/v1/territories/{}/launch", territory.0));
    assert_eq!(
        app.client
            .get(&launch_url)
            .bearer_auth(&outsider)
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let launch: Value = app
        .client
        .get(&launch_url)
        .bearer_auth(&college)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(launch["steps"].as_array().map(Vec::len), Some(5));
    assert_eq!(
        launch["steps"][0]["title"],
        "Réaliser l'état des lieux partagé du territoire"
    );
    assert_eq!(launch["steps"][0]["state"], "todo");
    assert_eq!(launch["inventory"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        launch["merged"][0]["text"],
        "Le manque de temps de concertation"
    );
    assert_eq!(launch["merged"][0]["common"], true);
    assert_eq!(
        launch["merged"][0]["establishments"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(launch["problem"], Value::Null);

    // The steering group writes the problem from the inventory, and moves the steps on.
    let first = launch["inventory"][0]["id"].as_i64().unwrap_or_default();
    let problem = app.url(&format!("/api/v1/territories/{}/problem", territory.0));
    let body = json!({"statement": "Comment dégager du temps pour travailler ensemble ?", "skills": ["Coopérer"], "item_ids": [first]});
    assert_eq!(
        app.client
            .put(&problem)
            .bearer_auth(&ecole)
            .json(&body)
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.client
            .put(&problem)
            .bearer_auth(&coordinator)
            .json(&body)
            .send()
            .await?
            .status(),
        StatusCode::NO_CONTENT
    );
    let step = app.url(&format!(
        "/api/v1/territories/{}/launch/steps/1",
        territory.0
    ));
    assert_eq!(
        app.client
            .put(&step)
            .bearer_auth(&coordinator)
            .json(&json!({"state": "done"}))
            .send()
            .await?
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.client
            .put(&step)
            .bearer_auth(&coordinator)
            .json(&json!({"state": "fini"}))
            .send()
            .await?
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.client
            .put(app.url(&format!(
                "/api/v1/territories/{}/launch/steps/9",
                territory.0
            )))
            .bearer_auth(&coordinator)
            .json(&json!({"state": "done"}))
            .send()
            .await?
            .status(),
        StatusCode::BAD_REQUEST
    );
    let launch: Value = app
        .client
        .get(&launch_url)
        .bearer_auth(&ecole)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(launch["steps"][0]["state"], "done");
    assert_eq!(launch["problem"]["skills"], json!(["Coopérer"]));
    assert_eq!(launch["problem"]["item_ids"], json!([first]));

    // Only its author or a coordinator removes an item.
    let remove = |token: &str, id: i64| {
        app.client
            .delete(format!("{items}/{id}"))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(
        remove(&college, first).await?.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        remove(&ecole, first).await?.status(),
        StatusCode::NO_CONTENT
    );
    Ok(())
}

#[tokio::test]
async fn the_launch_page_works_without_javascript() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let territory = arras(&app, &["0620001P", "0620100X"]).await?;
    staff(
        &app,
        "coordination@ac-lille.fr",
        None,
        territory,
        Some(TerritoryRole::Coordinator),
    )
    .await?;
    staff(
        &app,
        "ecole@ac-lille.fr",
        Some("0620001P"),
        territory,
        Some(TerritoryRole::Member),
    )
    .await?;
    staff(
        &app,
        "college@ac-lille.fr",
        Some("0620100X"),
        territory,
        Some(TerritoryRole::Member),
    )
    .await?;
    let page = "/territoires/territoire-apprenant-d-arras/lancement";
    let action = format!("{page}/etat-des-lieux");
    let ecole = sign_in(&app, "ecole@ac-lille.fr").await?;
    let college = sign_in(&app, "college@ac-lille.fr").await?;
    let coordinator = sign_in(&app, "coordination@ac-lille.fr").await?;

    let step = |n: u8| app.url(&format!("{page}/etape-{n}"));
    // The launch is five screens: the overview links each step, each step shows its own
    // work and one action to move it on, and there is no sixth.
    let overview = text(coordinator.get(app.url(page)).send().await?).await?;
    for n in 1..=5 {
        assert!(
            overview.contains(&format!("{page}/etape-{n}\"")),
            "{overview}"
        );
    }
    assert!(
        !overview.contains("/lancement/etapes/"),
        "no form of a step on the overview"
    );
    let first = text(coordinator.get(step(1)).send().await?).await?;
    assert!(first.contains("Étape 1 sur 5"));
    assert!(first.contains("Étape suivante :</span> Déterminer une problématique commune"));
    assert_eq!(first.matches("Enregistrer l'avancée").count(), 1);
    assert!(
        !first.contains("Écrire la problématique"),
        "step 2 has its own screen"
    );
    for missing in ["etape-0", "etape-6", "etape-1x"] {
        let response = coordinator
            .get(app.url(&format!("{page}/{missing}")))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }
    let empty = text(ecole.get(step(2)).send().await?).await?;
    assert!(empty.contains("Déterminer une problématique commune"));
    assert!(
        !empty.contains("Écrire la problématique"),
        "members do not write it"
    );
    assert!(
        !empty.contains("Enregistrer l'avancée"),
        "nor move the steps on"
    );
    // A refused item keeps what was written.
    let refused = app
        .submit(
            &ecole,
            page,
            &action,
            &[
                ("uai", "0620001P"),
                ("kind", "difficulty"),
                ("text", "Le manque de temps de concertation"),
            ],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(refused.contains("Choisissez : spécifique à l'établissement ou commune"));
    assert!(refused.contains(">Le manque de temps de concertation</textarea>"));
    let added = app
        .submit(
            &ecole,
            page,
            &action,
            &[
                ("uai", "0620001P"),
                ("kind", "difficulty"),
                ("scope", "common"),
                ("text", "Le manque de temps de concertation"),
            ],
        )
        .await?;
    assert!(text(added).await?.contains("Ajouté à l'état des lieux."));
    // The collège's group takes up the école's common difficulty with one button.
    let seen = text(college.get(step(1)).send().await?).await?;
    assert!(seen.contains("Aussi pour Collège Victor Hugo"), "{seen}");
    let joined = app
        .submit(
            &college,
            page,
            &action,
            &[
                ("uai", "0620100X"),
                ("kind", "difficulty"),
                ("scope", "common"),
                ("text", "Le manque de temps de concertation"),
            ],
        )
        .await?;
    let joined = text(joined).await?;
    assert!(
        joined.contains("2 : Collège Victor Hugo, École primaire Jean Jaurès"),
        "{joined}"
    );
    assert!(!joined.contains("Aussi pour Collège Victor Hugo"));

    // The steering group writes the problem, linked to the common difficulty.
    let item = store::territories::launch::items(&app.db, territory).await?[0]
        .id
        .to_string();
    let short = app
        .submit(
            &coordinator,
            page,
            &format!("{page}/problematique"),
            &[("statement", "Court"), ("skills", "Coopérer")],
        )
        .await?;
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    assert!(text(short).await?.contains(">Coopérer</textarea>"));
    let written = app
        .submit(
            &coordinator,
            page,
            &format!("{page}/problematique"),
            &[
                (
                    "statement",
                    "Comment dégager du temps pour travailler ensemble ?",
                ),
                ("skills", "Coopérer\nS'exprimer à l'oral"),
                ("items", item.as_str()),
            ],
        )
        .await?;
    let written = text(written).await?;
    assert!(written.contains("La problématique commune est enregistrée."));
    assert!(
        written
            .contains("<li><strong>Difficulté</strong> : Le manque de temps de concertation</li>")
    );
    let stepped = app
        .submit(
            &coordinator,
            page,
            &format!("{page}/etapes/2"),
            &[("state", "doing")],
        )
        .await?;
    assert!(
        text(stepped)
            .await?
            .contains("L'avancée de l'étape est enregistrée.")
    );
    assert_eq!(
        app.submit(
            &ecole,
            page,
            &format!("{page}/etapes/2"),
            &[("state", "done")]
        )
        .await?
        .status(),
        StatusCode::FORBIDDEN
    );
    let seen = text(ecole.get(step(2)).send().await?).await?;
    assert!(seen.contains("Comment dégager du temps pour travailler ensemble ?"));
    assert!(seen.contains("<li>S'exprimer à l'oral</li>"));
    assert!(
        !text(ecole.get(step(1)).send().await?)
            .await?
            .contains("Faire d'une difficulté un besoin de formation"),
        "members do not raise needs"
    );

    // The coordination raises the common difficulty as a training need of the territory,
    // once (both establishments' items are the same difficulty).
    let need = format!("{page}/besoin-de-formation");
    let bad = app
        .submit(
            &coordinator,
            page,
            &need,
            &[
                ("n_item", item.as_str()),
                ("n_public", "tous"),
                ("n_theme", "Coopérer entre degrés"),
            ],
        )
        .await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad = text(bad).await?;
    assert!(bad.contains("Le public est"), "{bad}");
    assert!(bad.contains("value=\"Coopérer entre degrés\""), "{bad}");
    let raised = app
        .submit(
            &coordinator,
            page,
            &need,
            &[
                ("n_item", item.as_str()),
                ("n_public", "inter-degres"),
                ("n_theme", ""),
            ],
        )
        .await?;
    let raised = text(raised).await?;
    assert!(
        raised.contains("La difficulté est transmise au bureau de la formation"),
        "{raised}"
    );
    assert!(!raised.contains("Faire d'une difficulté un besoin de formation"));
    let (from, to) = (store::now() - 60, store::now() + 60);
    assert_eq!(
        store::training::demand_themes(&app.db, Some(territory), from, to).await?,
        [("Le manque de temps de concertation".to_owned(), 1)]
    );
    assert_eq!(
        app.submit(
            &ecole,
            page,
            &need,
            &[("n_item", item.as_str()), ("n_public", "inter-degres")]
        )
        .await?
        .status(),
        StatusCode::FORBIDDEN
    );
    Ok(())
}

#[tokio::test]
async fn work_objects_actions_and_the_critical_friends_journal_through_api_and_pages()
-> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let territory = arras(&app, &["0620100X"]).await?;
    let (_, coordinator) = staff(
        &app,
        "coordination@ac-lille.fr",
        None,
        territory,
        Some(TerritoryRole::Coordinator),
    )
    .await?;
    let (_, member) = staff(
        &app,
        "college@ac-lille.fr",
        Some("0620100X"),
        territory,
        Some(TerritoryRole::Member),
    )
    .await?;
    let (friend_id, friend) = staff(&app, "formatrice@ac-lille.fr", None, territory, None).await?;
    let api = |path: &str| app.url(&format!("/api/v1/territories/{}/{path}", territory.0));
    let post = |token: &str, path: &str, body: Value| {
        app.client
            .post(api(path))
            .bearer_auth(token)
            .json(&body)
            .send()
    };

    assert_eq!(post(&member, "work-objects", json!({"title": "L'oral en continu", "trainer": "Mme Formatrice", "days": ["2027-01-14", "2027-03-11"]})).await?.status(), StatusCode::CREATED);
    assert_eq!(
        post(
            &member,
            "work-objects",
            json!({"title": "L'oral", "days": ["14/01/2027"]})
        )
        .await?
        .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(post(&member, "actions", json!({"title": "Tutorat CM2-6e", "scope": "establishment", "uai": "0620100X", "evidence": "Les élèves demandent de l'aide à un pair", "theme": "pedagogie"})).await?.status(), StatusCode::CREATED);
    let outside = post(&member, "actions", json!({"title": "Tutorat", "scope": "establishment", "uai": "0620001P", "evidence": "Les élèves"})).await?;
    assert_eq!(outside.status(), StatusCode::BAD_REQUEST);
    // The critical friend: designated by the coordination, the only one to write the journal.
    assert_eq!(
        post(
            &member,
            "critical-friends",
            json!({"person_id": friend_id.0})
        )
        .await?
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            &coordinator,
            "critical-friends",
            json!({"person_id": friend_id.0})
        )
        .await?
        .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        post(
            &member,
            "journal",
            json!({"role": "tuteur", "body": "Une entrée"})
        )
        .await?
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            &friend,
            "journal",
            json!({"role": "juge", "body": "Une entrée"})
        )
        .await?
        .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(
            &friend,
            "journal",
            json!({"role": "mediateur", "body": "Médiation entre deux équipes du collège."})
        )
        .await?
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        post(
            &member,
            "impact-analyses",
            json!({"body": "Les élèves coopèrent davantage."})
        )
        .await?
        .status(),
        StatusCode::FORBIDDEN
    );
    let closed: Value = post(
        &friend,
        "impact-analyses",
        json!({"body": "Les élèves coopèrent davantage en 6e."}),
    )
    .await?
    .json()
    .await?;
    assert_eq!(closed["year"], 1);
    assert_eq!(
        post(
            &member,
            "supports",
            json!({"kind": "support", "category": "convention", "text": "Le PEDT d'Arras"})
        )
        .await?
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        post(
            &member,
            "supports",
            json!({"kind": "obstacle", "text": "Passer d'un temps court à un temps long"})
        )
        .await?
        .status(),
        StatusCode::CREATED
    );
    let launch: Value = app
        .client
        .get(api("launch"))
        .bearer_auth(&member)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(launch["year"], 2);
    assert_eq!(
        launch["work_objects"][0]["days"],
        json!(["2027-01-14", "2027-03-11"])
    );
    assert_eq!(launch["actions"][0]["uai"], "0620100X");
    assert_eq!(launch["journal"][0]["role"], "mediateur");
    assert_eq!(launch["impact_analyses"][0]["year"], 1);
    assert_eq!(launch["critical_friends"].as_array().map(Vec::len), Some(1));
    assert_eq!(launch["supports"][1]["kind"], "obstacle");

    // The pages: the friend writes on; a refused action keeps what was written; year 2 starts
    // from the analysis of year 1.
    let page = "/territoires/territoire-apprenant-d-arras/lancement";
    let friend_page = sign_in(&app, "formatrice@ac-lille.fr").await?;
    let member_page = sign_in(&app, "college@ac-lille.fr").await?;
    let fifth = app.url(&format!("{page}/etape-5"));
    let seen = text(friend_page.get(&fifth).send().await?).await?;
    assert!(seen.contains("5. Accompagnement — année 2"));
    assert!(seen.contains("Analyse de l'impact de l'année 1"));
    assert!(seen.contains("le point de départ de l'année 2"));
    assert!(seen.contains("Écrire dans le journal"));
    assert!(
        !text(member_page.get(&fifth).send().await?)
            .await?
            .contains("Écrire dans le journal")
    );
    let written = app
        .submit(
            &friend_page,
            page,
            &format!("{page}/journal"),
            &[
                ("j_role", "chercheur"),
                ("j_body", "Entretiens avec des élèves de 6e."),
            ],
        )
        .await?;
    let written = text(written).await?;
    assert!(written.contains("L'entrée est ajoutée au journal."));
    assert!(written.contains("Chercheur</span>"));
    let refused = app
        .submit(
            &member_page,
            page,
            &format!("{page}/actions"),
            &[
                ("a_title", "Club lecture"),
                ("a_scope", "network"),
                ("a_evidence", ""),
                ("a_pupils", "Les 6e"),
            ],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(
        refused.contains("Comment l'effet sur les élèves sera vu : de 3 à 2000 caractères"),
        "{refused}"
    );
    assert!(refused.contains("value=\"Club lecture\"") && refused.contains("value=\"Les 6e\""));
    assert_eq!(
        app.submit(&member_page, page, &format!("{page}/inconnu"), &[])
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    Ok(())
}

#[tokio::test]
async fn the_steering_group_shows_its_missing_seats_and_each_group_has_its_space()
-> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let territory = arras(&app, &["0620100X"]).await?;
    let (_, coordinator) = staff(
        &app,
        "coordination@ac-lille.fr",
        None,
        territory,
        Some(TerritoryRole::Coordinator),
    )
    .await?;
    let (principal, member) = staff(
        &app,
        "principal@ac-lille.fr",
        Some("0620100X"),
        territory,
        Some(TerritoryRole::Member),
    )
    .await?;
    let (_, outsider) = staff(&app, "ailleurs@ac-lille.fr", None, territory, None).await?;
    let url = app.url(&format!("/api/v1/territories/{}/groups", territory.0));
    let create =
        |token: &str, body: Value| app.client.post(&url).bearer_auth(token).json(&body).send();

    assert_eq!(
        create(&member, json!({"kind": "pilotage"})).await?.status(),
        StatusCode::FORBIDDEN
    );
    let steering: Value = create(&coordinator, json!({"kind": "pilotage"}))
        .await?
        .json()
        .await?;
    let steering = steering["id"].as_i64().unwrap_or_default();
    assert_eq!(
        create(&coordinator, json!({"kind": "pilotage", "name": "Encore"}))
            .await?
            .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        create(&coordinator, json!({"kind": "gt1"})).await?.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        create(&coordinator, json!({"kind": "gt1", "uai": "0620001P"}))
            .await?
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        create(
            &coordinator,
            json!({"kind": "gt1", "name": "GT1 du collège", "uai": "0620100x"})
        )
        .await?
        .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        create(&coordinator, json!({"kind": "club"}))
            .await?
            .status(),
        StatusCode::BAD_REQUEST
    );

    let members = app.url(&format!("/api/v1/groups/{steering}/members"));
    let seat = |token: &str, body: Value| {
        app.client
            .post(&members)
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    assert_eq!(
        seat(&member, json!({"person_id": principal.0, "seat": "perdir"}))
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        seat(
            &coordinator,
            json!({"person_id": principal.0, "seat": "perdir"})
        )
        .await?
        .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        seat(
            &coordinator,
            json!({"name": "Ville d'Arras", "seat": "collectivite"})
        )
        .await?
        .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        seat(
            &coordinator,
            json!({"name": "Ville d'Arras", "seat": "maire"})
        )
        .await?
        .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        seat(
            &coordinator,
            json!({"person_id": principal.0, "seat": "enseignant"})
        )
        .await?
        .status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.client
            .get(&url)
            .bearer_auth(&outsider)
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let list: Value = app
        .client
        .get(&url)
        .bearer_auth(&member)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(list[0]["kind"], "pilotage");
    assert_eq!(
        list[0]["seats"][0]["holders"],
        json!(["principal ac-lille fr"])
    );
    assert_eq!(list[0]["seats"][0]["missing"], 1);
    assert_eq!(list[0]["seats"][3]["missing"], 2);
    assert_eq!(list[1]["establishment"], "Collège Victor Hugo");
    assert!(list[1]["space_id"].as_i64().is_some());

    // The page: the missing seats, the space of each group, the coordinator's forms.
    let page = "/territoires/territoire-apprenant-d-arras/groupes";
    let coordinator_page = sign_in(&app, "coordination@ac-lille.fr").await?;
    let seen = text(
        sign_in(&app, "principal@ac-lille.fr")
            .await?
            .get(app.url(page))
            .send()
            .await?,
    )
    .await?;
    assert!(seen.contains("<strong>Personnels de direction</strong> : principal ac-lille fr"));
    assert!(seen.contains("7 place(s) à pourvoir au total."));
    assert!(seen.contains("Le territoire n'a pas encore de groupe opérationnel du réseau."));
    assert!(!seen.contains("Créer une instance ou un groupe"));
    let refused = app
        .submit(
            &coordinator_page,
            page,
            &format!("{page}/{steering}/membres"),
            &[("who", "personne@ac-lille.fr"), ("seat", "ien")],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(refused.contains("Aucun compte personne@ac-lille.fr"));
    assert!(refused.contains("value=\"personne@ac-lille.fr\""));
    let added = app
        .submit(
            &coordinator_page,
            page,
            &format!("{page}/{steering}/membres"),
            &[("who", "Médiathèque d'Arras"), ("seat", "structure")],
        )
        .await?;
    assert!(
        text(added)
            .await?
            .contains("6 place(s) à pourvoir au total.")
    );
    let created = app
        .submit(
            &coordinator_page,
            page,
            page,
            &[
                ("kind", "gt3"),
                ("name", "Reddition des comptes"),
                ("theme", "reddition des comptes"),
            ],
        )
        .await?;
    let created = text(created).await?;
    assert!(created.contains("Le groupe et son espace sont créés."));
    assert!(created.contains("Reddition des comptes"));
    Ok(())
}

#[tokio::test]
async fn a_group_meets_with_an_agenda_a_pad_for_the_minutes_and_its_attendance()
-> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let territory = arras(&app, &[]).await?;
    let (_, coordinator) = staff(
        &app,
        "coordination@ac-lille.fr",
        None,
        territory,
        Some(TerritoryRole::Coordinator),
    )
    .await?;
    let (teacher, member) = staff(
        &app,
        "prof@ac-lille.fr",
        None,
        territory,
        Some(TerritoryRole::Member),
    )
    .await?;
    let (_, other) = staff(
        &app,
        "autre@ac-lille.fr",
        None,
        territory,
        Some(TerritoryRole::Member),
    )
    .await?;
    let (_, outsider) = staff(&app, "ailleurs@ac-lille.fr", None, territory, None).await?;
    let group: Value = app
        .client
        .post(app.url(&format!("/api/v1/territories/{}/groups", territory.0)))
        .bearer_auth(&coordinator)
        .json(&json!({"kind": "gt2", "name": "Groupe de travail 2 — l'oral"}))
        .send()
        .await?
        .json()
        .await?;
    let group = group["id"].as_i64().unwrap_or_default();
    app.client
        .post(app.url(&format!("/api/v1/groups/{group}/members")))
        .bearer_auth(&coordinator)
        .json(&json!({"person_id": teacher.0, "seat": "membre"}))
        .send()
        .await?;
    let meetings = app.url(&format!("/api/v1/groups/{group}/meetings"));
    let body = json!({"title": "Première réunion", "agenda": "1. L'état des lieux\n2. Les objets de travail",
        "video_url": "https://visio.education.fr/reunion/42", "starts_at": at(10, 8), "ends_at": at(10, 10)});
    let plan = |token: &str, body: Value| {
        app.client
            .post(&meetings)
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    // A member of the territory who is not in the group does not plan its meetings.
    assert_eq!(
        plan(&other, body.clone()).await?.status(),
        StatusCode::FORBIDDEN
    );
    let nowhere = json!({"title": "Réunion", "starts_at": at(10, 8), "ends_at": at(10, 10)});
    let nowhere = plan(&member, nowhere).await?;
    assert_eq!(nowhere.status(), StatusCode::BAD_REQUEST);
    let planned = plan(&member, body).await?;
    assert_eq!(planned.status(), StatusCode::CREATED);
    let planned: Value = planned.json().await?;
    let id = planned["id"].as_i64().unwrap_or_default();
    assert!(
        planned["pad_id"].as_i64().is_some(),
        "a pad for the minutes"
    );
    assert_eq!(planned["attendance"][0]["present"], Value::Null);

    let attendance = app.url(&format!("/api/v1/meetings/{id}/attendance"));
    assert_eq!(
        app.client
            .put(&attendance)
            .bearer_auth(&other)
            .json(&json!({"present": [teacher.0]}))
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.client
            .put(&attendance)
            .bearer_auth(&member)
            .json(&json!({"present": [teacher.0 + 99]}))
            .send()
            .await?
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.client
            .put(&attendance)
            .bearer_auth(&member)
            .json(&json!({"present": [teacher.0]}))
            .send()
            .await?
            .status(),
        StatusCode::NO_CONTENT
    );
    let read: Value = app
        .client
        .get(app.url(&format!("/api/v1/meetings/{id}")))
        .bearer_auth(&other)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(read["attendance"][0]["present"], true);
    assert_eq!(
        app.client
            .get(app.url(&format!("/api/v1/meetings/{id}")))
            .bearer_auth(&outsider)
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );

    // The pages: the group lists it; its page links the minutes and the calendar.
    let prof = sign_in(&app, "prof@ac-lille.fr").await?;
    let groups = text(
        prof.get(app.url("/territoires/territoire-apprenant-d-arras/groupes"))
            .send()
            .await?,
    )
    .await?;
    assert!(groups.contains(&format!("<a href=\"/reunions/{id}\">Première réunion</a>")));
    assert!(groups.contains("Planifier une réunion de « Groupe de travail 2 — l'oral »"));
    let other_page = text(
        sign_in(&app, "autre@ac-lille.fr")
            .await?
            .get(app.url("/territoires/territoire-apprenant-d-arras/groupes"))
            .send()
            .await?,
    )
    .await?;
    assert!(!other_page.contains("Planifier une réunion"));
    let page = text(prof.get(app.url(&format!("/reunions/{id}"))).send().await?).await?;
    assert!(page.contains("Compte rendu (pad du groupe)"));
    assert!(page.contains("<li>L'état des lieux</li>"));
    assert!(page.contains("checked"));
    let ics = prof
        .get(app.url(&format!("/reunions/{id}/reunion.ics")))
        .send()
        .await?
        .text()
        .await?;
    assert!(ics.contains("SUMMARY:Groupe de travail 2 — l'oral — Première réunion"));
    let refused = app
        .submit(
            &prof,
            "/territoires/territoire-apprenant-d-arras/groupes",
            &format!("/territoires/territoire-apprenant-d-arras/groupes/{group}/reunions"),
            &[
                ("m_title", "Deuxième réunion"),
                ("m_date", "2027-02-01"),
                ("m_start", "17:00"),
                ("m_end", "16:00"),
                ("m_place", "Collège"),
            ],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(refused.contains("La réunion finit après son début"));
    assert!(refused.contains("value=\"Deuxième réunion\""));
    let created = app
        .submit(
            &prof,
            "/territoires/territoire-apprenant-d-arras/groupes",
            &format!("/territoires/territoire-apprenant-d-arras/groupes/{group}/reunions"),
            &[
                ("m_title", "Deuxième réunion"),
                ("m_date", "2027-02-01"),
                ("m_start", "17:00"),
                ("m_end", "18:30"),
                ("m_place", "Collège"),
            ],
        )
        .await?;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    Ok(())
}

#[tokio::test]
async fn networks_show_who_is_in_year_one_two_and_three() -> anyhow::Result<()> {
    use domain::territories::networks::{school_year, school_year_label};
    let app = TestApp::spawn().await?;
    let team = team(&app).await?;
    let now = school_year(store::now());
    let (coordinator, [(first, member), (second, _)], (_, outsider)) =
        (&team.coordinator.1, &team.members, &team.outsider);
    let url = app.url(&format!(
        "/api/v1/territories/{}/networks",
        team.territory.0
    ));
    let create =
        |token: &str, body: Value| app.client.post(&url).bearer_auth(token).json(&body).send();

    assert_eq!(
        create(member, json!({"name": "Les partages"}))
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let short = create(coordinator, json!({"name": "ab"})).await?;
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    assert!(
        short.json::<Value>().await?["message"]
            .as_str()
            .is_some_and(|m| m.contains("de 3 à 120 caractères"))
    );
    let created: Value = create(
        coordinator,
        json!({"name": "Les partages de l'innovation", "cpc_person_id": second.0}),
    )
    .await?
    .json()
    .await?;
    let network = created["id"].as_i64().unwrap_or_default();

    let members = app.url(&format!("/api/v1/networks/{network}/members"));
    let add = |token: &str, body: Value| {
        app.client
            .post(&members)
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let two_years_ago = school_year_label(now - 2);
    for (token, body, status) in [
        (member, json!({"person_id": first.0}), StatusCode::FORBIDDEN),
        (
            coordinator,
            json!({"person_id": first.0, "joined": two_years_ago}),
            StatusCode::NO_CONTENT,
        ),
        (
            coordinator,
            json!({"person_id": team.coordinator.0.0}),
            StatusCode::NO_CONTENT,
        ),
        (
            coordinator,
            json!({"person_id": team.outsider.0.0, "joined": (now + 1).to_string()}),
            StatusCode::BAD_REQUEST,
        ),
        (
            coordinator,
            json!({"person_id": team.outsider.0.0, "joined": "l'an dernier"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            coordinator,
            json!({"person_id": 9999}),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        assert_eq!(add(token, body).await?.status(), status);
    }
    let list = |token: &str| app.client.get(&url).bearer_auth(token).send();
    assert_eq!(list(outsider).await?.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.client.get(&url).send().await?.status(),
        StatusCode::UNAUTHORIZED
    );
    let seen: Value = list(member).await?.json().await?;
    assert_eq!(seen[0]["school_year"], school_year_label(now));
    assert_eq!(seen[0]["cpc"], "Personne membre2");
    assert_eq!(
        seen[0]["cohorts"],
        json!({"mutualisation": 1, "cpc": 0, "passeur": 1})
    );
    assert_eq!(seen[0]["members"][0]["person_id"], first.0);
    assert_eq!(seen[0]["members"][0]["stage"], "passeur");
    assert_eq!(seen[0]["members"][1]["stage"], "mutualisation");

    let leave = app.url(&format!(
        "/api/v1/networks/{network}/members/{}",
        team.coordinator.0.0
    ));
    assert_eq!(
        app.client
            .delete(&leave)
            .bearer_auth(member)
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.client
            .delete(&leave)
            .bearer_auth(coordinator)
            .send()
            .await?
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.client
            .delete(&leave)
            .bearer_auth(coordinator)
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );

    // The page: the cohorts for the members, the forms for the coordination.
    let page = "/territoires/territoire-apprenant-de-lens/reseaux";
    let seen = text(
        sign_in(&app, "membre1@ac-lille.fr")
            .await?
            .get(app.url(page))
            .send()
            .await?,
    )
    .await?;
    assert!(seen.contains("<strong>Passeurs d'expériences</strong> : Personne membre1."));
    assert!(seen.contains("Accompagné par Personne membre2, conseiller pédagogique."));
    assert!(!seen.contains("Créer un réseau"));
    assert_eq!(
        sign_in(&app, "exterieur@ac-lille.fr")
            .await?
            .get(app.url(page))
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let coordination = sign_in(&app, "coordination@ac-lille.fr").await?;
    let refused = app
        .submit(
            &coordination,
            page,
            &format!("{page}/{network}/membres"),
            &[("who", "membre2@ac-lille.fr"), ("joined", "2090-2091")],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(
        refused.contains("On ne peut pas entrer dans le réseau après l'année scolaire en cours")
    );
    assert!(refused.contains("value=\"2090-2091\""));
    let added = app
        .submit(
            &coordination,
            page,
            &format!("{page}/{network}/membres"),
            &[("who", "membre2@ac-lille.fr"), ("joined", "")],
        )
        .await?;
    let added = text(added).await?;
    assert!(added.contains("Le membre est inscrit dans le réseau."));
    assert!(added.contains("<td>1</td><td>0</td><td>1</td>"));
    let removed = app
        .submit(
            &coordination,
            page,
            &format!("{page}/{network}/membres"),
            &[("action", "retirer"), ("person", &first.0.to_string())],
        )
        .await?;
    let removed = text(removed).await?;
    assert!(removed.contains("Le membre a quitté le réseau."));
    assert!(!removed.contains("Passeurs d'expériences"));
    let made = app
        .submit(
            &coordination,
            page,
            page,
            &[
                ("name", "Réseau des maternelles"),
                ("cpc", "nobody@ac-lille.fr"),
            ],
        )
        .await?;
    assert_eq!(made.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(made)
            .await?
            .contains("value=\"Réseau des maternelles\"")
    );
    Ok(())
}

#[tokio::test]
async fn partners_contacts_and_conventions_with_their_signed_documents() -> anyhow::Result<()> {
    use reqwest::multipart::{Form, Part};
    let app = TestApp::spawn().await?;
    let team = team(&app).await?;
    let (coordinator, member, outsider) =
        (&team.coordinator.1, &team.members[0].1, &team.outsider.1);
    let base = format!("/api/v1/territories/{}", team.territory.0);
    let post = |token: &str, path: String, body: Value| {
        app.client
            .post(app.url(&path))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let partner = json!({"name": "Médiathèque de Lens", "kind": "culture"});
    assert_eq!(
        post(member, format!("{base}/partners"), partner.clone())
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            coordinator,
            format!("{base}/partners"),
            json!({"name": "Club", "kind": "club"})
        )
        .await?
        .status(),
        StatusCode::BAD_REQUEST
    );
    let created: Value = post(coordinator, format!("{base}/partners"), partner)
        .await?
        .json()
        .await?;
    let partner = created["id"].as_i64().unwrap_or_default();
    let contacts = format!("/api/v1/partners/{partner}/contacts");
    let nowhere = post(coordinator, contacts.clone(), json!({"name": "M. Martin"})).await?;
    assert_eq!(nowhere.status(), StatusCode::BAD_REQUEST);
    assert!(
        nowhere.json::<Value>().await?["message"]
            .as_str()
            .is_some_and(|m| m.contains("au moins une adresse électronique ou un téléphone"))
    );
    let contact: Value = post(
        coordinator,
        contacts.clone(),
        json!({"name": "M. Martin", "role": "Directeur", "phone": "03 21 00 00 00"}),
    )
    .await?
    .json()
    .await?;
    let listed: Value = app
        .client
        .get(app.url(&format!("{base}/partners")))
        .bearer_auth(member)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(listed[0]["contacts"][0]["phone"], "03 21 00 00 00");
    assert_eq!(
        app.client
            .get(app.url(&format!("{base}/partners")))
            .bearer_auth(outsider)
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );

    // A convention ending in a month is to renew; renewing moves its end.
    let day =
        |offset: i64| domain::observatories::binome::Period::iso(store::now() / 86_400 + offset);
    let convention = json!({
        "kind": "cteac", "title": "CTEAC du Pas-de-Calais",
        "parties": ["DRAC Hauts-de-France", "Département du Pas-de-Calais"],
        "starts_on": day(-700), "ends_on": day(30)
    });
    assert_eq!(
        post(member, format!("{base}/conventions"), convention.clone())
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let one_party = post(
        coordinator,
        format!("{base}/conventions"),
        json!({"kind": "pedt", "title": "PEDT", "parties": ["Ville de Lens"], "starts_on": day(0), "ends_on": day(300)}),
    )
    .await?;
    assert_eq!(one_party.status(), StatusCode::BAD_REQUEST);
    let created: Value = post(coordinator, format!("{base}/conventions"), convention)
        .await?
        .json()
        .await?;
    assert_eq!(created["to_renew"], true);
    let id = created["id"].as_i64().unwrap_or_default();
    let end = app.url(&format!("/api/v1/conventions/{id}/end"));
    let earlier = app
        .client
        .put(&end)
        .bearer_auth(coordinator)
        .json(&json!({"ends_on": day(10)}))
        .send()
        .await?;
    assert_eq!(earlier.status(), StatusCode::BAD_REQUEST);
    let renewed: Value = app
        .client
        .put(&end)
        .bearer_auth(coordinator)
        .json(&json!({"ends_on": day(760)}))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(renewed["ends_on"], day(760));
    assert_eq!(renewed["to_renew"], false);

    // The signed document: a PDF, not a disguised file; members download it.
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend(std::iter::repeat_n(b'x', 2000));
    let upload = |token: &str, name: &str, bytes: Vec<u8>| {
        app.client
            .post(app.url(&format!("/api/v1/conventions/{id}/documents")))
            .bearer_auth(token)
            .multipart(Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned())))
            .send()
    };
    assert_eq!(
        upload(member, "cteac.pdf", pdf.clone()).await?.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload(coordinator, "cteac.pdf", b"MZ not a pdf".to_vec())
            .await?
            .status(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    assert_eq!(
        upload(coordinator, "cteac.exe", pdf.clone())
            .await?
            .status(),
        StatusCode::BAD_REQUEST
    );
    let saved = upload(coordinator, "CTEAC signé.pdf", pdf.clone()).await?;
    assert_eq!(saved.status(), StatusCode::CREATED);
    let list: Value = app
        .client
        .get(app.url(&format!("{base}/conventions")))
        .bearer_auth(member)
        .send()
        .await?
        .json()
        .await?;
    let url = list[0]["documents"][0]["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let got = app
        .client
        .get(app.url(&url))
        .bearer_auth(member)
        .send()
        .await?;
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await?.len(), pdf.len());
    assert_eq!(
        app.client
            .get(app.url(&url))
            .bearer_auth(outsider)
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );

    // The page: the coordination's forms, what was typed kept on a refusal.
    let page = "/territoires/territoire-apprenant-de-lens/partenaires";
    let seen = text(
        sign_in(&app, "membre1@ac-lille.fr")
            .await?
            .get(app.url(page))
            .send()
            .await?,
    )
    .await?;
    assert!(seen.contains("CTEAC du Pas-de-Calais"));
    assert!(seen.contains("Parties : DRAC Hauts-de-France ; Département du Pas-de-Calais."));
    assert!(seen.contains("CTEAC signé.pdf"));
    assert!(seen.contains("M. Martin, Directeur"));
    assert!(!seen.contains("Enregistrer une convention"));
    let coordination = sign_in(&app, "coordination@ac-lille.fr").await?;
    let refused = app
        .submit(
            &coordination,
            page,
            &format!("{page}/convention"),
            &[
                ("v_kind", "pedt"),
                ("v_title", "PEDT de Lens"),
                ("v_parties", "Ville de Lens\nDSDEN du Pas-de-Calais"),
                ("v_starts", "2026-09-01"),
                ("v_ends", "2026-08-01"),
            ],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(refused.contains("La convention finit après avoir commencé"));
    assert!(refused.contains("value=\"PEDT de Lens\""));
    let contact_id = contact["id"].as_i64().unwrap_or_default().to_string();
    let forgotten = app
        .submit(
            &coordination,
            page,
            &format!("{page}/oubli"),
            &[("contact", &contact_id)],
        )
        .await?;
    let forgotten = text(forgotten).await?;
    assert!(forgotten.contains("Le contact est effacé."));
    assert!(!forgotten.contains("M. Martin"));
    // A document through the page's form; a wrong one is refused with its reason.
    let csrf = app.csrf(&coordination, page).await?;
    let send = |name: &str, bytes: Vec<u8>| {
        coordination
            .post(app.url(&format!(
                "/territoires/territoire-apprenant-de-lens/conventions/{id}/documents"
            )))
            .multipart(
                Form::new()
                    .text("csrf", csrf.clone())
                    .part("file", Part::bytes(bytes).file_name(name.to_owned())),
            )
            .send()
    };
    let wrong = send("avenant.txt", b"texte".to_vec()).await?;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(wrong)
            .await?
            .contains("« avenant.txt » : la convention se joint en PDF, ODT ou DOCX")
    );
    let sent = send("Avenant 2027.pdf", pdf).await?;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        sent.headers().get("location").and_then(|l| l.to_str().ok()),
        Some(format!("{page}#convention-{id}").as_str())
    );
    let seen = text(coordination.get(app.url(page)).send().await?).await?;
    assert!(seen.contains("Avenant 2027.pdf"));
    // The link the page prints opens the document (it answered 500 once).
    let link = seen
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.contains(&format!("/conventions/{id}/documents/")))
        .ok_or_else(|| anyhow::anyhow!("no document link in the page"))?
        .to_owned();
    let document = coordination.get(app.url(&link)).send().await?;
    assert_eq!(document.status(), StatusCode::OK, "{link}");
    assert!(
        document
            .headers()
            .get("content-disposition")
            .and_then(|d| d.to_str().ok())
            .is_some_and(|d| d.starts_with("inline") && d.contains(".pdf")),
        "{:?}",
        document.headers()
    );
    assert!(document.bytes().await?.starts_with(b"%PDF"));
    // The same document under another territory's address does not exist.
    let elsewhere = link.replace("territoire-apprenant-de-lens", "un-autre-territoire");
    assert_eq!(
        coordination.get(app.url(&elsewhere)).send().await?.status(),
        StatusCode::NOT_FOUND
    );
    Ok(())
}

#[tokio::test]
async fn a_students_day_in_charge_is_offered_to_peers_as_a_cross_observation() -> anyhow::Result<()>
{
    let app = TestApp::spawn().await?;
    let team = team(&app).await?;
    let student = app
        .create_person(
            "etudiante@inspe-lille.fr",
            Function::EtudiantMeef,
            PASSWORD,
            false,
        )
        .await?;
    let coordinator = &team.coordinator.1;
    let [(host, host_token), (peer, peer_token)] = &team.members;
    let base = format!("/api/v1/territories/{}", team.territory.0);
    let day =
        |offset: i64| domain::observatories::binome::Period::iso(store::now() / 86_400 + offset);
    let place = |token: &str, student: i64, host: i64, on: String, kind: &str| {
        app.client
            .post(app.url(&format!("{base}/inspe-days")))
            .bearer_auth(token)
            .json(&json!({"student_id": student, "host_id": host, "day": on, "kind": kind}))
            .send()
    };
    let message = |r: reqwest::Response| async move {
        Ok::<_, anyhow::Error>(
            r.json::<Value>().await?["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    assert_eq!(
        place(host_token, student.0, host.0, day(7), "observation")
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let not_a_student = place(coordinator, peer.0, host.0, day(7), "observation").await?;
    assert_eq!(not_a_student.status(), StatusCode::BAD_REQUEST);
    assert!(
        message(not_a_student)
            .await?
            .contains("n'a pas un compte d'étudiant M1 MEEF")
    );
    let outside = place(
        coordinator,
        student.0,
        team.outsider.0.0,
        day(7),
        "observation",
    )
    .await?;
    assert!(
        message(outside)
            .await?
            .contains("n'est pas un enseignant membre du territoire")
    );
    let too_soon = place(coordinator, student.0, host.0, day(14), "responsabilite").await?;
    assert_eq!(too_soon.status(), StatusCode::BAD_REQUEST);
    assert!(
        message(too_soon)
            .await?
            .contains("après au moins une journée d'observation")
    );
    for (offset, kind, status) in [
        (7, "observation", StatusCode::CREATED),
        (14, "responsabilite", StatusCode::CREATED),
        (7, "observation", StatusCode::CONFLICT),
        (21, "stage", StatusCode::BAD_REQUEST),
    ] {
        assert_eq!(
            place(coordinator, student.0, host.0, day(offset), kind)
                .await?
                .status(),
            status
        );
    }

    let freed: Value = app
        .client
        .get(app.url(&format!("{base}/freed-days")))
        .bearer_auth(peer_token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(freed.as_array().map(Vec::len), Some(1));
    assert_eq!(freed[0]["day"], day(14));
    assert_eq!(freed[0]["welcomed_by"], Value::Null);
    let take = |token: &str, on: String| {
        app.client
            .post(app.url(&format!("{base}/cross-observations")))
            .bearer_auth(token)
            .json(&json!({"host_id": host.0, "day": on}))
            .send()
    };
    for (token, on, status) in [
        (host_token.as_str(), day(14), StatusCode::BAD_REQUEST),
        (team.outsider.1.as_str(), day(14), StatusCode::FORBIDDEN),
        (peer_token.as_str(), day(7), StatusCode::NOT_FOUND),
        (peer_token.as_str(), day(14), StatusCode::NO_CONTENT),
        (coordinator.as_str(), day(14), StatusCode::CONFLICT),
    ] {
        assert_eq!(take(token, on).await?.status(), status);
    }

    // The page: the student, now of the territory, sees their days; the peers the freed days.
    let page = "/territoires/territoire-apprenant-de-lens/inspe";
    let seen = text(
        sign_in(&app, "etudiante@inspe-lille.fr")
            .await?
            .get(app.url(page))
            .send()
            .await?,
    )
    .await?;
    assert!(seen.contains("Journée de mise en responsabilité"));
    assert!(seen.contains("Personne membre2 l'accueille dans la sienne."));
    assert!(!seen.contains("Je l'accueille dans ma classe"));
    let coordination = sign_in(&app, "coordination@ac-lille.fr").await?;
    let refused = app
        .submit(
            &coordination,
            page,
            &format!("{page}/journees"),
            &[
                ("student", "inconnue@inspe-lille.fr"),
                ("host", "membre1@ac-lille.fr"),
                ("day", &day(28)),
                ("kind", "observation"),
            ],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused = text(refused).await?;
    assert!(refused.contains("Aucun compte inconnue@inspe-lille.fr"));
    assert!(refused.contains("value=\"membre1@ac-lille.fr\""));
    let placed = app
        .submit(
            &coordination,
            page,
            &format!("{page}/journees"),
            &[
                ("student", "etudiante@inspe-lille.fr"),
                ("host", "membre1@ac-lille.fr"),
                ("day", &day(28)),
                ("kind", "responsabilite"),
            ],
        )
        .await?;
    assert!(text(placed).await?.contains("La journée est enregistrée"));
    let peer_page = sign_in(&app, "membre2@ac-lille.fr").await?;
    let offered = text(peer_page.get(app.url(page)).send().await?).await?;
    assert!(offered.contains("Je l'accueille dans ma classe"));
    let later = (store::now() / 86_400 + 28).to_string();
    let welcomed = app
        .submit(
            &peer_page,
            page,
            &format!("{page}/accueil"),
            &[("host", &host.0.to_string()), ("day", &later)],
        )
        .await?;
    let welcomed = text(welcomed).await?;
    assert!(welcomed.contains("vous accueillez votre collègue ce jour-là"));
    assert!(!welcomed.contains("Je l'accueille dans ma classe"));
    Ok(())
}

/// A territory made by an administrator is staffed from nothing: the administrator names its
/// coordination, which gives and takes roles (member, reader) through the API and the page;
/// each person is told; a reader follows without contributing; the last coordinator stays;
/// nobody else changes anything, and bad input is refused in French.
#[tokio::test]
async fn a_new_territory_is_staffed_by_its_coordination() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let territory = arras(&app, &["0620001P", "0620100X"]).await?;
    let admin = app
        .create_person(
            "admin@ac-lille.fr",
            Function::ChargeDeMission,
            PASSWORD,
            true,
        )
        .await?;
    let admin = store::accounts::create_api_token(&app.db, admin).await?;
    let (head, head_token) = staff(
        &app,
        "principale@ac-lille.fr",
        Some("0620100X"),
        territory,
        None,
    )
    .await?;
    let (teacher, teacher_token) =
        staff(&app, "prof@ac-lille.fr", Some("0620100X"), territory, None).await?;
    let (_, ien_token) = staff(&app, "ien@ac-lille.fr", None, territory, None).await?;
    let (_, outsider) = staff(&app, "ailleurs@ac-lille.fr", None, territory, None).await?;
    let members = app.url(&format!("/api/v1/territories/{}/members", territory.0));
    let post = |token: &str, email: &str, role: &str| {
        app.client
            .post(&members)
            .bearer_auth(token)
            .json(&json!({"email": email, "role": role}))
            .send()
    };

    // Nobody but an administrator staffs a territory with no coordination yet.
    for token in [&head_token, &teacher_token, &outsider] {
        let refused = post(token, "principale@ac-lille.fr", "coordinator").await?;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
    let named = post(&admin, "principale@ac-lille.fr", "coordinator").await?;
    assert_eq!(named.status(), StatusCode::CREATED);
    let again = post(&admin, "PRINCIPALE@ac-lille.fr", "coordinator").await?;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "the same role twice changes nothing"
    );

    // The coordination seats a member and a reader.
    assert_eq!(
        post(&head_token, "prof@ac-lille.fr", "member")
            .await?
            .status(),
        StatusCode::CREATED
    );
    let listed: Value = post(&head_token, "ien@ac-lille.fr", "reader")
        .await?
        .json()
        .await?;
    let roles: Vec<(String, String)> = listed
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            (
                m["email"].as_str().unwrap_or_default().to_owned(),
                m["role"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            (
                "principale@ac-lille.fr".to_owned(),
                "coordinator".to_owned()
            ),
            ("prof@ac-lille.fr".to_owned(), "member".to_owned()),
            ("ien@ac-lille.fr".to_owned(), "reader".to_owned()),
        ]
    );
    // Each was told, with a link to the territory.
    let told = testkit::find_text(&app.db, "Vous coordonnez désormais le territoire").await?;
    assert_eq!(told.len(), 1, "{told:?}");
    let notes = store::practices::notifications(&app.db, teacher, 10).await?;
    assert!(
        notes.iter().any(|n| n
            .message
            .contains("Vous êtes membre du territoire « Territoire apprenant d'Arras »")
            && n.link == "/territoires/territoire-apprenant-d-arras"),
        "{notes:?}"
    );

    // Members read the list; a member does not change it; strangers do not read it.
    let read = |token: &str| app.client.get(&members).bearer_auth(token).send();
    assert_eq!(read(&teacher_token).await?.status(), StatusCode::OK);
    assert_eq!(read(&outsider).await?.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        post(&teacher_token, "ailleurs@ac-lille.fr", "member")
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    let missing = app
        .client
        .get(app.url("/api/v1/territories/999999/members"))
        .bearer_auth(&admin)
        .send()
        .await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // Bad input, in French.
    for (email, role, expected) in [
        ("prof@ac-lille.fr", "chef", "Rôle inconnu : « chef »"),
        (
            "personne@ac-lille.fr",
            "member",
            "Aucun compte personne@ac-lille.fr",
        ),
        (
            "pas une adresse",
            "member",
            "n'est pas une adresse électronique",
        ),
    ] {
        let refused = post(&head_token, email, role).await?;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{email} {role}");
        let body: Value = refused.json().await?;
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains(expected)),
            "{body}"
        );
    }

    // A reader follows the launch but does not write in it; a member does.
    let ien = sign_in(&app, "ien@ac-lille.fr").await?;
    let launch = ien
        .get(app.url("/territoires/territoire-apprenant-d-arras/lancement"))
        .send()
        .await?;
    assert_eq!(launch.status(), StatusCode::OK);
    let item = json!({"uai": "0620100X", "kind": "difficulty", "scope": "common", "text": "La lecture à voix haute"});
    let items = app.url(&format!(
        "/api/v1/territories/{}/inventory-items",
        territory.0
    ));
    let refused = app
        .client
        .post(&items)
        .bearer_auth(&ien_token)
        .json(&item)
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let written = app
        .client
        .post(&items)
        .bearer_auth(&teacher_token)
        .json(&item)
        .send()
        .await?;
    assert_eq!(
        written.status(),
        StatusCode::CREATED,
        "{}",
        written.text().await?
    );

    // The last coordinator keeps the role, whoever tries.
    let demoted = post(&head_token, "principale@ac-lille.fr", "member").await?;
    assert_eq!(demoted.status(), StatusCode::CONFLICT);
    let gone = app
        .client
        .delete(format!("{members}/{}", head.0))
        .bearer_auth(&admin)
        .send()
        .await?;
    assert_eq!(gone.status(), StatusCode::CONFLICT);
    let body: Value = gone.json().await?;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("au moins une personne à sa coordination")),
        "{body}"
    );

    // The coordination takes a member out: told, and out of the territory's work.
    let out = app
        .client
        .delete(format!("{members}/{}", teacher.0))
        .bearer_auth(&head_token)
        .send()
        .await?;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let again = app
        .client
        .delete(format!("{members}/{}", teacher.0))
        .bearer_auth(&head_token)
        .send()
        .await?;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert_eq!(read(&teacher_token).await?.status(), StatusCode::FORBIDDEN);
    let notes = store::practices::notifications(&app.db, teacher, 10).await?;
    assert!(
        notes
            .iter()
            .any(|n| n.message.contains("Vous ne faites plus partie")),
        "{notes:?}"
    );

    // The page: linked from the territory's, the same rules, a refused form keeps its input.
    let principal = sign_in(&app, "principale@ac-lille.fr").await?;
    let territory_page = text(
        principal
            .get(app.url("/territoires/territoire-apprenant-d-arras"))
            .send()
            .await?,
    )
    .await?;
    assert!(territory_page.contains("href=\"/territoires/territoire-apprenant-d-arras/membres\""));
    let refused = app
        .submit(
            &principal,
            "/territoires/territoire-apprenant-d-arras/membres",
            "/territoires/territoire-apprenant-d-arras/membres",
            &[("email", "inconnue@ac-lille.fr"), ("role", "reader")],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let page = text(refused).await?;
    assert!(
        page.contains("Aucun compte pour inconnue@ac-lille.fr : donnez son nom et sa fonction")
            && page.contains("value=\"inconnue@ac-lille.fr\""),
        "{page}"
    );
    let seated = app
        .submit(
            &principal,
            "/territoires/territoire-apprenant-d-arras/membres",
            "/territoires/territoire-apprenant-d-arras/membres",
            &[("email", "prof@ac-lille.fr"), ("role", "member")],
        )
        .await?;
    assert_eq!(seated.status(), StatusCode::OK);
    assert!(text(seated).await?.contains("La personne est prévenue"));
    let teacher_page = sign_in(&app, "prof@ac-lille.fr").await?;
    let list = text(
        teacher_page
            .get(app.url("/territoires/territoire-apprenant-d-arras/membres"))
            .send()
            .await?,
    )
    .await?;
    assert!(
        list.contains("Lecture seule") && !list.contains("Donner ce rôle"),
        "members read, only the coordination acts"
    );
    let stranger = sign_in(&app, "ailleurs@ac-lille.fr").await?;
    let refused = stranger
        .get(app.url("/territoires/territoire-apprenant-d-arras/membres"))
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    Ok(())
}

/// The creation form, without JavaScript: searching the directory keeps everything typed and
/// the establishments ticked; a refusal makes nothing and keeps the form; only administrators
/// reach it; the coordination named is appointed and told.
#[tokio::test]
async fn an_administrator_creates_a_territory_from_the_form() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.import(&sample_annuaire()).await?;
    app.create_person(
        "admin@ac-lille.fr",
        Function::ChargeDeMission,
        PASSWORD,
        true,
    )
    .await?;
    let head = app
        .create_person("principale@ac-lille.fr", Function::Perdir, PASSWORD, false)
        .await?;
    let teacher = sign_in(&app, "principale@ac-lille.fr").await?;
    let refused = teacher.get(app.url("/territoires/nouveau")).send().await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let list = text(teacher.get(app.url("/territoires")).send().await?).await?;
    assert!(!list.contains("/territoires/nouveau"));

    let admin = sign_in(&app, "admin@ac-lille.fr").await?;
    let list = text(admin.get(app.url("/territoires")).send().await?).await?;
    assert!(list.contains("href=\"/territoires/nouveau\""));
    let form = |extra: &[(&'static str, &'static str)]| {
        let mut fields = vec![
            ("name", "Territoire apprenant d'Arras"),
            ("description", "Écoles et collège"),
        ];
        fields.extend_from_slice(extra);
        fields
    };
    let searched = app
        .submit(
            &admin,
            "/territoires/nouveau",
            "/territoires/nouveau",
            &form(&[("q", "Arras"), ("uai", "0620001P"), ("action", "chercher")]),
        )
        .await?;
    assert_eq!(searched.status(), StatusCode::OK);
    let page = text(searched).await?;
    assert!(
        page.contains("value=\"Territoire apprenant d&#x27;Arras\"")
            || page.contains("value=\"Territoire apprenant d'Arras\""),
        "{page}"
    );
    assert!(
        page.contains("name=\"uai\" value=\"0620001P\" checked"),
        "the ticked one stays ticked"
    );
    assert!(
        page.matches("name=\"uai\"").count() >= 2,
        "the search offers others"
    );
    assert!(
        page.contains("data-place=\"50.29,2.77\""),
        "placed for the map"
    );
    // On the map: the open establishments of the zone shown, placed, the ticked one kept.
    let zone = app
        .submit(
            &admin,
            "/territoires/nouveau",
            "/territoires/nouveau",
            &form(&[
                ("zone", "50.25,2.70,50.32,2.80"),
                ("uai", "0620001P"),
                ("action", "zone"),
            ]),
        )
        .await?;
    assert_eq!(zone.status(), StatusCode::OK);
    let page = text(zone).await?;
    for (uai, listed) in [
        ("0620001P", true),
        ("0620002R", true),
        ("0620100X", true),
        ("0620102Z", false),
        ("0630001J", false),
    ] {
        assert_eq!(
            page.contains(&format!("value=\"{uai}\"")),
            listed,
            "{uai}: {page}"
        );
    }
    assert!(page.contains("name=\"uai\" value=\"0620001P\" checked"));
    // A zone that is not one (or empty) lists nothing, and says so.
    for bad in ["", "nord", "50.3,2.8,50.2,2.7", "NaN,1,2,3", "1e999,0,1,1"] {
        let answer = app
            .submit(
                &admin,
                "/territoires/nouveau",
                "/territoires/nouveau",
                &form(&[("zone", bad), ("action", "zone")]),
            )
            .await?;
        assert_eq!(answer.status(), StatusCode::OK, "{bad}");
        assert!(
            text(answer)
                .await?
                .contains("Aucun établissement dans la zone affichée"),
            "{bad}"
        );
    }

    let unknown = app
        .submit(
            &admin,
            "/territoires/nouveau",
            "/territoires/nouveau",
            &form(&[
                ("uai", "0620001P"),
                ("coordination", "personne@ac-lille.fr"),
            ]),
        )
        .await?;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    let page = text(unknown).await?;
    assert!(
        page.contains("Aucun compte personne@ac-lille.fr")
            && page.contains("value=\"personne@ac-lille.fr\""),
        "{page}"
    );
    assert!(
        store::territories::list(&app.db).await?.is_empty(),
        "nothing made"
    );

    let created = app
        .submit(
            &admin,
            "/territoires/nouveau",
            "/territoires/nouveau",
            &form(&[
                ("uai", "0620001P"),
                ("uai", "0620100X"),
                ("coordination", "principale@ac-lille.fr"),
                ("action", "creer"),
            ]),
        )
        .await?;
    assert_eq!(
        testkit::location(&created),
        "/territoires/territoire-apprenant-d-arras"
    );
    let made = store::territories::summary(&app.db, "territoire-apprenant-d-arras").await?;
    assert_eq!((made.establishments, made.members), (2, 1));
    assert_eq!(
        store::territories::role_of(&app.db, domain::ids::TerritoryId(made.id), head).await?,
        Some(TerritoryRole::Coordinator)
    );
    let told = store::practices::notifications(&app.db, head, 5).await?;
    assert!(told.iter().any(|n| {
        n.message
            .contains("Vous coordonnez désormais le territoire « Territoire apprenant d'Arras »")
    }));
    let twice = app
        .submit(
            &admin,
            "/territoires/nouveau",
            "/territoires/nouveau",
            &form(&[("action", "creer")]),
        )
        .await?;
    assert_eq!(twice.status(), StatusCode::BAD_REQUEST);
    let page = text(twice).await?;
    assert!(page.contains("porte déjà le nom"), "{page}");
    Ok(())
}

/// The académie's steering makes territories of its own académie's establishments: an IA-IPR
/// of Lille gathers schools of the Pas-de-Calais, not one of the Puy-de-Dôme; a teacher of the
/// same académie makes none.
#[tokio::test]
async fn the_academie_s_steering_makes_territories_of_its_academie() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    app.import(&sample_annuaire()).await?;
    // Both of the académie de Lille (`09`).
    let ia_ipr = testkit::create_staff(
        &app.db,
        "ia-ipr@ac-lille.fr",
        Function::IaIpr,
        Some(PASSWORD),
        None,
        None,
    )
    .await?;
    let teacher = testkit::create_staff(
        &app.db,
        "prof@ac-lille.fr",
        Function::Enseignant1d,
        Some(PASSWORD),
        Some("0620001P"),
        None,
    )
    .await?;
    let ia_ipr = store::accounts::create_api_token(&app.db, ia_ipr).await?;
    let teacher = store::accounts::create_api_token(&app.db, teacher).await?;
    let create = |token: &str, name: &str, uais: &[&str]| {
        app.client
            .post(app.url("/api/v1/territories"))
            .bearer_auth(token)
            .json(&json!({"name": name, "uais": uais}))
            .send()
    };
    let refused = create(&teacher, "Territoire de l'enseignant", &["0620001P"]).await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let elsewhere = create(&ia_ipr, "Territoire d'ailleurs", &["0620001P", "0630001J"]).await?;
    assert_eq!(elsewhere.status(), StatusCode::BAD_REQUEST);
    let body: Value = elsewhere.json().await?;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("établissements de son académie")),
        "{body}"
    );
    let empty = create(&ia_ipr, "Territoire vide", &[]).await?;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    assert!(
        store::territories::list(&app.db).await?.is_empty(),
        "nothing made"
    );
    let made = create(
        &ia_ipr,
        "Territoire apprenant d'Arras",
        &["0620001P", "0620100X"],
    )
    .await?;
    assert_eq!(made.status(), StatusCode::CREATED);

    // The list offers the form to the steering, not to the teacher.
    let steering = sign_in(&app, "ia-ipr@ac-lille.fr").await?;
    assert!(
        text(steering.get(app.url("/territoires")).send().await?)
            .await?
            .contains("href=\"/territoires/nouveau\"")
    );
    assert_eq!(
        steering
            .get(app.url("/territoires/nouveau"))
            .send()
            .await?
            .status(),
        StatusCode::OK
    );
    let prof = sign_in(&app, "prof@ac-lille.fr").await?;
    assert_eq!(
        prof.get(app.url("/territoires/nouveau"))
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    Ok(())
}

/// Each field of the creation and members forms at its worst: far too long, a flood of
/// establishments that do not exist, a search of 100,000 characters. Every one is refused in
/// French with the form kept (or, for the search, answered), and nothing is made.
#[tokio::test]
async fn the_territory_forms_hold_their_worst_input() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let territory = arras(&app, &["0620001P"]).await?;
    app.create_person(
        "admin@ac-lille.fr",
        Function::ChargeDeMission,
        PASSWORD,
        true,
    )
    .await?;
    let admin = sign_in(&app, "admin@ac-lille.fr").await?;
    let long = "a".repeat(10_000);
    let description = "d".repeat(5_001);
    let junk: Vec<String> = (0..500).map(|i| format!("{i:07}Z")).collect();
    let mut flood: Vec<(&str, &str)> = vec![("name", "Territoire du Ternois"), ("action", "creer")];
    flood.extend(junk.iter().map(|u| ("uai", u.as_str())));
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("name", long.as_str()), ("action", "creer")],
            "entre 3 et 120 caractères",
        ),
        (
            vec![
                ("name", "Territoire du Ternois"),
                ("description", description.as_str()),
                ("action", "creer"),
            ],
            "5 000 caractères",
        ),
        (
            vec![
                ("name", "Territoire du Ternois"),
                ("coordination", long.as_str()),
                ("action", "creer"),
            ],
            "est pas une adresse électronique",
        ),
        (flood, "absent(s) de l"),
    ];
    for (fields, expected) in cases {
        let refused = app
            .submit(
                &admin,
                "/territoires/nouveau",
                "/territoires/nouveau",
                &fields,
            )
            .await?;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        let page = text(refused).await?;
        assert!(page.contains(expected), "{expected}");
    }
    assert_eq!(
        store::territories::list(&app.db).await?.len(),
        1,
        "nothing more made"
    );
    let search = "Arras ".repeat(20_000);
    let searched = app
        .submit(
            &admin,
            "/territoires/nouveau",
            "/territoires/nouveau",
            &[("q", search.as_str()), ("action", "chercher")],
        )
        .await?;
    assert_eq!(searched.status(), StatusCode::OK);

    // The members form: an address and a role far too long.
    let members = "/territoires/territoire-apprenant-d-arras/membres";
    for (email, role) in [
        (long.as_str(), "member"),
        ("admin@ac-lille.fr", long.as_str()),
    ] {
        let refused = app
            .submit(
                &admin,
                members,
                members,
                &[("email", email), ("role", role)],
            )
            .await?;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    }
    assert!(
        store::territories::roster(&app.db, territory)
            .await?
            .is_empty()
    );
    Ok(())
}

#[tokio::test]
async fn the_staff_join_on_request_or_at_once_and_others_are_invited_by_mail() -> anyhow::Result<()>
{
    let app = TestApp::spawn().await?;
    let territory = arras(&app, &["0620001P", "0620100X"]).await?;
    staff(
        &app,
        "coordination@ac-lille.fr",
        Some("0620100X"),
        territory,
        Some(TerritoryRole::Coordinator),
    )
    .await?;
    let (teacher, _) = staff(&app, "prof@ac-lille.fr", Some("0620001P"), territory, None).await?;
    staff(&app, "autre@ac-lille.fr", Some("0620101Y"), territory, None).await?;
    staff(
        &app,
        "second@ac-lille.fr",
        Some("0620100X"),
        territory,
        None,
    )
    .await?;
    let page = "/territoires/territoire-apprenant-d-arras";
    let members = format!("{page}/membres");
    let coordination = sign_in(&app, "coordination@ac-lille.fr").await?;
    let prof = sign_in(&app, "prof@ac-lille.fr").await?;
    let other = sign_in(&app, "autre@ac-lille.fr").await?;

    // Someone of another establishment is offered nothing, and may not join by hand.
    let seen = text(other.get(app.url(page)).send().await?).await?;
    assert!(!seen.contains("rejoindre"), "{seen}");
    let refused = app
        .submit(&other, page, &format!("{page}/rejoindre"), &[])
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(refused)
            .await?
            .contains("Seul le personnel des établissements du territoire le rejoint ainsi")
    );

    // A teacher of one of its écoles asks; the coordination is told, sees and accepts.
    let seen = text(prof.get(app.url(page)).send().await?).await?;
    assert!(
        seen.contains("Demander à rejoindre le territoire"),
        "{seen}"
    );
    let asked = app
        .submit(&prof, page, &format!("{page}/rejoindre"), &[])
        .await?;
    assert_eq!(testkit::location(&asked), page);
    let waiting = text(prof.get(app.url(page)).send().await?).await?;
    assert!(waiting.contains("Votre demande pour rejoindre le territoire attend"));
    assert!(
        !waiting.contains("Lancement du territoire"),
        "not a member yet"
    );
    let told = text(coordination.get(app.url("/notifications")).send().await?).await?;
    assert!(
        told.contains("demande à rejoindre le territoire « Territoire apprenant d'Arras »"),
        "{told}"
    );
    let list = text(coordination.get(app.url(&members)).send().await?).await?;
    assert!(list.contains("Demandes d'adhésion en attente"));
    assert!(list.contains("prof ac-lille fr"), "{list}");
    // Only the coordination answers.
    let answer = format!("{members}/demandes/{}/accepter", teacher.0);
    let second = sign_in(&app, "second@ac-lille.fr").await?;
    assert_ne!(
        app.submit(&second, page, &answer, &[]).await?.status(),
        StatusCode::OK
    );
    let accepted = app.submit(&coordination, &members, &answer, &[]).await?;
    assert_eq!(accepted.status(), StatusCode::OK);
    assert!(text(accepted).await?.contains("La demande est acceptée"));
    assert_eq!(
        store::territories::role_of(&app.db, territory, teacher).await?,
        Some(TerritoryRole::Member)
    );
    let member_page = text(prof.get(app.url(page)).send().await?).await?;
    assert!(member_page.contains("Lancement du territoire"));
    assert!(!member_page.contains("rejoindre le territoire"));
    // Answered once: answering again finds nothing.
    assert_eq!(
        app.submit(&coordination, &members, &answer, &[])
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );

    // Opened to its staff, a colleague joins at once; the coordination is told.
    let opened = app
        .submit(
            &coordination,
            &members,
            &format!("{members}/ouverture"),
            &[("ouvert", "oui")],
        )
        .await?;
    assert!(
        text(opened)
            .await?
            .contains("le rejoint désormais sans demande")
    );
    let seen = text(second.get(app.url(page)).send().await?).await?;
    assert!(seen.contains(">Rejoindre le territoire</button>"), "{seen}");
    app.submit(&second, page, &format!("{page}/rejoindre"), &[])
        .await?;
    let second_page = text(second.get(app.url(page)).send().await?).await?;
    assert!(second_page.contains("Lancement du territoire"));
    let told = text(coordination.get(app.url("/notifications")).send().await?).await?;
    assert!(
        told.contains("second ac-lille fr a rejoint le territoire"),
        "{told}"
    );

    // Someone without an account: the name is asked for, then an invitation is mailed whose
    // link opens an account already in the territory, with the role chosen.
    let bare = app
        .submit(
            &coordination,
            &members,
            &members,
            &[
                ("email", "nouvelle@ac-lille.fr"),
                ("role", "reader"),
                ("name", ""),
                ("function", "ien"),
            ],
        )
        .await?;
    assert_eq!(bare.status(), StatusCode::BAD_REQUEST);
    let bare = text(bare).await?;
    assert!(
        bare.contains("Aucun compte pour nouvelle@ac-lille.fr : donnez son nom et sa fonction"),
        "{bare}"
    );
    assert!(bare.contains("value=\"nouvelle@ac-lille.fr\""));
    // The worst of each field: refused in French, nothing mailed.
    let long = "N".repeat(10_000);
    for (name, function) in [
        (long.as_str(), "ien"),
        ("Nadia Nouvelle", "inspectrice"),
        ("\u{0}", "ien"),
    ] {
        let refused = app
            .submit(
                &coordination,
                &members,
                &members,
                &[
                    ("email", "nouvelle@ac-lille.fr"),
                    ("role", "reader"),
                    ("name", name),
                    ("function", function),
                ],
            )
            .await?;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{function}");
        assert!(
            app.newest_mail_to("nouvelle@ac-lille.fr").is_err(),
            "nothing mailed"
        );
    }
    let invited = app
        .submit(
            &coordination,
            &members,
            &members,
            &[
                ("email", "nouvelle@ac-lille.fr"),
                ("role", "reader"),
                ("name", "Nadia Nouvelle"),
                ("function", "ien"),
            ],
        )
        .await?;
    assert_eq!(invited.status(), StatusCode::OK);
    assert!(
        text(invited)
            .await?
            .contains("Invitation envoyée à nouvelle@ac-lille.fr")
    );
    let mail = app.newest_mail_to("nouvelle@ac-lille.fr")?;
    assert!(mail.contains("rejoindre le territoire apprenant"), "{mail}");
    let start = mail
        .find("/invitation/")
        .ok_or_else(|| anyhow::anyhow!("no link in {mail}"))?;
    let path = mail[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let nadia = testkit::client()?;
    let welcome = text(nadia.get(app.url(&path)).send().await?).await?;
    assert!(welcome.contains("Territoire apprenant d"), "{welcome}");
    let created = app
        .submit(
            &nadia,
            &path,
            &path,
            &[("password", PASSWORD), ("confirmation", PASSWORD)],
        )
        .await?;
    assert!(created.status().is_redirection());
    let (person, _) = store::accounts::by_email(
        &app.db,
        &domain::accounts::Email::parse("nouvelle@ac-lille.fr")?,
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("no account"))?;
    assert_eq!(person.function, "ien");
    assert_eq!(
        store::territories::role_of(&app.db, territory, person.id()).await?,
        Some(TerritoryRole::Reader)
    );
    Ok(())
}
