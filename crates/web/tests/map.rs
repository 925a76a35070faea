//! The map of initiatives through HTTP, on the database `TERRITOIRE_TEST_POSTGRES` chooses:
//! clusters counted by hand, what each person may count (private practices never, a
//! territory's to its members, visits only by five), the list behind a cluster, the time
//! slider, the choropleth, the table without JavaScript, the offline outlines, and the bad
//! inputs.

use domain::accounts::Function;
use domain::policy::TerritoryRole;
use domain::territories::NewTerritory;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::{TestApp, client, text};

const PASSWORD: &str = "une phrase de passe solide";

/// The sample directory (three places in Arras, one in Clermont-Ferrand with coordinates);
/// Marie teaches at the Arras école, Paul at the Arras collège, Jeanne at the Clermont école;
/// Marie and Jeanne are members of « Arrageois », which holds the two Arras schools.
struct Scene {
    app: TestApp,
    marie: String,
    paul: String,
    jeanne: String,
    paul_id: domain::ids::PersonId,
    jeanne_id: domain::ids::PersonId,
    territory: i64,
}

async fn scene() -> anyhow::Result<Scene> {
    let app = TestApp::spawn().await?;
    app.import(&testkit::sample_annuaire()).await?;
    let (marie_id, marie) =
        testkit::teacher_with_token(&app.db, "marie@ac-lille.fr", PASSWORD, "0620001P").await?;
    let (paul_id, paul) =
        testkit::teacher_with_token(&app.db, "paul@ac-lille.fr", PASSWORD, "0620100X").await?;
    let (jeanne_id, jeanne) =
        testkit::teacher_with_token(&app.db, "jeanne@ac-clermont.fr", PASSWORD, "0630001J").await?;
    let territory = store::territories::create(
        &app.db,
        &NewTerritory::parse("Arrageois", "Les écoles d'Arras")
            .map_err(|e| anyhow::anyhow!("{e:?}"))?,
    )
    .await?;
    let ids = [
        store::directory::id_of(&app.db, &domain::directory::Uai::parse("0620001P")?).await?,
        store::directory::id_of(&app.db, &domain::directory::Uai::parse("0620002R")?).await?,
    ];
    store::territories::add_establishments(
        &app.db,
        territory,
        &ids.into_iter().flatten().collect::<Vec<_>>(),
    )
    .await?;
    for person in [marie_id, jeanne_id] {
        store::territories::set_member(&app.db, territory, person, TerritoryRole::Member).await?;
    }
    Ok(Scene {
        app,
        marie,
        paul,
        jeanne,
        paul_id,
        jeanne_id,
        territory: territory.0,
    })
}

