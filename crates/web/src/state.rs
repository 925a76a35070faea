use std::sync::Arc;

use media::BlobStore;
use search::SearchIndex;
use store::Db;
use store::directory::{DirectoryIndex, Labels};

use crate::mail::Mailer;

/// What the web layer needs to know of the settings.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Address people use to reach the platform (links in mails), e.g. `https://territoire.ac-lille.fr`.
    pub public_url: String,
    /// Demo mode: the home page lists the demo accounts.
    pub demo: bool,
    /// How long a session lasts at most, in seconds.
    pub session_ttl_secs: i64,
    /// How long a session may stay unused before it ends, in seconds.
    pub session_idle_secs: i64,
    /// Whether people may open a local account themselves (`/inscription`); invitations
    /// work either way.
    pub local_signup: bool,
    /// How long an invitation link stays valid, in seconds.
    pub invitation_ttl_secs: i64,
    /// The académie's identity provider, when single sign-on is on.
    pub sso: Option<crate::sso::SsoConfig>,
    /// What the platform keeps and for how long (the retention job, the « Données
    /// personnelles » page).
    pub privacy: domain::accounts::privacy::Privacy,
    /// Sign-in attempts allowed for one address from one IP (and ten times that from one IP,
    /// whatever the address) in `login_window_secs`.
    pub login_max_failures: i64,
    pub login_window_secs: i64,
    /// Size limits of uploads.
    pub upload_limits: media::Limits,
    /// Whether videos are transcoded (when ffmpeg is there); off, originals are served.
    pub transcode: bool,
    /// The storage a new space gets, in bytes.
    pub space_quota: i64,
    /// How often a quiet socket (chat room, pad) is pinged; one silent for two and a half
    /// times that is closed.
    pub socket_ping: std::time::Duration,
    /// How often the map checks whether its data changed, and rereads it if so (zero: at
    /// every request).
    pub map_refresh: std::time::Duration,
    /// Tiles under the map's outlines, when a tile server is configured.
    pub map_tiles: Option<MapTiles>,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers give the client's address.
    pub trusted_proxies: crate::extractors::TrustedProxies,
}

/// A tile server for the map: `https://…/{z}/{x}/{y}.png`.
#[derive(Debug, Clone, PartialEq)]
pub struct MapTiles {
    pub url: String,
    /// Scheme and host, let into the pages' content security policy.
    pub origin: String,
    pub attribution: String,
}

impl MapTiles {
    /// The tiles of `url`, or none when it is empty.
    pub fn new(url: &str, attribution: &str) -> Result<Option<Self>, String> {
        let url = url.trim();
        if url.is_empty() {
            return Ok(None);
        }
        let bad = |why: &str| format!("adresse des tuiles de la carte « {url} » refusée : {why}");
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| bad("elle doit commencer par https://"))?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || host.contains(['{', '}', '"', '\'', ' ', ';']) {
            return Err(bad("le serveur doit y être écrit en clair"));
        }
        if !["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p)) {
            return Err(bad("elle doit contenir {z}, {x} et {y}"));
        }
        Ok(Some(Self {
            origin: format!("{}{host}", &url[..url.len() - rest.len()]),
            url: url.to_owned(),
            attribution: attribution.trim().to_owned(),
        }))
    }
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            public_url: "http://localhost:8080".to_owned(),
            demo: false,
            session_ttl_secs: 14 * 24 * 3600,
            session_idle_secs: 4 * 3600,
            local_signup: true,
            invitation_ttl_secs: 14 * 24 * 3600,
            sso: None,
            privacy: domain::accounts::privacy::Privacy::default(),
            login_max_failures: 5,
            login_window_secs: 15 * 60,
            upload_limits: media::Limits::default(),
            transcode: true,
            space_quota: domain::spaces::DEFAULT_QUOTA,
            socket_ping: std::time::Duration::from_secs(30),
            map_refresh: std::time::Duration::from_secs(60),
            map_tiles: None,
            trusted_proxies: crate::extractors::TrustedProxies::default(),
        }
    }
}

impl WebSettings {
    /// Cookies carry `Secure` when the platform is reached over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// The directory's search index (in memory, kept at the database's version).
    pub directory: Arc<DirectoryIndex>,
    /// The départements (reference data, loaded once and never changed by the platform).
    pub departements: Arc<tokio::sync::OnceCell<Labels>>,
    pub settings: Arc<WebSettings>,
    pub mailer: Mailer,
    /// This node's full-text index, following the database's change log.
    pub search: Arc<SearchIndex>,
    /// Where uploaded files live.
    pub blobs: BlobStore,
    /// Wakes the job workers when a job is queued.
    pub jobs_wakeup: Arc<tokio::sync::Notify>,
    /// Chat rooms and pads of this node, linked to the other nodes.
    pub realtime: realtime::Realtime,
    /// The client of the académie's identity provider, when single sign-on is on.
    pub sso: Option<Arc<crate::sso::Sso>>,
    /// What the map draws, in memory.
    pub map: Arc<store::indicators::map::MapIndex>,
}

impl AppState {
    pub fn new(
        db: Db,
        settings: WebSettings,
        mailer: Mailer,
        search: Arc<SearchIndex>,
        blobs: BlobStore,
    ) -> Result<Self, String> {
        let sso = match &settings.sso {
            Some(config) => Some(Arc::new(crate::sso::Sso::new(
                config.clone(),
                &settings.public_url,
            )?)),
            None => None,
        };
        Ok(Self {
            sso,
            map: Arc::new(store::indicators::map::MapIndex::new(settings.map_refresh)),
            realtime: realtime::Realtime::new(db.clone(), realtime::Settings::default()),
            search,
            blobs,
            jobs_wakeup: Arc::default(),
            db,
            directory: Arc::default(),
            departements: Arc::default(),
            settings: Arc::new(settings),
            mailer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::WebSettings;

    #[test]
    fn cookies_are_secure_behind_https_only() {
        let https = WebSettings {
            public_url: "https://territoire.ac-lille.fr".to_owned(),
            ..WebSettings::default()
        };
        assert!(https.secure_cookies());
        assert!(!WebSettings::default().secure_cookies());
    }
}
