//! The practice library: sheets, their authors, tags, establishments and published versions.
//! Every write records a change in `search_changes`, which the search index follows.

pub mod media;
mod social;

pub use social::*;

use domain::accounts::Email;
use domain::directory::Uai;
use domain::ids::{PersonId, PracticeId};
use domain::practices::{Licence, PracticeContent, Status, Tag, Visibility};

use crate::db::{BeginWrite, on, record_change};
use crate::{Db, Result, StoreError, now};

/// Replaces the links of a practice (authors, tags, establishments) inside a transaction.
macro_rules! write_links {
    ($tx:ident, $id:expr, $content:expr, $authors:expr, $establishments:expr) => {{
        for table in ["practice_authors", "practice_tags", "practice_establishments"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE practice_id = $1"))
                .bind($id)
                .execute(&mut *$tx)
                .await?;
        }
        for (position, person) in $authors.iter().enumerate() {
            sqlx::query("INSERT INTO practice_authors (practice_id, person_id, position) VALUES ($1, $2, $3)")
                .bind($id).bind(person).bind(position as i64).execute(&mut *$tx).await?;
        }
        for tag in &$content.tags {
            sqlx::query("INSERT INTO practice_tags (practice_id, vocabulary, code) VALUES ($1, $2, $3)")
                .bind($id).bind(tag.vocabulary.code()).bind(&tag.code).execute(&mut *$tx).await?;
        }
        for establishment in &$establishments {
            sqlx::query("INSERT INTO practice_establishments (practice_id, establishment_id) VALUES ($1, $2)")
                .bind($id).bind(establishment).execute(&mut *$tx).await?;
        }
    }};
}

/// Keeps the practice's current text as its next published version.
macro_rules! snapshot {
    ($tx:ident, $id:expr, $by:expr, $at:expr) => {{
        sqlx::query("UPDATE practices SET version = version + 1 WHERE id = $1")
            .bind($id).execute(&mut *$tx).await?;
        sqlx::query(
            "INSERT INTO practice_versions (practice_id, version, title, summary, body_markdown, objectives, published_at, published_by) \
             SELECT id, version, title, summary, body_markdown, objectives, $2, $3 FROM practices WHERE id = $1",
        )
        .bind($id).bind($at).bind($by).execute(&mut *$tx).await?;
    }};
}

/// The kind of document a practice is in the search change log.
pub const DOCUMENT_KIND: &str = "practice";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Practice {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub objectives: String,
    pub class_size: Option<i64>,
    pub licence: String,
    pub status: String,
    pub visibility: String,
    pub territory_id: Option<i64>,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
    pub version: i64,
}

impl Practice {
    pub fn id(&self) -> PracticeId {
        PracticeId(self.id)
    }

    pub fn status(&self) -> Status {
        Status::from_code(&self.status).unwrap_or(Status::Draft)
    }

    pub fn visibility(&self) -> Visibility {
        Visibility::from_code(&self.visibility).unwrap_or(Visibility::Private)
    }
}

const PRACTICE_COLUMNS: &str = "p.id, p.title, p.summary, p.body_markdown, p.objectives, p.class_size, p.licence, \
    p.status, p.visibility, p.territory_id, p.created_by, p.created_at, p.updated_at, p.published_at, p.version";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Author {
    pub id: i64,
    pub name: String,
    pub function: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PracticeEstablishment {
    pub id: i64,
    pub uai: String,
    pub name: String,
    pub commune_name: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TerritoryRef {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// A practice with everything its page shows around the text.
#[derive(Debug, Clone, PartialEq)]
pub struct PracticeDetail {
    pub practice: Practice,
    pub authors: Vec<Author>,
    pub tags: Vec<Tag>,
    pub establishments: Vec<PracticeEstablishment>,
    pub territory: Option<TerritoryRef>,
}

impl PracticeDetail {
    pub fn is_author(&self, person: Option<PersonId>) -> bool {
        person.is_some_and(|p| self.authors.iter().any(|a| a.id == p.0))
    }
}

/// Who wrote a practice and where, given as the form gives them.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The co-authors, by e-mail address (the one who writes is always an author).
    pub coauthors: Vec<Email>,
    pub establishments: Vec<Uai>,
}

/// Turns the e-mail addresses and UAI codes of a form into ids, or says which is unknown.
async fn resolve(db: &Db, writer: PersonId, context: &Context) -> Result<(Vec<i64>, Vec<i64>)> {
    let mut authors = vec![writer.0];
    for email in &context.coauthors {
        let id: Option<i64> = on!(db, pool => sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
            .bind(email.as_str()).fetch_optional(pool).await)?;
        let id = id.ok_or_else(|| {
            StoreError::Invalid(format!(
                "aucun compte de la plateforme n'a l'adresse {email}"
            ))
        })?;
        if !authors.contains(&id) {
            authors.push(id);
        }
    }
    let mut establishments = Vec::new();
    for uai in &context.establishments {
        let id = crate::directory::id_of(db, uai)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("aucun établissement n'a l'UAI {uai}")))?;
        if !establishments.contains(&id) {
            establishments.push(id);
        }
    }
    Ok((authors, establishments))
}

