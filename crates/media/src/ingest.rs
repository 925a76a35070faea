//! An upload, checked while it streams into the blob store: its type is decided by its first
//! bytes (never by its name), its size is counted as it comes; a disguised or oversized file
//! is refused and nothing of it is kept.

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};

use object_store::WriteMultipart;

use crate::blob::{BlobError, BlobStore};

/// What kind of medium a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Video,
    Image,
    Pdf,
    /// ODF first, also OOXML.
    Document,
    /// Audio recordings (shared folders only).
    Audio,
    /// Plain UTF-8 text (shared folders only): notes, CSV, Markdown.
    Text,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Video => "video",
            Self::Image => "image",
            Self::Pdf => "pdf",
            Self::Document => "document",
            Self::Audio => "audio",
            Self::Text => "text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Video => "vidéo",
            Self::Image => "image",
            Self::Pdf => "PDF",
            Self::Document => "document bureautique",
            Self::Audio => "enregistrement audio",
            Self::Text => "texte",
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
            "audio/mpeg" | "audio/ogg" | "audio/x-wav" | "audio/wav" | "audio/mp4"
            | "audio/m4a" | "audio/x-flac" | "audio/flac" | "audio/webm" => Some(Self::Audio),
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
            "mp3" | "oga" | "opus" | "wav" | "m4a" | "flac" => Some(Self::Audio),
            "txt" | "md" | "csv" | "tsv" => Some(Self::Text),
            _ => None,
        }
    }
}

/// Which files a place accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// The practice library: video, image, PDF, office documents.
    Library,
    /// Shared folders: the same, plus audio, plain text and empty files (which file managers
    /// create before writing).
    Folders,
}

impl Accept {
    fn allows(self, kind: Kind) -> bool {
        match self {
            Self::Library => !matches!(kind, Kind::Audio | Kind::Text),
            Self::Folders => true,
        }
    }

    fn unsupported(self) -> IngestError {
        match self {
            Self::Library => IngestError::Unsupported,
            Self::Folders => IngestError::UnsupportedInFolders,
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
    #[error(
        "ce type de fichier n'est pas accepté : vidéo, image, son, PDF, document bureautique (ODF, OOXML) ou texte seulement"
    )]
    UnsupportedInFolders,
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
    sniff_for(head, name, Accept::Library)
}

/// Whether the first bytes of a file are plain text: UTF-8 (possibly cut in the middle of a
/// character at the end) without NUL.
fn is_text(head: &[u8]) -> bool {
    !head.contains(&0)
        && match std::str::from_utf8(head) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        }
}

fn sniff_for(head: &[u8], name: &str, accept: Accept) -> Result<(Kind, &'static str), IngestError> {
    let (kind, mime) = match infer::get(head) {
        Some(detected) => {
            let mime = detected.mime_type();
            (Kind::of_mime(mime).ok_or(accept.unsupported())?, mime)
        }
        None if is_text(head) => (Kind::Text, "text/plain; charset=utf-8"),
        None => return Err(accept.unsupported()),
    };
    if !accept.allows(kind) {
        return Err(accept.unsupported());
    }
    match Kind::of_name(name) {
        Some(claimed) if claimed != kind => Err(IngestError::Disguised {
            found: kind.label(),
            name: name.to_owned(),
        }),
        _ => Ok((kind, mime)),
    }
}

/// An upload on its way into the blob store, fed chunk by chunk. The type is decided on the
/// first 64 KiB, the size counted all along; on any refusal the partial upload is aborted and
/// nothing of it is kept.
pub struct Ingest {
    store: BlobStore,
    key: String,
    name: String,
    limits: Limits,
    accept: Accept,
    head: BytesMut,
    decided: Option<(Kind, &'static str)>,
    writer: Option<WriteMultipart>,
    size: u64,
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingest")
            .field("key", &self.key)
            .field("size", &self.size)
            .finish()
    }
}

impl Ingest {
    pub fn new(store: &BlobStore, key: &str, name: &str, limits: Limits, accept: Accept) -> Self {
        Self {
            store: store.clone(),
            key: key.to_owned(),
            name: name.to_owned(),
            limits,
            accept,
            head: BytesMut::new(),
            decided: None,
            writer: None,
            size: 0,
        }
    }

    /// The bytes received so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Takes the next chunk.
    pub async fn push(&mut self, chunk: Bytes) -> Result<(), IngestError> {
        let result = self.take(chunk).await;
        if result.is_err() {
            self.abort().await;
        }
        result
    }

    async fn take(&mut self, chunk: Bytes) -> Result<(), IngestError> {
        self.size += chunk.len() as u64;
        if self.writer.is_none() {
            self.head.extend_from_slice(&chunk);
            if self.head.len() >= SNIFF {
                self.start().await?;
            }
            return Ok(());
        }
        self.check_size()?;
        if let Some(writer) = self.writer.as_mut() {
            writer
                .wait_for_capacity(2)
                .await
                .map_err(|e| IngestError::Store(e.into()))?;
            writer.put(chunk);
        }
        Ok(())
    }

    fn check_size(&self) -> Result<(), IngestError> {
        if let Some((kind, _)) = self.decided {
            let limit = self.limits.of(kind);
            if self.size > limit {
                return Err(IngestError::TooLarge {
                    kind: kind.label(),
                    limit,
                });
            }
        }
        Ok(())
    }

