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
    // No warning, but one: `DELETE /…/frag/#ment` removes `frag/`, because a fragment never
    // reaches the application — hyper's request-target parser (the `http` crate's `Uri`)
    // drops it before routing, as RFC 9110 §4.2.4 has clients never send it. Every other
    // warning (properties left out of a PROPFIND answer…) fails the test.
    let warnings: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("WARNING") && !l.contains("delete_fragment"))
        .collect();
    assert!(
        warnings.is_empty(),
        "litmus warned:\n{}",
        warnings.join("\n")
    );
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

/// A space with an owner and an application password, for the raw requests below.
async fn raw_scene(app: &TestApp) -> anyhow::Result<(PersonId, SpaceId, SpaceId, String)> {
    let owner = app
        .create_person(
            "brut@ac-lille.fr",
            Function::Enseignant2d,
            "une phrase de passe",
            false,
        )
        .await?;
    let id = space(app, owner, "members").await?;
    let other = space(app, owner, "members").await?;
    let password = store::accounts::create_app_password(&app.db, owner, "brut").await?;
    let credentials = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("brut@ac-lille.fr:{password}"),
    );
    Ok((owner, id, other, credentials))
}

/// Compression and WebDAV, as rclone (Go), Python `requests` and GNOME Files send it: every
/// answer comes whole, whatever `Accept-Encoding` says.
#[tokio::test]
async fn compressed_answers_come_whole() -> anyhow::Result<()> {
    use std::io::Read;
    let app = TestApp::spawn().await?;
    let (_, id, _, auth) = raw_scene(&app).await?;
    let text = "Compte rendu de la réunion de l'équipe. ".repeat(500);
    let put = testkit::raw::send(
        app.address,
        &format!(
            "PUT /dav/spaces/{}/r%C3%A9union.txt HTTP/1.1\r\nAuthorization: Basic {auth}",
            id.0
        ),
        text.as_bytes(),
    )
    .await?;
    assert_eq!(put.status, 201, "{}", put.text());
    for encoding in ["gzip", "br", "gzip, deflate, br", "deflate", "zstd", "*"] {
        for _ in 0..3 {
            let listing = testkit::raw::send(
                app.address,
                &format!(
                    "PROPFIND /dav/spaces/{}/ HTTP/1.1\r\nAuthorization: Basic {auth}\r\nDepth: 1\r\nAccept-Encoding: {encoding}",
                    id.0
                ),
                b"",
            )
            .await?;
            assert_eq!(listing.status, 207, "{encoding}");
            assert!(!listing.body.is_empty(), "{encoding}: empty listing");
            let get = testkit::raw::send(
                app.address,
                &format!(
                    "GET /dav/spaces/{}/r%C3%A9union.txt HTTP/1.1\r\nAuthorization: Basic {auth}\r\nAccept-Encoding: {encoding}",
                    id.0
                ),
                b"",
            )
            .await?;
            assert_eq!(get.status, 200, "{encoding}");
            if get.header("content-encoding") == Some("gzip") {
                let mut plain = String::new();
                flate2::read::GzDecoder::new(&get.body[..]).read_to_string(&mut plain)?;
                assert_eq!(plain, text);
            } else if get.header("content-encoding").is_none() {
                assert_eq!(get.body, text.as_bytes());
            }
            if listing.header("content-encoding") == Some("gzip") {
                let mut plain = String::new();
                flate2::read::GzDecoder::new(&listing.body[..]).read_to_string(&mut plain)?;
                assert!(
                    plain.contains("union.txt") && plain.contains("multistatus>"),
                    "{plain}"
                );
            }
        }
    }
    // The pages and the API too.
    for path in [
        "/",
        "/annuaire",
        "/api/v1/openapi.json",
        "/static/js/map.js",
    ] {
        let page = testkit::raw::send(
            app.address,
            &format!("GET {path} HTTP/1.1\r\nAccept-Encoding: gzip"),
            b"",
        )
        .await?;
        assert!(page.status < 500, "{path}: {}", page.status);
    }
    Ok(())
}