/// The territory a practice is shared with must be one of its writer's (or any, for an admin).
async fn check_territory(
    db: &Db,
    content: &PracticeContent,
    writer: PersonId,
    admin: bool,
) -> Result<()> {
    if let Some(territory) = content.territory
        && !admin
        && crate::territories::role_of(db, territory, writer)
            .await?
            .is_none()
    {
        return Err(StoreError::Invalid(
            "vous ne pouvez partager une pratique qu'avec un territoire dont vous êtes membre"
                .to_owned(),
        ));
    }
    Ok(())
}

/// Writes a new practice as a draft; its writer is its first author.
pub async fn create(
    db: &Db,
    writer: PersonId,
    admin: bool,
    content: &PracticeContent,
    context: &Context,
) -> Result<PracticeId> {
    check_territory(db, content, writer, admin).await?;
    let (authors, establishments) = resolve(db, writer, context).await?;
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO practices (title, summary, body_markdown, objectives, class_size, licence, status, visibility, \
             territory_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(&content.title).bind(&content.summary).bind(&content.body_markdown).bind(&content.objectives)
        .bind(content.class_size.map(i64::from)).bind(content.licence.code()).bind(content.visibility.code())
        .bind(content.territory.map(|t| t.0)).bind(writer.0).bind(at)
        .fetch_one(&mut *tx).await?;
        write_links!(tx, id, content, authors, establishments);
        record_change!(db, tx, DOCUMENT_KIND, id);
        tx.commit().await?;
        Ok(PracticeId(id))
    })
}

/// Saves new content. A published practice stays published and gets a new version.
pub async fn update(
    db: &Db,
    id: PracticeId,
    writer: PersonId,
    admin: bool,
    content: &PracticeContent,
    context: &Context,
) -> Result<()> {
    check_territory(db, content, writer, admin).await?;
    let current = get(db, id).await?;
    // The first author stays first; the writer of this change is kept among the authors.
    let first = PersonId(current.practice.created_by);
    let (mut authors, establishments) = resolve(db, first, context).await?;
    if !authors.contains(&writer.0) && !admin {
        authors.push(writer.0);
    }
    if current.practice.status() == Status::Published {
        media::check_cap(db, id, content.visibility).await?;
    }
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "UPDATE practices SET title = $1, summary = $2, body_markdown = $3, objectives = $4, class_size = $5, \
             licence = $6, visibility = $7, territory_id = $8, updated_at = $9 WHERE id = $10",
        )
        .bind(&content.title).bind(&content.summary).bind(&content.body_markdown).bind(&content.objectives)
        .bind(content.class_size.map(i64::from)).bind(content.licence.code()).bind(content.visibility.code())
        .bind(content.territory.map(|t| t.0)).bind(at).bind(id.0)
        .execute(&mut *tx).await?;
        write_links!(tx, id.0, content, authors, establishments);
        if current.practice.status() == Status::Published {
            snapshot!(tx, id.0, writer.0, at);
        }
        record_change!(db, tx, DOCUMENT_KIND, id.0);
        tx.commit().await?;
        Ok(())
    })
}