    /// Decides the type on the bytes at hand and starts writing.
    async fn start(&mut self) -> Result<(), IngestError> {
        self.decided = Some(sniff_for(&self.head, &self.name, self.accept)?);
        self.check_size()?;
        let mut writer = self.store.writer(&self.key).await?;
        writer.write(&self.head);
        self.head = BytesMut::new();
        self.writer = Some(writer);
        Ok(())
    }

    /// Ends the upload: the file becomes visible in the store.
    pub async fn finish(mut self) -> Result<Ingested, IngestError> {
        if self.writer.is_none() {
            if self.head.is_empty() {
                if self.accept == Accept::Library {
                    return Err(IngestError::Empty);
                }
                self.store.put(&self.key, Bytes::new()).await?;
                return Ok(Ingested {
                    kind: Kind::Text,
                    mime: "application/octet-stream",
                    size: 0,
                    key: self.key,
                });
            }
            if let Err(e) = self.start().await {
                self.abort().await;
                return Err(e);
            }
        }
        let (kind, mime) = self.decided.ok_or(IngestError::Empty)?;
        if let Some(writer) = self.writer.take() {
            writer.finish().await.map_err(BlobError::from)?;
        }
        Ok(Ingested {
            kind,
            mime,
            size: self.size,
            key: self.key,
        })
    }

    /// Gives up: nothing of the file stays in the store.
    pub async fn abort(&mut self) {
        if let Some(writer) = self.writer.take()
            && let Err(e) = writer.abort().await
        {
            tracing::warn!(key = %self.key, error = %e, "could not abort an upload");
        }
        self.head = BytesMut::new();
    }
}

/// Streams `body` into the blob store under `key`, as `Ingest` does.
pub async fn ingest<S, E>(
    store: &BlobStore,
    key: &str,
    name: &str,
    mut body: S,
    limits: &Limits,
    accept: Accept,
) -> Result<Ingested, IngestError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut upload = Ingest::new(store, key, name, *limits, accept);
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(chunk) => upload.push(chunk).await?,
            Err(e) => {
                upload.abort().await;
                return Err(IngestError::Body(e.to_string()));
            }
        }
    }
    upload.finish().await
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
        let ok = ingest(
            &store,
            "a/fiche.pdf",
            "fiche.pdf",
            chunks(pdf),
            &limits,
            Accept::Library,
        )
        .await?;
        assert_eq!((ok.kind, ok.size), (Kind::Pdf, 90_000));
        assert!(store.exists("a/fiche.pdf").await?);

        let mut big = b"%PDF-1.7\n".to_vec();
        big.resize(150_000, b' ');
        let refused = ingest(
            &store,
            "a/gros.pdf",
            "gros.pdf",
            chunks(big),
            &limits,
            Accept::Library,
        )
        .await;
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
            Accept::Library,
        )
        .await;
        assert!(matches!(disguised, Err(IngestError::Unsupported)));
        assert!(!store.exists("a/x.mp4").await?);
        let empty = ingest(
            &store,
            "a/e.pdf",
            "e.pdf",
            chunks(Vec::new()),
            &limits,
            Accept::Library,
        )
        .await;
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

    #[tokio::test]
    async fn folders_take_text_audio_and_empty_files() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = BlobStore::local(dir.path())?;
        let limits = Limits {
            video: 1_000_000,
            other: 100_000,
        };
        // Text longer than the sniffed head, cut by the chunks in the middle of « é ».
        let text = "Compte rendu de la réunion — élèves et équipes.\n".repeat(1_500);
        let ok = ingest(
            &store,
            "f/cr.txt",
            "cr.txt",
            chunks(text.clone().into_bytes()),
            &limits,
            Accept::Folders,
        )
        .await?;
        assert_eq!((ok.kind, ok.size), (Kind::Text, text.len() as u64));
        let too_long = "a".repeat(150_000);
        assert!(matches!(
            ingest(
                &store,
                "f/long.txt",
                "long.txt",
                chunks(too_long.into_bytes()),
                &limits,
                Accept::Folders
            )
            .await,
            Err(IngestError::TooLarge { .. })
        ));
        assert!(!store.exists("f/long.txt").await?);
        let empty = ingest(
            &store,
            "f/vide",
            "Nouveau document.txt",
            chunks(Vec::new()),
            &limits,
            Accept::Folders,
        )
        .await?;
        assert_eq!(empty.size, 0);
        assert!(store.exists("f/vide").await?);
        assert!(matches!(
            ingest(
                &store,
                "f/x.pdf",
                "x.pdf",
                chunks(b"pas un PDF".to_vec()),
                &limits,
                Accept::Folders
            )
            .await,
            Err(IngestError::Disguised { .. })
        ));
        assert!(matches!(
            ingest(
                &store,
                "f/x.exe",
                "x.exe",
                chunks(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec()),
                &limits,
                Accept::Folders
            )
            .await,
            Err(IngestError::UnsupportedInFolders)
        ));
        assert!(matches!(
            ingest(
                &store,
                "f/notes.txt",
                "notes.txt",
                chunks(b"notes".to_vec()),
                &limits,
                Accept::Library
            )
            .await,
            Err(IngestError::Unsupported)
        ));
        Ok(())
    }
}
