//! Settings: defaults → `territoire.toml` → `TERRITOIRE_*` environment → command-line flags.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// A value kept out of logs and `Debug` output (passwords in URLs).
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Settings {
    /// Folder of the SQLite database, the mail outbox and (later) the uploaded files.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty: `sqlite://<data_dir>/territoire.db`.
    pub database_url: Secret,
    /// Largest number of database connections of this node.
    pub max_connections: u32,
    /// Address and port the server listens on.
    pub bind: String,
    /// Address people use to reach the platform; empty: `http://<bind>`.
    pub public_url: String,
    /// Session length, in hours.
    pub session_hours: i64,
    /// How often quiet sockets (chat rooms, pads) are pinged, in seconds; one silent for two
    /// and a half times that is closed. Lower it behind a proxy that cuts idle connections
    /// sooner.
    pub socket_ping_secs: u64,
    pub mail: MailSettings,
    pub files: FileSettings,
}

/// Uploaded files: size limits, and where they are kept.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct FileSettings {
    /// Largest video accepted, in Mio.
    pub video_max_mib: u64,
    /// Largest image, PDF or office document accepted, in Mio.
    pub other_max_mib: u64,
    /// Transcode videos with ffmpeg (when it is installed); off: originals are served.
    pub transcode: bool,
    /// Storage of a new exchange space (its shared folders, every version counted), in Gio.
    pub space_quota_gib: u64,
    /// S3-compatible bucket; empty: files are kept in `<data_dir>/blobs`.
    pub s3_bucket: String,
    /// Endpoint of the S3-compatible service (e.g. `https://s3.fr-par.scw.cloud`).
    pub s3_endpoint: String,
    pub s3_region: String,
    pub s3_access_key_id: String,
    pub s3_secret_access_key: Secret,
}

impl Default for FileSettings {
    fn default() -> Self {
        Self {
            video_max_mib: 2048,
            other_max_mib: 50,
            transcode: true,
            space_quota_gib: 5,
            s3_bucket: String::new(),
            s3_endpoint: String::new(),
            s3_region: "fr-par".to_owned(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: Secret::default(),
        }
    }
}

impl FileSettings {
    pub fn limits(&self) -> media::Limits {
        media::Limits {
            video: self.video_max_mib * 1024 * 1024,
            other: self.other_max_mib * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct MailSettings {
    /// Sender of the platform's mails.
    pub from: String,
    /// `smtp://user:password@host:587` or `smtps://…`; empty: mails are written as files
    /// in `<data_dir>/outbox`.
    pub smtp_url: Secret,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: Secret::default(),
            max_connections: 16,
            bind: "127.0.0.1:8080".to_owned(),
            public_url: String::new(),
            session_hours: 24 * 14,
            socket_ping_secs: 30,
            mail: MailSettings::default(),
            files: FileSettings::default(),
        }
    }
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            from: "Territoire <ne-pas-repondre@territoire.localhost>".to_owned(),
            smtp_url: Secret::default(),
        }
    }
}

