//! A space's shared folders as a WebDAV file system: the same entries, versions, trash, quota
//! and type checks as on the web. One instance serves one request of one person.

use std::collections::HashMap;
use std::io::SeekFrom;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Buf, Bytes, BytesMut};
use dav_server::davpath::DavPath;
use dav_server::fs::{
    DavDirEntry, DavFile, DavFileSystem, DavMetaData, DavProp, FsError, FsFuture, FsResult,
    FsStream, OpenOptions, ReadDirMeta,
};
use domain::ids::{EntryId, PersonId, SpaceId};
use domain::spaces::{EntryName, parse_path};
use futures::StreamExt;
use futures::stream::BoxStream;
use http::StatusCode;
use media::{Accept, Ingest, IngestError};
use store::StoreError;
use store::spaces::folders::{self, DeadProperty, Entry, NewVersion, Saving};

use crate::handlers::spaces::folders::blob_key;
use crate::state::AppState;

#[derive(Clone)]
pub struct SpaceFs {
    state: AppState,
    space: SpaceId,
    person: PersonId,
    /// Names this request's deletions, so that a folder deleted with its content goes to the
    /// trash as one.
    batch: String,
    /// For a `PROPFIND` (which writes nothing): what listing a folder read, so that its
    /// children's metadata and properties cost no query each.
    listing: Option<Arc<Mutex<Listing>>>,
}

/// The children of the folders a `PROPFIND` listed, by path, with their dead properties.
#[derive(Default)]
struct Listing {
    entries: HashMap<String, (Entry, Vec<DeadProperty>)>,
}

/// The key of a path in a `Listing`: its names joined by `/`.
fn listing_key<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().collect::<Vec<_>>().join("/")
}

impl SpaceFs {
    /// `listing`: the request only reads (a `PROPFIND`), so what it lists may be kept.
    pub fn new(state: AppState, space: SpaceId, person: PersonId, listing: bool) -> Self {
        Self {
            state,
            space,
            person,
            batch: crate::security::random_token(),
            listing: listing.then(Arc::default),
        }
    }

    /// The entry and properties at these names, if a listing of this request read them.
    fn listed(&self, names: &[EntryName]) -> Option<(Entry, Vec<DeadProperty>)> {
        let listing = self.listing.as_ref()?;
        let listing = listing.lock().unwrap_or_else(|e| e.into_inner());
        listing
            .entries
            .get(&listing_key(names.iter().map(EntryName::as_str)))
            .cloned()
    }

    fn names(path: &DavPath) -> FsResult<Vec<EntryName>> {
        let text = std::str::from_utf8(path.as_bytes()).map_err(|_| FsError::NotFound)?;
        parse_path(text).map_err(|_| FsError::Forbidden)
    }

    /// The entry at a path; `None` for the top of the space.
    async fn entry(&self, path: &DavPath) -> FsResult<Option<Entry>> {
        let names = Self::names(path)?;
        if names.is_empty() {
            return Ok(None);
        }
        if let Some((entry, _)) = self.listed(&names) {
            return Ok(Some(entry));
        }
        match folders::resolve(&self.state.db, self.space, &names).await {
            Ok(Some(entry)) => Ok(Some(entry)),
            Ok(None) => Err(FsError::NotFound),
            Err(e) => Err(fs_error(e)),
        }
    }

    /// The folder a path's last name is in (`None`: the top), and that name.
    async fn parent_and_name(&self, path: &DavPath) -> FsResult<(Option<EntryId>, EntryName)> {
        let mut names = Self::names(path)?;
        let name = names.pop().ok_or(FsError::Forbidden)?;
        if names.is_empty() {
            return Ok((None, name));
        }
        match folders::resolve(&self.state.db, self.space, &names).await {
            Ok(Some(folder)) if folder.is_folder => Ok((Some(folder.id()), name)),
            Ok(_) => Err(FsError::NotFound),
            Err(e) => Err(fs_error(e)),
        }
    }

    async fn root_meta(&self) -> FsResult<Meta> {
        let space = store::spaces::get(&self.state.db, self.space)
            .await
            .map_err(fs_error)?;
        Ok(Meta {
            len: 0,
            modified: time(space.created_at),
            is_dir: true,
            etag: None,
        })
    }

