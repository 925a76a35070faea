//! Media of practices (videos, images, PDF and office documents), their captions, the image
//! rights of videos, and the transcoding jobs.

use domain::ids::{MediaId, PersonId, PracticeId};
use domain::practices::Visibility;
pub use domain::practices::consent::Consent;
use domain::practices::consent::{Appearance, format_date, parse_date, video_cap};

use crate::db::{BeginWrite, on, record_change};
use crate::{Db, Result, StoreError, now};

use super::DOCUMENT_KIND;

/// The job that transcodes a video; its payload is the media id.
pub const TRANSCODE_JOB: &str = "transcode";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Media {
    pub id: i64,
    pub practice_id: i64,
    /// `video`, `image`, `pdf` or `document`.
    pub kind: String,
    pub mime: String,
    pub name: String,
    pub size: i64,
    pub blob_key: String,
    /// `ready`, `queued`, `processing`, `failed` or `original` (served untranscoded).
    pub state: String,
    pub state_message: String,
    pub transcoded_key: Option<String>,
    pub poster_key: Option<String>,
    pub duration_ms: Option<i64>,
    pub appearance: Option<String>,
    pub withdrawn_at: Option<i64>,
    pub created_at: i64,
}

impl Media {
    pub fn id(&self) -> MediaId {
        MediaId(self.id)
    }

    pub fn appearance(&self) -> Option<Appearance> {
        self.appearance.as_deref().and_then(Appearance::from_code)
    }
}

const MEDIA_COLUMNS: &str = "id, practice_id, kind, mime, name, size, blob_key, state, state_message, transcoded_key, \
    poster_key, duration_ms, appearance, withdrawn_at, created_at";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Caption {
    pub lang: String,
    pub label: String,
    pub blob_key: String,
}

/// A medium with its consent (videos) and captions.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaDetail {
    pub media: Media,
    /// What the medium is shown as: a video by its practice (`video_title`), another file by
    /// its name.
    pub title: String,
    pub consent: Option<Consent>,
    pub captions: Vec<Caption>,
}

/// The title of a practice's video: « Vidéo — <the practice's title> », numbered (`number`
/// from 1, in the order they were added) when the practice has several videos. The file's name
/// is secondary: people uploading a capsule rarely choose it.
pub fn video_title(practice_title: &str, number: usize, videos: usize) -> String {
    if videos > 1 {
        format!("Vidéo {number} — {practice_title}")
    } else {
        format!("Vidéo — {practice_title}")
    }
}

/// A file stored in the blob store, to attach to a practice.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub kind: String,
    pub mime: String,
    pub name: String,
    pub size: i64,
    pub blob_key: String,
    pub appearance: Option<Appearance>,
}

/// Attaches a stored file; a video gets a transcoding job in the same transaction.
pub async fn add(db: &Db, practice: PracticeId, by: PersonId, new: &NewMedia) -> Result<MediaId> {
    let at = now();
    let video = new.kind == "video";
    on!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO media (practice_id, kind, mime, name, size, blob_key, state, appearance, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(practice.0).bind(&new.kind).bind(&new.mime).bind(&new.name).bind(new.size).bind(&new.blob_key)
        .bind(if video { "queued" } else { "ready" }).bind(new.appearance.map(Appearance::code)).bind(by.0).bind(at)
        .fetch_one(&mut *tx).await?;
        if video {
            sqlx::query("INSERT INTO jobs (kind, payload, state, run_after, created_at) VALUES ($1, $2, 'queued', $3, $3)")
                .bind(TRANSCODE_JOB).bind(id.to_string()).bind(at).execute(&mut *tx).await?;
        }
        record_change!(db, tx, DOCUMENT_KIND, practice.0);
        tx.commit().await?;
        Ok(MediaId(id))
    })
}

pub async fn get(db: &Db, id: MediaId) -> Result<Media> {
    let sql = format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = $1");
    Ok(on!(db, pool => sqlx::query_as::<_, Media>(&sql).bind(id.0).fetch_one(pool).await)?)
}

#[derive(sqlx::FromRow)]
struct ConsentRow {
    pupils: i64,
    keeper: String,
    collected_on: String,
    scope: String,
    expires_on: String,
}

