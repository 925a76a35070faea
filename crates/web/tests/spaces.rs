//! Exchange spaces through their pages: creating a space, members and rights (member, reader,
//! non-member, partner, administrator), the blog (drafts, comments, feed), the forum (mentions,
//! unread, locked topics, reports) and the shared folders (upload, versions, trash, quota).

use domain::accounts::Function;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use testkit::{TestApp, client, csrf_of};

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

async fn post_form(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> anyhow::Result<reqwest::Response> {
    let csrf = app.csrf(client, page).await?;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    Ok(client.post(app.url(action)).form(&form).send().await?)
}

fn location(answer: &reqwest::Response) -> String {
    answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
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
    let answer = post_form(
        &app,
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

    let answer = post_form(
        &app,
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
        let answer = post_form(
            &app,
            &owner,
            &format!("{space}/membres"),
            &format!("{space}/membres"),
            &[("email", email), ("role", role), ("action", "")],
        )
        .await?;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{email}");
    }
    let answer = post_form(
        &app,
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
    // does not even see the space, the administrator sees all.
    for (who, client, status) in [
        ("member", &member, StatusCode::OK),
        ("partner", &partner, StatusCode::OK),
        ("reader", &reader, StatusCode::OK),
        ("outsider", &outsider, StatusCode::NOT_FOUND),
        ("admin", &admin, StatusCode::OK),
    ] {
        for page in ["", "/blog", "/forum", "/dossiers", "/membres"] {
            let answer = client
                .get(app.url(&format!("{space}{page}")))
                .send()
                .await?;
            assert_eq!(answer.status(), status, "{who} {page}");
        }
    }
    let answer = client()?.get(app.url(&space)).send().await?;
    assert_eq!(
        answer.status(),
        StatusCode::SEE_OTHER,
        "anonymous: sign in first"
    );
    let answer = post_form(
        &app,
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
    let answer = post_form(
        &app,
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
    let answer = post_form(
        &app,
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
    let answer = post_form(
        &app,
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
    let answer = post_form(
        &app,
        &member,
        &topic,
        &format!("{topic}/reponses"),
        &[("body_markdown", "   ")],
    )
    .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.text().await?.contains("Le message est obligatoire"));
    // Locked: the member can no longer reply.
    post_form(
        &app,
        &owner,
        &topic,
        &format!("{topic}/moderation"),
        &[("action", "verrouiller"), ("category", "")],
    )
    .await?;
    let answer = post_form(
        &app,
        &member,
        &topic,
        &format!("{topic}/reponses"),
        &[("body_markdown", "Encore moi")],
    )
    .await?;
    assert_eq!(answer.status(), StatusCode::CONFLICT);
    assert!(answer.text().await?.contains("Ce sujet est verrouillé"));
    let answer = post_form(
        &app,
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
    let answer = post_form(
        &app,
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
    let answer = post_form(
        &app,
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
    let answer = post_form(
        &app,
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
