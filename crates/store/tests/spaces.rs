//! Exchange spaces' storage (members, blog, forum, folders, locks), on SQLite and (with
//! `TERRITOIRE_TEST_POSTGRES`) PostgreSQL.

use domain::accounts::Function;
use domain::ids::{EntryId, PersonId, SpaceId, TopicId};
use domain::spaces::{
    EntryName, PostContent, PostInput, SpaceContent, SpaceInput, SpaceRole, SpaceVisibility,
};
use store::spaces::blog::{self, PostState, Unpublished};
use store::spaces::folders::{self, NewVersion, Saving};
use store::spaces::forum::{self, TopicChange};
use store::spaces::locks::{self, LockRow};
use store::{Db, StoreError, spaces};
use testkit::{create_person, fresh_db};

async fn person(db: &Db, email: &str) -> anyhow::Result<PersonId> {
    create_person(db, email, Function::Enseignant2d, None, false).await
}

async fn space(db: &Db, owner: PersonId, quota: i64) -> anyhow::Result<SpaceId> {
    let content = SpaceContent::parse(
        &SpaceInput {
            name: "Réseau lecture".into(),
            visibility: "platform".into(),
            ..SpaceInput::default()
        },
        false,
    )?;
    Ok(spaces::create(db, &content, None, owner, quota).await?)
}

async fn notifications(db: &Db, person: PersonId) -> anyhow::Result<Vec<String>> {
    Ok(store::practices::notifications(db, person, 50)
        .await?
        .into_iter()
        .map(|n| n.message)
        .collect())
}

#[tokio::test]
async fn members_roles_and_access() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let owner = person(&db, "owner@ac-lille.fr").await?;
    let member = person(&db, "member@ac-lille.fr").await?;
    let outsider = person(&db, "outsider@ac-lille.fr").await?;
    let id = space(&db, owner, 1_000).await?;

    let (s, access) = spaces::access(&db, id, Some(owner)).await?;
    assert_eq!(s.name, "Réseau lecture");
    assert_eq!(access.role, Some(SpaceRole::Owner));
    assert_eq!(access.visibility, SpaceVisibility::Platform);
    assert_eq!(spaces::access(&db, id, Some(outsider)).await?.1.role, None);
    assert_eq!(spaces::access(&db, id, None).await?.1.role, None);

    spaces::set_member(&db, id, member, SpaceRole::Reader, owner).await?;
    spaces::set_member(&db, id, member, SpaceRole::Member, owner).await?;
    let members = spaces::members(&db, id).await?;
    assert_eq!(
        members
            .iter()
            .map(|m| (m.handle(), m.role()))
            .collect::<Vec<_>>(),
        [
            ("personne-owner".to_owned(), SpaceRole::Owner),
            ("personne-member".to_owned(), SpaceRole::Member)
        ]
    );
    assert!(
        notifications(&db, member)
            .await?
            .iter()
            .any(|n| n.contains("ajouté(e) à l'espace « Réseau lecture »")),
        "a new member is told"
    );
    // The last owner can neither leave nor be demoted.
    assert!(matches!(
        spaces::remove_member(&db, id, owner, owner).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        spaces::set_member(&db, id, owner, SpaceRole::Member, owner).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(spaces::members(&db, id).await?.len(), 2, "nothing changed");
    spaces::remove_member(&db, id, member, owner).await?;
    assert!(matches!(
        spaces::remove_member(&db, id, member, owner).await,
        Err(StoreError::NotFound)
    ));

    // The outsider sees the platform space in their list, without a role.
    let listed = spaces::readable(&db, outsider, 50).await?;
    assert_eq!(
        listed.iter().map(|s| (s.id, s.role())).collect::<Vec<_>>(),
        [(id.0, None)]
    );
    let activity = spaces::activity(&db, id, 10).await?;
    assert_eq!(
        activity.last().map(|a| a.message.as_str()),
        Some("Espace créé")
    );
    Ok(())
}

#[tokio::test]
async fn blog_drafts_schedules_and_comments() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let author = person(&db, "author@ac-lille.fr").await?;
    let reader = person(&db, "reader@ac-lille.fr").await?;
    let id = space(&db, author, 1_000).await?;
    let now = store::now();
    let post = |title: &str, publication: &str, at: &str| {
        PostContent::parse(
            &PostInput {
                title: title.into(),
                body_markdown: "Texte".into(),
                publication: publication.into(),
                publish_at: at.into(),
            },
            now,
        )
    };
    let draft = blog::create(&db, id, author, &post("Brouillon", "brouillon", "")?).await?;
    let published = blog::create(&db, id, author, &post("Publié", "maintenant", "")?).await?;
    let scheduled = blog::create(
        &db,
        id,
        author,
        &post("Plus tard", "programme", "2099-01-01T08:00")?,
    )
    .await?;
    let titles = |posts: Vec<blog::Post>| posts.into_iter().map(|p| p.title).collect::<Vec<_>>();
    assert_eq!(
        titles(blog::list(&db, id, Unpublished::None, 10, 0).await?),
        ["Publié"]
    );
    assert_eq!(
        titles(blog::list(&db, id, Unpublished::Of(reader), 10, 0).await?),
        ["Publié"]
    );
    let mine = titles(blog::list(&db, id, Unpublished::Of(author), 10, 0).await?);
    assert_eq!(mine.len(), 3, "{mine:?}");
    assert!(matches!(
        blog::get(&db, scheduled).await?.state(now),
        PostState::Scheduled(_)
    ));
    assert_eq!(blog::get(&db, draft).await?.state(now), PostState::Draft);
    // The scheduled post appears once its time has come.
    assert!(matches!(
        blog::get(&db, scheduled).await?.state(4_102_477_200),
        PostState::Published(_)
    ));

    blog::comment(&db, published, reader, "Merci !").await?;
    assert_eq!(blog::get(&db, published).await?.comments, 1);
    assert!(
        notifications(&db, author)
            .await?
            .iter()
            .any(|n| n == "Nouveau commentaire sur votre billet « Publié »")
    );
    blog::update(
        &db,
        draft,
        author,
        &post("Brouillon publié", "maintenant", "")?,
    )
    .await?;
    assert!(matches!(
        blog::get(&db, draft).await?.state(store::now() + 1),
        PostState::Published(_)
    ));
    blog::delete(&db, draft).await?;
    assert!(matches!(
        blog::get(&db, draft).await,
        Err(StoreError::NotFound)
    ));
    Ok(())
}

