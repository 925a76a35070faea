//! Two `territoire serve` processes on one PostgreSQL database share rooms and pads: a message
//! posted on one reaches the sockets of the other, who is online on one is seen on the other,
//! and editors on different nodes converge. On SQLite there is one node by design: the same
//! journey then runs with both clients on it.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use domain::accounts::Function;
use serde_json::{Value, json};
use testkit::realtime::{PadClient, connect, frame, send};
use testkit::{FreshDatabase, create_person};

/// The server, killed when dropped.
type Node = testkit::Spawned;

/// Starts a node on `fresh`'s database; returns it and its address.
fn start_node(fresh: &FreshDatabase, name: &str) -> anyhow::Result<(Node, SocketAddr)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_territoire"))
        .arg("--data")
        .arg(fresh.dir.path().join(name))
        .env("TERRITOIRE_DATABASE_URL", &fresh.url)
        .env("TERRITOIRE_LOG", "warn")
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let node = testkit::Spawned(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let address = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .ok_or_else(|| anyhow::anyhow!("no address in {line:?}"))?
        .trim_end_matches('/')
        .parse()?;
    Ok((node, address))
}

async fn api(address: SocketAddr, token: &str, path: &str, body: Value) -> anyhow::Result<Value> {
    let answer = reqwest::Client::new()
        .post(format!("http://{address}{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?;
    anyhow::ensure!(answer.status().is_success(), "{path}: {}", answer.status());
    Ok(answer.json().await?)
}

#[tokio::test]
async fn two_nodes_share_rooms_and_pads() -> anyhow::Result<()> {
    let fresh = FreshDatabase::new().await?;
    let db = fresh.open().await?;
    let owner = create_person(
        &db,
        "owner@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let marie = create_person(
        &db,
        "marie@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let owner_token = store::accounts::create_api_token(&db, owner).await?;
    let marie_token = store::accounts::create_api_token(&db, marie).await?;

    let (_a, a) = start_node(&fresh, "a")?;
    let (_b, b) = if fresh.is_postgres() {
        let (node, address) = start_node(&fresh, "b")?;
        (Some(node), address)
    } else {
        (None, a)
    };
    assert!(!fresh.is_postgres() || a != b);

    let space = api(
        a,
        &owner_token,
        "/api/v1/spaces",
        json!({"name": "Bassin d'Arras", "description": "", "visibility": "members"}),
    )
    .await?;
    let space = space["id"].as_i64().unwrap_or_default();
    api(
        a,
        &owner_token,
        &format!("/api/v1/spaces/{space}/members"),
        json!({"email": "marie@ac-lille.fr", "role": "member"}),
    )
    .await?;
    let room = api(
        a,
        &owner_token,
        &format!("/api/v1/spaces/{space}/rooms"),
        json!({"name": "Cycle 3"}),
    )
    .await?;
    let room = room["id"].as_i64().unwrap_or_default();

    // The owner listens on A, Marie on B.
    let ws = format!("/api/v1/rooms/{room}/ws");
    let mut on_a = connect(a, &owner_token, &ws, None).await?;
    frame(&mut on_a, "hello").await?;
    let mut on_b = connect(b, &marie_token, &ws, None).await?;
    frame(&mut on_b, "hello").await?;

    // Marie, on B, is seen online on A.
    let mut seen = false;
    for _ in 0..5 {
        let presence = frame(&mut on_a, "presence").await?;
        if presence["online"]
            .as_array()
            .is_some_and(|o| o.iter().any(|p| p["name"] == "Personne marie"))
        {
            seen = true;
            break;
        }
    }
    assert!(seen, "Marie online on the other node");

    // A message through B's socket reaches A's; one posted through A's API reaches B's.
    send(
        &mut on_b,
        json!({"type": "send", "body": "Bonjour depuis B", "ref": "b1"}),
    )
    .await?;
    let message = frame(&mut on_a, "message").await?;
    assert_eq!(message["message"]["body"], "Bonjour depuis B");
    api(
        a,
        &owner_token,
        &format!("/api/v1/rooms/{room}/messages"),
        json!({"body": "Réponse depuis A"}),
    )
    .await?;
    loop {
        let message = frame(&mut on_b, "message").await?;
        if message["message"]["body"] == "Réponse depuis A" {
            break;
        }
    }

    // Two editors of one pad, one per node, converge.
    let pad = api(
        a,
        &owner_token,
        &format!("/api/v1/spaces/{space}/pads"),
        json!({"title": "Projet de réseau"}),
    )
    .await?;
    let pad = pad["id"].as_i64().unwrap_or_default();
    let mut editor_a = PadClient::open(a, &owner_token, pad).await?;
    let mut editor_b = PadClient::open(b, &marie_token, pad).await?;
    editor_a.type_text("Objectif : lire chaque jour.\n").await?;
    editor_b.until("Objectif : lire chaque jour.\n").await?;
    editor_b.type_text("Moyens : un quart d'heure.\n").await?;
    editor_a.type_text("Bilan en juin.\n").await?;
    for _ in 0..40 {
        if editor_a.text() == editor_b.text() && editor_a.text().lines().count() == 3 {
            break;
        }
        tokio::select! {
            r = editor_a.receive() => { r?; }
            r = editor_b.receive() => { r?; }
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
    }
    assert_eq!(editor_a.text(), editor_b.text());
    assert_eq!(editor_a.text().lines().count(), 3, "{}", editor_a.text());
    Ok(())
}
