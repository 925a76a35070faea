//! Training paths: composed by trainers step by step, published, followed by each person at
//! their pace (steps done, their own notes, where they resume), and the cohort's progress for
//! the path's author.

use std::collections::HashSet;

use domain::ids::{PathId, PersonId, StepId};
use domain::observatories::visit::Public;
use domain::training::paths::{PathContent, Profile, StepContent, StepKind, fit};

use crate::db::{BeginWrite, on};
use crate::{Db, Result, StoreError, now};

fn joined(lines: &[String]) -> String {
    lines.join("\n")
}

fn split(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// Writes a draft path with the paths to finish before it (published ones).
pub async fn create(
    db: &Db,
    content: &PathContent,
    prerequisites: &[PathId],
    by: PersonId,
) -> Result<PathId> {
    let id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO training_paths (title, summary, public, themes, subjects, levels, author_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        ).bind(&content.title).bind(&content.summary).bind(content.public.code()).bind(joined(&content.themes))
         .bind(joined(&content.subjects)).bind(joined(&content.levels)).bind(by.0).bind(now())
         .fetch_one(&mut *tx).await?;
        for required in prerequisites {
            let published: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM training_paths WHERE id = $1 AND published_at IS NOT NULL",
            ).bind(required.0).fetch_optional(&mut *tx).await?;
            if published.is_none() {
                return Err(StoreError::Invalid(format!(
                    "le parcours n° {required} à suivre d'abord n'existe pas ou n'est pas publié"
                )));
            }
            sqlx::query("INSERT INTO path_prerequisites (path_id, required_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id).bind(required.0).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        id
    });
    Ok(PathId(id))
}

/// A step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: StepId,
    pub position: i64,
    pub kind: StepKind,
    pub title: String,
    pub body: String,
    /// The practice it points at: id and title.
    pub practice: Option<(i64, String)>,
    pub url: String,
    pub minutes: i64,
}

/// A path with its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub id: PathId,
    pub title: String,
    pub summary: String,
    pub public: Public,
    pub themes: Vec<String>,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub author: Option<(PersonId, String)>,
    pub published: bool,
    /// The paths to finish first: id and title.
    pub prerequisites: Vec<(i64, String)>,
    pub steps: Vec<Step>,
}

impl Path {
    pub fn minutes(&self) -> i64 {
        self.steps.iter().map(|s| s.minutes).sum()
    }

    pub fn step_ids(&self) -> Vec<i64> {
        self.steps.iter().map(|s| s.id.0).collect()
    }

    pub fn profile(&self) -> Profile {
        Profile {
            themes: self.themes.clone(),
            subjects: self.subjects.clone(),
            levels: self.levels.clone(),
        }
    }
}

/// A path's row: id, title, summary, public, themes, subjects, levels, author, their name,
/// published.
type PathRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

const PATHS: &str = "SELECT t.id, t.title, t.summary, t.public, t.themes, t.subjects, t.levels, t.author_id, p.name, \
    t.published_at FROM training_paths t LEFT JOIN people p ON p.id = t.author_id";

fn path(row: PathRow) -> Path {
    Path {
        id: PathId(row.0),
        title: row.1,
        summary: row.2,
        public: Public::parse(&row.3).unwrap_or(Public::InterDegres),
        themes: split(&row.4),
        subjects: split(&row.5),
        levels: split(&row.6),
        author: row.7.map(|a| (PersonId(a), row.8.unwrap_or_default())),
        published: row.9.is_some(),
        prerequisites: Vec::new(),
        steps: Vec::new(),
    }
}

/// A step's row: its path, id, position, kind, title, body, practice, its title, url,
/// minutes.
type StepRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    String,
    i64,
);

/// A path with its prerequisites and steps.
pub async fn get(db: &Db, id: PathId) -> Result<Path> {
    let sql = format!("{PATHS} WHERE t.id = $1");
    let row: PathRow = on!(db, pool => sqlx::query_as(&sql).bind(id.0).fetch_one(pool).await)?;
    let mut path = path(row);
    path.prerequisites = on!(db, pool => sqlx::query_as(
        "SELECT t.id, t.title FROM path_prerequisites r JOIN training_paths t ON t.id = r.required_id \
         WHERE r.path_id = $1 ORDER BY t.title",
    ).bind(id.0).fetch_all(pool).await)?;
    Ok(with_steps(db, vec![path]).await?.remove(0))
}

