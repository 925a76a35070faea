//! The forum of a space: categories, topics, messages (numbered within their topic), what each
//! person has read, subscriptions, @mentions, moderation and reports. Every change of a topic
//! is recorded for the search index.

use domain::ids::{CategoryId, MessageId, PersonId, SpaceId, TopicId};

use super::{notify, record_activity};
use crate::db::{BeginWrite, on, record_change};
use crate::{Db, Result, StoreError, now};

/// The kind of document a forum topic is in the search change log.
pub const DOCUMENT_KIND: &str = "topic";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub topics: i64,
}

pub async fn create_category(
    db: &Db,
    space: SpaceId,
    name: &str,
    description: &str,
) -> Result<CategoryId> {
    let name = name.trim();
    if name.chars().count() < 2 || name.chars().count() > 80 {
        return Err(StoreError::Invalid(
            "le nom d'une catégorie compte de 2 à 80 caractères".to_owned(),
        ));
    }
    let id: i64 = on!(db, pool => sqlx::query_scalar(
        "INSERT INTO forum_categories (space_id, name, description, position) \
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM forum_categories WHERE space_id = $1)) RETURNING id",
    ).bind(space.0).bind(name).bind(description.trim()).fetch_one(pool).await)
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!("la catégorie « {name} » existe déjà")),
        other => other,
    })?;
    Ok(CategoryId(id))
}

pub async fn categories(db: &Db, space: SpaceId) -> Result<Vec<Category>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Category>(
        "SELECT c.id, c.name, c.description, \
         (SELECT COUNT(*) FROM forum_topics t WHERE t.category_id = c.id AND NOT t.hidden) AS topics \
         FROM forum_categories c WHERE c.space_id = $1 ORDER BY c.position",
    ).bind(space.0).fetch_all(pool).await)?)
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Topic {
    pub id: i64,
    pub space_id: i64,
    pub category_id: Option<i64>,
    pub category_name: Option<String>,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub title: String,
    pub pinned: bool,
    pub locked: bool,
    pub hidden: bool,
    pub created_at: i64,
    pub last_post_at: i64,
    pub last_seq: i64,
    /// The messages the caller has not read yet.
    pub unread: i64,
}

impl Topic {
    pub fn id(&self) -> TopicId {
        TopicId(self.id)
    }

    /// The number of replies (the first message opens the topic).
    pub fn replies(&self) -> i64 {
        (self.last_seq - 1).max(0)
    }
}

const TOPIC_COLUMNS: &str = "t.id, t.space_id, t.category_id, c.name AS category_name, t.author_id, \
    pe.name AS author_name, t.title, t.pinned, t.locked, t.hidden, t.created_at, t.last_post_at, t.last_seq, \
    t.last_seq - COALESCE(r.last_seq, 0) AS unread";

const TOPIC_JOINS: &str = "FROM forum_topics t LEFT JOIN forum_categories c ON c.id = t.category_id \
    LEFT JOIN people pe ON pe.id = t.author_id \
    LEFT JOIN forum_reads r ON r.topic_id = t.id AND r.person_id = $1";

/// The members of a space whose handle a message mentions (never the writer).
async fn mentioned(db: &Db, space: i64, body: &str, writer: PersonId) -> Result<Vec<i64>> {
    let handles = domain::spaces::mentions(body);
    if handles.is_empty() {
        return Ok(Vec::new());
    }
    let members = super::members(db, SpaceId(space)).await?;
    Ok(members
        .into_iter()
        .filter(|m| m.person_id != writer.0 && handles.contains(&m.handle()))
        .map(|m| m.person_id)
        .collect())
}

