//! Media through HTTP: uploads checked by content and size (nothing kept when refused),
//! transcoding by the job workers, playback with range requests, captions, and the
//! image-rights consent that gates publication.

use std::process::Command;
use std::time::Duration;

use domain::accounts::Function;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use testkit::TestApp;

const PASSWORD: &str = "une phrase de passe";

/// A two-second test video made by ffmpeg.
fn clip(dir: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let path = dir.join("clip.mp4");
    let status = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=640x360:rate=25:duration=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=2",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
        ])
        .arg(&path)
        .status()?;
    anyhow::ensure!(status.success(), "ffmpeg could not make the test clip");
    Ok(std::fs::read(path)?)
}

fn file(name: &str, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes).file_name(name.to_owned())
}

async fn practice(app: &TestApp, token: &str, visibility: &str) -> anyhow::Result<i64> {
    let created: Value = app
        .client
        .post(app.url("/api/v1/practices"))
        .bearer_auth(token)
        .json(
            &json!({"title": "Atelier vidéo", "summary": "Une capsule.", "visibility": visibility}),
        )
        .send()
        .await?
        .json()
        .await?;
    created["id"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("{created}"))
}

async fn wait_ready(app: &TestApp, token: &str, practice: i64) -> anyhow::Result<Value> {
    for _ in 0..300 {
        let json: Value = app
            .client
            .get(app.url(&format!("/api/v1/practices/{practice}")))
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        let state = json["media"][0]["state"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if state == "ready" || state == "failed" || state == "original" {
            return Ok(json["media"][0].clone());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the video was not transcoded in 30 s")
}

#[tokio::test]
async fn videos_are_transcoded_played_by_ranges_and_gated_by_consent() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let author = app
        .create_person(
            "auteur@ac-lille.fr",
            Function::Enseignant1d,
            PASSWORD,
            false,
        )
        .await?;
    let token = store::accounts::create_api_token(&app.db, author).await?;
    let id = practice(&app, &token, "public").await?;
    let video = clip(app.fresh.dir.path())?;

    // A video must say who appears in it.
    let unsaid = app
        .client
        .post(app.url(&format!("/api/v1/practices/{id}/media")))
        .bearer_auth(&token)
        .multipart(Form::new().part("file", file("classe.mp4", video.clone())))
        .send()
        .await?;
    assert_eq!(unsaid.status(), StatusCode::BAD_REQUEST);

    let uploaded = app
        .client
        .post(app.url(&format!("/api/v1/practices/{id}/media")))
        .bearer_auth(&token)
        .multipart(
            Form::new()
                .text("appearance", "pupils")
                .part("file", file("classe.mp4", video.clone())),
        )
        .send()
        .await?;
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let media: Value = uploaded.json().await?;
    assert_eq!(media["kind"], "video");
    assert_eq!(media["size"], video.len());

    let ready = wait_ready(&app, &token, id).await?;
    assert_eq!(ready["state"], "ready", "{ready}");
    assert!(
        ready["duration_ms"]
            .as_i64()
            .is_some_and(|d| (1900..2200).contains(&d)),
        "{ready}"
    );
    let media_id = ready["id"].as_i64().unwrap_or_default();

    // Pupils are visible and no consent is recorded: publishing is refused, in French.
    let refused = app
        .client
        .patch(app.url(&format!("/api/v1/practices/{id}")))
        .bearer_auth(&token)
        .json(&json!({"status": "published"}))
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let body: Value = refused.json().await?;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("droit à l'image")),
        "{body}"
    );

    // Its page tells its author why, instead of offering « Publier ».
    let author_browser = testkit::client()?;
    app.login(&author_browser, "auteur@ac-lille.fr", PASSWORD)
        .await?;
    let practice_page = || async {
        let answer = author_browser
            .get(app.url(&format!("/pratiques/{id}")))
            .send()
            .await?;
        testkit::text(answer).await
    };
    let publish_button = format!("action=\"/pratiques/{id}/publier\"");
    let page = practice_page().await?;
    assert!(!page.contains(&publish_button), "{page}");
    assert!(page.contains("Publication impossible pour l"), "{page}");

    // A consent for the territory only: the public practice still cannot be published…
    let consent = store::practices::media::Consent::parse(
        &domain::practices::consent::ConsentInput {
            pupils: "20".into(),
            authorised: "20".into(),
            keeper: "Secrétariat de l'école".into(),
            collected_on: "2026-09-10".into(),
            scope: "platform".into(),
            expires_on: "2030-08-31".into(),
        },
        time::macros::date!(2026 - 11 - 22),
    )
    .map_err(anyhow::Error::msg)?;
    store::practices::media::record_consent(
        &app.db,
        domain::ids::MediaId(media_id),
        author,
        &consent,
    )
    .await?;
    let refused = app
        .client
        .patch(app.url(&format!("/api/v1/practices/{id}")))
        .bearer_auth(&token)
        .json(&json!({"status": "published"}))
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await?.contains("Plateforme"));
    let page = practice_page().await?;
    assert!(
        !page.contains(&publish_button) && page.contains("« Plateforme »"),
        "{page}"
    );
    // …but it can at the visibility the families agreed to: the page offers it.
    let narrowed = app
        .client
        .patch(app.url(&format!("/api/v1/practices/{id}")))
        .bearer_auth(&token)
        .json(&json!({"visibility": "platform"}))
        .send()
        .await?;
    assert_eq!(narrowed.status(), StatusCode::OK);
    let page = practice_page().await?;
    assert!(page.contains(&publish_button), "{page}");
    let published = app
        .client
        .patch(app.url(&format!("/api/v1/practices/{id}")))
        .bearer_auth(&token)
        .json(&json!({"status": "published", "visibility": "platform"}))
        .send()
        .await?;
    assert_eq!(published.status(), StatusCode::OK);

    // Playback: whole, and by ranges (seeking).
    let whole = app
        .client
        .get(app.url(&format!("/medias/{media_id}")))
        .bearer_auth(&token)
        .send()
        .await;
    assert_eq!(
        whole?.status(),
        StatusCode::NOT_FOUND,
        "the bearer token is for the API; pages use the session"
    );
    let reader = testkit::client()?;
    app.create_person(
        "lecteur@ac-lille.fr",
        Function::Enseignant1d,
        PASSWORD,
        false,
    )
    .await?;
    app.login(&reader, "lecteur@ac-lille.fr", PASSWORD).await?;
    let whole = reader
        .get(app.url(&format!("/medias/{media_id}")))
        .send()
        .await?;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()["content-type"], "video/mp4");
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    let total = whole.bytes().await?.len();
    assert!(total > 1000);
    let part = reader
        .get(app.url(&format!("/medias/{media_id}")))
        .header("range", "bytes=100-199")
        .send()
        .await?;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 100-199/{total}")
    );
    assert_eq!(part.bytes().await?.len(), 100);
    let tail = reader
        .get(app.url(&format!("/medias/{media_id}")))
        .header("range", "bytes=-10")
        .send()
        .await?;
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes().await?.len(), 10);
    let beyond = reader
        .get(app.url(&format!("/medias/{media_id}")))
        .header("range", format!("bytes={}-", total + 5))
        .send()
        .await?;
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    let poster = reader
        .get(app.url(&format!("/medias/{media_id}/affiche")))
        .send()
        .await?;
    assert_eq!(poster.status(), StatusCode::OK);
    assert_eq!(
        &poster.bytes().await?[..2],
        &[0xFF, 0xD8],
        "the poster is a JPEG"
    );
    // Anonymous visitors may not see a platform practice's video.
    assert_eq!(
        app.client
            .get(app.url(&format!("/medias/{media_id}")))
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );

    // The transcoded file is H.264/AAC, fast start, at most 720 lines.
    let bytes = reader
        .get(app.url(&format!("/medias/{media_id}")))
        .send()
        .await?
        .bytes()
        .await?;
    let moov = bytes.windows(4).position(|w| w == b"moov");
    let mdat = bytes.windows(4).position(|w| w == b"mdat");
    assert!(moov < mdat, "fast start: the index comes before the data");
    assert!(bytes.windows(4).any(|w| w == b"avc1") && bytes.windows(4).any(|w| w == b"mp4a"));

    // Captions: WebVTT only, shown by the player.
    let author_page = testkit::client()?;
    app.login(&author_page, "auteur@ac-lille.fr", PASSWORD)
        .await?;
    let csrf = app.csrf(&author_page, &format!("/pratiques/{id}")).await?;
    let captions = app.url(&format!("/medias/{media_id}/sous-titres"));
    let vtt = "WEBVTT\n\n00:00.000 --> 00:01.500\nBonjour la classe\n";
    let form = |name: &str, body: &str| {
        Form::new()
            .text("csrf", csrf.clone())
            .text("lang", "fr")
            .part("file", file(name, body.as_bytes().to_vec()))
    };
    let srt = author_page
        .post(&captions)
        .multipart(form(
            "st.srt",
            "1\n00:00:00,000 --> 00:00:01,500\nBonjour\n",
        ))
        .send()
        .await?;
    assert_eq!(srt.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let stranger = reader
        .post(&captions)
        .multipart(form("st.vtt", vtt))
        .send()
        .await?;
    assert_eq!(
        stranger.status(),
        StatusCode::FORBIDDEN,
        "a reader may not add captions"
    );
    let added = author_page
        .post(&captions)
        .multipart(form("st.vtt", vtt))
        .send()
        .await?;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let track = reader
        .get(app.url(&format!("/medias/{media_id}/sous-titres/fr")))
        .send()
        .await?;
    assert_eq!(track.headers()["content-type"], "text/vtt; charset=utf-8");
    assert!(track.text().await?.contains("Bonjour la classe"));
    let page = reader
        .get(app.url(&format!("/pratiques/{id}")))
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains(&format!("<track kind=\"captions\" srclang=\"fr\" label=\"Français\" src=\"/medias/{media_id}/sous-titres/fr\" default>")), "{page}");

    // Expired consents withdraw the video and tell the authors.
    let withdrawn =
        store::practices::media::withdraw_expired(&app.db, time::macros::date!(2030 - 09 - 01))
            .await?;
    assert_eq!(withdrawn, vec![media_id]);
    assert_eq!(
        reader
            .get(app.url(&format!("/medias/{media_id}")))
            .send()
            .await?
            .status(),
        StatusCode::NOT_FOUND
    );
    let notices = store::practices::notifications(&app.db, author, 10).await?;
    assert!(
        notices[0].message.contains("ont expiré"),
        "{:?}",
        notices[0]
    );
    Ok(())
}