impl ConsentRow {
    fn consent(self) -> Option<Consent> {
        Some(Consent {
            pupils: u32::try_from(self.pupils).ok()?,
            keeper: self.keeper,
            collected_on: parse_date(&self.collected_on, "").ok()?,
            scope: Visibility::from_code(&self.scope)?,
            expires_on: parse_date(&self.expires_on, "").ok()?,
        })
    }
}

pub async fn consent(db: &Db, id: MediaId) -> Result<Option<Consent>> {
    let row = on!(db, pool => sqlx::query_as::<_, ConsentRow>(
        "SELECT pupils, keeper, collected_on, scope, expires_on FROM media_consents WHERE media_id = $1"
    ).bind(id.0).fetch_optional(pool).await)?;
    Ok(row.and_then(ConsentRow::consent))
}

/// The media of a practice, oldest first, its videos titled by the practice.
pub async fn of_practice(db: &Db, practice: PracticeId) -> Result<Vec<MediaDetail>> {
    let sql = format!("SELECT {MEDIA_COLUMNS} FROM media WHERE practice_id = $1 ORDER BY id");
    let media =
        on!(db, pool => sqlx::query_as::<_, Media>(&sql).bind(practice.0).fetch_all(pool).await)?;
    if media.is_empty() {
        return Ok(Vec::new());
    }
    let practice_title: String = on!(db, pool => sqlx::query_scalar("SELECT title FROM practices WHERE id = $1")
        .bind(practice.0).fetch_one(pool).await)?;
    let videos = media.iter().filter(|m| m.kind == "video").count();
    let mut number = 0;
    let mut details = Vec::with_capacity(media.len());
    for m in media {
        let captions = on!(db, pool => sqlx::query_as::<_, Caption>(
            "SELECT lang, label, blob_key FROM media_captions WHERE media_id = $1 ORDER BY lang"
        ).bind(m.id).fetch_all(pool).await)?;
        let title = if m.kind == "video" {
            number += 1;
            video_title(&practice_title, number, videos)
        } else {
            m.name.clone()
        };
        details.push(MediaDetail {
            consent: consent(db, m.id()).await?,
            title,
            captions,
            media: m,
        });
    }
    Ok(details)
}

/// The widest visibility the practice's videos allow today, or why it cannot be published.
pub async fn visibility_cap(db: &Db, practice: PracticeId) -> Result<Result<Visibility, String>> {
    let today = time::OffsetDateTime::now_utc().date();
    let mut cap = Visibility::Public;
    for detail in of_practice(db, practice).await? {
        let m = &detail.media;
        if m.kind != "video" || m.withdrawn_at.is_some() {
            continue;
        }
        let appearance = m.appearance().unwrap_or(Appearance::Pupils);
        match video_cap(appearance, detail.consent.as_ref(), today) {
            Ok(v) => cap = cap.min(v),
            Err(why) => {
                return Ok(Err(format!(
                    "{why} (« {} », fichier {})",
                    detail.title, m.name
                )));
            }
        }
    }
    Ok(Ok(cap))
}

/// Why the practice cannot be published at `visibility` today, if it cannot: the consents of
/// its videos are missing, expired or narrower.
pub async fn publication_problem(
    db: &Db,
    practice: PracticeId,
    visibility: Visibility,
) -> Result<Option<String>> {
    if visibility == Visibility::Private {
        return Ok(None);
    }
    Ok(match visibility_cap(db, practice).await? {
        Err(why) => Some(why),
        Ok(cap) if visibility > cap => Some(format!(
            "les autorisations de droit à l'image de ses vidéos limitent cette pratique à la visibilité « {} »",
            cap.short_label()
        )),
        Ok(_) => None,
    })
}

/// Refuses a visibility wider than the consents of the practice's videos allow.
pub(crate) async fn check_cap(db: &Db, practice: PracticeId, visibility: Visibility) -> Result<()> {
    match publication_problem(db, practice, visibility).await? {
        Some(why) => Err(StoreError::Invalid(why)),
        None => Ok(()),
    }
}

