//! Demo data: establishments placed on real communes in numbers weighted by real population,
//! circonscriptions and bassins drawn around the largest communes, staff of every function,
//! the three pilot territories of the seeds, one demo account per function, and an exchange
//! space.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use domain::accounts::{Email, Function, PersonName, demo_email, password};
use domain::directory::annuaire::Entry;
use domain::directory::geo::{self, Commune};
use domain::directory::{EducationPrioritaire, EstablishmentKind, Uai};
use domain::policy::TerritoryRole;
use domain::territories::NewTerritory;
use rand::distributions::Alphanumeric;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::Db;
use store::accounts::{BulkPerson, NewPerson};

use crate::Scale;

mod observatories;
mod practices;
mod project;
mod spaces;
mod territories;
mod training;

/// About one establishment per this many inhabitants (66,000 for 68 million).
const INHABITANTS_PER_ESTABLISHMENT: f64 = 1030.0;
const PILOT_DEPARTEMENTS: [&str; 5] = ["62", "03", "15", "43", "63"];
/// The département of the first pilot territory (OTA62), whose members the demo accounts are:
/// those who work in an establishment or a circonscription work in one of it.
const DEMO_DEPARTEMENT: &str = "62";
const VAL_DE_REUIL: &str = "27701";
const VAL_DE_REUIL_RADIUS_KM: f64 = 15.0;
const PASSWORD_FILE: &str = "demo-password.txt";

const NAMESAKES: &[&str] = &[
    "Jean Jaurès",
    "Jules Ferry",
    "Victor Hugo",
    "Louise Michel",
    "Marie Curie",
    "Jacques Prévert",
    "Jean Moulin",
    "Paul Bert",
    "Louis Pasteur",
    "Condorcet",
    "Jean de La Fontaine",
    "Simone Veil",
    "Albert Camus",
    "Anne Frank",
    "Pierre et Marie Curie",
    "Jean Macé",
    "Paul Langevin",
    "George Sand",
    "Antoine de Saint-Exupéry",
    "Voltaire",
    "Jean Zay",
    "Olympe de Gouges",
    "Germaine Tillion",
    "Aimé Césaire",
    "Joséphine Baker",
    "Camille Claudel",
    "Léon Blum",
    "Jean Rostand",
    "Marcel Pagnol",
    "Colette",
    "Les Tilleuls",
    "Les Peupliers",
    "Le Centre",
    "Les Marronniers",
    "La Fontaine",
    "Le Bourg",
    "Les Hirondelles",
    "Pablo Picasso",
    "Émile Zola",
    "Romain Rolland",
];
const FIRST_NAMES: &[&str] = &[
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Céline",
    "Sandrine",
    "Aurélie",
    "Julie",
    "Camille",
    "Émilie",
    "Sophie",
    "Claire",
    "Laure",
    "Inès",
    "Léa",
    "Manon",
    "Chloé",
    "Amina",
    "Fatima",
    "Jean",
    "Pierre",
    "Nicolas",
    "Thomas",
    "Julien",
    "Sébastien",
    "Laurent",
    "David",
    "Olivier",
    "François",
    "Mathieu",
    "Antoine",
    "Karim",
    "Mehdi",
    "Hugo",
    "Lucas",
    "Romain",
    "Vincent",
    "Stéphane",
    "Yannick",
];
const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefèvre",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Gautier",
    "Masson",
    "Benali",
    "Nguyen",
    "Da Silva",
];
const SUBJECTS: &[&str] = &[
    "Mathématiques",
    "Lettres modernes",
    "Histoire-géographie",
    "Anglais",
    "Espagnol",
    "Allemand",
    "Sciences de la vie et de la Terre",
    "Physique-chimie",
    "Technologie",
    "Éducation physique et sportive",
    "Arts plastiques",
    "Éducation musicale",
    "Sciences économiques et sociales",
    "Philosophie",
    "Documentation",
];
const LEVELS_1D: &[&str] = &["PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2"];
const LEVELS_2D: &[&str] = &["6e", "5e", "4e", "3e", "2de", "1re", "Tle"];

