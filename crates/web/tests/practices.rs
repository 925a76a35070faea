//! The practice library through HTTP: writing with a preview, sanitised Markdown, publishing,
//! visibility on pages, API and search (no existence leak), versions, comments, trials,
//! bookmarks, follows, notifications, the public page and its feed.

use domain::accounts::Function;
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::{TestApp, client, csrf_of};

const PASSWORD: &str = "une phrase de passe";

async fn signed_in(app: &TestApp, email: &str) -> anyhow::Result<reqwest::Client> {
    app.create_person(email, Function::Enseignant1d, PASSWORD, false)
        .await?;
    let client = client()?;
    let answer = app.login(&client, email, PASSWORD).await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    Ok(client)
}

fn practice_form<'a>(
    csrf: &'a str,
    title: &'a str,
    body: &'a str,
    visibility: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", title),
        ("summary", "Des élèves qui apprennent en enseignant."),
        ("body_markdown", body),
        ("objectives", "Autonomie"),
        ("class_size", "24"),
        ("licence", "CC-BY"),
        ("visibility", visibility),
        ("territory", ""),
        ("level", "cycle-3"),
        ("level", "cycle-4"),
        ("subject", "mathematiques"),
        ("free_tags", "tutorat, entraide"),
        ("coauthors", ""),
        ("establishments", ""),
        ("action", "enregistrer"),
    ]
}

/// Writes a practice through the form; returns its id.
async fn write(
    app: &TestApp,
    client: &reqwest::Client,
    title: &str,
    body: &str,
    visibility: &str,
) -> anyhow::Result<i64> {
    let csrf = app.csrf(client, "/pratiques/nouvelle").await?;
    let answer = client
        .post(app.url("/pratiques"))
        .form(&practice_form(&csrf, title, body, visibility))
        .send()
        .await?;
    assert_eq!(
        answer.status(),
        StatusCode::SEE_OTHER,
        "{}",
        answer.text().await?
    );
    let location = answer.headers()["location"].to_str()?.to_owned();
    Ok(location.trim_start_matches("/pratiques/").parse()?)
}

async fn press(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    action: &str,
) -> anyhow::Result<StatusCode> {
    let csrf = app.csrf(client, page).await?;
    Ok(client
        .post(app.url(action))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await?
        .status())
}

async fn status_of(client: &reqwest::Client, url: String) -> anyhow::Result<StatusCode> {
    Ok(client.get(url).send().await?.status())
}

