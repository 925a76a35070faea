//! The shared folders over WebDAV: the litmus test suite (Debian's `litmus`, classes 1 and 2
//! with locks and properties), HTTP Basic with application passwords, rights as on the web,
//! path traversal, and what a file manager sees of files put on the web.

use std::process::Command;

use domain::accounts::Function;
use domain::ids::{PersonId, SpaceId};
use domain::spaces::{SpaceContent, SpaceInput, SpaceRole};
use reqwest::{Method, StatusCode};
use testkit::TestApp;

async fn space(app: &TestApp, owner: PersonId, visibility: &str) -> anyhow::Result<SpaceId> {
    let content = SpaceContent::parse(
        &SpaceInput {
            name: "Équipe de circonscription".into(),
            visibility: visibility.into(),
            ..SpaceInput::default()
        },
        false,
    )?;
    Ok(store::spaces::create(&app.db, &content, None, owner, 1024 * 1024 * 1024).await?)
}

#[tokio::test]
async fn litmus_passes() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let owner = app
        .create_person(
            "dav@ac-lille.fr",
            Function::Enseignant2d,
            "une phrase de passe",
            false,
        )
        .await?;
    let id = space(&app, owner, "members").await?;
    let password = store::accounts::create_app_password(&app.db, owner, "litmus").await?;
    let url = app.url(&format!("/dav/spaces/{}/", id.0));
    // litmus writes its traces (debug.log) where it runs.
    let scratch = tempfile::tempdir()?;
    let dir = scratch.path().to_owned();
    let run = tokio::task::spawn_blocking(move || {
        Command::new("litmus")
            .current_dir(dir)
            .args([url.as_str(), "dav@ac-lille.fr", password.as_str()])
            .env("TESTS", "basic copymove props locks http")
            .output()
    })
    .await?
    .map_err(|e| anyhow::anyhow!("litmus is needed (Debian package `litmus`): {e}"))?;
    let out = String::from_utf8_lossy(&run.stdout);
    println!("{out}");
    assert!(run.status.success(), "litmus failed:\n{out}");
    for suite in ["basic", "copymove", "props", "locks", "http"] {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("<- summary for `{suite}'")))
            .unwrap_or_default();
        assert!(line.contains("100.0%"), "{suite}: {line}");
    }
    Ok(())
}

fn basic(
    client: &reqwest::Client,
    method: Method,
    url: String,
    who: &str,
    password: &str,
) -> reqwest::RequestBuilder {
    client.request(method, url).basic_auth(who, Some(password))
}