/// Generates a random password of 16 letters and digits.
pub fn generate_password() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// Prints the demo accounts and their password (kept in the data folder, demo mode only).
pub fn print_accounts(data_dir: &Path) {
    let password = std::fs::read_to_string(data_dir.join(PASSWORD_FILE)).unwrap_or_default();
    println!(
        "Comptes de démonstration (mot de passe : {}) :",
        password.trim()
    );
    println!("  {:<45} Administrateur de la plateforme", demo_email(None));
    for function in Function::ALL {
        println!("  {:<45} {}", demo_email(Some(function)), function.label());
    }
}

/// Cumulative weights for drawing communes.
struct Weighted<'a> {
    communes: Vec<&'a Commune>,
    cumulative: Vec<f64>,
}

impl<'a> Weighted<'a> {
    fn new(communes: &[&'a Commune], weight: impl Fn(&Commune) -> f64) -> Self {
        let mut total = 0.0;
        let cumulative = communes
            .iter()
            .map(|c| {
                total += weight(c).max(0.0);
                total
            })
            .collect();
        Self {
            communes: communes.to_vec(),
            cumulative,
        }
    }

    fn draw(&self, rng: &mut impl Rng) -> &'a Commune {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.r#gen::<f64>() * total;
        let i = self
            .cumulative
            .partition_point(|c| *c <= x)
            .min(self.communes.len() - 1);
        self.communes[i]
    }
}

fn kind_for(rng: &mut impl Rng) -> EstablishmentKind {
    match rng.gen_range(0..1000) {
        0..750 => EstablishmentKind::Ecole,
        750..860 => EstablishmentKind::College,
        860..925 => EstablishmentKind::Lycee,
        925..927 => EstablishmentKind::Erea,
        927..945 => EstablishmentKind::Orientation,
        945..975 => EstablishmentKind::MedicoSocial,
        975..990 => EstablishmentKind::Administratif,
        _ => EstablishmentKind::Autre,
    }
}

fn establishment_name(kind: EstablishmentKind, rng: &mut impl Rng, commune: &str) -> String {
    let namesake = NAMESAKES[rng.gen_range(0..NAMESAKES.len())];
    match kind {
        EstablishmentKind::Ecole => {
            let prefix =
                ["École primaire", "École élémentaire", "École maternelle"][rng.gen_range(0..3)];
            format!("{prefix} {namesake}")
        }
        EstablishmentKind::College => format!("Collège {namesake}"),
        EstablishmentKind::Lycee => {
            let prefix = [
                "Lycée",
                "Lycée général et technologique",
                "Lycée professionnel",
            ][rng.gen_range(0..3)];
            format!("{prefix} {namesake}")
        }
        EstablishmentKind::Erea => format!("EREA {namesake}"),
        EstablishmentKind::Orientation => {
            format!("Centre d'information et d'orientation de {commune}")
        }
        EstablishmentKind::MedicoSocial => format!("Institut médico-éducatif {namesake}"),
        EstablishmentKind::Administratif => {
            format!("Service départemental de l'Éducation nationale — {commune}")
        }
        EstablishmentKind::Autre => format!("Centre de ressources {namesake}"),
    }
}

/// Groups `points` around `k` seeds (the largest communes), returning each point's group.
fn nearest_seed(points: &[(f64, f64)], seeds: &[(f64, f64)]) -> Vec<usize> {
    points
        .iter()
        .map(|(lat, lon)| {
            seeds
                .iter()
                .enumerate()
                .map(|(i, (slat, slon))| {
                    (
                        i,
                        (lat - slat).powi(2) + ((lon - slon) * lat.to_radians().cos()).powi(2),
                    )
                })
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(0, |(i, _)| i)
        })
        .collect()
}

struct Draft {
    entry: Entry,
    commune_population: u32,
}

