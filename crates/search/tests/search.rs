//! The search index on SQLite and, when `TERRITOIRE_TEST_POSTGRES` is set, on PostgreSQL:
//! French matching, ranking, facets, highlighting, visibility, and nodes that converge.

use std::sync::Arc;

use domain::accounts::Function;
use domain::ids::{PersonId, PracticeId};
use domain::policy::TerritoryRole;
use domain::practices::{PracticeContent, PracticeInput};
use domain::territories::NewTerritory;
use search::{FacetKind, Filter, SearchIndex, SearchQuery, Viewer};
use store::Db;
use store::practices::{self, Context};
use testkit::{create_person, fresh_db};

fn content(
    title: &str,
    body: &str,
    visibility: &str,
    territory: Option<i64>,
    tags: &[(&str, &str)],
) -> PracticeContent {
    let input = PracticeInput {
        title: title.to_owned(),
        summary: format!("Résumé de {title}"),
        body_markdown: body.to_owned(),
        licence: "CC-BY".to_owned(),
        visibility: visibility.to_owned(),
        territory,
        tags: tags
            .iter()
            .map(|(v, c)| ((*v).to_owned(), (*c).to_owned()))
            .collect(),
        ..PracticeInput::default()
    };
    match PracticeContent::parse(&input) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

async fn published(
    db: &Db,
    author: PersonId,
    content: &PracticeContent,
) -> anyhow::Result<PracticeId> {
    let id = practices::create(db, author, false, content, &Context::default()).await?;
    practices::publish(db, id, author).await?;
    Ok(id)
}

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.to_owned(),
        filters: vec![],
        offset: 0,
        limit: 20,
        scope: search::Scope::Practices,
    }
}

fn viewer(person: Option<PersonId>, territories: &[i64]) -> Viewer {
    Viewer {
        person: person.map(|p| p.0),
        territories: territories.to_vec(),
        spaces: vec![],
    }
}

