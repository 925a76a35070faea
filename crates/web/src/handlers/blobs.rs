//! Files of the blob store sent to browsers, whole or by ranges (video players seek with
//! `Range` requests), never in a way that lets a file run on the platform's origin
//! (`media::served`).

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use media::BlobError;

use crate::error::AppError;
use crate::state::AppState;

/// Parses `Range: bytes=START-END` (one range; `START-` and `-SUFFIX` too).
fn range_of(headers: &HeaderMap, total: u64) -> Option<(u64, Option<u64>)> {
    let value = headers.get(header::RANGE)?.to_str().ok()?;
    let spec = value.strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    if start.is_empty() {
        let suffix: u64 = end.parse().ok()?;
        return Some((total.saturating_sub(suffix), None));
    }
    let start: u64 = start.parse().ok()?;
    let end = if end.is_empty() {
        None
    } else {
        Some(end.parse::<u64>().ok()?.saturating_add(1))
    };
    Some((start, end))
}

/// `Content-Disposition` of a file named `name`, its name readable by every browser.
pub(crate) fn content_disposition(kind: &str, name: &str) -> String {
    let ascii: String = deunicode::deunicode(name)
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    let encoded = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC);
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The headers that keep a stored file inert: shown in place only when its type cannot run
/// anything, downloaded otherwise, never sniffed, sandboxed.
pub(crate) fn inert(response: &mut Response, content_type: &str, name: &str) {
    let inline = media::served::shown_inline(content_type);
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: &str| {
        if let Ok(value) = value.parse() {
            headers.insert(name, value);
        }
    };
    set(
        header::CONTENT_TYPE,
        media::served::served_type(content_type),
    );
    set(
        header::CONTENT_DISPOSITION,
        &content_disposition(if inline { "inline" } else { "attachment" }, name),
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if media::served::sandboxed(content_type) {
        set(
            header::CONTENT_SECURITY_POLICY,
            media::served::SANDBOX_POLICY,
        );
    }
}

/// Sends a file of the blob store named `name`, or the part a `Range` header asks for.
pub(crate) async fn stream_blob(
    state: &AppState,
    key: &str,
    content_type: &str,
    name: &str,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let blob_error = |e: BlobError| match e {
        BlobError::NotFound => AppError::NotFound,
        other => AppError::Internal(other.to_string()),
    };
    let total = state.blobs.size(key).await.map_err(blob_error)?;
    let range = range_of(headers, total);
    let ranged = match state.blobs.read(key, range).await {
        Ok(r) => r,
        Err(BlobError::BadRange) => {
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(header::CONTENT_RANGE, format!("bytes */{total}"))],
            )
                .into_response());
        }
        Err(e) => return Err(blob_error(e)),
    };
    let length = ranged.range.end - ranged.range.start;
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CONTENT_LENGTH, length)
        .header(header::CACHE_CONTROL, "private, max-age=3600");
    response = if range.is_some() {
        response.status(StatusCode::PARTIAL_CONTENT).header(
            header::CONTENT_RANGE,
            format!(
                "bytes {}-{}/{}",
                ranged.range.start,
                ranged.range.end.saturating_sub(1),
                ranged.total
            ),
        )
    } else {
        response.status(StatusCode::OK)
    };
    let mut response = response
        .body(Body::from_stream(ranged.stream))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    inert(&mut response, content_type, name);
    Ok(response)
}