#[tokio::test]
async fn forum_numbers_notifies_and_moderates() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let owner = person(&db, "owner@ac-lille.fr").await?;
    let member = person(&db, "marie@ac-lille.fr").await?;
    let outsider = person(&db, "jean@ac-lille.fr").await?;
    let id = space(&db, owner, 1_000).await?;
    spaces::set_member(&db, id, member, SpaceRole::Member, owner).await?;
    let category = forum::create_category(&db, id, "Lecture", "").await?;
    assert!(matches!(
        forum::create_category(&db, id, "Lecture", "").await,
        Err(StoreError::Conflict(_))
    ));
    let topic = forum::create_topic(
        &db,
        id,
        Some(category),
        owner,
        "Rallye lecture",
        "Qui participe ?",
    )
    .await?;

    // Twenty replies at once: each gets its own number, none is lost.
    let mut tasks = Vec::new();
    for i in 0..20 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            forum::reply(&db, topic, member, &format!("Réponse {i}"), None, false).await
        }));
    }
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await??.seq);
    }
    seqs.sort();
    assert_eq!(seqs, (2..=21).collect::<Vec<_>>());
    let t = forum::get_topic(&db, topic, Some(owner)).await?;
    assert_eq!((t.replies(), t.unread), (20, 20));
    assert_eq!(forum::unread_count(&db, id, owner).await?, 1);
    assert_eq!(
        forum::messages(&db, topic, 0, 5)
            .await?
            .iter()
            .map(|m| m.seq)
            .collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    forum::mark_read(&db, owner, topic, 21).await?;
    forum::mark_read(&db, owner, topic, 3).await?;
    assert_eq!(forum::get_topic(&db, topic, Some(owner)).await?.unread, 0);
    assert_eq!(forum::unread_count(&db, id, owner).await?, 0);

    // The owner follows the topic they opened: told of the replies. Mentions reach members
    // only: the outsider is no member, so is not told.
    assert!(
        notifications(&db, owner)
            .await?
            .iter()
            .any(|n| n == "Personne marie a répondu dans « Rallye lecture »")
    );
    forum::reply(
        &db,
        topic,
        owner,
        "Merci @personne-marie et @personne-jean",
        None,
        false,
    )
    .await?;
    assert!(
        notifications(&db, member)
            .await?
            .iter()
            .any(|n| n == "Personne owner vous a mentionné(e) dans « Rallye lecture »")
    );
    assert!(notifications(&db, outsider).await?.is_empty());

    // Locked: members cannot reply, moderators can.
    forum::moderate_topic(&db, topic, TopicChange::Lock(true), owner).await?;
    assert!(matches!(
        forum::reply(&db, topic, member, "Encore", None, false).await,
        Err(StoreError::Conflict(_))
    ));
    forum::reply(&db, topic, owner, "Sujet clos.", None, true).await?;

    // A quoted message must be of the same topic.
    let other = forum::create_topic(&db, id, None, member, "Autre", "Texte").await?;
    let first = forum::messages(&db, topic, 0, 1).await?;
    let quoted = first.first().map(|m| domain::ids::MessageId(m.id));
    assert!(matches!(
        forum::reply(&db, other, member, "Je cite", quoted, false).await,
        Err(StoreError::Invalid(_))
    ));

    // Reports go to the moderation queue; resolving with "hide" hides the message.
    let reported = forum::messages(&db, topic, 1, 1).await?;
    let message = domain::ids::MessageId(reported.first().map_or(0, |m| m.id));
    forum::report(&db, message, outsider, "Propos déplacés").await?;
    let queue = forum::open_reports(&db, id).await?;
    assert_eq!(
        queue
            .iter()
            .map(|r| (r.reason.as_str(), r.seq))
            .collect::<Vec<_>>(),
        [("Propos déplacés", 2)]
    );
    forum::resolve(&db, id, queue[0].id, owner, true).await?;
    assert!(forum::open_reports(&db, id).await?.is_empty());
    assert!(forum::message(&db, message).await?.hidden);

    // Pinned first; hidden topics for moderators only.
    forum::moderate_topic(&db, topic, TopicChange::Pin(true), owner).await?;
    let listed = forum::topics(&db, id, None, Some(member), false, 10, 0).await?;
    assert_eq!(listed.first().map(|t| t.id), Some(topic.0));
    forum::moderate_topic(&db, other, TopicChange::Hide(true), owner).await?;
    assert_eq!(
        forum::topics(&db, id, None, Some(member), false, 10, 0)
            .await?
            .len(),
        1
    );
    assert_eq!(
        forum::topics(&db, id, None, Some(owner), true, 10, 0)
            .await?
            .len(),
        2
    );
    forum::moderate_topic(&db, topic, TopicChange::Move(None), owner).await?;
    assert_eq!(forum::get_topic(&db, topic, None).await?.category_id, None);
    let elsewhere = space(&db, owner, 1_000).await?;
    let foreign = forum::create_category(&db, elsewhere, "Ailleurs", "").await?;
    assert!(matches!(
        forum::moderate_topic(&db, topic, TopicChange::Move(Some(foreign)), owner).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        forum::get_topic(&db, TopicId(9_999), None).await,
        Err(StoreError::NotFound)
    ));
    Ok(())
}

