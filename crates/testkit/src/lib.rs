//! Test helpers: a fresh database of either kind for every test, and the whole server on
//! port 0. The kind is chosen by `TERRITOIRE_TEST_POSTGRES` (an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`): set, every test gets a new PostgreSQL
//! database; unset, a new SQLite file.

pub mod oidc;
pub mod raw;
pub mod realtime;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use domain::accounts::{Email, Function, PersonName, password};
use domain::directory::{Uai, annuaire};
use domain::ids::PersonId;
use rand::Rng;
use store::Db;
use store::accounts::NewPerson;
use tempfile::TempDir;
use web::mail::Mailer;
use web::{AppState, WebSettings};

pub const POSTGRES_ENV: &str = "TERRITOIRE_TEST_POSTGRES";

/// A database URL of a fresh, empty database, and the folder that holds test files.
pub struct FreshDatabase {
    pub url: String,
    pub dir: TempDir,
}

impl FreshDatabase {
    pub async fn new() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let url = match std::env::var(POSTGRES_ENV) {
            Ok(admin) if !admin.is_empty() => {
                let name = format!("territoire_test_{:016x}", rand::thread_rng().r#gen::<u64>());
                let admin_db = Db::connect(&admin, 1).await?;
                if let Db::Postgres(pool) = &admin_db {
                    sqlx::query(&format!("CREATE DATABASE {name}"))
                        .execute(pool)
                        .await?;
                }
                admin_db.close().await;
                let mut url = url::Url::parse(&admin)?;
                url.set_path(&name);
                url.to_string()
            }
            _ => format!("sqlite://{}", dir.path().join("territoire.db").display()),
        };
        Ok(Self { url, dir })
    }