    async fn writer(&self, path: &DavPath, options: &OpenOptions) -> FsResult<Box<dyn DavFile>> {
        let (parent, name) = self.parent_and_name(path).await?;
        let existing = folders::child(&self.state.db, self.space, parent, name.as_str())
            .await
            .map_err(fs_error)?;
        let saving = match (&existing, options.create, options.create_new) {
            (Some(e), _, _) if e.is_folder => return Err(FsError::Forbidden),
            (Some(_), _, true) => return Err(FsError::Exists),
            (None, false, _) => return Err(FsError::NotFound),
            (_, _, true) => Saving::CreateNew,
            (_, false, _) => Saving::ReplaceOnly,
            _ => Saving::CreateOrReplace,
        };
        if let Some(size) = options.size {
            let space = store::spaces::get(&self.state.db, self.space)
                .await
                .map_err(fs_error)?;
            if space.used_bytes + size as i64 > space.quota_bytes {
                return Err(FsError::InsufficientStorage);
            }
        }
        let key = blob_key(self.space);
        let ingest = Ingest::new(
            &self.state.blobs,
            &key,
            name.as_str(),
            self.state.settings.upload_limits,
            Accept::Folders,
        );
        Ok(Box::new(WriteFile {
            fs: self.clone(),
            parent,
            name,
            saving,
            ingest: Mutex::new(Some(ingest)),
            written: None,
        }))
    }
}

fn time(timestamp: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(timestamp.max(0) as u64)
}

fn fs_error(error: StoreError) -> FsError {
    match error {
        StoreError::NotFound => FsError::NotFound,
        StoreError::Conflict(_) => FsError::Exists,
        StoreError::QuotaExceeded(_) => FsError::InsufficientStorage,
        StoreError::Invalid(_) => FsError::Forbidden,
        other => {
            tracing::error!(error = %other, "WebDAV storage error");
            FsError::GeneralFailure
        }
    }
}

fn ingest_error(error: IngestError) -> FsError {
    match error {
        IngestError::TooLarge { .. } => FsError::TooLarge,
        IngestError::Unsupported
        | IngestError::UnsupportedInFolders
        | IngestError::Disguised { .. } => FsError::Forbidden,
        IngestError::Empty | IngestError::Body(_) => FsError::GeneralFailure,
        IngestError::Store(e) => {
            tracing::error!(error = %e, "WebDAV blob store error");
            FsError::GeneralFailure
        }
    }
}

#[derive(Debug, Clone)]
struct Meta {
    len: u64,
    modified: SystemTime,
    is_dir: bool,
    etag: Option<String>,
}

impl Meta {
    fn of(entry: &Entry) -> Self {
        Self {
            len: entry.size.max(0) as u64,
            modified: time(entry.modified_at),
            is_dir: entry.is_folder,
            etag: entry
                .version_id
                .map(|v| format!("{}-{v}", entry.id))
                .or_else(|| (!entry.is_folder).then(|| format!("{}-0", entry.id))),
        }
    }
}

impl DavMetaData for Meta {
    fn len(&self) -> u64 {
        self.len
    }

    fn modified(&self) -> FsResult<SystemTime> {
        Ok(self.modified)
    }

    fn is_dir(&self) -> bool {
        self.is_dir
    }

    fn etag(&self) -> Option<String> {
        self.etag.clone()
    }
}

struct DirEntry {
    name: String,
    meta: Meta,
}

impl DavDirEntry for DirEntry {
    fn name(&self) -> Vec<u8> {
        self.name.as_bytes().to_vec()
    }