impl Scene {
    async fn practice(&self, token: &str, body: Value) -> anyhow::Result<i64> {
        let answer = self
            .app
            .client
            .post(self.app.url("/api/v1/practices"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await?;
        let status = answer.status();
        let answer: Value = answer.json().await?;
        anyhow::ensure!(
            status == StatusCode::CREATED || status == StatusCode::OK,
            "{answer}"
        );
        answer["id"]
            .as_i64()
            .ok_or_else(|| anyhow::anyhow!("{answer}"))
    }

    /// The clusters, as `token` (none: anonymous) sees them.
    async fn clusters(&self, token: Option<&str>, query: &str) -> anyhow::Result<Value> {
        let mut request = self
            .app
            .client
            .get(self.app.url(&format!("/api/v1/map/clusters?{query}")));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let answer = request.send().await?;
        anyhow::ensure!(
            answer.status() == StatusCode::OK,
            "{}",
            answer.text().await?
        );
        Ok(answer.json().await?)
    }

    /// The total of the clusters of France at `zoom`.
    async fn total(&self, token: Option<&str>, query: &str) -> anyhow::Result<u64> {
        let answer = self.clusters(token, query).await?;
        Ok(answer["items"]
            .as_array()
            .map(|items| items.iter().filter_map(|i| i["count"].as_u64()).sum())
            .unwrap_or(0))
    }
}

fn published(title: &str, visibility: &str) -> Value {
    json!({"title": title, "summary": "Une pratique.", "visibility": visibility, "status": "published"})
}

#[tokio::test]
async fn each_person_counts_only_the_practices_they_may_read() -> anyhow::Result<()> {
    let s = scene().await?;
    // Marie: one public, one for the platform, one for the territory, one private, one draft.
    s.practice(
        &s.marie,
        published("Débats philosophiques en CM2", "public"),
    )
    .await?;
    s.practice(&s.marie, published("Rituels de calcul mental", "platform"))
        .await?;
    s.practice(&s.marie, json!({"title": "Conseil d'élèves", "summary": "Entre nous.", "visibility": "territory", "territory": s.territory, "status": "published"})).await?;
    s.practice(&s.marie, published("Carnet de bord personnel", "private"))
        .await?;
    s.practice(
        &s.marie,
        json!({"title": "Brouillon", "summary": "Pas fini.", "visibility": "public"}),
    )
    .await?;
    // Jeanne: one public, placed at the Clermont école by its establishments.
    s.practice(&s.jeanne, json!({"title": "Lecture à voix haute", "summary": "Oral.", "visibility": "public", "status": "published", "establishments": ["0630001J"]})).await?;

    let practices = "layers=pratiques&zoom=5";
    assert_eq!(
        s.total(None, practices).await?,
        2,
        "anonymous: the two public ones"
    );
    assert_eq!(
        s.total(Some(&s.paul), practices).await?,
        3,
        "signed in: public and platform"
    );
    assert_eq!(
        s.total(Some(&s.marie), practices).await?,
        4,
        "a member: and the territory's"
    );
    for zoom in [0, 5, 9, 14, 20] {
        assert_eq!(
            s.total(Some(&s.marie), &format!("layers=pratiques&zoom={zoom}"))
                .await?,
            4,
            "the private practice and the draft never count, at zoom {zoom}"
        );
    }

    // At zoom 9, Arras and Clermont are two clusters; Marie's three sit on her école.
    let answer = s
        .clusters(Some(&s.marie), "layers=pratiques&zoom=9")
        .await?;
    let items = answer["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{answer}");
    assert_eq!(items[0]["count"], 3);
    assert_eq!(items[0]["counts"]["pratiques"], 3);
    assert_eq!(items[0]["label"], "Arras");
    assert_eq!(
        items[0]["places"], 1,
        "a single establishment is a cluster of 1"
    );
    assert_eq!(
        (
            items[0]["latitude"].as_f64(),
            items[0]["longitude"].as_f64()
        ),
        (Some(50.29), Some(2.77))
    );
    assert_eq!(items[1]["label"], "Clermont-Ferrand");
    assert_eq!(items[1]["count"], 1);

    // The list behind the Arras cluster names the école, with its UAI.
    let cell: Vec<String> = items[0]["cell"]
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(Value::as_f64)
                .map(|n| n.to_string())
                .collect()
        })
        .unwrap_or_default();
    let places: Value = s
        .app
        .client
        .get(s.app.url(&format!(
            "/api/v1/map/places?layers=pratiques&bbox={}",
            cell.join(",")
        )))
        .bearer_auth(&s.marie)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(places["total"], 1, "{places}");
    assert_eq!(places["items"][0]["uai"], "0620001P");
    assert_eq!(places["items"][0]["name"], "École primaire Jean Jaurès");
    assert_eq!(places["items"][0]["count"], 3);

    // A territory filter keeps the Arras schools; a theme nobody tagged keeps nothing.
    let territory = format!("layers=pratiques&zoom=5&territory={}", s.territory);
    assert_eq!(s.total(Some(&s.marie), &territory).await?, 3);
    assert_eq!(
        s.total(
            Some(&s.marie),
            "layers=pratiques&zoom=5&theme=subject:francais"
        )
        .await?,
        0
    );
    Ok(())
}