/// Publishes a draft: a first version is kept, and the people who follow one of its authors,
/// tags or territory — and may read it — are notified.
pub async fn publish(db: &Db, id: PracticeId, by: PersonId) -> Result<()> {
    let at = now();
    let current = get(db, id).await?;
    if current.practice.status() == Status::Published {
        return Ok(());
    }
    media::check_cap(db, id, current.practice.visibility()).await?;
    let message = format!("Nouvelle pratique publiée : « {} »", current.practice.title);
    let link = format!("/pratiques/{}", id.0);
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE practices SET status = 'published', published_at = COALESCE(published_at, $1), updated_at = $1 WHERE id = $2")
            .bind(at).bind(id.0).execute(&mut *tx).await?;
        snapshot!(tx, id.0, by.0, at);
        sqlx::query(
            "INSERT INTO notifications (person_id, message, link, created_at) \
             SELECT DISTINCT f.person_id, $2, $3, $4 FROM follows f, practices p WHERE p.id = $1 \
             AND ((f.target_kind = 'person' AND f.target IN (SELECT CAST(a.person_id AS TEXT) FROM practice_authors a WHERE a.practice_id = p.id)) \
               OR (f.target_kind = 'tag' AND f.target IN (SELECT t.vocabulary || ':' || t.code FROM practice_tags t WHERE t.practice_id = p.id)) \
               OR (f.target_kind = 'territory' AND f.target = CAST(p.territory_id AS TEXT))) \
             AND f.person_id NOT IN (SELECT a.person_id FROM practice_authors a WHERE a.practice_id = p.id) \
             AND (p.visibility IN ('public', 'platform') OR (p.visibility = 'territory' AND EXISTS \
               (SELECT 1 FROM territory_members m WHERE m.territory_id = p.territory_id AND m.person_id = f.person_id)))",
        )
        .bind(id.0).bind(&message).bind(&link).bind(at)
        .execute(&mut *tx).await?;
        record_change!(db, tx, DOCUMENT_KIND, id.0);
        tx.commit().await?;
        Ok(())
    })
}

/// Takes a practice back to draft (its versions are kept).
pub async fn unpublish(db: &Db, id: PracticeId) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let done = sqlx::query("UPDATE practices SET status = 'draft', updated_at = $1 WHERE id = $2")
            .bind(now()).bind(id.0).execute(&mut *tx).await?.rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        record_change!(db, tx, DOCUMENT_KIND, id.0);
        tx.commit().await?;
        Ok(())
    })
}

/// Narrows who may read a practice (used when an image-rights consent shrinks or expires).
pub async fn set_visibility(db: &Db, id: PracticeId, visibility: Visibility) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE practices SET visibility = $1, updated_at = $2 WHERE id = $3")
            .bind(visibility.code()).bind(now()).bind(id.0).execute(&mut *tx).await?;
        record_change!(db, tx, DOCUMENT_KIND, id.0);
        tx.commit().await?;
        Ok(())
    })
}

pub async fn delete(db: &Db, id: PracticeId) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let done = sqlx::query("DELETE FROM practices WHERE id = $1").bind(id.0).execute(&mut *tx).await?.rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        record_change!(db, tx, DOCUMENT_KIND, id.0);
        tx.commit().await?;
        Ok(())
    })
}

pub async fn get(db: &Db, id: PracticeId) -> Result<PracticeDetail> {
    let sql = format!("SELECT {PRACTICE_COLUMNS} FROM practices p WHERE p.id = $1");
    let practice =
        on!(db, pool => sqlx::query_as::<_, Practice>(&sql).bind(id.0).fetch_one(pool).await)?;
    let authors = on!(db, pool => sqlx::query_as::<_, Author>(
        "SELECT pe.id, pe.name, pe.function FROM practice_authors a JOIN people pe ON pe.id = a.person_id \
         WHERE a.practice_id = $1 ORDER BY a.position"
    ).bind(id.0).fetch_all(pool).await)?;
    let tags: Vec<(String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT vocabulary, code FROM practice_tags WHERE practice_id = $1 ORDER BY vocabulary, code"
    ).bind(id.0).fetch_all(pool).await)?;
    let establishments = on!(db, pool => sqlx::query_as::<_, PracticeEstablishment>(
        "SELECT e.id, e.uai, e.name, e.commune_name FROM practice_establishments pe JOIN establishments e ON e.id = pe.establishment_id \
         WHERE pe.practice_id = $1 ORDER BY e.sort_name"
    ).bind(id.0).fetch_all(pool).await)?;
    let territory = match practice.territory_id {
        Some(t) => {
            on!(db, pool => sqlx::query_as::<_, TerritoryRef>("SELECT id, slug, name FROM territories WHERE id = $1")
            .bind(t).fetch_optional(pool).await)?
        }
        None => None,
    };
    let mut tags: Vec<Tag> = tags
        .into_iter()
        .filter_map(|(v, c)| Tag::parse(&v, &c).ok())
        .collect();
    tags.sort();
    Ok(PracticeDetail {
        practice,
        authors,
        tags,
        establishments,
        territory,
    })
}

