//! The demo exchange space of the first pilot territory: its members (every demo account,
//! the researcher as a reader), a blog post, a forum topic with a reply and a mention, a chat
//! room with a short exchange, and a pad with a named version.

use domain::accounts::Function;
use domain::ids::{ChatMessageId, PersonId, SpaceId, TerritoryId};
use domain::spaces::{PostContent, PostInput, SpaceContent, SpaceInput, SpaceRole};
use realtime::{Member, Realtime};
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
    chat_and_pad(db, space, head, teacher, colleague).await
}

async fn chat_and_pad(
    db: &Db,
    space: SpaceId,
    head: PersonId,
    teacher: PersonId,
    colleague: PersonId,
) -> anyhow::Result<()> {
    let realtime = Realtime::new(db.clone(), realtime::Settings::default());
    let member = |id: PersonId| async move {
        let person = store::accounts::person(db, id).await?;
        anyhow::Ok(Member {
            id,
            name: person.name,
            admin: false,
        })
    };
    let (head, teacher, colleague) = (
        member(head).await?,
        member(teacher).await?,
        member(colleague).await?,
    );
    let room = realtime
        .create_room(space, "Salle des maîtres du réseau", &head)
        .await?;
    let question = realtime
        .post(
            room,
            &teacher,
            "Bonjour à tous ! Quelqu'un a une **grille d'observation** pour le calcul mental ?",
            None,
            None,
        )
        .await?;
    realtime
        .post(
            room,
            &colleague,
            "Oui, nous la rédigeons ensemble dans le pad « Grille d'observation — calcul mental ».",
            Some(ChatMessageId(question.id)),
            None,
        )
        .await?;
    realtime
        .react(room, &head, ChatMessageId(question.id), "👍")
        .await?;

    let pad = store::spaces::pads::create(
        db,
        space,
        "Grille d'observation — calcul mental",
        teacher.id,
    )
    .await?;
    let first = "# Grille d'observation — calcul mental\n\n## Ce que l'on observe\n\n- la consigne : est-elle comprise par tous ?\n- les procédures des élèves\n";
    realtime.replace_text(pad, &teacher, first).await?;
    store::spaces::pads::save_snapshot(db, pad, "Première version", first, teacher.id).await?;
    let second = format!(
        "{first}- le temps laissé pour chercher\n\n## Pour l'échange après la séance\n\n- ce qui a marché, ce qui interroge\n"
    );
    realtime.replace_text(pad, &colleague, &second).await?;
    Ok(())
}
