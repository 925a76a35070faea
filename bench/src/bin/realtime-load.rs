//! Load on the real-time side, for `bench/realtime.sh`:
//!
//! - `realtime-load fill DATABASE_URL EMAIL PEOPLE TOKENS_FILE`: a space of EMAIL's with
//!   PEOPLE new members, a room and a pad; writes one API token per member to TOKENS_FILE and
//!   prints `SPACE ROOM PAD`.
//! - `realtime-load pad URL TOKENS_FILE EDITORS UPDATES_PER_SECOND SECONDS [PID]`: as many
//!   y-websocket editors, each typing one character per update; the latency from an update
//!   sent to its arrival at every other editor (p50, p99), and, given the server's PID, the
//!   CPU it used and its memory. URL is the whole socket address (ours, or Node's
//!   `@y/websocket-server`).
//! - `realtime-load chat URL TOKENS_FILE MEMBERS MESSAGES_PER_SECOND SECONDS [PID]`: as many
//!   sockets in one room, messages sent by the members in turn; the delivery latency to every
//!   socket (p50, p99) and how many arrived.
//! - `realtime-load idle URL TOKENS_FILE CONNECTIONS PID`: opens that many sockets and holds
//!   them; the server's memory per idle connection.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use domain::accounts::{Email, Function, PersonName};
use domain::spaces::{SpaceContent, SpaceInput, SpaceRole};
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use yrs::sync::{Message as YMessage, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{ReadTxn, Text, Transact, Update};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |n: usize| {
        args.get(n).cloned().with_context(|| {
            format!("argument {n} manquant (voir l'en-tête de bench/src/bin/realtime-load.rs)")
        })
    };
    let number = |n: usize| -> anyhow::Result<u64> { Ok(arg(n)?.parse()?) };
    let pid = |n: usize| args.get(n).and_then(|p| p.parse::<u32>().ok());
    match arg(0)?.as_str() {
        "fill" => fill(&arg(1)?, &arg(2)?, number(3)?, &arg(4)?).await,
        "pad" => {
            let tokens = tokens(&arg(2)?)?;
            pad(
                &arg(1)?,
                &tokens,
                number(3)?,
                number(4)?,
                number(5)?,
                pid(6),
            )
            .await
        }
        "chat" => {
            let tokens = tokens(&arg(2)?)?;
            chat(
                &arg(1)?,
                &tokens,
                number(3)?,
                number(4)?,
                number(5)?,
                pid(6),
            )
            .await
        }
        "idle" => {
            let tokens = tokens(&arg(2)?)?;
            let pid = pid(4).context("PID du serveur attendu")?;
            idle(&arg(1)?, &tokens, number(3)?, pid).await
        }
        other => anyhow::bail!("commande inconnue : {other} (fill, pad, chat, idle)"),
    }
}

fn tokens(path: &str) -> anyhow::Result<Vec<String>> {
    let tokens: Vec<String> = std::fs::read_to_string(path)?
        .lines()
        .map(str::to_owned)
        .filter(|l| !l.is_empty())
        .collect();
    anyhow::ensure!(!tokens.is_empty(), "aucun jeton dans {path}");
    Ok(tokens)
}

async fn fill(url: &str, email: &str, people: u64, tokens_file: &str) -> anyhow::Result<()> {
    let db = store::Db::connect(url, 4).await?;
    let (owner, _) = store::accounts::by_email(&db, &Email::parse(email)?)
        .await?
        .with_context(|| format!("aucun compte {email}"))?;
    let content = SpaceContent::parse(
        &SpaceInput {
            name: "Banc d'essai du temps réel".to_owned(),
            visibility: "members".to_owned(),
            ..SpaceInput::default()
        },
        false,
    )
    .map_err(|e| anyhow::anyhow!(e.message))?;
    let space = store::spaces::create(
        &db,
        &content,
        None,
        owner.id(),
        domain::spaces::DEFAULT_QUOTA,
    )
    .await?;
    let mut tokens = Vec::new();
    for n in 0..people {
        let person = store::accounts::create_person(
            &db,
            &store::accounts::NewPerson {
                email: Email::parse(&format!("banc-{n:05}@temps-reel.test"))?,
                name: PersonName::parse(&format!("Participant {n:05}"))?,
                function: Function::Enseignant1d,
                password_hash: None,
                admin: false,
                establishments: vec![],
                circonscription: None,
                academie: None,
                subjects: vec![],
                levels: vec![],
            },
        )
        .await?;
        store::spaces::set_member(&db, space, person, SpaceRole::Member, owner.id()).await?;
        tokens.push(store::accounts::create_api_token(&db, person).await?);
    }
    let room =
        store::spaces::chat::create_room(&db, space, "Salon du banc d'essai", owner.id()).await?;
    let pad = store::spaces::pads::create(&db, space, "Pad du banc d'essai", owner.id()).await?;
    std::fs::write(tokens_file, tokens.join("\n") + "\n")?;
    println!("{} {} {}", space.0, room.0, pad.0);
    db.close().await;
    Ok(())
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(url: &str, token: &str) -> anyhow::Result<Socket> {
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    // Like browsers, small frames leave at once (TCP_NODELAY).
    let (socket, _) = tokio_tungstenite::connect_async_with_config(request, None, true).await?;
    Ok(socket)
}

/// Opens `count` sockets, `parallel` at a time, the tokens taken in turn.
async fn open_many(url: &str, tokens: &[String], count: u64) -> anyhow::Result<Vec<Socket>> {
    let mut sockets = Vec::with_capacity(count as usize);
    let opened = futures::stream::iter(0..count)
        .map(|n| open(url, &tokens[n as usize % tokens.len()]))
        .buffered(64)
        .collect::<Vec<_>>()
        .await;
    for socket in opened {
        sockets.push(socket?);
    }
    Ok(sockets)
}

/// What the server's process used: CPU seconds (user + system) and memory (KiB now, KiB peak).
struct Usage {
    cpu: f64,
    rss_kib: u64,
    peak_kib: u64,
}

fn usage(pid: u32) -> anyhow::Result<Usage> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The fields after the command's name (which may hold spaces) start at ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks: f64 = fields.get(11).unwrap_or(&"0").parse::<f64>()?
        + fields.get(12).unwrap_or(&"0").parse::<f64>()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    Ok(Usage {
        cpu: ticks / 100.0,
        rss_kib: kib("VmRSS:"),
        peak_kib: kib("VmHWM:"),
    })
}

