//! The subcommands: each opens what it needs, does one thing, and says what it did in French.

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use domain::accounts::{Email, Function, PersonName, check_new_password, password};
use domain::directory::{Uai, annuaire};
use domain::policy::TerritoryRole;
use store::Db;
use store::accounts::NewPerson;
use web::mail::{Mailer, SmtpSettings};
use web::{AppState, WebSettings};

use crate::settings::Settings;
use crate::{Cli, Command, Import, Territory, User, demo};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::DefaultConfig = cli.command {
        print!("{}", Settings::default_toml());
        return Ok(());
    }
    let mut settings = Settings::load(cli.config.as_deref()).map_err(|e| anyhow!(e))?;
    if let Some(data) = cli.data {
        settings.data_dir = data;
    }
    match cli.command {
        Command::Serve { bind, demo } => serve(settings, bind, demo).await,
        Command::Migrate => {
            open(&settings).await?;
            println!("Base de données à jour ({}).", describe(&settings));
            Ok(())
        }
        Command::Demo { scale, seed } => {
            let db = open(&settings).await?;
            demo::generate(&db, scale, seed, &settings.data_dir).await?;
            Ok(())
        }
        Command::Import {
            what: Import::Annuaire { file },
        } => import_annuaire(&settings, &file).await,
        Command::User { action } => user(&settings, action).await,
        Command::Territory { action } => territory(&settings, action).await,
        Command::Backup { file } => backup(&settings, &file).await,
        Command::Restore { file } => restore(&settings, &file).await,
        Command::Reindex => reindex(&settings).await,
        Command::Retention { dry_run } => retention(&settings, dry_run).await,
        Command::DefaultConfig => Ok(()),
    }
}

/// Applies the retention rules now, or says what they would remove (`--dry-run`). The files
/// of what goes are removed by the server's workers.
async fn retention(settings: &Settings, dry_run: bool) -> anyhow::Result<()> {
    let db = open(settings).await?;
    let cutoffs = settings.privacy.cutoffs(store::now());
    if dry_run {
        let due = store::accounts::privacy::retention_due(&db, &cutoffs).await?;
        println!(
            "À supprimer selon les durées de conservation : {}.",
            due.summary()
        );
        if !due.inactive_accounts.is_empty() {
            let ids: Vec<String> = due
                .inactive_accounts
                .iter()
                .map(|p| p.0.to_string())
                .collect();
            println!("Comptes inactifs (numéros) : {}", ids.join(", "));
        }
        println!("Rien n'a été supprimé (--dry-run).");
    } else {
        let done =
            store::accounts::privacy::apply_retention(&db, &cutoffs, "ligne de commande").await?;
        println!(
            "Supprimé selon les durées de conservation : {}.",
            done.summary()
        );
    }
    Ok(())
}

/// Where uploaded files are kept: S3-compatible storage when a bucket is set, else the data folder.
fn blob_store(settings: &Settings) -> anyhow::Result<media::BlobStore> {
    let files = &settings.files;
    if files.s3_bucket.is_empty() {
        let folder = settings.data_dir.join("blobs");
        return media::BlobStore::local(&folder)
            .with_context(|| format!("dossier des fichiers illisible : {}", folder.display()));
    }
    media::BlobStore::s3(&media::blob::S3Settings {
        bucket: files.s3_bucket.clone(),
        endpoint: (!files.s3_endpoint.is_empty()).then(|| files.s3_endpoint.clone()),
        region: files.s3_region.clone(),
        access_key_id: files.s3_access_key_id.clone(),
        secret_access_key: files.s3_secret_access_key.0.clone(),
    })
    .context("stockage S3 mal configuré")
}

/// The search index of this node, in the data folder.
fn search_index(settings: &Settings) -> anyhow::Result<std::sync::Arc<search::SearchIndex>> {
    let folder = settings.data_dir.join("search");
    search::SearchIndex::open(Some(&folder))
        .with_context(|| format!("index de recherche illisible dans {}", folder.display()))
}

async fn reindex(settings: &Settings) -> anyhow::Result<()> {
    let db = open(settings).await?;
    let index = search_index(settings)?;
    let started = std::time::Instant::now();
    let last_told = std::sync::atomic::AtomicU64::new(0);
    let indexed = index
        .rebuild(&db, |n| {
            if n >= last_told.load(std::sync::atomic::Ordering::Relaxed) + 100_000 {
                last_told.store(n, std::sync::atomic::Ordering::Relaxed);
                eprintln!("  {n} documents indexés…");
            }
        })
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Index de recherche reconstruit : {indexed} documents en {seconds:.1} s ({:.0} documents/s).",
        indexed as f64 / seconds.max(0.001)
    );
    Ok(())
}

fn describe(settings: &Settings) -> String {
    match settings.sqlite_path() {
        Some(path) => format!("SQLite, {}", path.display()),
        None => "PostgreSQL".to_owned(),
    }
}