/// Opens a topic with its first message; its author follows it. Returns the topic.
pub async fn create_topic(
    db: &Db,
    space: SpaceId,
    category: Option<CategoryId>,
    author: PersonId,
    title: &str,
    body: &str,
) -> Result<TopicId> {
    if let Some(category) = category {
        let of_space: Option<i64> = on!(db, pool => sqlx::query_scalar(
            "SELECT space_id FROM forum_categories WHERE id = $1",
        ).bind(category.0).fetch_optional(pool).await)?;
        if of_space != Some(space.0) {
            return Err(StoreError::Invalid(
                "catégorie inconnue dans cet espace".to_owned(),
            ));
        }
    }
    let author_name: String = on!(db, pool => sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
        .bind(author.0).fetch_one(pool).await)?;
    let mentioned = mentioned(db, space.0, body, author).await?;
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO forum_topics (space_id, category_id, author_id, title, created_at, last_post_at, last_seq) \
             VALUES ($1, $2, $3, $4, $5, $5, 1) RETURNING id",
        ).bind(space.0).bind(category.map(|c| c.0)).bind(author.0).bind(title).bind(at)
         .fetch_one(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO forum_posts (topic_id, seq, author_id, body_markdown, created_at) VALUES ($1, 1, $2, $3, $4)",
        ).bind(id).bind(author.0).bind(body).bind(at).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO forum_subscriptions (person_id, topic_id) VALUES ($1, $2)")
            .bind(author.0).bind(id).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO forum_reads (person_id, topic_id, last_seq) VALUES ($1, $2, 1)")
            .bind(author.0).bind(id).execute(&mut *tx).await?;
        let link = format!("/espaces/{}/forum/{id}", space.0);
        notify!(tx, &mentioned, format!("{author_name} vous a mentionné(e) dans « {title} »"), format!("{link}#message-1"));
        record_activity!(tx, space.0, author.0, format!("Nouveau sujet : « {title} »"), &link);
        record_change!(db, tx, DOCUMENT_KIND, id);
        tx.commit().await?;
        Ok(TopicId(id))
    })
}

/// What a reply did: its message and its number in the topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replied {
    pub message: MessageId,
    pub seq: i64,
}

/// Adds a reply; a locked topic takes replies from moderators only (`moderator`). The writer
/// follows the topic; its followers and the people it mentions are told.
pub async fn reply(
    db: &Db,
    topic: TopicId,
    author: PersonId,
    body: &str,
    quote_of: Option<MessageId>,
    moderator: bool,
) -> Result<Replied> {
    let current = get_topic(db, topic, None).await?;
    if current.locked && !moderator {
        return Err(StoreError::Conflict(
            "ce sujet est verrouillé : il ne reçoit plus de réponse".to_owned(),
        ));
    }
    if let Some(quoted) = quote_of {
        let of_topic: Option<i64> = on!(db, pool => sqlx::query_scalar(
            "SELECT topic_id FROM forum_posts WHERE id = $1",
        ).bind(quoted.0).fetch_optional(pool).await)?;
        if of_topic != Some(topic.0) {
            return Err(StoreError::Invalid(
                "le message cité n'est pas dans ce sujet".to_owned(),
            ));
        }
    }
    let author_name: String = on!(db, pool => sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
        .bind(author.0).fetch_one(pool).await)?;
    let mentioned = mentioned(db, current.space_id, body, author).await?;
    let at = now();
    let title = &current.title;
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // The topic's counter gives each message its number, even when two people reply at once.
        let seq: i64 = sqlx::query_scalar(
            "UPDATE forum_topics SET last_seq = last_seq + 1, last_post_at = $1 WHERE id = $2 RETURNING last_seq",
        ).bind(at).bind(topic.0).fetch_one(&mut *tx).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO forum_posts (topic_id, seq, author_id, body_markdown, quote_of, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        ).bind(topic.0).bind(seq).bind(author.0).bind(body).bind(quote_of.map(|q| q.0)).bind(at)
         .fetch_one(&mut *tx).await?;
        let link = format!("/espaces/{}/forum/{}?apres={}#message-{seq}", current.space_id, topic.0, seq - 1);
        notify!(tx, &mentioned, format!("{author_name} vous a mentionné(e) dans « {title} »"), link);
        let followers: Vec<i64> = sqlx::query_scalar(
            "SELECT person_id FROM forum_subscriptions WHERE topic_id = $1 AND person_id <> $2",
        ).bind(topic.0).bind(author.0).fetch_all(&mut *tx).await?;
        let followers: Vec<i64> = followers.into_iter().filter(|f| !mentioned.contains(f)).collect();
        notify!(tx, &followers, format!("{author_name} a répondu dans « {title} »"), link);
        sqlx::query(
            "INSERT INTO forum_subscriptions (person_id, topic_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        ).bind(author.0).bind(topic.0).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO forum_reads (person_id, topic_id, last_seq) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id, topic_id) DO UPDATE SET last_seq = excluded.last_seq",
        ).bind(author.0).bind(topic.0).bind(seq).execute(&mut *tx).await?;
        record_activity!(tx, current.space_id, author.0, format!("Réponse dans « {title} »"),
            format!("/espaces/{}/forum/{}", current.space_id, topic.0));
        record_change!(db, tx, DOCUMENT_KIND, topic.0);
        tx.commit().await?;
        Ok(Replied { message: MessageId(id), seq })
    })
}

