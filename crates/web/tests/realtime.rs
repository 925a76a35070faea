//! Chat rooms, direct conversations and pads through their sockets and the JSON API: delivery
//! to every socket, resumption without loss or duplicate, rights (members, readers, outsiders,
//! other sites), bad frames, pads edited by two clients speaking y-websocket, snapshots and
//! exports.

use std::time::Duration;

use domain::accounts::Function;
use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use testkit::realtime::{PadClient, Socket, closed, frame, send};
use testkit::{TestApp, location};
use tokio_tungstenite::tungstenite::{self, Message};

struct Caller {
    token: String,
    id: i64,
    email: String,
}

async fn caller(app: &TestApp, email: &str) -> anyhow::Result<Caller> {
    let id = app
        .create_person(email, Function::Enseignant1d, "une phrase de passe", false)
        .await?;
    Ok(Caller {
        token: store::accounts::create_api_token(&app.db, id).await?,
        id: id.0,
        email: email.to_owned(),
    })
}

async fn api(
    app: &TestApp,
    who: &Caller,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<(StatusCode, Value)> {
    let mut request = app
        .client
        .request(method, app.url(path))
        .bearer_auth(&who.token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await?;
    let status = answer.status();
    let text = answer.text().await?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

async fn connect(
    app: &TestApp,
    who: &Caller,
    path: &str,
    origin: Option<&str>,
) -> Result<Socket, tungstenite::Error> {
    testkit::realtime::connect(app.address, &who.token, path, origin).await
}

/// The people of most tests: a space's owner, a member, a reader, and someone outside it.
struct Cast {
    owner: Caller,
    marie: Caller,
    reader: Caller,
    outsider: Caller,
    space: i64,
}

async fn cast(app: &TestApp) -> anyhow::Result<Cast> {
    let owner = caller(app, "owner@ac-lille.fr").await?;
    let marie = caller(app, "marie@ac-lille.fr").await?;
    let reader = caller(app, "lecteur@ac-lille.fr").await?;
    let outsider = caller(app, "dehors@ac-lille.fr").await?;
    let space = space(app, &owner, &marie, &reader).await?;
    Ok(Cast {
        owner,
        marie,
        reader,
        outsider,
        space,
    })
}

/// A room « Cycle 3 » opened by `owner` in `space`, through the API.
async fn room(app: &TestApp, owner: &Caller, space: i64) -> anyhow::Result<i64> {
    let (status, room) = api(
        app,
        owner,
        reqwest::Method::POST,
        &format!("/api/v1/spaces/{space}/rooms"),
        Some(json!({"name": "Cycle 3"})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{room}");
    Ok(room["id"].as_i64().unwrap_or_default())
}

/// A space of `owner` with `member` (member) and `reader` (reader).
async fn space(
    app: &TestApp,
    owner: &Caller,
    member: &Caller,
    reader: &Caller,
) -> anyhow::Result<i64> {
    let (status, space) = api(app, owner, reqwest::Method::POST, "/api/v1/spaces", Some(json!({
        "name": "Réseau des écoles du Ternois", "description": "Échanges", "visibility": "members"
    }))).await?;
    assert_eq!(status, StatusCode::CREATED, "{space}");
    let id = space["id"].as_i64().unwrap_or_default();
    for (who, role) in [(member, "member"), (reader, "reader")] {
        let (status, body) = api(
            app,
            owner,
            reqwest::Method::POST,
            &format!("/api/v1/spaces/{id}/members"),
            Some(json!({"email": who.email, "role": role})),
        )
        .await?;
        assert!(status.is_success(), "{body}");
    }
    Ok(id)
}

#[tokio::test]
async fn a_chat_room_delivers_to_every_socket_and_resumes_without_loss() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let Cast {
        owner,
        marie,
        reader,
        outsider,
        space,
    } = cast(&app).await?;

    // A name too short is refused in French; a good one opens the room.
    let (status, body) = api(
        &app,
        &owner,
        reqwest::Method::POST,
        &format!("/api/v1/spaces/{space}/rooms"),
        Some(json!({"name": "x"})),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Le nom du salon")
    );
    let (status, room) = api(
        &app,
        &owner,
        reqwest::Method::POST,
        &format!("/api/v1/spaces/{space}/rooms"),
        Some(json!({"name": "Cycle 3"})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED);
    let room = room["id"].as_i64().unwrap_or_default();
    let ws = format!("/api/v1/rooms/{room}/ws");

    // Who may not read the space cannot open the socket; a page of another site cannot either.
    match connect(&app, &outsider, &ws, None).await {
        Err(tungstenite::Error::Http(answer)) => assert_eq!(answer.status(), StatusCode::NOT_FOUND),
        other => panic!("outsider connected: {:?}", other.map(|_| ())),
    }
    match connect(&app, &marie, &ws, Some("https://evil.example")).await {
        Err(tungstenite::Error::Http(answer)) => assert_eq!(answer.status(), StatusCode::FORBIDDEN),
        other => panic!("foreign origin connected: {:?}", other.map(|_| ())),
    }

    let mut owner_socket =
        connect(&app, &owner, &ws, Some(&format!("http://{}", app.address))).await?;
    let hello = frame(&mut owner_socket, "hello").await?;
    assert_eq!(hello["rights"]["moderate"], true);
    let mut marie_socket = connect(&app, &marie, &ws, None).await?;
    let hello = frame(&mut marie_socket, "hello").await?;
    assert_eq!(hello["rights"]["write"], true);
    // Presence frames come as people arrive: the owner alone, then with Marie.
    let mut presence = frame(&mut owner_socket, "presence").await?;
    if presence["online"].as_array().is_some_and(|o| o.len() < 2) {
        presence = frame(&mut owner_socket, "presence").await?;
    }
    let online: Vec<&str> = presence["online"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        online.contains(&"Personne marie") && online.contains(&"Personne owner"),
        "{presence}"
    );

    // Marie writes, mentioning the owner: both sockets get it, she gets her ack, the owner a
    // notification; Markdown is rendered and sanitised.
    send(&mut marie_socket, json!({"type": "send", "body": "Bonjour @personne-owner, **demain** <script>x</script>", "ref": "m1"})).await?;
    let ack = frame(&mut marie_socket, "ack").await?;
    assert_eq!(ack["ref"], "m1");
    let message = frame(&mut owner_socket, "message").await?;
    let first = message["message"]["id"].as_i64().unwrap_or_default();
    assert_eq!(ack["id"].as_i64(), Some(first));
    let html = message["message"]["html"].as_str().unwrap_or_default();
    assert!(
        html.contains("<strong>demain</strong>") && !html.contains("<script>"),
        "{html}"
    );
    let notifications =
        store::practices::notifications(&app.db, domain::ids::PersonId(owner.id), 10).await?;
    assert!(
        notifications.iter().any(|n| n
            .message
            .contains("Personne marie vous a mentionné(e) dans le salon « Cycle 3 »")),
        "{notifications:?}"
    );

    // Typing is shown to others.
    send(&mut marie_socket, json!({"type": "typing"})).await?;
    let typing = frame(&mut owner_socket, "typing").await?;
    assert_eq!(typing["person"]["name"], "Personne marie");

    // Marie's socket gets her message too (after the ack), as everyone's.
    let own = frame(&mut marie_socket, "message").await?;
    assert_eq!(own["message"]["id"].as_i64(), Some(first));

    // A reply, a reaction, an edit: each reaches the others as the message's new state.
    send(
        &mut owner_socket,
        json!({"type": "send", "body": "Entendu", "reply_to": first}),
    )
    .await?;
    let reply = frame(&mut marie_socket, "message").await?;
    assert_eq!(reply["message"]["reply_to"]["id"].as_i64(), Some(first));
    let rev_seen = reply["message"]["rev"].as_i64().unwrap_or_default();
    send(
        &mut owner_socket,
        json!({"type": "react", "id": first, "emoji": "👍"}),
    )
    .await?;
    let reacted = frame(&mut marie_socket, "message").await?;
    assert_eq!(
        reacted["message"]["reactions"],
        json!([{"emoji": "👍", "people": [owner.id]}])
    );
    // The owner cannot edit Marie's message.
    send(
        &mut owner_socket,
        json!({"type": "edit", "id": first, "body": "Piraté", "ref": "e1"}),
    )
    .await?;
    let refused = frame(&mut owner_socket, "error").await?;
    assert_eq!(
        (refused["code"].as_str(), refused["ref"].as_str()),
        (Some("forbidden"), Some("e1"))
    );

    // Marie drops; meanwhile her message is edited through the API and one is posted. Coming
    // back with the last revision she saw, she gets the two changes, once each, in order.
    drop(marie_socket);
    let (status, _) = api(
        &app,
        &marie,
        reqwest::Method::PATCH,
        &format!("/api/v1/rooms/{room}/messages/{first}"),
        Some(json!({"body": "Bonjour à tous"})),
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    let (status, posted) = api(
        &app,
        &owner,
        reqwest::Method::POST,
        &format!("/api/v1/rooms/{room}/messages"),
        Some(json!({"body": "Réunion à 17 h"})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{posted}");
    let mut marie_socket = connect(&app, &marie, &format!("{ws}?since={rev_seen}"), None).await?;
    frame(&mut marie_socket, "hello").await?;
    // The reaction then the edit of her message: its latest state, once; then the new one.
    let mut missed = Vec::new();
    for _ in 0..2 {
        let m = frame(&mut marie_socket, "message").await?;
        missed.push((
            m["message"]["body"].as_str().unwrap_or_default().to_owned(),
            m["message"]["rev"].as_i64().unwrap_or_default(),
        ));
    }
    let bodies: Vec<&str> = missed.iter().map(|(b, _)| b.as_str()).collect();
    assert_eq!(bodies, ["Bonjour à tous", "Réunion à 17 h"]);
    assert!(
        missed[0].1 < missed[1].1,
        "in the order of the changes: {missed:?}"
    );
    assert!(
        tokio::time::timeout(
            Duration::from_millis(300),
            frame(&mut marie_socket, "message")
        )
        .await
        .is_err(),
        "nothing twice"
    );

    // The history through the API is the same.
    let (status, history) = api(
        &app,
        &reader,
        reqwest::Method::GET,
        &format!("/api/v1/rooms/{room}/messages"),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    let bodies: Vec<&str> = history
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["body"].as_str())
        .collect();
    assert_eq!(bodies, ["Bonjour à tous", "Entendu", "Réunion à 17 h"]);

    // A reader receives but cannot write; neither through the API.
    let mut reader_socket = connect(&app, &reader, &ws, None).await?;
    let hello = frame(&mut reader_socket, "hello").await?;
    assert_eq!(hello["rights"]["write"], false);
    send(
        &mut reader_socket,
        json!({"type": "send", "body": "Je peux ?", "ref": "r1"}),
    )
    .await?;
    assert_eq!(
        frame(&mut reader_socket, "error").await?["code"],
        "forbidden"
    );
    let (status, _) = api(
        &app,
        &reader,
        reqwest::Method::POST,
        &format!("/api/v1/rooms/{room}/messages"),
        Some(json!({"body": "Et ici ?"})),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A moderator removes Marie's message: text gone for everyone.
    send(&mut owner_socket, json!({"type": "delete", "id": first})).await?;
    let removed = frame(&mut reader_socket, "message").await?;
    assert_eq!(
        (
            removed["message"]["deleted"].as_str(),
            removed["message"]["body"].as_str()
        ),
        (Some("moderator"), Some(""))
    );

    // A frame that is not JSON, or binary, closes the socket with a reason; nothing changes.
    reader_socket
        .send(Message::Text("{pas du json".into()))
        .await?;
    let (code, reason) = closed(&mut reader_socket).await?;
    assert_eq!(
        (u16::from(code), reason.as_str()),
        (1007, "message illisible")
    );
    marie_socket
        .send(Message::Binary(vec![1, 2, 3].into()))
        .await?;
    assert_eq!(u16::from(closed(&mut marie_socket).await?.0), 1003);
    Ok(())
}

#[tokio::test]
async fn direct_conversations_are_for_their_participants_only() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let marie = caller(&app, "marie@ac-lille.fr").await?;
    let paul = caller(&app, "paul@ac-lille.fr").await?;
    let admin_id = app
        .create_person(
            "admin@ac-lille.fr",
            Function::Enseignant1d,
            "une phrase de passe",
            true,
        )
        .await?;
    let admin = Caller {
        token: store::accounts::create_api_token(&app.db, admin_id).await?,
        id: admin_id.0,
        email: "admin@ac-lille.fr".to_owned(),
    };
    let (status, room) = api(
        &app,
        &marie,
        reqwest::Method::POST,
        "/api/v1/conversations",
        Some(json!({"people": [paul.id]})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{room}");
    assert_eq!(room["name"], "Personne paul");
    let id = room["id"].as_i64().unwrap_or_default();
    // The same two people find the same conversation.
    let (_, again) = api(
        &app,
        &paul,
        reqwest::Method::POST,
        "/api/v1/conversations",
        Some(json!({"people": [marie.id]})),
    )
    .await?;
    assert_eq!(again["id"].as_i64(), Some(id));
    let (status, _) = api(
        &app,
        &paul,
        reqwest::Method::POST,
        &format!("/api/v1/rooms/{id}/messages"),
        Some(json!({"body": "Salut Marie"})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED);
    let (_, list) = api(
        &app,
        &marie,
        reqwest::Method::GET,
        "/api/v1/conversations",
        None,
    )
    .await?;
    assert_eq!(list[0]["unread"], 1);
    // Not even an administrator reads it.
    let (status, _) = api(
        &app,
        &admin,
        reqwest::Method::GET,
        &format!("/api/v1/rooms/{id}/messages"),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(matches!(
        connect(&app, &admin, &format!("/api/v1/rooms/{id}/ws"), None).await,
        Err(tungstenite::Error::Http(_))
    ));
    // Nobody unknown, and no conversation with oneself.
    let (status, _) = api(
        &app,
        &marie,
        reqwest::Method::POST,
        "/api/v1/conversations",
        Some(json!({"people": [marie.id]})),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = api(
        &app,
        &marie,
        reqwest::Method::POST,
        "/api/v1/conversations",
        Some(json!({"people": [999_999]})),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A frame over 64 KiB closes the socket, saying why; the conversation goes on without it.
    let mut socket = connect(&app, &marie, &format!("/api/v1/rooms/{id}/ws"), None).await?;
    frame(&mut socket, "hello").await?;
    let huge = json!({"type": "send", "body": "a".repeat(70 * 1024)}).to_string();
    socket.send(Message::Text(huge.into())).await?;
    let (code, reason) = closed(&mut socket).await?;
    assert_eq!(
        (u16::from(code), reason.as_str()),
        (1009, "message trop long")
    );
    let (_, history) = api(
        &app,
        &paul,
        reqwest::Method::GET,
        &format!("/api/v1/rooms/{id}/messages"),
        None,
    )
    .await?;
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    Ok(())
}

#[tokio::test]
async fn two_editors_converge_and_the_pad_keeps_its_versions() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let Cast {
        owner,
        marie,
        reader,
        outsider,
        space,
    } = cast(&app).await?;
    let (status, pad) = api(
        &app,
        &owner,
        reqwest::Method::POST,
        &format!("/api/v1/spaces/{space}/pads"),
        Some(json!({"title": "Compte rendu du conseil"})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{pad}");
    let pad = pad["id"].as_i64().unwrap_or_default();

    assert!(
        matches!(connect(&app, &outsider, &format!("/api/v1/pads/{pad}/sync"), None).await, Err(tungstenite::Error::Http(a)) if a.status() == StatusCode::NOT_FOUND)
    );

    let mut a = PadClient::open(app.address, &owner.token, pad).await?;
    let mut b = PadClient::open(app.address, &marie.token, pad).await?;
    a.type_text("# Conseil\n").await?;
    b.until("# Conseil\n").await?;
    b.type_text("- lecture\n").await?;
    a.type_text("- calcul\n").await?;
    // Both end with the same text, whatever the order the server saw.
    let mut texts = (String::new(), String::new());
    for _ in 0..20 {
        if a.text() == b.text() && a.text().len() > 20 {
            break;
        }
        tokio::select! {
            r = a.receive() => { r?; }
            r = b.receive() => { r?; }
        }
        texts = (a.text(), b.text());
    }
    assert_eq!(a.text(), b.text(), "{texts:?}");
    assert!(a.text().contains("- lecture\n") && a.text().contains("- calcul\n"));

    // A reader gets the text but may not change it: their update closes their socket.
    let mut r = PadClient::open(app.address, &reader.token, pad).await?;
    assert_eq!(r.text(), a.text());
    r.type_text("vandalisme").await?;
    let (code, reason) = closed(&mut r.socket).await?;
    assert_eq!(u16::from(code), 1008);
    assert!(reason.contains("lecture seule"), "{reason}");
    // Garbage closes the socket and leaves the document as it was.
    b.socket
        .send(Message::Binary(vec![0, 2, 200, 1, 7].into()))
        .await?;
    assert_eq!(u16::from(closed(&mut b.socket).await?.0), 1007);

    // The API and the exports give the same text.
    let (_, json) = api(
        &app,
        &marie,
        reqwest::Method::GET,
        &format!("/api/v1/pads/{pad}"),
        None,
    )
    .await?;
    assert_eq!(json["content"].as_str(), Some(a.text().as_str()));
    assert!(
        json["editors"].as_array().is_some_and(|e| !e.is_empty()),
        "{json}"
    );
    let markdown = app
        .client
        .get(app.url(&format!("/api/v1/pads/{pad}/export?format=md")))
        .bearer_auth(&marie.token)
        .send()
        .await?;
    assert_eq!(markdown.text().await?, a.text());
    let html = app
        .client
        .get(app.url(&format!("/api/v1/pads/{pad}/export?format=html")))
        .bearer_auth(&marie.token)
        .send()
        .await?
        .text()
        .await?;
    assert!(
        html.contains("<h1>Conseil</h1>") && html.contains("<li>lecture</li>"),
        "{html}"
    );
    let odt = app
        .client
        .get(app.url(&format!("/api/v1/pads/{pad}/export?format=odt")))
        .bearer_auth(&marie.token)
        .send()
        .await?;
    assert_eq!(
        odt.headers()["content-type"],
        "application/vnd.oasis.opendocument.text"
    );
    assert!(odt.bytes().await?.starts_with(b"PK"));

    // A named version, more typing, then back to the version: the editor sees it happen.
    let (status, snapshot) = api(
        &app,
        &marie,
        reqwest::Method::POST,
        &format!("/api/v1/pads/{pad}/snapshots"),
        Some(json!({"name": "Avant la réunion"})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{snapshot}");
    let saved = a.text();
    a.type_text("Ajout à retirer\n").await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, restored) = api(
        &app,
        &marie,
        reqwest::Method::POST,
        &format!("/api/v1/pads/{pad}/snapshots/{}/restore", snapshot["id"]),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert_eq!(restored["content"].as_str(), Some(saved.as_str()));
    a.until(&saved).await?;
    // Readers may not name or restore versions.
    let (status, _) = api(
        &app,
        &reader,
        reqwest::Method::POST,
        &format!("/api/v1/pads/{pad}/snapshots"),
        Some(json!({"name": "x"})),
    )
    .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn a_pad_survives_a_restart_of_the_server() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let Cast { owner, space, .. } = cast(&app).await?;
    let (_, pad) = api(
        &app,
        &owner,
        reqwest::Method::POST,
        &format!("/api/v1/spaces/{space}/pads"),
        Some(json!({"title": "Projet de l’école"})),
    )
    .await?;
    let pad = pad["id"].as_i64().unwrap_or_default();
    let mut a = PadClient::open(app.address, &owner.token, pad).await?;
    for line in ["Axe 1 : lire\n", "Axe 2 : compter\n", "Axe 3 : coopérer\n"] {
        a.type_text(line).await?;
    }
    let text = a.text();
    drop(a);

    // A new node on the same database (as after a restart) loads the text from what was
    // stored: the writer stores as it receives.
    let restarted = realtime::Realtime::new(app.db.clone(), realtime::Settings::default());
    let mut stored = String::new();
    for _ in 0..100 {
        stored = restarted.pad_text(domain::ids::PadId(pad)).await?;
        if stored == text {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(stored, text);
    Ok(())
}

/// A signed-in browser without JavaScript, for `who` (created by `caller`).
async fn browser(app: &TestApp, who: &Caller) -> anyhow::Result<reqwest::Client> {
    let client = testkit::client()?;
    let answer = app
        .login(&client, &who.email, "une phrase de passe")
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    Ok(client)
}

/// The files under the blob store's `chat/` folder.
fn chat_files(app: &TestApp) -> usize {
    walkdir(&app.fresh.dir.path().join("blobs/chat"))
}

fn walkdir(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    walkdir(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

#[tokio::test]
async fn a_room_reads_and_posts_without_javascript() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let Cast {
        owner,
        marie,
        reader,
        outsider,
        space,
    } = cast(&app).await?;
    let owner_page = browser(&app, &owner).await?;
    let marie_page = browser(&app, &marie).await?;
    let reader_page = browser(&app, &reader).await?;
    let outsider_page = browser(&app, &outsider).await?;
    let rooms = format!("/espaces/{space}/salons");

    // A bad name comes back with the French message and what was typed; a good one opens it.
    let answer = app
        .submit(&owner_page, &rooms, &rooms, &[("name", "x")])
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let page = answer.text().await?;
    assert!(
        page.contains("Le nom du salon") && page.contains("value=\"x\""),
        "{page}"
    );
    let answer = app
        .submit(&owner_page, &rooms, &rooms, &[("name", "Cycle 3")])
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let room = location(&answer);
    assert!(room.starts_with("/salons/"), "{room}");
    let id: i64 = room.trim_start_matches("/salons/").parse()?;

    // Someone on the room's socket sees what is posted from the page.
    let mut live = connect(&app, &owner, &format!("/api/v1/rooms/{id}/ws"), None).await?;
    frame(&mut live, "hello").await?;

    // An empty message is refused in French; a good one lands, rendered, for everyone.
    let answer = app
        .submit(
            &marie_page,
            &room,
            &room,
            &[("body", "   "), ("reply_to", "")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.text().await?.contains("Le message est obligatoire"));
    let answer = app
        .submit(
            &marie_page,
            &room,
            &room,
            &[("body", "Qui vient **jeudi** ?"), ("reply_to", "")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let first = frame(&mut live, "message").await?["message"]["id"]
        .as_i64()
        .unwrap_or_default();
    assert!(location(&answer).ends_with(&format!("#message-{first}")));

    // The owner has one unread message in the room list until reading the room.
    let list = owner_page.get(app.url(&rooms)).send().await?.text().await?;
    assert!(list.contains("1 non lu"), "{list}");
    let page = owner_page.get(app.url(&room)).send().await?.text().await?;
    assert!(
        page.contains("Qui vient <strong>jeudi</strong> ?"),
        "{page}"
    );
    let list = owner_page.get(app.url(&rooms)).send().await?.text().await?;
    assert!(!list.contains("non lu"), "{list}");

    // A reply from the page, with the quoted message; a reaction.
    let answer = app
        .submit(
            &owner_page,
            &format!("{room}?reponse={first}"),
            &room,
            &[("body", "Moi !"), ("reply_to", &first.to_string())],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let reaction = format!("{room}/messages/{first}/reactions");
    let answer = app
        .submit(&owner_page, &room, &reaction, &[("emoji", "👍")])
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let page = marie_page.get(app.url(&room)).send().await?.text().await?;
    assert!(
        page.contains("En réponse à <a href=\"#message-") && page.contains("👍 1"),
        "{page}"
    );

    // Marie edits her message; the owner cannot open its edit form.
    let edit = format!("{room}/messages/{first}/modifier");
    assert_eq!(
        owner_page.get(app.url(&edit)).send().await?.status(),
        StatusCode::FORBIDDEN
    );
    let answer = app
        .submit(&marie_page, &edit, &edit, &[("body", "")])
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let answer = app
        .submit(
            &marie_page,
            &edit,
            &edit,
            &[("body", "Qui vient vendredi ?")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let page = reader_page.get(app.url(&room)).send().await?.text().await?;
    assert!(
        page.contains("Qui vient vendredi ?") && page.contains("· modifié"),
        "{page}"
    );
    // The reader reads, without a form to write; posting anyway is refused.
    assert!(page.contains("Vous pouvez lire ce salon, mais pas y écrire."));
    let csrf = app.csrf(&reader_page, &room).await?;
    let answer = reader_page
        .post(app.url(&room))
        .form(&[
            ("csrf", csrf.as_str()),
            ("body", "Et moi ?"),
            ("reply_to", ""),
        ])
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    // Someone outside the space does not see the room at all.
    assert_eq!(
        outsider_page.get(app.url(&room)).send().await?.status(),
        StatusCode::NOT_FOUND
    );

    // A file through the page: stored in the blob store, linked in the room, readable by the
    // space's members only.
    let csrf = app.csrf(&marie_page, &room).await?;
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(b"Ordre du jour : lecture".to_vec())
            .file_name("Ordre du jour.txt"),
    );
    let answer = marie_page
        .post(app.url(&format!("{room}/fichiers")))
        .multipart(form)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let shared = frame(&mut live, "message").await?;
    let shared = if shared["message"]["file"].is_null() {
        // The reaction and the edit came first.
        let mut next = shared;
        while next["message"]["file"].is_null() {
            next = frame(&mut live, "message").await?;
        }
        next
    } else {
        shared
    };
    let url = shared["message"]["file"]["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(shared["message"]["file"]["name"], "Ordre du jour.txt");
    let download = reader_page.get(app.url(&url)).send().await?;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.text().await?, "Ordre du jour : lecture");
    assert_eq!(
        outsider_page.get(app.url(&url)).send().await?.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(chat_files(&app), 1);
    // It counts against the space's quota, as a shared file does.
    let used = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            anyhow::Ok(
                store::spaces::get(&db, domain::ids::SpaceId(space))
                    .await?
                    .used_bytes,
            )
        }
    };
    assert_eq!(used(&app).await?, "Ordre du jour : lecture".len() as i64);

    // Deleting the message removes its file from the store too (through the job queue).
    let file_message = shared["message"]["id"].as_i64().unwrap_or_default();
    let delete = format!("{room}/messages/{file_message}/supprimer");
    let answer = app.submit(&marie_page, &room, &delete, &[]).await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let page = owner_page.get(app.url(&room)).send().await?.text().await?;
    assert!(page.contains("Message supprimé par son auteur."), "{page}");
    assert_eq!(
        reader_page.get(app.url(&url)).send().await?.status(),
        StatusCode::NOT_FOUND
    );
    let mut left = chat_files(&app);
    for _ in 0..50 {
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        left = chat_files(&app);
    }
    assert_eq!(left, 0, "the file is removed from the blob store");
    assert_eq!(used(&app).await?, 0, "and its size given back");
    Ok(())
}

#[tokio::test]
async fn the_pad_page_shows_the_text_and_lets_only_the_editor_styles_in() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let Cast {
        owner,
        reader,
        space,
        ..
    } = cast(&app).await?;
    let owner_page = browser(&app, &owner).await?;
    let reader_page = browser(&app, &reader).await?;
    let pads = format!("/espaces/{space}/pads");

    let answer = app
        .submit(&owner_page, &pads, &pads, &[("title", "")])
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let answer = app
        .submit(&owner_page, &pads, &pads, &[("title", "Projet de l’école")])
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let pad = location(&answer);
    let id: i64 = pad.trim_start_matches("/pads/").parse()?;

    let text = "# Objectifs\n\nLire **chaque jour**.";
    let mut editor = PadClient::open(app.address, &owner.token, id).await?;
    editor.type_text(text).await?;
    PadClient::open(app.address, &owner.token, id)
        .await?
        .until(text)
        .await?;

    // Without JavaScript, the page shows the rendered text; the editor's styles are let in by
    // a nonce of this answer only, and the page tells the script who is typing.
    let answer = owner_page.get(app.url(&pad)).send().await?;
    assert_eq!(answer.status(), StatusCode::OK);
    let policy = answer
        .headers()
        .get("content-security-policy")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let page = answer.text().await?;
    assert!(
        page.contains("<h1>Objectifs</h1>") && page.contains("<strong>chaque jour</strong>"),
        "{page}"
    );
    let nonce = page
        .split("data-nonce=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();
    assert!(nonce.len() >= 32, "{page}");
    assert!(
        policy.contains(&format!("style-src 'self' 'nonce-{nonce}';"))
            && policy.contains("script-src 'self';"),
        "{policy}"
    );
    assert!(page.contains("data-me=\"Personne owner\""));
    let again = owner_page.get(app.url(&pad)).send().await?.text().await?;
    assert!(!again.contains(&nonce), "a fresh nonce each time");
    // Other pages keep the strict policy.
    let list = owner_page.get(app.url(&pads)).send().await?;
    let strict = list
        .headers()
        .get("content-security-policy")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    assert!(strict.contains("style-src 'self';"), "{strict}");
    assert!(list.text().await?.contains("Projet de l’école"));
    // The list says who edited the pad, and when (once the writer stored the edit).
    let mut listed = String::new();
    for _ in 0..50 {
        listed = owner_page.get(app.url(&pads)).send().await?.text().await?;
        if listed.contains("Personne owner (le ") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(listed.contains("Personne owner (le "), "{listed}");
    assert!(!listed.contains("Personne encore"));

    // A reader sees the text and is told the pad is read-only; no named versions for them.
    let page = reader_page.get(app.url(&pad)).send().await?.text().await?;
    assert!(page.contains("Vous pouvez lire ce pad, mais pas le modifier."));
    let csrf = app.csrf(&reader_page, &pad).await?;
    let answer = reader_page
        .post(app.url(&format!("{pad}/versions")))
        .form(&[("csrf", csrf.as_str()), ("name", "Ma version")])
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn a_file_too_big_for_the_space_is_refused_and_not_kept() -> anyhow::Result<()> {
    let app = TestApp::spawn_with(web::WebSettings {
        space_quota: 1024,
        ..web::WebSettings::default()
    })
    .await?;
    let Cast {
        owner,
        marie,
        space,
        ..
    } = cast(&app).await?;
    let room = room(&app, &owner, space).await?;
    let upload = |bytes: usize| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(vec![b'a'; bytes]).file_name("notes.txt"),
        );
        app.client
            .post(app.url(&format!("/api/v1/rooms/{room}/files")))
            .bearer_auth(&marie.token)
            .multipart(form)
            .send()
    };
    assert_eq!(upload(1000).await?.status(), StatusCode::CREATED);
    let answer = upload(100).await?;
    assert_eq!(answer.status(), StatusCode::INSUFFICIENT_STORAGE);
    let body: Value = answer.json().await?;
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("L'espace a atteint son quota")),
        "{body}"
    );
    // Nothing of the refused file stays: one file in the store, one message in the room.
    assert_eq!(chat_files(&app), 1);
    let (_, history) = api(
        &app,
        &owner,
        reqwest::Method::GET,
        &format!("/api/v1/rooms/{room}/messages"),
        None,
    )
    .await?;
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    Ok(())
}

#[tokio::test]
async fn a_silent_socket_is_closed_and_a_listening_one_kept() -> anyhow::Result<()> {
    // Pings every second: a socket silent for 2.5 s is closed.
    let app = TestApp::spawn_with(web::WebSettings {
        socket_ping: Duration::from_secs(1),
        ..web::WebSettings::default()
    })
    .await?;
    let Cast {
        owner,
        marie,
        space,
        ..
    } = cast(&app).await?;
    let ws = format!("/api/v1/rooms/{}/ws", room(&app, &owner, space).await?);
    let mut silent = connect(&app, &owner, &ws, None).await?;
    let mut listening = connect(&app, &marie, &ws, None).await?;
    frame(&mut listening, "hello").await?;
    // Marie's client reads (and so answers the pings) for four seconds; the owner's reads
    // nothing meanwhile.
    let until = tokio::time::Instant::now() + Duration::from_secs(4);
    let mut pinged = 0;
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(until, listening.next()).await {
        if matches!(message, Message::Ping(_)) {
            pinged += 1;
        }
    }
    assert!(pinged >= 2, "{pinged} pings");
    let (code, reason) = closed(&mut silent).await?;
    assert_eq!(
        (u16::from(code), reason.as_str()),
        (1001, "inactif trop longtemps")
    );
    // Marie's socket still works.
    send(
        &mut listening,
        json!({"type": "send", "body": "Toujours là", "ref": "l1"}),
    )
    .await?;
    assert_eq!(frame(&mut listening, "ack").await?["ref"], "l1");
    Ok(())
}

#[tokio::test]
async fn a_long_history_reads_page_by_page() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let Cast {
        owner,
        marie,
        space,
        ..
    } = cast(&app).await?;
    let room = room(&app, &owner, space).await?;
    // Sixty messages, stored directly (a person writing them would be slowed down).
    let stored = store::spaces::chat::get(&app.db, domain::ids::RoomId(room)).await?;
    for n in 1..=60 {
        store::spaces::chat::post(
            &app.db,
            &stored,
            domain::ids::PersonId(marie.id),
            &format!("Message {n}"),
            None,
            None,
        )
        .await?;
    }
    let page = |query: String| {
        let path = format!("/api/v1/rooms/{room}/messages{query}");
        let (app, owner) = (&app, &owner);
        async move {
            let (status, body) = api(app, owner, reqwest::Method::GET, &path, None).await?;
            assert_eq!(status, StatusCode::OK, "{body}");
            let messages: Vec<(i64, String)> = body
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| {
                    (
                        m["id"].as_i64().unwrap_or_default(),
                        m["body"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            anyhow::Ok(messages)
        }
    };
    let bodies =
        |messages: &[(i64, String)]| messages.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>();
    let expected = |from: i32, to: i32| {
        (from..=to)
            .map(|n| format!("Message {n}"))
            .collect::<Vec<_>>()
    };

    // The latest 25, oldest first; then the 25 before; then what is left; then nothing.
    let latest = page("?limit=25".to_owned()).await?;
    assert_eq!(bodies(&latest), expected(36, 60));
    let older = page(format!("?limit=25&before={}", latest[0].0)).await?;
    assert_eq!(bodies(&older), expected(11, 35));
    let oldest = page(format!("?limit=25&before={}", older[0].0)).await?;
    assert_eq!(bodies(&oldest), expected(1, 10));
    assert!(page(format!("?before={}", oldest[0].0)).await?.is_empty());
    // Without a limit, the latest 50.
    assert_eq!(bodies(&page(String::new()).await?), expected(11, 60));

    // The page shows the latest 50 and links to the older ones, which link back.
    let browser = browser(&app, &owner).await?;
    let html = browser
        .get(app.url(&format!("/salons/{room}")))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        html.contains("Message 11<") && !html.contains("Message 10<"),
        "{html}"
    );
    // Message 11, the first shown, is where the older page ends.
    let link = format!("/salons/{room}?avant={}", older[0].0);
    assert!(
        html.contains(&format!("href=\"{link}\">Messages plus anciens")),
        "{html}"
    );
    let older_page = browser.get(app.url(&link)).send().await?.text().await?;
    assert!(
        older_page.contains("Message 1<")
            && older_page.contains("Message 10<")
            && !older_page.contains("Message 11<"),
        "{older_page}"
    );
    assert!(older_page.contains("Derniers messages"));
    Ok(())
}

/// Disabling an account, closing it, its end date, or revoking one of its passwords cuts
/// everything at once: open sockets close within moments, and no token-bearing address
/// answers any more (calendar feed, WebDAV, API).
#[tokio::test]
async fn losing_access_closes_sockets_and_token_addresses_at_once() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let c = cast(&app).await?;
    let room = room(&app, &c.owner, c.space).await?;
    let admin_id = app
        .create_person(
            "admin@ac-lille.fr",
            Function::ChargeDeMission,
            "une phrase de passe",
            true,
        )
        .await?;
    let admin = testkit::client()?;
    app.login(&admin, "admin@ac-lille.fr", "une phrase de passe")
        .await?;
    assert!(admin_id.0 > 0);
    let marie = domain::ids::PersonId(c.marie.id);
    let feed = store::observatories::visits::renew_calendar_feed(&app.db, marie).await?;
    let feed_status = || async {
        anyhow::Ok(
            app.client
                .get(app.url(&format!("/calendrier/{feed}.ics")))
                .send()
                .await?
                .status(),
        )
    };
    assert_eq!(feed_status().await?, StatusCode::OK);
    let mut chat = connect(&app, &c.marie, &format!("/api/v1/rooms/{room}/ws"), None).await?;
    frame(&mut chat, "hello").await?;
    let mut pad_socket = {
        let (status, pad) = api(
            &app,
            &c.owner,
            reqwest::Method::POST,
            &format!("/api/v1/spaces/{}/pads", c.space),
            Some(json!({"title": "Compte rendu"})),
        )
        .await?;
        assert_eq!(status, StatusCode::CREATED, "{pad}");
        connect(
            &app,
            &c.marie,
            &format!(
                "/api/v1/pads/{}/sync",
                pad["id"].as_i64().unwrap_or_default()
            ),
            None,
        )
        .await?
    };

    // The administrator disables Marie's account.
    let answer = app
        .submit(
            &admin,
            "/admin/comptes",
            &format!("/admin/comptes/{}/etat", c.marie.id),
            &[("etat", "desactive")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let (code, reason) = closed(&mut chat).await?;
    assert_eq!(u16::from(code), 1008, "{reason}");
    assert!(reason.contains("accès retiré"), "{reason}");
    let mut pad_closed = false;
    while let Ok(Some(message)) =
        tokio::time::timeout(Duration::from_secs(5), pad_socket.next()).await
    {
        if let Ok(Message::Close(Some(frame))) = message {
            pad_closed = u16::from(frame.code) == 1008;
            break;
        }
    }
    assert!(pad_closed, "the pad's socket stays open");
    // Nothing she sends any more is stored; no address of hers answers.
    assert!(
        connect(&app, &c.marie, &format!("/api/v1/rooms/{room}/ws"), None)
            .await
            .is_err()
    );
    let (status, _) = api(
        &app,
        &c.marie,
        reqwest::Method::GET,
        &format!("/api/v1/rooms/{room}/messages"),
        None,
    )
    .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        feed_status().await?,
        StatusCode::NOT_FOUND,
        "the calendar feed still answers"
    );

    // An end date that passes while a socket is open closes it.
    let answer = app
        .submit(
            &admin,
            "/admin/comptes",
            &format!("/admin/comptes/{}/etat", c.marie.id),
            &[("etat", "actif")],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(feed_status().await?, StatusCode::OK);
    testkit::execute(
        &app.db,
        &format!(
            "UPDATE people SET ends_at = {} WHERE id = {}",
            store::now() + 4,
            c.marie.id
        ),
    )
    .await?;
    let mut chat = connect(&app, &c.marie, &format!("/api/v1/rooms/{room}/ws"), None).await?;
    frame(&mut chat, "hello").await?;
    let (code, _) = closed(&mut chat).await?;
    assert_eq!(u16::from(code), 1008);
    assert_eq!(feed_status().await?, StatusCode::NOT_FOUND);
    testkit::execute(
        &app.db,
        &format!("UPDATE people SET ends_at = NULL WHERE id = {}", c.marie.id),
    )
    .await?;

    // Revoking the token a socket was opened with closes it too.
    let mut chat = connect(&app, &c.marie, &format!("/api/v1/rooms/{room}/ws"), None).await?;
    frame(&mut chat, "hello").await?;
    let browser = testkit::client()?;
    app.login(&browser, &c.marie.email, "une phrase de passe")
        .await?;
    let tokens = store::accounts::app_passwords(&app.db, marie).await?;
    let answer = app
        .submit(
            &browser,
            "/compte",
            &format!("/compte/mots-de-passe/{}/revoquer", tokens[0].id),
            &[],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let (code, _) = closed(&mut chat).await?;
    assert_eq!(u16::from(code), 1008);
    assert!(
        connect(&app, &c.marie, &format!("/api/v1/rooms/{room}/ws"), None)
            .await
            .is_err()
    );
    Ok(())
}

/// A NUL byte or a direction override is refused the same way on both databases, whatever
/// the channel: the chat socket, the JSON API (a practice's title, a space's name, a room's
/// message), a page's form, a file's name on the web and over WebDAV. Nothing is stored.
#[tokio::test]
async fn invisible_characters_are_refused_on_every_channel() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let c = cast(&app).await?;
    let room = room(&app, &c.owner, c.space).await?;
    let mut socket = connect(&app, &c.marie, &format!("/api/v1/rooms/{room}/ws"), None).await?;
    frame(&mut socket, "hello").await?;
    for body in [
        "Bonjour\u{0}",
        "ligne\u{1b}[31m rouge",
        "fichier\u{202e}txt.exe",
    ] {
        send(
            &mut socket,
            json!({"type": "send", "body": body, "ref": "x"}),
        )
        .await?;
        let refused = frame(&mut socket, "error").await?;
        assert!(
            refused["message"]
                .as_str()
                .is_some_and(|m| m.contains("caractère invisible interdit")),
            "{refused}"
        );
    }
    // Tabs and line breaks are text.
    send(
        &mut socket,
        json!({"type": "send", "body": "Deux lignes :\n\tune, deux", "ref": "ok"}),
    )
    .await?;
    frame(&mut socket, "ack").await?;
    for (path, body) in [
        (
            format!("/api/v1/rooms/{room}/messages"),
            json!({"body": "Bonjour\u{0}"}),
        ),
        (
            "/api/v1/practices".to_owned(),
            json!({"title": "Titre\u{0}", "summary": "Résumé", "visibility": "public"}),
        ),
        (
            "/api/v1/practices".to_owned(),
            json!({"title": "Titre", "summary": "Résumé", "visibility": "public", "tags": [["libre", "a\u{202e}b"]]}),
        ),
        (
            "/api/v1/spaces".to_owned(),
            json!({"name": "Espace\u{0}", "description": "", "visibility": "members"}),
        ),
        (
            "/api/v1/spaces".to_owned(),
            json!({"name": "Espace\u{2066}", "description": "", "visibility": "members"}),
        ),
    ] {
        let (status, answer) =
            api(&app, &c.marie, reqwest::Method::POST, &path, Some(body)).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
        assert_eq!(answer["error"], "bad_request");
        assert!(
            answer["message"]
                .as_str()
                .is_some_and(|m| m.contains("caractère invisible interdit")),
            "{answer}"
        );
    }
    // A title or a name holds on one line.
    for (path, body) in [
        (
            "/api/v1/practices".to_owned(),
            json!({"title": "Titre\nsuite", "summary": "Résumé", "visibility": "public"}),
        ),
        (
            "/api/v1/spaces".to_owned(),
            json!({"name": "Espace\tdes maîtres", "description": "", "visibility": "members"}),
        ),
        (
            format!("/api/v1/spaces/{}/rooms", c.space),
            json!({"name": "Salon\r\nbis"}),
        ),
    ] {
        let (status, answer) =
            api(&app, &c.owner, reqwest::Method::POST, &path, Some(body)).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
        assert!(
            answer["message"]
                .as_str()
                .is_some_and(|m| m.contains("tient sur une ligne")),
            "{answer}"
        );
    }
    let stored = testkit::find_text(&app.db, "\u{202e}").await?;
    assert!(stored.is_empty(), "{stored:?}");

    // A page's form says so in French, the text typed kept.
    let browser = browser(&app, &c.marie).await?;
    let answer = app
        .submit(
            &browser,
            "/espaces",
            "/espaces",
            &[
                ("name", "Espace\u{202e}"),
                ("description", "Mon texte"),
                ("visibility", "members"),
                ("territory", ""),
            ],
        )
        .await?;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(
        answer
            .text()
            .await?
            .contains("caractère invisible interdit")
    );

    // File names: `rtl\u{202e}txt.exe` reads as `rtlexe.txt`.
    let password =
        store::accounts::create_app_password(&app.db, domain::ids::PersonId(c.marie.id), "poste")
            .await?;
    let put = app
        .client
        .put(app.url(&format!("/dav/spaces/{}/rtl%E2%80%AEtxt.exe", c.space)))
        .basic_auth(&c.marie.email, Some(&password))
        .body("MZ")
        .send()
        .await?;
    assert!(put.status().is_client_error(), "{}", put.status());
    let part = reqwest::multipart::Part::bytes(b"bonjour".to_vec()).file_name("rtl\u{202e}txt.exe");
    let upload = app
        .client
        .post(app.url(&format!("/api/v1/spaces/{}/files", c.space)))
        .bearer_auth(&c.marie.token)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await?;
    assert!(upload.status().is_client_error(), "{}", upload.status());
    assert!(
        store::spaces::folders::children(&app.db, domain::ids::SpaceId(c.space), None)
            .await?
            .is_empty()
    );
    Ok(())
}

/// The value of the first `name="…"` attribute of a page, its entities decoded.
fn attribute(page: &str, name: &str) -> Option<String> {
    let start = page.find(&format!("{name}=\""))? + name.len() + 2;
    let end = start + page[start..].find('"')?;
    Some(
        page[start..end]
            .replace("&#34;", "\"")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

#[tokio::test]
async fn the_room_page_gives_its_script_the_viewer_and_whom_to_mention() -> anyhow::Result<()> {
    let app = TestApp::spawn().await?;
    let Cast {
        owner,
        marie,
        reader,
        outsider,
        space,
    } = cast(&app).await?;
    let id = room(&app, &owner, space).await?;
    let (status, posted) = api(
        &app,
        &marie,
        reqwest::Method::POST,
        &format!("/api/v1/rooms/{id}/messages"),
        Some(json!({"body": "Merci @personne-owner, à **jeudi**."})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{posted}");
    let message = posted["id"].as_i64().unwrap_or_default();
    let page = |who: reqwest::Client, path: String| {
        let url = app.url(&path);
        async move { anyhow::Ok(who.get(url).send().await?.text().await?) }
    };
    let room = format!("/salons/{id}");

    // Marie, a member: who she is, what she may do, and the others of the space to mention
    // (readers too: they are told), herself and people outside the space left out.
    let marie_page = page(browser(&app, &marie).await?, room.clone()).await?;
    assert_eq!(
        attribute(&marie_page, "data-me"),
        Some(marie.id.to_string())
    );
    assert_eq!(
        attribute(&marie_page, "data-writes").as_deref(),
        Some("true")
    );
    assert_eq!(
        attribute(&marie_page, "data-moderates").as_deref(),
        Some("false")
    );
    assert_eq!(
        attribute(&marie_page, "data-reactions").as_deref(),
        Some(domain::spaces::chat::REACTIONS.join(" ").as_str())
    );
    let members: Value =
        serde_json::from_str(&attribute(&marie_page, "data-members").unwrap_or_default())?;
    assert_eq!(
        members,
        json!([
            {"name": "Personne lecteur", "handle": "personne-lecteur"},
            {"name": "Personne owner", "handle": "personne-owner"},
        ])
    );
    // Her own message: its controls carry the Markdown to edit in place.
    assert!(
        marie_page.contains(&format!(
            "href=\"/salons/{id}/messages/{message}/modifier\" data-action=\"edit\" data-body=\"Merci @personne-owner, à **jeudi**.\""
        )),
        "{marie_page}"
    );

    // The owner moderates: they may remove Marie's message, not edit it.
    let owner_page = page(browser(&app, &owner).await?, room.clone()).await?;
    assert_eq!(
        attribute(&owner_page, "data-moderates").as_deref(),
        Some("true")
    );
    assert!(owner_page.contains(&format!(
        "action=\"/salons/{id}/messages/{message}/supprimer\" data-action=\"delete\""
    )));
    assert!(!owner_page.contains(&format!("/messages/{message}/modifier")));

    // A reader writes nothing, so mentions nobody.
    let reader_page = page(browser(&app, &reader).await?, room.clone()).await?;
    assert_eq!(
        attribute(&reader_page, "data-writes").as_deref(),
        Some("false")
    );
    assert!(!reader_page.contains("data-members"), "{reader_page}");

    // In a direct conversation: the other participants.
    let (status, conversation) = api(
        &app,
        &marie,
        reqwest::Method::POST,
        "/api/v1/conversations",
        Some(json!({"people": [outsider.id]})),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{conversation}");
    let conversation = format!(
        "/salons/{}",
        conversation["id"].as_i64().unwrap_or_default()
    );
    let marie_page = page(browser(&app, &marie).await?, conversation).await?;
    let members: Value =
        serde_json::from_str(&attribute(&marie_page, "data-members").unwrap_or_default())?;
    assert_eq!(
        members,
        json!([{"name": "Personne dehors", "handle": "personne-dehors"}])
    );
    Ok(())
}