async fn ids(
    index: &Arc<SearchIndex>,
    db: &Db,
    q: SearchQuery,
    v: Viewer,
) -> anyhow::Result<Vec<i64>> {
    let mut ids: Vec<i64> = index
        .search(db, q, v)
        .await?
        .hits
        .iter()
        .map(|h| h.id)
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

#[tokio::test]
async fn french_search_ranks_highlights_and_counts_facets() -> anyhow::Result<()> {
    let (db, _fresh) = fresh_db().await?;
    let author = create_person(
        &db,
        "auteur@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let evaluation = published(
        &db,
        author,
        &content(
            "Évaluation par ceintures de compétences",
            "Les élèves progressent à leur rythme ; l'enseignant évalue chaque palier.",
            "public",
            None,
            &[("level", "cycle-3"), ("subject", "mathematiques")],
        ),
    )
    .await?;
    let lecture = published(
        &db,
        author,
        &content(
            "Rallye lecture",
            "Un défi de lecture entre classes. Les eleves votent pour leur livre préféré.",
            "public",
            None,
            &[("level", "cycle-2"), ("subject", "francais")],
        ),
    )
    .await?;
    let jardin = published(
        &db,
        author,
        &content(
            "Jardin pédagogique",
            "Observer, mesurer, évaluer la croissance des plantes au fil des saisons.",
            "public",
            None,
            &[("level", "cycle-3"), ("subject", "sciences-technologie")],
        ),
    )
    .await?;
    let index = SearchIndex::open(None)?;
    let anyone = viewer(None, &[]);

    // Stemming and accents: « évaluer » finds « Évaluation » and « évalue », « élèves » finds « eleves ».
    assert_eq!(
        ids(&index, &db, query("évaluer"), anyone.clone()).await?,
        vec![evaluation.0, jardin.0]
    );
    assert_eq!(
        ids(&index, &db, query("élèves"), anyone.clone()).await?,
        vec![evaluation.0, lecture.0]
    );
    assert_eq!(
        ids(&index, &db, query("ELEVE"), anyone.clone()).await?,
        vec![evaluation.0, lecture.0]
    );
    // All words must match.
    assert_eq!(
        ids(&index, &db, query("évaluation plantes"), anyone.clone()).await?,
        vec![jardin.0]
    );
    assert!(
        ids(&index, &db, query("astronomie"), anyone.clone())
            .await?
            .is_empty()
    );
    // Odd input is searched as words, never an error.
    assert_eq!(
        ids(&index, &db, query("rallye: \"lecture ("), anyone.clone()).await?,
        vec![lecture.0]
    );

    // Ranking: the practice whose title says it comes first.
    let results = index
        .search(&db, query("évaluation"), anyone.clone())
        .await?;
    assert_eq!(results.hits[0].id, evaluation.0);
    assert_eq!(
        results.hits[0].title_html.as_deref(),
        Some("<mark>Évaluation</mark> par ceintures de compétences")
    );
    let snippet = results.hits[1].snippet_html.clone().unwrap_or_default();
    assert!(snippet.contains("<mark>évaluer</mark>"), "{snippet}");

    // Facets count the results, and filter them.
    let all = index.search(&db, query(""), anyone.clone()).await?;
    assert_eq!(all.total, 3);
    let count = |kind, value: &str| {
        all.facets
            .iter()
            .find(|f| f.kind == kind && f.value == value)
            .map(|f| f.count)
    };
    assert_eq!(count(FacetKind::Level, "cycle-3"), Some(2));
    assert_eq!(count(FacetKind::Subject, "francais"), Some(1));
    assert!(
        count(
            FacetKind::Year,
            &time::OffsetDateTime::now_utc().year().to_string()
        )
        .is_some()
    );
    let mut cycle3 = query("");
    cycle3.filters.push(Filter {
        kind: FacetKind::Level,
        value: "cycle-3".into(),
    });
    assert_eq!(
        ids(&index, &db, cycle3.clone(), anyone.clone()).await?,
        vec![evaluation.0, jardin.0]
    );
    cycle3.filters.push(Filter {
        kind: FacetKind::Subject,
        value: "mathematiques".into(),
    });
    assert_eq!(
        ids(&index, &db, cycle3, anyone.clone()).await?,
        vec![evaluation.0]
    );
    let mut video = query("");
    video.filters.push(Filter {
        kind: FacetKind::Video,
        value: "oui".into(),
    });
    assert!(ids(&index, &db, video, anyone).await?.is_empty());
    Ok(())
}

#[tokio::test]
async fn results_respect_visibility_exactly() -> anyhow::Result<()> {
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
    let territory = store::territories::create(&db, &NewTerritory::parse("OTA Arras", "")?).await?;
    for p in [author, member] {
        store::territories::set_member(&db, territory, p, TerritoryRole::Member).await?;
    }
    let public = published(
        &db,
        author,
        &content("Atelier public", "atelier", "public", None, &[]),
    )
    .await?;
    let platform = published(
        &db,
        author,
        &content("Atelier plateforme", "atelier", "platform", None, &[]),
    )
    .await?;
    let local = published(
        &db,
        author,
        &content(
            "Atelier du territoire",
            "atelier",
            "territory",
            Some(territory.0),
            &[],
        ),
    )
    .await?;
    let private = published(
        &db,
        author,
        &content("Atelier privé", "atelier", "private", None, &[]),
    )
    .await?;
    let draft = practices::create(
        &db,
        author,
        false,
        &content("Atelier brouillon", "atelier", "public", None, &[]),
        &Context::default(),
    )
    .await?;
    let index = SearchIndex::open(None)?;

    let anonymous = ids(&index, &db, query("atelier"), viewer(None, &[])).await?;
    assert_eq!(anonymous, vec![public.0]);
    let outsider_sees = ids(&index, &db, query("atelier"), viewer(Some(outsider), &[])).await?;
    assert_eq!(outsider_sees, vec![public.0, platform.0]);
    let member_sees = ids(
        &index,
        &db,
        query("atelier"),
        viewer(Some(member), &[territory.0]),
    )
    .await?;
    assert_eq!(member_sees, vec![public.0, platform.0, local.0]);
    let author_sees = ids(
        &index,
        &db,
        query("atelier"),
        viewer(Some(author), &[territory.0]),
    )
    .await?;
    assert_eq!(
        author_sees,
        vec![public.0, platform.0, local.0, private.0, draft.0]
    );
    // Facet counts leak nothing either.
    let facets = index.search(&db, query(""), viewer(None, &[])).await?;
    assert_eq!(facets.total, 1);
    assert!(facets.facets.iter().all(|f| f.kind != FacetKind::Territory));

    // Narrowing a practice takes it out of the results at once.
    practices::set_visibility(&db, platform, domain::practices::Visibility::Private).await?;
    let outsider_sees = ids(&index, &db, query("atelier"), viewer(Some(outsider), &[])).await?;
    assert_eq!(outsider_sees, vec![public.0]);
    Ok(())
}

#[tokio::test]
async fn two_nodes_converge_and_reindex_rebuilds() -> anyhow::Result<()> {
    let (db, fresh) = fresh_db().await?;
    let author = create_person(
        &db,
        "auteur@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let folder = fresh.dir.path().join("node-a");
    let node_a = SearchIndex::open(Some(&folder))?;
    let node_b = SearchIndex::open(None)?;
    let anyone = viewer(None, &[]);

    let first = published(
        &db,
        author,
        &content("Classe dehors", "sortie nature", "public", None, &[]),
    )
    .await?;
    assert_eq!(
        ids(&node_a, &db, query("nature"), anyone.clone()).await?,
        vec![first.0]
    );
    assert_eq!(
        ids(&node_b, &db, query("nature"), anyone.clone()).await?,
        vec![first.0]
    );

    // An edit made "on node B" is seen by node A, and the old words are forgotten.
    let mut edited = content("Classe dehors", "sortie en forêt", "public", None, &[]);
    edited.summary = "Apprendre dehors.".into();
    practices::update(&db, first, author, false, &edited, &Context::default()).await?;
    assert!(
        ids(&node_a, &db, query("nature"), anyone.clone())
            .await?
            .is_empty()
    );
    assert_eq!(
        ids(&node_a, &db, query("forêt"), anyone.clone()).await?,
        vec![first.0]
    );
    assert_eq!(
        ids(&node_b, &db, query("foret"), anyone.clone()).await?,
        vec![first.0]
    );

    // A deleted practice disappears everywhere.
    let second = published(
        &db,
        author,
        &content("Conseil d'élèves", "débat", "public", None, &[]),
    )
    .await?;
    assert_eq!(
        ids(&node_b, &db, query("débat"), anyone.clone()).await?,
        vec![second.0]
    );
    practices::delete(&db, second).await?;
    assert!(
        ids(&node_a, &db, query("débat"), anyone.clone())
            .await?
            .is_empty()
    );
    assert!(
        ids(&node_b, &db, query("débat"), anyone.clone())
            .await?
            .is_empty()
    );

    // The index on disk remembers where it stopped; reopened, it only reads what is new.
    let applied = node_a.applied();
    drop(node_a);
    let reopened = SearchIndex::open(Some(&folder))?;
    assert_eq!(reopened.applied(), applied);
    assert_eq!(reopened.len(), 1);

    // A rebuild gives the same index.
    let indexed = reopened.rebuild(&db, |_| {}).await?;
    assert_eq!(indexed, 1);
    assert_eq!(
        ids(&reopened, &db, query("forêt"), anyone).await?,
        vec![first.0]
    );
    Ok(())
}

async fn space(
    db: &Db,
    owner: PersonId,
    name: &str,
    visibility: &str,
) -> anyhow::Result<domain::ids::SpaceId> {
    let content = domain::spaces::SpaceContent::parse(
        &domain::spaces::SpaceInput {
            name: name.to_owned(),
            visibility: visibility.to_owned(),
            ..domain::spaces::SpaceInput::default()
        },
        false,
    )?;
    Ok(store::spaces::create(db, &content, None, owner, 1 << 30).await?)
}

#[tokio::test]
async fn forum_topics_are_found_by_whoever_may_read_them() -> anyhow::Result<()> {
    use store::spaces::forum;
    let (db, _fresh) = fresh_db().await?;
    let owner = create_person(
        &db,
        "owner@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let outsider = create_person(
        &db,
        "dehors@ac-lille.fr",
        Function::Enseignant1d,
        None,
        false,
    )
    .await?;
    let closed = space(&db, owner, "Conseil école-collège", "members").await?;
    let open = space(&db, owner, "Réseau des bibliothèques", "platform").await?;
    let secret = forum::create_topic(
        &db,
        closed,
        None,
        owner,
        "Évaluations de CM2",
        "Les résultats des élèves arrivent vendredi.",
    )
    .await?;
    let shared = forum::create_topic(
        &db,
        open,
        None,
        owner,
        "Prêt de livres",
        "Les bibliothèques prêtent des livres aux écoles.",
    )
    .await?;
    let practice = published(
        &db,
        owner,
        &content(
            "Livres en réseau",
            "Des livres circulent entre écoles.",
            "public",
            None,
            &[],
        ),
    )
    .await?;
    let index = SearchIndex::open(None)?;
    let topics = |text: &str, space: Option<i64>| SearchQuery {
        scope: search::Scope::Topics { space },
        ..query(text)
    };
    let member = Viewer {
        spaces: vec![closed.0, open.0],
        ..viewer(Some(owner), &[])
    };

    // Words of a reply, accents folded and stemmed; the members only find members' topics.
    let reply = forum::reply(
        &db,
        secret,
        owner,
        "Je prépare les évaluations.",
        None,
        false,
    )
    .await?;
    assert_eq!(
        ids(&index, &db, topics("evaluation", None), member.clone()).await?,
        [secret.0]
    );
    assert!(
        ids(
            &index,
            &db,
            topics("evaluation", None),
            viewer(Some(outsider), &[])
        )
        .await?
        .is_empty()
    );
    assert!(
        ids(&index, &db, topics("evaluation", None), viewer(None, &[]))
            .await?
            .is_empty()
    );
    // A platform space's topics: any signed-in person, never the anonymous.
    assert_eq!(
        ids(
            &index,
            &db,
            topics("livre", None),
            viewer(Some(outsider), &[])
        )
        .await?,
        [shared.0]
    );
    assert!(
        ids(&index, &db, topics("livre", None), viewer(None, &[]))
            .await?
            .is_empty()
    );
    // The scopes: the library has no topics, a forum only its own, `All` both.
    assert_eq!(
        ids(&index, &db, query("livres"), member.clone()).await?,
        [practice.0]
    );
    assert!(
        ids(
            &index,
            &db,
            topics("livres", Some(closed.0)),
            member.clone()
        )
        .await?
        .is_empty()
    );
    let all = index
        .search(
            &db,
            SearchQuery {
                scope: search::Scope::All,
                ..query("livres")
            },
            member.clone(),
        )
        .await?;
    let mut kinds: Vec<(&str, i64)> = all.hits.iter().map(|h| (h.kind.code(), h.id)).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, [("practice", practice.0), ("topic", shared.0)]);
    assert!(
        all.hits
            .iter()
            .any(|h| h.kind == search::DocumentKind::Topic { space: open.0 })
    );

    // A hidden message is no longer found; a hidden topic not at all.
    forum::hide_message(&db, reply.message, true).await?;
    assert!(
        ids(&index, &db, topics("prépare", None), member.clone())
            .await?
            .is_empty()
    );
    forum::moderate_topic(&db, shared, forum::TopicChange::Hide(true), owner).await?;
    assert!(
        ids(&index, &db, topics("livre", None), member.clone())
            .await?
            .is_empty()
    );

    // A rebuild from the database finds the same.
    let rebuilt = SearchIndex::open(None)?;
    assert_eq!(
        ids(&rebuilt, &db, topics("evaluation", None), member.clone()).await?,
        [secret.0]
    );
    assert!(
        ids(&rebuilt, &db, topics("livre", None), member)
            .await?
            .is_empty()
    );
    Ok(())
}