#[tokio::test]
async fn writing_previewing_and_publishing_a_practice() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let author = signed_in(&app, "auteur@ac-lille.fr").await?;

    // Anonymous visitors are sent to the login page.
    let answer = app
        .client
        .get(app.url("/pratiques/nouvelle"))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);

    // The preview shows the sanitised rendering and keeps everything typed; nothing is saved.
    let csrf = app.csrf(&author, "/pratiques/nouvelle").await?;
    let body = "## Déroulé\n\nLes **tuteurs** aident.<script>alert('x')</script> [voir](javascript:alert(1))";
    let mut form = practice_form(&csrf, "Tutorat entre pairs", body, "public");
    form.retain(|(k, _)| *k != "action");
    form.push(("action", "apercu"));
    let preview = author
        .post(app.url("/pratiques"))
        .form(&form)
        .send()
        .await?;
    assert_eq!(preview.status(), StatusCode::OK);
    let page = preview.text().await?;
    assert!(page.contains("Aperçu du récit"));
    assert!(
        page.contains("<h2>Déroulé</h2>") && page.contains("<strong>tuteurs</strong>"),
        "{page}"
    );
    assert!(!page.contains("<script>alert"), "no script in the preview");
    assert!(
        !page.contains("href=\"javascript:"),
        "no javascript: link in the preview"
    );
    assert!(
        page.contains("value=\"Tutorat entre pairs\""),
        "the title typed is kept"
    );
    assert!(
        page.contains("id=\"tag-level-cycle-4\" name=\"level\" value=\"cycle-4\" checked"),
        "the tags ticked are kept"
    );
    assert!(
        store::practices::by_author(&app.db, domain::ids::PersonId(1))
            .await?
            .is_empty()
    );

    // A bad field shows the form again with a French message, and keeps what was typed.
    let mut bad = practice_form(&csrf, "ab", body, "public");
    bad.retain(|(k, _)| *k != "class_size");
    bad.push(("class_size", "trente"));
    let refused = author.post(app.url("/pratiques")).form(&bad).send().await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await?;
    assert!(
        page.contains("Le titre doit compter au moins 3 caractères."),
        "{page}"
    );
    assert!(page.contains("value=\"ab\""));

    let id = write(&app, &author, "Tutorat entre pairs", body, "public").await?;
    let page = author
        .get(app.url(&format!("/pratiques/{id}")))
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("Brouillon"));
    assert!(page.contains("<strong>tuteurs</strong>"));
    assert!(
        !page.contains("alert("),
        "the stored body is sanitised when shown"
    );
    assert!(page.contains("Cycle 4 (5e, 4e, 3e)") && page.contains("tutorat"));

    // A draft is the authors' only: 404 for the others, as if it did not exist.
    let other = signed_in(&app, "autre@ac-lille.fr").await?;
    assert_eq!(
        status_of(&app.client, app.url(&format!("/pratiques/{id}"))).await?,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status_of(&other, app.url(&format!("/pratiques/{id}"))).await?,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status_of(&other, app.url(&format!("/api/v1/practices/{id}"))).await?,
        StatusCode::NOT_FOUND
    );

    let page = format!("/pratiques/{id}");
    assert_eq!(
        press(&app, &author, &page, &format!("/pratiques/{id}/publier")).await?,
        StatusCode::SEE_OTHER
    );
    let public = app.client.get(app.url(&page)).send().await?;
    assert_eq!(public.status(), StatusCode::OK);
    let html = public.text().await?;
    assert!(
        html.contains("<meta property=\"og:title\" content=\"Tutorat entre pairs\">"),
        "OpenGraph on public pages"
    );
    assert!(html.contains(&format!("/pratiques/{id}\">")) || html.contains("og:url"));
    // Someone else may read it but not change it.
    assert_eq!(
        status_of(&other, app.url(&format!("/pratiques/{id}/modifier"))).await?,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        press(&app, &other, &page, &format!("/pratiques/{id}/depublier")).await?,
        StatusCode::FORBIDDEN
    );

    // It is in the Atom feed and found by the search, accents and endings aside.
    let feed = app
        .client
        .get(app.url("/pratiques/flux.atom"))
        .send()
        .await?;
    assert_eq!(
        feed.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let feed = feed.text().await?;
    assert!(
        feed.contains("<title>Tutorat entre pairs</title>"),
        "{feed}"
    );
    let found = app
        .client
        .get(app.url("/pratiques?q=eleve+tuteur"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        found.contains(&format!("href=\"/pratiques/{id}\"")),
        "{found}"
    );
    assert!(found.contains("<mark>"), "the words found are highlighted");
    let filtered = app
        .client
        .get(app.url("/pratiques?level=cycle-1"))
        .send()
        .await?
        .text()
        .await?;
    assert!(filtered.contains("Aucune pratique ne correspond"));

    // An edit keeps a second version, and the two can be compared.
    let csrf = app
        .csrf(&author, &format!("/pratiques/{id}/modifier"))
        .await?;
    let mut edit = practice_form(
        &csrf,
        "Tutorat entre pairs",
        "## Déroulé\n\nLes tuteurs changent chaque semaine.",
        "public",
    );
    edit.retain(|(k, _)| *k != "action");
    let saved = author
        .post(app.url(&format!("/pratiques/{id}/modifier")))
        .form(&edit)
        .send()
        .await?;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let versions = app
        .client
        .get(app.url(&format!("/pratiques/{id}/versions?de=1&a=2")))
        .send()
        .await?
        .text()
        .await?;
    assert!(versions.contains("<ins><span class=\"fr-sr-only\">Ajouté : </span>Les tuteurs changent chaque semaine.</ins>"), "{versions}");
    assert!(versions.contains("<del><span class=\"fr-sr-only\">Retiré : </span>"));
    Ok(())
}

#[tokio::test]
async fn private_practices_leak_through_no_door() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let author = signed_in(&app, "auteur@ac-lille.fr").await?;
    let other = signed_in(&app, "curieux@ac-lille.fr").await?;
    let private = write(
        &app,
        &author,
        "Journal de bord secret",
        "Mes notes personnelles de tutorat.",
        "private",
    )
    .await?;
    let page = format!("/pratiques/{private}");
    assert_eq!(
        press(&app, &author, &page, &format!("{page}/publier")).await?,
        StatusCode::SEE_OTHER
    );
    let platform = write(
        &app,
        &author,
        "Tutorat plateforme",
        "Tutorat pour les collègues.",
        "platform",
    )
    .await?;
    assert_eq!(
        press(
            &app,
            &author,
            &format!("/pratiques/{platform}"),
            &format!("/pratiques/{platform}/publier")
        )
        .await?,
        StatusCode::SEE_OTHER
    );

    for path in [
        page.clone(),
        format!("{page}/versions"),
        format!("{page}/modifier"),
        format!("/api/v1/practices/{private}"),
    ] {
        assert_eq!(
            status_of(&other, app.url(&path)).await?,
            StatusCode::NOT_FOUND,
            "{path}"
        );
        // Anonymous visitors are asked to sign in before editing anything, whatever the id.
        let anonymous = if path.ends_with("/modifier") {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::NOT_FOUND
        };
        assert_eq!(
            status_of(&app.client, app.url(&path)).await?,
            anonymous,
            "{path}"
        );
    }
    // Acting on it answers 404 too, and changes nothing.
    let csrf = app.csrf(&other, "/pratiques").await?;
    let comment = other
        .post(app.url(&format!("{page}/commentaires")))
        .form(&[("csrf", csrf.as_str()), ("body", "Je vois tout")])
        .send()
        .await?;
    assert_eq!(comment.status(), StatusCode::NOT_FOUND);
    assert!(
        store::practices::comments(&app.db, domain::ids::PracticeId(private))
            .await?
            .is_empty()
    );

    // The search finds it for its author only.
    let search = |client: reqwest::Client| {
        let url = app.url("/api/v1/search?q=tutorat");
        async move { anyhow::Ok(client.get(url).send().await?.json::<Value>().await?) }
    };
    let mine = search(author.clone()).await?;
    assert_eq!(mine["total"], 2);
    let theirs = search(other.clone()).await?;
    assert_eq!(theirs["total"], 1);
    assert_eq!(theirs["items"][0]["id"], platform);
    let anyone = search(app.client.clone()).await?;
    assert_eq!(anyone["total"], 0, "platform practices need an account");
    assert!(anyone["facets"].as_array().is_some_and(Vec::is_empty));
    let html = other
        .get(app.url("/pratiques?q=secret"))
        .send()
        .await?
        .text()
        .await?;
    assert!(!html.contains("Journal de bord"));
    // Not in the public feed either.
    let feed = app
        .client
        .get(app.url("/pratiques/flux.atom"))
        .send()
        .await?
        .text()
        .await?;
    assert!(!feed.contains("Journal de bord") && !feed.contains("Tutorat plateforme"));
    Ok(())
}