/// A topic, with what `reader` has not read of it.
pub async fn get_topic(db: &Db, topic: TopicId, reader: Option<PersonId>) -> Result<Topic> {
    let sql = format!("SELECT {TOPIC_COLUMNS} {TOPIC_JOINS} WHERE t.id = $2");
    Ok(on!(db, pool => sqlx::query_as::<_, Topic>(&sql)
        .bind(reader.map_or(0, |p| p.0)).bind(topic.0).fetch_one(pool).await)?)
}

/// The topics of a space (or of one of its categories): pinned first, then the most recently
/// active; hidden ones only for moderators.
pub async fn topics(
    db: &Db,
    space: SpaceId,
    category: Option<CategoryId>,
    reader: Option<PersonId>,
    with_hidden: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<Topic>> {
    let sql = format!(
        "SELECT {TOPIC_COLUMNS} {TOPIC_JOINS} WHERE t.space_id = $2 AND ($3 OR NOT t.hidden) \
         AND ($4 = 0 OR t.category_id = $4) ORDER BY t.pinned DESC, t.last_post_at DESC, t.id DESC LIMIT $5 OFFSET $6"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Topic>(&sql)
        .bind(reader.map_or(0, |p| p.0)).bind(space.0).bind(with_hidden)
        .bind(category.map_or(0, |c| c.0)).bind(limit).bind(offset)
        .fetch_all(pool).await)?)
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Message {
    pub id: i64,
    pub topic_id: i64,
    pub seq: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body_markdown: String,
    pub quote_of: Option<i64>,
    pub hidden: bool,
    pub created_at: i64,
    pub edited_at: Option<i64>,
}

const MESSAGE_COLUMNS: &str = "m.id, m.topic_id, m.seq, m.author_id, pe.name AS author_name, m.body_markdown, \
    m.quote_of, m.hidden, m.created_at, m.edited_at";

/// The messages of a topic numbered after `after`, at most `limit`, in order.
pub async fn messages(db: &Db, topic: TopicId, after: i64, limit: i64) -> Result<Vec<Message>> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM forum_posts m LEFT JOIN people pe ON pe.id = m.author_id \
         WHERE m.topic_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Message>(&sql)
        .bind(topic.0).bind(after).bind(limit).fetch_all(pool).await)?)
}

pub async fn message(db: &Db, message: MessageId) -> Result<Message> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM forum_posts m LEFT JOIN people pe ON pe.id = m.author_id WHERE m.id = $1"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Message>(&sql).bind(message.0).fetch_one(pool).await)?)
}

/// Rewrites a message (its author, or a moderator).
pub async fn edit(db: &Db, message: MessageId, body: &str) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let topic: i64 = sqlx::query_scalar(
            "UPDATE forum_posts SET body_markdown = $1, edited_at = $2 WHERE id = $3 RETURNING topic_id",
        ).bind(body).bind(now()).bind(message.0).fetch_one(&mut *tx).await?;
        record_change!(db, tx, DOCUMENT_KIND, topic);
        tx.commit().await?;
        Ok(())
    })
}

