//! Where files live: a folder of the data directory by default, S3-compatible object storage
//! at scale. Files are written and read as streams, never whole in memory.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{GetOptions, GetRange, ObjectStore, WriteMultipart};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("fichier introuvable")]
    NotFound,
    #[error("plage demandée hors du fichier")]
    BadRange,
    #[error("blob store: {0}")]
    Store(object_store::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

impl From<object_store::Error> for BlobError {
    fn from(error: object_store::Error) -> Self {
        match error {
            object_store::Error::NotFound { .. } => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

/// Settings of S3-compatible object storage.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

#[derive(Clone)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
    /// The folder, for a local store (ffmpeg reads files there directly).
    root: Option<PathBuf>,
}

/// A part of a file, as a stream.
pub struct Ranged {
    pub total: u64,
    pub range: Range<u64>,
    pub stream: BoxStream<'static, Result<Bytes, BlobError>>,
}

/// Size of the parts an upload is written in.
pub const PART_SIZE: usize = 8 * 1024 * 1024;

impl BlobStore {
    /// A store in a local folder (created if missing).
    pub fn local(root: &Path) -> Result<Self, BlobError> {
        std::fs::create_dir_all(root)?;
        let root = root.canonicalize()?;
        Ok(Self {
            store: Arc::new(LocalFileSystem::new_with_prefix(&root)?),
            root: Some(root),
        })
    }

    /// A bucket of S3-compatible object storage.
    pub fn s3(settings: &S3Settings) -> Result<Self, BlobError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        Ok(Self {
            store: Arc::new(builder.build()?),
            root: None,
        })
    }

    /// Starts writing a file in parts; nothing is visible until `finish`, and `abort` leaves
    /// nothing behind.
    pub async fn writer(&self, key: &str) -> Result<WriteMultipart, BlobError> {
        let upload = self.store.put_multipart(&Key::from(key)).await?;
        Ok(WriteMultipart::new_with_chunk_size(upload, PART_SIZE))
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), BlobError> {
        self.store.put(&Key::from(key), bytes.into()).await?;
        Ok(())
    }

    /// Copies a local file into the store, part by part.
    pub async fn put_file(&self, key: &str, path: &Path) -> Result<u64, BlobError> {
        use tokio::io::AsyncReadExt;
        let mut file = tokio::fs::File::open(path).await?;
        let mut writer = self.writer(key).await?;
        let mut buffer = vec![0u8; 1024 * 1024];
        let mut size = 0u64;
        loop {
            let read = file.read(&mut buffer).await?;
            if read == 0 {
                break;
            }
            size += read as u64;
            writer.wait_for_capacity(4).await?;
            writer.write(&buffer[..read]);
        }
        writer.finish().await?;
        Ok(size)
    }

    /// A local path to read the file from: the file itself for a local store, else a copy
    /// downloaded into `scratch`.
    pub async fn local_copy(&self, key: &str, scratch: &Path) -> Result<PathBuf, BlobError> {
        if let Some(root) = &self.root {
            return Ok(root.join(key));
        }
        use tokio::io::AsyncWriteExt;
        let path = scratch.join("source");
        let mut file = tokio::fs::File::create(&path).await?;
        let mut stream = self.store.get(&Key::from(key)).await?.into_stream();
        while let Some(chunk) = stream.next().await {
            file.write_all(&chunk?).await?;
        }
        file.flush().await?;
        Ok(path)
    }

    /// Reads a file, or the part of it `range` asks for (`start..end`, end excluded, or
    /// `start..` to the end).
    pub async fn read(
        &self,
        key: &str,
        range: Option<(u64, Option<u64>)>,
    ) -> Result<Ranged, BlobError> {
        let location = Key::from(key);
        let total = self.store.head(&location).await?.size;
        let range = match range {
            None => 0..total,
            Some((start, end)) => {
                let end = end.unwrap_or(total).min(total);
                if start >= end {
                    return Err(BlobError::BadRange);
                }
                start..end
            }
        };
        if range.is_empty() {
            return Ok(Ranged {
                total,
                range,
                stream: futures::stream::empty().boxed(),
            });
        }
        let options = GetOptions {
            range: Some(GetRange::Bounded(range.clone())),
            ..GetOptions::default()
        };
        let result = self.store.get_opts(&location, options).await?;
        Ok(Ranged {
            total,
            range,
            stream: result
                .into_stream()
                .map(|r| r.map_err(BlobError::from))
                .boxed(),
        })
    }

    pub async fn delete(&self, key: &str) -> Result<(), BlobError> {
        match self.store.delete(&Key::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The size of a file, in bytes.
    pub async fn size(&self, key: &str) -> Result<u64, BlobError> {
        Ok(self.store.head(&Key::from(key)).await?.size)
    }

    /// Whether a file exists.
    pub async fn exists(&self, key: &str) -> Result<bool, BlobError> {
        match self.store.head(&Key::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