    fn metadata(&'_ self) -> FsFuture<'_, Box<dyn DavMetaData>> {
        let meta = self.meta.clone();
        Box::pin(async move { Ok(Box::new(meta) as Box<dyn DavMetaData>) })
    }
}

impl DavFileSystem for SpaceFs {
    fn open<'a>(
        &'a self,
        path: &'a DavPath,
        options: OpenOptions,
    ) -> FsFuture<'a, Box<dyn DavFile>> {
        Box::pin(async move {
            if options.write {
                return self.writer(path, &options).await;
            }
            let entry = self.entry(path).await?.ok_or(FsError::Forbidden)?;
            if entry.is_folder {
                return Err(FsError::Forbidden);
            }
            let version = folders::version(&self.state.db, entry.id(), None)
                .await
                .map_err(fs_error)?;
            Ok(Box::new(ReadFile {
                blobs: self.state.blobs.clone(),
                key: version.blob_key,
                meta: Meta::of(&entry),
                pos: 0,
                reader: Mutex::new(None),
            }) as Box<dyn DavFile>)
        })
    }

    fn read_dir<'a>(
        &'a self,
        path: &'a DavPath,
        _meta: ReadDirMeta,
    ) -> FsFuture<'a, FsStream<Box<dyn DavDirEntry>>> {
        Box::pin(async move {
            let folder = match self.entry(path).await? {
                Some(entry) if entry.is_folder => Some(entry.id()),
                Some(_) => return Err(FsError::Forbidden),
                None => None,
            };
            let entries = folders::children(&self.state.db, self.space, folder)
                .await
                .map_err(fs_error)?;
            if let Some(listing) = &self.listing {
                let mut properties: HashMap<i64, Vec<DeadProperty>> = HashMap::new();
                for (entry, property) in
                    folders::properties_of_children(&self.state.db, self.space, folder)
                        .await
                        .map_err(fs_error)?
                {
                    properties.entry(entry).or_default().push(property);
                }
                let names = Self::names(path)?;
                let mut listing = listing.lock().unwrap_or_else(|e| e.into_inner());
                for entry in &entries {
                    let key = listing_key(
                        names
                            .iter()
                            .map(EntryName::as_str)
                            .chain([entry.name.as_str()]),
                    );
                    let props = properties.remove(&entry.id).unwrap_or_default();
                    listing.entries.insert(key, (entry.clone(), props));
                }
            }
            let items: Vec<FsResult<Box<dyn DavDirEntry>>> = entries
                .iter()
                .map(|e| {
                    Ok(Box::new(DirEntry {
                        name: e.name.clone(),
                        meta: Meta::of(e),
                    }) as Box<dyn DavDirEntry>)
                })
                .collect();
            Ok(futures::stream::iter(items).boxed() as FsStream<Box<dyn DavDirEntry>>)
        })
    }

    fn metadata<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, Box<dyn DavMetaData>> {
        Box::pin(async move {
            let meta = match self.entry(path).await? {
                Some(entry) => Meta::of(&entry),
                None => self.root_meta().await?,
            };
            Ok(Box::new(meta) as Box<dyn DavMetaData>)
        })
    }

    fn create_dir<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        Box::pin(async move {
            let (parent, name) = self.parent_and_name(path).await?;
            folders::create_folder(&self.state.db, self.space, parent, &name, self.person)
                .await
                .map(|_| ())
                .map_err(fs_error)
        })
    }

    fn remove_dir<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        self.remove_file(path)
    }

    fn remove_file<'a>(&'a self, path: &'a DavPath) -> FsFuture<'a, ()> {
        Box::pin(async move {
            let entry = self.entry(path).await?.ok_or(FsError::Forbidden)?;
            folders::trash(
                &self.state.db,
                self.space,
                entry.id(),
                self.person,
                &self.batch,
            )
            .await
            .map_err(fs_error)
        })
    }

    fn rename<'a>(&'a self, from: &'a DavPath, to: &'a DavPath) -> FsFuture<'a, ()> {
        Box::pin(async move {
            let entry = self.entry(from).await?.ok_or(FsError::Forbidden)?;
            let (parent, name) = self.parent_and_name(to).await?;
            folders::rename(
                &self.state.db,
                self.space,
                entry.id(),
                parent,
                &name,
                self.person,
            )
            .await
            .map_err(fs_error)
        })
    }

    fn copy<'a>(&'a self, from: &'a DavPath, to: &'a DavPath) -> FsFuture<'a, ()> {
        Box::pin(async move {
            let entry = self.entry(from).await?.ok_or(FsError::Forbidden)?;
            let (parent, name) = self.parent_and_name(to).await?;
            let copy = folders::copy_file(
                &self.state.db,
                self.space,
                entry.id(),
                parent,
                &name,
                self.person,
            )
            .await
            .map_err(fs_error)?;
            folders::copy_properties(&self.state.db, entry.id(), copy)
                .await
                .map_err(fs_error)
        })
    }

    fn have_props<'a>(
        &'a self,
        _path: &'a DavPath,
    ) -> std::pin::Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        Box::pin(async { true })
    }

    fn patch_props<'a>(
        &'a self,
        path: &'a DavPath,
        patch: Vec<(bool, DavProp)>,
    ) -> FsFuture<'a, Vec<(StatusCode, DavProp)>> {
        Box::pin(async move {
            let entry = self.entry(path).await?.ok_or(FsError::Forbidden)?;
            let changes: Vec<(DeadProperty, bool)> = patch
                .iter()
                .map(|(set, prop)| {
                    (
                        DeadProperty {
                            namespace: prop.namespace.clone().unwrap_or_default(),
                            name: prop.name.clone(),
                            prefix: prop.prefix.clone().unwrap_or_default(),
                            xml: prop.xml.clone().unwrap_or_default(),
                        },
                        *set,
                    )
                })
                .collect();
            folders::patch_properties(&self.state.db, entry.id(), &changes)
                .await
                .map_err(fs_error)?;
            Ok(patch
                .into_iter()
                .map(|(_, prop)| (StatusCode::OK, prop))
                .collect())
        })
    }

    fn get_props<'a>(&'a self, path: &'a DavPath, do_content: bool) -> FsFuture<'a, Vec<DavProp>> {
        Box::pin(async move {
            let props = match self.listed(&Self::names(path)?) {
                Some((_, props)) => props,
                None => {
                    let Some(entry) = self.entry(path).await? else {
                        return Ok(Vec::new());
                    };
                    folders::properties(&self.state.db, entry.id())
                        .await
                        .map_err(fs_error)?
                }
            };
            Ok(props
                .into_iter()
                .map(|p| DavProp {
                    name: p.name,
                    prefix: Some(p.prefix),
                    namespace: Some(p.namespace),
                    xml: do_content.then_some(p.xml),
                })
                .collect())
        })
    }

    fn get_prop<'a>(&'a self, path: &'a DavPath, prop: DavProp) -> FsFuture<'a, Vec<u8>> {
        Box::pin(async move {
            let entry = self.entry(path).await?.ok_or(FsError::NotFound)?;
            let props = folders::properties(&self.state.db, entry.id())
                .await
                .map_err(fs_error)?;
            props
                .into_iter()
                .find(|p| p.name == prop.name && Some(&p.namespace) == prop.namespace.as_ref())
                .map(|p| p.xml)
                .ok_or(FsError::NotFound)
        })
    }

    fn get_quota(&'_ self) -> FsFuture<'_, (u64, Option<u64>)> {
        Box::pin(async move {
            let space = store::spaces::get(&self.state.db, self.space)
                .await
                .map_err(fs_error)?;
            Ok((
                space.used_bytes.max(0) as u64,
                Some(space.quota_bytes.max(0) as u64),
            ))
        })
    }
}

