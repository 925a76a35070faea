//! Observatories' storage (members, visit requests, proposed binômes), on SQLite and (with
//! `TERRITOIRE_TEST_POSTGRES`) PostgreSQL.

use domain::accounts::Function;
use domain::directory::annuaire;
use domain::ids::PersonId;
use domain::observatories::binome::Period;
use domain::observatories::visit::VisitState;
use domain::policy::VisitPart;
use store::observatories::visits::{self, NewRequest};
use store::observatories::{self, NewObservatory, Role};
use store::{Db, StoreError};
use testkit::{create_person, fresh_db, sample_annuaire};

async fn person(db: &Db, email: &str) -> anyhow::Result<PersonId> {
    create_person(db, email, Function::Enseignant1d, None, false).await
}

#[tokio::test]
async fn requests_wait_for_a_binome_then_become_visits() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    store::directory::ensure_reference_data(&db).await?;
    let entries =
        annuaire::parse(sample_annuaire().as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))?;
    store::directory::import(&db, &entries).await?;
    let pilot = person(&db, "ien@ac-lille.fr").await?;
    let referent = person(&db, "referent@ac-lille.fr").await?;
    let (a, b) = (
        person(&db, "a@ac-lille.fr").await?,
        person(&db, "b@ac-lille.fr").await?,
    );
    let observed = person(&db, "observee@ac-lille.fr").await?;
    let observatory = observatories::create(
        &db,
        &NewObservatory {
            name: "Observatoire du calcul mental".to_owned(),
            theme: "Calcul mental".to_owned(),
            ..NewObservatory::default()
        },
        &[pilot],
        &[referent, pilot],
        &[a, b],
        pilot,
    )
    .await?;
    assert_eq!(
        observatories::roles(&db, observatory, pilot).await?,
        [Role::Pilot, Role::Referent]
    );
    assert_eq!(
        observatories::members(&db, observatory, Role::Observer)
            .await?
            .len(),
        2
    );
    let unknown = observatories::create(
        &db,
        &NewObservatory::default(),
        &[PersonId(999_999)],
        &[],
        &[],
        pilot,
    )
    .await;
    assert!(matches!(unknown, Err(StoreError::Invalid(m)) if m.contains("999999")));

    // A request names a known establishment and known teachers, or is refused whole.
    let mut new = NewRequest {
        uai: "0620001A".to_owned(),
        focus: "La reformulation des consignes".to_owned(),
        constraints: "Le mardi matin".to_owned(),
        teachers: vec![observed],
        periods: vec![Period {
            from: 20_500,
            to: 20_510,
        }],
    };
    let bad = visits::request(
        &db,
        observatory,
        &NewRequest {
            uai: "0000000A".to_owned(),
            ..new.clone()
        },
        referent,
    )
    .await;
    assert!(
        matches!(bad, Err(StoreError::Invalid(m)) if m.contains("aucun établissement 0000000A"))
    );
    new.teachers.push(PersonId(999_999));
    assert!(
        visits::request(&db, observatory, &new, referent)
            .await
            .is_err()
    );
    new.teachers.pop();
    assert!(
        visits::pending(&db, observatory).await?.is_empty(),
        "nothing kept of the refused ones"
    );
    let request = visits::request(&db, observatory, &new, referent).await?;
    let pending = visits::pending(&db, observatory).await?;
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].teachers, [observed]);
    assert_eq!(pending[0].periods, new.periods);
    assert_eq!(pending[0].uai, "0620001A");
    assert!(pending[0].place.is_some());

    // No binôme yet: the reason is kept; then one is proposed, once.
    visits::wait(&db, request, "aucun observateur disponible").await?;
    let visit = visits::propose(
        &db,
        request,
        [a, b],
        &["à 3 km".to_owned(), "même cycle".to_owned()],
    )
    .await?;
    assert!(matches!(
        visits::propose(&db, request, [a, b], &[]).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(visits::pending(&db, observatory).await?.is_empty());
    let visit = visits::get(&db, visit).await?;
    assert_eq!(visit.state, VisitState::Proposed);
    assert_eq!(visit.reasons, ["à 3 km", "même cycle"]);
    assert_eq!(visit.part(a, false), Some(VisitPart::Observer));
    assert_eq!(visit.part(observed, false), Some(VisitPart::Observed));
    assert_eq!(visit.part(referent, true), Some(VisitPart::Referent));
    assert_eq!(visit.part(pilot, false), None);
    Ok(())
}
