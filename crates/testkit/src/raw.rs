//! HTTP requests sent byte for byte, as a client or an attacker writes them: no library in
//! between to resolve `..`, fix a header or decompress a body.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A response as it came on the wire (the body de-chunked, not decompressed).
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first value of a header, by its name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `head` (request line and headers, without the blank line; `Host` and
/// `Connection: close` are added) and `body`, and reads the whole answer.
pub async fn send(address: SocketAddr, head: &str, body: &[u8]) -> anyhow::Result<RawResponse> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let mut request = format!("{head}\r\nHost: {address}\r\nConnection: close\r\n");
    if !body.is_empty() {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut answer = Vec::new();
    tokio::time::timeout(
        std::time::Duration::from_secs(60),
        stream.read_to_end(&mut answer),
    )
    .await??;
    parse(&answer, head.starts_with("HEAD "))
}

fn parse(answer: &[u8], head_only: bool) -> anyhow::Result<RawResponse> {
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| {
            anyhow::anyhow!("no end of headers in {:?}", String::from_utf8_lossy(answer))
        })?;
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no status line in {head}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let raw = &answer[end + 4..];
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    let body = if chunked { dechunk(raw)? } else { raw.to_vec() };
    if head_only {
        return Ok(RawResponse {
            status,
            headers,
            body,
        });
    }
    if let Some(length) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        anyhow::ensure!(
            body.len() == length,
            "body of {} bytes, {length} announced",
            body.len()
        );
    }
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

/// The body of a chunked answer; fails when the last chunk never came (a truncated answer).
fn dechunk(mut raw: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| anyhow::anyhow!("truncated chunked body"))?;
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&raw[..line])
                .split(';')
                .next()
                .unwrap_or_default()
                .trim(),
            16,
        )?;
        raw = &raw[line + 2..];
        if size == 0 {
            return Ok(body);
        }
        anyhow::ensure!(raw.len() >= size + 2, "truncated chunk");
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}