#[tokio::test]
async fn trials_themes_and_the_time_slider() -> anyhow::Result<()> {
    let s = scene().await?;
    let id = s
        .practice(
            &s.marie,
            json!({"title": "Ateliers d'écriture", "summary": "Écrire.", "visibility": "public", "status": "published",
                   "tags": [{"vocabulary": "subject", "code": "francais"}, {"vocabulary": "skill", "code": "collaboration"}]}),
        )
        .await?;
    // Paul tried it in his collège; Jeanne in her école (no establishment given: hers).
    let today = time::OffsetDateTime::now_utc().date();
    for (person, uai) in [(s.paul_id, Some("0620100X")), (s.jeanne_id, None)] {
        store::practices::add_trial(
            &s.app.db,
            domain::ids::PracticeId(id),
            person,
            &store::practices::NewTrial {
                establishment: uai.map(domain::directory::Uai::parse).transpose()?,
                tried_on: today,
                adaptations: String::new(),
                outcome: "Très bien.".to_owned(),
            },
        )
        .await?;
    }
    let answer = s.clusters(None, "layers=pratiques,essais&zoom=14").await?;
    let mut view: Vec<(String, u64, u64)> = answer["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    (
                        i["label"].as_str().unwrap_or_default().to_owned(),
                        i["counts"]["pratiques"].as_u64().unwrap_or(99),
                        i["counts"]["essais"].as_u64().unwrap_or(99),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    view.sort();
    assert_eq!(
        view,
        [
            ("Arras".to_owned(), 0, 1),
            ("Arras".to_owned(), 1, 0),
            ("Clermont-Ferrand".to_owned(), 0, 1)
        ],
        "at zoom 14 the école and the collège of Arras are apart: {answer}"
    );
    // Theme and skill filters keep the practice and its trials; another skill nothing.
    let q = "layers=pratiques,essais&zoom=5";
    assert_eq!(
        s.total(None, &format!("{q}&theme=subject:francais"))
            .await?,
        3
    );
    assert_eq!(s.total(None, &format!("{q}&skill=collaboration")).await?, 3);
    assert_eq!(s.total(None, &format!("{q}&skill=creativite")).await?, 0);
    // The time slider: nothing up to last year; everything from this month.
    let month = format!("{}-{:02}", today.year(), u8::from(today.month()));
    let last_year = format!("{}-{:02}", today.year() - 1, u8::from(today.month()));
    assert_eq!(s.total(None, &format!("{q}&to={last_year}")).await?, 0);
    assert_eq!(
        s.total(None, &format!("{q}&from={month}&to={month}"))
            .await?,
        3
    );
    // The establishments layer counts each open establishment with coordinates once (the
    // Lens lycée has none, the Lens collège is closed).
    assert_eq!(s.total(None, "layers=etablissements&zoom=5").await?, 4);
    assert_eq!(
        s.total(None, "layers=etablissements&zoom=5&type=ecole")
            .await?,
        3
    );
    // « Arrageois » holds two schools (territories layer); its event, not the cancelled one,
    // stands at one of them.
    assert_eq!(s.total(None, "layers=reseaux&zoom=5").await?, 2);
    for cancelled in ["NULL", "1"] {
        testkit::execute(
            &s.app.db,
            &format!(
                "INSERT INTO events (territory_id, kind, title, capacity, starts_at, ends_at, created_at, cancelled_at) \
                 VALUES ({}, 'partage', 'Les partages de l''innovation', 50, {now}, {now}, {now}, {cancelled})",
                s.territory,
                now = store::now()
            ),
        )
        .await?;
    }
    let events = s.clusters(None, "layers=evenements&zoom=14").await?;
    assert_eq!(
        events["items"].as_array().map(Vec::len),
        Some(1),
        "{events}"
    );
    assert_eq!(events["items"][0]["count"], 1);
    assert_eq!(events["items"][0]["label"], "Arras");
    Ok(())
}

/// `count` visits that took place at `uai`, the way the observatories leave them.
async fn visits(app: &TestApp, uai: &str, count: usize, first: i64) -> anyhow::Result<()> {
    testkit::execute(
        &app.db,
        "INSERT INTO observatories (id, name, theme, created_at) SELECT 1, 'Observatoire de l''oral', 'Oral', 0 \
         WHERE NOT EXISTS (SELECT 1 FROM observatories WHERE id = 1)",
    )
    .await?;
    for id in first..first + count as i64 {
        testkit::execute(
            &app.db,
            &format!(
                "INSERT INTO visit_requests (id, observatory_id, establishment_id, focus, state, created_at) \
                 SELECT {id}, 1, id, 'Oral', 'assigned', 0 FROM establishments WHERE uai = '{uai}'"
            ),
        )
        .await?;
        testkit::execute(
            &app.db,
            &format!(
                "INSERT INTO visits (id, request_id, observatory_id, state, starts_at, created_at, updated_at) \
                 VALUES ({id}, {id}, 1, 'closed', {}, 0, 0)",
                store::now()
            ),
        )
        .await?;
    }
    Ok(())
}

#[tokio::test]
async fn visits_never_show_below_five() -> anyhow::Result<()> {
    let s = scene().await?;
    let q = "layers=visites&zoom=14";
    // Four visits at the Arras école: nothing, at any zoom, in the list or the table.
    visits(&s.app, "0620001P", 4, 1).await?;
    for zoom in [3, 9, 14, 20] {
        assert_eq!(
            s.total(Some(&s.marie), &format!("layers=visites&zoom={zoom}"))
                .await?,
            0
        );
    }
    let places: Value = s
        .app
        .client
        .get(
            s.app
                .url("/api/v1/map/places?layers=visites&bbox=2.7,50.2,2.9,50.4"),
        )
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(places["total"], 0, "{places}");
    let page = text(
        s.app
            .client
            .get(s.app.url("/carte?layers=visites"))
            .send()
            .await?,
    )
    .await?;
    assert!(
        page.contains("Rien à montrer dans cette vue"),
        "the table shows nothing either"
    );
    // A fifth, at the collège: five in Arras, drawn at the town hall, never at a school.
    visits(&s.app, "0620100X", 1, 5).await?;
    let answer = s.clusters(Some(&s.marie), q).await?;
    assert_eq!(
        answer["items"].as_array().map(Vec::len),
        Some(1),
        "{answer}"
    );
    let item = &answer["items"][0];
    assert_eq!(
        (item["count"].as_u64(), item["label"].as_str()),
        (Some(5), Some("Arras"))
    );
    assert_eq!(
        (item["latitude"].as_f64(), item["longitude"].as_f64()),
        (Some(50.29306), Some(2.77852))
    );
    let places: Value = s
        .app
        .client
        .get(
            s.app
                .url("/api/v1/map/places?layers=visites&bbox=2.7,50.2,2.9,50.4"),
        )
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        places["items"][0]["uai"],
        Value::Null,
        "no establishment named: {places}"
    );
    assert_eq!(places["items"][0]["count"], 5);
    // Two in Clermont stay hidden; an observatory filter for another observatory hides all.
    visits(&s.app, "0630001J", 2, 6).await?;
    assert_eq!(s.total(None, "layers=visites&zoom=3").await?, 5);
    assert_eq!(
        s.total(None, "layers=visites&zoom=3&observatory=2").await?,
        0
    );
    assert_eq!(
        s.total(None, "layers=visites&zoom=3&observatory=1").await?,
        5
    );
    Ok(())
}