fn blob(key: &str, size: i64) -> NewVersion {
    NewVersion {
        blob_key: key.to_owned(),
        size,
        content_type: "application/pdf".to_owned(),
    }
}

#[tokio::test]
async fn folders_versions_trash_and_quota() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let owner = person(&db, "owner@ac-lille.fr").await?;
    let id = space(&db, owner, 1_000).await?;
    let name = |n: &str| EntryName::parse(n);
    let reports = folders::create_folder(&db, id, None, &name("Comptes rendus")?, owner).await?;
    assert!(matches!(
        folders::create_folder(&db, id, None, &name("Comptes rendus")?, owner).await,
        Err(StoreError::Conflict(m)) if m.contains("« Comptes rendus » existe déjà")
    ));
    let odd = name("Réunion n°1 — version « finale » (2).pdf")?;

    // Two people save the same new file at once: both versions are kept.
    let (v1, v2) = (blob("k1", 100), blob("k2", 100));
    let (a, b) = tokio::join!(
        folders::save(
            &db,
            id,
            Some(reports),
            &odd,
            &v1,
            owner,
            Saving::CreateOrReplace
        ),
        folders::save(
            &db,
            id,
            Some(reports),
            &odd,
            &v2,
            owner,
            Saving::CreateOrReplace
        ),
    );
    let (a, b) = (a?, b?);
    assert_eq!(a.entry, b.entry);
    assert!(
        a.created != b.created,
        "one created it, the other added a version"
    );
    assert_eq!(folders::versions(&db, a.entry).await?.len(), 2);
    let path =
        domain::spaces::parse_path("/Comptes rendus/Réunion n°1 — version « finale » (2).pdf")?;
    let found = folders::resolve(&db, id, &path).await?;
    assert_eq!(found.map(|e| e.name), Some(odd.as_str().to_owned()));
    assert!(matches!(
        folders::save(
            &db,
            id,
            Some(reports),
            &odd,
            &blob("k3", 1),
            owner,
            Saving::CreateNew
        )
        .await,
        Err(StoreError::Conflict(_))
    ));

    // The quota counts every version; a file that does not fit is refused, nothing changes.
    let full = folders::save(
        &db,
        id,
        None,
        &name("gros.pdf")?,
        &blob("k4", 900),
        owner,
        Saving::CreateOrReplace,
    )
    .await;
    assert!(
        matches!(&full, Err(StoreError::QuotaExceeded(m)) if m.contains("200 octets utilisés sur 1000 octets")),
        "{full:?}"
    );
    assert!(folders::child(&db, id, None, "gros.pdf").await?.is_none());
    assert_eq!(spaces::get(&db, id).await?.used_bytes, 200);

    // An old version comes back as a new one.
    let versions = folders::versions(&db, a.entry).await?;
    let oldest = versions
        .last()
        .map(|v| domain::ids::VersionId(v.id))
        .ok_or_else(|| anyhow::anyhow!("no version"))?;
    folders::restore_version(&db, id, a.entry, oldest, owner).await?;
    let current = folders::version(&db, a.entry, None).await?;
    assert_eq!(
        current.blob_key,
        versions
            .last()
            .map(|v| v.blob_key.clone())
            .unwrap_or_default()
    );
    assert_eq!(folders::versions(&db, a.entry).await?.len(), 3);

    // A folder cannot move into itself.
    let inner = folders::create_folder(&db, id, Some(reports), &name("2026")?, owner).await?;
    assert!(matches!(
        folders::rename(
            &db,
            id,
            reports,
            Some(inner),
            &name("Comptes rendus")?,
            owner
        )
        .await,
        Err(StoreError::Invalid(_))
    ));
    folders::rename(&db, id, inner, None, &name("Année 2026")?, owner).await?;
    assert_eq!(folders::children(&db, id, None).await?.len(), 2);

    // Trashing a folder whose files went first in the same deletion restores it whole.
    folders::trash(&db, id, a.entry, owner, "batch-1").await?;
    folders::trash(&db, id, reports, owner, "batch-1").await?;
    let trash = folders::trashed(&db, id).await?;
    assert_eq!(
        trash.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["Comptes rendus"]
    );
    assert!(folders::resolve(&db, id, &path).await?.is_none());
    // Meanwhile someone makes a new "Comptes rendus": the restored one is numbered.
    folders::create_folder(&db, id, None, &name("Comptes rendus")?, owner).await?;
    let restored = folders::restore(&db, id, reports, owner).await?;
    assert_eq!(restored, "Comptes rendus (2)");
    let path =
        domain::spaces::parse_path("/Comptes rendus (2)/Réunion n°1 — version « finale » (2).pdf")?;
    assert!(
        folders::resolve(&db, id, &path).await?.is_some(),
        "its file came back with it"
    );

    // Deleting for good frees the quota and names the blobs no longer used.
    folders::trash(&db, id, reports, owner, "batch-2").await?;
    let mut orphans = folders::purge(&db, id, reports).await?;
    orphans.sort();
    assert_eq!(orphans, ["k1", "k2"]);
    assert_eq!(spaces::get(&db, id).await?.used_bytes, 0);
    assert!(matches!(
        folders::get(&db, id, reports).await,
        Err(StoreError::NotFound)
    ));
    // Another space's entries are out of reach.
    let other = space(&db, owner, 1_000).await?;
    assert!(matches!(
        folders::get(&db, other, inner).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        folders::create_folder(&db, other, Some(inner), &name("x")?, owner).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        folders::get(&db, id, EntryId(9_999)).await,
        Err(StoreError::NotFound)
    ));
    Ok(())
}