/// An open read of a blob and the bytes it gave beyond what was asked.
type Reading = (
    BoxStream<'static, Result<Bytes, media::BlobError>>,
    BytesMut,
);

/// A file being read: a stream of the blob from the current position.
struct ReadFile {
    blobs: media::BlobStore,
    key: String,
    meta: Meta,
    pos: u64,
    /// The open stream and the bytes it gave beyond what was asked.
    reader: Mutex<Option<Reading>>,
}

impl std::fmt::Debug for ReadFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadFile")
            .field("key", &self.key)
            .field("pos", &self.pos)
            .finish()
    }
}

impl DavFile for ReadFile {
    fn metadata(&'_ mut self) -> FsFuture<'_, Box<dyn DavMetaData>> {
        let meta = self.meta.clone();
        Box::pin(async move { Ok(Box::new(meta) as Box<dyn DavMetaData>) })
    }

    fn write_buf(&'_ mut self, _buf: Box<dyn Buf + Send>) -> FsFuture<'_, ()> {
        Box::pin(async { Err(FsError::Forbidden) })
    }

    fn write_bytes(&'_ mut self, _buf: Bytes) -> FsFuture<'_, ()> {
        Box::pin(async { Err(FsError::Forbidden) })
    }

    fn read_bytes(&'_ mut self, count: usize) -> FsFuture<'_, Bytes> {
        Box::pin(async move {
            if self.pos >= self.meta.len || count == 0 {
                return Ok(Bytes::new());
            }
            let reader = self.reader.get_mut().unwrap_or_else(|e| e.into_inner());
            if reader.is_none() {
                let ranged = self
                    .blobs
                    .read(&self.key, Some((self.pos, None)))
                    .await
                    .map_err(|_| FsError::GeneralFailure)?;
                *reader = Some((ranged.stream, BytesMut::new()));
            }
            let Some((stream, buffer)) = reader.as_mut() else {
                return Err(FsError::GeneralFailure);
            };
            while buffer.len() < count {
                match stream.next().await {
                    Some(Ok(chunk)) => buffer.extend_from_slice(&chunk),
                    Some(Err(_)) => return Err(FsError::GeneralFailure),
                    None => break,
                }
            }
            let out = buffer.split_to(count.min(buffer.len())).freeze();
            self.pos += out.len() as u64;
            Ok(out)
        })
    }

    fn seek(&'_ mut self, pos: SeekFrom) -> FsFuture<'_, u64> {
        Box::pin(async move {
            let target = match pos {
                SeekFrom::Start(p) => p as i64,
                SeekFrom::End(d) => self.meta.len as i64 + d,
                SeekFrom::Current(d) => self.pos as i64 + d,
            };
            if target < 0 {
                return Err(FsError::GeneralFailure);
            }
            if target as u64 != self.pos {
                self.pos = target as u64;
                *self.reader.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
            }
            Ok(self.pos)
        })
    }

    fn flush(&'_ mut self) -> FsFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }
}

/// A file being written: streamed into the blob store with the checks of uploads, recorded as
/// a new version when the client is done (`flush`).
struct WriteFile {
    fs: SpaceFs,
    parent: Option<EntryId>,
    name: EntryName,
    saving: Saving,
    ingest: Mutex<Option<Ingest>>,
    written: Option<Meta>,
}

impl std::fmt::Debug for WriteFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteFile")
            .field("name", &self.name)
            .finish()
    }
}

impl WriteFile {
    fn take(&mut self) -> Option<Ingest> {
        self.ingest
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    async fn push(&mut self, bytes: Bytes) -> FsResult<()> {
        let ingest = self.ingest.get_mut().unwrap_or_else(|e| e.into_inner());
        let Some(upload) = ingest.as_mut() else {
            return Err(FsError::GeneralFailure);
        };
        if let Err(e) = upload.push(bytes).await {
            *ingest = None;
            return Err(ingest_error(e));
        }
        Ok(())
    }
}

impl DavFile for WriteFile {
    fn metadata(&'_ mut self) -> FsFuture<'_, Box<dyn DavMetaData>> {
        let meta = self.written.clone();
        Box::pin(async move {
            meta.map(|m| Box::new(m) as Box<dyn DavMetaData>)
                .ok_or(FsError::NotFound)
        })
    }

    fn write_buf(&'_ mut self, mut buf: Box<dyn Buf + Send>) -> FsFuture<'_, ()> {
        Box::pin(async move {
            let bytes = buf.copy_to_bytes(buf.remaining());
            self.push(bytes).await
        })
    }

    fn write_bytes(&'_ mut self, buf: Bytes) -> FsFuture<'_, ()> {
        Box::pin(async move { self.push(buf).await })
    }

    fn read_bytes(&'_ mut self, _count: usize) -> FsFuture<'_, Bytes> {
        Box::pin(async { Err(FsError::Forbidden) })
    }

    /// Only the whole file is written: writing elsewhere than at its start is not offered.
    fn seek(&'_ mut self, pos: SeekFrom) -> FsFuture<'_, u64> {
        Box::pin(async move {
            match pos {
                SeekFrom::Start(0) => Ok(0),
                _ => Err(FsError::NotImplemented),
            }
        })
    }

    fn flush(&'_ mut self) -> FsFuture<'_, ()> {
        Box::pin(async move {
            let Some(upload) = self.take() else {
                // Already recorded (flush twice) or refused earlier.
                return if self.written.is_some() {
                    Ok(())
                } else {
                    Err(FsError::GeneralFailure)
                };
            };
            let ingested = upload.finish().await.map_err(ingest_error)?;
            let version = NewVersion {
                blob_key: ingested.key.clone(),
                size: ingested.size as i64,
                content_type: ingested.mime.to_owned(),
            };
            let state = &self.fs.state;
            let saved = folders::save(
                &state.db,
                self.fs.space,
                self.parent,
                &self.name,
                &version,
                self.fs.person,
                self.saving,
            )
            .await;
            let saved = match saved {
                Ok(saved) => saved,
                Err(e) => {
                    if let Err(e) = state.blobs.delete(&ingested.key).await {
                        tracing::warn!(error = %e, "could not remove a refused file");
                    }
                    return Err(fs_error(e));
                }
            };
            let entry = folders::get(&state.db, self.fs.space, saved.entry)
                .await
                .map_err(fs_error)?;
            self.written = Some(Meta::of(&entry));
            Ok(())
        })
    }
}

impl Drop for WriteFile {
    /// A write given up half-way (the client went away) leaves nothing in the store.
    fn drop(&mut self) {
        if let Some(mut upload) = self.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move { upload.abort().await });
        }
    }
}