#[tokio::test]
async fn disguised_and_oversized_files_are_refused_and_nothing_is_kept() -> anyhow::Result<()> {
    let settings = web::WebSettings {
        upload_limits: media::Limits {
            video: 5 * 1024 * 1024,
            other: 64 * 1024,
        },
        ..web::WebSettings::default()
    };
    let app = TestApp::spawn_with(settings).await?;
    let author = app
        .create_person(
            "auteur@ac-lille.fr",
            Function::Enseignant1d,
            PASSWORD,
            false,
        )
        .await?;
    let other = app
        .create_person("autre@ac-lille.fr", Function::Enseignant1d, PASSWORD, false)
        .await?;
    let token = store::accounts::create_api_token(&app.db, author).await?;
    let other_token = store::accounts::create_api_token(&app.db, other).await?;
    let id = practice(&app, &token, "platform").await?;
    let url = app.url(&format!("/api/v1/practices/{id}/media"));
    let blobs = app.fresh.dir.path().join("blobs");
    let files = || walk(&blobs);

    let script = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .multipart(Form::new().text("appearance", "nobody").part(
            "file",
            file("capsule.mp4", b"<script>alert(1)</script>".to_vec()),
        ))
        .send()
        .await?;
    assert_eq!(script.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let body: Value = script.json().await?;
    assert_eq!(body["error"], "unsupported_media_type");
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(10_000, b' ');
    let disguised = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .multipart(Form::new().part("file", file("photo.png", pdf.clone())))
        .send()
        .await?;
    assert_eq!(disguised.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(200_000, b' ');
    let oversized = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .multipart(Form::new().part("file", file("gros.pdf", big)))
        .send()
        .await?;
    assert_eq!(oversized.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = oversized.json().await?;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("taille autorisée")),
        "{body}"
    );
    assert!(files()?.is_empty(), "nothing stored: {:?}", files()?);
    let json: Value = app
        .client
        .get(app.url(&format!("/api/v1/practices/{id}")))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(json["media"].as_array().map(Vec::len), Some(0));

    // Someone who is not an author may read the published practice but not attach files.
    let published = app
        .client
        .patch(app.url(&format!("/api/v1/practices/{id}")))
        .bearer_auth(&token)
        .json(&json!({"status": "published"}))
        .send()
        .await?;
    assert_eq!(published.status(), StatusCode::OK);
    let intruder = app
        .client
        .post(&url)
        .bearer_auth(&other_token)
        .multipart(Form::new().part("file", file("fiche.pdf", pdf.clone())))
        .send()
        .await?;
    assert_eq!(intruder.status(), StatusCode::FORBIDDEN);

    let accepted = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .multipart(Form::new().part("file", file("fiche.pdf", pdf)))
        .send()
        .await?;
    assert_eq!(accepted.status(), StatusCode::CREATED);
    let media: Value = accepted.json().await?;
    assert_eq!(
        (media["kind"].as_str(), media["state"].as_str()),
        (Some("pdf"), Some("ready"))
    );
    assert_eq!(files()?.len(), 1);
    Ok(())
}

fn walk(dir: &std::path::Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut found = Vec::new();
    if !dir.exists() {
        return Ok(found);
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(walk(&path)?);
        } else {
            found.push(path);
        }
    }
    Ok(found)
}