/// `paths` with their steps (read at once).
async fn with_steps(db: &Db, mut paths: Vec<Path>) -> Result<Vec<Path>> {
    if paths.is_empty() {
        return Ok(paths);
    }
    let list = paths
        .iter()
        .map(|p| p.id.0.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let steps: Vec<StepRow> = on!(db, pool => sqlx::query_as(&format!(
        "SELECT s.path_id, s.id, s.position, s.kind, s.title, s.body, s.practice_id, p.title, s.url, s.minutes \
         FROM path_steps s LEFT JOIN practices p ON p.id = s.practice_id WHERE s.path_id IN ({list}) \
         ORDER BY s.path_id, s.position"
    )).fetch_all(pool).await)?;
    for (path_id, id, position, kind, title, body, practice, practice_title, url, minutes) in steps
    {
        if let Some(path) = paths.iter_mut().find(|p| p.id.0 == path_id) {
            path.steps.push(Step {
                id: StepId(id),
                position,
                kind: StepKind::parse(&kind).unwrap_or(StepKind::Activity),
                title,
                body,
                practice: practice.map(|p| (p, practice_title.unwrap_or_default())),
                url,
                minutes,
            });
        }
    }
    Ok(paths)
}

/// The published paths, by title, and the drafts of `author`.
pub async fn list(db: &Db, author: Option<PersonId>) -> Result<Vec<Path>> {
    let sql = format!(
        "{PATHS} WHERE t.published_at IS NOT NULL OR t.author_id = $1 ORDER BY t.title, t.id"
    );
    let rows: Vec<PathRow> = on!(db, pool => sqlx::query_as(&sql)
        .bind(author.map(|a| a.0)).fetch_all(pool).await)?;
    with_steps(db, rows.into_iter().map(path).collect()).await
}

/// Adds a step at the end of a draft or published path; a capsule's practice must have a
/// video.
pub async fn add_step(db: &Db, id: PathId, step: &StepContent) -> Result<StepId> {
    if let Some(practice) = step.practice {
        let videos: Option<i64> = on!(db, pool => sqlx::query_scalar(
            "SELECT p.id FROM practices p WHERE p.id = $1 AND ($2 = 0 OR EXISTS \
             (SELECT 1 FROM media m WHERE m.practice_id = p.id AND m.kind = 'video' AND m.withdrawn_at IS NULL))",
        ).bind(practice).bind(i64::from(step.kind == StepKind::Capsule)).fetch_optional(pool).await)?;
        if videos.is_none() {
            return Err(StoreError::Invalid(match step.kind {
                StepKind::Capsule => {
                    format!("la pratique n° {practice} n'existe pas ou n'a pas de capsule vidéo")
                }
                _ => format!("la pratique n° {practice} n'existe pas"),
            }));
        }
    }
    let step_id: i64 = on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let position: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM path_steps WHERE path_id = $1",
        ).bind(id.0).fetch_one(&mut *tx).await?;
        let step_id: i64 = sqlx::query_scalar(
            "INSERT INTO path_steps (path_id, position, kind, title, body, practice_id, url, minutes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        ).bind(id.0).bind(position).bind(step.kind.code()).bind(&step.title).bind(&step.body)
         .bind(step.practice).bind(&step.url).bind(i64::from(step.minutes)).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        step_id
    });
    Ok(StepId(step_id))
}

/// Removes a step (and everyone's progress on it); the steps after it move up.
pub async fn remove_step(db: &Db, id: PathId, step: StepId) -> Result<()> {
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let position: Option<i64> = sqlx::query_scalar(
            "DELETE FROM path_steps WHERE id = $1 AND path_id = $2 RETURNING position",
        ).bind(step.0).bind(id.0).fetch_optional(&mut *tx).await?;
        let Some(position) = position else {
            return Err(StoreError::NotFound);
        };
        // One by one, in order, so that no two steps ever share a position.
        let after: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM path_steps WHERE path_id = $1 AND position > $2 ORDER BY position",
        ).bind(id.0).bind(position).fetch_all(&mut *tx).await?;
        for step in after {
            sqlx::query("UPDATE path_steps SET position = position - 1 WHERE id = $1")
                .bind(step).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// Publishes a path: it must have a step.
pub async fn publish(db: &Db, id: PathId) -> Result<()> {
    let steps: i64 = on!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM path_steps WHERE path_id = $1",
    ).bind(id.0).fetch_one(pool).await)?;
    if steps == 0 {
        return Err(StoreError::Invalid(
            "ajoutez au moins une étape avant de publier le parcours".to_owned(),
        ));
    }
    on!(db, pool => sqlx::query(
        "UPDATE training_paths SET published_at = $2 WHERE id = $1 AND published_at IS NULL",
    ).bind(id.0).bind(now()).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// Where a person is on a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub started_at: i64,
    pub completed_at: Option<i64>,
    /// The steps done.
    pub done: Vec<i64>,
    /// Their notes, by step.
    pub notes: Vec<(i64, String)>,
}