#[tokio::test]
async fn the_choropleth_counts_initiatives_per_hundred_staff() -> anyhow::Result<()> {
    let s = scene().await?;
    // Five more people at the Arras école (six there, with Marie).
    for i in 0..5 {
        testkit::create_staff(
            &s.app.db,
            &format!("collegue{i}@ac-lille.fr"),
            Function::Enseignant1d,
            None,
            Some("0620001P"),
            None,
        )
        .await?;
    }
    s.practice(
        &s.marie,
        published("Débats philosophiques en CM2", "public"),
    )
    .await?;
    s.practice(&s.marie, published("Rituels de calcul mental", "public"))
        .await?;
    s.practice(&s.jeanne, published("Lecture à voix haute", "public"))
        .await?;
    let answer: Value = s
        .app
        .client
        .get(s.app.url("/api/v1/map/choropleth?level=commune"))
        .send()
        .await?
        .json()
        .await?;
    let view: Vec<(String, u64, u64, Option<f64>)> = answer["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    (
                        i["name"].as_str().unwrap_or_default().to_owned(),
                        i["initiatives"].as_u64().unwrap_or(99),
                        i["staff"].as_u64().unwrap_or(99),
                        i["per_hundred"].as_f64(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    // Arras: two practices for seven people (six at the école, Paul at the collège); Clermont:
    // one for one person, too few for a rate.
    assert_eq!(
        view,
        [
            ("Arras".to_owned(), 2, 7, Some(200.0 / 7.0)),
            ("Clermont-Ferrand".to_owned(), 1, 1, None),
        ],
        "{answer}"
    );
    assert_eq!(answer["items"][0]["communes"], json!(["62041"]));
    let departements: Value = s
        .app
        .client
        .get(s.app.url("/api/v1/map/choropleth"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(departements["level"], "departement");
    assert_eq!(departements["items"][0]["code"], "62");
    // The page's table says the same, in French.
    let page = text(
        s.app
            .client
            .get(s.app.url("/carte?level=commune"))
            .send()
            .await?,
    )
    .await?;
    assert!(
        page.contains("Initiatives pour 100 personnels — Commune"),
        "{page}"
    );
    assert!(
        page.contains("<td>28,6</td>"),
        "two for seven people: 28,6 per hundred"
    );
    assert!(page.contains("non significatif"));
    Ok(())
}

#[tokio::test]
async fn the_map_page_works_without_javascript() -> anyhow::Result<()> {
    let s = scene().await?;
    s.practice(
        &s.marie,
        published("Débats philosophiques en CM2", "public"),
    )
    .await?;
    s.practice(&s.jeanne, published("Lecture à voix haute", "public"))
        .await?;
    let browser = client()?;
    let page = text(
        browser
            .get(s.app.url("/carte?layers=pratiques&layers=essais&zoom=9"))
            .send()
            .await?,
    )
    .await?;
    assert!(page.contains("<h1>Carte des initiatives</h1>"));
    assert!(page.contains("La carte en tableau"));
    // The table: one row a cluster, with a link to the list behind it.
    assert!(page.contains("<th scope=\"row\">Arras</th>"), "{page}");
    assert!(page.contains("<th scope=\"row\">Clermont-Ferrand</th>"));
    let link = page
        .split("href=\"/carte/lieux?")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| anyhow::anyhow!("no list link"))?
        .to_owned();
    let list = text(
        browser
            .get(s.app.url(&format!("/carte/lieux?{link}")))
            .send()
            .await?,
    )
    .await?;
    assert!(list.contains("<h1>Lieux de ce regroupement</h1>"));
    assert!(list.contains("href=\"/etablissements/0620001P\""), "{list}");
    assert!(!list.contains("0630001J"), "only the cluster's places");
    // The checked layers stay checked; the fragment the script swaps in is the same table.
    assert!(page.contains("value=\"pratiques\" checked"));
    assert!(!page.contains("value=\"visites\" checked"));
    let fragment = text(
        browser
            .get(s.app.url("/carte/tableau?layers=pratiques&zoom=9"))
            .send()
            .await?,
    )
    .await?;
    assert!(fragment.starts_with("<div id=\"carte-tableau\""));
    assert!(fragment.contains("<th scope=\"row\">Arras</th>"));
    // Bad filters: a French message, the default view, status 400.
    let bad = browser.get(s.app.url("/carte?from=2026-13")).send().await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad = text(bad).await?;
    assert!(bad.contains("Filtres incorrects") && bad.contains("« 2026-13 » n'est pas un mois"));
    assert!(bad.contains("La carte en tableau"));
    let fragment = browser
        .get(s.app.url("/carte/tableau?zoom=99"))
        .send()
        .await?;
    assert_eq!(fragment.status(), StatusCode::BAD_REQUEST);
    Ok(())
}

#[tokio::test]
async fn the_outlines_are_served_by_the_platform() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    // Without gzip: plain GeoJSON of the 101 départements.
    let plain = reqwest::Client::builder().no_gzip().build()?;
    let answer = plain
        .get(app.url("/carte/fonds/departements.geojson"))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["content-type"], "application/geo+json");
    let geojson: Value = answer.json().await?;
    assert_eq!(geojson["features"].as_array().map(Vec::len), Some(101));
    // With gzip: the stored bytes, compressed once for all.
    let zipped = plain
        .get(app.url("/carte/fonds/communes.geojson"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await?;
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    let bytes = zipped.bytes().await?;
    let mut json = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut json)?;
    let communes: Value = serde_json::from_str(&json)?;
    let arras = communes["features"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["properties"]["code"] == "62041"))
        .ok_or_else(|| anyhow::anyhow!("Arras is a pilot commune"))?;
    assert_eq!(arras["properties"]["nom"], "Arras");
    assert_eq!(
        plain
            .get(app.url("/carte/fonds/cantons.geojson"))
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    Ok(())
}

#[tokio::test]
async fn bad_map_queries_are_refused_in_french() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    for (query, words) in [
        ("bbox=1,2,3", "ouest,sud,est,nord"),
        ("bbox=3,50,1,51", "ouest,sud,est,nord"),
        ("zoom=21", "oom « 21 » invalide (de 0 à 20)"),
        ("zoom=-1", "oom « -1 » invalide"),
        ("layers=pratiques,zebres", "ouche « zebres » inconnue"),
        ("from=2026-13", "« 2026-13 » n'est pas un mois"),
        (
            "from=2026-05&to=2026-01",
            "a période commence (mai 2026) après sa fin (janvier 2026)",
        ),
        (
            "theme=subject:astrologie",
            "hème « subject:astrologie » inconnu",
        ),
        ("skill=telepathie", "ompétence « telepathie » inconnue"),
        ("type=chateau", "ype d'établissement « chateau » inconnu"),
        ("territory=abc", "erritoire « abc » inconnu"),
    ] {
        let answer = app
            .client
            .get(app.url(&format!("/api/v1/map/clusters?{query}")))
            .send()
            .await?;
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = answer.json().await?;
        assert_eq!(body["error"], "bad_request", "{query}");
        assert!(
            body["message"].as_str().unwrap_or_default().contains(words),
            "{query}: {body}"
        );
    }
    let answer = app
        .client
        .get(app.url("/api/v1/map/choropleth?level=canton"))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let body: Value = answer.json().await?;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("chelle « canton » inconnue")
    );
    Ok(())
}

