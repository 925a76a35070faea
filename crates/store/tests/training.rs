//! Training needs on both databases: each person's own, and the demand read without names.

use domain::accounts::Function;
use domain::observatories::visit::TrainingNeed;
use domain::territories::NewTerritory;
use domain::training::demand::{Others, aggregate, school_year_bounds};
use store::StoreError;
use testkit::{create_person, fresh_db};

#[tokio::test]
async fn needs_are_ones_own_and_the_demand_has_no_names() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let lens =
        store::territories::create(&db, &NewTerritory::parse("Territoire de Lens", "")?).await?;
    let arras =
        store::territories::create(&db, &NewTerritory::parse("Territoire d'Arras", "")?).await?;
    let mut people = Vec::new();
    for i in 0..7 {
        people.push(
            create_person(
                &db,
                &format!("prof{i}@ac-lille.fr"),
                Function::Enseignant1d,
                None,
                false,
            )
            .await?,
        );
    }
    let need = |theme: &str| TrainingNeed::parse(theme, "premier-degre", "Cycle 3");
    // Six ask for the same theme in Lens (spelt two ways), one for another; one in Arras.
    for (i, person) in people.iter().take(6).enumerate() {
        let theme = if i % 2 == 0 {
            "Conduire un débat réglé"
        } else {
            "conduire un  debat regle"
        };
        store::training::express(&db, *person, Some(lens), &need(theme)?, "enseignant-1d").await?;
    }
    let lone = store::training::express(
        &db,
        people[6],
        Some(lens),
        &need("Climat scolaire")?,
        "enseignant-1d",
    )
    .await?;
    store::training::express(&db, people[6], Some(arras), &need("Oral")?, "enseignant-1d").await?;
    // The same need twice, whatever the accents, is refused.
    assert!(matches!(
        store::training::express(&db, people[0], None, &need("CONDUIRE UN DEBAT RÉGLÉ")?, "").await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store::training::needs_of(&db, people[6]).await?.len(), 2);

    let (from, to) = school_year_bounds(&domain::territories::networks::school_year_label(
        domain::territories::networks::school_year(store::now()),
    ))
    .map_err(anyhow::Error::msg)?;
    let themes = store::training::demand_themes(&db, Some(lens), from, to).await?;
    assert_eq!(themes.len(), 7);
    let demand = aggregate(themes.iter().map(String::as_str));
    assert_eq!(demand.themes.len(), 1);
    assert_eq!(demand.themes[0].count, 6);
    assert_eq!(demand.themes[0].theme, "Conduire un débat réglé");
    assert_eq!(demand.others, Others::FewerThanFive);
    assert_eq!(
        store::training::demand_themes(&db, None, from, to)
            .await?
            .len(),
        8
    );
    // Last school year: nothing.
    assert!(
        store::training::demand_themes(&db, None, from - 365 * 86_400, from)
            .await?
            .is_empty()
    );

    // One withdraws one's own need only.
    assert!(matches!(
        store::training::withdraw(&db, people[0], lone).await,
        Err(StoreError::NotFound)
    ));
    store::training::withdraw(&db, people[6], lone).await?;
    assert_eq!(
        store::training::demand_themes(&db, Some(lens), from, to)
            .await?
            .len(),
        6
    );
    Ok(())
}
