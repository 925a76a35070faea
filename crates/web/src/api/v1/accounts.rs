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