#[tokio::test]
async fn a_tile_server_is_let_into_the_map_page_only() -> anyhow::Result<()> {
    let app = TestApp::spawn_with(web::WebSettings {
        map_refresh: std::time::Duration::ZERO,
        map_tiles: web::MapTiles::new(
            "https://tuiles.example.fr/{z}/{x}/{y}.png",
            "© contributeurs",
        )
        .map_err(anyhow::Error::msg)?,
        ..web::WebSettings::default()
    })
    .await?;
    let page = app.client.get(app.url("/carte")).send().await?;
    let policy = page.headers()["content-security-policy"]
        .to_str()?
        .to_owned();
    assert!(
        policy.contains("img-src 'self' data: https://tuiles.example.fr;"),
        "{policy}"
    );
    assert!(
        text(page)
            .await?
            .contains("data-tiles=\"https://tuiles.example.fr/{z}/{x}/{y}.png\"")
    );
    let home = app.client.get(app.url("/")).send().await?;
    assert!(
        !home.headers()["content-security-policy"]
            .to_str()?
            .contains("tuiles.example.fr")
    );
    for (url, words) in [
        ("ftp://tuiles.example.fr/{z}/{x}/{y}.png", "https://"),
        ("https://tuiles.example.fr/carte.png", "{z}, {x} et {y}"),
        ("https://{s}.example.fr/{z}/{x}/{y}.png", "en clair"),
    ] {
        let error = web::MapTiles::new(url, "").err().unwrap_or_default();
        assert!(error.contains(words), "{url}: {error}");
    }
    assert_eq!(web::MapTiles::new("  ", "").ok(), Some(None));
    Ok(())
}

