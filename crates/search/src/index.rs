//! The index of one node and its feeder: it applies the database's change log in order and
//! remembers, in each commit, the last change applied.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use store::Db;
use store::search_feed::{PracticeDocument, TopicDocument};
use tantivy::directory::MmapDirectory;
use tantivy::query::QueryParser;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::practices::{self, Fields, PRACTICE, Results, SearchQuery, TOPIC, Viewer, key};
use crate::topics;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Folder(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("search task: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

type Result<T, E = SearchError> = std::result::Result<T, E>;

/// Changes read from the log at a time.
const BATCH: i64 = 1_000;
/// Memory the writer may use before it writes a segment.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    fields: Fields,
    parser: QueryParser,
    /// The last change of the log this index contains; -1 when it was never built.
    applied: AtomicI64,
    /// The database the index was built from (its `search_state.instance`), if known.
    built_from: Mutex<Option<String>>,
    /// Whether `built_from` was checked against the database.
    checked: AtomicBool,
    /// One feeder at a time.
    feeding: tokio::sync::Mutex<()>,
    /// A full rebuild is running: searches answer from what is there instead of waiting.
    rebuilding: AtomicBool,
}

impl SearchIndex {
    /// Opens the index kept in `folder` (created if missing; rebuilt empty if its schema is
    /// from another version), or one in memory when `folder` is `None`.
    pub fn open(folder: Option<&Path>) -> Result<Arc<Self>> {
        let (schema, fields) = practices::schema();
        let mut index = match folder {
            None => Index::create_in_ram(schema),
            Some(folder) => {
                std::fs::create_dir_all(folder)?;
                match Index::open_or_create(MmapDirectory::open(folder)?, schema.clone()) {
                    Ok(index) => index,
                    Err(tantivy::TantivyError::SchemaError(_)) => {
                        tracing::warn!(folder = %folder.display(), "search index of another version: rebuilt");
                        std::fs::remove_dir_all(folder)?;
                        std::fs::create_dir_all(folder)?;
                        Index::create_in_dir(folder, schema)?
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        index
            .tokenizers()
            .register(crate::french::ANALYZER, crate::french::analyzer());
        // A query reads the index's segments on all cores at once.
        index.set_default_multithread_executor()?;
        // The payload of each commit is `INSTANCE:SEQ`: which database, and how far in its log.
        let payload = index.load_metas()?.payload.unwrap_or_default();
        let (built_from, applied) = match payload.split_once(':') {
            Some((instance, seq)) => (Some(instance.to_owned()), seq.parse().unwrap_or(-1)),
            None => (None, -1),
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let mut parser = QueryParser::for_index(
            &index,
            vec![
                fields.title,
                fields.summary,
                fields.body,
                fields.tags,
                fields.people,
            ],
        );
        parser.set_conjunction_by_default();
        parser.set_field_boost(fields.title, 3.0);
        parser.set_field_boost(fields.summary, 1.5);
        parser.set_field_boost(fields.tags, 1.5);
        Ok(Arc::new(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            parser,
            applied: AtomicI64::new(applied),
            built_from: Mutex::new(built_from),
            checked: AtomicBool::new(false),
            feeding: tokio::sync::Mutex::new(()),
            rebuilding: AtomicBool::new(false),
        }))
    }

    /// The last change of the log this index contains (-1: never built).
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::Acquire)
    }

    /// How many documents the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Brings the index up to the database: a full rebuild if it was never built, else the
    /// changes logged since its last commit. Cheap when nothing changed (one indexed query).
    pub async fn catch_up(self: &Arc<Self>, db: &Db) -> Result<()> {
        if !self.checked.load(Ordering::Acquire) {
            let instance = store::search_feed::instance(db).await?;
            let same = self
                .built_from
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_deref()
                == Some(instance.as_str());
            if !same {
                self.applied.store(-1, Ordering::Release);
                *self.built_from.lock().unwrap_or_else(|e| e.into_inner()) = Some(instance);
            }
            self.checked.store(true, Ordering::Release);
        }
        if self.applied() < 0 {
            self.rebuild(db, |_| {}).await?;
            return Ok(());
        }
        let last = store::search_feed::last_change(db).await?;
        if last <= self.applied() || self.rebuilding.load(Ordering::Acquire) {
            return Ok(());
        }
        let _feeding = self.feeding.lock().await;
        loop {
            let applied = self.applied();
            let changes = store::search_feed::changes_after(db, applied, BATCH).await?;
            let Some(upto) = changes.last().map(|c| c.seq) else {
                break;
            };
            let ids_of = |kind: &str| {
                let mut ids: Vec<i64> = changes
                    .iter()
                    .filter(|c| c.kind == kind)
                    .map(|c| c.document_id)
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                ids
            };
            let (practice_ids, topic_ids) = (ids_of(PRACTICE), ids_of(TOPIC));
            let changed = (practice_ids.iter().map(|id| key(PRACTICE, *id)))
                .chain(topic_ids.iter().map(|id| key(TOPIC, *id)))
                .collect();
            let batch = Batch {
                practices: store::search_feed::practice_documents(db, &practice_ids).await?,
                topics: store::search_feed::topic_documents(db, &topic_ids).await?,
                changed,
            };
            let this = Arc::clone(self);
            tokio::task::spawn_blocking(move || this.apply(&batch, upto)).await??;
        }
        Ok(())
    }

    /// Replaces the changed documents (deleting those that are gone) and commits up to `upto`.
    fn apply(&self, batch: &Batch, upto: i64) -> Result<()> {
        let mut writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        for key in &batch.changed {
            writer.delete_term(Term::from_field_text(self.fields.key, key));
        }
        self.add(&writer, batch)?;
        self.commit(&mut writer, upto)
    }

    /// Adds the documents of a batch; returns how many.
    fn add(&self, writer: &IndexWriter<TantivyDocument>, batch: &Batch) -> Result<u64> {
        for document in &batch.practices {
            writer.add_document(practices::document(&self.fields, document))?;
        }
        let mut added = batch.practices.len() as u64;
        for document in &batch.topics {
            if let Some(document) = topics::document(&self.fields, document) {
                writer.add_document(document)?;
                added += 1;
            }
        }
        Ok(added)
    }

    fn commit(&self, writer: &mut IndexWriter<TantivyDocument>, upto: i64) -> Result<()> {
        let instance = self
            .built_from
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .unwrap_or_default();
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("{instance}:{upto}"));
        commit.commit()?;
        self.reader.reload()?;
        self.applied.store(upto, Ordering::Release);
        Ok(())
    }

    /// Rebuilds the whole index from the database; `progress` is told how many documents
    /// are in so far. Returns how many were indexed.
    pub async fn rebuild(self: &Arc<Self>, db: &Db, progress: impl Fn(u64)) -> Result<u64> {
        let _feeding = self.feeding.lock().await;
        self.rebuilding.store(true, Ordering::Release);
        let result = self.rebuild_locked(db, progress).await;
        self.rebuilding.store(false, Ordering::Release);
        result
    }

    async fn rebuild_locked(self: &Arc<Self>, db: &Db, progress: impl Fn(u64)) -> Result<u64> {
        let instance = store::search_feed::instance(db).await?;
        *self.built_from.lock().unwrap_or_else(|e| e.into_inner()) = Some(instance);
        self.checked.store(true, Ordering::Release);
        // Changes logged from here on are applied after, so none is missed.
        let start = store::search_feed::last_change(db).await?;
        {
            let writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            writer.delete_all_documents()?;
        }
        let mut indexed = 0;
        for kind in [PRACTICE, TOPIC] {
            let mut after = 0;
            loop {
                let (ids, batch) = if kind == PRACTICE {
                    let ids = store::search_feed::practice_ids_after(db, after, 2_000).await?;
                    let practices = store::search_feed::practice_documents(db, &ids).await?;
                    (
                        ids,
                        Batch {
                            practices,
                            ..Batch::default()
                        },
                    )
                } else {
                    let ids = store::search_feed::topic_ids_after(db, after, 500).await?;
                    let topics = store::search_feed::topic_documents(db, &ids).await?;
                    (
                        ids,
                        Batch {
                            topics,
                            ..Batch::default()
                        },
                    )
                };
                let Some(last) = ids.last().copied() else {
                    break;
                };
                after = last;
                let this = Arc::clone(self);
                indexed += tokio::task::spawn_blocking(move || {
                    let writer = this.writer.lock().unwrap_or_else(|e| e.into_inner());
                    this.add(&writer, &batch)
                })
                .await??;
                progress(indexed);
            }
        }
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut writer = this.writer.lock().unwrap_or_else(|e| e.into_inner());
            this.commit(&mut writer, start)
        })
        .await??;
        Ok(indexed)
    }

    /// Searches, after catching up with the database, what `viewer` may read.
    pub async fn search(
        self: &Arc<Self>,
        db: &Db,
        query: SearchQuery,
        viewer: Viewer,
    ) -> Result<Results> {
        self.catch_up(db).await?;
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let searcher = this.reader.searcher();
            Ok(practices::search(
                &searcher,
                &this.fields,
                &this.parser,
                &query,
                &viewer,
            )?)
        })
        .await?
    }

    /// The underlying index (for benchmarks and diagnostics).
    pub fn index(&self) -> &Index {
        &self.index
    }
}

/// Documents to write into the index, and the keys of those they replace.
#[derive(Default)]
struct Batch {
    practices: Vec<PracticeDocument>,
    topics: Vec<TopicDocument>,
    changed: Vec<String>,
}
