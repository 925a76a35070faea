//! An upload, checked while it streams into the blob store: its type is decided by its first
//! bytes (never by its name), its size is counted as it comes; a disguised or oversized file
//! is refused and nothing of it is kept.

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};

use crate::blob::{BlobError, BlobStore};

/// What kind of medium a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Video,
    Image,
    Pdf,
    /// ODF first, also OOXML.
    Document,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Image => "image",
            Self::Pdf => "pdf",
            Self::Document => "document",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Video => "vidéo",
            Self::Image => "image",
            Self::Pdf => "PDF",
            Self::Document => "document bureautique",
        }
    }

    /// The kind of a MIME type found in the content, if it is accepted.
    fn of_mime(mime: &str) -> Option<Self> {
        match mime {
            "video/mp4" | "video/quicktime" | "video/webm" | "video/x-matroska"
            | "video/x-msvideo" | "video/x-m4v" | "video/mpeg" | "video/ogg" => Some(Self::Video),
            "image/jpeg" | "image/png" | "image/gif" | "image/webp" => Some(Self::Image),
            "application/pdf" => Some(Self::Pdf),
            "application/vnd.oasis.opendocument.text"
            | "application/vnd.oasis.opendocument.spreadsheet"
            | "application/vnd.oasis.opendocument.presentation"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
                Some(Self::Document)
            }
            _ => None,
        }
    }

    /// The kind a file name claims, by its extension.
    fn of_name(name: &str) -> Option<Self> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "mp4" | "m4v" | "mov" | "webm" | "mkv" | "avi" | "mpg" | "mpeg" | "ogv" => {
                Some(Self::Video)
            }
            "jpg" | "jpeg" | "png" | "gif" | "webp" => Some(Self::Image),
            "pdf" => Some(Self::Pdf),
            "odt" | "ods" | "odp" | "docx" | "xlsx" | "pptx" => Some(Self::Document),
            _ => None,
        }
    }
}

/// Size limits, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub video: u64,
    pub other: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            video: 2 * 1024 * 1024 * 1024,
            other: 50 * 1024 * 1024,
        }
    }
}

impl Limits {
    pub fn of(&self, kind: Kind) -> u64 {
        match kind {
            Kind::Video => self.video,
            _ => self.other,
        }
    }