/// Remembers that `person` has read a topic up to message `seq` (never backwards).
pub async fn mark_read(db: &Db, person: PersonId, topic: TopicId, seq: i64) -> Result<()> {
    let sql = match db.backend() {
        crate::Backend::Sqlite => {
            "INSERT INTO forum_reads (person_id, topic_id, last_seq) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id, topic_id) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)"
        }
        crate::Backend::Postgres => {
            "INSERT INTO forum_reads (person_id, topic_id, last_seq) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id, topic_id) DO UPDATE SET last_seq = GREATEST(forum_reads.last_seq, excluded.last_seq)"
        }
    };
    on!(db, pool => sqlx::query(sql).bind(person.0).bind(topic.0).bind(seq)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The topics of a space with unread messages for `person`.
pub async fn unread_count(db: &Db, space: SpaceId, person: PersonId) -> Result<i64> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM forum_topics t LEFT JOIN forum_reads r ON r.topic_id = t.id AND r.person_id = $1 \
         WHERE t.space_id = $2 AND NOT t.hidden AND t.last_seq > COALESCE(r.last_seq, 0)",
    ).bind(person.0).bind(space.0).fetch_one(pool).await)?)
}

pub async fn subscribe(db: &Db, person: PersonId, topic: TopicId, on: bool) -> Result<()> {
    let sql = if on {
        "INSERT INTO forum_subscriptions (person_id, topic_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM forum_subscriptions WHERE person_id = $1 AND topic_id = $2"
    };
    on!(db, pool => sqlx::query(sql).bind(person.0).bind(topic.0).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn subscribed(db: &Db, person: PersonId, topic: TopicId) -> Result<bool> {
    Ok(on!(db, pool => sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM forum_subscriptions WHERE person_id = $1 AND topic_id = $2)",
    ).bind(person.0).bind(topic.0).fetch_one(pool).await)?)
}

/// A moderation of a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicChange {
    Pin(bool),
    Lock(bool),
    Hide(bool),
    /// To another category of the same space (or none).
    Move(Option<CategoryId>),
}

pub async fn moderate_topic(
    db: &Db,
    topic: TopicId,
    change: TopicChange,
    by: PersonId,
) -> Result<()> {
    let current = get_topic(db, topic, None).await?;
    if let TopicChange::Move(Some(category)) = change {
        let of_space: Option<i64> = on!(db, pool => sqlx::query_scalar(
            "SELECT space_id FROM forum_categories WHERE id = $1",
        ).bind(category.0).fetch_optional(pool).await)?;
        if of_space != Some(current.space_id) {
            return Err(StoreError::Invalid(
                "catégorie inconnue dans cet espace".to_owned(),
            ));
        }
    }
    let (sql, message) = match change {
        TopicChange::Pin(on) => (
            "UPDATE forum_topics SET pinned = $1 WHERE id = $2",
            if on { "épinglé" } else { "désépinglé" },
        ),
        TopicChange::Lock(on) => (
            "UPDATE forum_topics SET locked = $1 WHERE id = $2",
            if on { "verrouillé" } else { "déverrouillé" },
        ),
        TopicChange::Hide(on) => (
            "UPDATE forum_topics SET hidden = $1 WHERE id = $2",
            if on { "masqué" } else { "rétabli" },
        ),
        TopicChange::Move(_) => (
            "UPDATE forum_topics SET category_id = $1 WHERE id = $2",
            "déplacé",
        ),
    };
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let query = sqlx::query(sql);
        let query = match change {
            TopicChange::Pin(on) | TopicChange::Lock(on) | TopicChange::Hide(on) => query.bind(on),
            TopicChange::Move(category) => query.bind(category.map(|c| c.0)),
        };
        query.bind(topic.0).execute(&mut *tx).await?;
        record_activity!(tx, current.space_id, by.0, format!("Sujet « {} » {message}", current.title),
            format!("/espaces/{}/forum/{}", current.space_id, topic.0));
        record_change!(db, tx, DOCUMENT_KIND, topic.0);
        tx.commit().await?;
        Ok(())
    })
}

/// Hides or shows again one message.
pub async fn hide_message(db: &Db, message: MessageId, hidden: bool) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let topic: i64 = sqlx::query_scalar("UPDATE forum_posts SET hidden = $1 WHERE id = $2 RETURNING topic_id")
            .bind(hidden).bind(message.0).fetch_one(&mut *tx).await?;
        record_change!(db, tx, DOCUMENT_KIND, topic);
        tx.commit().await?;
        Ok(())
    })
}

