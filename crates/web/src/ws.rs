//! The WebSocket pump: the handshake (session or bearer token, `Origin`, the right to read),
//! then bytes between the socket and the realtime core, pings, and the reaping of idle or
//! slow sockets. What a frame means is the core's business.

use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::ids::{PadId, RoomId};
use realtime::{Member, PadConnection, Refusal, RoomConnection};
use store::accounts::Person;

use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::ApiCaller;
use crate::state::AppState;

/// A client that does not take a frame within this time is closed (it resynchronises when it
/// comes back).
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closed socket waits for the client's own close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(5);
/// The largest chat frame, and the largest pad frame (a long paste).
const CHAT_FRAME: usize = 64 * 1024;
const PAD_FRAME: usize = 2 * 1024 * 1024;
/// Read buffers start small: most sockets sit idle.
const READ_BUFFER: usize = 4 * 1024;

pub(crate) fn member(person: &Person) -> Member {
    Member {
        id: person.id(),
        name: person.name.clone(),
        admin: person.admin,
    }
}

/// The caller of a socket, once `Origin` is checked: a browser page of another site may not
/// use the visitor's session cookie here.
fn caller(
    headers: &HeaderMap,
    state: &AppState,
    person: Option<Person>,
) -> Result<Person, ApiError> {
    if !crate::security::origin_allowed(headers, &state.settings.public_url) {
        return Err(ApiError(AppError::Forbidden));
    }
    person.ok_or(ApiError(AppError::Unauthorized))
}

#[derive(Debug, serde::Deserialize)]
pub struct RoomQuery {
    /// The last revision the client saw: what changed after it is sent first.
    pub since: Option<i64>,
}

/// A room's socket. JSON frames; the client sends `send`, `edit`, `delete`, `react`,
/// `typing`, `read`; the server sends `hello`, `message` (every message written or changed,
/// with the room's revision `rev`), `ack`, `error`, `presence`, `typing`. Reconnecting with
/// `?since=REV` first sends what changed after that revision, each change once.
#[utoipa::path(get, path = "/api/v1/rooms/{id}/ws", tag = "temps réel", security(("jeton" = [])),
    params(("since" = Option<i64>, Query, description = "La dernière révision reçue")),
    responses((status = 101, description = "Connexion WebSocket"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "Origine refusée"), (status = 404, body = ErrorBody)))]
pub async fn room(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
    Query(query): Query<RoomQuery>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let person = caller(&headers, &state, person)?;
    let access = Access::of(&state, &person);
    let member = member(&person);
    let room = RoomId(id);
    // Who may not read the room is answered before the upgrade; the socket joins after it.
    let (room, rights) = state.realtime.rights(room, Some(&member)).await?;
    Ok(upgrade
        .max_message_size(CHAT_FRAME)
        .max_frame_size(CHAT_FRAME)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |mut socket| async move {
            let mut connection = state.realtime.enter_room(room, rights, member);
            let joined = match connection.hello(query.since).await {
                Ok(frames) => Ok((connection, frames)),
                Err(_) => {
                    connection.leave().await;
                    Err(Refusal::internal())
                }
            };
            match joined {
                Ok((connection, frames)) => {
                    let first = frames
                        .into_iter()
                        .map(|t| Message::Text(t.into()))
                        .collect();
                    pump(
                        socket,
                        Chat(connection),
                        first,
                        state.settings.socket_ping,
                        access,
                    )
                    .await;
                }
                Err(refusal) => close(&mut socket, refusal).await,
            }
        }))
}

/// A pad's socket, in the y-websocket protocol (sync steps, updates, awareness); the text is
/// the `Y.Text` named `content`. Readers receive but cannot write.
#[utoipa::path(get, path = "/api/v1/pads/{id}/sync", tag = "temps réel", security(("jeton" = [])),
    responses((status = 101, description = "Connexion WebSocket"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "Origine refusée"), (status = 404, body = ErrorBody)))]
pub async fn pad(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let person = caller(&headers, &state, person)?;
    let access = Access::of(&state, &person);
    let member = member(&person);
    let pad = PadId(id);
    let (_, rights) = state.realtime.pad_rights(pad, Some(&member)).await?;
    Ok(upgrade
        .max_message_size(PAD_FRAME)
        .max_frame_size(PAD_FRAME)
        .read_buffer_size(READ_BUFFER)
        .on_upgrade(move |mut socket| async move {
            match state.realtime.enter_pad(pad, rights, member).await {
                Ok(connection) => {
                    let first = connection
                        .greeting()
                        .into_iter()
                        .map(|b| Message::Binary(b.into()))
                        .collect();
                    pump(
                        socket,
                        Pad(connection),
                        first,
                        state.settings.socket_ping,
                        access,
                    )
                    .await;
                }
                Err(_) => close(&mut socket, Refusal::policy("pad inaccessible")).await,
            }
        }))
}

/// How long a socket's caller keeps access: until their account's end date, or until their
/// access is revoked (account disabled or closed, a password, session or token revoked).
struct Access {
    person: i64,
    ends_at: Option<i64>,
    revocations: tokio::sync::broadcast::Receiver<i64>,
}

impl Access {
    fn of(state: &AppState, person: &Person) -> Self {
        Self {
            person: person.id,
            ends_at: person.ends_at,
            revocations: state.realtime.revocations(),
        }
    }

