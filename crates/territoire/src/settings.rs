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
    /// Session length, in hours (the absolute timeout).
    pub session_hours: i64,
    /// A session unused for this many minutes ends (the idle timeout).
    pub session_idle_minutes: i64,
    /// Whether people may open a local account themselves; invitations work either way.
    pub local_signup: bool,
    /// How long an invitation link stays valid, in days.
    pub invitation_days: i64,
    /// The académie's OpenID Connect provider (its issuer URL); empty: single sign-on off.
    pub oidc_issuer: String,
    pub oidc_client_id: String,
    pub oidc_client_secret: Secret,
    /// Scopes asked for, separated by spaces.
    pub oidc_scopes: String,
    /// The words of the sign-in button.
    pub oidc_label: String,
    /// The claim holding the person's function (a platform code such as `enseignant-2d`).
    pub oidc_function_claim: String,
    /// The claim holding the person's establishments (UAI, or `UAI$…`).
    pub oidc_uai_claim: String,
    /// The function of a new account when the provider gives none.
    pub oidc_default_function: String,
    /// What the platform keeps and for how long, and who answers for it.
    pub privacy: domain::accounts::privacy::Privacy,
    /// How often quiet sockets (chat rooms, pads) are pinged, in seconds; one silent for two
    /// and a half times that is closed. Lower it behind a proxy that cuts idle connections
    /// sooner.
    pub socket_ping_secs: u64,
    /// How often, at most, the map checks whether its data changed in the database (and
    /// rereads it if so), in seconds (0: at every request).
    pub map_refresh_seconds: u64,
    /// Tiles drawn under the map's outlines (`https://…/{z}/{x}/{y}.png`); empty: the
    /// outlines of départements and communes served by the platform, with no tile server.
    pub map_tile_url: String,
    /// The tiles' credits, shown on the map.
    pub map_tile_attribution: String,
    /// Reverse proxies (addresses or CIDR networks, separated by commas) whose `Forwarded` /
    /// `X-Forwarded-For` headers give the client's address; empty: none is believed.
    pub trusted_proxies: String,
    /// Address of the operators' listener serving `/metrics` (e.g. `127.0.0.1:9464`);
    /// empty: no metrics served.
    pub metrics_bind: String,
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
            session_idle_minutes: 4 * 60,
            local_signup: true,
            invitation_days: 14,
            oidc_issuer: String::new(),
            oidc_client_id: String::new(),
            oidc_client_secret: Secret::default(),
            oidc_scopes: "openid email profile".to_owned(),
            oidc_label: "Se connecter avec mon compte académique".to_owned(),
            oidc_function_claim: "fonction".to_owned(),
            oidc_uai_claim: "uai".to_owned(),
            map_refresh_seconds: 60,
            map_tile_url: String::new(),
            map_tile_attribution: String::new(),
            trusted_proxies: String::new(),
            metrics_bind: String::new(),
            oidc_default_function: "enseignant-2d".to_owned(),
            privacy: domain::accounts::privacy::Privacy::default(),
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

    /// The map's tiles, when a tile server is configured.
    pub fn map_tiles(&self) -> Result<Option<web::MapTiles>, String> {
        web::MapTiles::new(&self.map_tile_url, &self.map_tile_attribution)
    }

    /// The single sign-on client's settings, when an issuer is configured.
    pub fn sso(&self) -> Result<Option<web::sso::SsoConfig>, String> {
        if self.oidc_issuer.trim().is_empty() {
            return Ok(None);
        }
        if self.oidc_client_id.trim().is_empty() {
            return Err("oidc_client_id est requis quand oidc_issuer est renseigné".to_owned());
        }
        let default_function = domain::accounts::Function::parse(&self.oidc_default_function)
            .map_err(|e| format!("oidc_default_function : {e}"))?;
        let mut scopes: Vec<String> = self
            .oidc_scopes
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        if !scopes.iter().any(|s| s == "openid") {
            scopes.insert(0, "openid".to_owned());
        }
        Ok(Some(web::sso::SsoConfig {
            issuer: self.oidc_issuer.trim().to_owned(),
            client_id: self.oidc_client_id.trim().to_owned(),
            client_secret: self.oidc_client_secret.0.clone(),
            scopes,
            label: self.oidc_label.clone(),
            function_claim: self.oidc_function_claim.clone(),
            uai_claim: self.oidc_uai_claim.clone(),
            default_function,
        }))
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
             # Mandataires inverses (nginx, Apache…) dont les en-têtes Forwarded / X-Forwarded-For donnent\n\
             # l'adresse du client : adresses ou réseaux CIDR séparés par des virgules ; vide : aucun.\n\
             # Aussi TERRITOIRE_TRUSTED_PROXIES.\n\
             trusted_proxies = \"\"\n\n\
             # Adresse d'écoute des métriques Prometheus (/metrics), pour le réseau des exploitants,\n\
             # par exemple 127.0.0.1:9464 ; vide : pas de métriques. Aussi TERRITOIRE_METRICS_BIND.\n\
             metrics_bind = \"\"\n\n\
             # Durée maximale d'une session, en heures.\n\
             session_hours = {}\n\n\
             # Une session inutilisée pendant ce nombre de minutes se ferme.\n\
             session_idle_minutes = {}\n\n\
             # Inscription libre avec un compte local (false : comptes créés par invitation,\n\
             # par l'authentification académique ou en ligne de commande).\n\
             local_signup = true\n\n\
             # Validité d'un lien d'invitation, en jours.\n\
             invitation_days = {}\n\n\
             # Authentification unique OpenID Connect de l'académie (vide : désactivée).\n\
             # Aussi TERRITOIRE_OIDC_ISSUER, TERRITOIRE_OIDC_CLIENT_ID, TERRITOIRE_OIDC_CLIENT_SECRET.\n\
             # Adresse de retour à déclarer chez le fournisseur : <public_url>/auth/oidc/callback\n\
             oidc_issuer = \"\"\n\
             oidc_client_id = \"\"\n\
             oidc_client_secret = \"\"\n\
             oidc_scopes = \"{}\"\n\
             oidc_label = \"{}\"\n\
             # Attributs donnant la fonction (code de la plateforme) et les établissements (UAI).\n\
             oidc_function_claim = \"{}\"\n\
             oidc_uai_claim = \"{}\"\n\
             # Fonction d'un nouveau compte quand le fournisseur n'en donne pas.\n\
             oidc_default_function = \"{}\"\n\n\
             # Pings des sockets des salons et des pads, en secondes ; une socket muette deux fois\n\
             # et demie ce temps est fermée. À baisser derrière un proxy qui coupe plus tôt.\n\
             socket_ping_secs = {}\n\n\
             # Fraîcheur de la carte : toutes les N secondes au plus, la base est consultée et les données\n\
             # de la carte relues si elles ont changé.\n\
             map_refresh_seconds = {}\n\
             # Tuiles sous les contours de la carte, par exemple https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png\n\
             # (vide : contours des départements et des communes servis par la plateforme, sans serveur de tuiles).\n\
             map_tile_url = \"\"\n\
             map_tile_attribution = \"\"\n\n\
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
             s3_secret_access_key = \"\"\n\n\
             [privacy]\n\
             # Durées de conservation, en jours (0 : sans limite). Appliquées chaque jour ;\n\
             # « territoire privacy retention --dry-run » montre ce qui serait supprimé.\n\
             # Compte inutilisé depuis ce temps : fermé (ses contributions restent, « ancien membre »).\n\
             inactive_account_days = {}\n\
             # Invitation expirée ou utilisée depuis ce temps : supprimée.\n\
             expired_invitation_days = {}\n\
             # Messages des salons plus anciens : supprimés.\n\
             chat_history_days = {}\n\
             # Entrées du journal de sécurité plus anciennes : supprimées.\n\
             audit_days = {}\n\
             # Responsable du traitement et contact pour exercer ses droits (page « Données personnelles »).\n\
             controller = \"\"\n\
             contact = \"\"\n",
            d.data_dir.display(),
            d.max_connections,
            d.bind,
            d.session_hours,
            d.session_idle_minutes,
            d.invitation_days,
            d.oidc_scopes,
            d.oidc_label,
            d.oidc_function_claim,
            d.oidc_uai_claim,
            d.oidc_default_function,
            d.socket_ping_secs,
            d.map_refresh_seconds,
            d.mail.from,
            d.files.video_max_mib,
            d.files.other_max_mib,
            d.files.s3_region,
            d.privacy.inactive_account_days,
            d.privacy.expired_invitation_days,
            d.privacy.chat_history_days,
            d.privacy.audit_days,
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
        settings.oidc_client_secret = Secret("motdepasse".to_owned());
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

    #[test]
    #[allow(clippy::result_large_err)]
    fn single_sign_on_from_the_environment() {
        figment::Jail::expect_with(|jail| {
            assert_eq!(
                Settings::load(None).map_err(figment::Error::from)?.sso(),
                Ok(None),
                "off by default"
            );
            jail.set_env("TERRITOIRE_OIDC_ISSUER", "https://identite.ac-lille.fr");
            let settings = Settings::load(None).map_err(figment::Error::from)?;
            assert!(
                settings.sso().is_err_and(|e| e.contains("oidc_client_id")),
                "a client id is required"
            );
            jail.set_env("TERRITOIRE_OIDC_CLIENT_ID", "territoire");
            jail.set_env("TERRITOIRE_OIDC_CLIENT_SECRET", "motdepasse");
            jail.set_env("TERRITOIRE_OIDC_SCOPES", "email profile");
            let settings = Settings::load(None).map_err(figment::Error::from)?;
            let sso = settings
                .sso()
                .map_err(figment::Error::from)?
                .ok_or("no sso")?;
            assert_eq!(sso.issuer, "https://identite.ac-lille.fr");
            assert_eq!(
                (sso.client_id.as_str(), sso.client_secret.as_str()),
                ("territoire", "motdepasse")
            );
            assert_eq!(
                sso.scopes,
                ["openid", "email", "profile"],
                "openid always asked for"
            );
            assert!(!format!("{settings:?}").contains("motdepasse"));
            jail.set_env("TERRITOIRE_OIDC_DEFAULT_FUNCTION", "recteur");
            let settings = Settings::load(None).map_err(figment::Error::from)?;
            assert!(
                settings
                    .sso()
                    .is_err_and(|e| e.contains("oidc_default_function"))
            );
            Ok(())
        });
    }
}
