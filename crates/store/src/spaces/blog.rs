//! The blog of a space: posts (drafts, published, scheduled) and their comments.

use domain::ids::{PersonId, PostId, SpaceId};
use domain::spaces::{PostContent, Publication};

use super::{notify, record_activity};
use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Post {
    pub id: i64,
    pub space_id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub title: String,
    pub body_markdown: String,
    pub published: bool,
    pub publish_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub comments: i64,
}

/// Where a post stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostState {
    Draft,
    Scheduled(i64),
    Published(i64),
}

impl Post {
    pub fn id(&self) -> PostId {
        PostId(self.id)
    }

    pub fn state(&self, at: i64) -> PostState {
        match (self.published, self.publish_at) {
            (true, Some(when)) if when > at => PostState::Scheduled(when),
            (true, Some(when)) => PostState::Published(when),
            _ => PostState::Draft,
        }
    }

    pub fn is_author(&self, person: Option<PersonId>) -> bool {
        person.is_some_and(|p| self.author_id == Some(p.0))
    }
}

const POST_COLUMNS: &str = "b.id, b.space_id, b.author_id, pe.name AS author_name, b.title, b.body_markdown, \
    b.published, b.publish_at, b.created_at, b.updated_at, \
    (SELECT COUNT(*) FROM blog_comments c WHERE c.post_id = b.id) AS comments";

fn publication(content: &PostContent, at: i64) -> (bool, Option<i64>) {
    match content.publication {
        Publication::Draft => (false, None),
        Publication::Now => (true, Some(at)),
        Publication::At(when) => (true, Some(when)),
    }
}

pub async fn create(
    db: &Db,
    space: SpaceId,
    author: PersonId,
    content: &PostContent,
) -> Result<PostId> {
    let at = now();
    let (published, publish_at) = publication(content, at);
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO blog_posts (space_id, author_id, title, body_markdown, published, publish_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        ).bind(space.0).bind(author.0).bind(&content.title).bind(&content.body_markdown)
         .bind(published).bind(publish_at).bind(at).fetch_one(&mut *tx).await?;
        if content.publication == Publication::Now {
            record_activity!(tx, space.0, author.0, format!("Billet publié : « {} »", content.title),
                format!("/espaces/{}/blog/{id}", space.0));
        }
        tx.commit().await?;
        Ok(PostId(id))
    })
}

/// Rewrites a post; publishing a draft dates it now.
pub async fn update(db: &Db, post: PostId, by: PersonId, content: &PostContent) -> Result<()> {
    let at = now();
    let current = get(db, post).await?;
    let (published, publish_at) = match (content.publication, current.state(at)) {
        // A published post keeps its date when it is edited.
        (Publication::Now, PostState::Published(when)) => (true, Some(when)),
        _ => publication(content, at),
    };
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "UPDATE blog_posts SET title = $1, body_markdown = $2, published = $3, publish_at = $4, updated_at = $5 WHERE id = $6",
        ).bind(&content.title).bind(&content.body_markdown).bind(published).bind(publish_at)
         .bind(at).bind(post.0).execute(&mut *tx).await?;
        if content.publication == Publication::Now && !matches!(current.state(at), PostState::Published(_)) {
            record_activity!(tx, current.space_id, by.0, format!("Billet publié : « {} »", content.title),
                format!("/espaces/{}/blog/{}", current.space_id, post.0));
        }
        tx.commit().await?;
        Ok(())
    })
}

pub async fn delete(db: &Db, post: PostId) -> Result<()> {
    let deleted = on!(db, pool => sqlx::query("DELETE FROM blog_posts WHERE id = $1")
        .bind(post.0).execute(pool).await.map(|r| r.rows_affected()))?;
    if deleted == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn get(db: &Db, post: PostId) -> Result<Post> {
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM blog_posts b LEFT JOIN people pe ON pe.id = b.author_id WHERE b.id = $1"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Post>(&sql).bind(post.0).fetch_one(pool).await)?)
}

/// Which posts a list shows besides the published ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    /// None (readers, feeds).
    None,
    /// The drafts and scheduled posts of this person.
    Of(PersonId),
    /// All of them (moderators).
    All,
}

/// The posts of a space, newest first: the published ones, and the unpublished ones `also`
/// lets through.
pub async fn list(
    db: &Db,
    space: SpaceId,
    also: Unpublished,
    limit: i64,
    offset: i64,
) -> Result<Vec<Post>> {
    let (all, person) = match also {
        Unpublished::None => (false, 0),
        Unpublished::Of(p) => (false, p.0),
        Unpublished::All => (true, 0),
    };
    let sql = format!(
        "SELECT {POST_COLUMNS} FROM blog_posts b LEFT JOIN people pe ON pe.id = b.author_id \
         WHERE b.space_id = $1 AND ((b.published AND b.publish_at <= $2) OR $3 OR b.author_id = $4) \
         ORDER BY COALESCE(b.publish_at, b.updated_at) DESC, b.id DESC LIMIT $5 OFFSET $6"
    );
    Ok(on!(db, pool => sqlx::query_as::<_, Post>(&sql)
        .bind(space.0).bind(now()).bind(all).bind(person).bind(limit).bind(offset)
        .fetch_all(pool).await)?)
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Comment {
    pub id: i64,
    pub person_id: Option<i64>,
    pub author: Option<String>,
    pub body: String,
    pub created_at: i64,
}

/// Adds a comment and tells the post's author.
pub async fn comment(db: &Db, post: PostId, person: PersonId, body: &str) -> Result<i64> {
    let current = get(db, post).await?;
    let link = format!("/espaces/{}/blog/{}#commentaires", current.space_id, post.0);
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO blog_comments (post_id, person_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        ).bind(post.0).bind(person.0).bind(body).bind(now()).fetch_one(&mut *tx).await?;
        notify!(tx, current.author_id.filter(|a| *a != person.0).iter(),
            format!("Nouveau commentaire sur votre billet « {} »", current.title), link);
        record_activity!(tx, current.space_id, person.0, format!("Commentaire sur « {} »", current.title), &link);
        tx.commit().await?;
        Ok(id)
    })
}

pub async fn comments(db: &Db, post: PostId) -> Result<Vec<Comment>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Comment>(
        "SELECT c.id, c.person_id, pe.name AS author, c.body, c.created_at FROM blog_comments c \
         LEFT JOIN people pe ON pe.id = c.person_id WHERE c.post_id = $1 ORDER BY c.id",
    ).bind(post.0).fetch_all(pool).await)?)
}

/// A comment of a post, for the rights check of its deletion.
pub async fn comment_of(db: &Db, post: PostId, comment: i64) -> Result<Comment> {
    Ok(on!(db, pool => sqlx::query_as::<_, Comment>(
        "SELECT c.id, c.person_id, pe.name AS author, c.body, c.created_at FROM blog_comments c \
         LEFT JOIN people pe ON pe.id = c.person_id WHERE c.post_id = $1 AND c.id = $2",
    ).bind(post.0).bind(comment).fetch_one(pool).await)?)
}

pub async fn delete_comment(db: &Db, comment: i64) -> Result<()> {
    on!(db, pool => sqlx::query("DELETE FROM blog_comments WHERE id = $1")
        .bind(comment).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}