/// Establishments of one département.
fn departement_establishments(
    departement: &str,
    communes: &[&Commune],
    rng: &mut impl Rng,
    next_number: &mut u32,
) -> Vec<Draft> {
    let population: f64 = communes.iter().map(|c| f64::from(c.population)).sum();
    let count = ((population / INHABITANTS_PER_ESTABLISHMENT).round() as usize).max(1);
    let primary = Weighted::new(communes, |c| f64::from(c.population));
    let secondary = Weighted::new(communes, |c| f64::from(c.population).powf(1.3));
    let prefix: u32 = geo::uai_prefix(departement).parse().unwrap_or(0);
    let mut drafts: Vec<Draft> = (0..count)
        .map(|_| {
            let kind = kind_for(rng);
            let commune = if kind == EstablishmentKind::Ecole {
                primary.draw(rng)
            } else {
                secondary.draw(rng)
            };
            *next_number += 1;
            let uai = Uai::from_number(prefix * 10_000 + (*next_number % 9_000));
            let ep = match rng.gen_range(0..100) {
                0..8 => Some(EducationPrioritaire::Rep),
                8..11 => Some(EducationPrioritaire::RepPlus),
                _ => None,
            }
            .filter(|_| kind.is_first_degree() || kind == EstablishmentKind::College);
            let pupils = match kind {
                EstablishmentKind::Ecole => Some(rng.gen_range(25..320)),
                EstablishmentKind::College => Some(rng.gen_range(180..900)),
                EstablishmentKind::Lycee => Some(rng.gen_range(300..2000)),
                _ => None,
            };
            Draft {
                entry: Entry {
                    uai,
                    name: establishment_name(kind, rng, &commune.name),
                    kind,
                    public: !(kind.is_first_degree() || kind.is_second_degree())
                        || rng.gen_range(0..100) < 85,
                    address: Some(format!(
                        "{} rue {}",
                        rng.gen_range(1..120),
                        NAMESAKES[rng.gen_range(0..NAMESAKES.len())]
                    )),
                    postal_code: None,
                    commune_code: commune.code.clone(),
                    commune_name: commune.name.clone(),
                    departement: departement.to_owned(),
                    circonscription: None,
                    bassin: None,
                    education_prioritaire: ep,
                    pupils,
                    phone: Some(format!(
                        "03 {:02} {:02} {:02} {:02}",
                        rng.gen_range(10..99),
                        rng.gen_range(0..99),
                        rng.gen_range(0..99),
                        rng.gen_range(0..99)
                    )),
                    email: None,
                    latitude: Some(commune.latitude + rng.gen_range(-0.008..0.008)),
                    longitude: Some(commune.longitude + rng.gen_range(-0.008..0.008)),
                    open: rng.gen_range(0..100) < 98,
                },
                commune_population: commune.population,
            }
        })
        .collect();

    // Circonscriptions (écoles, about 45 each) and bassins (collèges, lycées, EREA, about 20
    // each), named after the largest communes.
    let mut by_population: Vec<&&Commune> = communes.iter().collect();
    by_population.sort_by_key(|c| std::cmp::Reverse(c.population));
    for (first_degree, per_unit) in [(true, 45usize), (false, 20usize)] {
        let members: Vec<usize> = (0..drafts.len())
            .filter(|&i| {
                let k = drafts[i].entry.kind;
                if first_degree {
                    k.is_first_degree()
                } else {
                    k.is_second_degree()
                }
            })
            .collect();
        if members.is_empty() {
            continue;
        }
        let units = members.len().div_ceil(per_unit).min(by_population.len());
        let seeds: Vec<(f64, f64)> = by_population[..units]
            .iter()
            .map(|c| (c.latitude, c.longitude))
            .collect();
        let points: Vec<(f64, f64)> = members
            .iter()
            .map(|&i| {
                (
                    drafts[i].entry.latitude.unwrap_or(0.0),
                    drafts[i].entry.longitude.unwrap_or(0.0),
                )
            })
            .collect();
        for (&i, unit) in members.iter().zip(nearest_seed(&points, &seeds)) {
            let town = &by_population[unit].name;
            if first_degree {
                let code = Uai::from_number(prefix * 10_000 + 9_000 + unit as u32).to_string();
                drafts[i].entry.circonscription =
                    Some((code, format!("Circonscription de {town}")));
            } else {
                let code = format!("{}{:03}", geo::uai_prefix(departement), unit + 1);
                drafts[i].entry.bassin = Some((code, town.to_string()));
            }
        }
    }
    drafts.sort_by_key(|d| std::cmp::Reverse(d.commune_population));
    drafts
}

