//! Single sign-on (OpenID Connect): the logins under way, and the accounts of the people
//! who come back from the identity provider.

use domain::accounts::{Email, Function, PersonName};
use domain::directory::Uai;

use super::{NewPerson, PERSON_COLUMNS, Person, token_hash};
use crate::db::on;
use crate::{Db, Result, StoreError, now};

/// What the login kept for the provider's answer: the nonce the ID token must carry, the
/// PKCE verifier, and the page to return to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingLogin {
    pub nonce: String,
    pub verifier: String,
    pub next: String,
}

/// Keeps a login under way for `ttl_secs` (and forgets the expired ones).
pub async fn begin(db: &Db, state: &str, pending: &PendingLogin, ttl_secs: i64) -> Result<()> {
    let at = now();
    on!(db, pool => sqlx::query("DELETE FROM oidc_logins WHERE expires_at <= $1").bind(at).execute(pool).await.map(|r| r.rows_affected()))?;
    on!(db, pool => sqlx::query("INSERT INTO oidc_logins (state_hash, nonce, verifier, next, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash(state)).bind(&pending.nonce).bind(&pending.verifier).bind(&pending.next).bind(at + ttl_secs)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Takes the login of a `state` once: a second answer with the same state, an unknown state
/// or an expired one finds nothing.
pub async fn take(db: &Db, state: &str) -> Result<Option<PendingLogin>> {
    Ok(on!(db, pool => sqlx::query_as::<_, PendingLogin>(
        "DELETE FROM oidc_logins WHERE state_hash = $1 AND expires_at > $2 RETURNING nonce, verifier, next",
    ).bind(token_hash(state)).bind(now()).fetch_optional(pool).await)?)
}

/// Who the provider says the person is (from a verified ID token and the user info).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    pub issuer: String,
    pub subject: String,
    pub email: Option<Email>,
    pub email_verified: bool,
    pub name: Option<PersonName>,
    pub function: Option<Function>,
    pub uais: Vec<Uai>,
}

/// How the account of a single sign-on was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// Already linked to this provider's subject.
    Known,
    /// An account with the same verified address, now linked.
    Linked,
    /// A new account.
    Created,
}

/// The account of a person back from the provider: the one linked to their subject, else
/// the one of their verified address (then linked), else a new one filled from the claims
/// (`default_function` when the provider gives none). An address the provider does not
/// vouch for never takes over an existing account.
pub async fn account(
    db: &Db,
    claimed: &Claimed,
    default_function: Function,
) -> Result<(Person, Found)> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM people p WHERE p.oidc_issuer = $1 AND p.oidc_subject = $2"
    );
    let known = on!(db, pool => sqlx::query_as::<_, Person>(&sql).bind(&claimed.issuer).bind(&claimed.subject).fetch_optional(pool).await)?;
    if let Some(person) = known {
        return Ok((person, Found::Known));
    }
    let email = claimed.email.clone().ok_or_else(|| {
        StoreError::Invalid(
            "le fournisseur d'identité n'a pas transmis d'adresse électronique".to_owned(),
        )
    })?;
    if let Some((person, _)) = super::by_email(db, &email).await? {
        if !claimed.email_verified {
            return Err(StoreError::Conflict(format!(
                "un compte existe déjà pour {email}, et le fournisseur d'identité ne garantit pas cette adresse : \
                 connectez-vous avec votre mot de passe"
            )));
        }
        let linked = on!(db, pool => sqlx::query(
            "UPDATE people SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3 AND oidc_subject IS NULL AND closed_at IS NULL",
        ).bind(&claimed.issuer).bind(&claimed.subject).bind(person.id).execute(pool).await.map(|r| r.rows_affected()))?;
        if linked == 0 {
            return Err(StoreError::Conflict(format!(
                "le compte de {email} est déjà lié à une autre identité académique"
            )));
        }
        return Ok((person, Found::Linked));
    }
    let name = match &claimed.name {
        Some(name) => name.clone(),
        None => PersonName::parse(email.as_str().split('@').next().unwrap_or_default())
            .map_err(|e| StoreError::Invalid(e.to_string()))?,
    };
    let mut establishments = Vec::new();
    for uai in &claimed.uais {
        match crate::directory::by_uai(db, uai).await {
            Ok(_) => establishments.push(uai.clone()),
            Err(StoreError::NotFound) => {}
            Err(other) => return Err(other),
        }
    }
    let new = NewPerson {
        email,
        name,
        function: claimed.function.unwrap_or(default_function),
        password_hash: None,
        admin: false,
        establishments,
        circonscription: None,
        academie: None,
        subjects: Vec::new(),
        levels: Vec::new(),
    };
    let id = super::create_person(db, &new).await?;
    on!(db, pool => sqlx::query("UPDATE people SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3")
        .bind(&claimed.issuer).bind(&claimed.subject).bind(id.0).execute(pool).await.map(|r| r.rows_affected()))?;
    Ok((super::person(db, id).await?, Found::Created))
}
