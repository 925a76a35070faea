//! The practices published (not private) as the map and the indicators count them: each at
//! its smallest establishment, or else at its first author's, with the tags the map filters
//! on when asked. One definition for both, read as one stream in id order, so that the
//! national set never sits in memory as rows.

use domain::indicators::map::tag_bit;
use domain::practices::Visibility;
use domain::practices::vocab::Vocabulary;
use futures::TryStreamExt;

use crate::db::on;
use crate::{Db, Result};

/// A practice published and not private.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub id: i64,
    pub visibility: Visibility,
    /// The territory whose members alone read it (visibility `territory`).
    pub territory: Option<i64>,
    pub published_at: i64,
    pub establishment: Option<i64>,
    /// The tags the map filters on, as `tag_bit`s (0 unless asked for).
    pub tags: u64,
}

/// The bits of tags written `subject:francais,skill:collaboration`.
pub(crate) fn tag_mask(tags: Option<&str>) -> u64 {
    tags.unwrap_or_default()
        .split(',')
        .filter_map(|tag| {
            let (vocabulary, code) = tag.split_once(':')?;
            tag_bit(Vocabulary::from_code(vocabulary)?, code)
        })
        .fold(0, |mask, bit| mask | bit)
}

/// The tags of `practice_id` (a column of the query) the map filters on, as an aggregate
/// subquery in the database's dialect.
pub(crate) fn tags_subquery(db: &Db, practice_id: &str) -> String {
    format!(
        "(SELECT {} FROM practice_tags g WHERE g.practice_id = {practice_id} \
         AND g.vocabulary IN ('subject', 'dispositif', 'skill'))",
        db.backend().comma_list("g.vocabulary || ':' || g.code")
    )
}

/// The smaller of two ids, either of which may be missing.
fn least(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A row: id, visibility, territory, publication, an establishment of the practice, one of
/// its first author's, its tags.
type Row = (
    i64,
    String,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// Hands every practice published and not private to `each`, in id order; with `tags`, their
/// tags too (an aggregate a practice: leave them out when not needed).
pub async fn each(db: &Db, tags: bool, mut each: impl FnMut(Published)) -> Result<()> {
    // `status || ''` keeps the planner off the listing index: the practices are read in id
    // order, in one pass over the table, instead of by the index and sorted (13 s against
    // 3 s for the national set on SQLite).
    let sql = format!(
        "SELECT p.id, p.visibility, p.territory_id, p.published_at, x.establishment_id, pe.establishment_id, {} \
         FROM practices p \
         LEFT JOIN practice_establishments x ON x.practice_id = p.id \
         LEFT JOIN practice_authors a ON a.practice_id = p.id AND a.position = 0 \
         LEFT JOIN person_establishments pe ON pe.person_id = a.person_id \
         WHERE p.status || '' = 'published' AND p.visibility <> 'private' AND p.published_at IS NOT NULL \
         ORDER BY p.id",
        if tags {
            tags_subquery(db, "p.id")
        } else {
            "NULL".to_owned()
        }
    );
    let mut emit = |row: Row| {
        let (id, visibility, territory, published_at, own, author, tags) = row;
        if let Some(visibility) = Visibility::from_code(&visibility) {
            each(Published {
                id,
                visibility,
                territory,
                published_at,
                establishment: own.or(author),
                tags: tag_mask(tags.as_deref()),
            });
        }
    };
    let mut pending: Option<Row> = None;
    on!(db, pool => {
        let mut rows = sqlx::query_as::<_, Row>(&sql).fetch(pool);
        // A practice's rows come together (one per establishment of its own and of its
        // first author): it keeps the smallest of each.
        while let Some(row) = rows.try_next().await? {
            match &mut pending {
                Some(p) if p.0 == row.0 => {
                    p.4 = least(p.4, row.4);
                    p.5 = least(p.5, row.5);
                }
                _ => {
                    if let Some(done) = pending.replace(row) {
                        emit(done);
                    }
                }
            }
        }
        Ok::<_, sqlx::Error>(())
    })?;
    if let Some(done) = pending {
        emit(done);
    }
    Ok(())
}
