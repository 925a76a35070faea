//! Fills an exchange space for the benchmarks: a forum topic with 10,000 replies and a folder
//! with 10,000 files, owned by the person whose address is given, and a session for them.
//! Prints `SPACE_ID TOPIC_ID FOLDER_ID SESSION_TOKEN`.
//!
//! `spaces-fill DATABASE_URL EMAIL [replies] [files]`

use anyhow::Context;
use domain::accounts::Email;
use domain::spaces::{EntryName, SpaceContent, SpaceInput};
use store::spaces::{folders, forum};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(email)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage : spaces-fill DATABASE_URL EMAIL [réponses] [fichiers]");
    };
    let replies: i64 = args.get(3).map_or(Ok(10_000), |n| n.parse())?;
    let files: i64 = args.get(4).map_or(Ok(10_000), |n| n.parse())?;
    let db = store::Db::connect(url, 4).await?;
    let (person, _) = store::accounts::by_email(&db, &Email::parse(email)?)
        .await?
        .with_context(|| format!("aucun compte {email}"))?;
    let content = SpaceContent::parse(
        &SpaceInput {
            name: "Banc d'essai".to_owned(),
            visibility: "members".to_owned(),
            ..SpaceInput::default()
        },
        false,
    )
    .map_err(|e| anyhow::anyhow!(e.message))?;
    let space = store::spaces::create(
        &db,
        &content,
        None,
        person.id(),
        domain::spaces::DEFAULT_QUOTA,
    )
    .await?;
    let topic = forum::create_topic(
        &db,
        space,
        None,
        person.id(),
        "Un très long sujet",
        "Premier message.",
    )
    .await?;
    forum::insert_replies_bulk(&db, topic, &[person.id()], replies).await?;
    let folder = folders::create_folder(
        &db,
        space,
        None,
        &EntryName::parse("Archives")?,
        person.id(),
    )
    .await?;
    folders::insert_files_bulk(
        &db,
        space,
        Some(folder),
        "bench/absent",
        1024,
        files,
        person.id(),
    )
    .await?;
    let session =
        store::accounts::create_session(&db, person.id(), 24 * 3600, &Default::default()).await?;
    println!("{} {} {} {session}", space.0, topic.0, folder.0);
    db.close().await;
    Ok(())
}
