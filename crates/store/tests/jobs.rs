//! The job queue, on SQLite and (with `TERRITOIRE_TEST_POSTGRES`) PostgreSQL.

use store::jobs;
use testkit::fresh_db;

#[tokio::test]
async fn jobs_are_taken_once_retried_then_left_failed() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let first = jobs::enqueue(&db, "transcode", "1").await?;
    let second = jobs::enqueue(&db, "transcode", "2").await?;
    let a = jobs::claim(&db, 3600)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no job"))?;
    let b = jobs::claim(&db, 3600)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no job"))?;
    assert_eq!(
        (a.id, b.id),
        (first, second),
        "oldest first, each taken once"
    );
    assert_eq!(a.attempts, 1);
    assert!(jobs::claim(&db, 3600).await?.is_none(), "both are leased");

    jobs::complete(&db, b.id).await?;
    assert!(
        jobs::fail(&db, &a, "ffmpeg a échoué").await?,
        "tried again later"
    );
    assert!(
        jobs::claim(&db, 3600).await?.is_none(),
        "not before its retry time"
    );

    // A lease that ended (its node died) makes the job available again.
    let third = jobs::enqueue(&db, "transcode", "3").await?;
    let c = jobs::claim(&db, -1)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no job"))?;
    assert_eq!(c.id, third);
    let again = jobs::claim(&db, 3600)
        .await?
        .ok_or_else(|| anyhow::anyhow!("lease not ended"))?;
    assert_eq!((again.id, again.attempts), (third, 2));
    let last = store::jobs::Job {
        attempts: jobs::MAX_ATTEMPTS,
        ..again
    };
    assert!(
        !jobs::fail(&db, &last, "toujours en échec").await?,
        "left failed"
    );
    assert!(jobs::claim(&db, 3600).await?.is_none());

    // A daily task runs once per period, whichever node asks.
    assert!(jobs::take_recurring(&db, "digest", 86_400).await?);
    assert!(!jobs::take_recurring(&db, "digest", 86_400).await?);
    assert!(jobs::take_recurring(&db, "consent-expiry", 86_400).await?);
    Ok(())
}