/// Opens the database (creating the data folder), applies migrations, loads the geography.
pub async fn open(settings: &Settings) -> anyhow::Result<Db> {
    std::fs::create_dir_all(&settings.data_dir).with_context(|| {
        format!(
            "impossible de créer le dossier {}",
            settings.data_dir.display()
        )
    })?;
    let db = Db::connect(&settings.database_url(), settings.max_connections)
        .await
        .with_context(|| {
            format!(
                "connexion impossible à la base de données ({})",
                describe(settings)
            )
        })?;
    db.migrate()
        .await
        .context("migration de la base de données impossible")?;
    store::directory::ensure_reference_data(&db)
        .await
        .context("chargement de la géographie impossible")?;
    Ok(db)
}

async fn serve(mut settings: Settings, bind: Option<String>, demo: bool) -> anyhow::Result<()> {
    if let Some(bind) = bind {
        settings.bind = bind;
    }
    let db = open(&settings).await?;
    if demo && store::directory::count_establishments(&db).await? == 0 {
        demo::generate(&db, crate::Scale::Departement, 1, &settings.data_dir).await?;
    }
    let mailer = if settings.mail.smtp_url.0.is_empty() {
        Mailer::folder(settings.data_dir.join("outbox"), &settings.mail.from)?
    } else {
        Mailer::smtp(
            &SmtpSettings {
                url: settings.mail.smtp_url.0.clone(),
            },
            &settings.mail.from,
        )?
    };
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .with_context(|| format!("impossible d'écouter sur {}", settings.bind))?;
    let address = listener.local_addr()?;
    let public_url = if settings.public_url.is_empty() {
        format!("http://{address}")
    } else {
        settings.public_url()
    };
    let web_settings = WebSettings {
        public_url: public_url.clone(),
        demo,
        session_ttl_secs: settings.session_hours * 3600,
        session_idle_secs: settings.session_idle_minutes.max(1) * 60,
        local_signup: settings.local_signup,
        invitation_ttl_secs: settings.invitation_days.max(1) * 24 * 3600,
        sso: settings.sso().map_err(anyhow::Error::msg)?,
        privacy: settings.privacy.clone(),
        upload_limits: settings.files.limits(),
        transcode: settings.files.transcode,
        space_quota: (settings.files.space_quota_gib as i64).saturating_mul(1024 * 1024 * 1024),
        socket_ping: std::time::Duration::from_secs(settings.socket_ping_secs.max(1)),
        map_refresh: std::time::Duration::from_secs(settings.map_refresh_seconds),
        map_tiles: settings.map_tiles().map_err(anyhow::Error::msg)?,
        trusted_proxies: web::TrustedProxies::parse(&settings.trusted_proxies)
            .map_err(anyhow::Error::msg)?,
        ..WebSettings::default()
    };
    let metrics = match settings.metrics_bind.trim() {
        "" => None,
        bind => Some(
            tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("impossible d'écouter sur {bind} (metrics_bind)"))?,
        ),
    };
    println!(
        "Territoire est prêt : {public_url}  ({})",
        describe(&settings)
    );
    if let Some(metrics) = &metrics {
        println!(
            "Métriques Prometheus : http://{}/metrics",
            metrics.local_addr()?
        );
    }
    if demo {
        demo::print_accounts(&settings.data_dir);
    }
    let search = search_index(&settings)?;
    {
        // A node that starts with an empty index builds it in the background; searches
        // answer from what is there meanwhile.
        let (search, db) = (search.clone(), db.clone());
        tokio::spawn(async move {
            if let Err(error) = search.catch_up(&db).await {
                eprintln!("Index de recherche : {error}");
            }
        });
    }
    let blobs = blob_store(&settings)?;
    let state = AppState::new(db.clone(), web_settings, mailer, search, blobs)
        .map_err(anyhow::Error::msg)?;
    if let Some(metrics) = metrics {
        tokio::spawn(web::serve_metrics(state.clone(), metrics));
    }
    web::launch(state, listener, shutdown_signal()).await?;
    db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("Arrêt demandé : fin des requêtes en cours…");
}

async fn import_annuaire(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let reader = std::fs::File::open(file)
        .with_context(|| format!("impossible de lire {}", file.display()))?;
    eprintln!("Lecture de {}…", file.display());
    let entries =
        tokio::task::spawn_blocking(move || annuaire::parse(std::io::BufReader::new(reader)))
            .await?
            .map_err(|e| anyhow!("{} refusé, rien n'a été importé : {e}", file.display()))?;
    let db = open(settings).await?;
    eprintln!("Écriture de {} établissements…", entries.len());
    let report = store::directory::import(&db, &entries)
        .await
        .context("import impossible, rien n'a été importé")?;
    println!(
        "Annuaire importé : {} créé(s), {} mis à jour, {} inchangé(s) (ignorés).",
        report.created, report.updated, report.unchanged
    );
    Ok(())
}

