//! Collaborative pads: one yrs document per pad and node, spoken to in the y-websocket protocol
//! (sync steps, updates, awareness). The document's text is the `Y.Text` named `content`.
//!
//! Every update a client sends is applied, sent to the pad's other sockets here, told to the
//! other nodes, and queued for the pad's writer, which stores what has queued up as one merged
//! update and merges the stored ones into one now and then (compaction).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::ids::{PadId, PersonId};
use store::Db;
use tokio::sync::{broadcast, mpsc, oneshot};
use yrs::encoding::read::Cursor;
use yrs::sync::awareness::{AwarenessUpdate, AwarenessUpdateEntry};
use yrs::sync::protocol::MessageReader;
use yrs::sync::{Awareness, Message, SyncMessage};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{
    ClientID, Doc, GetString, OffsetKind, Options, ReadTxn, StateVector, Text, Transact, Update,
};

use crate::bus::Event;
use crate::chat::{ChatError, Member, Rights};
use crate::limits::Kind;
use crate::{Realtime, Refusal, lock};

/// An update that changes nothing (no structs, no deletions).
const EMPTY_UPDATE: [u8; 2] = [0, 0];

/// How often a socket's rights are checked again while it edits.
const RIGHTS_TTL: Duration = Duration::from_secs(30);

fn new_doc() -> Doc {
    Doc::with_options(Options {
        // Browsers count in UTF-16 code units: so do we, for positions in the text.
        offset_kind: OffsetKind::Utf16,
        ..Options::default()
    })
}

fn encode(message: &Message) -> Vec<u8> {
    message.encode_v1()
}

/// A frame for the pad's sockets, and which socket it came from (0: none of them).
#[derive(Debug, Clone)]
struct PadFrame {
    from: u64,
    bytes: Arc<[u8]>,
}

enum Write {
    Update(PersonId, Vec<u8>),
    Flush(oneshot::Sender<()>),
}

pub(crate) struct PadHub {
    id: i64,
    state: Mutex<PadState>,
    frames: broadcast::Sender<PadFrame>,
    writer: mpsc::UnboundedSender<Write>,
    loaded: tokio::sync::OnceCell<()>,
    connections: AtomicUsize,
}

struct PadState {
    awareness: Awareness,
    /// The last stored row read from the database.
    last_row: i64,
}

impl PadHub {
    fn send(&self, from: u64, bytes: Vec<u8>) {
        let _ = self.frames.send(PadFrame {
            from,
            bytes: bytes.into(),
        });
    }

    /// Applies an update; returns what it changed, encoded (`None` when nothing).
    fn apply(&self, update: Update) -> Result<Option<Vec<u8>>, String> {
        let state = lock(&self.state);
        let mut txn = state.awareness.doc().transact_mut();
        txn.apply_update(update).map_err(|e| e.to_string())?;
        let delta = txn.encode_update_v1();
        Ok((delta != EMPTY_UPDATE).then_some(delta))
    }

    /// An update from another node: applied and sent to the sockets here.
    pub(crate) fn apply_remote(&self, bytes: &[u8]) {
        let Ok(update) = Update::decode_v1(bytes) else {
            return;
        };
        if let Ok(Some(delta)) = self.apply(update) {
            self.send(0, encode(&Message::Sync(SyncMessage::Update(delta))));
        }
    }

    /// Cursors and names from another node.
    pub(crate) fn remote_awareness(&self, bytes: &[u8]) {
        let Ok(update) = AwarenessUpdate::decode_v1(bytes) else {
            return;
        };
        if lock(&self.state)
            .awareness
            .apply_update(update.clone())
            .is_ok()
        {
            self.send(0, encode(&Message::Awareness(update)));
        }
    }

    /// Reads the stored updates after the last one read; what they change goes to the sockets.
    pub(crate) async fn catch_up(&self, db: &Db) {
        let after = lock(&self.state).last_row;
        let rows = match store::spaces::pads::updates(db, PadId(self.id), after).await {
            Ok(rows) => rows,
            Err(error) => {
                tracing::warn!(%error, pad = self.id, "pad: cannot read the stored updates");
                return;
            }
        };
        for (row, bytes) in rows {
            if let Ok(update) = Update::decode_v1(&bytes)
                && let Ok(Some(delta)) = self.apply(update)
            {
                self.send(0, encode(&Message::Sync(SyncMessage::Update(delta))));
            }
            let mut state = lock(&self.state);
            state.last_row = state.last_row.max(row);
        }
    }

