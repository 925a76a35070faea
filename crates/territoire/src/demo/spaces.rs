//! The demo exchange space of the first pilot territory: its members (every demo account,
//! the researcher as a reader), a blog post, and a forum topic with a reply and a mention.

use domain::accounts::Function;
use domain::ids::{PersonId, TerritoryId};
use domain::spaces::{PostContent, PostInput, SpaceContent, SpaceInput, SpaceRole};
use store::Db;

pub async fn generate(
    db: &Db,
    territory: TerritoryId,
    accounts: &[(Option<Function>, PersonId)],
) -> anyhow::Result<()> {
    let account = |function: Function| {
        accounts
            .iter()
            .find(|(f, _)| *f == Some(function))
            .map(|(_, p)| *p)
    };
    let (Some(head), Some(teacher), Some(colleague)) = (
        account(Function::Perdir),
        account(Function::Enseignant1d),
        account(Function::Enseignant2d),
    ) else {
        return Ok(());
    };
    let content = SpaceContent::parse(
        &SpaceInput {
            name: "Échanges de l'observatoire OTA62".to_owned(),
            description: "Le blog, le forum et les dossiers partagés des membres de l'observatoire : comptes rendus, outils, questions entre pairs.".to_owned(),
            visibility: "territory".to_owned(),
            kind: "observatory".to_owned(),
        },
        true,
    )
    .map_err(|e| anyhow::anyhow!(e.message))?;
    let space = store::spaces::create(
        db,
        &content,
        Some(territory),
        head,
        domain::spaces::DEFAULT_QUOTA,
    )
    .await?;
    for (function, person) in accounts {
        if *person == head {
            continue;
        }
        let role = match function {
            Some(Function::ChargeDeMission | Function::Cpc) => SpaceRole::Moderator,
            Some(Function::Chercheur) => SpaceRole::Reader,
            _ => SpaceRole::Member,
        };
        store::spaces::set_member(db, space, *person, role, head).await?;
    }
    let post = PostContent::parse(
        &PostInput {
            title: "Bienvenue dans l'espace de l'observatoire".to_owned(),
            body_markdown: "Cet espace rassemble nos **comptes rendus d'observation**, nos outils et nos questions.\n\n- le *blog* pour raconter ce qui a été vécu ;\n- le *forum* pour poser une question aux pairs ;\n- les *dossiers* pour partager les documents, aussi depuis l'explorateur de fichiers (WebDAV).".to_owned(),
            publication: "now".to_owned(),
            publish_at: String::new(),
        },
        store::now(),
    )
    .map_err(|e| anyhow::anyhow!(e.message))?;
    store::spaces::blog::create(db, space, head, &post).await?;
    let topic = store::spaces::forum::create_topic(
        db,
        space,
        None,
        teacher,
        "Observer une séance de calcul mental : qui m'accueille ?",
        "Je prépare une observation croisée sur le calcul mental en cycle 3. Qui accepterait de m'accueillir dans sa classe en décembre ?",
    )
    .await?;
    store::spaces::forum::reply(
        db,
        topic,
        colleague,
        "Avec plaisir, le jeudi matin en 6e. @professeur-des-ecoles-demo, tu peux venir avec ta grille d'observation.",
        None,
        false,
    )
    .await?;
    Ok(())
}
