//! How a stored file is handed to a browser. Only types a browser shows without running
//! anything are shown in the page (raster images, audio, video, PDF, captions); every other
//! file, whatever its name or declared type (SVG, HTML, JavaScript, XML…), is a download that
//! nothing can run on the platform's origin.

/// Types a browser displays in place with no script of the file's own.
const INLINE: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "video/mp4",
    "video/webm",
    "video/ogg",
    "video/quicktime",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "audio/webm",
    "audio/mp4",
    "audio/flac",
    "application/pdf",
    "text/vtt",
];

/// The content security policy of a file sent as it is: it may show itself, never run a
/// script, load anything or be framed. PDF keeps the platform's own policy: Chromium's viewer
/// refuses to open a PDF in a sandbox.
pub const SANDBOX_POLICY: &str = "default-src 'none'; img-src 'self' data:; media-src 'self'; \
    style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

/// Whether a file of this stored type is shown in the page (`inline`) or downloaded.
pub fn shown_inline(content_type: &str) -> bool {
    let essence = essence(content_type);
    INLINE.iter().any(|t| essence.eq_ignore_ascii_case(t))
}

/// The type a file is served with: its own when it is shown inline, a download's otherwise
/// (a browser told `attachment` and `nosniff` still reads `text/html` as a page when it is
/// opened from the downloads, so an unsafe type does not travel either).
pub fn served_type(content_type: &str) -> &str {
    let essence = essence(content_type).to_ascii_lowercase();
    let markup = essence.ends_with("+xml")
        || essence.ends_with("/xml")
        || essence.contains("javascript")
        || essence.contains("ecmascript")
        || essence.contains("html")
        || essence == "application/x-shockwave-flash";
    let text =
        essence.starts_with("text/") && !["text/plain", "text/csv"].contains(&essence.as_str());
    if shown_inline(content_type) || !(markup || text || !essence.contains('/')) {
        content_type
    } else {
        "application/octet-stream"
    }
}

/// Whether the sandbox policy goes with a file of this type.
pub fn sandboxed(content_type: &str) -> bool {
    !essence(content_type).eq_ignore_ascii_case("application/pdf")
}

fn essence(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or_default().trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inert_types_are_shown() {
        for shown in [
            "image/png",
            "video/mp4",
            "application/pdf",
            "text/vtt; charset=utf-8",
            "IMAGE/JPEG",
        ] {
            assert!(shown_inline(shown), "{shown}");
            assert_eq!(served_type(shown), shown);
        }
        for script in [
            "image/svg+xml",
            "text/html",
            "text/javascript",
            "application/javascript",
            "application/xhtml+xml",
            "text/xml",
            "application/xml",
            "text/css",
            "",
            "nonsense",
        ] {
            assert!(!shown_inline(script), "{script}");
            assert_eq!(served_type(script), "application/octet-stream", "{script}");
        }
        // Office documents and archives keep their type, as downloads.
        for office in [
            "application/vnd.oasis.opendocument.text",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/zip",
        ] {
            assert!(!shown_inline(office));
            assert_eq!(served_type(office), office);
        }
        assert_eq!(
            served_type("text/plain; charset=utf-8"),
            "text/plain; charset=utf-8"
        );
        assert!(sandboxed("image/png") && sandboxed("text/plain") && !sandboxed("application/pdf"));
    }
}
