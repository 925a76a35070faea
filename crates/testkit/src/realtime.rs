//! Clients of the real-time sockets, for tests and benchmarks: chat frames as JSON, and a pad
//! client holding its own yrs document as a browser's Yjs does.

use std::net::SocketAddr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message};
use yrs::sync::{Message as YMessage, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{GetString, ReadTxn, Text, Transact, Update};

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(
    address: SocketAddr,
    token: &str,
    path: &str,
    origin: Option<&str>,
) -> Result<Socket, tungstenite::Error> {
    let mut request = format!("ws://{address}{path}").into_client_request()?;
    let headers = request.headers_mut();
    headers.insert(
        "authorization",
        format!("Bearer {token}")
            .parse()
            .map_err(|_| tungstenite::Error::Utf8(String::new()))?,
    );
    if let Some(origin) = origin {
        headers.insert(
            "origin",
            origin
                .parse()
                .map_err(|_| tungstenite::Error::Utf8(String::new()))?,
        );
    }
    Ok(tokio_tungstenite::connect_async(request).await?.0)
}

/// The next JSON frame of a chat socket whose `type` is `kind` (others are skipped).
pub async fn frame(socket: &mut Socket, kind: &str) -> anyhow::Result<Value> {
    loop {
        let next = tokio::time::timeout(Duration::from_secs(5), socket.next()).await?;
        match next {
            Some(Ok(Message::Text(text))) => {
                let value: Value = serde_json::from_str(&text)?;
                if value["type"] == kind {
                    return Ok(value);
                }
            }
            Some(Ok(Message::Close(close))) => anyhow::bail!("closed: {close:?}"),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.into()),
            None => anyhow::bail!("socket ended"),
        }
    }
}

/// The close frame that ends a socket.
pub async fn closed(socket: &mut Socket) -> anyhow::Result<(CloseCode, String)> {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), socket.next()).await? {
            Some(Ok(Message::Close(Some(frame)))) => {
                return Ok((frame.code, frame.reason.to_string()));
            }
            Some(Ok(_)) => {}
            other => anyhow::bail!("no close frame: {other:?}"),
        }
    }
}

pub async fn send(socket: &mut Socket, value: Value) -> anyhow::Result<()> {
    socket.send(Message::Text(value.to_string().into())).await?;
    Ok(())
}

/// A client of the pad socket holding its own yrs document, as a browser's Yjs does.
pub struct PadClient {
    pub socket: Socket,
    pub doc: yrs::Doc,
}

impl PadClient {
    pub async fn open(address: SocketAddr, token: &str, pad: i64) -> anyhow::Result<Self> {
        let socket = connect(address, token, &format!("/api/v1/pads/{pad}/sync"), None).await?;
        let mut client = Self {
            socket,
            doc: yrs::Doc::new(),
        };
        let step1 = YMessage::Sync(SyncMessage::SyncStep1(client.doc.transact().state_vector()))
            .encode_v1();
        client.socket.send(Message::Binary(step1.into())).await?;
        // Until the server's answer (its step 2) is applied.
        loop {
            if client.receive().await? == "step2" {
                return Ok(client);
            }
        }
    }

    /// Handles one frame from the server; says what it was.
    pub async fn receive(&mut self) -> anyhow::Result<&'static str> {
        let next = tokio::time::timeout(Duration::from_secs(5), self.socket.next()).await?;
        let Some(Ok(Message::Binary(bytes))) = next else {
            anyhow::bail!("unexpected: {next:?}");
        };
        match YMessage::decode_v1(&bytes)? {
            YMessage::Sync(SyncMessage::SyncStep1(vector)) => {
                let diff = self.doc.transact().encode_diff_v1(&vector);
                let answer = YMessage::Sync(SyncMessage::SyncStep2(diff)).encode_v1();
                self.socket.send(Message::Binary(answer.into())).await?;
                Ok("step1")
            }
            YMessage::Sync(SyncMessage::SyncStep2(update)) => {
                self.doc
                    .transact_mut()
                    .apply_update(Update::decode_v1(&update)?)?;
                Ok("step2")
            }
            YMessage::Sync(SyncMessage::Update(update)) => {
                self.doc
                    .transact_mut()
                    .apply_update(Update::decode_v1(&update)?)?;
                Ok("update")
            }
            YMessage::Awareness(_) => Ok("awareness"),
            _ => Ok("other"),
        }
    }

    pub fn text(&self) -> String {
        let text = self.doc.get_or_insert_text("content");
        text.get_string(&self.doc.transact())
    }

    /// Types `chunk` at the end of the text and sends the update.
    pub async fn type_text(&mut self, chunk: &str) -> anyhow::Result<()> {
        let text = self.doc.get_or_insert_text("content");
        let update = {
            let mut txn = self.doc.transact_mut();
            let end = text.len(&txn);
            text.insert(&mut txn, end, chunk);
            txn.encode_update_v1()
        };
        let message = YMessage::Sync(SyncMessage::Update(update)).encode_v1();
        self.socket.send(Message::Binary(message.into())).await?;
        Ok(())
    }

    /// Receives until the text is `expected`.
    pub async fn until(&mut self, expected: &str) -> anyhow::Result<()> {
        while self.text() != expected {
            self.receive().await?;
        }
        Ok(())
    }
}
