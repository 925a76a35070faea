//! The administrators' pages: the platform's accounts (disable, re-enable, the administrator
//! role), the audit trail, and the exceptional accesses to content not shared with them.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::audit::{AuditAction, AuditEvent, person_target};
use domain::accounts::exceptional::{self, Target};
use domain::ids::PersonId;
use domain::policy::{Action, Resource};
use store::accounts::{self, audit::Filter, sessions};

use super::audit;
use crate::app::accounts::{AUDIT_PAGE, AuditQuery};
use crate::error::AppError;
use crate::extractors::{ClientIp, CsrfForm, PageContext, RequireUser};
use crate::handlers::allow_known;
use crate::state::AppState;
use crate::views::accounts::{
    AccountsAdminPage, AuditPage, ExceptionalPage, ExceptionalRow, RetentionPage,
};
use crate::views::{Layout, render, render_status};

#[derive(serde::Deserialize, Default)]
pub struct AccountsQuery {
    #[serde(default)]
    q: String,
}

pub async fn accounts(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(_): RequireUser,
    Query(query): Query<AccountsQuery>,
) -> Result<Response, AppError> {
    allow_known(ctx.actor(), Action::View, Resource::Accounts)?;
    let people = if query.q.trim().is_empty() {
        Vec::new()
    } else {
        accounts::search_people(&state.db, &query.q, 100).await?
    };
    render(&AccountsAdminPage::new(
        Layout::new(&ctx, "Comptes de la plateforme"),
        query.q,
        people,
    ))
}

#[derive(serde::Deserialize)]
pub struct StateForm {
    /// `desactive` or `actif`.
    #[serde(default)]
    etat: String,
    #[serde(default)]
    q: String,
}

/// Disables an account (every session of it ends at once) or re-enables it.
pub async fn set_state(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    RequireUser(me): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<StateForm>,
) -> Result<Response, AppError> {
    allow_known(ctx.actor(), Action::Edit, Resource::Accounts)?;
    let disable = match form.etat.as_str() {
        "desactive" => true,
        "actif" => false,
        other => return Err(AppError::BadRequest(format!("état « {other} » inconnu"))),
    };
    let person = PersonId(id);
    if disable && person == me.id() {
        return Err(AppError::BadRequest(
            "vous ne pouvez pas désactiver votre propre compte".to_owned(),
        ));
    }
    sessions::set_disabled(&state.db, person, disable).await?;
    if disable {
        state.realtime.revoke(person).await;
    }
    let action = if disable {
        AuditAction::AccountDisabled
    } else {
        AuditAction::AccountEnabled
    };
    audit(
        &state,
        AuditEvent::new(Some(me.id()), action, person_target(person), &ip),
    )
    .await?;
    Ok(back(&form.q))
}

#[derive(serde::Deserialize)]
pub struct RoleForm {
    /// `oui` or `non`.
    #[serde(default)]
    administrateur: String,
    #[serde(default)]
    q: String,
}