/// Records the image-rights consent of a video (replacing a previous one).
pub async fn record_consent(
    db: &Db,
    media: MediaId,
    by: PersonId,
    consent: &Consent,
) -> Result<()> {
    on!(db, pool => sqlx::query(
        "INSERT INTO media_consents (media_id, pupils, keeper, collected_on, scope, expires_on, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (media_id) DO UPDATE SET pupils = excluded.pupils, \
         keeper = excluded.keeper, collected_on = excluded.collected_on, scope = excluded.scope, \
         expires_on = excluded.expires_on, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at"
    ).bind(media.0).bind(i64::from(consent.pupils)).bind(&consent.keeper).bind(format_date(consent.collected_on))
    .bind(consent.scope.code()).bind(format_date(consent.expires_on)).bind(by.0).bind(now())
    .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn add_caption(
    db: &Db,
    media: MediaId,
    lang: &str,
    label: &str,
    blob_key: &str,
) -> Result<()> {
    on!(db, pool => sqlx::query(
        "INSERT INTO media_captions (media_id, lang, label, blob_key) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (media_id, lang) DO UPDATE SET label = excluded.label, blob_key = excluded.blob_key"
    ).bind(media.0).bind(lang).bind(label).bind(blob_key).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_state(db: &Db, media: MediaId, state: &str, message: &str) -> Result<()> {
    on!(db, pool => sqlx::query("UPDATE media SET state = $1, state_message = $2 WHERE id = $3")
        .bind(state).bind(message).bind(media.0).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The transcoded video, its poster and duration are stored: the video is ready.
pub async fn set_transcoded(
    db: &Db,
    media: MediaId,
    video_key: &str,
    poster_key: &str,
    duration_ms: Option<i64>,
) -> Result<()> {
    on!(db, pool => sqlx::query(
        "UPDATE media SET state = 'ready', state_message = '', transcoded_key = $1, poster_key = $2, duration_ms = $3 WHERE id = $4"
    ).bind(video_key).bind(poster_key).bind(duration_ms).bind(media.0).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Withdraws the videos whose image-rights consent expired before `today`, and tells the
/// authors of their practices. Returns the media withdrawn.
pub async fn withdraw_expired(db: &Db, today: time::Date) -> Result<Vec<i64>> {
    let day = format_date(today);
    let expired: Vec<(i64, i64, String, String)> = on!(db, pool => sqlx::query_as(
        "SELECT m.id, m.practice_id, m.name, p.title FROM media m JOIN media_consents c ON c.media_id = m.id \
         JOIN practices p ON p.id = m.practice_id WHERE m.withdrawn_at IS NULL AND c.expires_on <= $1"
    ).bind(&day).fetch_all(pool).await)?;
    let at = now();
    for (media, practice, name, title) in &expired {
        // The video as its page titles it, its file's name beside.
        let video = of_practice(db, PracticeId(*practice))
            .await?
            .into_iter()
            .find(|d| d.media.id == *media)
            .map_or_else(|| video_title(title, 1, 1), |d| d.title);
        let message = format!(
            "Les autorisations de droit à l'image de la vidéo « {video} » (fichier {name}) ont expiré : elle a été retirée de « {title} »"
        );
        let link = format!("/pratiques/{practice}");
        on!(db, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("UPDATE media SET withdrawn_at = $1 WHERE id = $2").bind(at).bind(media).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO notifications (person_id, message, link, created_at) SELECT person_id, $1, $2, $3 FROM practice_authors WHERE practice_id = $4",
            ).bind(&message).bind(&link).bind(at).bind(practice).execute(&mut *tx).await?;
            record_change!(db, tx, DOCUMENT_KIND, *practice);
            tx.commit().await?;
            Result::<()>::Ok(())
        })?;
    }
    Ok(expired.into_iter().map(|(m, ..)| m).collect())
}

pub async fn captions(db: &Db, media: MediaId) -> Result<Vec<Caption>> {
    Ok(on!(db, pool => sqlx::query_as::<_, Caption>(
        "SELECT lang, label, blob_key FROM media_captions WHERE media_id = $1 ORDER BY lang"
    ).bind(media.0).fetch_all(pool).await)?)
}
