//! The real-time side's limits, on both databases: a client too slow for its queue is
//! resynchronised (a room from its last revision, a pad with the whole document) with nothing
//! lost and nothing twice; people sending too fast are refused in French; a crowded room's
//! presence stays short; a pad's stored updates are compacted without changing its text.

use std::time::Duration;

use domain::accounts::Function;
use domain::ids::{PersonId, RoomId, SpaceId};
use domain::spaces::{SpaceContent, SpaceInput, SpaceRole};
use realtime::{ChatError, Member, PadConnection, Realtime, Settings};
use serde_json::Value;
use store::Db;
use yrs::sync::{Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{GetString, ReadTxn, Text, Transact, Update};

async fn person(db: &Db, email: &str) -> anyhow::Result<Member> {
    let id: PersonId =
        testkit::create_person(db, email, Function::Enseignant1d, None, false).await?;
    let name = store::accounts::person(db, id).await?.name;
    Ok(Member {
        id,
        name,
        admin: false,
    })
}

/// A space of `owner` where `member` writes too.
async fn space(db: &Db, owner: &Member, member: &Member) -> anyhow::Result<SpaceId> {
    let content = SpaceContent::parse(
        &SpaceInput {
            name: "Réseau lecture".into(),
            visibility: "members".into(),
            ..SpaceInput::default()
        },
        false,
    )?;
    let space = store::spaces::create(db, &content, None, owner.id, 1 << 20).await?;
    store::spaces::set_member(db, space, member.id, SpaceRole::Member, owner.id).await?;
    Ok(space)
}

fn settings(queue: usize) -> Settings {
    Settings {
        queue,
        messages_per_second: 1000.0,
        message_burst: 1000.0,
        ..Settings::default()
    }
}

/// Types line `n` at the end of `doc`'s text and sends the update through `writer`.
async fn type_line(doc: &yrs::Doc, writer: &mut PadConnection, n: usize) -> anyhow::Result<()> {
    let text = doc.get_or_insert_text("content");
    let update = {
        let mut txn = doc.transact_mut();
        let end = text.len(&txn);
        text.insert(&mut txn, end, &format!("ligne {n}\n"));
        txn.encode_update_v1()
    };
    writer
        .receive(&Message::Sync(SyncMessage::Update(update)).encode_v1())
        .await
        .map_err(|r| anyhow::anyhow!("{}", r.reason))?;
    Ok(())
}

fn json(frame: &str) -> Value {
    serde_json::from_str(frame).unwrap_or_default()
}

#[tokio::test]
async fn a_slow_chat_client_catches_up_from_the_database() -> anyhow::Result<()> {
    let (db, _fresh) = testkit::fresh_db().await?;
    let owner = person(&db, "owner@ac-lille.fr").await?;
    let marie = person(&db, "marie@ac-lille.fr").await?;
    let space = space(&db, &owner, &marie).await?;
    let hub = Realtime::new(db.clone(), settings(4));
    let room = hub.create_room(space, "Cycle 3", &owner).await?;

    let mut slow = hub.join_room(room, marie.clone()).await?;
    slow.hello(None).await?;
    // Ten messages while Marie's socket reads nothing: more than her queue of four holds.
    for n in 1..=10 {
        hub.post(room, &owner, &format!("Message {n}"), None, None)
            .await?;
    }
    let mut seen = Vec::new();
    while seen.len() < 10 {
        let frames = tokio::time::timeout(Duration::from_secs(5), slow.next()).await?;
        for frame in frames {
            let frame = json(&frame);
            if frame["type"] == "message" {
                seen.push(
                    frame["message"]["body"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
        }
    }
    let expected: Vec<String> = (1..=10).map(|n| format!("Message {n}")).collect();
    assert_eq!(seen, expected, "every message once, in order");
    // What stayed queued before the resynchronisation is not sent a second time.
    let again = tokio::time::timeout(Duration::from_millis(300), async {
        loop {
            let frames = slow.next().await;
            if frames.iter().any(|f| json(f)["type"] == "message") {
                return frames;
            }
        }
    })
    .await;
    assert!(again.is_err(), "nothing twice: {again:?}");
    Ok(())
}

#[tokio::test]
async fn sending_too_fast_is_refused_in_french() -> anyhow::Result<()> {
    let (db, _fresh) = testkit::fresh_db().await?;
    let owner = person(&db, "owner@ac-lille.fr").await?;
    let marie = person(&db, "marie@ac-lille.fr").await?;
    let space = space(&db, &owner, &marie).await?;
    let hub = Realtime::new(
        db.clone(),
        Settings {
            messages_per_second: 0.01,
            message_burst: 3.0,
            ..Settings::default()
        },
    );
    let room = hub.create_room(space, "Cycle 3", &owner).await?;
    for n in 1..=3 {
        hub.post(room, &marie, &format!("Message {n}"), None, None)
            .await?;
    }
    let refused = hub.post(room, &marie, "Un de trop", None, None).await;
    match refused {
        Err(error @ ChatError::RateLimited) => {
            assert!(error.to_string().contains("trop"), "{error}");
        }
        other => panic!("not refused: {other:?}"),
    }
    // Others are not held back by Marie's pace, and nothing of hers was stored twice.
    hub.post(room, &owner, "À moi", None, None).await?;
    let history = hub.history(room, &owner, None, 50).await?;
    let bodies: Vec<&str> = history.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Message 1", "Message 2", "Message 3", "À moi"]);
    // A room that does not exist is not found, whatever the pace.
    assert!(matches!(
        hub.post(RoomId(999_999), &owner, "Ici ?", None, None).await,
        Err(ChatError::NotFound)
    ));
    Ok(())
}

#[tokio::test]
async fn typing_too_fast_in_a_pad_closes_the_socket_and_changes_nothing() -> anyhow::Result<()> {
    let (db, _fresh) = testkit::fresh_db().await?;
    let owner = person(&db, "owner@ac-lille.fr").await?;
    let marie = person(&db, "marie@ac-lille.fr").await?;
    let space = space(&db, &owner, &marie).await?;
    let hub = Realtime::new(
        db.clone(),
        Settings {
            updates_per_second: 0.01,
            update_burst: 3.0,
            ..Settings::default()
        },
    );
    let pad = store::spaces::pads::create(&db, space, "Projet", owner.id).await?;
    let mut writer = hub.join_pad(pad, marie.clone()).await?;
    let doc = yrs::Doc::new();
    for n in 0..3 {
        type_line(&doc, &mut writer, n).await?;
    }
    let refused = type_line(&doc, &mut writer, 3).await;
    assert!(
        refused.is_err_and(|e| e.to_string() == "trop de modifications à la fois : reconnexion")
    );
    assert_eq!(hub.pad_text(pad).await?, "ligne 0\nligne 1\nligne 2\n");
    Ok(())
}

#[tokio::test]
async fn a_slow_pad_client_gets_the_whole_document() -> anyhow::Result<()> {
    let (db, _fresh) = testkit::fresh_db().await?;
    let owner = person(&db, "owner@ac-lille.fr").await?;
    let marie = person(&db, "marie@ac-lille.fr").await?;
    let space = space(&db, &owner, &marie).await?;
    let hub = Realtime::new(db.clone(), settings(4));
    let pad = store::spaces::pads::create(&db, space, "Projet", owner.id).await?;

    let mut slow = hub.join_pad(pad, marie.clone()).await?;
    let mut writer = hub.join_pad(pad, owner.clone()).await?;
    let doc = yrs::Doc::new();
    let text = doc.get_or_insert_text("content");
    for n in 0..20 {
        type_line(&doc, &mut writer, n).await?;
    }
    let expected = text.get_string(&doc.transact());

    // Marie read nothing while twenty updates went by: she is sent the whole document, which
    // gives her the text as it is.
    let mine = yrs::Doc::new();
    let frames = tokio::time::timeout(Duration::from_secs(5), slow.next()).await?;
    for frame in frames {
        if let Ok(Message::Sync(SyncMessage::Update(update))) = Message::decode_v1(&frame) {
            mine.transact_mut()
                .apply_update(Update::decode_v1(&update)?)?;
        }
    }
    let got = mine.get_or_insert_text("content");
    assert_eq!(got.get_string(&mine.transact()), expected);
    assert!(mine.transact().state_vector() == doc.transact().state_vector());
    Ok(())
}

#[tokio::test]
async fn a_crowded_room_says_who_is_online_in_a_few_short_frames() -> anyhow::Result<()> {
    let (db, _fresh) = testkit::fresh_db().await?;
    let owner = person(&db, "owner@ac-lille.fr").await?;
    let marie = person(&db, "marie@ac-lille.fr").await?;
    let space = space(&db, &owner, &marie).await?;
    let hub = Realtime::new(db.clone(), settings(512));
    let room = hub.create_room(space, "Cycle 3", &owner).await?;
    let mut watcher = hub.join_room(room, owner.clone()).await?;
    watcher.hello(None).await?;

    // 120 people arrive at once (each once; Marie twice, from two devices).
    let mut connections = vec![hub.join_room(room, marie.clone()).await?];
    connections.push(hub.join_room(room, marie.clone()).await?);
    for n in 0..119 {
        let someone = person(&db, &format!("p{n:03}@ac-lille.fr")).await?;
        store::spaces::set_member(&db, space, someone.id, SpaceRole::Member, owner.id).await?;
        connections.push(hub.join_room(room, someone).await?);
    }
    // The watcher hears a few presence frames, not one per arrival; the last one counts
    // everybody once and names the first fifty by name.
    let mut frames = Vec::new();
    while let Ok(next) = tokio::time::timeout(Duration::from_millis(600), watcher.next()).await {
        frames.extend(
            next.iter()
                .map(|f| json(f))
                .filter(|f| f["type"] == "presence"),
        );
    }
    assert!(
        !frames.is_empty() && frames.len() <= 10,
        "{} presence frames",
        frames.len()
    );
    let last = frames.last().cloned().unwrap_or_default();
    assert_eq!(last["count"], 121);
    let names: Vec<&str> = last["online"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names.len(), 50);
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "by name");

    // Marie's second device and 59 people leave: a frame says so; Marie, still on her first
    // device, stays.
    let leaving: Vec<_> = connections.drain(1..61).collect();
    for connection in leaving {
        connection.leave().await;
    }
    let mut last = Value::Null;
    while let Ok(next) = tokio::time::timeout(Duration::from_millis(600), watcher.next()).await {
        if let Some(frame) = next
            .iter()
            .map(|f| json(f))
            .rfind(|f| f["type"] == "presence")
        {
            last = frame;
        }
    }
    assert_eq!(last["count"], 121 - 59);
    Ok(())
}

#[tokio::test]
async fn a_pad_s_stored_updates_are_merged_and_its_text_kept() -> anyhow::Result<()> {
    let (db, _fresh) = testkit::fresh_db().await?;
    let owner = person(&db, "owner@ac-lille.fr").await?;
    let marie = person(&db, "marie@ac-lille.fr").await?;
    let space = space(&db, &owner, &marie).await?;
    let hub = Realtime::new(
        db.clone(),
        Settings {
            compact_after: 5,
            ..Settings::default()
        },
    );
    let pad = store::spaces::pads::create(&db, space, "Projet", owner.id).await?;
    let mut writer = hub.join_pad(pad, marie.clone()).await?;
    let doc = yrs::Doc::new();
    let text = doc.get_or_insert_text("content");
    // Twelve updates, each stored on its own (the writer is flushed after each).
    for n in 0..12 {
        type_line(&doc, &mut writer, n).await?;
        hub.flush().await;
    }
    let expected = text.get_string(&doc.transact());
    // Every fifth stored batch, all the rows so far become one: after twelve, that row and
    // the last two.
    let rows = store::spaces::pads::updates(&db, pad, 0).await?;
    assert_eq!(rows.len(), 3, "{} rows", rows.len());
    // A node started afresh reads the same text from them; Marie is its editor.
    let restarted = Realtime::new(db.clone(), Settings::default());
    assert_eq!(restarted.pad_text(pad).await?, expected);
    let editors = store::spaces::pads::editors(&db, pad).await?;
    assert_eq!(
        editors
            .iter()
            .map(|e| (e.name.as_str(), e.updates))
            .collect::<Vec<_>>(),
        [("Personne marie", 12)]
    );
    Ok(())
}