#[tokio::test]
async fn without_ffmpeg_the_original_is_served_and_the_page_says_so() -> anyhow::Result<()> {
    let app = TestApp::spawn_with(web::WebSettings {
        transcode: false,
        ..web::WebSettings::default()
    })
    .await?;
    let author = app
        .create_person(
            "auteur@ac-lille.fr",
            Function::Enseignant1d,
            PASSWORD,
            false,
        )
        .await?;
    let token = store::accounts::create_api_token(&app.db, author).await?;
    let id = practice(&app, &token, "public").await?;
    let video = clip(app.fresh.dir.path())?;
    let uploaded = app
        .client
        .post(app.url(&format!("/api/v1/practices/{id}/media")))
        .bearer_auth(&token)
        .multipart(
            Form::new()
                .text("appearance", "nobody")
                .part("file", file("classe.mp4", video.clone())),
        )
        .send()
        .await?;
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let media = wait_ready(&app, &token, id).await?;
    assert_eq!(media["state"], "original");
    let published = app
        .client
        .patch(app.url(&format!("/api/v1/practices/{id}")))
        .bearer_auth(&token)
        .json(&json!({"status": "published"}))
        .send()
        .await?;
    assert_eq!(published.status(), StatusCode::OK);
    let page = app
        .client
        .get(app.url(&format!("/pratiques/{id}")))
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("ffmpeg absent ou désactivé"), "{page}");
    let served = app
        .client
        .get(app.url(&format!("/medias/{}", media["id"])))
        .send()
        .await?
        .bytes()
        .await?;
    assert_eq!(served.len(), video.len(), "the original, as uploaded");
    Ok(())
}