    /// Completes when the caller's access ends.
    async fn ended(&mut self) {
        let end = async {
            match self.ends_at {
                Some(at) => {
                    let left = u64::try_from(at - store::now()).unwrap_or(0);
                    tokio::time::sleep(Duration::from_secs(left)).await;
                }
                None => std::future::pending().await,
            }
        };
        let revoked = async {
            loop {
                match self.revocations.recv().await {
                    Ok(person) if person == self.person => return,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                        std::future::pending::<()>().await;
                    }
                }
            }
        };
        tokio::select! {
            () = end => {},
            () = revoked => {},
        }
    }
}

/// One kind of socket, as the pump sees it.
trait Session: Send {
    /// Handles a text or binary frame; returns the answers, or why the socket must close.
    fn incoming(
        &mut self,
        message: Message,
    ) -> impl Future<Output = Result<Vec<Message>, Refusal>> + Send;
    /// What others did, for this socket.
    fn outgoing(&mut self) -> impl Future<Output = Vec<Message>> + Send;
    fn leave(self) -> impl Future<Output = ()> + Send;
}

struct Chat(RoomConnection);

impl Session for Chat {
    async fn incoming(&mut self, message: Message) -> Result<Vec<Message>, Refusal> {
        match message {
            Message::Text(text) => Ok(self
                .0
                .receive(text.as_str())
                .await?
                .into_iter()
                .map(|t| Message::Text(t.into()))
                .collect()),
            _ => Err(Refusal {
                code: 1003,
                reason: "ce salon parle en JSON (trames texte)".to_owned(),
            }),
        }
    }

    async fn outgoing(&mut self) -> Vec<Message> {
        self.0
            .next()
            .await
            .into_iter()
            .map(|t| Message::Text(t.into()))
            .collect()
    }

    async fn leave(self) {
        self.0.leave().await;
    }
}

struct Pad(PadConnection);

impl Session for Pad {
    async fn incoming(&mut self, message: Message) -> Result<Vec<Message>, Refusal> {
        match message {
            Message::Binary(bytes) => Ok(self
                .0
                .receive(&bytes)
                .await?
                .into_iter()
                .map(|b| Message::Binary(b.into()))
                .collect()),
            _ => Err(Refusal {
                code: 1003,
                reason: "un pad parle le protocole y-websocket (trames binaires)".to_owned(),
            }),
        }
    }

    async fn outgoing(&mut self) -> Vec<Message> {
        self.0
            .next()
            .await
            .into_iter()
            .map(|b| Message::Binary(b.into()))
            .collect()
    }

    async fn leave(self) {
        self.0.leave().await;
    }
}

/// Sends frames in order; `false` when the client is gone or too slow.
async fn send_all(socket: &mut WebSocket, messages: Vec<Message>) -> bool {
    for message in messages {
        match tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await {
            Ok(Ok(())) => {}
            _ => return false,
        }
    }
    true
}

/// Closes the socket saying why, then waits a little for the client's answer (the closing
/// handshake), so that the client reads the reason before the connection goes.
async fn close(socket: &mut WebSocket, refusal: Refusal) {
    let frame = CloseFrame {
        code: refusal.code,
        reason: refusal.reason.into(),
    };
    let sent = tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Close(Some(frame)))).await;
    if matches!(sent, Ok(Ok(()))) {
        let _ = tokio::time::timeout(CLOSE_WAIT, async {
            while let Some(Ok(message)) = socket.recv().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
}

/// Carries frames both ways until the socket closes. A quiet socket is pinged every
/// `ping_every`; one that said nothing, not even a pong, for two and a half times that is
/// closed.
async fn pump<S: Session>(
    mut socket: WebSocket,
    mut session: S,
    first: Vec<Message>,
    ping_every: Duration,
    mut access: Access,
) {
    metrics::gauge!("territoire_websockets").increment(1);
    let idle_limit = ping_every * 5 / 2;
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    let mut heard = Instant::now();
    let mut open = send_all(&mut socket, first).await;
    while open {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None => open = false,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => heard = Instant::now(),
                Some(Ok(message)) => {
                    heard = Instant::now();
                    match session.incoming(message).await {
                        Ok(answers) => open = send_all(&mut socket, answers).await,
                        Err(refusal) => {
                            close(&mut socket, refusal).await;
                            open = false;
                        }
                    }
                }
                Some(Err(error)) => {
                    // Mostly a frame over the size limit: say so if the socket still listens.
                    tracing::debug!(%error, "websocket: read failed");
                    close(&mut socket, Refusal { code: 1009, reason: "message trop long".to_owned() }).await;
                    open = false;
                }
            },
            frames = session.outgoing() => open = send_all(&mut socket, frames).await,
            () = access.ended() => {
                close(&mut socket, Refusal::policy("accès retiré : reconnectez-vous")).await;
                open = false;
            }
            _ = ping.tick() => {
                if heard.elapsed() > idle_limit {
                    close(&mut socket, Refusal { code: 1001, reason: "inactif trop longtemps".to_owned() }).await;
                    open = false;
                } else {
                    open = send_all(&mut socket, vec![Message::Ping(Default::default())]).await;
                }
            }
        }
    }
    session.leave().await;
    metrics::gauge!("territoire_websockets").decrement(1);
}