/// Paths that climb out of their space, sent raw (`curl --path-as-is`): a client error for
/// every method, never a server's.
#[tokio::test]
async fn paths_that_leave_their_space_are_client_errors() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let (_, id, other, auth) = raw_scene(&app).await?;
    let (a, b) = (id.0, other.0);
    for method in [
        "GET",
        "HEAD",
        "PUT",
        "DELETE",
        "PROPFIND",
        "PROPPATCH",
        "MKCOL",
        "COPY",
        "MOVE",
        "LOCK",
        "UNLOCK",
        "OPTIONS",
    ] {
        for path in [
            format!("/dav/spaces/{a}/../{b}/x.txt"),
            format!("/dav/spaces/{a}/%2e%2e/{b}/x.txt"),
            format!("/dav/spaces/{a}/%2E%2E/%2E%2E/"),
            format!("/dav/spaces/{a}/sous/../../{b}/"),
            format!("/dav/spaces/{a}/..%5c{b}/x.txt"),
        ] {
            let answer = testkit::raw::send(
                app.address,
                &format!("{method} {path} HTTP/1.1\r\nAuthorization: Basic {auth}\r\nDestination: /dav/spaces/{a}/y.txt"),
                b"",
            )
            .await?;
            assert!(
                (400..500).contains(&answer.status),
                "{method} {path}: {}",
                answer.status
            );
        }
    }
    // A copy or a move to another space, or one that climbs: refused, nothing written there.
    let put = testkit::raw::send(
        app.address,
        &format!("PUT /dav/spaces/{a}/x.txt HTTP/1.1\r\nAuthorization: Basic {auth}"),
        b"bonjour",
    )
    .await?;
    assert_eq!(put.status, 201);
    for destination in [
        format!("http://{}/dav/spaces/{b}/x.txt", app.address),
        format!("/dav/spaces/{b}/x.txt"),
        format!("http://{}/dav/spaces/{a}/../{b}/x.txt", app.address),
        format!("/dav/spaces/{a}/%2e%2e/{b}/x.txt"),
        format!("/dav/spaces/{a}0/x.txt"),
    ] {
        for method in ["COPY", "MOVE"] {
            let answer = testkit::raw::send(
                app.address,
                &format!("{method} /dav/spaces/{a}/x.txt HTTP/1.1\r\nAuthorization: Basic {auth}\r\nDestination: {destination}"),
                b"",
            )
            .await?;
            assert!(
                (400..500).contains(&answer.status),
                "{method} → {destination}: {}",
                answer.status
            );
        }
    }
    assert!(
        store::spaces::folders::children(&app.db, other, None)
            .await?
            .is_empty()
    );
    Ok(())
}

/// A file that would run in a browser (SVG with a script, HTML, JavaScript) is never served
/// so that it can, on any channel: WebDAV, the space's page, the API.
#[tokio::test]
async fn files_never_run_on_the_platform_origin() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let (owner, id, _, auth) = raw_scene(&app).await?;
    let evil = [
        (
            "evil.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>fetch('/compte')</script></svg>",
        ),
        (
            "evil.html",
            "<html><script>fetch('/compte')</script></html>",
        ),
        ("evil.js", "fetch('/compte').then(r => r.text())"),
        (
            "evil.xml",
            "<?xml version=\"1.0\"?><x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">fetch('/compte')</x:script>",
        ),
    ];
    let inert = |answer: &testkit::raw::RawResponse, what: &str| {
        let kind = answer
            .header("content-type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        assert!(
            !kind.contains("svg")
                && !kind.contains("html")
                && !kind.contains("javascript")
                && !kind.contains("xml"),
            "{what}: served as {kind}"
        );
        assert!(
            answer
                .header("content-disposition")
                .unwrap_or_default()
                .starts_with("attachment"),
            "{what}: {:?}",
            answer.headers
        );
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert!(
            answer
                .header("content-security-policy")
                .unwrap_or_default()
                .contains("sandbox"),
            "{what}"
        );
    };
    let mut refused = Vec::new();
    for (name, content) in evil {
        let put = testkit::raw::send(
            app.address,
            &format!(
                "PUT /dav/spaces/{}/{name} HTTP/1.1\r\nAuthorization: Basic {auth}",
                id.0
            ),
            content.as_bytes(),
        )
        .await?;
        refused.push((name, put.status));
        if put.status == 403 || put.status == 415 {
            // Refused at the door (the folders take no HTML page): nothing to serve.
            continue;
        }
        assert_eq!(put.status, 201, "{name}: {}", put.text());
        let get = testkit::raw::send(
            app.address,
            &format!(
                "GET /dav/spaces/{}/{name} HTTP/1.1\r\nAuthorization: Basic {auth}",
                id.0
            ),
            b"",
        )
        .await?;
        assert_eq!(get.status, 200);
        inert(&get, &format!("WebDAV {name}"));
    }
    // The same files from the space's pages and from the API.
    let browser = testkit::client()?;
    app.login(&browser, "brut@ac-lille.fr", "une phrase de passe")
        .await?;
    let token = store::accounts::create_api_token(&app.db, owner).await?;
    let stored = store::spaces::folders::children(&app.db, id, None).await?;
    assert!(
        stored.len() >= 2,
        "the files are kept (as text): {refused:?}"
    );
    for entry in stored {
        let page = browser
            .get(app.url(&format!("/espaces/{}/fichiers/{}/contenu", id.0, entry.id)))
            .send()
            .await?;
        assert_eq!(page.status(), StatusCode::OK);
        let raw = testkit::raw::RawResponse {
            status: 200,
            headers: page
                .headers()
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
                .collect(),
            body: Vec::new(),
        };
        inert(&raw, &format!("page {}", entry.name));
        let api = testkit::raw::send(
            app.address,
            &format!(
                "GET /api/v1/spaces/{}/files/{}/content HTTP/1.1\r\nAuthorization: Bearer {token}",
                id.0, entry.id
            ),
            b"",
        )
        .await?;
        assert_eq!(api.status, 200, "{}", api.text());
        inert(&api, &format!("API {}", entry.name));
    }
    Ok(())
}

