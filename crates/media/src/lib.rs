//! Media of the platform: the blob store (a local folder, or S3-compatible object storage),
//! uploads checked while they stream (size limit, type decided by content), video
//! transcoding with ffmpeg, and ranged reads for playback.

pub mod blob;
pub mod ingest;
pub mod served;
pub mod transcode;

pub use blob::{BlobError, BlobStore, Ranged};
pub use ingest::{Accept, Ingest, IngestError, Ingested, Kind, Limits, ingest};