impl Settings {
    /// Reads the layers in order; `config` is the TOML file (`territoire.toml` by default,
    /// optional).
    pub fn load(config: Option<&Path>) -> Result<Self, String> {
        let file = config.map_or_else(|| PathBuf::from("territoire.toml"), Path::to_path_buf);
        if config.is_some() && !file.exists() {
            return Err(format!(
                "fichier de configuration introuvable : {}",
                file.display()
            ));
        }
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(&file))
            .merge(Env::prefixed("TERRITOIRE_").split("__"))
            .extract()
            .map_err(|e| format!("configuration invalide : {e}"))
    }

    pub fn database_url(&self) -> String {
        if self.database_url.0.is_empty() {
            format!("sqlite://{}", self.data_dir.join("territoire.db").display())
        } else {
            self.database_url.0.clone()
        }
    }

    /// The SQLite file, when the database is the embedded one.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let url = self.database_url();
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
    }

    pub fn public_url(&self) -> String {
        if self.public_url.is_empty() {
            format!("http://{}", self.bind)
        } else {
            self.public_url.clone()
        }
    }

    /// The defaults as a commented `territoire.toml`.
    pub fn default_toml() -> String {
        let d = Settings::default();
        format!(
            "# Configuration de Territoire. Chaque clé peut aussi venir de l'environnement :\n\
             # TERRITOIRE_DATA_DIR, TERRITOIRE_DATABASE_URL, TERRITOIRE_MAIL__SMTP_URL…\n\n\
             # Dossier des données (base SQLite, courriels sortants, fichiers).\n\
             data_dir = \"{}\"\n\n\
             # Base de données : vide pour SQLite dans data_dir, ou postgres://utilisateur:motdepasse@hote/base\n\
             database_url = \"\"\n\n\
             # Connexions à la base pour ce nœud.\n\
             max_connections = {}\n\n\
             # Adresse d'écoute du serveur.\n\
             bind = \"{}\"\n\n\
             # Adresse publique (liens des courriels) ; vide : http://<bind>.\n\
             public_url = \"\"\n\n\
             # Durée d'une session, en heures.\n\
             session_hours = {}\n\n\
             # Pings des sockets des salons et des pads, en secondes ; une socket muette deux fois\n\
             # et demie ce temps est fermée. À baisser derrière un proxy qui coupe plus tôt.\n\
             socket_ping_secs = {}\n\n\
             [mail]\n\
             from = \"{}\"\n\
             # smtp://utilisateur:motdepasse@serveur:587 ; vide : courriels écrits dans data_dir/outbox\n\
             smtp_url = \"\"\n\n\
             [files]\n\
             # Tailles maximales des fichiers envoyés, en Mio.\n\
             video_max_mib = {}\n\
             other_max_mib = {}\n\
             # Conversion des vidéos avec ffmpeg (s'il est installé) ; false : originaux diffusés tels quels.\n\
             transcode = true\n\
             # Place de chaque nouvel espace d'échange (dossiers partagés, toutes versions comprises), en Gio.\n\
             space_quota_gib = 5\n\
             # Stockage objet compatible S3 ; vide : fichiers dans data_dir/blobs\n\
             s3_bucket = \"\"\n\
             s3_endpoint = \"\"\n\
             s3_region = \"{}\"\n\
             s3_access_key_id = \"\"\n\
             s3_secret_access_key = \"\"\n",
            d.data_dir.display(),
            d.max_connections,
            d.bind,
            d.session_hours,
            d.socket_ping_secs,
            d.mail.from,
            d.files.video_max_mib,
            d.files.other_max_mib,
            d.files.s3_region
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden_in_debug() {
        let mut settings = Settings {
            database_url: Secret("postgres://u:motdepasse@h/db".to_owned()),
            ..Settings::default()
        };
        settings.mail.smtp_url = Secret("smtp://u:motdepasse@h".to_owned());
        settings.files.s3_secret_access_key = Secret("motdepasse".to_owned());
        let debug = format!("{settings:?}");
        assert!(!debug.contains("motdepasse"), "{debug}");
    }

    #[test]
    fn default_toml_parses_back_to_the_defaults() {
        let parsed: Settings = Figment::from(Toml::string(&Settings::default_toml()))
            .extract()
            .unwrap_or_default();
        assert_eq!(parsed, Settings::default());
        assert_eq!(parsed.data_dir, PathBuf::from("data"));
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn layers_override_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "territoire.toml",
                "bind = \"0.0.0.0:9000\"\ndata_dir = \"/srv/t\"\n",
            )?;
            jail.set_env("TERRITOIRE_DATA_DIR", "/var/lib/territoire");
            jail.set_env("TERRITOIRE_MAIL__FROM", "Territoire <t@ac-lille.fr>");
            let settings = Settings::load(None).map_err(figment::Error::from)?;
            assert_eq!(settings.bind, "0.0.0.0:9000");
            assert_eq!(settings.data_dir, PathBuf::from("/var/lib/territoire"));
            assert_eq!(settings.mail.from, "Territoire <t@ac-lille.fr>");
            assert_eq!(
                settings.database_url(),
                "sqlite:///var/lib/territoire/territoire.db"
            );
            assert_eq!(
                settings.sqlite_path(),
                Some(PathBuf::from("/var/lib/territoire/territoire.db"))
            );
            Ok(())
        });
    }
}