/// Latencies in microseconds: prints the median, the 99th percentile and the worst.
fn report(label: &str, mut samples: Vec<u64>) {
    samples.sort_unstable();
    let at = |q: f64| {
        samples
            .get(((samples.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    println!(
        "{label} : {} mesures, médiane {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        samples.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}

async fn pad(
    url: &str,
    tokens: &[String],
    editors: u64,
    rate: u64,
    seconds: u64,
    pid: Option<u32>,
) -> anyhow::Result<()> {
    let sockets = open_many(url, tokens, editors).await?;
    let sent: Arc<Mutex<HashMap<(yrs::block::ClientID, u32), Instant>>> = Arc::default();
    let recording = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (n, socket) in sockets.into_iter().enumerate() {
        let (mut sink, mut stream) = socket.split();
        let doc = yrs::Doc::new();
        let me = doc.client_id();
        // The server's step 1 is answered; this editor starts from an empty document.
        let step2 = YMessage::Sync(SyncMessage::SyncStep2(
            doc.transact()
                .encode_state_as_update_v1(&yrs::StateVector::default()),
        ))
        .encode_v1();
        sink.send(Message::Binary(step2.into())).await?;
        let (sent_w, recording_w, stop_w) = (sent.clone(), recording.clone(), stop.clone());
        let writer = tokio::spawn(async move {
            let text = doc.get_or_insert_text("content");
            let period = Duration::from_micros(1_000_000 / rate.max(1));
            // Editors start at different moments of the period, as people do.
            tokio::time::sleep(period * (n as u32 % 50) / 50).await;
            let mut tick = tokio::time::interval(period);
            while !stop_w.load(Ordering::Relaxed) {
                tick.tick().await;
                // An update is known by its author and the clock of its first character.
                let (update, clock) = {
                    let mut txn = doc.transact_mut();
                    let clock = txn.state_vector().get(&me);
                    let end = text.len(&txn);
                    text.insert(&mut txn, end, "x");
                    (txn.encode_update_v1(), clock)
                };
                if recording_w.load(Ordering::Relaxed)
                    && let Ok(mut sent) = sent_w.lock()
                {
                    sent.insert((me, clock), Instant::now());
                }
                let frame = YMessage::Sync(SyncMessage::Update(update)).encode_v1();
                if sink.send(Message::Binary(frame.into())).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let (sent_r, stop_r) = (sent.clone(), stop.clone());
        let reader = tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let message =
                    match tokio::time::timeout(Duration::from_millis(200), stream.next()).await {
                        Ok(Some(Ok(message))) => message,
                        Ok(_) => break,
                        Err(_) if stop_r.load(Ordering::Relaxed) => break,
                        Err(_) => continue,
                    };
                let Message::Binary(bytes) = message else {
                    continue;
                };
                let Ok(YMessage::Sync(SyncMessage::Update(update))) = YMessage::decode_v1(&bytes)
                else {
                    continue;
                };
                let Ok(update) = Update::decode_v1(&update) else {
                    continue;
                };
                let now = Instant::now();
                for (client, clock) in update.state_vector_lower().iter() {
                    if *client == me {
                        continue;
                    }
                    let at = sent_r
                        .lock()
                        .ok()
                        .and_then(|s| s.get(&(*client, *clock)).copied());
                    if let Some(at) = at {
                        latencies.push(now.duration_since(at).as_micros() as u64);
                    }
                }
            }
            latencies
        });
        tasks.push((writer, reader));
    }
    // Five seconds to settle, then the measure.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let before = pid.map(usage).transpose()?;
    recording.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    recording.store(false, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    let after = pid.map(usage).transpose()?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for (writer, reader) in tasks {
        let _ = writer.await;
        if let Ok(mut found) = reader.await {
            latencies.append(&mut found);
        }
    }
    let sent_count = sent.lock().map(|s| s.len()).unwrap_or(0);
    println!(
        "{editors} éditeurs × {rate} mises à jour/s pendant {seconds} s : {sent_count} envoyées, {} reçues sur {} attendues",
        latencies.len(),
        sent_count as u64 * (editors - 1)
    );
    report(
        "latence d'une mise à jour jusqu'aux autres éditeurs",
        latencies,
    );
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "serveur : CPU {:.0} % d'un cœur, mémoire {} Mio (pic {} Mio)",
            (after.cpu - before.cpu) / elapsed * 100.0,
            after.rss_kib / 1024,
            after.peak_kib / 1024
        );
    }
    Ok(())
}

/// The number in `"body":"bN"` of a message frame.
fn probe(frame: &str) -> Option<usize> {
    let start = frame.find("\"body\":\"b")? + 9;
    let digits: String = frame[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

async fn chat(
    url: &str,
    tokens: &[String],
    members: u64,
    rate: u64,
    seconds: u64,
    pid: Option<u32>,
) -> anyhow::Result<()> {
    let sockets = open_many(url, tokens, members).await?;
    let total = (rate * seconds) as usize;
    let sent: Arc<Vec<AtomicU64>> = Arc::new((0..total).map(|_| AtomicU64::new(0)).collect());
    let origin = Instant::now();
    let mut sinks = Vec::new();
    let mut readers = Vec::new();
    for socket in sockets {
        let (sink, mut stream) = socket.split();
        sinks.push(sink);
        let sent = sent.clone();
        readers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                if !text.starts_with("{\"type\":\"message\"") {
                    continue;
                }
                if let Some(n) = probe(&text)
                    && let Some(at) = sent.get(n)
                {
                    let now = origin.elapsed().as_micros() as u64;
                    latencies.push(now.saturating_sub(at.load(Ordering::Relaxed)));
                }
            }
            latencies
        }));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let before = pid.map(usage).transpose()?;
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
    for n in 0..total {
        tick.tick().await;
        let count = sinks.len();
        let sink = &mut sinks[n % count];
        sent[n].store(origin.elapsed().as_micros() as u64, Ordering::Relaxed);
        let frame = format!("{{\"type\":\"send\",\"body\":\"b{n}\"}}");
        sink.send(Message::Text(frame.into())).await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let after = pid.map(usage).transpose()?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    for mut sink in sinks {
        let _ = sink.close().await;
    }
    let mut latencies = Vec::new();
    for reader in readers {
        if let Ok(Ok(mut found)) = tokio::time::timeout(Duration::from_secs(5), reader).await {
            latencies.append(&mut found);
        }
    }
    let expected = total as u64 * members;
    println!(
        "salon de {members} membres connectés, {rate} messages/s pendant {seconds} s : {} remises sur {expected} attendues",
        latencies.len()
    );
    report("latence de remise d'un message à chaque membre", latencies);
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "serveur : CPU {:.0} % d'un cœur, mémoire {} Mio (pic {} Mio)",
            (after.cpu - before.cpu) / elapsed * 100.0,
            after.rss_kib / 1024,
            after.peak_kib / 1024
        );
    }
    Ok(())
}

async fn idle(url: &str, tokens: &[String], connections: u64, pid: u32) -> anyhow::Result<()> {
    // A few sockets first, so that the room and its first allocations are in place.
    let warm = open_many(url, tokens, 10).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = usage(pid)?;
    let started = Instant::now();
    let sockets = open_many(url, tokens, connections).await?;
    let opening = started.elapsed();
    // Every socket is read (the server's pings are answered) while the server settles.
    let holders: Vec<_> = sockets
        .into_iter()
        .map(|mut socket| {
            tokio::spawn(async move { while let Some(Ok(_)) = socket.next().await {} })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after = usage(pid)?;
    let per = (after.rss_kib.saturating_sub(before.rss_kib)) as f64 * 1024.0 / connections as f64;
    println!(
        "{connections} connexions ouvertes en {:.1} s ; mémoire du serveur {} Mio → {} Mio : {:.1} Kio par connexion inactive",
        opening.as_secs_f64(),
        before.rss_kib / 1024,
        after.rss_kib / 1024,
        per / 1024.0
    );
    for holder in holders {
        holder.abort();
    }
    drop(warm);
    Ok(())
}
