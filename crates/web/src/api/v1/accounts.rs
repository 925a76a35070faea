use axum::Json;
use axum::extract::State;

use crate::error::{ApiError, ErrorBody};
use crate::extractors::ApiUser;
use crate::state::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Assignment {
    pub uai: String,
    pub name: String,
    pub kind: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Membership {
    pub slug: String,
    pub name: String,
    /// `coordinator` or `member`.
    pub role: String,
}

/// The caller's account.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// `enseignant-1d`, `enseignant-2d`, `directeur-ecole`, `perdir`, `ien`, `ia-ipr`, `cpe`, `psyen`, `cpc`, `formateur`, `charge-de-mission`, `partenaire`, `etudiant-meef`, `chercheur`.
    pub function: String,
    pub admin: bool,
    /// Establishments the person works in.
    pub assignments: Vec<Assignment>,
    pub circonscription: Option<String>,
    pub academie: Option<String>,
    pub subjects: Vec<String>,
    pub levels: Vec<String>,
    pub territories: Vec<Membership>,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "comptes", security(("jeton" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
) -> Result<Json<Me>, ApiError> {
    let profile = store::accounts::profile(&state.db, person.id()).await?;
    let territories = store::territories::of_person(&state.db, person.id()).await?;
    let p = profile.person;
    Ok(Json(Me {
        id: p.id,
        email: p.email,
        name: p.name,
        function: p.function,
        admin: p.admin,
        assignments: profile
            .establishments
            .into_iter()
            .map(|e| Assignment {
                uai: e.uai,
                name: e.name,
                kind: e.kind,
            })
            .collect(),
        circonscription: p.circonscription_code,
        academie: p.academie_code,
        subjects: profile.subjects,
        levels: profile.levels,
        territories: territories
            .into_iter()
            .map(|m| Membership {
                slug: m.slug,
                name: m.name,
                role: m.role,
            })
            .collect(),
    }))
}

/// An entry of the audit trail.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// Seconds since the epoch.
    pub at: i64,
    /// Who acted (an account id; none for an unknown caller or the platform).
    pub actor: Option<i64>,
    /// `sign-in`, `sign-in-failed`, `sign-out`, `session-revoked`, `password-reset`, `app-password-created`, `app-password-revoked`, `role-changed`, `account-created`, `account-linked`, `account-disabled`, `account-enabled`, `invitation-sent`, `invitation-accepted`, `export`, `observation-read`, `consent-changed`, `deletion`, `account-closed`, `retention`.
    pub action: String,
    /// What was acted upon (`personne:12`, `visite:4`…).
    pub target: String,
    pub ip: String,
    pub detail: String,
}

/// The audit trail, newest first, 100 entries a page (`avant`: the last id of the previous
/// page); administrators only.
#[utoipa::path(get, path = "/api/v1/audit", tag = "comptes", security(("jeton" = [])),
    params(crate::app::accounts::AuditQuery),
    responses((status = 200, body = [AuditEntry]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    axum::extract::Query(query): axum::extract::Query<crate::app::accounts::AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    crate::handlers::allow_known(
        crate::extractors::actor(Some(&person)),
        domain::policy::Action::View,
        domain::policy::Resource::Accounts,
    )?;
    let filter = query.filter(crate::app::accounts::AUDIT_PAGE)?;
    let entries = store::accounts::audit::search(&state.db, &filter).await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| AuditEntry {
                id: e.id,
                at: e.at,
                actor: e.actor_id,
                action: e.action,
                target: e.target,
                ip: e.ip,
                detail: e.detail,
            })
            .collect(),
    ))
}

/// Everything the platform holds of the caller, as a ZIP: `donnees/<rubrique>.json` (profile,
/// establishments, memberships, practices, comments, messages, consents, training, sessions,
/// security journal…) and `fichiers/…`, the files they sent, as sent.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "comptes", security(("jeton" = [])),
    responses((status = 200, content_type = "application/zip", description = "L'archive de vos données"), (status = 401, body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    crate::extractors::ClientIp(ip): crate::extractors::ClientIp,
    ApiUser(person): ApiUser,
) -> Result<axum::response::Response, ApiError> {
    Ok(crate::handlers::accounts::privacy::export(&state, &person, &ip).await?)
}