/// A video is titled by its practice (« Vidéo — … », numbered when there are several), its
/// file's name as secondary information; other files keep their name. The titles follow the
/// practice's title, and the reason a draft cannot be published names the video so.
#[tokio::test]
async fn videos_are_titled_by_their_practice_not_their_file() -> anyhow::Result<()> {
    use domain::ids::PracticeId;
    use domain::practices::consent::Appearance;
    use store::practices::media::{NewMedia, video_title};
    let app = TestApp::spawn().await?;
    let author = app
        .create_person(
            "auteur@ac-lille.fr",
            Function::Enseignant1d,
            PASSWORD,
            false,
        )
        .await?;
    let token = store::accounts::create_api_token(&app.db, author).await?;
    let id = practice(&app, &token, "platform").await?;
    let browser = testkit::client()?;
    app.login(&browser, "auteur@ac-lille.fr", PASSWORD).await?;
    let page = || async {
        let answer = browser
            .get(app.url(&format!("/pratiques/{id}")))
            .send()
            .await?;
        testkit::text(answer).await
    };
    let add = |name: &str, kind: &str, mime: &str, appearance: Option<Appearance>| {
        let new = NewMedia {
            kind: kind.to_owned(),
            mime: mime.to_owned(),
            name: name.to_owned(),
            size: 2048,
            blob_key: format!("practices/{id}/essai/{name}"),
            appearance,
        };
        let db = app.db.clone();
        async move { store::practices::media::add(&db, PracticeId(id), author, &new).await }
    };

    // One video: « Vidéo — <the practice> », the file's name beside.
    let first = add(
        "VID_20261122_093112.mp4",
        "video",
        "video/mp4",
        Some(Appearance::Nobody),
    )
    .await?;
    let shown = page().await?;
    assert!(
        shown.contains(&format!(
            "id=\"video-{}\">Vidéo — Atelier vidéo</h3>",
            first.0
        )),
        "{shown}"
    );
    assert!(shown.contains("Fichier envoyé : VID_20261122_093112.mp4 (2 ko)"));
    assert!(shown.contains(&format!("aria-labelledby=\"video-{}\"", first.0)));

    // Two videos and a document: the videos numbered in their order, the document by its name.
    let second = add("classe.mp4", "video", "video/mp4", Some(Appearance::Pupils)).await?;
    add("fiche.pdf", "pdf", "application/pdf", None).await?;
    let shown = page().await?;
    for (media, title) in [
        (first, "Vidéo 1 — Atelier vidéo"),
        (second, "Vidéo 2 — Atelier vidéo"),
    ] {
        assert!(
            shown.contains(&format!("id=\"video-{}\">{title}</h3>", media.0)),
            "{shown}"
        );
    }
    assert!(shown.contains("download>fiche.pdf"), "{shown}");
    // Why the draft cannot be published names the video by its title, then its file.
    assert!(
        shown.contains("(« Vidéo 2 — Atelier vidéo », fichier classe.mp4)"),
        "{shown}"
    );

    // The titles follow the practice's.
    let renamed = app
        .client
        .patch(app.url(&format!("/api/v1/practices/{id}")))
        .bearer_auth(&token)
        .json(&json!({"title": "Débat réglé en CM1"}))
        .send()
        .await?;
    assert_eq!(renamed.status(), StatusCode::OK);
    let titles: Vec<String> = store::practices::media::of_practice(&app.db, PracticeId(id))
        .await?
        .into_iter()
        .map(|m| m.title)
        .collect();
    assert_eq!(
        titles,
        [
            "Vidéo 1 — Débat réglé en CM1",
            "Vidéo 2 — Débat réglé en CM1",
            "fiche.pdf"
        ]
    );
    assert_eq!(video_title("Débat", 1, 1), "Vidéo — Débat");
    Ok(())
}
