//! Personal data through HTTP: the export holds what the person created, files included;
//! closing the account leaves none of their personal data in the database, the search index
//! or the blob store — with their contributions kept as « Ancien membre », or deleted with
//! the co-authors' parts kept.

use std::io::Read;

use domain::accounts::Function;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use testkit::{TestApp, client, find_text, location, text};

const PASSWORD: &str = "une phrase de passe solide";

struct Scene {
    app: TestApp,
    marie: reqwest::Client,
    token: String,
    paul_token: String,
    alone: i64,
    shared: i64,
    blob_key: String,
    file: Vec<u8>,
}

/// Marie writes a practice alone (with a PDF), Paul writes one with her as co-author, and she
/// comments on his.
async fn scene() -> anyhow::Result<Scene> {
    let app = TestApp::spawn().await?;
    app.import(&testkit::sample_annuaire()).await?;
    let marie_id = testkit::create_staff(
        &app.db,
        "marie.curie@ac-lille.fr",
        Function::Enseignant1d,
        Some(PASSWORD),
        Some("0620001P"),
        None,
    )
    .await?;
    let paul_id = app
        .create_person(
            "paul.langevin@ac-lille.fr",
            Function::Enseignant1d,
            PASSWORD,
            false,
        )
        .await?;
    let token = store::accounts::create_api_token(&app.db, marie_id).await?;
    let paul_token = store::accounts::create_api_token(&app.db, paul_id).await?;
    let created = |token: String, body: Value| {
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
    let alone = created(token.clone(), json!({"title": "Radium en classe de CM2", "summary": "Une expérience.", "visibility": "public"})).await?;
    let shared = created(
        paul_token.clone(),
        json!({"title": "Ondes et marelles", "summary": "À deux voix.", "visibility": "public", "coauthors": ["marie.curie@ac-lille.fr"]}),
    )
    .await?;
    let mut file = b"%PDF-1.7\n".to_vec();
    file.resize(5_000, b'%');
    let uploaded = app
        .client
        .post(app.url(&format!("/api/v1/practices/{alone}/media")))
        .bearer_auth(&token)
        .multipart(Form::new().part("file", Part::bytes(file.clone()).file_name("fiche.pdf")))
        .send()
        .await?;
    assert!(uploaded.status().is_success(), "{}", uploaded.status());
    let media =
        store::practices::media::of_practice(&app.db, domain::ids::PracticeId(alone)).await?;
    let blob_key = media
        .first()
        .map(|m| m.media.blob_key.clone())
        .unwrap_or_default();
    assert!(app.state.blobs.exists(&blob_key).await?);

    let marie = client()?;
    assert_eq!(
        location(
            &app.login(&marie, "marie.curie@ac-lille.fr", PASSWORD)
                .await?
        ),
        "/"
    );
    let page = format!("/pratiques/{shared}");
    let answer = app
        .submit(
            &marie,
            &page,
            &format!("{page}/commentaires"),
            &[("body", "Merci pour la marelle polonaise !")],
        )
        .await?;
    assert!(answer.status().is_redirection(), "{}", answer.status());
    let scene = Scene {
        app,
        marie,
        token,
        paul_token,
        alone,
        shared,
        blob_key,
        file,
    };
    assert_eq!(
        found_by_paul(&scene, "curie").await?,
        1,
        "her name is in the index"
    );
    Ok(scene)
}

/// How many documents Paul (co-author of the shared practice) finds for `q`.
async fn found_by_paul(s: &Scene, q: &str) -> anyhow::Result<i64> {
    let found: Value = s
        .app
        .client
        .get(s.app.url(&format!("/api/v1/search?q={q}")))
        .bearer_auth(&s.paul_token)
        .send()
        .await?
        .json()
        .await?;
    Ok(found["total"].as_i64().unwrap_or(-1))
}

fn entries(zip: &[u8]) -> anyhow::Result<std::collections::BTreeMap<String, Vec<u8>>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip))?;
    let mut out = std::collections::BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let name = entry.name()?.into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes)?;
        out.insert(name, bytes);
    }
    Ok(out)
}

fn section(
    files: &std::collections::BTreeMap<String, Vec<u8>>,
    name: &str,
) -> anyhow::Result<Value> {
    let bytes = files
        .get(&format!("donnees/{name}.json"))
        .ok_or_else(|| anyhow::anyhow!("no {name}"))?;
    Ok(serde_json::from_slice(bytes)?)
}