async fn user(settings: &Settings, action: User) -> anyhow::Result<()> {
    match action {
        User::Add {
            email,
            name,
            admin,
            function,
            uai,
            circonscription,
            academie,
            subject,
            level,
        } => {
            let email = Email::parse(&email)?;
            let name = PersonName::parse(&name)?;
            let function = Function::parse(&function)?;
            let establishments = uai
                .iter()
                .map(|u| Uai::parse(u))
                .collect::<Result<Vec<_>, _>>()?;
            let (password, generated) = read_or_generate_password()?;
            check_new_password(&password)?;
            let hash = password::hash(&password).map_err(|e| anyhow!(e))?;
            let db = open(settings).await?;
            let new = NewPerson {
                email: email.clone(),
                name,
                function,
                password_hash: Some(hash),
                admin,
                establishments,
                circonscription,
                academie,
                subjects: subject,
                levels: level,
            };
            let id = store::accounts::create_person(&db, &new).await?;
            println!("Compte créé : {email} (n° {id}, {}).", function.label());
            if generated {
                println!("Mot de passe (affiché une seule fois) : {password}");
            }
            Ok(())
        }
        User::Token { email } => {
            let email = Email::parse(&email)?;
            let db = open(settings).await?;
            let Some((person, _)) = store::accounts::by_email(&db, &email).await? else {
                bail!("aucun compte pour {email}");
            };
            let token = store::accounts::create_api_token(&db, person.id()).await?;
            println!("{token}");
            Ok(())
        }
    }
}

async fn territory(settings: &Settings, action: Territory) -> anyhow::Result<()> {
    match action {
        Territory::AddMember { slug, email, role } => {
            let email = Email::parse(&email)?;
            let role = TerritoryRole::parse(&role).map_err(|e| anyhow!(e))?;
            let db = open(settings).await?;
            let territory = match store::territories::summary(&db, &slug).await {
                Ok(territory) => territory,
                Err(store::StoreError::NotFound) => bail!("aucun territoire /territoires/{slug}"),
                Err(other) => return Err(other.into()),
            };
            let Some((person, _)) = store::accounts::by_email(&db, &email).await? else {
                bail!("aucun compte pour {email}");
            };
            let message = domain::territories::role_notice(&territory.name, Some(role));
            let link = format!("/territoires/{}", territory.slug);
            let id = domain::ids::TerritoryId(territory.id);
            let changed =
                store::territories::appoint(&db, id, person.id(), role, (&message, &link)).await?;
            if changed {
                println!(
                    "{} : {} du territoire « {} ».",
                    person.name,
                    role.label(),
                    territory.name
                );
            } else {
                println!("{} avait déjà ce rôle ({}).", person.name, role.label());
            }
            Ok(())
        }
    }
}

/// The password piped on standard input, or a generated one when none is given.
fn read_or_generate_password() -> anyhow::Result<(String, bool)> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut input = String::new();
        stdin
            .lock()
            .read_to_string(&mut input)
            .context("lecture du mot de passe impossible")?;
        let password = input.trim_end_matches(['\n', '\r']).to_owned();
        if !password.is_empty() {
            return Ok((password, false));
        }
    }
    Ok((demo::generate_password(), true))
}

async fn backup(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    if settings.sqlite_path().is_none() {
        return pg_tool(
            "pg_dump",
            &[
                "--format=custom",
                "--file",
                &file.display().to_string(),
                &settings.database_url(),
            ],
        );
    }
    let db = open(settings).await?;
    store::backup::backup(&db, file).await?;
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "Sauvegarde écrite : {} ({} Kio).",
        file.display(),
        size / 1024
    );
    Ok(())
}

async fn restore(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let Some(database) = settings.sqlite_path() else {
        return pg_tool(
            "pg_restore",
            &[
                "--clean",
                "--if-exists",
                "--no-owner",
                "--dbname",
                &settings.database_url(),
                &file.display().to_string(),
            ],
        );
    };
    std::fs::create_dir_all(&settings.data_dir)?;
    store::backup::restore(file, &database).await?;
    println!(
        "Sauvegarde {} restaurée dans {}.",
        file.display(),
        database.display()
    );
    Ok(())
}

/// PostgreSQL is saved and restored by its own tools.
fn pg_tool(tool: &str, args: &[&str]) -> anyhow::Result<()> {
    let status = std::process::Command::new(tool)
        .args(args)
        .status()
        .with_context(|| format!("{tool} introuvable : installez le paquet postgresql-client"))?;
    if status.success() {
        println!("{tool} terminé.");
        Ok(())
    } else {
        bail!("{tool} a échoué ({status})")
    }
}
