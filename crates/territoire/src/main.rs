//! `territoire`: the one binary of the platform.

mod commands;
mod demo;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "territoire",
    version,
    about = "La plateforme des territoires apprenants"
)]
struct Cli {
    /// Fichier de configuration (par défaut : territoire.toml s'il existe).
    #[arg(long, global = true, value_name = "FICHIER")]
    config: Option<PathBuf>,
    /// Dossier des données (aussi TERRITOIRE_DATA_DIR ; par défaut ./data).
    #[arg(long, global = true, value_name = "DOSSIER")]
    data: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Démarre le serveur.
    Serve {
        /// Adresse d'écoute, par exemple 127.0.0.1:8080.
        #[arg(long, value_name = "ADRESSE")]
        bind: Option<String>,
        /// Remplit une base vide avec les données de démonstration.
        #[arg(long)]
        demo: bool,
    },
    /// Applique les migrations de la base de données.
    Migrate,
    /// Remplit une base vide avec des données de démonstration.
    Demo {
        #[arg(long, value_enum, default_value_t = Scale::Departement)]
        scale: Scale,
        /// Graine du générateur (mêmes données pour la même graine).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Importe des données.
    Import {
        #[command(subcommand)]
        what: Import,
    },
    /// Gère les comptes.
    User {
        #[command(subcommand)]
        action: User,
    },
    /// Gère les territoires apprenants.
    Territory {
        #[command(subcommand)]
        action: Territory,
    },
    /// Sauvegarde la base SQLite pendant que le serveur tourne.
    Backup { file: PathBuf },
    /// Restaure une sauvegarde (serveur arrêté).
    Restore { file: PathBuf },
    /// Reconstruit l'index de recherche de ce nœud à partir de la base de données.
    Reindex,
    /// Applique les durées de conservation de la configuration (section [privacy]).
    Retention {
        /// Montre ce qui serait supprimé, sans rien supprimer.
        #[arg(long)]
        dry_run: bool,
    },
    /// Affiche la configuration par défaut (territoire.toml commenté).
    DefaultConfig,
}

#[derive(Subcommand)]
enum Import {
    /// Importe le fichier CSV de l'Annuaire de l'éducation, tel que publié.
    Annuaire { file: PathBuf },
}

#[derive(Subcommand)]
enum Territory {
    /// Donne un rôle dans un territoire à une personne qui a un compte (elle en est prévenue).
    AddMember {
        /// Le territoire, par son adresse : /territoires/SLUG.
        slug: String,
        email: String,
        /// coordinator (coordination), member (membre) ou reader (lecture seule).
        #[arg(long, default_value = "member")]
        role: String,
    },
}

#[derive(Subcommand)]
enum User {
    /// Crée un compte ; le mot de passe est lu sur l'entrée standard, ou généré et affiché une fois.
    Add {
        email: String,
        #[arg(long)]
        name: String,
        /// Administrateur de la plateforme.
        #[arg(long)]
        admin: bool,
        /// Fonction : enseignant-1d, enseignant-2d, directeur-ecole, perdir, ien, ia-ipr, cpe,
        /// psyen, cpc, formateur, charge-de-mission, partenaire, etudiant-meef, chercheur.
        #[arg(long, default_value = "enseignant-1d")]
        function: String,
        /// Établissement d'exercice (code UAI), répétable.
        #[arg(long)]
        uai: Vec<String>,
        /// Circonscription (pour un IEN ou un CPC).
        #[arg(long)]
        circonscription: Option<String>,
        /// Académie (code, pour un IA-IPR).
        #[arg(long)]
        academie: Option<String>,
        /// Discipline enseignée ou inspectée, répétable.
        #[arg(long)]
        subject: Vec<String>,
        /// Niveau enseigné, répétable.
        #[arg(long)]
        level: Vec<String>,
    },
    /// Crée un jeton pour l'API JSON et l'affiche.
    Token { email: String },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum Scale {
    /// Les trois territoires pilotes (Pas-de-Calais, Val-de-Reuil, académie de Clermont-Ferrand).
    Departement,
    /// Toute la France : environ 66 000 établissements et 900 000 personnes.
    National,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TERRITOIRE_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("erreur : démarrage impossible : {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("erreur : {error:#}");
            ExitCode::FAILURE
        }
    }
}
