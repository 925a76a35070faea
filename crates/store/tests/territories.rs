//! Territories' storage (maturity assessments), on SQLite and (with
//! `TERRITOIRE_TEST_POSTGRES`) PostgreSQL.

use domain::accounts::Function;
use domain::ids::{AssessmentId, PersonId};
use domain::territories::NewTerritory;
use domain::territories::maturity::Levels;
use store::territories::maturity;
use store::{Db, StoreError};
use testkit::{create_person, fresh_db};

async fn person(db: &Db, email: &str) -> anyhow::Result<PersonId> {
    create_person(db, email, Function::Enseignant2d, None, false).await
}

fn agreement(levels: Levels, evidence: &[String; 5], by: PersonId) -> maturity::Agreement {
    maturity::Agreement {
        levels,
        evidence: evidence.clone(),
        by,
    }
}

#[tokio::test]
async fn members_answer_alone_and_the_group_agrees_the_levels() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let territory = store::territories::create(
        &db,
        &NewTerritory::parse("Territoire apprenant de Lens", "")?,
    )
    .await?;
    let other = store::territories::create(
        &db,
        &NewTerritory::parse("Territoire apprenant d'Arras", "")?,
    )
    .await?;
    let (a, b, c) = (
        person(&db, "a@ac-lille.fr").await?,
        person(&db, "b@ac-lille.fr").await?,
        person(&db, "c@ac-lille.fr").await?,
    );
    assert!(maturity::list(&db, territory, Some(a)).await?.is_empty());

    // The first answer opens the assessment; the next ones join it; answering again replaces.
    let first = maturity::answer(&db, territory, a, Levels([1, 1, 1, 1, 1]), store::now()).await?;
    assert_eq!(
        maturity::answer(&db, territory, b, Levels([2, 3, 2, 1, 1]), store::now()).await?,
        first
    );
    maturity::answer(&db, territory, a, Levels([2, 2, 2, 2, 1]), store::now()).await?;
    maturity::answer(&db, territory, c, Levels([4, 3, 2, 1, 1]), store::now()).await?;
    let list = maturity::list(&db, territory, Some(a)).await?;
    assert_eq!(list.len(), 1);
    let open = &list[0];
    assert_eq!(open.answers, 3);
    assert_eq!(open.spread[0].counts, [0, 2, 0, 1, 0]);
    assert_eq!(open.spread[1].counts, [0, 1, 2, 0, 0]);
    assert_eq!(open.mine, Some(Levels([2, 2, 2, 2, 1])));
    assert_eq!(open.agreed_at, None);
    assert_eq!(open.agreed, None);
    assert_eq!(maturity::list(&db, territory, None).await?[0].mine, None);
    // Nothing leaks into another territory.
    assert!(maturity::list(&db, other, Some(a)).await?.is_empty());

    // The group agrees: the assessment closes; agreeing twice, or in another territory, fails.
    let evidence = [
        "[Le conseil pédagogique commun](/pratiques/conseil-commun)".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ];
    assert!(matches!(
        maturity::agree(
            &db,
            other,
            first,
            &agreement(Levels([2; 5]), &evidence, a),
            store::now()
        )
        .await,
        Err(StoreError::NotFound)
    ));
    maturity::agree(
        &db,
        territory,
        first,
        &agreement(Levels([2, 2, 2, 1, 1]), &evidence, a),
        store::now(),
    )
    .await?;
    assert!(matches!(
        maturity::agree(
            &db,
            territory,
            first,
            &agreement(Levels([3; 5]), &evidence, a),
            store::now()
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        maturity::agree(
            &db,
            territory,
            AssessmentId(first.0 + 100),
            &agreement(Levels([3; 5]), &evidence, a),
            store::now()
        )
        .await,
        Err(StoreError::NotFound)
    ));

    // A later answer opens the next assessment; the history keeps the agreed one.
    let second = maturity::answer(&db, territory, b, Levels([3, 3, 3, 2, 2]), store::now()).await?;
    assert_ne!(second, first);
    let list = maturity::list(&db, territory, Some(b)).await?;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].id, second);
    assert_eq!(list[0].answers, 1);
    assert_eq!(list[1].id, first);
    let Some((levels, evidence_read)) = list[1].agreed.clone() else {
        anyhow::bail!("the agreed levels are kept");
    };
    assert_eq!(levels, Levels([2, 2, 2, 1, 1]));
    assert_eq!(evidence_read, evidence);
    assert!(list[1].agreed_at.is_some());
    assert_eq!(list[1].mine, Some(Levels([2, 3, 2, 1, 1])));
    Ok(())
}

#[tokio::test]
async fn concurrent_first_answers_open_one_assessment() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let territory = store::territories::create(
        &db,
        &NewTerritory::parse("Territoire apprenant de Liévin", "")?,
    )
    .await?;
    let mut people = Vec::new();
    for n in 0..8 {
        people.push(person(&db, &format!("p{n}@ac-lille.fr")).await?);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for p in people {
        let db = db.clone();
        tasks.spawn(async move {
            maturity::answer(&db, territory, p, Levels([3; 5]), store::now()).await
        });
    }
    let mut ids = Vec::new();
    while let Some(done) = tasks.join_next().await {
        ids.push(done??);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let list = maturity::list(&db, territory, None).await?;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].answers, 8);
    assert_eq!(list[0].spread[4].counts, [0, 0, 8, 0, 0]);
    Ok(())
}
