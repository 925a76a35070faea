//! Exchange spaces through their pages: creating a space, members and rights (member, reader,
//! non-member, partner, administrator), the blog (drafts, comments, feed), the forum (mentions,
//! unread, locked topics, reports) and the shared folders (upload, versions, trash, quota).

use domain::accounts::Function;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use testkit::{TestApp, client, csrf_of, location};

const PASSWORD: &str = "une phrase de passe";

async fn signed_in(
    app: &TestApp,
    email: &str,
    function: Function,
    admin: bool,
) -> anyhow::Result<reqwest::Client> {
    app.create_person(email, function, PASSWORD, admin).await?;
    let client = client()?;
    let answer = app.login(&client, email, PASSWORD).await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    Ok(client)
}

#[tokio::test]
async fn a_space_with_its_blog_forum_and_folders() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let owner = signed_in(&app, "owner@ac-lille.fr", Function::Enseignant2d, false).await?;
    let member = signed_in(&app, "marie@ac-lille.fr", Function::Enseignant1d, false).await?;
    let partner = signed_in(
        &app,
        "partenaire@mediatheque.fr",
        Function::Partenaire,
        false,
    )
    .await?;
    let reader = signed_in(&app, "lecteur@ac-lille.fr", Function::Enseignant1d, false).await?;
    let outsider = signed_in(&app, "dehors@ac-lille.fr", Function::Enseignant1d, false).await?;
    let admin = signed_in(&app, "admin@ac-lille.fr", Function::Enseignant1d, true).await?;

    // A bad name comes back with the French message and what was typed.
    let answer = app
        .submit(
            &owner,
            "/espaces",
            "/espaces",
            &[
                ("name", "ab"),
                ("description", "Mon texte"),
                ("visibility", "members"),
                ("territory", ""),
            ],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let page = answer.text().await?;
    assert!(page.contains("Le nom compte au moins 3 caractères") && page.contains("Mon texte"));

    let answer = app
        .submit(
            &owner,
            "/espaces",
            "/espaces",
            &[
                ("name", "Rallye lecture"),
                ("description", ""),
                ("visibility", "members"),
                ("territory", ""),
            ],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let space = location(&answer);
    for (email, role) in [
        ("marie@ac-lille.fr", "member"),
        ("partenaire@mediatheque.fr", "member"),
        ("lecteur@ac-lille.fr", "reader"),
    ] {
        let answer = app
            .submit(
                &owner,
                &format!("{space}/membres"),
                &format!("{space}/membres"),
                &[("email", email), ("role", role), ("action", "")],
            )
            .await?;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{email}");
    }
    let answer = app
        .submit(
            &owner,
            &format!("{space}/membres"),
            &format!("{space}/membres"),
            &[
                ("email", "personne@nulle.part"),
                ("role", "member"),
                ("action", ""),
            ],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);

    // Rights over the pages: members and the partner write, the reader reads, the outsider
    // does not even see the space, nor does an administrator who is not a member.
    for (who, client, status) in [
        ("member", &member, StatusCode::OK),
        ("partner", &partner, StatusCode::OK),
        ("reader", &reader, StatusCode::OK),
        ("outsider", &outsider, StatusCode::NOT_FOUND),
        ("admin", &admin, StatusCode::NOT_FOUND),
    ] {
        for page in ["", "/blog", "/forum", "/dossiers", "/membres"] {
            let answer = client
                .get(app.url(&format!("{space}{page}")))
                .send()
                .await?;
            assert_eq!(answer.status(), status, "{who} {page}");
        }
    }
    // Anonymous visitors cannot tell it from a space that does not exist.
    let answer = client()?.get(app.url(&space)).send().await?;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND, "anonymous");
    let missing = client()?.get(app.url("/espaces/999999")).send().await?;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let id = space.trim_start_matches("/espaces/");
    for path in ["", "/topics", "/posts", "/files", "/members"] {
        let hidden = client()?
            .get(app.url(&format!("/api/v1/spaces/{id}{path}")))
            .send()
            .await?;
        let absent = client()?
            .get(app.url(&format!("/api/v1/spaces/999999{path}")))
            .send()
            .await?;
        assert_eq!(
            hidden.status(),
            absent.status(),
            "API {path}: the same answer"
        );
        assert!(hidden.status().is_client_error());
    }
    let answer = app
        .submit(
            &reader,
            &format!("{space}/forum"),
            &format!("{space}/forum"),
            &[
                ("title", "Je lis"),
                ("category", ""),
                ("body_markdown", "seulement"),
            ],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    let answer = app
        .submit(
            &member,
            &format!("{space}/membres"),
            &format!("{space}/membres"),
            &[
                ("email", "dehors@ac-lille.fr"),
                ("role", "owner"),
                ("action", ""),
            ],
        )
        .await?;
    assert_eq!(
        answer.status(),
        StatusCode::FORBIDDEN,
        "only owners manage members"
    );

    // Forum: a topic, a reply mentioning a member, who is told; unread for the owner.
    let answer = app
        .submit(
            &owner,
            &format!("{space}/forum"),
            &format!("{space}/forum"),
            &[
                ("title", "Rencontre d'auteurs"),
                ("category", ""),
                ("body_markdown", "Qui vient ?"),
            ],
        )
        .await?;
    let topic = location(&answer);
    assert!(topic.starts_with(&format!("{space}/forum/")), "{topic}");
    let answer = app
        .submit(
            &partner,
            &topic,
            &format!("{topic}/reponses"),
            &[(
                "body_markdown",
                "Nous accueillons ! @personne-marie, tu viens ?",
            )],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let notifications = member
        .get(app.url("/notifications"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        notifications
            .contains("Personne partenaire vous a mentionné(e) dans « Rencontre d&#39;auteurs »"),
        "{notifications}"
    );
    let forum = owner
        .get(app.url(&format!("{space}/forum")))
        .send()
        .await?
        .text()
        .await?;
    assert!(forum.contains("1 non lu"), "the owner has a reply to read");
    let page = owner.get(app.url(&topic)).send().await?.text().await?;
    assert!(page.contains("Nous accueillons"));
    let forum = owner
        .get(app.url(&format!("{space}/forum")))
        .send()
        .await?
        .text()
        .await?;
    assert!(!forum.contains("non lu"), "read once shown");
    // An empty reply keeps nothing and says why.
    let answer = app
        .submit(
            &member,
            &topic,
            &format!("{topic}/reponses"),
            &[("body_markdown", "   ")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.text().await?.contains("Le message est obligatoire"));
    // Locked: the member can no longer reply.
    app.submit(
        &owner,
        &topic,
        &format!("{topic}/moderation"),
        &[("action", "verrouiller"), ("category", "")],
    )
    .await?;
    let answer = app
        .submit(
            &member,
            &topic,
            &format!("{topic}/reponses"),
            &[("body_markdown", "Encore moi")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::CONFLICT);
    assert!(answer.text().await?.contains("Ce sujet est verrouillé"));
    let answer = app
        .submit(
            &member,
            &format!("{space}/forum"),
            &format!("{space}/forum"),
            &[
                ("title", "Ma question"),
                ("category", ""),
                ("body_markdown", "Texte"),
            ],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);

    // Blog: a draft is its author's only; a published post has comments and an Atom feed.
    let answer = app
        .submit(
            &member,
            &format!("{space}/blog/nouveau"),
            &format!("{space}/blog"),
            &[
                ("title", "Brouillon secret"),
                ("body_markdown", "À finir"),
                ("publication", "brouillon"),
                ("publish_at", ""),
            ],
        )
        .await?;
    let draft = location(&answer);
    assert_eq!(
        member.get(app.url(&draft)).send().await?.status(),
        StatusCode::OK
    );
    assert_eq!(
        reader.get(app.url(&draft)).send().await?.status(),
        StatusCode::NOT_FOUND
    );
    let answer = app
        .submit(
            &member,
            &format!("{space}/blog/nouveau"),
            &format!("{space}/blog"),
            &[
                ("title", "Compte rendu"),
                (
                    "body_markdown",
                    "Belle **rencontre**<script>alert(1)</script>",
                ),
                ("publication", "maintenant"),
                ("publish_at", ""),
            ],
        )
        .await?;
    let published = location(&answer);
    let page = reader.get(app.url(&published)).send().await?.text().await?;
    assert!(page.contains("<strong>rencontre</strong>") && !page.contains("alert(1)"));
    let answer = app
        .submit(
            &member,
            &format!("{space}/blog/nouveau"),
            &format!("{space}/blog"),
            &[
                ("title", "Plus tard"),
                ("body_markdown", "x"),
                ("publication", "programme"),
                ("publish_at", "2001-01-01T08:00"),
            ],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.text().await?.contains("doit être à venir"));
    let feed = reader
        .get(app.url(&format!("{space}/blog.atom")))
        .send()
        .await?
        .text()
        .await?;
    assert!(feed.contains("<title>Compte rendu</title>") && !feed.contains("Brouillon secret"));
    let answer = client()?
        .get(app.url(&format!("{space}/blog.atom")))
        .send()
        .await?;
    assert_eq!(
        answer.status(),
        StatusCode::UNAUTHORIZED,
        "a members' feed asks who reads"
    );

    // Folders: upload, a second version, trash and restore; a full space says so.
    let upload = |client: &reqwest::Client, name: &str, body: &str| {
        let client = client.clone();
        let (name, body) = (name.to_owned(), body.to_owned());
        let space = space.clone();
        let app_url = app.url(&format!("{space}/fichiers"));
        let page = app.url(&format!("{space}/dossiers"));
        async move {
            let csrf = csrf_of(&client.get(page).send().await?.text().await?).unwrap_or_default();
            let form = Form::new()
                .text("csrf", csrf)
                .text("parent", "0")
                .part("file", Part::bytes(body.into_bytes()).file_name(name));
            anyhow::Ok(client.post(app_url).multipart(form).send().await?)
        }
    };
    let answer = upload(
        &member,
        "Programme — journée « lecture ».txt",
        "Matin : lectures.\n",
    )
    .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    upload(
        &partner,
        "Programme — journée « lecture ».txt",
        "Matin : lectures ; après-midi : ateliers.\n",
    )
    .await?;
    let answer = upload(&reader, "lecteur.txt", "non").await?;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    let answer = upload(&member, "faux.pdf", "pas un PDF").await?;
    assert_eq!(answer.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let folder = owner
        .get(app.url(&format!("{space}/dossiers")))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        folder.contains("Programme — journée « lecture ».txt"),
        "{folder}"
    );
    Ok(())
}

/// The number at the end of a page's path (`/espaces/3/forum/7` → 7).
fn last_number(path: &str) -> anyhow::Result<i64> {
    let tail = path.rsplit('/').next().unwrap_or_default();
    let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
    Ok(digits.parse()?)
}

#[tokio::test]
async fn versions_trash_comments_and_moderation_on_the_pages() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let owner = signed_in(&app, "owner@ac-lille.fr", Function::Enseignant2d, false).await?;
    let member = signed_in(&app, "marie@ac-lille.fr", Function::Enseignant1d, false).await?;
    let reader = signed_in(&app, "lecteur@ac-lille.fr", Function::Enseignant1d, false).await?;
    let answer = app
        .submit(
            &owner,
            "/espaces",
            "/espaces",
            &[
                ("name", "Conseil école-collège"),
                ("description", ""),
                ("visibility", "members"),
                ("territory", ""),
            ],
        )
        .await?;
    let space = location(&answer);
    let id = domain::ids::SpaceId(last_number(&space)?);
    for (email, role) in [
        ("marie@ac-lille.fr", "member"),
        ("lecteur@ac-lille.fr", "reader"),
    ] {
        app.submit(
            &owner,
            &format!("{space}/membres"),
            &format!("{space}/membres"),
            &[("email", email), ("role", role), ("action", "")],
        )
        .await?;
    }

    // Two versions of one file; the first one restored comes back as a third.
    for body in ["Version du lundi.\n", "Version du mardi.\n"] {
        let csrf = app.csrf(&member, &format!("{space}/dossiers")).await?;
        let form = Form::new().text("csrf", csrf).text("parent", "0").part(
            "file",
            Part::bytes(body.as_bytes().to_vec()).file_name("Compte rendu.txt"),
        );
        let answer = member
            .post(app.url(&format!("{space}/fichiers")))
            .multipart(form)
            .send()
            .await?;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    }
    let entries = store::spaces::folders::children(&app.db, id, None).await?;
    let [entry] = entries.as_slice() else {
        anyhow::bail!("one file expected, got {}", entries.len());
    };
    let file = format!("{space}/fichiers/{}", entry.id);
    let versions = store::spaces::folders::versions(&app.db, entry.id()).await?;
    assert_eq!(versions.len(), 2);
    let page = reader.get(app.url(&file)).send().await?.text().await?;
    assert!(page.contains("Compte rendu.txt") && page.contains("Personne marie"));
    let oldest = versions.iter().map(|v| v.id).min().unwrap_or_default();
    let restore = format!("{file}/versions/{oldest}/restaurer");
    let answer = app.submit(&reader, &file, &restore, &[]).await?;
    assert_eq!(
        answer.status(),
        StatusCode::FORBIDDEN,
        "a reader restores nothing"
    );
    let answer = app.submit(&member, &file, &restore, &[]).await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let content = reader
        .get(app.url(&format!("{file}/contenu")))
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(content, "Version du lundi.\n");
    assert_eq!(
        store::spaces::folders::versions(&app.db, entry.id())
            .await?
            .len(),
        3,
        "the restored version is added, none is lost"
    );

    // The trash: the file leaves the folder, shows in the trash, comes back where it was;
    // only owners and moderators empty it.
    let answer = app
        .submit(&member, &file, &format!("{file}/corbeille"), &[])
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let folder = reader
        .get(app.url(&format!("{space}/dossiers")))
        .send()
        .await?
        .text()
        .await?;
    assert!(!folder.contains("Compte rendu.txt"));
    let trash = reader
        .get(app.url(&format!("{space}/corbeille")))
        .send()
        .await?
        .text()
        .await?;
    assert!(trash.contains("Compte rendu.txt") && trash.contains("Personne marie"));
    let trash_page = format!("{space}/corbeille");
    let answer = app
        .submit(&member, &trash_page, &format!("{file}/supprimer"), &[])
        .await?;
    assert_eq!(
        answer.status(),
        StatusCode::FORBIDDEN,
        "members do not purge"
    );
    let answer = app
        .submit(&member, &trash_page, &format!("{file}/restaurer"), &[])
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let folder = reader
        .get(app.url(&format!("{space}/dossiers")))
        .send()
        .await?
        .text()
        .await?;
    assert!(folder.contains("Compte rendu.txt"));
    app.submit(&owner, &file, &format!("{file}/corbeille"), &[])
        .await?;
    let answer = app
        .submit(&owner, &trash_page, &format!("{file}/supprimer"), &[])
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let trash = owner.get(app.url(&trash_page)).send().await?.text().await?;
    assert!(!trash.contains("Compte rendu.txt"));
    assert_eq!(store::spaces::get(&app.db, id).await?.used_bytes, 0);

    // Comments: their author or a moderator deletes them, not another reader.
    let answer = app
        .submit(
            &owner,
            &format!("{space}/blog/nouveau"),
            &format!("{space}/blog"),
            &[
                ("title", "Calendrier"),
                ("body_markdown", "Les dates."),
                ("publication", "maintenant"),
                ("publish_at", ""),
            ],
        )
        .await?;
    let post = location(&answer);
    let answer = app
        .submit(
            &member,
            &post,
            &format!("{post}/commentaires"),
            &[("body", "Merci pour les dates !")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let comments =
        store::spaces::blog::comments(&app.db, domain::ids::PostId(last_number(&post)?)).await?;
    let delete = format!("{post}/commentaires/{}/supprimer", comments[0].id);
    let answer = app.submit(&reader, &post, &delete, &[]).await?;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    let answer = app.submit(&member, &post, &delete, &[]).await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let page = reader.get(app.url(&post)).send().await?.text().await?;
    assert!(!page.contains("Merci pour les dates"));

    // A report with its reason reaches the moderation queue; hiding the message resolves it.
    let answer = app
        .submit(
            &member,
            &format!("{space}/forum"),
            &format!("{space}/forum"),
            &[
                ("title", "Covoiturage"),
                ("category", ""),
                ("body_markdown", "Mon numéro personnel : 06 00 00 00 00"),
            ],
        )
        .await?;
    let topic = location(&answer);
    let messages =
        store::spaces::forum::messages(&app.db, domain::ids::TopicId(last_number(&topic)?), 0, 10)
            .await?;
    let report = format!("{space}/forum/messages/{}/signaler", messages[0].id);
    let answer = app
        .submit(&reader, &topic, &report, &[("reason", "")])
        .await?;
    assert_eq!(
        answer.status(),
        StatusCode::BAD_REQUEST,
        "a reason is asked"
    );
    let answer = app
        .submit(
            &reader,
            &topic,
            &report,
            &[("reason", "Données personnelles")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let queue = format!("{space}/moderation");
    assert_eq!(
        member.get(app.url(&queue)).send().await?.status(),
        StatusCode::FORBIDDEN
    );
    let page = owner.get(app.url(&queue)).send().await?.text().await?;
    let content = page.split("<footer").next().unwrap_or_default();
    assert!(content.contains("Données personnelles") && content.contains("Covoiturage"));
    let reports = store::spaces::forum::open_reports(&app.db, id).await?;
    let answer = app
        .submit(
            &owner,
            &queue,
            &format!("{queue}/{}", reports[0].id),
            &[("action", "masquer")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let page = owner.get(app.url(&queue)).send().await?.text().await?;
    // The report's reason, in the page's content (the footer links the privacy page).
    let content = page.split("<footer").next().unwrap_or_default();
    assert!(!content.contains("Données personnelles"), "resolved");
    let page = reader.get(app.url(&topic)).send().await?.text().await?;
    assert!(!page.contains("06 00 00 00 00"), "hidden from readers");

    // The forum's search box: found by the title, not by the hidden message.
    let page = reader
        .get(app.url(&format!("{space}/forum?q=covoiturage")))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        page.contains("1 sujet contient « covoiturage »")
            && page.contains("<mark>Covoiturage</mark>"),
        "{page}"
    );
    let page = reader
        .get(app.url(&format!("{space}/forum?q=personnel")))
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("Aucun sujet ne contient « personnel »"));
    Ok(())
}

/// A person with an API token (also their application password for WebDAV).
async fn with_token(
    app: &TestApp,
    email: &str,
    function: Function,
    admin: bool,
) -> anyhow::Result<(String, String, domain::ids::PersonId)> {
    let person = app.create_person(email, function, PASSWORD, admin).await?;
    let token = store::accounts::create_api_token(&app.db, person).await?;
    Ok((email.to_owned(), token, person))
}

#[tokio::test]
async fn the_json_api_and_webdav_with_the_rights_of_the_pages() -> anyhow::Result<()> {
    use serde_json::{Value, json};
    let app = TestApp::spawn().await?;
    let http = reqwest::Client::new();
    let owner = with_token(&app, "owner@ac-lille.fr", Function::Enseignant2d, false).await?;
    let member = with_token(&app, "marie@ac-lille.fr", Function::Enseignant1d, false).await?;
    let partner = with_token(
        &app,
        "partenaire@mediatheque.fr",
        Function::Partenaire,
        false,
    )
    .await?;
    let reader = with_token(&app, "lecteur@ac-lille.fr", Function::Enseignant1d, false).await?;
    let outsider = with_token(&app, "dehors@ac-lille.fr", Function::Enseignant1d, false).await?;
    let admin = with_token(&app, "admin@ac-lille.fr", Function::Enseignant1d, true).await?;
    let api = |path: &str| app.url(&format!("/api/v1{path}"));

    // Creating: signed in, a valid name, a territory that exists.
    let answer = http
        .post(api("/spaces"))
        .json(&json!({"name": "Rallye", "visibility": "members"}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let answer = http
        .post(api("/spaces"))
        .bearer_auth(&owner.1)
        .json(&json!({"name": "ab", "visibility": "members"}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let body: Value = answer.json().await?;
    assert_eq!(body["message"], "Le nom compte au moins 3 caractères");
    let answer = http
        .post(api("/spaces"))
        .bearer_auth(&owner.1)
        .json(&json!({"name": "Rallye lecture", "visibility": "territory", "territory_id": 999}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let answer = http
        .post(api("/spaces"))
        .bearer_auth(&owner.1)
        .json(&json!({"name": "Rallye lecture", "visibility": "members", "description": "Cycle 3"}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let space: Value = answer.json().await?;
    let id = space["id"].as_i64().unwrap_or_default();
    assert_eq!(space["role"], "owner");
    assert_eq!(space["members"][0]["email"], "owner@ac-lille.fr");
    assert_eq!(space["webdav_url"], app.url(&format!("/dav/spaces/{id}/")));

    // Members: owners add and change them; unknown addresses and roles are refused.
    let members = api(&format!("/spaces/{id}/members"));
    for (who, role) in [
        (&member, "member"),
        (&partner, "member"),
        (&reader, "reader"),
    ] {
        let answer = http
            .post(&members)
            .bearer_auth(&owner.1)
            .json(&json!({"email": who.0, "role": role}))
            .send()
            .await?;
        assert_eq!(answer.status(), StatusCode::OK, "{}", who.0);
    }
    for body in [
        json!({"email": "personne@nulle.part"}),
        json!({"email": reader.0, "role": "chef"}),
    ] {
        let answer = http
            .post(&members)
            .bearer_auth(&owner.1)
            .json(&body)
            .send()
            .await?;
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{body}");
    }
    let answer = http
        .delete(&members)
        .bearer_auth(&owner.1)
        .json(&json!({"email": owner.0}))
        .send()
        .await?;
    assert!(answer.status().is_client_error(), "a space keeps an owner");

    // The rights as a matrix, the same over the API and WebDAV as on the pages.
    let dav = |path: &str| app.url(&format!("/dav/spaces/{id}{path}"));
    for (who, person, sees, writes, manages) in [
        ("owner", &owner, true, true, true),
        ("member", &member, true, true, false),
        ("partner", &partner, true, true, false),
        ("reader", &reader, true, false, false),
        ("outsider", &outsider, false, false, false),
        ("admin", &admin, false, false, false),
    ] {
        let hidden = |status: StatusCode| if sees { status } else { StatusCode::NOT_FOUND };
        let denied = |allowed: bool, status: StatusCode| {
            if allowed {
                status
            } else {
                hidden(StatusCode::FORBIDDEN)
            }
        };
        let answer = http
            .get(api(&format!("/spaces/{id}")))
            .bearer_auth(&person.1)
            .send()
            .await?;
        assert_eq!(answer.status(), hidden(StatusCode::OK), "{who} API get");
        let listed: Value = http
            .get(api("/spaces"))
            .bearer_auth(&person.1)
            .send()
            .await?
            .json()
            .await?;
        let listed = listed
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s["id"] == id));
        assert_eq!(listed, sees, "{who} API list");
        let answer = http
            .post(api(&format!("/spaces/{id}/topics")))
            .bearer_auth(&person.1)
            .json(&json!({"title": format!("Sujet de {who}"), "body_markdown": "Bonjour"}))
            .send()
            .await?;
        assert_eq!(
            answer.status(),
            denied(writes, StatusCode::CREATED),
            "{who} API topic"
        );
        let answer = http
            .post(&members)
            .bearer_auth(&person.1)
            .json(&json!({"email": outsider.0, "role": "reader"}))
            .send()
            .await?;
        assert_eq!(
            answer.status(),
            denied(manages, StatusCode::OK),
            "{who} API members"
        );
        if manages {
            http.delete(&members)
                .bearer_auth(&person.1)
                .json(&json!({"email": outsider.0}))
                .send()
                .await?;
        }
        let answer = http
            .request(reqwest::Method::from_bytes(b"PROPFIND")?, dav("/"))
            .basic_auth(&person.0, Some(&person.1))
            .header("Depth", "0")
            .send()
            .await?;
        assert_eq!(
            answer.status(),
            hidden(StatusCode::MULTI_STATUS),
            "{who} WebDAV PROPFIND"
        );
        let answer = http
            .put(dav(&format!("/{who}.txt")))
            .basic_auth(&person.0, Some(&person.1))
            .body("Bonjour\n")
            .send()
            .await?;
        assert_eq!(
            answer.status(),
            denied(writes, StatusCode::CREATED),
            "{who} WebDAV PUT"
        );
    }

    // Forum: a reply mentioning a member tells her; the owner has it unread.
    let topics: Value = http
        .get(api(&format!("/spaces/{id}/topics")))
        .bearer_auth(&owner.1)
        .send()
        .await?
        .json()
        .await?;
    let topic = topics
        .as_array()
        .and_then(|t| t.iter().find(|t| t["title"] == "Sujet de owner"))
        .map(|t| t["id"].as_i64().unwrap_or_default())
        .unwrap_or_default();
    let before = store::practices::unread_notifications(&app.db, member.2).await?;
    let answer = http
        .post(api(&format!("/spaces/{id}/topics/{topic}/messages")))
        .bearer_auth(&partner.1)
        .json(&json!({"body_markdown": "Nous venons ! @personne-marie aussi ?"}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let reply: Value = answer.json().await?;
    assert_eq!(reply["seq"], 2);
    let told = store::practices::unread_notifications(&app.db, member.2).await?;
    assert_eq!(told, before + 1, "the mention notifies");
    let answer = http
        .post(api(&format!("/spaces/{id}/topics/{topic}/messages")))
        .bearer_auth(&member.1)
        .json(&json!({"body_markdown": "  "}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let topics: Value = http
        .get(api(&format!("/spaces/{id}/topics")))
        .bearer_auth(&owner.1)
        .send()
        .await?
        .json()
        .await?;
    let mine = topics
        .as_array()
        .and_then(|t| t.iter().find(|t| t["id"] == topic))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (mine["messages"].as_i64(), mine["unread"].as_i64()),
        (Some(2), Some(1))
    );
    let shown: Value = http
        .get(api(&format!("/spaces/{id}/topics/{topic}")))
        .bearer_auth(&owner.1)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        shown["message_list"][1]["body_markdown"],
        "Nous venons ! @personne-marie aussi ?"
    );
    let topics: Value = http
        .get(api(&format!("/spaces/{id}/topics")))
        .bearer_auth(&owner.1)
        .send()
        .await?
        .json()
        .await?;
    assert!(
        topics
            .as_array()
            .is_some_and(|t| t.iter().all(|t| t["unread"] == 0 || t["id"] != topic)),
        "read once fetched"
    );

    // The common search finds the topic for its readers, by the words of a reply.
    for (who, person, found) in [("member", &member, 1), ("outsider", &outsider, 0)] {
        let results: Value = http
            .get(api("/search?q=venons&kind=topic"))
            .bearer_auth(&person.1)
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(results["total"], found, "{who}");
        if found == 1 {
            assert_eq!(results["items"][0]["kind"], "topic");
            assert_eq!(
                results["items"][0]["url"],
                format!("/espaces/{id}/forum/{topic}")
            );
        }
    }
    let answer = http
        .get(api("/search?q=venons&kind=chat"))
        .bearer_auth(&member.1)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let library: Value = http
        .get(api("/search?q=venons"))
        .bearer_auth(&member.1)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(library["total"], 0, "the library searches practices only");

    // Blog: a draft is its author's; a published post takes comments.
    let posts = api(&format!("/spaces/{id}/posts"));
    let answer = http
        .post(&posts)
        .bearer_auth(&member.1)
        .json(&json!({"title": "Brouillon", "body_markdown": "À finir", "publication": "draft"}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let draft: Value = answer.json().await?;
    assert_eq!(draft["state"], "draft");
    let answer = http
        .post(&posts)
        .bearer_auth(&member.1)
        .json(&json!({"title": "Plus tard", "body_markdown": "x", "publication": "scheduled", "publish_at": "2001-01-01T08:00"}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let answer = http
        .post(&posts)
        .bearer_auth(&member.1)
        .json(&json!({"title": "Compte rendu", "body_markdown": "Belle **rencontre**<script>x</script>"}))
        .send()
        .await?;
    let published: Value = answer.json().await?;
    assert_eq!(published["state"], "published");
    assert_eq!(
        published["body_html"],
        "<p>Belle <strong>rencontre</strong></p>\n"
    );
    let seen: Value = http
        .get(&posts)
        .bearer_auth(&reader.1)
        .send()
        .await?
        .json()
        .await?;
    let titles: Vec<&str> = seen
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["title"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(titles, ["Compte rendu"], "drafts are their author's");
    let answer = http
        .get(api(&format!("/spaces/{id}/posts/{}", draft["id"])))
        .bearer_auth(&reader.1)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    let post = api(&format!("/spaces/{id}/posts/{}", published["id"]));
    let answer = http
        .post(format!("{post}/comments"))
        .bearer_auth(&reader.1)
        .json(&json!({"body": "Je lis seulement"}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    let answer = http
        .post(format!("{post}/comments"))
        .bearer_auth(&partner.1)
        .json(&json!({"body": "Merci !"}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let shown: Value = http
        .get(&post)
        .bearer_auth(&reader.1)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(shown["comment_list"][0]["body"], "Merci !");
    assert_eq!(shown["comments"], 1);
    let answer = http.delete(&post).bearer_auth(&partner.1).send().await?;
    assert_eq!(
        answer.status(),
        StatusCode::FORBIDDEN,
        "not the partner's post"
    );
    let answer = http.delete(&post).bearer_auth(&member.1).send().await?;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);

    // Folders: a folder named as typed, uploads with versions, restore, trash.
    let answer = http
        .post(api(&format!("/spaces/{id}/folders")))
        .bearer_auth(&member.1)
        .json(&json!({"name": "Séances d'août (2026)"}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let folder: Value = answer.json().await?;
    assert_eq!(folder["name"], "Séances d'août (2026)");
    for name in ["..", "a/b", ""] {
        let answer = http
            .post(api(&format!("/spaces/{id}/folders")))
            .bearer_auth(&member.1)
            .json(&json!({"name": name}))
            .send()
            .await?;
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST, "{name:?}");
    }
    let upload = |token: &str, body: &'static str| {
        let form = Form::new().text("parent", folder["id"].to_string()).part(
            "file",
            Part::bytes(body.as_bytes()).file_name("Notes de séance.txt"),
        );
        http.post(api(&format!("/spaces/{id}/files")))
            .bearer_auth(token)
            .multipart(form)
            .send()
    };
    let answer = upload(&member.1, "Première version.\n").await?;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let answer = upload(&partner.1, "Deuxième version.\n").await?;
    let saved: Value = answer.json().await?;
    let file = saved[0]["id"].as_i64().unwrap_or_default();
    assert_eq!(saved[0]["versions"].as_array().map(Vec::len), Some(2));
    let answer = upload(&reader.1, "non").await?;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    let listed: Value = http
        .get(api(&format!("/spaces/{id}/files?parent={}", folder["id"])))
        .bearer_auth(&reader.1)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(listed[0]["name"], "Notes de séance.txt");
    let first = saved[0]["versions"][1]["id"].as_i64().unwrap_or_default();
    let answer = http
        .post(api(&format!(
            "/spaces/{id}/files/{file}/versions/{first}/restore"
        )))
        .bearer_auth(&member.1)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::OK);
    let content = http
        .get(api(&format!("/spaces/{id}/files/{file}/content")))
        .bearer_auth(&reader.1)
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(content, "Première version.\n");
    let answer = http
        .delete(api(&format!("/spaces/{id}/files/{}", folder["id"])))
        .bearer_auth(&member.1)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let answer = http
        .get(api(&format!("/spaces/{id}/files?parent={}", folder["id"])))
        .bearer_auth(&member.1)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND, "a trashed folder");
    let answer = http
        .post(api(&format!("/spaces/{id}/files/{}/restore", folder["id"])))
        .bearer_auth(&member.1)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::OK);
    let listed: Value = http
        .get(api(&format!("/spaces/{id}/files?parent={}", folder["id"])))
        .bearer_auth(&member.1)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(
        listed[0]["name"], "Notes de séance.txt",
        "restored with what it held"
    );

    // Taking a member out closes the space to them.
    let answer = http
        .delete(&members)
        .bearer_auth(&owner.1)
        .json(&json!({"email": partner.0}))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let answer = http
        .get(api(&format!("/spaces/{id}")))
        .bearer_auth(&partner.1)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);

    let openapi: Value = http.get(api("/openapi.json")).send().await?.json().await?;
    for path in [
        "/api/v1/spaces",
        "/api/v1/spaces/{id}/members",
        "/api/v1/spaces/{id}/posts",
        "/api/v1/spaces/{id}/topics/{topic}/messages",
        "/api/v1/spaces/{id}/files/{entry}/versions/{version}/restore",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path} documented");
    }
    Ok(())
}

#[tokio::test]
async fn a_full_space_says_so_and_keeps_nothing() -> anyhow::Result<()> {
    let app = TestApp::spawn_with(web::WebSettings {
        space_quota: 1024,
        ..web::WebSettings::default()
    })
    .await?;
    let (_, token, _) =
        with_token(&app, "owner@ac-lille.fr", Function::Enseignant2d, false).await?;
    let http = reqwest::Client::new();
    let space: serde_json::Value = http
        .post(app.url("/api/v1/spaces"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"name": "Petit espace", "visibility": "members"}))
        .send()
        .await?
        .json()
        .await?;
    let id = space["id"].as_i64().unwrap_or_default();
    let form = Form::new().part("file", Part::bytes(vec![b'a'; 4096]).file_name("gros.txt"));
    let answer = http
        .post(app.url(&format!("/api/v1/spaces/{id}/files")))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::INSUFFICIENT_STORAGE);
    let body: serde_json::Value = answer.json().await?;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("L'espace a atteint son quota")),
        "{body}"
    );
    let space = store::spaces::get(&app.db, domain::ids::SpaceId(id)).await?;
    assert_eq!(space.used_bytes, 0);
    assert!(
        store::spaces::folders::children(&app.db, space.id(), None)
            .await?
            .is_empty()
    );
    Ok(())
}