#[tokio::test]
async fn rights_and_paths() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let owner = app
        .create_person(
            "owner@ac-lille.fr",
            Function::Enseignant2d,
            "une phrase de passe",
            false,
        )
        .await?;
    let reader = app
        .create_person(
            "reader@ac-lille.fr",
            Function::Enseignant2d,
            "une phrase de passe",
            false,
        )
        .await?;
    let outsider = app
        .create_person(
            "outsider@ac-lille.fr",
            Function::Enseignant2d,
            "une phrase de passe",
            false,
        )
        .await?;
    let id = space(&app, owner, "members").await?;
    store::spaces::set_member(&app.db, id, reader, SpaceRole::Reader, owner).await?;
    let owner_pw = store::accounts::create_app_password(&app.db, owner, "poste").await?;
    let reader_pw = store::accounts::create_app_password(&app.db, reader, "poste").await?;
    // The tokens of `territoire user token` are application passwords too.
    let outsider_pw = store::accounts::create_api_token(&app.db, outsider).await?;
    let client = reqwest::Client::new();
    let base = |path: &str| app.url(&format!("/dav/spaces/{}{path}", id.0));

    // No credentials, a wrong password, or the account's own password: asked to sign in.
    let answer = client
        .request(Method::from_bytes(b"PROPFIND")?, base("/"))
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    assert!(answer.headers().contains_key("www-authenticate"));
    for password in ["mauvais", "une phrase de passe"] {
        let answer = basic(
            &client,
            Method::from_bytes(b"PROPFIND")?,
            base("/"),
            "owner@ac-lille.fr",
            password,
        )
        .send()
        .await?;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{password}");
    }
    // Someone else's application password is no good with my address.
    let answer = basic(
        &client,
        Method::from_bytes(b"PROPFIND")?,
        base("/"),
        "owner@ac-lille.fr",
        &reader_pw,
    )
    .send()
    .await?;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);

    // The owner writes a file whose name has accents, spaces and odd characters.
    let name = "Compte rendu — réunion n°1 (version « finale »).txt";
    let encoded = format!("/{}", urlencode(name));
    let answer = basic(
        &client,
        Method::PUT,
        base(&encoded),
        "owner@ac-lille.fr",
        &owner_pw,
    )
    .body("Ordre du jour : le rallye lecture.\n")
    .send()
    .await?;
    assert_eq!(answer.status(), StatusCode::CREATED);
    let entries = store::spaces::folders::children(&app.db, id, None).await?;
    assert_eq!(
        entries.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        [name],
        "kept as typed"
    );

    // A property set on the file shows in the listing of its folder (read with the listing).
    let answer = basic(
        &client,
        Method::from_bytes(b"PROPPATCH")?,
        base(&encoded),
        "owner@ac-lille.fr",
        &owner_pw,
    )
    .body(
        r#"<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:territoire:essai"><D:set><D:prop><Z:couleur>bleu ciel</Z:couleur></D:prop></D:set></D:propertyupdate>"#,
    )
    .send()
    .await?;
    assert_eq!(answer.status(), StatusCode::MULTI_STATUS);
    let listing = basic(
        &client,
        Method::from_bytes(b"PROPFIND")?,
        base("/"),
        "owner@ac-lille.fr",
        &owner_pw,
    )
    .header("Depth", "1")
    .body(r#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>"#)
    .send()
    .await?
    .text()
    .await?;
    assert!(
        listing.contains("bleu ciel")
            && listing.contains("<D:getcontentlength>35</D:getcontentlength>"),
        "{listing}"
    );

    // A reader reads but cannot write; a non-member sees nothing.
    let answer = basic(
        &client,
        Method::GET,
        base(&encoded),
        "reader@ac-lille.fr",
        &reader_pw,
    )
    .send()
    .await?;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.text().await?, "Ordre du jour : le rallye lecture.\n");
    let answer = basic(
        &client,
        Method::PUT,
        base("/lecteur.txt"),
        "reader@ac-lille.fr",
        &reader_pw,
    )
    .body("non")
    .send()
    .await?;
    assert!(answer.status().is_client_error(), "{}", answer.status());
    let answer = basic(
        &client,
        Method::DELETE,
        base(&encoded),
        "reader@ac-lille.fr",
        &reader_pw,
    )
    .send()
    .await?;
    assert!(answer.status().is_client_error(), "{}", answer.status());
    let answer = basic(
        &client,
        Method::GET,
        base(&encoded),
        "outsider@ac-lille.fr",
        &outsider_pw,
    )
    .send()
    .await?;
    assert_eq!(answer.status(), StatusCode::NOT_FOUND);

    // Path traversal: `..` out of the space, encoded slashes, backslashes: refused.
    for path in [
        format!("/dav/spaces/{}/../{}/x.txt", id.0, id.0 + 1),
        format!("/dav/spaces/{}/a%2Fb.txt", id.0),
        format!("/dav/spaces/{}/..%2F..%2Fetc%2Fpasswd", id.0),
        format!("/dav/spaces/{}/a%5C..%5Cb.txt", id.0),
    ] {
        let answer = basic(
            &client,
            Method::PUT,
            app.url(&path),
            "owner@ac-lille.fr",
            &owner_pw,
        )
        .body("x")
        .send()
        .await?;
        assert!(
            answer.status().is_client_error(),
            "{path}: {}",
            answer.status()
        );
    }
    assert_eq!(
        store::spaces::folders::children(&app.db, id, None)
            .await?
            .len(),
        1,
        "nothing written"
    );

    // A disguised file is refused like on the web; nothing is kept.
    let answer = basic(
        &client,
        Method::PUT,
        base("/cours.pdf"),
        "owner@ac-lille.fr",
        &owner_pw,
    )
    .body("#!/bin/sh\nrm -rf /\n")
    .send()
    .await?;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);

    // Saving again keeps the former version; deleting puts in the trash.
    let answer = basic(
        &client,
        Method::PUT,
        base(&encoded),
        "owner@ac-lille.fr",
        &owner_pw,
    )
    .body("Ordre du jour modifié.\n")
    .send()
    .await?;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let file = store::spaces::folders::child(&app.db, id, None, name)
        .await?
        .ok_or_else(|| anyhow::anyhow!("file gone"))?;
    assert_eq!(
        store::spaces::folders::versions(&app.db, file.id())
            .await?
            .len(),
        2
    );
    basic(
        &client,
        Method::from_bytes(b"MKCOL")?,
        base("/Dossier"),
        "owner@ac-lille.fr",
        &owner_pw,
    )
    .send()
    .await?;
    basic(
        &client,
        Method::PUT,
        base("/Dossier/note.txt"),
        "owner@ac-lille.fr",
        &owner_pw,
    )
    .body("note")
    .send()
    .await?;
    let answer = basic(
        &client,
        Method::DELETE,
        base("/Dossier"),
        "owner@ac-lille.fr",
        &owner_pw,
    )
    .send()
    .await?;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let trash = store::spaces::folders::trashed(&app.db, id).await?;
    assert_eq!(
        trash.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["Dossier"],
        "the folder goes whole"
    );
    Ok(())
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn application_passwords_from_the_account_page() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let owner = app
        .create_person(
            "compte@ac-lille.fr",
            Function::Enseignant2d,
            "une phrase de passe",
            false,
        )
        .await?;
    let id = space(&app, owner, "members").await?;
    let browser = testkit::client()?;
    app.login(&browser, "compte@ac-lille.fr", "une phrase de passe")
        .await?;
    let csrf = app.csrf(&browser, "/compte").await?;
    let page = browser
        .post(app.url("/compte/mots-de-passe"))
        .form(&[("csrf", csrf.as_str()), ("label", "Ordinateur du collège")])
        .send()
        .await?
        .text()
        .await?;
    let start = page
        .find("<code class=\"tt-secret\">")
        .ok_or_else(|| anyhow::anyhow!("password not shown"))?
        + 24;
    let password = page[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(page.contains("Ordinateur du collège"));
    let client = reqwest::Client::new();
    let propfind = || {
        basic(
            &client,
            Method::from_bytes(b"PROPFIND").unwrap_or(Method::GET),
            app.url(&format!("/dav/spaces/{}/", id.0)),
            "compte@ac-lille.fr",
            &password,
        )
        .header("Depth", "1")
    };
    assert_eq!(propfind().send().await?.status(), StatusCode::MULTI_STATUS);
    // Shown once: the account page lists it by name, never the password again.
    let listed = browser.get(app.url("/compte")).send().await?.text().await?;
    assert!(!listed.contains(&password));
    let passwords = store::accounts::app_passwords(&app.db, owner).await?;
    let csrf = app.csrf(&browser, "/compte").await?;
    let answer = browser
        .post(app.url(&format!(
            "/compte/mots-de-passe/{}/revoquer",
            passwords[0].id
        )))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        propfind().send().await?.status(),
        StatusCode::UNAUTHORIZED,
        "revoked"
    );
    Ok(())
}
