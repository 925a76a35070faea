//! Observatories' storage (members, visit requests, proposed binômes), on SQLite and (with
//! `TERRITOIRE_TEST_POSTGRES`) PostgreSQL.

use domain::accounts::Function;
use domain::directory::annuaire;
use domain::ids::{PersonId, VisitRequestId};
use domain::observatories::binome::{Period, Weights};
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
    let observed = staff_member(
        &db,
        "observee@ac-lille.fr",
        Function::Enseignant1d,
        Some("0620001P"),
        None,
    )
    .await?;
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
        uai: "0620001P".to_owned(),
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
    assert_eq!(pending[0].uai, "0620001P");
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

async fn staff_member(
    db: &Db,
    email: &str,
    function: Function,
    school: Option<&str>,
    circonscription: Option<&str>,
) -> anyhow::Result<PersonId> {
    testkit::create_staff(db, email, function, None, school, circonscription).await
}

#[tokio::test]
async fn the_solver_proposes_binomes_from_the_database_and_keeps_the_rules() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    store::directory::ensure_reference_data(&db).await?;
    let entries =
        annuaire::parse(sample_annuaire().as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))?;
    store::directory::import(&db, &entries).await?;
    // Observed: a teacher of école 0620001P (circonscription Arras 1).
    let observed = staff_member(
        &db,
        "observee@ac-lille.fr",
        Function::Enseignant1d,
        Some("0620001P"),
        None,
    )
    .await?;
    // Observers: the IEN of that circonscription and a colleague of the same école (both
    // barred), a teacher of another école, a collège teacher.
    let ien = staff_member(
        &db,
        "ien@ac-lille.fr",
        Function::Ien,
        None,
        Some("0629001X"),
    )
    .await?;
    let colleague = staff_member(
        &db,
        "collegue@ac-lille.fr",
        Function::Enseignant1d,
        Some("0620001P"),
        None,
    )
    .await?;
    let peer = staff_member(
        &db,
        "pair@ac-lille.fr",
        Function::Enseignant1d,
        Some("0620002R"),
        None,
    )
    .await?;
    let college = staff_member(
        &db,
        "college@ac-lille.fr",
        Function::Enseignant2d,
        Some("0620100X"),
        None,
    )
    .await?;
    let observatory = observatories::create(
        &db,
        &NewObservatory {
            name: "Observatoire du calcul mental".to_owned(),
            theme: "Calcul mental".to_owned(),
            ..NewObservatory::default()
        },
        &[ien],
        &[ien],
        &[ien, colleague, peer, college],
        ien,
    )
    .await?;
    let request = |uai: &str, teacher: PersonId| NewRequest {
        uai: uai.to_owned(),
        focus: "Les stratégies de calcul".to_owned(),
        constraints: String::new(),
        teachers: vec![teacher],
        periods: vec![Period {
            from: 20_500,
            to: 20_510,
        }],
    };
    let first = visits::request(&db, observatory, &request("0620001P", observed), ien).await?;
    // A second request observes the peer in their école: the colleague of the first école
    // may go there, with the collège teacher.
    let second = visits::request(&db, observatory, &request("0620002R", peer), ien).await?;
    // Each observed teacher consents; until then, the request waits and says for whom.
    let waiting = observatories::assign(&db, observatory, &Weights::default()).await?;
    assert!(waiting.iter().all(|o| matches!(o,
        observatories::Outcome::Waiting { reason, .. } if reason.starts_with("en attente du consentement de Personne"))));
    visits::consent(&db, first, observed).await?;
    visits::consent(&db, second, peer).await?;
    assert!(matches!(
        visits::consent(&db, second, college).await,
        Err(StoreError::NotFound)
    ));

    let outcomes = observatories::assign(&db, observatory, &Weights::default()).await?;
    let pairs: Vec<(VisitRequestId, [PersonId; 2], Vec<String>)> = outcomes
        .iter()
        .filter_map(|o| match o {
            observatories::Outcome::Proposed {
                request,
                observers,
                reasons,
                ..
            } => {
                let mut pair = *observers;
                pair.sort();
                Some((*request, pair, reasons.clone()))
            }
            observatories::Outcome::Waiting { .. } => None,
        })
        .collect();
    assert_eq!(pairs.len(), 2, "{outcomes:?}");
    assert_eq!((pairs[0].0, pairs[0].1), (first, [peer, college]));
    assert_eq!((pairs[1].0, pairs[1].1), (second, [colleague, college]));
    assert!(
        pairs[0]
            .2
            .iter()
            .any(|r| r == "binôme qui croise le 1er et le 2nd degré"),
        "{:?}",
        pairs[0].2
    );
    assert!(visits::pending(&db, observatory).await?.is_empty());

    // An observatory whose only observers are the IEN and the colleague: the request waits,
    // says why, and stays pending for the next batch.
    let small = observatories::create(
        &db,
        &NewObservatory {
            name: "Petit observatoire".to_owned(),
            theme: "Calcul mental".to_owned(),
            ..NewObservatory::default()
        },
        &[ien],
        &[ien],
        &[ien, colleague],
        ien,
    )
    .await?;
    let third = visits::request(&db, small, &request("0620001P", observed), ien).await?;
    visits::consent(&db, third, observed).await?;
    let outcomes = observatories::assign(&db, small, &Weights::default()).await?;
    assert_eq!(
        outcomes,
        [observatories::Outcome::Waiting {
            request: third,
            reason: "pas de binôme possible sans enfreindre les règles ; sur 2 observateurs : \
                     lien hiérarchique avec un enseignant observé (1), travail dans l'établissement observé (1)"
                .to_owned()
        }]
    );
    assert_eq!(
        visits::pending(&db, small)
            .await?
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        [third]
    );
    Ok(())
}