/// An anonymous visitor learns nothing of a practice shared with a territory: not in the
/// places behind a cluster (all layers, as the map asks for them), not in the choropleth, not
/// in the table under the map; a member of the territory sees it everywhere.
#[tokio::test]
async fn anonymous_visitors_count_no_territory_practice_anywhere() -> anyhow::Result<()> {
    let s = scene().await?;
    // The maternelle's only practice is for the territory's members.
    s.practice(&s.marie, json!({"title": "Conseil d'élèves", "summary": "Entre nous.", "visibility": "territory", "territory": s.territory, "status": "published", "establishments": ["0620002R"]})).await?;
    let arras = "2.70,50.25,2.85,50.32";
    let places = |token: Option<String>, layers: &'static str| {
        let app = &s.app;
        async move {
            let mut request = app
                .client
                .get(app.url(&format!("/api/v1/map/places?layers={layers}&bbox={arras}")));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            anyhow::Ok(request.send().await?.json::<Value>().await?)
        }
    };
    for layers in [
        "pratiques",
        "etablissements,pratiques,essais",
        "etablissements,pratiques,essais,visites,reseaux,evenements",
    ] {
        let seen = places(None, layers).await?;
        let maternelle = seen["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["uai"] == "0620002R");
        let practices = maternelle.map_or(0, |p| p["counts"]["pratiques"].as_u64().unwrap_or(0));
        assert_eq!(practices, 0, "anonymous, {layers}: {seen}");
        let member = places(Some(s.marie.clone()), layers).await?;
        let maternelle = member["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["uai"] == "0620002R");
        assert_eq!(
            maternelle.map_or(0, |p| p["counts"]["pratiques"].as_u64().unwrap_or(0)),
            1,
            "a member, {layers}: {member}"
        );
    }
    let choropleth: Value = s
        .app
        .client
        .get(s.app.url("/api/v1/map/choropleth?level=commune"))
        .send()
        .await?
        .json()
        .await?;
    let arras_initiatives = choropleth["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|i| i["name"] == "Arras")
        .map(|i| i["initiatives"].as_u64().unwrap_or(0))
        .sum::<u64>();
    assert_eq!(arras_initiatives, 0, "{choropleth}");
    let table = s
        .app
        .client
        .get(
            s.app
                .url("/carte/lieux?layers=pratiques&bbox=2.70,50.25,2.85,50.32"),
        )
        .send()
        .await?
        .text()
        .await?;
    assert!(!table.contains("École maternelle"), "{table}");
    Ok(())
}