/// A person's progress on a path (none: not started).
pub async fn progress(db: &Db, id: PathId, person: PersonId) -> Result<Option<Progress>> {
    let enrolment: Option<(i64, Option<i64>)> = on!(db, pool => sqlx::query_as(
        "SELECT started_at, completed_at FROM path_enrolments WHERE path_id = $1 AND person_id = $2",
    ).bind(id.0).bind(person.0).fetch_optional(pool).await)?;
    let Some((started_at, completed_at)) = enrolment else {
        return Ok(None);
    };
    let rows: Vec<(i64, Option<i64>, String)> = on!(db, pool => sqlx::query_as(
        "SELECT g.step_id, g.done_at, g.note FROM path_progress g JOIN path_steps s ON s.id = g.step_id \
         WHERE s.path_id = $1 AND g.person_id = $2 ORDER BY s.position",
    ).bind(id.0).bind(person.0).fetch_all(pool).await)?;
    Ok(Some(Progress {
        started_at,
        completed_at,
        done: rows.iter().filter(|r| r.1.is_some()).map(|r| r.0).collect(),
        notes: rows
            .into_iter()
            .filter(|r| !r.2.is_empty())
            .map(|r| (r.0, r.2))
            .collect(),
    }))
}

/// Starts a published path, once every path to finish first is finished; starting again
/// changes nothing.
pub async fn start(db: &Db, id: PathId, person: PersonId) -> Result<()> {
    let missing: Vec<String> = on!(db, pool => sqlx::query_scalar(
        "SELECT t.title FROM path_prerequisites r JOIN training_paths t ON t.id = r.required_id \
         WHERE r.path_id = $1 AND NOT EXISTS (SELECT 1 FROM path_enrolments e WHERE e.path_id = r.required_id \
         AND e.person_id = $2 AND e.completed_at IS NOT NULL) ORDER BY t.title",
    ).bind(id.0).bind(person.0).fetch_all(pool).await)?;
    if !missing.is_empty() {
        return Err(StoreError::Conflict(format!(
            "terminez d'abord {}",
            missing
                .iter()
                .map(|t| format!("« {t} »"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let at = now();
    on!(db, pool => sqlx::query(
        "INSERT INTO path_enrolments (path_id, person_id, started_at, updated_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (path_id, person_id) DO NOTHING",
    ).bind(id.0).bind(person.0).bind(at).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// A step recorded: the steps now done (in order), and whether the path is completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub done: Vec<i64>,
    pub completed: bool,
}

/// Records a step of a started path: done, not done, or as it was (`None`: the note only),
/// with the person's note. The path's completion is recorded once, when all its steps are done.
pub async fn record_step(
    db: &Db,
    id: PathId,
    step: StepId,
    person: PersonId,
    done: Option<bool>,
    note: &str,
) -> Result<Recorded> {
    let at = now();
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let started = sqlx::query(
            "UPDATE path_enrolments SET updated_at = $3 WHERE path_id = $1 AND person_id = $2",
        ).bind(id.0).bind(person.0).bind(at).execute(&mut *tx).await?.rows_affected();
        if started == 0 {
            return Err(StoreError::Conflict("commencez d'abord le parcours".to_owned()));
        }
        let belongs: Option<i64> = sqlx::query_scalar("SELECT id FROM path_steps WHERE id = $1 AND path_id = $2")
            .bind(step.0).bind(id.0).fetch_optional(&mut *tx).await?;
        if belongs.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO path_progress (step_id, person_id, done_at, note, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (step_id, person_id) DO UPDATE SET \
             done_at = CASE WHEN $6 THEN path_progress.done_at ELSE excluded.done_at END, \
             note = excluded.note, updated_at = excluded.updated_at",
        ).bind(step.0).bind(person.0).bind(done.unwrap_or(false).then_some(at)).bind(note).bind(at)
         .bind(done.is_none()).execute(&mut *tx).await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM path_steps WHERE path_id = $1")
            .bind(id.0).fetch_one(&mut *tx).await?;
        let done: Vec<i64> = sqlx::query_scalar(
            "SELECT g.step_id FROM path_progress g JOIN path_steps s ON s.id = g.step_id \
             WHERE s.path_id = $1 AND g.person_id = $2 AND g.done_at IS NOT NULL ORDER BY s.position",
        ).bind(id.0).bind(person.0).fetch_all(&mut *tx).await?;
        let completed = total > 0 && usize::try_from(total).is_ok_and(|t| t == done.len());
        if completed {
            sqlx::query(
                "UPDATE path_enrolments SET completed_at = $3 WHERE path_id = $1 AND person_id = $2 AND completed_at IS NULL",
            ).bind(id.0).bind(person.0).bind(at).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(Recorded { done, completed })
    })
}

/// A follower of a path as its author sees them: never their notes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Follower {
    pub person_id: i64,
    pub name: String,
    pub started_at: i64,
    pub updated_at: i64,
    pub completed_at: Option<i64>,
    pub done: i64,
}

/// Everyone following a path, with how many steps each has done, the latest active first.
pub async fn followers(db: &Db, id: PathId) -> Result<Vec<Follower>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Follower>(
        "SELECT e.person_id, p.name, e.started_at, e.updated_at, e.completed_at, \
         (SELECT COUNT(*) FROM path_progress g JOIN path_steps s ON s.id = g.step_id \
          WHERE s.path_id = e.path_id AND g.person_id = e.person_id AND g.done_at IS NOT NULL) AS done \
         FROM path_enrolments e JOIN people p ON p.id = e.person_id WHERE e.path_id = $1 \
         ORDER BY e.updated_at DESC, e.person_id",
    ).bind(id.0).fetch_all(pool).await)?)
}

/// The paths a person has started: id, title, completed.
pub async fn followed_by(db: &Db, person: PersonId) -> Result<Vec<(i64, String, bool)>> {
    let rows: Vec<(i64, String, Option<i64>)> = on!(db, pool => sqlx::query_as(
        "SELECT t.id, t.title, e.completed_at FROM path_enrolments e JOIN training_paths t ON t.id = e.path_id \
         WHERE e.person_id = $1 ORDER BY e.updated_at DESC",
    ).bind(person.0).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, title, done)| (id, title, done.is_some()))
        .collect())
}