/// What the visibility policy needs to know of a practice for one person, in one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub published: bool,
    pub visibility: Visibility,
    pub author: bool,
    /// The person is a member of the territory the practice is shared with.
    pub member_of_territory: bool,
    /// The person holds an exceptional access to it.
    pub exceptional: bool,
}

pub async fn access(db: &Db, id: PracticeId, person: Option<PersonId>) -> Result<Access> {
    let person = person.map_or(-1, |p| p.0);
    let sql = format!(
        "SELECT p.status, p.visibility, \
         EXISTS (SELECT 1 FROM practice_authors a WHERE a.practice_id = p.id AND a.person_id = $2), \
         EXISTS (SELECT 1 FROM territory_members m WHERE m.territory_id = p.territory_id AND m.person_id = $2), \
         {} \
         FROM practices p WHERE p.id = $1",
        crate::accounts::exceptional::held("practice", "p.id", "$2", "$3")
    );
    let (status, visibility, author, member, exceptional): (String, String, bool, bool, bool) = on!(db, pool => sqlx::query_as(&sql)
        .bind(id.0).bind(person).bind(now()).fetch_one(pool).await)?;
    Ok(Access {
        published: Status::from_code(&status) == Some(Status::Published),
        visibility: Visibility::from_code(&visibility).unwrap_or(Visibility::Private),
        author,
        member_of_territory: member,
        exceptional,
    })
}

/// A practice in a list.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PracticeSummary {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub status: String,
    pub visibility: String,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

/// The practices a person wrote or co-wrote, drafts included, newest first.
pub async fn by_author(db: &Db, person: PersonId) -> Result<Vec<PracticeSummary>> {
    Ok(on!(db, pool => sqlx::query_as::<_, PracticeSummary>(
        "SELECT p.id, p.title, p.summary, p.status, p.visibility, p.updated_at, p.published_at FROM practices p \
         JOIN practice_authors a ON a.practice_id = p.id WHERE a.person_id = $1 ORDER BY p.updated_at DESC, p.id DESC"
    ).bind(person.0).fetch_all(pool).await)?)
}

/// The newest public practices, for the Atom feed.
pub async fn latest_public(db: &Db, limit: i64) -> Result<Vec<Practice>> {
    let sql = format!(
        "SELECT {PRACTICE_COLUMNS} FROM practices p WHERE p.status = 'published' AND p.visibility = 'public' \
         ORDER BY p.published_at DESC, p.id DESC LIMIT $1"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Practice>(&sql).bind(limit).fetch_all(pool).await)?)
}

/// The newest published practices `person` may read that carry one of `tags` and that they
/// did not write, for their home page.
pub async fn latest_tagged(
    db: &Db,
    person: PersonId,
    tags: &[Tag],
    limit: i64,
) -> Result<Vec<Practice>> {
    // The tags come from the controlled vocabularies: codes of letters, digits and dashes.
    let wanted: Vec<String> = tags
        .iter()
        .filter(|t| {
            t.code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(|t| format!("'{}:{}'", t.vocabulary.code(), t.code))
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {PRACTICE_COLUMNS} FROM practices p WHERE p.status = 'published' \
         AND (p.visibility IN ('public', 'platform') OR (p.visibility = 'territory' AND EXISTS \
             (SELECT 1 FROM territory_members m WHERE m.territory_id = p.territory_id AND m.person_id = $1))) \
         AND NOT EXISTS (SELECT 1 FROM practice_authors a WHERE a.practice_id = p.id AND a.person_id = $1) \
         AND EXISTS (SELECT 1 FROM practice_tags t WHERE t.practice_id = p.id AND t.vocabulary || ':' || t.code IN ({})) \
         ORDER BY p.published_at DESC, p.id DESC LIMIT $2",
        wanted.join(", ")
    );
    Ok(
        on!(db, pool => sqlx::query_as::<_, Practice>(&sql).bind(person.0).bind(limit).fetch_all(pool).await)?,
    )
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Version {
    pub version: i64,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub objectives: String,
    pub published_at: i64,
    pub published_by: Option<String>,
}

/// Every published version of a practice, newest first.
pub async fn versions(db: &Db, id: PracticeId) -> Result<Vec<Version>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Version>(
        "SELECT v.version, v.title, v.summary, v.body_markdown, v.objectives, v.published_at, pe.name AS published_by \
         FROM practice_versions v LEFT JOIN people pe ON pe.id = v.published_by WHERE v.practice_id = $1 ORDER BY v.version DESC"
    ).bind(id.0).fetch_all(pool).await)?)
}