#[tokio::test]
async fn locks_are_granted_once() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let owner = person(&db, "owner@ac-lille.fr").await?;
    let id = space(&db, owner, 1_000).await?;
    let lock = |token: &str| LockRow {
        token: token.to_owned(),
        path: "/a.odt".to_owned(),
        principal: Some("owner@ac-lille.fr".to_owned()),
        owner_xml: None,
        timeout_secs: Some(600),
        expires_at: Some(store::now() + 600),
        shared: false,
        deep: false,
    };
    let conflict = |live: &[LockRow]| live.iter().find(|l| l.path == "/a.odt").cloned();
    let (first, second) = tokio::join!(
        locks::insert_unless(&db, id, lock("t1"), conflict),
        locks::insert_unless(&db, id, lock("t2"), conflict),
    );
    let granted = [first?, second?].iter().filter(|r| r.is_ok()).count();
    assert_eq!(granted, 1, "two nodes never both get the lock");
    assert_eq!(locks::all(&db, id).await?.len(), 1);
    let token = locks::all(&db, id).await?.remove(0).token;
    assert!(locks::refresh(&db, id, &token, Some(60)).await?.is_some());
    assert!(
        locks::refresh(&db, id, "inconnu", Some(60))
            .await?
            .is_none()
    );
    assert_eq!(locks::delete(&db, id, &[token]).await?, 1);
    assert!(locks::all(&db, id).await?.is_empty());
    // An expired lock is no longer in the way.
    let mut stale = lock("t3");
    stale.expires_at = Some(store::now() - 1);
    assert!(
        locks::insert_unless(&db, id, stale, |_| None)
            .await?
            .is_ok()
    );
    assert!(
        locks::insert_unless(&db, id, lock("t4"), conflict)
            .await?
            .is_ok()
    );
    Ok(())
}