#[tokio::test]
async fn the_api_writes_reads_changes_and_deletes() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let author = app
        .create_person(
            "auteur@ac-lille.fr",
            Function::Enseignant2d,
            PASSWORD,
            false,
        )
        .await?;
    let reader = app
        .create_person(
            "lecteur@ac-lille.fr",
            Function::Enseignant2d,
            PASSWORD,
            false,
        )
        .await?;
    let token = store::accounts::create_api_token(&app.db, author).await?;
    let reader_token = store::accounts::create_api_token(&app.db, reader).await?;
    let url = app.url("/api/v1/practices");

    let anonymous = app
        .client
        .post(&url)
        .json(&json!({"title": "Sans compte"}))
        .send()
        .await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let bad = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({"title": "Classe inversée", "summary": "x", "visibility": "everyone"}))
        .send()
        .await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad.json().await?;
    assert_eq!(body["error"], "bad_request");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Visibilité inconnue : « everyone »")),
        "{body}"
    );
    let bad_tag = app.client.post(&url).bearer_auth(&token)
        .json(&json!({"title": "Classe inversée", "summary": "x", "tags": [{"vocabulary": "subject", "code": "alchimie"}]}))
        .send().await?;
    assert_eq!(bad_tag.status(), StatusCode::BAD_REQUEST);
    let malformed = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await?;
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);

    let created = app.client.post(&url).bearer_auth(&token).json(&json!({
        "title": "Classe inversée en SVT",
        "summary": "Les vidéos à la maison, les exercices en classe.",
        "body_markdown": "Un *protocole* <img src=x onerror=alert(1)> simple.",
        "visibility": "platform",
        "status": "published",
        "tags": [{"vocabulary": "subject", "code": "svt"}, {"vocabulary": "level", "code": "cycle-4"}]
    })).send().await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let practice: Value = created.json().await?;
    let id = practice["id"].as_i64().unwrap_or_default();
    assert_eq!(practice["status"], "published");
    assert_eq!(practice["version"], 1);
    assert_eq!(
        practice["body_html"],
        "<p>Un <em>protocole</em>  simple.</p>\n"
    );
    assert_eq!(practice["authors"][0]["name"], "Personne auteur");
    assert_eq!(practice["tags"].as_array().map(Vec::len), Some(2));
    assert!(practice["media"].as_array().is_some());

    let one = format!("{url}/{id}");
    let read: Value = app
        .client
        .get(&one)
        .bearer_auth(&reader_token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(read["title"], "Classe inversée en SVT");
    assert_eq!(
        status_of(&app.client, one.clone()).await?,
        StatusCode::NOT_FOUND,
        "platform practices need an account"
    );
    let forbidden = app
        .client
        .patch(&one)
        .bearer_auth(&reader_token)
        .json(&json!({"title": "Piraté"}))
        .send()
        .await?;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);

    let patched = app
        .client
        .patch(&one)
        .bearer_auth(&token)
        .json(&json!({"visibility": "public"}))
        .send()
        .await?;
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: Value = patched.json().await?;
    assert_eq!(patched["visibility"], "public");
    assert_eq!(
        patched["title"], "Classe inversée en SVT",
        "fields not given are kept"
    );
    assert_eq!(patched["tags"].as_array().map(Vec::len), Some(2));
    assert_eq!(patched["version"], 2);

    let found: Value = app
        .client
        .get(app.url("/api/v1/search?q=inversee&subject=svt"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["id"], id);
    assert!(found["facets"].as_array().is_some_and(|f| {
        f.iter()
            .any(|f| f["facet"] == "subject" && f["value"] == "svt" && f["count"] == 1)
    }));
    let listed: Value = app.client.get(&url).send().await?.json().await?;
    assert_eq!(listed["total"], 1);

    assert_eq!(
        app.client
            .delete(&one)
            .bearer_auth(&reader_token)
            .send()
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.client
            .delete(&one)
            .bearer_auth(&token)
            .send()
            .await?
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(status_of(&app.client, one).await?, StatusCode::NOT_FOUND);
    assert_eq!(
        testkit::audit_trail(&app.db).await?.last(),
        Some(&("deletion".to_owned(), format!("pratique:{id}")))
    );
    let found: Value = app
        .client
        .get(app.url("/api/v1/search?q=inversee"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(found["total"], 0, "a deleted practice leaves the index");
    Ok(())
}

#[tokio::test]
async fn colleagues_comment_try_bookmark_and_follow() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let author = signed_in(&app, "auteur@ac-lille.fr").await?;
    let colleague = signed_in(&app, "collegue@ac-lille.fr").await?;
    // The colleague follows the author before the author publishes.
    let first = write(
        &app,
        &author,
        "Rituels de calcul mental",
        "Chaque matin, dix minutes.",
        "platform",
    )
    .await?;
    let page = format!("/pratiques/{first}");
    assert_eq!(
        press(&app, &author, &page, &format!("{page}/publier")).await?,
        StatusCode::SEE_OTHER
    );
    let html = colleague.get(app.url(&page)).send().await?.text().await?;
    let csrf = csrf_of(&html).unwrap_or_default();
    let follow = colleague
        .post(app.url("/suivre"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("target", "person:1"),
            ("back", page.as_str()),
        ])
        .send()
        .await?;
    assert_eq!(follow.status(), StatusCode::SEE_OTHER);
    let html = colleague.get(app.url(&page)).send().await?.text().await?;
    assert!(html.contains("Ne plus suivre<span class=\"fr-sr-only\"> Personne auteur"));
    let bogus = colleague
        .post(app.url("/suivre"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("target", "tag:level:cycle-9"),
            ("back", "/"),
        ])
        .send()
        .await?;
    assert_eq!(bogus.status(), StatusCode::BAD_REQUEST);

    let second = write(
        &app,
        &author,
        "Dictée flash",
        "Une phrase par jour.",
        "platform",
    )
    .await?;
    assert_eq!(
        press(
            &app,
            &author,
            &format!("/pratiques/{second}"),
            &format!("/pratiques/{second}/publier")
        )
        .await?,
        StatusCode::SEE_OTHER
    );
    let notices = colleague
        .get(app.url("/notifications"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        notices.contains("Nouvelle pratique publiée : « Dictée flash »"),
        "{notices}"
    );
    assert!(notices.contains("Nouveau"));
    let again = colleague
        .get(app.url("/notifications"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        !again.contains("fr-badge--new"),
        "seen notifications are marked read"
    );

    let comment = colleague
        .post(app.url(&format!("{page}/commentaires")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("body", "Essayé en CE2 <b>avec succès</b>"),
        ])
        .send()
        .await?;
    assert_eq!(comment.status(), StatusCode::SEE_OTHER);
    let trial = colleague
        .post(app.url(&format!("{page}/essais")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("tried_on", "2026-10-05"),
            ("establishment", ""),
            ("adaptations", "En binômes."),
            ("outcome", "Plus de participation."),
        ])
        .send()
        .await?;
    assert_eq!(trial.status(), StatusCode::SEE_OTHER);
    let bad_date = colleague
        .post(app.url(&format!("{page}/essais")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("tried_on", "05/10/2026"),
            ("establishment", ""),
            ("adaptations", ""),
            ("outcome", "Bien."),
        ])
        .send()
        .await?;
    assert_eq!(bad_date.status(), StatusCode::BAD_REQUEST);
    assert!(bad_date.text().await?.contains("n&#39;est pas une date"));
    let bookmark = colleague
        .post(app.url(&format!("{page}/favori")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await?;
    assert_eq!(bookmark.status(), StatusCode::SEE_OTHER);

    let html = app.client.get(app.url(&page)).send().await?.status();
    assert_eq!(
        html,
        StatusCode::NOT_FOUND,
        "a platform practice is not on the open web"
    );
    let html = author.get(app.url(&page)).send().await?.text().await?;
    assert!(
        html.contains("Essayé en CE2 &#60;b&#62;avec succès&#60;/b&#62;"),
        "comments are text, escaped"
    );
    assert!(
        html.contains("Ils l'ont essayée (1)")
            && html.contains("5 octobre 2026")
            && html.contains("Plus de participation.")
    );
    let notices = author
        .get(app.url("/notifications"))
        .send()
        .await?
        .text()
        .await?;
    assert!(notices.contains("Nouveau commentaire sur « Rituels de calcul mental »"));
    assert!(notices.contains("Quelqu&#39;un a essayé « Rituels de calcul mental »"));
    let mine = colleague
        .get(app.url("/mes-pratiques"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        mine.contains("Rituels de calcul mental"),
        "bookmarks are listed"
    );

    // The mail digest can be switched on.
    let csrf = app.csrf(&colleague, "/notifications").await?;
    let digest = colleague
        .post(app.url("/notifications/resume"))
        .form(&[("csrf", csrf.as_str()), ("digest", "oui")])
        .send()
        .await?;
    assert_eq!(digest.status(), StatusCode::SEE_OTHER);
    assert!(store::practices::digest(&app.db, domain::ids::PersonId(2)).await?);
    Ok(())
}

/// Private means private, administrators included: no channel shows them a private practice,
/// a draft or a members-only space (pages, API, search, WebDAV); an exceptional access, with
/// a written reason, lets them read (and only read) for a week, is in the audit trail and is
/// shown to the owners.
#[tokio::test]
async fn administrators_read_nothing_private_but_by_a_reasoned_exceptional_access()
-> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let author = signed_in(&app, "auteur@ac-lille.fr").await?;
    let author_id = store::accounts::by_email(
        &app.db,
        &domain::accounts::Email::parse("auteur@ac-lille.fr")?,
    )
    .await?
    .map(|(p, _)| p.id())
    .ok_or_else(|| anyhow::anyhow!("no author"))?;
    let admin_id = app
        .create_person(
            "admin@ac-lille.fr",
            Function::ChargeDeMission,
            PASSWORD,
            true,
        )
        .await?;
    let admin = client()?;
    app.login(&admin, "admin@ac-lille.fr", PASSWORD).await?;
    let admin_token = store::accounts::create_api_token(&app.db, admin_id).await?;
    let private = write(
        &app,
        &author,
        "Journal de bord secret",
        "Mes notes de tutorat.",
        "private",
    )
    .await?;
    let draft = write(
        &app,
        &author,
        "Brouillon de tutorat",
        "Pas encore prêt.",
        "public",
    )
    .await?;
    let page = format!("/pratiques/{private}");
    assert_eq!(
        press(&app, &author, &page, &format!("{page}/publier")).await?,
        StatusCode::SEE_OTHER
    );
    let space = {
        let content = domain::spaces::SpaceContent::parse(
            &domain::spaces::SpaceInput {
                name: "Équipe des maîtres".into(),
                visibility: "members".into(),
                ..domain::spaces::SpaceInput::default()
            },
            false,
        )?;
        store::spaces::create(&app.db, &content, None, author_id, 1 << 30).await?
    };

    for id in [private, draft] {
        for path in [
            format!("/pratiques/{id}"),
            format!("/pratiques/{id}/versions"),
            format!("/pratiques/{id}/modifier"),
        ] {
            assert_eq!(
                status_of(&admin, app.url(&path)).await?,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let api = app
            .client
            .get(app.url(&format!("/api/v1/practices/{id}")))
            .bearer_auth(&admin_token)
            .send()
            .await?;
        assert_eq!(api.status(), StatusCode::NOT_FOUND);
    }
    let found = admin
        .get(app.url("/api/v1/search?q=tutorat"))
        .send()
        .await?
        .json::<Value>()
        .await?;
    assert_eq!(found["total"], 0, "{found}");
    for path in [
        format!("/espaces/{}", space.0),
        format!("/espaces/{}/dossiers", space.0),
        format!("/espaces/{}/forum", space.0),
    ] {
        assert_eq!(
            status_of(&admin, app.url(&path)).await?,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let listed = admin.get(app.url("/espaces")).send().await?.text().await?;
    assert!(!listed.contains("Équipe des maîtres"));
    let api = app
        .client
        .get(app.url(&format!("/api/v1/spaces/{}", space.0)))
        .bearer_auth(&admin_token)
        .send()
        .await?;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    let dav = app
        .client
        .request(
            reqwest::Method::from_bytes(b"PROPFIND")?,
            app.url(&format!("/dav/spaces/{}/", space.0)),
        )
        .basic_auth("admin@ac-lille.fr", Some(&admin_token))
        .send()
        .await?;
    assert_eq!(dav.status(), StatusCode::NOT_FOUND);

    // An exceptional access needs a reason; what was typed stays when it is refused.
    let csrf = app.csrf(&admin, "/admin/acces-exceptionnel").await?;
    let refused = admin
        .post(app.url("/admin/acces-exceptionnel"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("objet", "pratique"),
            ("numero", &private.to_string()),
            ("motif", "pour voir"),
        ])
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let text = refused.text().await?;
    assert!(
        text.contains("20 caractères") && text.contains("pour voir"),
        "{text}"
    );
    assert_eq!(
        status_of(&admin, app.url(&page)).await?,
        StatusCode::NOT_FOUND
    );
    let missing = admin
        .post(app.url("/admin/acces-exceptionnel"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("objet", "pratique"),
            ("numero", "999999"),
            ("motif", "Réquisition judiciaire n° 2027/118"),
        ])
        .send()
        .await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // Not to just anybody.
    let csrf_author = app.csrf(&author, "/pratiques").await?;
    let teacher = author
        .post(app.url("/admin/acces-exceptionnel"))
        .form(&[
            ("csrf", csrf_author.as_str()),
            ("objet", "espace"),
            ("numero", &space.0.to_string()),
            ("motif", "Je voudrais lire cet espace, vraiment"),
        ])
        .send()
        .await?;
    assert_eq!(teacher.status(), StatusCode::FORBIDDEN);

    let reason = "Réquisition judiciaire n° 2027/118 du parquet d'Arras";
    for (kind, id, path) in [
        ("pratique", private, page.clone()),
        ("espace", space.0, format!("/espaces/{}", space.0)),
    ] {
        let granted = admin
            .post(app.url("/admin/acces-exceptionnel"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("objet", kind),
                ("numero", &id.to_string()),
                ("motif", reason),
            ])
            .send()
            .await?;
        assert_eq!(granted.status(), StatusCode::SEE_OTHER);
        assert_eq!(testkit::location(&granted), path);
        assert_eq!(
            status_of(&admin, app.url(&path)).await?,
            StatusCode::OK,
            "{path}"
        );
    }
    // Reading only: no change, no writing.
    assert_eq!(
        status_of(&admin, app.url(&format!("{page}/modifier"))).await?,
        StatusCode::FORBIDDEN
    );
    let csrf = app.csrf(&admin, &page).await?;
    let comment = admin
        .post(app.url(&format!("{page}/commentaires")))
        .form(&[("csrf", csrf.as_str()), ("body", "Lu")])
        .send()
        .await?;
    assert!(comment.status().is_client_error());
    assert_eq!(
        status_of(&admin, app.url(&format!("/pratiques/{draft}"))).await?,
        StatusCode::NOT_FOUND,
        "only what was opened"
    );
    // In the audit trail, and shown to the owner: notified, and on the page itself.
    let trail = testkit::audit_trail(&app.db).await?;
    assert_eq!(
        trail
            .iter()
            .filter(|(action, _)| action == "exceptional-access")
            .count(),
        2,
        "{trail:?}"
    );
    let notifications = author
        .get(app.url("/notifications"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        notifications.contains("accès exceptionnel"),
        "{notifications}"
    );
    let own = author.get(app.url(&page)).send().await?.text().await?;
    assert!(
        own.contains("Accès exceptionnel ouvert")
            && own.contains("Réquisition judiciaire n° 2027/118"),
        "{own}"
    );
    let own_space = author
        .get(app.url(&format!("/espaces/{}", space.0)))
        .send()
        .await?
        .text()
        .await?;
    assert!(own_space.contains("Accès exceptionnel ouvert"));
    let listed = admin
        .get(app.url("/admin/acces-exceptionnel"))
        .send()
        .await?
        .text()
        .await?;
    assert!(listed.contains("Réquisition judiciaire"));
    Ok(())
}

/// The form of a draft saves itself through its own address (`action=brouillon-auto`, the
/// form's fields and token, a JSON answer), never publishing; a published practice's does not
/// (each of its saves makes a version). Before the draft exists, the form says that it comes
/// first and the video next, on the draft's page.
#[tokio::test]
async fn a_draft_saves_itself_and_a_published_practice_does_not() -> anyhow::Result<()> {
    use domain::ids::PracticeId;
    let app = TestApp::spawn().await?;
    let author = signed_in(&app, "auteur@ac-lille.fr").await?;
    let page = |client: &reqwest::Client, path: String| {
        let request = client.get(app.url(&path));
        async move { anyhow::Ok(request.send().await?.text().await?) }
    };

    let new = page(&author, "/pratiques/nouvelle".to_owned()).await?;
    assert!(
        new.contains("elle est d'abord enregistrée comme brouillon")
            && new.contains("Sur la page du brouillon, ajoutez ensuite la vidéo")
            && new.contains("Étape suivante, sur la page du brouillon : la vidéo"),
        "{new}"
    );
    assert!(new.contains(">Enregistrer le brouillon</button>"), "{new}");
    assert!(
        !new.contains("practice.js"),
        "nothing saves itself before the draft exists"
    );

    let id = write(
        &app,
        &author,
        "Tutorat entre pairs",
        "Premier jet.",
        "platform",
    )
    .await?;
    let shown = page(&author, format!("/pratiques/{id}")).await?;
    assert!(
        shown.contains("Étape suivante : <a href=\"#medias\">ajoutez la vidéo"),
        "{shown}"
    );

    // The draft's form loads the script, with the practice and when it was last saved.
    let edit = format!("/pratiques/{id}/modifier");
    let form_page = page(&author, edit.clone()).await?;
    let updated = store::practices::get(&app.db, PracticeId(id))
        .await?
        .practice
        .updated_at;
    assert!(
        form_page.contains("<script type=\"module\" src=\"/static/js/practice.js\"></script>")
            && form_page.contains(&format!(
                "data-practice=\"{id}\" data-updated=\"{updated}\""
            ))
            && form_page.contains("id=\"brouillon-statut\" role=\"status\" aria-live=\"polite\""),
        "{form_page}"
    );
    assert!(form_page.contains("<h1>Modifier le brouillon</h1>"));
    let script = app
        .client
        .get(app.url("/static/js/practice.js"))
        .send()
        .await?;
    assert_eq!(script.status(), StatusCode::OK);
    assert!(script.text().await?.contains("brouillon-auto"));

    // An automatic save: saved, still a draft, no version; when, in JSON.
    let csrf = app.csrf(&author, &edit).await?;
    let body = "Premier jet.\n\nUn second paragraphe écrit sans cliquer.";
    let mut form = practice_form(&csrf, "Tutorat entre pairs", body, "platform");
    form.retain(|(k, _)| *k != "action");
    form.push(("action", "brouillon-auto"));
    let saved = author.post(app.url(&edit)).form(&form).send().await?;
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(saved.headers()["content-type"], "application/json");
    let json: Value = saved.json().await?;
    let detail = store::practices::get(&app.db, PracticeId(id)).await?;
    assert_eq!(json["saved"], true);
    assert_eq!(json["updated_at"], detail.practice.updated_at);
    assert_eq!(detail.practice.body_markdown, body);
    assert_eq!(detail.practice.status, "draft");
    assert!(
        store::practices::versions(&app.db, PracticeId(id))
            .await?
            .is_empty()
    );

    // A field refused: a French reason in JSON, nothing saved.
    let mut refused = form.clone();
    refused.retain(|(k, _)| *k != "title" && *k != "body_markdown");
    refused.extend([("title", "T"), ("body_markdown", "Tout autre chose")]);
    let answer = author.post(app.url(&edit)).form(&refused).send().await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let json: Value = answer.json().await?;
    assert!(
        json["message"]
            .as_str()
            .is_some_and(|m| m.contains("titre")),
        "{json}"
    );
    // Without the page's token, or by someone else: refused too.
    let mut forged = form.clone();
    forged.retain(|(k, _)| *k != "csrf" && *k != "body_markdown");
    forged.extend([("csrf", "0000"), ("body_markdown", "Tout autre chose")]);
    let answer = author.post(app.url(&edit)).form(&forged).send().await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let other = signed_in(&app, "autre@ac-lille.fr").await?;
    let other_csrf = app.csrf(&other, "/pratiques/nouvelle").await?;
    let mut stranger = forged.clone();
    stranger.retain(|(k, _)| *k != "csrf");
    stranger.push(("csrf", other_csrf.as_str()));
    let answer = other.post(app.url(&edit)).form(&stranger).send().await?;
    assert_eq!(
        answer.status(),
        StatusCode::NOT_FOUND,
        "a draft is its authors'"
    );
    let after = store::practices::get(&app.db, PracticeId(id)).await?;
    assert_eq!(
        (
            after.practice.title.as_str(),
            after.practice.body_markdown.as_str()
        ),
        ("Tutorat entre pairs", body)
    );

    // Published: its form does not save itself; an automatic save is refused, nothing changes
    // and no version is made.
    assert_eq!(
        press(
            &app,
            &author,
            &format!("/pratiques/{id}"),
            &format!("/pratiques/{id}/publier")
        )
        .await?,
        StatusCode::SEE_OTHER
    );
    let form_page = page(&author, edit.clone()).await?;
    assert!(
        !form_page.contains("practice.js") && !form_page.contains("brouillon-statut"),
        "{form_page}"
    );
    assert!(form_page.contains(">Enregistrer une nouvelle version</button>"));
    assert!(form_page.contains("chaque enregistrement en fait une nouvelle version"));
    let mut later = form.clone();
    later.retain(|(k, _)| *k != "body_markdown");
    later.push(("body_markdown", "Réécrit après publication"));
    let answer = author.post(app.url(&edit)).form(&later).send().await?;
    assert_eq!(answer.status(), StatusCode::CONFLICT);
    let json: Value = answer.json().await?;
    assert!(
        json["message"]
            .as_str()
            .is_some_and(|m| m.contains("publiée")),
        "{json}"
    );
    let after = store::practices::get(&app.db, PracticeId(id)).await?;
    assert_eq!(after.practice.body_markdown, body);
    assert_eq!(after.practice.status, "published");
    assert_eq!(
        store::practices::versions(&app.db, PracticeId(id))
            .await?
            .len(),
        1
    );
    Ok(())
}
