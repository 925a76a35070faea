//! The practice library's storage, on SQLite and (with `TERRITOIRE_TEST_POSTGRES`) PostgreSQL.

use domain::accounts::{Email, Function};
use domain::directory::{Uai, annuaire};
use domain::policy::TerritoryRole;
use domain::practices::{PracticeContent, PracticeInput, Tag, Vocabulary};
use domain::territories::NewTerritory;
use store::StoreError;
use store::practices::{self, Context, FollowTarget, NewTrial};
use testkit::{create_person, fresh_db, sample_annuaire};

fn content(
    title: &str,
    visibility: &str,
    territory: Option<i64>,
) -> anyhow::Result<PracticeContent> {
    Ok(PracticeContent::parse(&PracticeInput {
        title: title.to_owned(),
        summary: "Un résumé.".to_owned(),
        body_markdown: "Première version.".to_owned(),
        licence: "CC-BY-SA".to_owned(),
        visibility: visibility.to_owned(),
        territory,
        tags: vec![
            ("level".into(), "cycle-3".into()),
            ("free".into(), "Jardin".into()),
        ],
        ..PracticeInput::default()
    })?)
}

#[tokio::test]
async fn practices_keep_every_published_version() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let entries =
        annuaire::parse(sample_annuaire().as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))?;
    store::directory::import(&db, &entries).await?;
    let author = create_person(
        &db,
        "auteur@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let coauthor = create_person(
        &db,
        "coautrice@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let context = Context {
        coauthors: vec![Email::parse("coautrice@ac-lille.fr")?],
        establishments: vec![Uai::parse("0620100X")?],
    };
    let id = practices::create(
        &db,
        author,
        false,
        &content("Jardin partagé", "public", None)?,
        &context,
    )
    .await?;
    let detail = practices::get(&db, id).await?;
    assert_eq!(detail.practice.status, "draft");
    assert_eq!(
        detail.authors.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![author.0, coauthor.0]
    );
    assert_eq!(detail.establishments.len(), 1);
    assert!(detail.tags.contains(&Tag {
        vocabulary: Vocabulary::Free,
        code: "jardin".into()
    }));
    assert!(
        practices::versions(&db, id).await?.is_empty(),
        "a draft has no published version"
    );

    practices::publish(&db, id, author).await?;
    let mut second = content("Jardin partagé", "public", None)?;
    second.body_markdown = "Deuxième version.".into();
    practices::update(&db, id, coauthor, false, &second, &context).await?;
    let versions = practices::versions(&db, id).await?;
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![2, 1]
    );
    assert_eq!(versions[0].body_markdown, "Deuxième version.");
    assert_eq!(versions[1].body_markdown, "Première version.");
    assert_eq!(
        versions[0].published_by.as_deref(),
        Some("Personne coautrice")
    );

    // Unknown co-authors and establishments are refused, and nothing changes.
    let bad = Context {
        coauthors: vec![Email::parse("inconnu@ac-lille.fr")?],
        ..context.clone()
    };
    let error = practices::update(
        &db,
        id,
        author,
        false,
        &content("Autre titre", "public", None)?,
        &bad,
    )
    .await;
    assert!(matches!(error, Err(StoreError::Invalid(m)) if m.contains("inconnu@ac-lille.fr")));
    let bad = Context {
        establishments: vec![Uai::parse("0999999W")?],
        ..context
    };
    let error =
        practices::create(&db, author, false, &content("Autre", "public", None)?, &bad).await;
    assert!(matches!(error, Err(StoreError::Invalid(m)) if m.contains("0999999W")));
    assert_eq!(
        practices::get(&db, id).await?.practice.title,
        "Jardin partagé"
    );
    assert_eq!(practices::by_author(&db, author).await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn followers_are_told_only_of_what_they_may_read() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let author = create_person(
        &db,
        "auteur@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let member = create_person(
        &db,
        "membre@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let outsider = create_person(
        &db,
        "autre@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let territory = store::territories::create(&db, &NewTerritory::parse("OTA Lens", "")?).await?;
    store::territories::set_member(&db, territory, author, TerritoryRole::Member).await?;
    store::territories::set_member(&db, territory, member, TerritoryRole::Member).await?;
    assert!(practices::toggle_follow(&db, member, &FollowTarget::Person(author)).await?);
    assert!(practices::toggle_follow(&db, outsider, &FollowTarget::Person(author)).await?);
    let cycle3 = Tag::parse("level", "cycle-3").map_err(anyhow::Error::msg)?;
    assert!(practices::toggle_follow(&db, outsider, &FollowTarget::Tag(cycle3.clone())).await?);
    // Toggling twice unfollows.
    assert!(!practices::toggle_follow(&db, outsider, &FollowTarget::Tag(cycle3.clone())).await?);
    assert!(practices::toggle_follow(&db, outsider, &FollowTarget::Tag(cycle3)).await?);
    // A neighbour follows only the territory; an outsider following it is not a member.
    let neighbour = create_person(
        &db,
        "voisine@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    store::territories::set_member(&db, territory, neighbour, TerritoryRole::Member).await?;
    assert!(practices::toggle_follow(&db, neighbour, &FollowTarget::Territory(territory)).await?);
    assert!(practices::toggle_follow(&db, outsider, &FollowTarget::Territory(territory)).await?);
    assert_eq!(
        practices::followed(&db, neighbour).await?,
        vec![format!("territory:{}", territory.0)]
    );

    let local = practices::create(
        &db,
        author,
        false,
        &content("Dictée négociée", "territory", Some(territory.0))?,
        &Context::default(),
    )
    .await?;
    practices::publish(&db, local, author).await?;
    assert_eq!(practices::notifications(&db, member, 10).await?.len(), 1);
    assert_eq!(
        practices::notifications(&db, neighbour, 10).await?.len(),
        1,
        "told through the territory"
    );
    assert!(
        practices::notifications(&db, outsider, 10)
            .await?
            .is_empty(),
        "the outsider may not read it"
    );
    assert!(practices::notifications(&db, author, 10).await?.is_empty());

    let open = practices::create(
        &db,
        author,
        false,
        &content("Conseil coopératif", "platform", None)?,
        &Context::default(),
    )
    .await?;
    practices::publish(&db, open, author).await?;
    let told = practices::notifications(&db, outsider, 10).await?;
    assert_eq!(
        told.len(),
        1,
        "one notice though they follow the author and the tag"
    );
    assert_eq!(told[0].link, format!("/pratiques/{}", open.0));
    assert_eq!(practices::unread_notifications(&db, outsider).await?, 1);
    practices::mark_notifications_read(&db, outsider).await?;
    assert_eq!(practices::unread_notifications(&db, outsider).await?, 0);

    // Comments and trials tell the authors, not the one who wrote them.
    practices::add_comment(&db, open, member, "Merci, essayé en CM1 !").await?;
    assert!(matches!(
        practices::add_comment(&db, open, member, "   ").await,
        Err(StoreError::Invalid(_))
    ));
    let trial = NewTrial {
        establishment: None,
        tried_on: time::macros::date!(2026 - 10 - 05),
        adaptations: "En demi-groupes.".into(),
        outcome: "Les élèves ont adoré.".into(),
    };
    practices::add_trial(&db, open, member, &trial).await?;
    let future = NewTrial {
        tried_on: time::macros::date!(2099 - 01 - 01),
        ..trial
    };
    assert!(matches!(
        practices::add_trial(&db, open, member, &future).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(practices::comments(&db, open).await?.len(), 1);
    assert_eq!(
        practices::trials(&db, open).await?[0].tried_on,
        "2026-10-05"
    );
    assert_eq!(practices::unread_notifications(&db, author).await?, 2);
    // The member was told of both publications, not of their own comment and trial.
    assert_eq!(practices::unread_notifications(&db, member).await?, 2);

    // The mail digest gathers the unread notifications of those who asked for it, once.
    assert!(
        practices::digests_due(&db).await?.is_empty(),
        "nobody asked for a digest"
    );
    practices::set_digest(&db, author, true).await?;
    let due = practices::digests_due(&db).await?;
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].person, due[0].notifications.len()), (author.0, 2));
    let ids: Vec<i64> = due[0].notifications.iter().map(|n| n.id).collect();
    practices::mark_mailed(&db, &ids).await?;
    assert!(
        practices::digests_due(&db).await?.is_empty(),
        "nothing is mailed twice"
    );

    assert!(practices::toggle_bookmark(&db, member, open).await?);
    assert!(practices::is_bookmarked(&db, member, open).await?);
    assert_eq!(practices::bookmarks(&db, member).await?, vec![open.0]);
    assert!(!practices::toggle_bookmark(&db, member, open).await?);
    assert!(practices::bookmarks(&db, member).await?.is_empty());
    Ok(())
}
