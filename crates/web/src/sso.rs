//! OpenID Connect single sign-on with the académie's identity provider: authorization code
//! flow with PKCE, `state` (kept server-side, single use, tied to the browser by a cookie)
//! and `nonce`; the ID token's signature, issuer, audience, expiry and nonce are checked by
//! `openidconnect` against the provider's published keys. The provider is discovered at the
//! first sign-in and again every hour (its keys may rotate).

use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::accounts::{Email, Function, PersonName};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, UserInfoClaims,
};
use store::accounts::sso::{Claimed, PendingLogin};
use tokio::sync::Mutex;

/// How the platform is registered at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoConfig {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: Vec<String>,
    /// The button's words, e.g. « Se connecter avec mon compte académique ».
    pub label: String,
    /// The claim holding the person's function (a code of `Function`), if any.
    pub function_claim: String,
    /// The claim holding the establishments (UAI, or `UAI$…` as in academic directories).
    pub uai_claim: String,
    /// The function of a new account when the provider gives none.
    pub default_function: Function,
}

/// Why a sign-in through the provider failed, in words for the person.
#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("le fournisseur d'identité ne répond pas ({0})")]
    Unreachable(String),
    #[error(
        "cette réponse du fournisseur d'identité ne correspond à aucune connexion en cours (lien expiré, déjà utilisé ou falsifié)"
    )]
    State,
    #[error("le fournisseur d'identité a refusé la connexion ({0})")]
    Refused(String),
    #[error("le jeton d'identité reçu n'est pas valide : {0}")]
    Token(String),
}

type Discovered = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The claims the platform reads beyond the standard ones (function, establishments).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Extra {
    #[serde(flatten)]
    claims: serde_json::Map<String, serde_json::Value>,
}

impl AdditionalClaims for Extra {}

pub struct Sso {
    pub config: SsoConfig,
    redirect: RedirectUrl,
    http: reqwest::Client,
    discovered: Mutex<Option<(Instant, Arc<Discovered>)>>,
}

const REDISCOVER: Duration = Duration::from_secs(3600);

impl Sso {
    /// `public_url`: the platform's address; the provider sends people back to
    /// `<public_url>/auth/oidc/callback`.
    pub fn new(config: SsoConfig, public_url: &str) -> Result<Self, String> {
        let redirect = RedirectUrl::new(format!(
            "{}/auth/oidc/callback",
            public_url.trim_end_matches('/')
        ))
        .map_err(|e| format!("adresse publique invalide : {e}"))?;
        IssuerUrl::new(config.issuer.clone())
            .map_err(|e| format!("émetteur OpenID Connect invalide : {e}"))?;
        let http = reqwest::Client::builder()
            // Following redirects would open the client to server-side request forgery.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            config,
            redirect,
            http,
            discovered: Mutex::new(None),
        })
    }

    async fn client(&self) -> Result<Arc<Discovered>, SsoError> {
        let mut cached = self.discovered.lock().await;
        if let Some((at, client)) = cached.as_ref()
            && at.elapsed() < REDISCOVER
        {
            return Ok(client.clone());
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| SsoError::Unreachable(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| SsoError::Unreachable(error_chain(&e)))?;
        let client = Arc::new(
            CoreClient::from_provider_metadata(
                metadata,
                ClientId::new(self.config.client_id.clone()),
                (!self.config.client_secret.is_empty())
                    .then(|| ClientSecret::new(self.config.client_secret.clone())),
            )
            .set_redirect_uri(self.redirect.clone()),
        );
        *cached = Some((Instant::now(), client.clone()));
        Ok(client)
    }

    /// Where to send the browser, the `state` it carries, and what to keep for its return.
    pub async fn authorize(&self, next: &str) -> Result<(String, String, PendingLogin), SsoError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in self.config.scopes.iter().filter(|s| s.as_str() != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let pending = PendingLogin {
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            next: next.to_owned(),
        };
        Ok((url.to_string(), state.secret().clone(), pending))
    }

    /// Exchanges the code (with the PKCE verifier), verifies the ID token, reads the user
    /// info of the same subject, and says who the person is.
    pub async fn finish(&self, code: &str, pending: &PendingLogin) -> Result<Claimed, SsoError> {
        let client = self.client().await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| SsoError::Unreachable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| SsoError::Refused(error_chain(&e)))?;
        let id_token = tokens.id_token().ok_or_else(|| {
            SsoError::Token("le fournisseur n'a pas envoyé de jeton d'identité".to_owned())
        })?;
        let claims = id_token
            .claims(
                &client.id_token_verifier(),
                &Nonce::new(pending.nonce.clone()),
            )
            .map_err(|e| SsoError::Token(token_problem(&e)))?;
        let subject = claims.subject().clone();
        let info: Option<UserInfoClaims<Extra, CoreGenderClaim>> =
            match client.user_info(tokens.access_token().clone(), Some(subject.clone())) {
                Ok(request) => Some(
                    request
                        .request_async(&self.http)
                        .await
                        .map_err(|e| SsoError::Refused(error_chain(&e)))?,
                ),
                // No user info endpoint: the ID token's claims are all there is.
                Err(_) => None,
            };
        let email = info
            .as_ref()
            .and_then(|i| i.email())
            .or(claims.email())
            .and_then(|e| Email::parse(e.as_str()).ok());
        let email_verified = info
            .as_ref()
            .and_then(|i| i.email_verified())
            .or(claims.email_verified())
            .unwrap_or(false);
        let name = info
            .as_ref()
            .and_then(|i| i.name())
            .or(claims.name())
            .and_then(|n| n.get(None))
            .and_then(|n| PersonName::parse(n.as_str()).ok());
        let extra = info
            .map(|i| i.additional_claims().claims.clone())
            .unwrap_or_default();
        Ok(Claimed {
            issuer: claims.issuer().to_string(),
            subject: subject.to_string(),
            email,
            email_verified,
            name,
            function: extra
                .get(&self.config.function_claim)
                .and_then(domain::accounts::sso::function),
            uais: extra
                .get(&self.config.uai_claim)
                .map(domain::accounts::sso::uais)
                .unwrap_or_default(),
        })
    }
}

/// The reason an ID token is refused, in French.
fn token_problem(error: &openidconnect::ClaimsVerificationError) -> String {
    use openidconnect::ClaimsVerificationError as E;
    match error {
        E::Expired(_) => "il a expiré".to_owned(),
        E::InvalidAudience(_) => "il a été émis pour une autre application".to_owned(),
        E::InvalidIssuer(_) => "il vient d'un autre émetteur".to_owned(),
        E::InvalidNonce(_) => "il ne correspond pas à cette connexion (nonce)".to_owned(),
        E::SignatureVerification(_) => "sa signature n'est pas celle du fournisseur".to_owned(),
        other => other.to_string(),
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(" : ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