    pub fn largest(&self) -> u64 {
        self.video.max(self.other)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    pub kind: Kind,
    pub mime: &'static str,
    pub size: u64,
    pub key: String,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("le fichier dépasse la taille autorisée pour un fichier de type {kind} ({})", megabytes(*limit))]
    TooLarge { kind: &'static str, limit: u64 },
    #[error("le fichier est vide")]
    Empty,
    #[error(
        "ce type de fichier n'est pas accepté : vidéo, image, PDF ou document bureautique (ODF, OOXML) seulement"
    )]
    Unsupported,
    #[error("le contenu du fichier ({found}) ne correspond pas à son nom « {name} »")]
    Disguised { found: &'static str, name: String },
    #[error("l'envoi a été interrompu : {0}")]
    Body(String),
    #[error(transparent)]
    Store(#[from] BlobError),
}

fn megabytes(bytes: u64) -> String {
    if bytes >= 1024 * 1024 * 1024 {
        format!("{} Gio", bytes / (1024 * 1024 * 1024))
    } else {
        format!("{} Mio", bytes / (1024 * 1024))
    }
}

/// Bytes read before deciding the type (the office formats are recognised inside a ZIP).
const SNIFF: usize = 64 * 1024;

/// Decides the kind of a file from its first bytes, checked against its name.
pub fn sniff(head: &[u8], name: &str) -> Result<(Kind, &'static str), IngestError> {
    let detected = infer::get(head).ok_or(IngestError::Unsupported)?;
    let mime = detected.mime_type();
    let kind = Kind::of_mime(mime).ok_or(IngestError::Unsupported)?;
    match Kind::of_name(name) {
        Some(claimed) if claimed != kind => Err(IngestError::Disguised {
            found: kind.label(),
            name: name.to_owned(),
        }),
        _ => Ok((kind, mime)),
    }
}

/// Streams `body` into the blob store under `key`. The type is decided on the first 64 KiB;
/// the size is counted all along; on any refusal the partial upload is aborted.
pub async fn ingest<S, E>(
    store: &BlobStore,
    key: &str,
    name: &str,
    mut body: S,
    limits: &Limits,
) -> Result<Ingested, IngestError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut head = BytesMut::new();
    let mut ended = false;
    while head.len() < SNIFF {
        match body.next().await {
            Some(chunk) => {
                head.extend_from_slice(&chunk.map_err(|e| IngestError::Body(e.to_string()))?)
            }
            None => {
                ended = true;
                break;
            }
        }
    }
    if head.is_empty() {
        return Err(IngestError::Empty);
    }
    let (kind, mime) = sniff(&head, name)?;
    let limit = limits.of(kind);
    let too_large = || IngestError::TooLarge {
        kind: kind.label(),
        limit,
    };
    let mut size = head.len() as u64;
    if size > limit {
        return Err(too_large());
    }
    let mut writer = store.writer(key).await?;
    writer.write(&head);
    drop(head);
    if !ended {
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    writer.abort().await.map_err(BlobError::from)?;
                    return Err(IngestError::Body(e.to_string()));
                }
            };
            size += chunk.len() as u64;
            if size > limit {
                writer.abort().await.map_err(BlobError::from)?;
                return Err(too_large());
            }
            if let Err(e) = writer.wait_for_capacity(2).await {
                return Err(IngestError::Store(e.into()));
            }
            writer.put(chunk);
        }
    }
    writer.finish().await.map_err(BlobError::from)?;
    Ok(Ingested {
        kind,
        mime,
        size,
        key: key.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];

    #[test]
    fn decides_by_content_not_by_name() {
        assert!(matches!(
            sniff(PNG, "photo.png"),
            Ok((Kind::Image, "image/png"))
        ));
        assert!(matches!(sniff(PNG, "photo"), Ok((Kind::Image, _))));
        assert!(matches!(
            sniff(PNG, "cours.pdf"),
            Err(IngestError::Disguised { .. })
        ));
        assert!(matches!(
            sniff(b"MZ\x90\x00\x03\x00\x00\x00", "video.mp4"),
            Err(IngestError::Unsupported)
        ));
        assert!(matches!(
            sniff(b"<html><script>alert(1)</script>", "video.mp4"),
            Err(IngestError::Unsupported)
        ));
        assert!(matches!(
            sniff(b"%PDF-1.7\n", "fiche.pdf"),
            Ok((Kind::Pdf, _))
        ));
    }

    fn chunks(data: Vec<u8>) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
        futures::stream::iter(
            data.chunks(10_000)
                .map(|c| Ok(Bytes::copy_from_slice(c)))
                .collect::<Vec<_>>(),
        )
    }

    #[tokio::test]
    async fn streams_and_refuses_without_leaving_anything() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = BlobStore::local(dir.path())?;
        let limits = Limits {
            video: 1_000_000,
            other: 100_000,
        };
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.resize(90_000, b' ');
        let ok = ingest(&store, "a/fiche.pdf", "fiche.pdf", chunks(pdf), &limits).await?;
        assert_eq!((ok.kind, ok.size), (Kind::Pdf, 90_000));
        assert!(store.exists("a/fiche.pdf").await?);

        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(150_000, b' ');
        let refused = ingest(&store, "a/gros.pdf", "gros.pdf", chunks(big), &limits).await;
        assert!(matches!(
            refused,
            Err(IngestError::TooLarge { limit: 100_000, .. })
        ));
        assert!(
            !store.exists("a/gros.pdf").await?,
            "nothing is kept of a refused file"
        );

        let disguised = ingest(
            &store,
            "a/x.mp4",
            "x.mp4",
            chunks(b"#!/bin/sh\nrm -rf /".to_vec()),
            &limits,
        )
        .await;
        assert!(matches!(disguised, Err(IngestError::Unsupported)));
        assert!(!store.exists("a/x.mp4").await?);
        let empty = ingest(&store, "a/e.pdf", "e.pdf", chunks(Vec::new()), &limits).await;
        assert!(matches!(empty, Err(IngestError::Empty)));

        let part = store.read("a/fiche.pdf", Some((2, Some(6)))).await?;
        assert_eq!((part.total, part.range), (90_000, 2..6));
        let bytes: Vec<u8> = part
            .stream
            .map(|c| c.map(|b| b.to_vec()))
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?
            .concat();
        assert_eq!(bytes, b"DF-1");
        assert!(matches!(
            store.read("a/fiche.pdf", Some((90_000, None))).await,
            Err(BlobError::BadRange)
        ));
        Ok(())
    }
}
