//! The demo observatories: eight in the first pilot territory, as in seed 000 (six created,
//! two existing), each with a pilot, a referent, volunteer observers of every function, an
//! INSPE partner and an action-research question. The first one has visits at every step:
//! the demo 1er-degré teacher's request with a proposed binôme, and a closed visit with its
//! observation, analysis and a training need — which the demo IEN, her superior, never sees.

use domain::accounts::Function;
use domain::ids::{ObservatoryId, PersonId, TerritoryId};
use domain::observatories::binome::{Period, Weights};
use domain::observatories::visit::{Category, Item, TrainingNeed, VisitEvent};
use domain::policy::VisitPart;
use store::Db;
use store::observatories::visits::{self, NewRequest};
use store::observatories::{self, NewObservatory};

/// Name, theme, scope, research question, existing before the project.
const OBSERVATORIES: [(&str, &str, &str, &str, bool); 8] = [
    (
        "Observatoire de l'oral",
        "L'oral, du cycle 1 au lycée",
        "Écoles, collèges et lycées du territoire",
        "Quels gestes professionnels aident les élèves les plus fragiles à prendre la parole ?",
        true,
    ),
    (
        "Observatoire des mathématiques",
        "Calcul mental et résolution de problèmes",
        "Cycles 2 à 4",
        "Comment la manipulation et la verbalisation transforment-elles la résolution de problèmes ?",
        true,
    ),
    (
        "Observatoire du numérique éducatif",
        "Les usages du numérique en classe",
        "Écoles et collèges",
        "Quand l'outil numérique rend-il l'élève plus autonome ?",
        false,
    ),
    (
        "Observatoire de la différenciation",
        "Différencier et inclure",
        "Tous niveaux",
        "Quelles organisations de classe permettent à chacun d'avancer à son rythme ?",
        false,
    ),
    (
        "Observatoire du climat scolaire",
        "Bien-être et climat scolaire",
        "Écoles, collèges, lycées",
        "Comment les rituels de classe agissent-ils sur le climat scolaire ?",
        false,
    ),
    (
        "Observatoire de la liaison école-collège",
        "Continuité des apprentissages au cycle 3",
        "CM1, CM2, 6e",
        "Quels outils partagés facilitent l'entrée au collège ?",
        false,
    ),
    (
        "Observatoire de l'éducation artistique et culturelle",
        "Pratiques artistiques et parcours culturel",
        "Tous niveaux, avec les structures culturelles",
        "Comment une résidence d'artiste change-t-elle le rapport des élèves aux apprentissages ?",
        false,
    ),
    (
        "Observatoire de la coopération",
        "Apprendre ensemble : coopération entre élèves",
        "Tous niveaux",
        "À quelles conditions le travail de groupe profite-t-il à tous les élèves ?",
        false,
    ),
];

/// Observers drawn from the territory's staff, per observatory.
const OBSERVERS: usize = 24;

pub async fn generate(
    db: &Db,
    territory: TerritoryId,
    accounts: &[(Option<Function>, PersonId)],
) -> anyhow::Result<()> {
    let account = |function: Option<Function>| {
        accounts
            .iter()
            .find(|(f, _)| *f == function)
            .map(|(_, p)| *p)
    };
    let (Some(admin), Some(ien), Some(perdir), Some(teacher), Some(referent), Some(director)) = (
        account(None),
        account(Some(Function::Ien)),
        account(Some(Function::Perdir)),
        account(Some(Function::Enseignant1d)),
        account(Some(Function::Enseignant2d)),
        account(Some(Function::DirecteurEcole)),
    ) else {
        return Ok(());
    };
    let pool = store::territories::staff_sample(db, territory, (OBSERVERS * 8) as i64).await?;
    let mut first = None;
    for (n, (name, theme, scope, question, existing)) in OBSERVATORIES.iter().enumerate() {
        let scope = if *existing {
            format!("{scope} (observatoire existant)")
        } else {
            (*scope).to_owned()
        };
        // The demo IEN pilots the first observatory (with the PERDIR): a pilot and an
        // administrator can be a superior of observed teachers, and then see none of it.
        let pilots = if n == 0 {
            vec![ien, perdir]
        } else {
            vec![perdir]
        };
        let mut observers: Vec<PersonId> = pool
            .iter()
            .skip(n * OBSERVERS)
            .take(OBSERVERS)
            .copied()
            .filter(|p| *p != teacher)
            .collect();
        // The demo director (of the teacher's école) and IEN volunteer too: the solver never
        // proposes them for her class. The trainer, CPE and psyEN are there for the demo's
        // referent to swap in.
        observers.extend([director, ien]);
        observers.extend(
            [Function::Formateur, Function::Cpe, Function::Psyen]
                .into_iter()
                .filter_map(|f| account(Some(f))),
        );
        let id = observatories::create(
            db,
            &NewObservatory {
                territory: Some(territory),
                name: (*name).to_owned(),
                theme: (*theme).to_owned(),
                scope,
                research_question: (*question).to_owned(),
                inspe_partner: "INSPE Lille Hauts-de-France".to_owned(),
                space_quota: domain::spaces::DEFAULT_QUOTA,
            },
            &pilots,
            &[referent],
            &observers,
            admin,
        )
        .await?;
        first.get_or_insert(id);
    }
    if let Some(first) = first {
        visits_of(db, first, teacher).await?;
    }
    Ok(())
}