/// What a person brings for suggestions: the themes of their needs, their subjects and levels.
pub async fn profile_of(db: &Db, person: PersonId) -> Result<Profile> {
    let themes: Vec<String> = on!(db, pool => sqlx::query_scalar(
        "SELECT theme FROM training_requests WHERE person_id = $1",
    ).bind(person.0).fetch_all(pool).await)?;
    let subjects: Vec<String> = on!(db, pool => sqlx::query_scalar(
        "SELECT subject FROM person_subjects WHERE person_id = $1",
    ).bind(person.0).fetch_all(pool).await)?;
    let levels: Vec<String> = on!(db, pool => sqlx::query_scalar(
        "SELECT level FROM person_levels WHERE person_id = $1",
    ).bind(person.0).fetch_all(pool).await)?;
    Ok(Profile {
        themes,
        subjects,
        levels,
    })
}

/// The published paths that suit `person` and that they have not started, best first.
pub async fn suggestions(db: &Db, person: PersonId, limit: usize) -> Result<Vec<Path>> {
    let profile = profile_of(db, person).await?;
    let started: HashSet<i64> = followed_by(db, person)
        .await?
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    let mut scored: Vec<(u32, Path)> = list(db, None)
        .await?
        .into_iter()
        .filter(|p| p.published && !started.contains(&p.id.0))
        .map(|p| (fit(&p.profile(), &profile), p))
        .filter(|(score, _)| *score > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.title.cmp(&b.1.title)));
    Ok(scored.into_iter().take(limit).map(|(_, p)| p).collect())
}
