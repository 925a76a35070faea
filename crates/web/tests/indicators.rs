//! The indicators through HTTP, on the database `TERRITOIRE_TEST_POSTGRES` chooses: the
//! platform's metrics against counts made by hand, visits hidden below five, the strategic
//! project written by its steering (and by no one else), values entered by hand with their
//! source, targets, trends, the exports (CSV, ODS, PDF) and the collaboration network.

use std::io::Read;

use domain::accounts::Function;
use domain::policy::TerritoryRole;
use domain::territories::NewTerritory;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::{TestApp, client, text};

const PASSWORD: &str = "une phrase de passe solide";

struct Scene {
    app: TestApp,
    marie: String,
    marie_id: i64,
    territory: i64,
}

async fn sql(app: &TestApp, statement: &str) -> anyhow::Result<()> {
    testkit::execute(&app.db, statement).await?;
    Ok(())
}

/// The sample directory; « Arrageois » holds the three Arras establishments (the école
/// 0620001P, the maternelle 0620002R, the collège 0620100X); Marie teaches at the école, Paul
/// at the collège, Jeanne in Clermont-Ferrand. This month:
/// - practices: two of Marie's published (at her école), one private, one of Jeanne's;
/// - Paul tried one of Marie's at his collège (a collaboration école–collège);
/// - a teacher network in the territory, a working group that met last week;
/// - three visits asked for at the école, none done;
/// - two training needs expressed by Marie for the territory;
/// - a blog post by Marie in the territory's space.
async fn scene() -> anyhow::Result<Scene> {
    let app = TestApp::spawn().await?;
    app.import(&testkit::sample_annuaire()).await?;
    let (marie_id, marie) =
        testkit::teacher_with_token(&app.db, "marie@ac-lille.fr", PASSWORD, "0620001P").await?;
    let (paul_id, _) =
        testkit::teacher_with_token(&app.db, "paul@ac-lille.fr", PASSWORD, "0620100X").await?;
    let (_, jeanne) =
        testkit::teacher_with_token(&app.db, "jeanne@ac-clermont.fr", PASSWORD, "0630001J").await?;
    let territory = store::territories::create(
        &app.db,
        &NewTerritory::parse("Arrageois", "Les établissements d'Arras")
            .map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )
    .await?;
    let mut ids = Vec::new();
    for uai in ["0620001P", "0620002R", "0620100X"] {
        ids.extend(store::directory::id_of(&app.db, &domain::directory::Uai::parse(uai)?).await?);
    }
    store::territories::add_establishments(&app.db, territory, &ids).await?;
    store::territories::set_member(&app.db, territory, marie_id, TerritoryRole::Member).await?;
    let practice = |token: String, body: Value| {
        let app = &app;
        async move {
            let answer: Value = app
                .client
                .post(app.url("/api/v1/practices"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await?
                .json()
                .await?;
            answer["id"]
                .as_i64()
                .ok_or_else(|| anyhow::anyhow!("{answer}"))
        }
    };
    let published = |title: &str, visibility: &str| json!({"title": title, "summary": "Une pratique.", "visibility": visibility, "status": "published", "establishments": ["0620001P"]});
    let debates = practice(marie.clone(), published("Débats philosophiques", "public")).await?;
    practice(
        marie.clone(),
        published("Rituels de calcul mental", "platform"),
    )
    .await?;
    practice(marie.clone(), published("Carnet personnel", "private")).await?;
    practice(jeanne, json!({"title": "Lecture à voix haute", "summary": "Oral.", "visibility": "public", "status": "published"})).await?;
    store::practices::add_trial(
        &app.db,
        domain::ids::PracticeId(debates),
        paul_id,
        &store::practices::NewTrial {
            establishment: Some(domain::directory::Uai::parse("0620100X")?),
            tried_on: time::OffsetDateTime::now_utc().date(),
            adaptations: String::new(),
            outcome: "Les élèves ont adoré.".to_owned(),
        },
    )
    .await?;
    let now = store::now();
    let t = territory.0;
    sql(&app, &format!("INSERT INTO teacher_networks (territory_id, name, created_at) VALUES ({t}, 'Réseau des CM2', {now})")).await?;
    sql(&app, &format!("INSERT INTO territory_groups (id, territory_id, kind, name, created_at) VALUES (1, {t}, 'gt1', 'GT1 — oral', {now})")).await?;
    sql(&app, &format!("INSERT INTO group_meetings (group_id, title, starts_at, ends_at, created_at) VALUES (1, 'Réunion', {}, {}, {now})", now - 7 * 86_400, now - 7 * 86_400 + 3_600)).await?;
    sql(&app, "INSERT INTO observatories (id, name, theme, created_at) VALUES (1, 'Observatoire de l''oral', 'Oral', 0)").await?;
    for id in 1..=3 {
        sql(&app, &format!("INSERT INTO visit_requests (id, observatory_id, establishment_id, focus, state, created_at) SELECT {id}, 1, id, 'Oral', 'pending', {now} FROM establishments WHERE uai = '0620001P'")).await?;
    }
    for theme in ["Le débat réglé", "L'oral en maternelle"] {
        sql(&app, &format!("INSERT INTO training_requests (person_id, territory_id, source, theme, public, created_at) VALUES ({}, {t}, 'personal', '{}', 'premier-degre', {now})", marie_id.0, theme.replace('\'', "''"))).await?;
    }
    sql(&app, &format!("INSERT INTO spaces (id, name, description, kind, territory_id, visibility, quota_bytes, created_at) VALUES (1, 'Échanges', '', 'territory', {t}, 'members', 1000000, {now})")).await?;
    sql(&app, &format!("INSERT INTO blog_posts (space_id, author_id, title, body_markdown, published, created_at, updated_at) VALUES (1, {}, 'Bienvenue', 'Bonjour.', TRUE, {now}, {now})", marie_id.0)).await?;
    store::indicators::series::refresh(&app.db).await?;
    Ok(Scene {
        app,
        marie,
        marie_id: marie_id.0,
        territory: t,
    })
}

/// `name → (value, hidden)` of the indicators the API gives for a scope.
async fn figures(s: &Scene, query: &str) -> anyhow::Result<Vec<(String, Option<f64>, bool)>> {
    let answer = s
        .app
        .client
        .get(s.app.url(&format!("/api/v1/indicators?{query}")))
        .bearer_auth(&s.marie)
        .send()
        .await?;
    anyhow::ensure!(
        answer.status() == StatusCode::OK,
        "{}",
        answer.text().await?
    );
    let body: Value = answer.json().await?;
    Ok(body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    (
                        i["name"].as_str().unwrap_or_default().to_owned(),
                        i["value"].as_f64(),
                        i["hidden"].as_bool().unwrap_or(false),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

#[tokio::test]
async fn the_platforms_metrics_match_counts_made_by_hand() -> anyhow::Result<()> {
    let s = scene().await?;
    let expected = |v: f64| (Some(v), false);
    let territory = figures(&s, &format!("territory={}", s.territory)).await?;
    let of = |list: &[(String, Option<f64>, bool)], name: &str| {
        list.iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, h)| (*v, *h))
            .unwrap_or((Some(-1.0), false))
    };
    assert_eq!(
        of(&territory, "Établissements fédérés dans un réseau"),
        expected(3.0),
        "{territory:?}"
    );
    assert_eq!(
        of(&territory, "Collaborations entre établissements"),
        expected(1.0)
    );
    assert_eq!(
        of(&territory, "Réseaux constitués"),
        expected(2.0),
        "the territory and its teacher network"
    );
    assert_eq!(
        of(&territory, "Communautés d'apprentissage actives"),
        expected(1.0)
    );
    assert_eq!(
        of(&territory, "Visites demandées"),
        (None, true),
        "three: fewer than five, hidden"
    );
    assert_eq!(
        of(&territory, "Visites réalisées"),
        expected(0.0),
        "zero is no one: shown"
    );
    assert_eq!(
        of(&territory, "Besoins de formation exprimés"),
        expected(2.0)
    );
    assert_eq!(
        of(&territory, "Modules de formation ouverts"),
        expected(0.0)
    );
    assert_eq!(
        of(&territory, "Pratiques publiées"),
        expected(2.0),
        "the private one never counts"
    );
    assert_eq!(
        of(&territory, "Pratiques adoptées (« J'ai essayé »)"),
        expected(1.0)
    );
    assert_eq!(of(&territory, "Échanges dans les espaces"), expected(1.0));
    // Jeanne's practice counts in France and the Puy-de-Dôme, not in the Pas-de-Calais.
    let national = figures(&s, "").await?;
    assert_eq!(of(&national, "Pratiques publiées"), expected(3.0));
    assert_eq!(
        of(&figures(&s, "departement=62").await?, "Pratiques publiées"),
        expected(2.0)
    );
    assert_eq!(
        of(&figures(&s, "departement=63").await?, "Pratiques publiées"),
        expected(1.0)
    );
    assert_eq!(
        of(
            &figures(&s, "academie=06").await?,
            "Établissements fédérés dans un réseau"
        ),
        expected(0.0)
    );
    // Two more requests: five, shown.
    let now = store::now();
    for id in 4..=5 {
        sql(&s.app, &format!("INSERT INTO visit_requests (id, observatory_id, establishment_id, focus, state, created_at) SELECT {id}, 1, id, 'Oral', 'pending', {now} FROM establishments WHERE uai = '0620100X'")).await?;
    }
    store::indicators::series::refresh(&s.app.db).await?;
    assert_eq!(
        of(
            &figures(&s, &format!("territory={}", s.territory)).await?,
            "Visites demandées"
        ),
        expected(5.0)
    );
    Ok(())
}

#[tokio::test]
async fn bad_indicator_queries_are_refused() -> anyhow::Result<()> {
    let s = scene().await?;
    let get = |path: String, token: Option<String>| {
        let app = &s.app;
        async move {
            let mut request = app.client.get(app.url(&path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let answer = request.send().await?;
            let status = answer.status();
            anyhow::Ok((status, answer.json::<Value>().await.unwrap_or(Value::Null)))
        }
    };
    let marie = Some(s.marie.clone());
    let (status, _) = get("/api/v1/indicators".to_owned(), None).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = get(
        "/api/v1/indicators?period=2026-13".to_owned(),
        marie.clone(),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("n'est pas un mois"),
        "{body}"
    );
    let (status, _) = get(
        "/api/v1/indicators?departement=999".to_owned(),
        marie.clone(),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get("/api/v1/indicators?territory=999".to_owned(), marie.clone()).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get("/api/v1/indicators/999/values".to_owned(), marie.clone()).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = get(
        "/api/v1/indicators/1/values?from=2026-05&to=2026-01".to_owned(),
        marie,
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let page = client()?
        .get(s.app.url("/tableaux-de-bord/departement/62"))
        .send()
        .await?;
    assert_eq!(
        page.status(),
        StatusCode::SEE_OTHER,
        "signed-in people only"
    );
    assert!(testkit::location(&page).starts_with("/connexion"));
    let page = s
        .app
        .client
        .get(s.app.url("/tableaux-de-bord/departement/999"))
        .send()
        .await?;
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "no such département");
    Ok(())
}

#[tokio::test]
async fn the_steering_writes_the_project_and_enters_values_with_their_source() -> anyhow::Result<()>
{
    let s = scene().await?;
    let app = &s.app;
    let steering_id = testkit::create_staff(
        &app.db,
        "ia-ipr@ac-lille.fr",
        Function::IaIpr,
        Some(PASSWORD),
        None,
        None,
    )
    .await?;
    let _ = steering_id;
    let admin = client()?;
    app.create_person(
        "admin@ac-lille.fr",
        Function::ChargeDeMission,
        PASSWORD,
        true,
    )
    .await?;
    app.login(&admin, "admin@ac-lille.fr", PASSWORD).await?;
    let teacher = client()?;
    app.login(&teacher, "marie@ac-lille.fr", PASSWORD).await?;
    let steering = client()?;
    app.login(&steering, "ia-ipr@ac-lille.fr", PASSWORD).await?;

    // A teacher may not open a project; an administrator opens Lille's.
    let refused = app
        .submit(
            &teacher,
            "/compte",
            "/projet-strategique",
            &[("academie", "09"), ("titre", "Projet")],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let opened = app
        .submit(
            &admin,
            "/compte",
            "/projet-strategique",
            &[("academie", "09"), ("titre", "Projet académique de Lille")],
        )
        .await?;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);

    // The IA-IPR of the académie writes the tree; each kind only under its own parent.
    let id_of = |answer: &reqwest::Response| -> i64 {
        testkit::location(answer)
            .rsplit("noeud-")
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let axis = app
        .submit(
            &steering,
            "/compte",
            "/projet-strategique/09/noeuds",
            &[("nature", "axe"), ("intitule", "Axe 3 — Les réseaux")],
        )
        .await?;
    let axis = id_of(&axis);
    let misplaced = app
        .submit(
            &steering,
            "/compte",
            "/projet-strategique/09/noeuds",
            &[
                ("nature", "critere"),
                ("parent", &axis.to_string()),
                ("intitule", "Mal placé"),
            ],
        )
        .await?;
    assert_eq!(misplaced.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(misplaced)
            .await?
            .contains("un critère d'évaluation se place sous un objectif")
    );
    let objective = id_of(
        &app.submit(
            &steering,
            "/compte",
            "/projet-strategique/09/noeuds",
            &[
                ("nature", "objectif"),
                ("parent", &axis.to_string()),
                ("intitule", "Objectif 3.1 — Fédérer"),
            ],
        )
        .await?,
    );
    let criterion = id_of(
        &app.submit(
            &steering,
            "/compte",
            "/projet-strategique/09/noeuds",
            &[
                ("nature", "critere"),
                ("parent", &objective.to_string()),
                ("intitule", "Le nombre d'unités fédérées"),
            ],
        )
        .await?,
    );
    assert!(criterion > 0);
    let forbidden = app
        .submit(
            &teacher,
            "/compte",
            "/projet-strategique/09/noeuds",
            &[("nature", "axe"), ("intitule", "Axe pirate")],
        )
        .await?;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);

    // Indicators: one computed, one by hand (its source is required).
    let c = criterion.to_string();
    let computed = app
        .submit(
            &steering,
            "/compte",
            "/projet-strategique/09/indicateurs",
            &[
                ("critere", &c),
                ("nom", "Établissements fédérés"),
                ("calcul", "etablissements-federes"),
            ],
        )
        .await?;
    assert_eq!(computed.status(), StatusCode::SEE_OTHER);
    let sourceless = app
        .submit(
            &steering,
            "/compte",
            "/projet-strategique/09/indicateurs",
            &[("critere", &c), ("nom", "Satisfaction"), ("calcul", "")],
        )
        .await?;
    assert_eq!(sourceless.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(sourceless)
            .await?
            .contains("dit d'où viennent ses valeurs")
    );
    let manual = app
        .submit(
            &steering,
            "/compte",
            "/projet-strategique/09/indicateurs",
            &[
                ("critere", &c),
                ("nom", "Satisfaction des équipes"),
                ("calcul", ""),
                ("source", "Enquête de l'académie"),
                ("unite", "%"),
            ],
        )
        .await?;
    assert_eq!(manual.status(), StatusCode::SEE_OTHER);
    let page = text(
        teacher
            .get(app.url("/projet-strategique/09"))
            .send()
            .await?,
    )
    .await?;
    assert!(page.contains("Axe 3 — Les réseaux") && page.contains("Objectif 3.1 — Fédérer"));
    assert!(
        page.contains("Satisfaction des équipes")
            && page.contains("source : Enquête de l'académie")
    );

    // Values by hand on the académie's dashboard: last year's and this year's, and a target.
    let listed: Value = app
        .client
        .get(app.url("/api/v1/indicators?academie=09"))
        .bearer_auth(&s.marie)
        .send()
        .await?
        .json()
        .await?;
    let manual_id = listed["items"]
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|i| i["name"] == "Satisfaction des équipes")
        })
        .and_then(|i| i["id"].as_i64())
        .ok_or_else(|| anyhow::anyhow!("{listed}"))?;
    let now = domain::indicators::Month::of_unix(store::now());
    let last_year = domain::indicators::Month::from_index(now.index() - 12)
        .ok_or_else(|| anyhow::anyhow!("month"))?;
    let id = manual_id.to_string();
    for (month, value, source) in [
        (last_year.code(), "62,5", "Enquête 2025"),
        (now.code(), "70", ""),
    ] {
        let done = app
            .submit(
                &steering,
                "/compte",
                "/tableaux-de-bord/academie/09/valeurs",
                &[
                    ("indicator", &id),
                    ("mois", &month),
                    ("valeur", value),
                    ("source", source),
                ],
            )
            .await?;
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
    }
    let bad = app
        .submit(
            &steering,
            "/compte",
            "/tableaux-de-bord/academie/09/valeurs",
            &[
                ("indicator", &id),
                ("mois", &now.code()),
                ("valeur", "beaucoup"),
            ],
        )
        .await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert!(
        text(bad)
            .await?
            .contains("« beaucoup » n'est pas un nombre")
    );
    let by_teacher = app
        .submit(
            &teacher,
            "/compte",
            "/tableaux-de-bord/academie/09/valeurs",
            &[("indicator", &id), ("mois", &now.code()), ("valeur", "99")],
        )
        .await?;
    assert_eq!(by_teacher.status(), StatusCode::FORBIDDEN);
    let target_month = domain::indicators::Month::from_index(now.index() + 6)
        .ok_or_else(|| anyhow::anyhow!("month"))?;
    let target = app
        .submit(
            &steering,
            "/compte",
            "/tableaux-de-bord/academie/09/cibles",
            &[
                ("indicator", &id),
                ("mois", &target_month.code()),
                ("valeur", "80"),
            ],
        )
        .await?;
    assert_eq!(target.status(), StatusCode::SEE_OTHER);
    let computed_by_hand = app
        .submit(
            &steering,
            "/compte",
            "/tableaux-de-bord/academie/09/valeurs",
            &[("indicator", "1"), ("mois", &now.code()), ("valeur", "3")],
        )
        .await?;
    assert_eq!(
        computed_by_hand.status(),
        StatusCode::BAD_REQUEST,
        "a computed indicator takes no value by hand"
    );
    let elsewhere = app
        .submit(
            &steering,
            "/compte",
            "/tableaux-de-bord/academie/06/valeurs",
            &[("indicator", &id), ("mois", &now.code()), ("valeur", "3")],
        )
        .await?;
    assert_eq!(
        elsewhere.status(),
        StatusCode::NOT_FOUND,
        "Lille's indicator is not on Clermont's dashboard"
    );
    // A territory's coordinator enters their territory's value, not the académie's.
    store::territories::set_member(
        &app.db,
        domain::ids::TerritoryId(s.territory),
        domain::ids::PersonId(s.marie_id),
        TerritoryRole::Coordinator,
    )
    .await?;
    let territory_path = format!("/tableaux-de-bord/territoire/{}/valeurs", s.territory);
    let own = app
        .submit(
            &teacher,
            "/compte",
            &territory_path,
            &[("indicator", &id), ("mois", &now.code()), ("valeur", "90")],
        )
        .await?;
    assert_eq!(own.status(), StatusCode::SEE_OTHER);
    let academie_wide = app
        .submit(
            &teacher,
            "/compte",
            "/tableaux-de-bord/academie/09/valeurs",
            &[("indicator", &id), ("mois", &now.code()), ("valeur", "90")],
        )
        .await?;
    assert_eq!(academie_wide.status(), StatusCode::FORBIDDEN);
    let territorial = figures(&s, &format!("territory={}", s.territory)).await?;
    assert!(
        territorial
            .iter()
            .any(|(n, v, _)| n == "Satisfaction des équipes" && *v == Some(90.0)),
        "{territorial:?}"
    );

    let values: Value = app
        .client
        .get(app.url(&format!(
            "/api/v1/indicators/{manual_id}/values?academie=09&from={}&to={}",
            last_year.code(),
            target_month.code()
        )))
        .bearer_auth(&s.marie)
        .send()
        .await?
        .json()
        .await?;
    let items = values["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 19, "{values}");
    assert_eq!(items[0]["value"], 62.5);
    assert_eq!(items[12]["value"], 70.0);
    assert_eq!(
        items[1]["value"],
        Value::Null,
        "no value entered that month"
    );
    assert_eq!(items[18]["target"], 80.0);
    let listed = figures(&s, "academie=09").await?;
    assert!(
        listed
            .iter()
            .any(|(n, v, _)| n == "Satisfaction des équipes" && *v == Some(70.0)),
        "{listed:?}"
    );
    let api: Value = app
        .client
        .get(app.url("/api/v1/indicators?academie=09"))
        .bearer_auth(&s.marie)
        .send()
        .await?
        .json()
        .await?;
    let satisfaction = api["items"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["name"] == "Satisfaction des équipes"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(satisfaction["trend"], "en hausse");
    assert!(
        satisfaction["source"]
            .as_str()
            .unwrap_or_default()
            .contains("Enquête 2025")
    );
    assert_eq!(satisfaction["criterion"][0], "Axe 3 — Les réseaux");

    // The dashboard page: a chart and its table for every indicator, the exports.
    let page = text(
        teacher
            .get(app.url("/tableaux-de-bord/academie/09"))
            .send()
            .await?,
    )
    .await?;
    assert!(page.contains("<svg class=\"tt-chart\"") && page.contains("Les valeurs en tableau"));
    assert!(page.contains("<td>62,5</td>"));
    assert!(
        !page.contains("Saisir une valeur"),
        "a coordinator writes on their territory's page only"
    );
    let csv = teacher
        .get(app.url("/tableaux-de-bord/academie/09/export.csv"))
        .send()
        .await?;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await?;
    assert!(csv.starts_with("\u{feff}Périmètre;Indicateur;Unité;Mois;Valeur;Cible;Source"));
    assert!(
        csv.contains(&format!("Académie de Lille;Satisfaction des équipes;%;{};62,5;;Enquête de l'académie / Enquête 2025", last_year.code())),
        "{csv}"
    );
    let ods = teacher
        .get(app.url("/tableaux-de-bord/academie/09/export.ods"))
        .send()
        .await?;
    assert_eq!(
        ods.headers()["content-type"],
        "application/vnd.oasis.opendocument.spreadsheet"
    );
    let bytes = ods.bytes().await?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec()))?;
    let mut mimetype = String::new();
    archive.by_index(0)?.read_to_string(&mut mimetype)?;
    assert_eq!(mimetype, "application/vnd.oasis.opendocument.spreadsheet");
    let mut content = String::new();
    archive
        .by_name("content.xml")?
        .read_to_string(&mut content)?;
    assert!(
        content.contains(r#"table:name="Indicateurs""#)
            && content.contains(r#"table:name="Territoires""#)
    );
    assert!(
        content.contains("<text:p>Satisfaction des équipes</text:p>")
            && content.contains(r#"office:value="62.5""#)
    );
    assert!(
        content.contains("<text:p>Arrageois</text:p>"),
        "the académie's territories on their sheet"
    );
    // A département's export lists the territories most of whose establishments are there.
    for (departement, listed) in [("62", true), ("63", false)] {
        let ods = teacher
            .get(app.url(&format!(
                "/tableaux-de-bord/departement/{departement}/export.ods"
            )))
            .send()
            .await?
            .bytes()
            .await?;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(ods.to_vec()))?;
        let mut content = String::new();
        archive
            .by_name("content.xml")?
            .read_to_string(&mut content)?;
        assert_eq!(
            content.contains("<text:p>Arrageois</text:p>"),
            listed,
            "{departement}"
        );
    }
    let pdf = teacher
        .get(app.url("/tableaux-de-bord/academie/09/rapport.pdf"))
        .send()
        .await?
        .bytes()
        .await?;
    let words = testkit::pdf_text(&pdf);
    assert!(
        words.contains("Rapport d'indicateurs")
            && words.contains("Satisfaction des équipes — dernière valeur : 70 %"),
        "{words}"
    );
    Ok(())
}

#[tokio::test]
async fn the_collaboration_network_names_the_isolated_and_the_connectors() -> anyhow::Result<()> {
    let s = scene().await?;
    let browser = client()?;
    s.app.login(&browser, "marie@ac-lille.fr", PASSWORD).await?;
    let page = text(
        browser
            .get(s.app.url(&format!(
                "/tableaux-de-bord/territoire/{}/reseau",
                s.territory
            )))
            .send()
            .await?,
    )
    .await?;
    assert!(page.contains("Réseau de collaborations — Arrageois"));
    // The école and the collège are linked by Paul's « J'ai essayé »; the maternelle is alone.
    assert!(page.contains("<strong>3</strong> établissements"), "{page}");
    assert!(page.contains("<strong>1</strong> paire d'établissements liés"));
    let isolated = page
        .split("Les établissements isolés")
        .nth(1)
        .unwrap_or_default();
    assert!(
        isolated.contains("École maternelle Les Tilleuls"),
        "{isolated}"
    );
    assert!(!isolated.contains("Collège Victor Hugo"));
    let connectors = page
        .split("Les établissements qui relient le plus")
        .nth(1)
        .unwrap_or_default();
    assert!(
        connectors.contains("Collège Victor Hugo")
            && connectors.contains("École primaire Jean Jaurès")
    );
    Ok(())
}

/// The text of each row of a dashboard's summary (its `<tr>`, then its words with the tags
/// dropped and the spaces tidied), the header row left out.
fn summary_rows(page: &str) -> Vec<(String, String)> {
    let Some(start) = page.find(r#"id="synthese""#) else {
        return Vec::new();
    };
    let section = &page[start..];
    let table = &section[..section.find("</table>").unwrap_or(section.len())];
    table
        .split("<tr")
        .skip(2)
        .map(|row| {
            let mut words = String::new();
            // What follows `<tr` is the rest of its tag.
            let mut in_tag = true;
            for c in row.chars() {
                match c {
                    '<' => {
                        in_tag = true;
                        words.push(' ');
                    }
                    '>' => in_tag = false,
                    c if !in_tag => words.push(c),
                    _ => {}
                }
            }
            let words = words.replace("&nbsp;", " ").replace('\u{a0}', " ");
            (
                row.to_owned(),
                words.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_dashboard_opens_on_a_summary_and_stops_at_the_current_month() -> anyhow::Result<()> {
    use domain::indicators::Month;
    use domain::indicators::metrics::{Metric, Scope};
    use store::indicators::project::{self as project, NewIndicator};

    let s = scene().await?;
    let app = &s.app;
    let db = &app.db;
    let teacher = client()?;
    app.login(&teacher, "marie@ac-lille.fr", PASSWORD).await?;
    let now = Month::of_unix(store::now());
    let month = |shift: i32| {
        Month::from_index(u16::try_from(i32::from(now.index()) + shift).unwrap_or(0))
            .ok_or_else(|| anyhow::anyhow!("month {shift}"))
    };
    let (last_year, half_year_ago, last_quarter, in_six_months) =
        (month(-12)?, month(-6)?, month(-3)?, month(6)?);

    // Lille's project: five indicators entered by hand and one the platform computes.
    project::save_project(db, "09", "Projet académique de Lille", "").await?;
    let scope = Scope::Academie("09".to_owned());
    let person = domain::ids::PersonId(s.marie_id);
    let manual = |name: &'static str, unit: &'static str| NewIndicator {
        criterion: None,
        name,
        metric: None,
        unit,
        source: "Enquête de l'académie",
    };
    let mut ids = Vec::new();
    for (new, values, target) in [
        // Met, up against the same month a year before (not the previous value).
        (
            manual("Satisfaction des équipes", "%"),
            vec![(last_year, 50.0), (half_year_ago, 90.0), (now, 70.0)],
            Some((in_six_months, 60.0)),
        ),
        // Missed (its month has come), down.
        (
            manual("Taux de réponse", "%"),
            vec![(last_year, 80.0), (now, 70.0)],
            Some((last_quarter, 90.0)),
        ),
        // No target, stable against its first value (a series younger than a year).
        (
            manual("Élèves accompagnés", "élèves"),
            vec![(half_year_ago, 40.0), (now, 40.0)],
            None,
        ),
        // A target, no value yet.
        (
            manual("Ateliers ouverts", "ateliers"),
            vec![],
            Some((in_six_months, 10.0)),
        ),
        // Not yet met (its month is to come), nothing a year before to compare with.
        (
            manual("Partenaires signataires", "partenaires"),
            vec![(now, 5.0)],
            Some((in_six_months, 8.0)),
        ),
    ] {
        let id = project::add_indicator(db, "09", &new).await?;
        let indicator = project::indicator_by_id(db, id).await?;
        for (m, v) in values {
            project::set_value(db, &indicator, &scope, m, v, "", person).await?;
        }
        if let Some((m, v)) = target {
            project::set_target(db, id, &scope, m, v).await?;
        }
        ids.push(id);
    }
    let federated = project::add_indicator(
        db,
        "09",
        &NewIndicator {
            criterion: None,
            name: "Établissements fédérés",
            metric: Some(Metric::FederatedEstablishments),
            unit: "",
            source: "",
        },
    )
    .await?;
    ids.push(federated);

    let page = text(
        teacher
            .get(app.url("/tableaux-de-bord/academie/09"))
            .send()
            .await?,
    )
    .await?;
    // The summary comes first: before the month selector, the exports and every chart.
    let summary = page.find(r#"id="synthese""#).unwrap_or(usize::MAX);
    let first_chart = page.find(r#"<svg class="tt-chart""#).unwrap_or(0);
    assert!(
        summary < first_chart && summary < page.find(r#"id="mois""#).unwrap_or(0),
        "the summary before the charts"
    );
    assert!(page.contains("Synthèse des indicateurs"));
    assert!(page.contains(&format!(
        "<caption>Chaque indicateur jusqu'à {} : dernière valeur, cible, cible atteinte ou non, évolution sur un an</caption>",
        now.label()
    )));
    let rows = summary_rows(&page);
    assert_eq!(rows.len(), 6, "one row an indicator: {rows:?}");
    let expected = [
        (
            format!(
                "Satisfaction des équipes 70 % {} (mois en cours) 60 % en {} atteinte ↗ en hausse par rapport à 50 % en {}",
                now.label(),
                in_six_months.label(),
                last_year.label()
            ),
            "met",
            "up",
        ),
        (
            format!(
                "Taux de réponse 70 % {} (mois en cours) 90 % en {} non atteinte ↘ en baisse par rapport à 80 % en {}",
                now.label(),
                last_quarter.label(),
                last_year.label()
            ),
            "missed",
            "down",
        ),
        (
            format!(
                "Élèves accompagnés 40 élèves {} (mois en cours) pas de cible pas de cible → stable par rapport à 40 élèves en {}",
                now.label(),
                half_year_ago.label()
            ),
            "no-target",
            "steady",
        ),
        (
            format!(
                "Ateliers ouverts pas encore de valeur 10 ateliers en {} pas encore de valeur pas encore de valeur",
                in_six_months.label()
            ),
            "no-value",
            "no-value",
        ),
        (
            format!(
                "Partenaires signataires 5 partenaires {} (mois en cours) 8 partenaires en {} pas encore atteinte pas de valeur un an avant",
                now.label(),
                in_six_months.label()
            ),
            "not-yet",
            "no-earlier",
        ),
        (
            format!(
                "Établissements fédérés 3 établissements {} (mois en cours) pas de cible pas de cible ↗ en hausse par rapport à 0 établissements en {}",
                now.label(),
                last_year.label()
            ),
            "no-target",
            "up",
        ),
    ];
    for ((html, words), (id, (text, attainment, evolution))) in
        rows.iter().zip(ids.iter().zip(expected))
    {
        assert_eq!(words, &text);
        assert!(
            html.contains(&format!(r##"<a href="#indicateur-{id}">"##))
                && html.contains(&format!(r#"data-atteinte="{attainment}""#))
                && html.contains(&format!(r#"data-evolution="{evolution}""#)),
            "{html}"
        );
    }
    // The badges say it in words; the colour only repeats it, the arrows are not read.
    assert!(
        page.contains(r#"<span class="fr-badge fr-badge--sm fr-badge--success">atteinte</span>"#)
    );
    assert!(
        page.contains(r#"<span class="fr-badge fr-badge--sm fr-badge--error">non atteinte</span>"#)
    );
    assert!(page.contains(r#"<span aria-hidden="true">↗&nbsp;</span>en hausse"#));

    // The month selector goes up to the current month, and no further.
    assert!(
        page.contains(&format!(
            r#"id="mois" name="mois" value="{0}" max="{0}""#,
            now.code()
        )),
        "the selector's last month is the current month"
    );
    let beyond = teacher
        .get(app.url(&format!(
            "/tableaux-de-bord/academie/09?mois={}",
            in_six_months.code()
        )))
        .send()
        .await?;
    assert_eq!(beyond.status(), StatusCode::OK);
    let beyond = text(beyond).await?;
    assert!(
        beyond.contains(&format!(r#"value="{}" max="#, now.code()))
            && beyond.contains(&format!(
                "Le tableau s'arrête au mois en cours, {} : {} n'est pas encore venu.",
                now.label(),
                in_six_months.label()
            )),
        "a month to come shows the current one"
    );
    assert!(!beyond.contains(&format!("<th scope=\"row\">{}</th>", in_six_months.label())));
    let csv = teacher
        .get(app.url(&format!(
            "/tableaux-de-bord/academie/09/export.csv?mois={}",
            in_six_months.code()
        )))
        .send()
        .await?;
    assert!(
        csv.headers()["content-disposition"]
            .to_str()?
            .contains(&format!("indicateurs-academie-09-{}.csv", now.code())),
        "the exports stop at the current month too"
    );

    // The map's time slider too, even with an event planned in six months.
    let at = in_six_months.start() + 86_400;
    sql(app, &format!("INSERT INTO events (territory_id, kind, title, capacity, starts_at, ends_at, created_at) VALUES ({}, 'rencontre', 'Fête de l''apprendre', 50, {at}, {}, {})", s.territory, at + 3_600, store::now())).await?;
    let map = text(teacher.get(app.url("/carte")).send().await?).await?;
    let to = map
        .split(r#"id="to""#)
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_default();
    assert!(
        map.contains(&format!(r#"data-last="{}""#, now.code()))
            && to.ends_with(&format!(r#"max="{}""#, now.code())),
        "the slider's last month is the current month: {to}"
    );
    Ok(())
}
