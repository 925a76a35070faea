//! What the search index reads: the change log (in commit order) and the searchable
//! documents, loaded in batches.

use std::collections::HashMap;

use crate::db::on;
use crate::{Db, Result};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Change {
    pub seq: i64,
    pub kind: String,
    pub document_id: i64,
}

/// The sequence number of the newest change (0 when none).
pub async fn last_change(db: &Db) -> Result<i64> {
    Ok(
        on!(db, pool => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM search_changes")
        .fetch_one(pool).await)?
        .unwrap_or(0),
    )
}

/// The changes after `seq`, oldest first.
pub async fn changes_after(db: &Db, seq: i64, limit: i64) -> Result<Vec<Change>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Change>(
        "SELECT seq, kind, document_id FROM search_changes WHERE seq > $1 ORDER BY seq LIMIT $2"
    ).bind(seq).bind(limit).fetch_all(pool).await)?)
}

/// A practice as the index sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PracticeDocument {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub objectives: String,
    pub status: String,
    pub visibility: String,
    pub territory_id: Option<i64>,
    pub published_at: Option<i64>,
    pub updated_at: i64,
    pub authors: Vec<i64>,
    pub author_names: Vec<String>,
    /// `(vocabulary, code)`.
    pub tags: Vec<(String, String)>,
    pub has_video: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    summary: String,
    body_markdown: String,
    objectives: String,
    status: String,
    visibility: String,
    territory_id: Option<i64>,
    published_at: Option<i64>,
    updated_at: i64,
    has_video: bool,
}

fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The practices with these ids that still exist (the others were deleted).
pub async fn practice_documents(db: &Db, ids: &[i64]) -> Result<Vec<PracticeDocument>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(ids);
    let sql = format!(
        "SELECT p.id, p.title, p.summary, p.body_markdown, p.objectives, p.status, p.visibility, p.territory_id, \
         p.published_at, p.updated_at, \
         EXISTS (SELECT 1 FROM media m WHERE m.practice_id = p.id AND m.kind = 'video' AND m.withdrawn_at IS NULL) AS has_video \
         FROM practices p WHERE p.id IN ({list})"
    );
    let rows = on!(db, pool => sqlx::query_as::<_, Row>(&sql).fetch_all(pool).await)?;
    let sql = format!(
        "SELECT a.practice_id, a.person_id, pe.name FROM practice_authors a JOIN people pe ON pe.id = a.person_id \
         WHERE a.practice_id IN ({list}) ORDER BY a.practice_id, a.position"
    );
    let authors: Vec<(i64, i64, String)> =
        on!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    let sql = format!(
        "SELECT practice_id, vocabulary, code FROM practice_tags WHERE practice_id IN ({list})"
    );
    let tags: Vec<(i64, String, String)> =
        on!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    let mut documents: HashMap<i64, PracticeDocument> = rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                PracticeDocument {
                    id: r.id,
                    title: r.title,
                    summary: r.summary,
                    body_markdown: r.body_markdown,
                    objectives: r.objectives,
                    status: r.status,
                    visibility: r.visibility,
                    territory_id: r.territory_id,
                    published_at: r.published_at,
                    updated_at: r.updated_at,
                    has_video: r.has_video,
                    ..PracticeDocument::default()
                },
            )
        })
        .collect();
    for (practice, person, name) in authors {
        if let Some(d) = documents.get_mut(&practice) {
            d.authors.push(person);
            d.author_names.push(name);
        }
    }
    for (practice, vocabulary, code) in tags {
        if let Some(d) = documents.get_mut(&practice) {
            d.tags.push((vocabulary, code));
        }
    }
    let mut documents: Vec<PracticeDocument> = documents.into_values().collect();
    documents.sort_by_key(|d| d.id);
    Ok(documents)
}

/// Practice ids after `after`, in order, for a full reindex.
pub async fn practice_ids_after(db: &Db, after: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT id FROM practices WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after).bind(limit).fetch_all(pool).await)?,
    )
}

/// The random identity of this database, drawn when it was created.
pub async fn instance(db: &Db) -> Result<String> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT instance FROM search_state WHERE id = 1")
        .fetch_one(pool).await)?,
    )
}

/// A forum topic as the index sees it: its visible messages, and who may read it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopicDocument {
    pub id: i64,
    pub space_id: i64,
    pub space_name: String,
    /// The space's visibility: `members`, `territory` or `platform`.
    pub visibility: String,
    pub territory_id: Option<i64>,
    pub title: String,
    pub hidden: bool,
    pub last_post_at: i64,
    pub author_names: Vec<String>,
    /// The Markdown of the messages not hidden, in order.
    pub messages: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct TopicRow {
    id: i64,
    space_id: i64,
    space_name: String,
    visibility: String,
    territory_id: Option<i64>,
    title: String,
    hidden: bool,
    last_post_at: i64,
}

/// The topics with these ids that still exist.
pub async fn topic_documents(db: &Db, ids: &[i64]) -> Result<Vec<TopicDocument>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(ids);
    let sql = format!(
        "SELECT t.id, t.space_id, s.name AS space_name, s.visibility, s.territory_id, t.title, t.hidden, t.last_post_at \
         FROM forum_topics t JOIN spaces s ON s.id = t.space_id WHERE t.id IN ({list})"
    );
    let rows = on!(db, pool => sqlx::query_as::<_, TopicRow>(&sql).fetch_all(pool).await)?;
    let sql = format!(
        "SELECT p.topic_id, p.body_markdown, pe.name FROM forum_posts p LEFT JOIN people pe ON pe.id = p.author_id \
         WHERE p.topic_id IN ({list}) AND NOT p.hidden ORDER BY p.topic_id, p.seq"
    );
    let messages: Vec<(i64, String, Option<String>)> =
        on!(db, pool => sqlx::query_as(&sql).fetch_all(pool).await)?;
    let mut documents: HashMap<i64, TopicDocument> = rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                TopicDocument {
                    id: r.id,
                    space_id: r.space_id,
                    space_name: r.space_name,
                    visibility: r.visibility,
                    territory_id: r.territory_id,
                    title: r.title,
                    hidden: r.hidden,
                    last_post_at: r.last_post_at,
                    ..TopicDocument::default()
                },
            )
        })
        .collect();
    for (topic, body, author) in messages {
        if let Some(d) = documents.get_mut(&topic) {
            d.messages.push(body);
            if let Some(author) = author
                && !d.author_names.contains(&author)
            {
                d.author_names.push(author);
            }
        }
    }
    let mut documents: Vec<TopicDocument> = documents.into_values().collect();
    documents.sort_by_key(|d| d.id);
    Ok(documents)
}

/// Topic ids after `after`, in order, for a full reindex.
pub async fn topic_ids_after(db: &Db, after: i64, limit: i64) -> Result<Vec<i64>> {
    Ok(
        on!(db, pool => sqlx::query_scalar("SELECT id FROM forum_topics WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(after).bind(limit).fetch_all(pool).await)?,
    )
}
