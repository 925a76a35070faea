//! The directory's search index: every establishment's folded words and filter fields, in
//! memory on each node (about 10 MB for the 66,000 establishments of France), so that any
//! search, with its exact total, is a scan of a few milliseconds. Each search first reads
//! the directory's version (bumped by every import, on whichever node or command); a node
//! whose index is older reloads it, so all nodes converge on the database.

use std::sync::{Arc, RwLock};

use domain::directory::EstablishmentKind;
use domain::text;
use memchr::memmem::Finder;

use super::Establishment;
use crate::db::on;
use crate::{Db, Result};

/// A search of the directory. Text matches the beginnings of words of the name or the
/// commune, or the UAI or postal code, accents and case ignored; every word must match.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub text: String,
    pub departement: Option<String>,
    pub kind: Option<EstablishmentKind>,
    pub public: Option<bool>,
    pub circonscription: Option<String>,
    pub bassin: Option<String>,
    pub education_prioritaire: Option<String>,
    pub page: u32,
    pub per_page: u32,
}

/// At most this many words of a query are used.
const MAX_TERMS: usize = 6;

#[derive(sqlx::FromRow)]
struct Loaded {
    id: i64,
    name: String,
    commune_name: String,
    uai: String,
    postal_code: Option<String>,
    departement_code: String,
    kind: String,
    public: bool,
    circonscription_code: Option<String>,
    bassin_code: Option<String>,
    education_prioritaire: Option<String>,
    sort_name: String,
}

/// The filter fields of one establishment.
struct Row {
    id: i64,
    departement: Box<str>,
    kind: Option<EstablishmentKind>,
    public: bool,
    circonscription: Option<Box<str>>,
    bassin: Option<Box<str>>,
    education_prioritaire: Option<Box<str>>,
}

impl Row {
    fn passes_filters(&self, search: &Search) -> bool {
        fn same(filter: &Option<String>, value: Option<&str>) -> bool {
            filter.as_deref().is_none_or(|f| value == Some(f))
        }
        same(&search.departement, Some(&self.departement))
            && search.kind.is_none_or(|k| self.kind == Some(k))
            && search.public.is_none_or(|p| self.public == p)
            && same(&search.circonscription, self.circonscription.as_deref())
            && same(&search.bassin, self.bassin.as_deref())
            && same(
                &search.education_prioritaire,
                self.education_prioritaire.as_deref(),
            )
    }
}

struct Snapshot {
    version: i64,
    /// Ordered by folded name, then id, as pages list them.
    rows: Vec<Row>,
    /// Every row's folded words, each word preceded by a space, rows ended by a newline:
    /// one buffer, so that a word is looked for in all rows by one fast scan.
    words: Vec<u8>,
    /// Where each row's words start in `words` (and, last, the buffer's length).
    starts: Vec<usize>,
}

impl Snapshot {
    fn row_words(&self, row: usize) -> &[u8] {
        &self.words[self.starts[row]..self.starts[row + 1]]
    }

    /// The rows (in order) whose words contain `finder`'s needle.
    fn rows_with(&self, finder: &Finder<'_>) -> Vec<usize> {
        let mut rows = Vec::new();
        let mut row = 0;
        for position in finder.find_iter(&self.words) {
            while self.starts[row + 1] <= position {
                row += 1;
            }
            if rows.last() != Some(&row) {
                rows.push(row);
            }
        }
        rows
    }
}

#[derive(Default)]
pub struct DirectoryIndex {
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    reload: tokio::sync::Mutex<()>,
}

impl DirectoryIndex {
    /// One page of the establishments matching `search`, and how many match in all.
    pub async fn search(&self, db: &Db, search: &Search) -> Result<(Vec<Establishment>, i64)> {
        let snapshot = self.snapshot(db).await?;
        let words: Vec<String> = text::terms(&search.text)
            .into_iter()
            .take(MAX_TERMS)
            .map(|t| format!(" {t}"))
            .collect();
        let mut finders: Vec<Finder<'_>> =
            words.iter().map(|w| Finder::new(w.as_bytes())).collect();
        // The longest word is likely the rarest: its rows are found by one scan of the
        // buffer, and only those rows are checked for the other words and the filters.
        finders.sort_by_key(|f| std::cmp::Reverse(f.needle().len()));
        let candidates: Vec<usize> = match finders.first() {
            Some(first) => snapshot.rows_with(first),
            None => (0..snapshot.rows.len()).collect(),
        };
        let per_page = search.per_page.clamp(1, 100) as usize;
        let offset = search.page.saturating_sub(1) as usize * per_page;
        let mut total = 0usize;
        let mut page = Vec::with_capacity(per_page);
        for row in candidates {
            let matches = snapshot.rows[row].passes_filters(search)
                && finders
                    .iter()
                    .skip(1)
                    .all(|f| f.find(snapshot.row_words(row)).is_some());
            if matches {
                if total >= offset && page.len() < per_page {
                    page.push(snapshot.rows[row].id);
                }
                total += 1;
            }
        }
        let items = super::by_ids(db, &page).await?;
        Ok((items, total as i64))
    }

    /// The index at the database's current version, reloaded if an import changed it.
    async fn snapshot(&self, db: &Db) -> Result<Arc<Snapshot>> {
        let version: i64 = on!(db, pool => sqlx::query_scalar("SELECT version FROM directory_state").fetch_one(pool).await)?;
        if let Some(current) = self.current().filter(|s| s.version == version) {
            return Ok(current);
        }
        let _one_loader = self.reload.lock().await;
        if let Some(current) = self.current().filter(|s| s.version >= version) {
            return Ok(current);
        }
        let fresh = Arc::new(load(db).await?);
        if let Ok(mut slot) = self.snapshot.write() {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }

    fn current(&self) -> Option<Arc<Snapshot>> {
        self.snapshot.read().ok().and_then(|s| s.clone())
    }
}

async fn load(db: &Db) -> Result<Snapshot> {
    let sql = "SELECT id, name, commune_name, uai, postal_code, departement_code, kind, public, circonscription_code, \
               bassin_code, education_prioritaire, sort_name FROM establishments";
    // Version first: a concurrent import makes this snapshot look older, never newer.
    let (version, mut loaded) = on!(db, pool => {
        let version: i64 = sqlx::query_scalar("SELECT version FROM directory_state").fetch_one(pool).await?;
        let loaded = sqlx::query_as::<_, Loaded>(sql).fetch_all(pool).await?;
        Ok::<_, crate::StoreError>((version, loaded))
    })?;
    loaded.sort_unstable_by(|a, b| a.sort_name.cmp(&b.sort_name).then(a.id.cmp(&b.id)));
    let mut words = Vec::with_capacity(loaded.len() * 64);
    let mut starts = Vec::with_capacity(loaded.len() + 1);
    let mut rows = Vec::with_capacity(loaded.len());
    for e in loaded {
        starts.push(words.len());
        let postal = e.postal_code.unwrap_or_default();
        for term in text::terms(&format!("{} {} {} {postal}", e.name, e.commune_name, e.uai)) {
            words.push(b' ');
            words.extend_from_slice(term.as_bytes());
        }
        words.push(b'\n');
        rows.push(Row {
            id: e.id,
            departement: e.departement_code.into(),
            kind: EstablishmentKind::from_code(&e.kind),
            public: e.public,
            circonscription: e.circonscription_code.map(Into::into),
            bassin: e.bassin_code.map(Into::into),
            education_prioritaire: e.education_prioritaire.map(Into::into),
        });
    }
    starts.push(words.len());
    Ok(Snapshot {
        version,
        rows,
        words,
        starts,
    })
}