/// Reports a message to the moderators of its space, who are told.
pub async fn report(db: &Db, message: MessageId, person: PersonId, reason: &str) -> Result<i64> {
    let m = self::message(db, message).await?;
    let topic = get_topic(db, TopicId(m.topic_id), None).await?;
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO forum_reports (post_id, person_id, reason, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        ).bind(message.0).bind(person.0).bind(reason).bind(now()).fetch_one(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO notifications (person_id, message, link, created_at) \
             SELECT person_id, $1, $2, $3 FROM space_members WHERE space_id = $4 AND role IN ('owner', 'moderator')",
        ).bind(format!("Message signalé dans « {} »", topic.title))
         .bind(format!("/espaces/{}/moderation", topic.space_id)).bind(now()).bind(topic.space_id)
         .execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    })
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Report {
    pub id: i64,
    pub message_id: i64,
    pub seq: i64,
    pub topic_id: i64,
    pub topic_title: String,
    pub body_markdown: String,
    pub message_hidden: bool,
    pub message_author: Option<String>,
    pub reporter: Option<String>,
    pub reason: String,
    pub created_at: i64,
}

/// The moderation queue of a space: the reports not handled yet, oldest first.
pub async fn open_reports(db: &Db, space: SpaceId) -> Result<Vec<Report>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Report>(
        "SELECT r.id, m.id AS message_id, m.seq, t.id AS topic_id, t.title AS topic_title, m.body_markdown, \
         m.hidden AS message_hidden, a.name AS message_author, p.name AS reporter, r.reason, r.created_at \
         FROM forum_reports r JOIN forum_posts m ON m.id = r.post_id JOIN forum_topics t ON t.id = m.topic_id \
         LEFT JOIN people a ON a.id = m.author_id LEFT JOIN people p ON p.id = r.person_id \
         WHERE t.space_id = $1 AND r.resolved_at IS NULL ORDER BY r.id",
    ).bind(space.0).fetch_all(pool).await)?)
}

/// Closes a report of a space: the message is hidden (`hide`) or kept.
pub async fn resolve(db: &Db, space: SpaceId, report: i64, by: PersonId, hide: bool) -> Result<()> {
    let message: Option<i64> = on!(db, pool => sqlx::query_scalar(
        "SELECT r.post_id FROM forum_reports r JOIN forum_posts m ON m.id = r.post_id \
         JOIN forum_topics t ON t.id = m.topic_id WHERE r.id = $1 AND t.space_id = $2 AND r.resolved_at IS NULL",
    ).bind(report).bind(space.0).fetch_optional(pool).await)?;
    let message = message.ok_or(StoreError::NotFound)?;
    if hide {
        hide_message(db, MessageId(message), true).await?;
    }
    // Every open report of the same message is handled at once.
    on!(db, pool => sqlx::query(
        "UPDATE forum_reports SET resolved_at = $1, resolved_by = $2, resolution = $3 WHERE post_id = $4 AND resolved_at IS NULL",
    ).bind(now()).bind(by.0).bind(if hide { "hidden" } else { "kept" }).bind(message)
     .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Inserts many replies at once (demo data and benchmarks).
pub async fn insert_replies_bulk(
    db: &Db,
    topic: TopicId,
    authors: &[PersonId],
    count: i64,
) -> Result<()> {
    if authors.is_empty() {
        return Err(StoreError::Invalid("il faut au moins un auteur".to_owned()));
    }
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let start: i64 = sqlx::query_scalar("SELECT last_seq FROM forum_topics WHERE id = $1")
            .bind(topic.0).fetch_one(&mut *tx).await?;
        for i in 0..count {
            let author = authors[(i as usize) % authors.len()];
            sqlx::query(
                "INSERT INTO forum_posts (topic_id, seq, author_id, body_markdown, created_at) VALUES ($1, $2, $3, $4, $5)",
            ).bind(topic.0).bind(start + i + 1).bind(author.0)
             .bind(format!("Réponse n° {} : retour d'expérience en classe, **avec** un peu de Markdown.", start + i + 1))
             .bind(at).execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE forum_topics SET last_seq = $1, last_post_at = $2 WHERE id = $3")
            .bind(start + count).bind(at).bind(topic.0).execute(&mut *tx).await?;
        record_change!(db, tx, DOCUMENT_KIND, topic.0);
        tx.commit().await?;
        Ok(())
    })
}