    /// Waits until the writer stored everything queued so far.
    pub(crate) async fn flush(&self) {
        let (done, stored) = oneshot::channel();
        if self.writer.send(Write::Flush(done)).is_ok() {
            let _ = stored.await;
        }
    }

    fn text(&self) -> String {
        let state = lock(&self.state);
        let doc = state.awareness.doc();
        let text = doc.get_or_insert_text(domain::spaces::pads::TEXT_NAME);
        text.get_string(&doc.transact())
    }
}

/// Stores the updates of a pad as they come, merged by batch; compacts now and then.
async fn write_loop(realtime: Realtime, pad: PadId, mut queue: mpsc::UnboundedReceiver<Write>) {
    let db = realtime.db().clone();
    let mut stored_since_compaction = 0usize;
    while let Some(first) = queue.recv().await {
        let mut updates: Vec<(PersonId, Vec<u8>)> = Vec::new();
        let mut flushes = Vec::new();
        let mut next = Some(first);
        while let Some(write) = next.take() {
            match write {
                Write::Update(person, update) => updates.push((person, update)),
                Write::Flush(done) => flushes.push(done),
            }
            if updates.len() < 1_000 {
                next = queue.try_recv().ok();
            }
        }
        if !updates.is_empty() {
            let merged = if updates.len() == 1 {
                Ok(updates[0].1.clone())
            } else {
                yrs::merge_updates_v1(updates.iter().map(|(_, u)| u.as_slice()))
            };
            let mut editors: HashMap<PersonId, i64> = HashMap::new();
            for (person, _) in &updates {
                *editors.entry(*person).or_default() += 1;
            }
            let editors: Vec<(PersonId, i64)> = editors.into_iter().collect();
            let travelled = updates.iter().all(|(_, u)| Realtime::travels(u));
            match merged {
                Ok(merged) => {
                    match store::spaces::pads::append(&db, pad, &merged, &editors).await {
                        Ok(row) => {
                            stored_since_compaction += 1;
                            if !travelled {
                                realtime.publish(Event::PadStored(pad.0)).await;
                            }
                            if stored_since_compaction >= realtime.0.settings.compact_after {
                                stored_since_compaction = 0;
                                compact(&db, pad, row).await;
                            }
                        }
                        Err(error) => {
                            tracing::error!(%error, pad = pad.0, "pad: update not stored")
                        }
                    }
                }
                Err(error) => tracing::error!(%error, pad = pad.0, "pad: updates not merged"),
            }
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

async fn compact(db: &Db, pad: PadId, up_to: i64) {
    let merged = store::spaces::pads::compact(db, pad, up_to, |rows| {
        yrs::merge_updates_v1(rows.iter().map(Vec::as_slice)).map_err(|e| e.to_string())
    })
    .await;
    match merged {
        Ok(count) => tracing::debug!(pad = pad.0, count, "pad: compacted"),
        Err(error) => tracing::warn!(%error, pad = pad.0, "pad: compaction failed"),
    }
}

/// Loads a pad's document from its stored updates.
async fn load(db: &Db, pad: PadId) -> Result<(Doc, i64), ChatError> {
    let rows = store::spaces::pads::updates(db, pad, 0).await?;
    let doc = new_doc();
    let last = rows.last().map_or(0, |(row, _)| *row);
    if !rows.is_empty() {
        let merged = yrs::merge_updates_v1(rows.iter().map(|(_, u)| u.as_slice()))
            .map_err(|e| ChatError::Store(store::StoreError::Invalid(e.to_string())))?;
        let update = Update::decode_v1(&merged)
            .map_err(|e| ChatError::Store(store::StoreError::Invalid(e.to_string())))?;
        doc.transact_mut()
            .apply_update(update)
            .map_err(|e| ChatError::Store(store::StoreError::Invalid(e.to_string())))?;
    }
    Ok((doc, last))
}

/// Names in cursors are the names people have here, whatever their browser says.
fn stamp(update: AwarenessUpdate, name: &str) -> AwarenessUpdate {
    let clients = update
        .clients
        .into_iter()
        .map(|(client, entry)| {
            let json = match serde_json::from_str::<serde_json::Value>(&entry.json) {
                Ok(serde_json::Value::Object(mut state)) => {
                    let user = state.entry("user").or_insert_with(|| serde_json::json!({}));
                    if !user.is_object() {
                        *user = serde_json::json!({});
                    }
                    if let Some(user) = user.as_object_mut() {
                        user.insert("name".to_owned(), serde_json::Value::from(name));
                    }
                    serde_json::Value::Object(state).to_string().into()
                }
                _ => entry.json,
            };
            (
                client,
                AwarenessUpdateEntry {
                    clock: entry.clock,
                    json,
                },
            )
        })
        .collect();
    AwarenessUpdate { clients }
}

impl Realtime {
    pub(crate) fn pad_hub(&self, pad: i64) -> Option<Arc<PadHub>> {
        lock(&self.0.pads).get(&pad).cloned()
    }

    /// What `member` may do on a pad (`NotFound` for who may not read its space).
    pub async fn pad_rights(
        &self,
        pad: PadId,
        member: Option<&Member>,
    ) -> Result<(store::spaces::pads::Pad, Rights), ChatError> {
        let pad = store::spaces::pads::get(&self.0.db, pad).await?;
        let actor = member.map_or(domain::policy::Actor::ANONYMOUS, Member::actor);
        let (_, access) =
            store::spaces::access(&self.0.db, domain::ids::SpaceId(pad.space_id), actor.person)
                .await?;
        let rights = Rights::in_space(actor, access);
        if !rights.read {
            return Err(ChatError::NotFound);
        }
        Ok((pad, rights))
    }

    /// The pad's hub, loaded, counted as used by one more connection.
    async fn open_pad(&self, pad: PadId) -> Result<Arc<PadHub>, ChatError> {
        let hub = {
            let mut pads = lock(&self.0.pads);
            let hub = pads
                .entry(pad.0)
                .or_insert_with(|| {
                    let (writer, queue) = mpsc::unbounded_channel();
                    tokio::spawn(write_loop(self.clone(), pad, queue));
                    Arc::new(PadHub {
                        id: pad.0,
                        state: Mutex::new(PadState {
                            awareness: Awareness::new(new_doc()),
                            last_row: 0,
                        }),
                        frames: broadcast::channel(self.0.settings.queue).0,
                        writer,
                        loaded: tokio::sync::OnceCell::new(),
                        connections: AtomicUsize::new(0),
                    })
                })
                .clone();
            hub.connections.fetch_add(1, Ordering::SeqCst);
            hub
        };
        let loaded = hub
            .loaded
            .get_or_try_init(|| async {
                let (doc, last_row) = load(&self.0.db, pad).await?;
                // Updates from other nodes may have been applied meanwhile: merge the two.
                let state = doc
                    .transact()
                    .encode_state_as_update_v1(&StateVector::default());
                if let Ok(update) = Update::decode_v1(&state) {
                    hub.apply(update)
                        .map_err(|e| ChatError::Store(store::StoreError::Invalid(e)))?;
                }
                let mut state = lock(&hub.state);
                state.last_row = state.last_row.max(last_row);
                Ok::<(), ChatError>(())
            })
            .await;
        if let Err(error) = loaded {
            hub.connections.fetch_sub(1, Ordering::SeqCst);
            return Err(error);
        }
        Ok(hub)
    }

    /// Lets go of the pads nobody has open here (their writer stores what is left, then ends).
    pub(crate) async fn release_idle_pads(&self) {
        lock(&self.0.pads).retain(|_, hub| hub.connections.load(Ordering::SeqCst) > 0);
    }

    /// Connects `member` to a pad they may read; readers receive but cannot write.
    pub async fn join_pad(&self, pad: PadId, member: Member) -> Result<PadConnection, ChatError> {
        let (_, rights) = self.pad_rights(pad, Some(&member)).await?;
        self.enter_pad(pad, rights, member).await
    }

    /// Connects `member` to a pad whose rights were just read (see [`Realtime::pad_rights`]).
    pub async fn enter_pad(
        &self,
        pad: PadId,
        rights: Rights,
        member: Member,
    ) -> Result<PadConnection, ChatError> {
        let hub = self.open_pad(pad).await?;
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Ok(PadConnection {
            realtime: self.clone(),
            frames: hub.frames.subscribe(),
            hub,
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            pad,
            member,
            rights,
            rights_at: Instant::now(),
            clients: HashSet::new(),
        })
    }

    /// The pad's text now.
    pub async fn pad_text(&self, pad: PadId) -> Result<String, ChatError> {
        if let Some(hub) = self.pad_hub(pad.0)
            && hub.loaded.initialized()
        {
            return Ok(hub.text());
        }
        let (doc, _) = load(&self.0.db, pad).await?;
        let text = doc.get_or_insert_text(domain::spaces::pads::TEXT_NAME);
        Ok(text.get_string(&doc.transact()))
    }

    /// Makes the pad's text `content` again (a snapshot), by the smallest edit, as `member`:
    /// everyone editing sees it happen, and it can be undone like any edit.
    pub async fn replace_text(
        &self,
        pad: PadId,
        member: &Member,
        content: &str,
    ) -> Result<(), ChatError> {
        let hub = self.open_pad(pad).await?;
        let delta = {
            let state = lock(&hub.state);
            let doc = state.awareness.doc();
            let text = doc.get_or_insert_text(domain::spaces::pads::TEXT_NAME);
            let mut txn = doc.transact_mut();
            let current = text.get_string(&txn);
            for edit in smallest_edit(&current, content) {
                match edit {
                    Edit::Remove { at, len } => text.remove_range(&mut txn, at, len),
                    Edit::Insert { at, text: inserted } => text.insert(&mut txn, at, &inserted),
                }
            }
            txn.encode_update_v1()
        };
        if delta != EMPTY_UPDATE {
            hub.send(
                0,
                encode(&Message::Sync(SyncMessage::Update(delta.clone()))),
            );
            let _ = hub.writer.send(Write::Update(member.id, delta.clone()));
            if Realtime::travels(&delta) {
                self.publish(Event::PadUpdate(pad.0, delta)).await;
            }
        }
        hub.flush().await;
        hub.connections.fetch_sub(1, Ordering::SeqCst);
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Edit {
    Remove { at: u32, len: u32 },
    Insert { at: u32, text: String },
}

/// The edits (positions in UTF-16 code units, each valid once the previous ones are made)
/// that turn `from` into `to`, changing as little as possible.
fn smallest_edit(from: &str, to: &str) -> Vec<Edit> {
    use similar::{DiffOp, TextDiff};
    let diff = TextDiff::configure()
        .timeout(Duration::from_secs(2))
        .diff_chars(from, to);
    let old: Vec<char> = from.chars().collect();
    let new: Vec<char> = to.chars().collect();
    let utf16 = |chars: &[char]| chars.iter().map(|c| c.len_utf16() as u32).sum::<u32>();
    let mut edits = Vec::new();
    // From the end, so that the positions before each edit stay valid.
    for op in diff.ops().iter().rev() {
        match *op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => edits.push(Edit::Remove {
                at: utf16(&old[..old_index]),
                len: utf16(&old[old_index..old_index + old_len]),
            }),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => edits.push(Edit::Insert {
                at: utf16(&old[..old_index]),
                text: new[new_index..new_index + new_len].iter().collect(),
            }),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let at = utf16(&old[..old_index]);
                edits.push(Edit::Remove {
                    at,
                    len: utf16(&old[old_index..old_index + old_len]),
                });
                edits.push(Edit::Insert {
                    at,
                    text: new[new_index..new_index + new_len].iter().collect(),
                });
            }
        }
    }
    edits
}

/// One socket's place in a pad.
pub struct PadConnection {
    realtime: Realtime,
    hub: Arc<PadHub>,
    frames: broadcast::Receiver<PadFrame>,
    id: u64,
    pad: PadId,
    member: Member,
    rights: Rights,
    rights_at: Instant,
    /// The awareness clients this socket spoke for (removed when it leaves).
    clients: HashSet<ClientID>,
}

impl PadConnection {
    pub fn can_write(&self) -> bool {
        self.rights.write
    }

    /// What the socket is sent first: the server's state vector (sync step 1), so that the
    /// client sends what the server lacks, and everyone's cursors.
    pub fn greeting(&self) -> Vec<Vec<u8>> {
        let state = lock(&self.hub.state);
        let step1 = state.awareness.doc().transact().state_vector();
        let mut frames = vec![encode(&Message::Sync(SyncMessage::SyncStep1(step1)))];
        if let Ok(update) = state.awareness.update()
            && !update.clients.is_empty()
        {
            frames.push(encode(&Message::Awareness(update)));
        }
        frames
    }

    /// The next frames for this socket. A socket too slow to keep up gets the whole document
    /// instead of what it missed (the client keeps what it already has).
    pub async fn next(&mut self) -> Vec<Vec<u8>> {
        loop {
            match self.frames.recv().await {
                Ok(frame) if frame.from == self.id => continue,
                Ok(frame) => return vec![frame.bytes.to_vec()],
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    self.frames = self.frames.resubscribe();
                    let state = lock(&self.hub.state);
                    let whole = state
                        .awareness
                        .doc()
                        .transact()
                        .encode_state_as_update_v1(&StateVector::default());
                    let mut frames = vec![encode(&Message::Sync(SyncMessage::Update(whole)))];
                    if let Ok(update) = state.awareness.update() {
                        frames.push(encode(&Message::Awareness(update)));
                    }
                    return frames;
                }
                Err(broadcast::error::RecvError::Closed) => std::future::pending::<()>().await,
            }
        }
    }

    /// Handles a binary frame from the client (one or more y-protocol messages); returns the
    /// answers. What cannot be read, or may not be done, closes the socket and changes nothing.
    pub async fn receive(&mut self, data: &[u8]) -> Result<Vec<Vec<u8>>, Refusal> {
        let mut decoder = DecoderV1::new(Cursor::new(data));
        let messages: Vec<Message> = MessageReader::new(&mut decoder)
            .collect::<Result<_, _>>()
            .map_err(|e| Refusal::malformed(&e.to_string()))?;
        if messages.is_empty() {
            return Err(Refusal::malformed("empty frame"));
        }
        let mut answers = Vec::new();
        for message in messages {
            match message {
                Message::Sync(SyncMessage::SyncStep1(vector)) => {
                    let state = lock(&self.hub.state);
                    let diff = state.awareness.doc().transact().encode_diff_v1(&vector);
                    answers.push(encode(&Message::Sync(SyncMessage::SyncStep2(diff))));
                }
                Message::Sync(SyncMessage::SyncStep2(update)) => {
                    // A reader's client answers the server's step 1 too: with nothing to take.
                    if self.may_write().await? {
                        self.update(update).await?;
                    }
                }
                Message::Sync(SyncMessage::Update(update)) => {
                    if !self.may_write().await? {
                        return Err(Refusal::policy(
                            "lecture seule : vous ne pouvez pas modifier ce pad",
                        ));
                    }
                    self.update(update).await?;
                }
                Message::Awareness(update) => self.awareness(update).await?,
                Message::AwarenessQuery => {
                    if let Ok(update) = lock(&self.hub.state).awareness.update() {
                        answers.push(encode(&Message::Awareness(update)));
                    }
                }
                // Authentication is the handshake's business; other kinds are not ours.
                Message::Auth(_) | Message::Custom(..) => {}
            }
        }
        Ok(answers)
    }

    /// Whether the member may still write (checked again now and then while they edit).
    async fn may_write(&mut self) -> Result<bool, Refusal> {
        if self.rights_at.elapsed() > RIGHTS_TTL {
            match self.realtime.pad_rights(self.pad, Some(&self.member)).await {
                Ok((_, rights)) => self.rights = rights,
                Err(ChatError::NotFound) => {
                    return Err(Refusal::policy("vous n'avez plus accès à ce pad"));
                }
                Err(_) => return Err(Refusal::internal()),
            }
            self.rights_at = Instant::now();
        }
        Ok(self.rights.write)
    }

    async fn update(&mut self, bytes: Vec<u8>) -> Result<(), Refusal> {
        if bytes == EMPTY_UPDATE {
            return Ok(());
        }
        if self.realtime.take(&self.member, Kind::Update).is_err() {
            return Err(Refusal::policy(
                "trop de modifications à la fois : reconnexion",
            ));
        }
        let update = Update::decode_v1(&bytes).map_err(|e| Refusal::malformed(&e.to_string()))?;
        let changed = self.hub.apply(update).map_err(|e| Refusal::malformed(&e))?;
        if changed.is_none() {
            return Ok(());
        }
        self.hub.send(
            self.id,
            encode(&Message::Sync(SyncMessage::Update(bytes.clone()))),
        );
        let travels = Realtime::travels(&bytes);
        let _ = self
            .hub
            .writer
            .send(Write::Update(self.member.id, bytes.clone()));
        if travels {
            self.realtime
                .publish(Event::PadUpdate(self.pad.0, bytes))
                .await;
        }
        Ok(())
    }

    async fn awareness(&mut self, update: AwarenessUpdate) -> Result<(), Refusal> {
        let update = stamp(update, &self.member.name);
        self.clients.extend(update.clients.keys().copied());
        lock(&self.hub.state)
            .awareness
            .apply_update(update.clone())
            .map_err(|e| Refusal::malformed(&e.to_string()))?;
        let bytes = update.encode_v1();
        self.hub.send(self.id, encode(&Message::Awareness(update)));
        self.realtime
            .publish(Event::Awareness(self.pad.0, bytes))
            .await;
        Ok(())
    }

    /// Leaves the pad (the socket closed): its cursors disappear for everyone.
    pub async fn leave(self) {
        let removal = {
            let mut state = lock(&self.hub.state);
            for client in &self.clients {
                state.awareness.remove_state(*client);
            }
            state
                .awareness
                .update_with_clients(self.clients.iter().copied())
                .ok()
        };
        if let Some(update) = removal
            && !update.clients.is_empty()
        {
            let bytes = update.encode_v1();
            self.hub.send(self.id, encode(&Message::Awareness(update)));
            self.realtime
                .publish(Event::Awareness(self.pad.0, bytes))
                .await;
        }
        self.hub.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(from: &str, edits: &[Edit]) -> String {
        let doc = new_doc();
        let text = doc.get_or_insert_text("content");
        let mut txn = doc.transact_mut();
        text.insert(&mut txn, 0, from);
        for edit in edits {
            match edit {
                Edit::Remove { at, len } => text.remove_range(&mut txn, *at, *len),
                Edit::Insert { at, text: inserted } => text.insert(&mut txn, *at, inserted),
            }
        }
        text.get_string(&txn)
    }

    #[test]
    fn the_smallest_edit_turns_one_text_into_the_other() {
        let cases = [
            ("", "Bonjour"),
            ("Bonjour", ""),
            ("Ordre du jour : lecture", "Ordre du jour : lecture, calcul"),
            ("élèves 🎒 de CM2", "élèves 🎒🎒 de CE2 et CM2"),
            (
                "# Titre\n\n- un\n- deux\n",
                "# Titre modifié\n\n- deux\n- trois\n",
            ),
        ];
        for (from, to) in cases {
            let edits = smallest_edit(from, to);
            assert_eq!(apply(from, &edits), to, "{from:?} → {to:?}");
        }
        // Only what changed is touched.
        assert_eq!(
            smallest_edit("compte rendu", "compte-rendu"),
            vec![
                Edit::Remove { at: 6, len: 1 },
                Edit::Insert {
                    at: 6,
                    text: "-".to_owned()
                }
            ]
        );
    }

    #[test]
    fn cursors_carry_the_name_people_have_here() {
        let mut clients = HashMap::new();
        let entry = |json: &str| AwarenessUpdateEntry {
            clock: 1,
            json: json.into(),
        };
        clients.insert(
            ClientID::new(1),
            entry(r##"{"user":{"name":"Admin","color":"#000091"},"cursor":null}"##),
        );
        clients.insert(ClientID::new(2), entry("null"));
        clients.insert(ClientID::new(3), entry(r#"{"user":"x"}"#));
        let stamped = stamp(AwarenessUpdate { clients }, "Inès Le Gall");
        let json = |id: u64| stamped.clients[&ClientID::new(id)].json.to_string();
        let first: serde_json::Value = serde_json::from_str(&json(1)).unwrap_or_default();
        assert_eq!(first["user"]["name"], "Inès Le Gall");
        assert_eq!(first["user"]["color"], "#000091");
        assert_eq!(json(2), "null", "a departure stays a departure");
        let third: serde_json::Value = serde_json::from_str(&json(3)).unwrap_or_default();
        assert_eq!(third["user"]["name"], "Inès Le Gall");
    }
}