fn person_name(rng: &mut impl Rng) -> (String, String) {
    (
        FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())].to_owned(),
        LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())].to_owned(),
    )
}

/// Gives unique academic addresses: prenom.nom@ac-xxx.fr, then prenom.nom2@…
struct Addresses(HashMap<String, u32>);

impl Addresses {
    fn next(&mut self, first: &str, last: &str, academie: &str) -> String {
        let local = domain::text::slugify(&format!("{first} {last}")).replace('-', ".");
        let domain = format!("ac-{}.fr", domain::text::slugify(academie));
        let key = format!("{local}@{domain}");
        let n = self.0.entry(key).or_insert(0);
        *n += 1;
        if *n == 1 {
            format!("{local}@{domain}")
        } else {
            format!("{local}{n}@{domain}")
        }
    }
}

pub async fn generate(db: &Db, scale: Scale, seed: u64, data_dir: &Path) -> anyhow::Result<()> {
    if store::directory::count_establishments(db).await? > 0 {
        bail!(
            "la base contient déjà des établissements : les données de démonstration ne remplissent qu'une base vide"
        );
    }
    let started = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let all = geo::communes();
    let val_de_reuil = all
        .iter()
        .find(|c| c.code == VAL_DE_REUIL)
        .context("Val-de-Reuil absent des communes")?;
    let (vdr_lat, vdr_lon) = (val_de_reuil.latitude, val_de_reuil.longitude);
    let near_vdr = |c: &Commune| {
        geo::distance_km(c.latitude, c.longitude, vdr_lat, vdr_lon) <= VAL_DE_REUIL_RADIUS_KM
    };
    let selected: Vec<&Commune> = match scale {
        Scale::National => all.iter().collect(),
        Scale::Departement => all
            .iter()
            .filter(|c| {
                PILOT_DEPARTEMENTS.contains(&c.departement.as_str())
                    || (c.departement == "27" && near_vdr(c))
            })
            .collect(),
    };
    let mut by_departement: Vec<(String, Vec<&Commune>)> = Vec::new();
    for commune in selected {
        match by_departement
            .iter_mut()
            .find(|(d, _)| *d == commune.departement)
        {
            Some((_, list)) => list.push(commune),
            None => by_departement.push((commune.departement.clone(), vec![commune])),
        }
    }
    eprintln!(
        "Génération des établissements sur {} département(s)…",
        by_departement.len()
    );
    let mut drafts = Vec::new();
    for (departement, communes) in &by_departement {
        let mut number = 0;
        drafts.extend(departement_establishments(
            departement,
            communes,
            &mut rng,
            &mut number,
        ));
    }
    let entries: Vec<Entry> = drafts.into_iter().map(|d| d.entry).collect();
    eprintln!("Écriture de {} établissements…", entries.len());
    store::directory::import(db, &entries).await?;
    let ids = store::directory::ids_by_uai(db).await?;

    eprintln!("Génération des personnels…");
    let mut addresses = Addresses(HashMap::new());
    let mut people: Vec<BulkPerson> = Vec::new();
    let mut push = |rng: &mut ChaCha8Rng,
                    function: Function,
                    establishment: Option<i64>,
                    academie: &str,
                    circo: Option<String>,
                    subject: Option<String>,
                    level: Option<String>,
                    addresses: &mut Addresses| {
        let (first, last) = person_name(rng);
        let academie_name = geo::academie_name(academie).unwrap_or("education");
        people.push(BulkPerson {
            email: addresses.next(&first, &last, academie_name),
            name: format!("{first} {last}"),
            function,
            establishment,
            circonscription: circo,
            academie: Some(academie.to_owned()),
            subject,
            level,
        });
    };
    let mut circonscriptions: Vec<(String, String)> = Vec::new();
    for entry in &entries {
        let Some(&id) = ids.get(entry.uai.as_str()) else {
            continue;
        };
        let academie = geo::academie_of(&entry.departement).unwrap_or("01");
        if let Some((code, _)) = &entry.circonscription
            && !circonscriptions.iter().any(|(c, _)| c == code)
        {
            circonscriptions.push((code.clone(), academie.to_owned()));
        }
        let (teachers, heads, cpe, psyen) = match entry.kind {
            EstablishmentKind::Ecole => (rng.gen_range(3..10), 1, 0, 0),
            EstablishmentKind::College => (rng.gen_range(25..45), 2, 1, 1),
            EstablishmentKind::Lycee => (rng.gen_range(40..80), 3, 2, 1),
            EstablishmentKind::Erea => (rng.gen_range(10..20), 1, 1, 0),
            _ => (0, 0, 0, 0),
        };
        let first_degree = entry.kind.is_first_degree();
        for _ in 0..heads {
            let function = if first_degree {
                Function::DirecteurEcole
            } else {
                Function::Perdir
            };
            let level =
                first_degree.then(|| LEVELS_1D[rng.gen_range(0..LEVELS_1D.len())].to_owned());
            push(
                &mut rng,
                function,
                Some(id),
                academie,
                None,
                None,
                level,
                &mut addresses,
            );
        }
        for _ in 0..teachers {
            if first_degree {
                let level = Some(LEVELS_1D[rng.gen_range(0..LEVELS_1D.len())].to_owned());
                push(
                    &mut rng,
                    Function::Enseignant1d,
                    Some(id),
                    academie,
                    None,
                    None,
                    level,
                    &mut addresses,
                );
            } else {
                let subject = Some(SUBJECTS[rng.gen_range(0..SUBJECTS.len())].to_owned());
                let levels = if entry.kind == EstablishmentKind::College {
                    &LEVELS_2D[..4]
                } else {
                    &LEVELS_2D[4..]
                };
                let level = Some(levels[rng.gen_range(0..levels.len())].to_owned());
                push(
                    &mut rng,
                    Function::Enseignant2d,
                    Some(id),
                    academie,
                    None,
                    subject,
                    level,
                    &mut addresses,
                );
            }
        }
        for _ in 0..cpe {
            push(
                &mut rng,
                Function::Cpe,
                Some(id),
                academie,
                None,
                None,
                None,
                &mut addresses,
            );
        }
        for _ in 0..psyen {
            push(
                &mut rng,
                Function::Psyen,
                Some(id),
                academie,
                None,
                None,
                None,
                &mut addresses,
            );
        }
    }
    for (code, academie) in &circonscriptions {
        push(
            &mut rng,
            Function::Ien,
            None,
            academie,
            Some(code.clone()),
            None,
            None,
            &mut addresses,
        );
        for _ in 0..2 {
            push(
                &mut rng,
                Function::Cpc,
                None,
                academie,
                Some(code.clone()),
                None,
                None,
                &mut addresses,
            );
        }
    }
    let mut academies: Vec<&str> = by_departement
        .iter()
        .filter_map(|(d, _)| geo::academie_of(d))
        .collect();
    academies.dedup();
    for academie in academies {
        for subject in SUBJECTS {
            push(
                &mut rng,
                Function::IaIpr,
                None,
                academie,
                None,
                Some((*subject).to_owned()),
                None,
                &mut addresses,
            );
        }
        for (function, count) in [
            (Function::Formateur, 30),
            (Function::ChargeDeMission, 8),
            (Function::Partenaire, 20),
            (Function::EtudiantMeef, 60),
            (Function::Chercheur, 10),
        ] {
            for _ in 0..count {
                push(
                    &mut rng,
                    function,
                    None,
                    academie,
                    None,
                    None,
                    None,
                    &mut addresses,
                );
            }
        }
    }
    eprintln!("Écriture de {} personnes…", people.len());
    for chunk in people.chunks(100_000) {
        store::accounts::insert_people_bulk(db, chunk).await?;
    }

    let password = generate_password();
    let accounts = demo_accounts(db, &entries, &password).await?;
    let territories = territories(db, &entries, &ids, &accounts, vdr_lat, vdr_lon).await?;
    if let Some(first) = territories.first() {
        spaces::generate(db, *first, &accounts).await?;
        eprintln!("Écriture des observatoires et de leurs visites…");
        observatories::generate(db, *first, &accounts).await?;
        self::territories::generate(db, *first, &accounts).await?;
        self::territories::generate_events(db, *first, &accounts).await?;
        self::territories::generate_launch(db, *first, &accounts).await?;
    }
    let practice_count = match scale {
        Scale::Departement => 400,
        Scale::National => 1_000_000,
    };
    eprintln!("Écriture de {practice_count} pratiques…");
    practices::generate(db, &mut rng, practice_count).await?;
    demo_teacher_practices(db, &accounts).await?;
    if let Some(first) = territories.first() {
        training::generate(db, *first, &accounts).await?;
    }
    if let Some((_, admin)) = accounts.iter().find(|(f, _)| f.is_none()) {
        eprintln!(
            "Écriture du projet stratégique de l'académie de Clermont-Ferrand et calcul des indicateurs…"
        );
        project::generate(db, *admin).await?;
        if let Some(academie) = geo::academie_of(DEMO_DEPARTEMENT) {
            project::generate_to_write(db, academie).await?;
        }
    }
    std::fs::write(data_dir.join(PASSWORD_FILE), format!("{password}\n"))
        .with_context(|| format!("écriture impossible dans {}", data_dir.display()))?;
    println!(
        "Données de démonstration créées en {:.1} s : {} établissements, {} personnes, 3 territoires, {} pratiques, 8 observatoires et leurs espaces, 1 espace d'échange, 5 instances et groupes de travail, 4 événements, 1 module de formation, 1 parcours et le projet stratégique de l'académie de Clermont-Ferrand avec ses indicateurs.",
        started.elapsed().as_secs_f64(),
        entries.len(),
        people.len() + accounts.len(),
        practice_count + 2
    );
    Ok(())
}