/// The demo teacher's two visits in the first observatory: one closed, one proposed.
async fn visits_of(db: &Db, observatory: ObservatoryId, teacher: PersonId) -> anyhow::Result<()> {
    let profile = store::accounts::profile(db, teacher).await?;
    let Some(school) = profile.establishments.first() else {
        return Ok(());
    };
    let today = store::now() / 86_400;
    let periods = vec![Period {
        from: today - 30,
        to: today + 60,
    }];
    let closed = visits::request(
        db,
        observatory,
        &NewRequest {
            uai: school.uai.clone(),
            focus: "Les débats réglés en CM1 : comment chaque élève prend-il la parole ?"
                .to_owned(),
            constraints: "Le jeudi après-midi".to_owned(),
            teachers: vec![teacher],
            periods: periods.clone(),
        },
        teacher,
    )
    .await?;
    observatories::assign(db, observatory, &Weights::default()).await?;
    let Some(visit) = visits::request_detail(db, closed).await?.visit else {
        return Ok(());
    };
    let start = (today - 20) * 86_400 + 13 * 3_600;
    visits::schedule(db, visit, start, start + 5_400).await?;
    let details = visits::get(db, visit).await?;
    let Some(observer) = details.observers.first().map(|o| o.id) else {
        return Ok(());
    };
    let item = |category, text: &str, at| Item {
        category,
        text: text.to_owned(),
        at_minute: Some(at),
    };
    visits::save_observation(
        db,
        visit,
        &[
            item(
                Category::Geste,
                "Reformule sans juger chaque prise de parole",
                4,
            ),
            item(
                Category::Outil,
                "Bâton de parole et affiche des règles du débat",
                6,
            ),
            item(
                Category::Pratique,
                "Rôles tournants : président, secrétaire, gardien du temps",
                10,
            ),
            item(
                Category::Attitude,
                "Les élèves s'écoutent et se répondent sans passer par l'enseignante",
                25,
            ),
        ],
        "Débat sur la question « Faut-il des règles pour être libre ? ». 26 élèves.",
        observer,
    )
    .await?;
    visits::advance(db, visit, VisitEvent::Observe).await?;
    let analysis = "Ce que nous retenons ensemble : les rôles tournants donnent la parole à des élèves qui ne la prennent pas d'habitude ; l'affiche des règles, construite avec la classe, sert de référence commune. À approfondir : la trace écrite du débat.";
    visits::save_analysis(db, visit, analysis, observer).await?;
    visits::agree(db, visit, VisitPart::Observer).await?;
    visits::agree(db, visit, VisitPart::Observed).await?;
    let need = TrainingNeed::parse("Conduire un débat réglé", "premier-degre", "Cycle 3")
        .map_err(|e| anyhow::anyhow!(e.message))?;
    visits::add_need(db, &visits::get(db, visit).await?, &need).await?;
    // A second request, waiting for the referent to set its date.
    visits::request(
        db,
        observatory,
        &NewRequest {
            uai: school.uai.clone(),
            focus: "La lecture à voix haute au cycle 3 : quels entraînements ?".to_owned(),
            constraints: String::new(),
            teachers: vec![teacher],
            periods,
        },
        teacher,
    )
    .await?;
    observatories::assign(db, observatory, &Weights::default()).await?;
    Ok(())
}
