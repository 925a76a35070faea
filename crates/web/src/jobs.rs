//! The workers of a node: they take jobs from the database queue (video transcoding, removing
//! files no longer referenced) and run the daily tasks (withdrawing videos whose image-rights
//! consent expired, mail digests, visit reminders, conventions to renew).
//! Every node runs them; the database makes sure each job and each daily run happens once.

use std::path::PathBuf;
use std::time::Duration;

use domain::calendar::{self, Method};
use domain::ids::{MediaId, VisitId};
use domain::observatories::visit::VisitState;
use store::jobs::{self, Job};
use store::observatories::visits;
use store::practices::media::{self as practice_media, TRANSCODE_JOB};

use crate::state::AppState;

const DAY: i64 = 24 * 3600;

/// Runs the workers until the process ends.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(error) = recurring(&state).await {
                tracing::error!(%error, "recurring tasks");
            }
            match jobs::claim(&state.db, 3600).await {
                Ok(Some(job)) => run(&state, job).await,
                Ok(None) => {
                    let _ =
                        tokio::time::timeout(Duration::from_secs(2), state.jobs_wakeup.notified())
                            .await;
                }
                Err(error) => {
                    tracing::error!(%error, "job queue");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    })
}

async fn run(state: &AppState, job: Job) {
    let outcome = match job.kind.as_str() {
        TRANSCODE_JOB => transcode(state, &job).await,
        jobs::REMOVE_BLOB => state
            .blobs
            .delete(&job.payload)
            .await
            .map_err(|e| e.to_string()),
        VISIT_INVITATION => invite(state, &job).await,
        other => Err(format!("unknown job kind {other}")),
    };
    let result = match outcome {
        Ok(()) => jobs::complete(&state.db, job.id).await,
        Err(error) => {
            tracing::warn!(job = job.id, %error, "job failed");
            match jobs::fail(&state.db, &job, &error).await {
                Ok(true) => Ok(()),
                Ok(false) => given_up(state, &job, &error).await,
                Err(e) => Err(e),
            }
        }
    };
    if let Err(error) = result {
        tracing::error!(%error, "job bookkeeping");
    }
}

/// A job that failed for good: a video is then served as uploaded.
async fn given_up(state: &AppState, job: &Job, error: &str) -> store::Result<()> {
    if job.kind == TRANSCODE_JOB
        && let Ok(id) = job.payload.parse()
    {
        let message =
            format!("La conversion a échoué ({error}) : la vidéo est diffusée telle qu'envoyée.");
        practice_media::set_state(&state.db, MediaId(id), "failed", &message).await?;
    }
    Ok(())
}

async fn transcode(state: &AppState, job: &Job) -> Result<(), String> {
    let id = MediaId(job.payload.parse().map_err(|_| "bad payload".to_owned())?);
    let media = practice_media::get(&state.db, id)
        .await
        .map_err(|e| e.to_string())?;
    if !(state.settings.transcode && media::transcode::available()) {
        return practice_media::set_state(
            &state.db,
            id,
            "original",
            "La conversion des vidéos n'est pas disponible sur ce serveur (ffmpeg absent ou désactivé) : \
             la vidéo est diffusée telle qu'envoyée.",
        )
        .await
        .map_err(|e| e.to_string());
    }
    practice_media::set_state(&state.db, id, "processing", "")
        .await
        .map_err(|e| e.to_string())?;
    let scratch = Scratch::new(job.id).map_err(|e| e.to_string())?;
    let input = state
        .blobs
        .local_copy(&media.blob_key, &scratch.0)
        .await
        .map_err(|e| e.to_string())?;
    let done = media::transcode::transcode(&input, &scratch.0)
        .await
        .map_err(|e| e.to_string())?;
    let base = media
        .blob_key
        .rsplit_once('/')
        .map_or("", |(dir, _)| dir)
        .to_owned();
    let video_key = format!("{base}/video.mp4");
    let poster_key = format!("{base}/poster.jpg");
    state
        .blobs
        .put_file(&video_key, &done.video)
        .await
        .map_err(|e| e.to_string())?;
    state
        .blobs
        .put_file(&poster_key, &done.poster)
        .await
        .map_err(|e| e.to_string())?;
    practice_media::set_transcoded(&state.db, id, &video_key, &poster_key, done.duration_ms)
        .await
        .map_err(|e| e.to_string())
}

/// A folder for one job's files, removed afterwards.
struct Scratch(PathBuf);