/// A CSV file of `size` bytes whose lines all differ (a missing or repeated block shows).
fn big_csv(size: usize) -> Vec<u8> {
    let mut csv = Vec::with_capacity(size + 64);
    let mut line = 0u64;
    while csv.len() < size {
        csv.extend_from_slice(
            format!(
                "{line};élève {};{}\n",
                line % 977,
                line.wrapping_mul(2_654_435_761) % 100_000
            )
            .as_bytes(),
        );
        line += 1;
    }
    csv.truncate(size);
    csv
}

/// rclone (Debian's) with its defaults — a Go client: `Accept-Encoding: gzip` on every request —
/// copies a tree with accented names and a 200 Mo file, checks it byte for byte, and syncs
/// changes both ways of a real folder.
#[tokio::test]
async fn rclone_copies_checks_and_syncs_a_tree() -> anyhow::Result<()> {
    let app = TestApp::spawn_with(web::WebSettings {
        // The académie's setting for large files in shared folders (50 Mio by default).
        upload_limits: media::Limits {
            other: 256 * 1024 * 1024,
            ..media::Limits::default()
        },
        ..web::WebSettings::default()
    })
    .await?;
    let owner = app
        .create_person(
            "rclone@ac-lille.fr",
            Function::Enseignant2d,
            "une phrase de passe",
            false,
        )
        .await?;
    let id = space(&app, owner, "members").await?;
    let password = store::accounts::create_app_password(&app.db, owner, "rclone").await?;
    let scratch = tempfile::tempdir()?;
    let local = scratch.path().join("local");
    let files: [(&str, Vec<u8>); 4] = [
        (
            "Compte-rendus/réunion d'été.txt",
            "Compte rendu de la réunion.\n".as_bytes().to_vec(),
        ),
        (
            "Élèves & familles/fiche n°1 (brouillon).txt",
            "Fiche élève : écriture à deux mains.\n".as_bytes().to_vec(),
        ),
        (
            "Élèves & familles/Ça marche ?.txt",
            "Œuvre, cœur, naïveté.\n".as_bytes().to_vec(),
        ),
        ("grand tableau.csv", big_csv(200 * 1024 * 1024)),
    ];
    for (path, bytes) in &files {
        let path = local.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(&local))?;
        std::fs::write(path, bytes)?;
    }
    let rclone = |args: Vec<String>| {
        let url = app.url(&format!("/dav/spaces/{}/", id.0));
        let password = password.clone();
        let config = scratch.path().join("rclone.conf");
        async move {
            let obscured = tokio::process::Command::new("rclone")
                .args(["obscure", &password])
                .output()
                .await
                .map_err(|e| anyhow::anyhow!("rclone is needed (Debian package `rclone`): {e}"))?;
            let output = tokio::process::Command::new("rclone")
                .args(&args)
                .arg("--config")
                .arg(&config)
                .env("RCLONE_CONFIG_TERR_TYPE", "webdav")
                .env("RCLONE_CONFIG_TERR_URL", url)
                .env("RCLONE_CONFIG_TERR_VENDOR", "other")
                .env("RCLONE_CONFIG_TERR_USER", "rclone@ac-lille.fr")
                .env(
                    "RCLONE_CONFIG_TERR_PASS",
                    String::from_utf8_lossy(&obscured.stdout).trim(),
                )
                .output()
                .await?;
            let said = format!(
                "rclone {args:?}:\n{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            anyhow::ensure!(output.status.success(), "{said}");
            anyhow::Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        }
    };
    let local_path = local.display().to_string();
    rclone(vec!["copy".into(), local_path.clone(), "terr:".into()]).await?;
    rclone(vec![
        "check".into(),
        "--download".into(),
        local_path.clone(),
        "terr:".into(),
    ])
    .await?;
    let listed = rclone(vec![
        "lsf".into(),
        "-R".into(),
        "--files-only".into(),
        "terr:".into(),
    ])
    .await?;
    let mut listed: Vec<&str> = listed.lines().collect();
    listed.sort_unstable();
    let mut expected: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
    expected.sort_unstable();
    assert_eq!(listed, expected);

    // Changes on the local side: one file edited, one removed, one added; sync mirrors them.
    std::fs::write(
        local.join("Élèves & familles/Ça marche ?.txt"),
        "Œuvre revue et corrigée.\n",
    )?;
    std::fs::remove_file(local.join("Compte-rendus/réunion d'été.txt"))?;
    std::fs::write(
        local.join("Compte-rendus/rentrée 2027.txt"),
        "Ordre du jour : accueil.\n",
    )?;
    rclone(vec!["sync".into(), local_path.clone(), "terr:".into()]).await?;
    rclone(vec![
        "check".into(),
        "--download".into(),
        local_path.clone(),
        "terr:".into(),
    ])
    .await?;
    // And back: a fresh folder synced from the space is the same tree.
    let back = scratch.path().join("back");
    rclone(vec![
        "sync".into(),
        "terr:".into(),
        back.display().to_string(),
    ])
    .await?;
    rclone(vec![
        "check".into(),
        "--download".into(),
        local_path,
        back.display().to_string(),
    ])
    .await?;
    Ok(())
}