/// The e-mail addresses of the authors, first author first.
pub async fn author_emails(db: &Db, id: PracticeId) -> Result<Vec<String>> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "SELECT pe.email FROM practice_authors a JOIN people pe ON pe.id = a.person_id WHERE a.practice_id = $1 ORDER BY a.position"
    ).bind(id.0).fetch_all(pool).await)?)
}

/// A published practice of the demo data, written in bulk.
#[derive(Debug, Clone)]
pub struct BulkPractice {
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub objectives: String,
    pub class_size: Option<i64>,
    pub licence: Licence,
    pub visibility: Visibility,
    pub territory: Option<i64>,
    pub author: i64,
    pub establishment: Option<i64>,
    pub published_at: i64,
    pub tags: Vec<Tag>,
}

/// Writes published practices in bulk, each with its first version (demo data). The search
/// index learns of them by a rebuild (`territoire reindex`, or at the start of a node whose
/// index was built on another database), not through the change log.
pub async fn insert_bulk(db: &Db, practices: &[BulkPractice]) -> Result<()> {
    use sqlx::QueryBuilder;
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let first: i64 = sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM practices").fetch_one(&mut *tx).await?.unwrap_or(0) + 1;
        let numbered: Vec<(i64, &BulkPractice)> = practices.iter().enumerate().map(|(i, p)| (first + i as i64, p)).collect();
        for chunk in numbered.chunks(1000) {
            let mut insert = QueryBuilder::new(
                "INSERT INTO practices (id, title, summary, body_markdown, objectives, class_size, licence, status, visibility, \
                 territory_id, created_by, created_at, updated_at, published_at, version) ",
            );
            insert.push_values(chunk, |mut row, (id, p)| {
                row.push_bind(*id).push_bind(&p.title).push_bind(&p.summary).push_bind(&p.body_markdown)
                    .push_bind(&p.objectives).push_bind(p.class_size).push_bind(p.licence.code()).push_bind("published")
                    .push_bind(p.visibility.code()).push_bind(p.territory).push_bind(p.author)
                    .push_bind(p.published_at).push_bind(p.published_at).push_bind(p.published_at).push_bind(1_i64);
            });
            insert.build().execute(&mut *tx).await?;
            let mut insert = QueryBuilder::new(
                "INSERT INTO practice_versions (practice_id, version, title, summary, body_markdown, objectives, published_at, published_by) ",
            );
            insert.push_values(chunk, |mut row, (id, p)| {
                row.push_bind(*id).push_bind(1_i64).push_bind(&p.title).push_bind(&p.summary).push_bind(&p.body_markdown)
                    .push_bind(&p.objectives).push_bind(p.published_at).push_bind(p.author);
            });
            insert.build().execute(&mut *tx).await?;
            let mut insert = QueryBuilder::new("INSERT INTO practice_authors (practice_id, person_id, position) ");
            insert.push_values(chunk, |mut row, (id, p)| {
                row.push_bind(*id).push_bind(p.author).push_bind(0_i64);
            });
            insert.build().execute(&mut *tx).await?;
            let tags: Vec<(i64, &Tag)> = chunk.iter().flat_map(|(id, p)| p.tags.iter().map(move |t| (*id, t))).collect();
            for tags in tags.chunks(3000) {
                let mut insert = QueryBuilder::new("INSERT INTO practice_tags (practice_id, vocabulary, code) ");
                insert.push_values(tags, |mut row, (id, t)| {
                    row.push_bind(*id).push_bind(t.vocabulary.code()).push_bind(&t.code);
                });
                insert.build().execute(&mut *tx).await?;
            }
            let places: Vec<(i64, i64)> = chunk.iter().filter_map(|(id, p)| Some((*id, p.establishment?))).collect();
            if !places.is_empty() {
                let mut insert = QueryBuilder::new("INSERT INTO practice_establishments (practice_id, establishment_id) ");
                insert.push_values(places, |mut row, (id, e)| {
                    row.push_bind(id).push_bind(e);
                });
                insert.build().execute(&mut *tx).await?;
            }
        }
        if db.backend() == crate::Backend::Postgres {
            sqlx::query("SELECT setval(pg_get_serial_sequence('practices', 'id'), (SELECT MAX(id) FROM practices))")
                .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}