impl Scratch {
    fn new(job: i64) -> std::io::Result<Self> {
        let path =
            std::env::temp_dir().join(format!("territoire-job-{}-{job}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(Self(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn recurring(state: &AppState) -> store::Result<()> {
    if jobs::take_recurring(&state.db, "consent-expiry", DAY).await? {
        let today = time::OffsetDateTime::now_utc().date();
        let withdrawn = practice_media::withdraw_expired(&state.db, today).await?;
        if !withdrawn.is_empty() {
            tracing::info!(
                count = withdrawn.len(),
                "videos withdrawn: image-rights consent expired"
            );
        }
    }
    if jobs::take_recurring(&state.db, "digest", DAY).await? {
        send_digests(state).await?;
    }
    if jobs::take_recurring(&state.db, "visit-reminders", DAY).await? {
        remind_visits(state).await?;
    }
    if jobs::take_recurring(&state.db, "retention", DAY).await? {
        apply_retention(state).await?;
    }
    if jobs::take_recurring(&state.db, "indicators", 3600).await? {
        let values = store::indicators::series::refresh(&state.db).await?;
        tracing::info!(values, "indicators recomputed");
    }
    if jobs::take_recurring(&state.db, "convention-renewals", DAY).await? {
        let today = store::now().div_euclid(DAY);
        store::territories::partners::remind_renewals(&state.db, today).await?;
    }
    Ok(())
}

/// Applies the retention rules of the configuration (recorded in the audit trail).
async fn apply_retention(state: &AppState) -> store::Result<()> {
    let cutoffs = state.settings.privacy.cutoffs(store::now());
    let done =
        store::accounts::privacy::apply_retention(&state.db, &cutoffs, "tâche quotidienne").await?;
    if !done.is_empty() {
        tracing::info!(done = %done.summary(), "retention rules applied");
        state.jobs_wakeup.notify_one();
    }
    Ok(())
}

/// A job that mails a visit's participants its iCalendar invitation (payload: the visit id).
pub const VISIT_INVITATION: &str = "visit_invitation";

/// Mails every participant of a visit (binôme and observed teachers) its invitation: a new
/// date, or a cancellation.
async fn invite(state: &AppState, job: &Job) -> Result<(), String> {
    let id = job.payload.parse().map_err(|_| "bad visit id".to_owned())?;
    let visit = visits::get(&state.db, VisitId(id))
        .await
        .map_err(|e| e.to_string())?;
    send_visit_mail(state, &visit, "Invitation").await
}

/// Mails a visit's participants, with its calendar event attached.
async fn send_visit_mail(
    state: &AppState,
    visit: &visits::Visit,
    kind: &str,
) -> Result<(), String> {
    let Some(event) = crate::app::observatories::event(state, visit) else {
        return Ok(());
    };
    let cancelled = visit.state == VisitState::Cancelled;
    let (method, calendar_method) = if cancelled {
        ("CANCEL", Method::Cancel)
    } else {
        ("REQUEST", Method::Request)
    };
    let ics = calendar::calendar("Territoire — visite", calendar_method, &[event]);
    let when = crate::views::date_time_fr(visit.starts_at.unwrap_or_default());
    let subject = if cancelled {
        format!("Visite annulée : {}", visit.establishment)
    } else {
        format!(
            "{kind} : visite entre pairs à {} le {when}",
            visit.establishment
        )
    };
    for person in visit.observers.iter().chain(&visit.observed) {
        let body = format!(
            "Bonjour {},\n\n{}\n\nVisite entre pairs de l'observatoire « {} »\nÉtablissement : {}\nDate : {when}\n\nLa page de la visite : {}/visites/{}\n\nUne visite entre pairs n'est ni une inspection ni une évaluation : ses notes restent entre le binôme, les enseignants observés et le référent.\n",
            person.name,
            if cancelled {
                "La visite est annulée."
            } else {
                "Voici l'invitation pour votre agenda (fichier joint)."
            },
            visit.observatory_name,
            visit.establishment,
            state.settings.public_url.trim_end_matches('/'),
            visit.id.0,
        );
        state
            .mailer
            .send_invitation(&person.email, &subject, body, ics.clone(), method)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Reminds by mail the participants of the visits of tomorrow (« la veille », as the visit page
/// promises) and of those set for later today, once.
pub async fn remind_visits(state: &AppState) -> store::Result<usize> {
    let horizon = domain::observatories::visit::reminder_horizon(store::now());
    let due = visits::reminders_due(&state.db, horizon).await?;
    let mut sent = 0;
    for id in due {
        let visit = visits::get(&state.db, id).await?;
        match send_visit_mail(state, &visit, "Rappel").await {
            Ok(()) => {
                visits::mark_reminded(&state.db, id).await?;
                sent += 1;
            }
            Err(error) => tracing::warn!(%error, visit = id.0, "visit reminder not sent"),
        }
    }
    Ok(sent)
}

/// Mails each person who asked for it the notifications they have not read yet.
pub async fn send_digests(state: &AppState) -> store::Result<usize> {
    let base = state.settings.public_url.trim_end_matches('/').to_owned();
    let mut sent = 0;
    for digest in store::practices::digests_due(&state.db).await? {
        let mut body = format!(
            "Bonjour {},\n\nVoici ce qui s'est passé sur Territoire depuis votre dernière visite :\n\n",
            digest.name
        );
        for n in &digest.notifications {
            body.push_str(&format!("- {} : {base}{}\n", n.message, n.link));
        }
        body.push_str(&format!(
            "\nPour ne plus recevoir ce résumé : {base}/notifications\n"
        ));
        let subject = format!("Territoire : {} nouveauté(s)", digest.notifications.len());
        match state.mailer.send(&digest.email, &subject, body).await {
            Ok(()) => {
                let ids: Vec<i64> = digest.notifications.iter().map(|n| n.id).collect();
                store::practices::mark_mailed(&state.db, &ids).await?;
                sent += 1;
            }
            Err(error) => tracing::warn!(%error, "digest not sent"),
        }
    }
    Ok(sent)
}