/// The demo teacher (1er degré) has a published practice and a draft, to show their page.
async fn demo_teacher_practices(
    db: &Db,
    accounts: &[(Option<Function>, domain::ids::PersonId)],
) -> anyhow::Result<()> {
    use domain::practices::{PracticeContent, PracticeInput};
    let Some((_, teacher)) = accounts
        .iter()
        .find(|(f, _)| *f == Some(Function::Enseignant1d))
    else {
        return Ok(());
    };
    let sheets = [
        (
            "Les ceintures de calcul mental en CM1",
            "Chaque élève progresse à son rythme dans des ceintures de couleur, comme au judo ; l'évaluation devient un encouragement.",
            "## Contexte\n\nUne classe de CM1 très hétérogène en calcul.\n\n## Déroulé\n\n- un rituel de dix minutes chaque matin ;\n- un test court par ceinture, repassé quand l'élève se sent prêt ;\n- un carnet de réussites montré aux familles.\n\n## Ce que nous avons observé\n\nLes élèves les plus fragiles osent se lancer : ils ne sont plus comparés aux autres.",
            "public",
            true,
        ),
        (
            "Un conseil d'élèves pour la cour de récréation",
            "Brouillon : un conseil coopératif hebdomadaire pour régler les conflits de la cour.",
            "À compléter après la première période.",
            "platform",
            false,
        ),
    ];
    for (title, summary, body, visibility, publish) in sheets {
        let content = PracticeContent::parse(&PracticeInput {
            title: title.to_owned(),
            summary: summary.to_owned(),
            body_markdown: body.to_owned(),
            licence: "CC-BY-SA".to_owned(),
            visibility: visibility.to_owned(),
            tags: vec![
                ("level".to_owned(), "cycle-3".to_owned()),
                ("subject".to_owned(), "mathematiques".to_owned()),
            ],
            ..PracticeInput::default()
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let id = store::practices::create(
            db,
            *teacher,
            false,
            &content,
            &store::practices::Context::default(),
        )
        .await?;
        if publish {
            store::practices::publish(db, id, *teacher).await?;
        }
    }
    Ok(())
}

/// The establishments where the demo accounts work: those of `DEMO_DEPARTEMENT`, the
/// first pilot territory's (all of them when it has none, in a test's small directory).
fn demo_places(entries: &[Entry]) -> Vec<&Entry> {
    let home: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.departement == DEMO_DEPARTEMENT)
        .collect();
    if home.is_empty() {
        entries.iter().collect()
    } else {
        home
    }
}

/// One account per function (and an administrator), placed so that their relations make
/// sense: all in the first pilot territory's département, whose members they are; the IEN
/// (and the CPC) lead the circonscription of the demo école, the PERDIR the demo collège.
async fn demo_accounts(
    db: &Db,
    entries: &[Entry],
    password: &str,
) -> anyhow::Result<Vec<(Option<Function>, domain::ids::PersonId)>> {
    let hash = password::hash(password).map_err(|e| anyhow::anyhow!(e))?;
    let places = demo_places(entries);
    let ecole = places
        .iter()
        .copied()
        .find(|e| e.kind == EstablishmentKind::Ecole && e.circonscription.is_some() && e.open);
    let college = places
        .iter()
        .copied()
        .find(|e| e.kind == EstablishmentKind::College && e.open);
    // The demo école's circonscription (else the first of the département).
    let circo = ecole
        .into_iter()
        .chain(places.iter().copied())
        .find_map(|e| e.circonscription.clone())
        .map(|c| c.0);
    let departement = ecole
        .or(college)
        .map_or(DEMO_DEPARTEMENT, |e| e.departement.as_str());
    let academie = geo::academie_of(departement).map(str::to_owned);
    let mut created = Vec::new();
    for function in std::iter::once(None).chain(Function::ALL.into_iter().map(Some)) {
        let at = |e: Option<&Entry>| e.map(|e| vec![e.uai.clone()]).unwrap_or_default();
        let (establishments, circonscription, subjects, levels) = match function {
            Some(Function::Enseignant1d) => (at(ecole), None, vec![], vec!["CM1".to_owned()]),
            Some(Function::DirecteurEcole) => (at(ecole), None, vec![], vec!["CM2".to_owned()]),
            Some(Function::Enseignant2d) => (
                at(college),
                None,
                vec!["Mathématiques".to_owned()],
                vec!["4e".to_owned()],
            ),
            Some(Function::Perdir | Function::Cpe | Function::Psyen) => {
                (at(college), None, vec![], vec![])
            }
            Some(Function::Ien | Function::Cpc) => (vec![], circo.clone(), vec![], vec![]),
            Some(Function::IaIpr) => (vec![], None, vec!["Mathématiques".to_owned()], vec![]),
            _ => (vec![], None, vec![], vec![]),
        };
        let name = match function {
            None => "Administrateur Démo".to_owned(),
            Some(f) => format!("{} (démo)", f.label()),
        };
        let new = NewPerson {
            email: Email::parse(&demo_email(function))?,
            name: PersonName::parse(&name)?,
            function: function.unwrap_or(Function::ChargeDeMission),
            password_hash: Some(hash.clone()),
            admin: function.is_none(),
            establishments,
            circonscription,
            academie: academie.clone(),
            subjects,
            levels,
        };
        created.push((function, store::accounts::create_person(db, &new).await?));
    }
    Ok(created)
}

/// Name, description, establishments and `(name, kind)` partners of a demo territory.
type TerritoryDefinition<'a> = (&'a str, &'a str, Vec<i64>, &'a [(&'a str, &'a str)]);