/// Gives or takes the administrator role.
pub async fn set_role(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    RequireUser(me): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Response, AppError> {
    allow_known(ctx.actor(), Action::ManageMembers, Resource::Accounts)?;
    let admin = match form.administrateur.as_str() {
        "oui" => true,
        "non" => false,
        other => return Err(AppError::BadRequest(format!("valeur « {other} » inconnue"))),
    };
    let person = PersonId(id);
    if !admin && person == me.id() {
        return Err(AppError::BadRequest(
            "vous ne pouvez pas retirer votre propre rôle d'administrateur".to_owned(),
        ));
    }
    accounts::set_admin(&state.db, person, admin).await?;
    let detail = if admin {
        "administrateur : oui"
    } else {
        "administrateur : non"
    };
    audit(
        &state,
        AuditEvent::new(
            Some(me.id()),
            AuditAction::RoleChanged,
            person_target(person),
            &ip,
        )
        .detail(detail),
    )
    .await?;
    Ok(back(&form.q))
}

fn back(q: &str) -> Response {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", q)
        .finish();
    Redirect::to(&format!("/admin/comptes?{query}")).into_response()
}

impl AuditQuery {
    pub fn filter(&self, limit: i64) -> Result<Filter, AppError> {
        let action = match self.action.trim() {
            "" => None,
            code => Some(AuditAction::parse(code).ok_or_else(|| {
                AppError::BadRequest(format!("action « {code} » inconnue du journal"))
            })?),
        };
        let day = |text: &str, what: &str| -> Result<Option<i64>, AppError> {
            if text.trim().is_empty() {
                return Ok(None);
            }
            let date =
                domain::practices::consent::parse_date(text, what).map_err(AppError::BadRequest)?;
            Ok(Some(date.midnight().assume_utc().unix_timestamp()))
        };
        let nonempty = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
        let number = |text: &str, what: &str| -> Result<Option<i64>, AppError> {
            match text.trim() {
                "" => Ok(None),
                n => n.parse().map(Some).map_err(|_| {
                    AppError::BadRequest(format!("{what} « {n} » n'est pas un nombre"))
                }),
            }
        };
        Ok(Filter {
            actor: number(&self.personne, "le numéro de compte")?.map(PersonId),
            action,
            target: nonempty(&self.cible),
            text: nonempty(&self.texte),
            ip: nonempty(&self.ip),
            from: day(&self.du, "le premier jour")?,
            to: day(&self.au, "le dernier jour")?.map(|t| t + 24 * 3600),
            before: number(&self.avant, "la page")?,
            limit,
        })
    }
}

pub async fn journal(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(_): RequireUser,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    allow_known(ctx.actor(), Action::View, Resource::Accounts)?;
    let filter = query.filter(AUDIT_PAGE)?;
    let entries = accounts::audit::search(&state.db, &filter).await?;
    render(&AuditPage::new(
        Layout::new(&ctx, "Journal de sécurité"),
        query,
        entries,
    ))
}

/// The retention rules and what the next daily run would remove (a dry run).
pub async fn retention(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(_): RequireUser,
) -> Result<Response, AppError> {
    allow_known(ctx.actor(), Action::View, Resource::Accounts)?;
    let cutoffs = state.settings.privacy.cutoffs(store::now());
    let due = store::accounts::privacy::retention_due(&state.db, &cutoffs).await?;
    render(&RetentionPage::new(
        Layout::new(&ctx, "Durées de conservation"),
        &state.settings.privacy,
        &due,
    ))
}

/// The exceptional accesses: the form, and the latest ones.
pub async fn exceptional(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(_): RequireUser,
) -> Result<Response, AppError> {
    allow_known(ctx.actor(), Action::View, Resource::Accounts)?;
    exceptional_page(
        &state,
        &ctx,
        ExceptionalForm::default(),
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(serde::Deserialize, Default)]
pub struct ExceptionalForm {
    /// `pratique` or `espace`.
    #[serde(default)]
    objet: String,
    #[serde(default)]
    numero: String,
    #[serde(default)]
    motif: String,
}

async fn exceptional_page(
    state: &AppState,
    ctx: &PageContext,
    form: ExceptionalForm,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let grants = store::accounts::exceptional::latest(&state.db, 100)
        .await?
        .into_iter()
        .map(ExceptionalRow::new)
        .collect();
    render_status(
        status,
        &ExceptionalPage {
            layout: Layout::new(ctx, "Accès exceptionnels"),
            kind: form.objet,
            number: form.numero,
            reason: form.motif,
            error,
            grants,
        },
    )
}

/// Opens an exceptional access: read-only, for a week, with its reason in the audit trail and
/// told to the content's owners; then the content itself.
pub async fn grant_exceptional(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    RequireUser(me): RequireUser,
    CsrfForm(form): CsrfForm<ExceptionalForm>,
) -> Result<Response, AppError> {
    allow_known(ctx.actor(), Action::Edit, Resource::Accounts)?;
    let parsed = Target::parse(&form.objet, &form.numero)
        .and_then(|target| Ok((target, exceptional::parse_reason(&form.motif)?)));
    let (target, reason) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            return exceptional_page(&state, &ctx, form, Some(e.message), StatusCode::BAD_REQUEST)
                .await;
        }
    };
    match store::accounts::exceptional::grant(&state.db, me.id(), target, &reason).await {
        Ok(()) => {}
        Err(store::StoreError::NotFound) => {
            let missing = crate::error::capitalize(&format!("{} n'existe pas", target.label()));
            return exceptional_page(&state, &ctx, form, Some(missing), StatusCode::NOT_FOUND)
                .await;
        }
        Err(other) => return Err(other.into()),
    }
    audit(
        &state,
        AuditEvent::new(
            Some(me.id()),
            AuditAction::ExceptionalAccess,
            format!("{}:{}", target.kind(), target.id()),
            &ip,
        )
        .detail(reason),
    )
    .await?;
    Ok(Redirect::to(&target.path()).into_response())
}