#[tokio::test]
async fn the_export_holds_what_the_person_created_and_their_files() -> anyhow::Result<()> {
    let s = scene().await?;
    let answer = s.marie.get(s.app.url("/api/v1/me/export")).send().await?;
    assert_eq!(
        answer.status(),
        StatusCode::OK,
        "{}",
        answer.text().await.unwrap_or_default()
    );
    assert!(
        answer.headers()["content-disposition"]
            .to_str()?
            .contains("territoire-mes-donnees-")
    );
    let files = entries(&answer.bytes().await?)?;

    let profile = section(&files, "profil")?;
    assert_eq!(profile[0]["email"], "marie.curie@ac-lille.fr");
    assert_eq!(profile[0]["fonction"], "enseignant-1d");
    assert_eq!(section(&files, "etablissements")?[0]["uai"], "0620001P");
    let practices = section(&files, "pratiques")?;
    let titles: Vec<&str> = practices
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["titre"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        titles,
        ["Radium en classe de CM2", "Ondes et marelles"],
        "alone and co-authored"
    );
    assert_eq!(
        section(&files, "commentaires-de-pratiques")?[0]["texte"],
        "Merci pour la marelle polonaise !"
    );
    let sessions = section(&files, "sessions")?;
    assert_eq!(sessions.as_array().map(Vec::len), Some(1));
    assert_eq!(sessions[0]["ip"], "127.0.0.1");
    let journal = section(&files, "journal-de-securite")?;
    assert!(
        journal
            .as_array()
            .is_some_and(|j| j.iter().any(|e| e["action"] == "sign-in"))
    );
    let pdf = files
        .iter()
        .find(|(name, _)| name.starts_with("fichiers/pratiques/") && name.ends_with("-fiche.pdf"));
    assert_eq!(
        pdf.map(|(_, bytes)| bytes),
        Some(&s.file),
        "the file as sent"
    );
    assert!(files.contains_key("LISEZMOI.txt"));

    // Paul's export holds nothing of Marie's own.
    let paul = client()?;
    s.app
        .login(&paul, "paul.langevin@ac-lille.fr", PASSWORD)
        .await?;
    let theirs = entries(
        &paul
            .get(s.app.url("/api/v1/me/export"))
            .send()
            .await?
            .bytes()
            .await?,
    )?;
    assert_eq!(section(&theirs, "commentaires-de-pratiques")?, json!([]));
    assert!(!theirs.keys().any(|k| k.starts_with("fichiers/")));
    assert_eq!(
        client()?
            .get(s.app.url("/api/v1/me/export"))
            .send()
            .await?
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert!(
        testkit::audit_trail(&s.app.db)
            .await?
            .iter()
            .any(|(a, _)| a == "export")
    );
    Ok(())
}

async fn close(s: &Scene, contributions: &str) -> anyhow::Result<()> {
    let wrong = s
        .app
        .submit(
            &s.marie,
            "/compte/fermeture",
            "/compte/fermeture",
            &[("confirmation", "oui"), ("contributions", contributions)],
        )
        .await?;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(text(wrong).await?.contains("écrivez « fermer mon compte »"));
    let closed = s
        .app
        .submit(
            &s.marie,
            "/compte/fermeture",
            "/compte/fermeture",
            &[
                ("confirmation", "Fermer mon compte"),
                ("contributions", contributions),
            ],
        )
        .await?;
    assert_eq!(location(&closed), "/donnees-personnelles?compte-ferme=1");
    assert_eq!(
        s.marie.get(s.app.url("/compte")).send().await?.status(),
        StatusCode::SEE_OTHER,
        "signed out"
    );
    assert_eq!(
        s.app
            .client
            .get(s.app.url("/api/v1/me"))
            .bearer_auth(&s.token)
            .send()
            .await?
            .status(),
        StatusCode::UNAUTHORIZED
    );
    Ok(())
}

/// Nothing names Marie any more: not a text column of the database, not the search index.
async fn nothing_names_her(s: &Scene) -> anyhow::Result<()> {
    assert_eq!(
        find_text(&s.app.db, "marie.curie").await?,
        Vec::<String>::new()
    );
    assert_eq!(found_by_paul(s, "curie").await?, 0, "nor the search index");
    let trail = testkit::audit_trail(&s.app.db).await?;
    assert!(trail.iter().any(|(a, _)| a == "account-closed"));
    // Her address opens nothing any more.
    let refused = s
        .app
        .login(&client()?, "marie.curie@ac-lille.fr", PASSWORD)
        .await?;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

async fn authors(s: &Scene, practice: i64) -> anyhow::Result<Vec<String>> {
    let detail = store::practices::get(&s.app.db, domain::ids::PracticeId(practice)).await?;
    Ok(detail.authors.into_iter().map(|a| a.name).collect())
}

#[tokio::test]
async fn closing_keeps_the_contributions_under_ancien_membre() -> anyhow::Result<()> {
    let s = scene().await?;
    close(&s, "non").await?;
    nothing_names_her(&s).await?;
    assert_eq!(authors(&s, s.alone).await?, ["Ancien membre"]);
    assert_eq!(
        authors(&s, s.shared).await?,
        ["Personne paul.langevin", "Ancien membre"]
    );
    assert!(
        s.app.state.blobs.exists(&s.blob_key).await?,
        "the practice keeps its file"
    );
    assert_eq!(
        find_text(&s.app.db, "marelle polonaise").await?,
        ["practice_comments.body"],
        "her comment stays"
    );
    Ok(())
}

#[tokio::test]
async fn closing_with_deletion_keeps_only_the_co_authors_parts() -> anyhow::Result<()> {
    let s = scene().await?;
    close(&s, "oui").await?;
    nothing_names_her(&s).await?;
    assert!(
        matches!(
            store::practices::get(&s.app.db, domain::ids::PracticeId(s.alone)).await,
            Err(store::StoreError::NotFound)
        ),
        "the practice she wrote alone is gone"
    );
    assert_eq!(
        authors(&s, s.shared).await?,
        ["Personne paul.langevin"],
        "the shared one stays, with Paul alone"
    );
    assert!(
        find_text(&s.app.db, "marelle polonaise").await?.is_empty(),
        "her comment is gone"
    );
    assert!(find_text(&s.app.db, "Radium en classe").await?.is_empty());
    assert_eq!(
        found_by_paul(&s, "marelles").await?,
        1,
        "Paul's practice is still found"
    );
    for _ in 0..100 {
        if !s.app.state.blobs.exists(&s.blob_key).await? {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    anyhow::bail!("the practice's file is still in the blob store")
}

#[tokio::test]
async fn the_personal_data_page_follows_the_configuration() -> anyhow::Result<()> {
    let defaults = TestApp::spawn().await?;
    let page = text(
        client()?
            .get(defaults.url("/donnees-personnelles"))
            .send()
            .await?,
    )
    .await?;
    assert!(
        page.contains("n'a pas encore été renseigné"),
        "no controller configured"
    );
    assert!(page.contains("un compte inutilisé pendant 3 ans est fermé"));
    assert!(page.contains("1 an"), "the audit trail's retention");
    assert!(
        page.contains("après 4 heures sans activité")
            && page.contains("au plus tard après 14 jours")
    );
    assert!(page.contains("Chacun peut créer un compte local"));

    let settings = web::WebSettings {
        privacy: domain::accounts::privacy::Privacy {
            inactive_account_days: 730,
            chat_history_days: 180,
            audit_days: 90,
            controller: "Rectorat de l'académie de Lille".to_owned(),
            contact: "dpd@ac-lille.fr".to_owned(),
            ..Default::default()
        },
        local_signup: false,
        session_idle_secs: 3600,
        ..web::WebSettings::default()
    };
    let configured = TestApp::spawn_with(settings).await?;
    let page = text(
        client()?
            .get(configured.url("/donnees-personnelles"))
            .send()
            .await?,
    )
    .await?;
    assert!(
        page.contains("Rectorat de l'académie de Lille") && page.contains("mailto:dpd@ac-lille.fr")
    );
    assert!(page.contains("un compte inutilisé pendant 2 ans est fermé"));
    assert!(page.contains("6 mois"), "chat history");
    assert!(page.contains("3 mois"), "the audit trail (90 days)");
    assert!(page.contains("après 1 heure sans activité"));
    assert!(page.contains("uniquement sur invitation"));
    Ok(())
}