async fn territories(
    db: &Db,
    entries: &[Entry],
    ids: &HashMap<String, i64>,
    accounts: &[(Option<Function>, domain::ids::PersonId)],
    vdr_lat: f64,
    vdr_lon: f64,
) -> anyhow::Result<Vec<domain::ids::TerritoryId>> {
    let pick = |filter: &dyn Fn(&Entry) -> bool| -> Vec<i64> {
        entries
            .iter()
            .filter(|e| filter(e))
            .filter_map(|e| ids.get(e.uai.as_str()).copied())
            .collect()
    };
    let definitions: [TerritoryDefinition; 3] = [
        (
            "OTA62 — Observatoire du territoire apprenant du Pas-de-Calais",
            "Valoriser les retours d'expérience et les échanges de pratiques entre pairs, observer les classes sans jugement et construire la formation à partir des besoins exprimés.",
            pick(&|e| e.departement == DEMO_DEPARTEMENT),
            &[
                ("Département du Pas-de-Calais", "collectivite"),
                ("Réseau Canopé — atelier d'Arras", "canope"),
                ("INSPE Lille Hauts-de-France", "inspe"),
                ("CARDIE de l'académie de Lille", "academique"),
                ("Louvre-Lens", "culture"),
            ],
        ),
        (
            "Territoire apprenant de Val-de-Reuil",
            "Un réseau d'écoles, de collèges et de lycées autour de Val-de-Reuil et de Louviers, avec la ville et ses partenaires, pour la réussite de tous les élèves.",
            pick(&|e| {
                e.departement == "27"
                    && e.latitude.zip(e.longitude).is_some_and(|(lat, lon)| {
                        geo::distance_km(lat, lon, vdr_lat, vdr_lon) <= VAL_DE_REUIL_RADIUS_KM
                    })
            }),
            &[
                ("Ville de Val-de-Reuil", "collectivite"),
                ("Agglomération Seine-Eure", "collectivite"),
                ("Médiathèque de Val-de-Reuil", "culture"),
                ("INSPE Normandie Rouen-Le Havre", "inspe"),
            ],
        ),
        (
            "Réseaux d'enseignants innovants — académie de Clermont-Ferrand",
            "Des réseaux d'enseignants en démarche d'innovation, accompagnés sur trois ans jusqu'à devenir passeurs d'expériences dans leur territoire.",
            pick(&|e| {
                ["03", "15", "43", "63"].contains(&e.departement.as_str())
                    && !e.kind.is_first_degree()
            }),
            &[
                ("CARDIE de l'académie de Clermont-Ferrand", "academique"),
                ("INSPE Clermont-Auvergne", "inspe"),
                ("Réseau Canopé Auvergne-Rhône-Alpes", "canope"),
                ("Conseil départemental du Puy-de-Dôme", "collectivite"),
            ],
        ),
    ];
    let mut created = Vec::new();
    for (i, (name, description, establishments, partners)) in definitions.into_iter().enumerate() {
        let new = NewTerritory::parse(name, description)?;
        let territory = store::territories::create(db, &new).await?;
        created.push(territory);
        store::territories::add_establishments(db, territory, &establishments).await?;
        for (partner, kind) in partners {
            store::territories::add_partner(db, territory, partner, kind).await?;
        }
        if i == 0 {
            for (function, person) in accounts {
                let role = match function {
                    Some(Function::Perdir | Function::ChargeDeMission) => {
                        TerritoryRole::Coordinator
                    }
                    _ => TerritoryRole::Member,
                };
                store::territories::set_member(db, territory, *person, role).await?;
            }
        }
        // The school heads of its establishments take part in every territory.
        store::territories::add_staff_as_members(
            db,
            territory,
            &[Function::Perdir, Function::DirecteurEcole],
        )
        .await?;
    }
    Ok(created)
}