    /// Connects, migrates and loads the geography.
    pub async fn open(&self) -> anyhow::Result<Db> {
        let db = Db::connect(&self.url, 8).await?;
        db.migrate().await?;
        store::directory::ensure_reference_data(&db).await?;
        Ok(db)
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}

/// A migrated database with its geography.
pub async fn fresh_db() -> anyhow::Result<(Db, FreshDatabase)> {
    let fresh = FreshDatabase::new().await?;
    let db = fresh.open().await?;
    Ok((db, fresh))
}

/// A process started by a test (the `territoire` binary), killed when dropped, whatever
/// happens in the test.
pub struct Spawned(pub std::process::Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A server of the platform on a free port, with its own fresh database.
pub struct TestApp {
    pub address: SocketAddr,
    /// The operators' listener (`metrics_bind`): the Prometheus metrics.
    pub metrics_address: SocketAddr,
    pub db: Db,
    pub fresh: FreshDatabase,
    /// The server's state, for what runs outside requests (the daily tasks).
    pub state: AppState,
    /// A client that keeps cookies and does not follow redirects.
    pub client: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    pub async fn spawn() -> anyhow::Result<Self> {
        Self::spawn_with(WebSettings {
            // The map shows what the test just wrote.
            map_refresh: std::time::Duration::ZERO,
            ..WebSettings::default()
        })
        .await
    }

    pub async fn spawn_with(mut settings: WebSettings) -> anyhow::Result<Self> {
        let (db, fresh) = fresh_db().await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        settings.public_url = format!("http://{address}");
        let mailer = Mailer::folder(
            fresh.dir.path().join("outbox"),
            "Territoire <ne-pas-repondre@territoire.test>",
        )?;
        let search = search::SearchIndex::open(None)?;
        let blobs = media::BlobStore::local(&fresh.dir.path().join("blobs"))?;
        let state = AppState::new(db.clone(), settings, mailer, search, blobs)
            .map_err(anyhow::Error::msg)?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(web::launch(state.clone(), listener, async {
            let _ = rx.await;
        }));
        let metrics = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let metrics_address = metrics.local_addr()?;
        tokio::spawn(web::serve_metrics(state.clone(), metrics));
        Ok(Self {
            address,
            metrics_address,
            db,
            fresh,
            state,
            client: client()?,
            shutdown: Some(tx),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn outbox(&self) -> PathBuf {
        self.fresh.dir.path().join("outbox")
    }

    /// The newest mail of the outbox to `to`, its soft line breaks undone.
    pub fn newest_mail_to(&self, to: &str) -> anyhow::Result<String> {
        let mut mails: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(self.outbox())?
            .filter_map(Result::ok)
            .filter_map(|e| {
                Some((
                    e.metadata().ok()?.modified().ok()?,
                    std::fs::read_to_string(e.path()).ok()?,
                ))
            })
            .map(|(at, m)| (at, m.replace("=\r\n", "").replace("=\n", "")))
            .filter(|(_, m)| m.contains(&format!("To: {to}")))
            .collect();
        mails.sort();
        mails
            .pop()
            .map(|(_, m)| m)
            .ok_or_else(|| anyhow::anyhow!("no mail to {to}"))
    }

    /// Creates an account with a password (argon2id, as the CLI does).
    pub async fn create_person(
        &self,
        email: &str,
        function: Function,
        password: &str,
        admin: bool,
    ) -> anyhow::Result<PersonId> {
        create_person(&self.db, email, function, Some(password), admin).await
    }

    /// Signs `client` in through the login form; returns the status of the answer.
    pub async fn login(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> anyhow::Result<reqwest::Response> {
        let csrf = self.csrf(client, "/connexion").await?;
        Ok(client
            .post(self.url("/connexion"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", email),
                ("password", password),
                ("next", ""),
            ])
            .send()
            .await?)
    }

    /// Loads a page and returns the CSRF token of its forms.
    pub async fn csrf(&self, client: &reqwest::Client, path: &str) -> anyhow::Result<String> {
        let page = client.get(self.url(path)).send().await?.text().await?;
        csrf_of(&page).ok_or_else(|| anyhow::anyhow!("no CSRF token in {path}"))
    }

    /// Posts a form of `page` (its CSRF token first, then `fields`) to `action`.
    pub async fn submit(
        &self,
        client: &reqwest::Client,
        page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> anyhow::Result<reqwest::Response> {
        let csrf = self.csrf(client, page).await?;
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        Ok(client.post(self.url(action)).form(&form).send().await?)
    }

    /// Imports an annuaire CSV text (the published format) into the app's database.
    pub async fn import(&self, csv: &str) -> anyhow::Result<store::directory::ImportReport> {
        let entries = annuaire::parse(csv.as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(store::directory::import(&self.db, &entries).await?)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A client that keeps cookies and does not follow redirects.
pub fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// Where a redirection points (empty when the answer is not one).
pub fn location(answer: &reqwest::Response) -> String {
    answer
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A page's text with askama's escapes undone, for comparisons with French text.
pub async fn text(answer: reqwest::Response) -> anyhow::Result<String> {
    Ok(answer
        .text()
        .await?
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&"))
}

pub fn csrf_of(page: &str) -> Option<String> {
    let start = page.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let end = page[start..].find('"')? + start;
    Some(page[start..end].to_owned())
}

pub async fn create_person(
    db: &Db,
    email: &str,
    function: Function,
    password: Option<&str>,
    admin: bool,
) -> anyhow::Result<PersonId> {
    let hash = password
        .map(password::hash)
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    let new = NewPerson {
        email: Email::parse(email)?,
        name: PersonName::parse(&format!(
            "Personne {}",
            email.split('@').next().unwrap_or("test")
        ))?,
        function,
        password_hash: hash,
        admin,
        establishments: vec![],
        circonscription: None,
        academie: None,
        subjects: vec![],
        levels: vec![],
    };
    Ok(store::accounts::create_person(db, &new).await?)
}

/// An account placed in the directory, for the hierarchy: the établissement where it works
/// (`school`, a UAI), the circonscription it leads (an IEN); académie 09 (Lille), cycle 3.
pub async fn create_staff(
    db: &Db,
    email: &str,
    function: Function,
    password: Option<&str>,
    school: Option<&str>,
    circonscription: Option<&str>,
) -> anyhow::Result<PersonId> {
    let hash = password
        .map(password::hash)
        .transpose()
        .map_err(|e| anyhow::anyhow!(e))?;
    let new = NewPerson {
        email: Email::parse(email)?,
        name: PersonName::parse(&format!(
            "Personne {}",
            email.split('@').next().unwrap_or("test")
        ))?,
        function,
        password_hash: hash,
        admin: false,
        establishments: school.map(Uai::parse).transpose()?.into_iter().collect(),
        circonscription: circonscription.map(str::to_owned),
        academie: Some("09".to_owned()),
        subjects: vec![],
        levels: vec!["Cycle 3".to_owned()],
    };
    Ok(store::accounts::create_person(db, &new).await?)
}

/// A teacher (1er degré) working at `school` (a UAI), with a password and an API token.
pub async fn teacher_with_token(
    db: &Db,
    email: &str,
    password: &str,
    school: &str,
) -> anyhow::Result<(PersonId, String)> {
    let id = create_staff(
        db,
        email,
        Function::Enseignant1d,
        Some(password),
        Some(school),
        None,
    )
    .await?;
    Ok((id, store::accounts::create_api_token(db, id).await?))
}

/// The header of the published Annuaire de l'éducation (the columns Territoire reads, in
/// the published order and spelling).
pub const ANNUAIRE_HEADER: &str = "Identifiant_de_l_etablissement;Nom_etablissement;Type_etablissement;Statut_public_prive;Adresse_1;Adresse_2;Adresse_3;Code_postal;Code_commune;Nom_commune;Code_departement;Code_academie;Code_region;Ecole_maternelle;Ecole_elementaire;Voie_generale;Voie_technologique;Voie_professionnelle;Telephone;Fax;Web;Mail;Nombre_d_eleves;Appartenance_Education_Prioritaire;latitude;longitude;Code_circonscription;Nom_circonscription;Code_bassin_formation;Libelle_bassin_formation;etat;date_ouverture";

/// One row of the published file.
pub struct Row<'a> {
    pub uai: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub public: bool,
    pub commune_code: &'a str,
    pub commune: &'a str,
    pub departement: &'a str,
    pub ep: &'a str,
    pub coordinates: Option<(f64, f64)>,
    pub circonscription: Option<(&'a str, &'a str)>,
    pub bassin: Option<(&'a str, &'a str)>,
    pub open: bool,
}

impl Row<'_> {
    pub fn csv(&self) -> String {
        let (lat, lon) = self
            .coordinates
            .map_or((String::new(), String::new()), |(a, b)| {
                (a.to_string(), b.to_string())
            });
        let (cc, cn) = self.circonscription.unwrap_or(("", ""));
        let (bc, bn) = self.bassin.unwrap_or(("", ""));
        format!(
            "{};\"{}\";{};{};1 rue de l'École;;;62000;{};{};0{};09;32;;;;;;03 21 00 00 00;;;;250;{};{lat};{lon};{cc};{cn};{bc};{bn};{};2001-09-01",
            self.uai,
            self.name.replace('"', "\"\""),
            self.kind,
            if self.public { "Public" } else { "Privé" },
            self.commune_code,
            self.commune,
            self.departement,
            self.ep,
            if self.open { "OUVERT" } else { "FERME" },
        )
    }
}

/// A small directory around Arras and Clermont-Ferrand, in the published format.
pub fn sample_annuaire() -> String {
    let rows = [
        Row {
            uai: "0620001P",
            name: "École primaire Jean Jaurès",
            kind: "Ecole",
            public: true,
            commune_code: "62041",
            commune: "Arras",
            departement: "62",
            ep: "REP+",
            coordinates: Some((50.29, 2.77)),
            circonscription: Some(("0629001X", "Circonscription d'Arras 1")),
            bassin: None,
            open: true,
        },
        Row {
            uai: "0620002R",
            name: "École maternelle Les Tilleuls",
            kind: "Ecole",
            public: true,
            commune_code: "62041",
            commune: "Arras",
            departement: "62",
            ep: "",
            coordinates: Some((50.30, 2.78)),
            circonscription: Some(("0629001X", "Circonscription d'Arras 1")),
            bassin: None,
            open: true,
        },
        Row {
            uai: "0620100X",
            name: "Collège Victor Hugo",
            kind: "Collège",
            public: true,
            commune_code: "62041",
            commune: "Arras",
            departement: "62",
            ep: "REP",
            coordinates: Some((50.28, 2.76)),
            circonscription: None,
            bassin: Some(("06201", "Arras")),
            open: true,
        },
        Row {
            uai: "0620101Y",
            name: "Lycée privé Saint-Joseph",
            kind: "Lycée",
            public: false,
            commune_code: "62498",
            commune: "Lens",
            departement: "62",
            ep: "",
            coordinates: None,
            circonscription: None,
            bassin: Some(("06202", "Lens")),
            open: true,
        },
        Row {
            uai: "0620102Z",
            name: "Collège Émile Zola",
            kind: "Collège",
            public: true,
            commune_code: "62498",
            commune: "Lens",
            departement: "62",
            ep: "",
            coordinates: Some((50.43, 2.83)),
            circonscription: None,
            bassin: Some(("06202", "Lens")),
            open: false,
        },
        Row {
            uai: "0630001J",
            name: "École élémentaire Jean Jaurès",
            kind: "Ecole",
            public: true,
            commune_code: "63113",
            commune: "Clermont-Ferrand",
            departement: "63",
            ep: "",
            coordinates: Some((45.78, 3.08)),
            circonscription: Some(("0639001S", "Circonscription de Clermont 1")),
            bassin: None,
            open: true,
        },
    ];
    let mut csv = format!("{ANNUAIRE_HEADER}\n");
    for row in rows {
        csv.push_str(&row.csv());
        csv.push('\n');
    }
    csv
}

/// An annuaire of `count` open public écoles in Arras: UAI `06` + 5 digits (from `first`) and
/// their check letter, named by `name(i)`.
pub fn numbered_ecoles(count: usize, first: usize, name: impl Fn(usize) -> String) -> String {
    let mut csv = format!("{ANNUAIRE_HEADER}\n");
    for i in 0..count {
        let uai = domain::directory::Uai::from_number(600_000 + (first + i) as u32).to_string();
        let name = name(i);
        let row = Row {
            uai: &uai,
            name: &name,
            kind: "Ecole",
            public: true,
            commune_code: "62041",
            commune: "Arras",
            departement: "62",
            ep: "",
            coordinates: None,
            circonscription: None,
            bassin: None,
            open: true,
        };
        csv.push_str(&row.csv());
        csv.push('\n');
    }
    csv
}

/// Writes a file in a folder and returns its path.
pub fn write_file(dir: &Path, name: &str, contents: &str) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, contents)?;
    Ok(path)
}

/// The text a PDF shows with the standard fonts (its `Tj` strings, hexadecimal or literal,
/// read as WinAnsi), one string a line.
pub fn pdf_text(bytes: &[u8]) -> String {
    let page = String::from_utf8_lossy(bytes);
    let latin = |b: u8| match b {
        0x85 => '…',
        0x92 => '’',
        0x95 => '•',
        0x96 => '–',
        0x97 => '—',
        0x9c => 'œ',
        b => char::from(b),
    };
    let mut text = String::new();
    for line in page.lines() {
        let Some(shown) = line.trim().strip_suffix(" Tj") else {
            continue;
        };
        if let Some(hex) = shown.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
            let digits: Vec<u8> = hex.bytes().collect();
            for pair in digits.chunks(2) {
                let pair = std::str::from_utf8(pair).unwrap_or("3F");
                text.push(latin(u8::from_str_radix(pair, 16).unwrap_or(b'?')));
            }
        } else if let Some(literal) = shown.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
            text.push_str(literal);
        }
        text.push('\n');
    }
    text
}

/// Runs one SQL statement on either database (to age a session, to try what the platform
/// itself never does); returns the rows changed.
pub async fn execute(db: &Db, sql: &str) -> anyhow::Result<u64> {
    Ok(match db {
        Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
        Db::Postgres(pool) => sqlx::query(sql).execute(pool).await?.rows_affected(),
    })
}

/// The audit trail, oldest first: (action, target) of each entry.
pub async fn audit_trail(db: &Db) -> anyhow::Result<Vec<(String, String)>> {
    let filter = store::accounts::audit::Filter {
        limit: 500,
        ..Default::default()
    };
    Ok(store::accounts::audit::search(db, &filter)
        .await?
        .into_iter()
        .rev()
        .map(|e| (e.action, e.target))
        .collect())
}

/// Every `table.column` of text whose value contains `needle` (any case), over the whole
/// database: what an erasure must leave empty.
pub async fn find_text(db: &Db, needle: &str) -> anyhow::Result<Vec<String>> {
    let columns: Vec<(String, String)> = match db {
        Db::Sqlite(pool) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
            )
            .fetch_all(pool)
            .await?;
            let mut columns = Vec::new();
            for table in tables {
                let info: Vec<(String, String)> =
                    sqlx::query_as(&format!("SELECT name, type FROM pragma_table_info('{table}')"))
                        .fetch_all(pool)
                        .await?;
                columns.extend(
                    info.into_iter()
                        .filter(|(_, kind)| kind.eq_ignore_ascii_case("TEXT"))
                        .map(|(column, _)| (table.clone(), column)),
                );
            }
            columns
        }
        Db::Postgres(pool) => {
            sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND data_type = 'text' AND table_name NOT LIKE '_sqlx%'",
            )
            .fetch_all(pool)
            .await?
        }
    };
    let pattern = format!("%{}%", needle.to_lowercase());
    let mut found = Vec::new();
    for (table, column) in columns {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE LOWER({column}) LIKE $1");
        let count: i64 = match db {
            Db::Sqlite(pool) => {
                sqlx::query_scalar(&sql)
                    .bind(&pattern)
                    .fetch_one(pool)
                    .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(&sql)
                    .bind(&pattern)
                    .fetch_one(pool)
                    .await?
            }
        };
        if count > 0 {
            found.push(format!("{table}.{column}"));
        }
    }
    found.sort();
    Ok(found)
}
