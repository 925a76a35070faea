//! The instances and working groups of a territory: the steering group's seats (filled and
//! missing), the operational group, the working groups 1, 2 and 3 with their spaces.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::response::Response;
use domain::accounts::Email;
use domain::ids::{PersonId, TerritoryId};
use domain::policy::{Action, Actor, TerritoryRole};
use domain::territories::groups::{GroupKind, parse_seat};
use store::territories::groups;

use super::work_of;
use crate::error::{AppError, capitalize};
use crate::extractors::{CsrfForm, PageContext};
use crate::state::AppState;
use crate::views::territories::groups::GroupsPage;
use crate::views::{Layout, render_form};

/// A group to create, as a form or the API sends it.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct GroupInput {
    /// `pilotage`, `operationnel`, `gt1`, `gt2` or `gt3`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    /// A working group 1's establishment.
    #[serde(default)]
    pub uai: String,
    /// A working group 3's theme.
    #[serde(default)]
    pub theme: String,
}

/// The coordination creates a group (and its space).
pub(crate) async fn create_group(
    state: &AppState,
    actor: Actor,
    territory: TerritoryId,
    input: &GroupInput,
) -> Result<i64, AppError> {
    work_of(state, actor, territory, Action::ManageMembers).await?;
    let by = actor.person.ok_or(AppError::Unauthorized)?;
    let kind = GroupKind::parse(input.kind.trim()).ok_or_else(|| {
        AppError::BadRequest(format!(
            "type de groupe inconnu : « {} »",
            input.kind.trim()
        ))
    })?;
    let name = input.name.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = if name.is_empty() {
        kind.label().to_owned()
    } else {
        name
    };
    if name.chars().count() > 120 {
        return Err(AppError::BadRequest(
            "le nom du groupe compte 120 caractères au plus".to_owned(),
        ));
    }
    let uai = input.uai.trim().to_uppercase();
    let uai = match kind {
        GroupKind::Working1 if uai.is_empty() => {
            return Err(AppError::BadRequest(
                "un groupe de travail 1 est celui d'un établissement : donnez son UAI".to_owned(),
            ));
        }
        GroupKind::Working1 => Some(uai.as_str()),
        _ => None,
    };
    let theme = input.theme.trim();
    if theme.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "le thème compte 200 caractères au plus".to_owned(),
        ));
    }
    Ok(groups::create(&state.db, territory, kind, &name, uai, theme, by).await?)
}

/// The coordination seats someone in a group: a person with an account, or a partner by name.
pub(crate) async fn seat_member(
    state: &AppState,
    actor: Actor,
    group: i64,
    person: Option<PersonId>,
    name: &str,
    seat: &str,
) -> Result<(), AppError> {
    let (territory, kind) = groups::of_group(&state.db, group).await?;
    work_of(state, actor, territory, Action::ManageMembers).await?;
    let by = actor.person.ok_or(AppError::Unauthorized)?;
    let seat = parse_seat(kind, seat).map_err(|e| AppError::BadRequest(e.message))?;
    let name = match person {
        Some(person) => {
            store::accounts::person(&state.db, person)
                .await
                .map_err(|_| AppError::BadRequest(format!("aucune personne n° {person}")))?
                .name
        }
        None => {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            if !(2..=200).contains(&name.chars().count()) {
                return Err(AppError::BadRequest(
                    "donnez l'adresse d'un compte, ou le nom du partenaire (2 à 200 caractères)"
                        .to_owned(),
                ));
            }
            name
        }
    };
    Ok(groups::add_member(&state.db, group, person, &name, seat, by).await?)
}

async fn page(
    state: &AppState,
    ctx: &PageContext,
    slug: &str,
    notice: Option<String>,
    refused: Option<(Option<i64>, BTreeMap<String, String>, String)>,
) -> Result<Response, AppError> {
    let summary = store::territories::summary(&state.db, slug).await?;
    let territory = TerritoryId(summary.id);
    let actor = ctx.actor();
    let role = work_of(state, actor, territory, Action::View).await?;
    let mut page = GroupsPage::new(
        Layout::new(ctx, format!("Instances et groupes — {}", summary.name)),
        summary,
        role == Some(TerritoryRole::Coordinator) || actor.admin,
        groups::list(&state.db, territory).await?,
    );
    page.notice = notice;
    let refused_now = refused.is_some();
    if let Some((group, values, message)) = refused {
        page.refused_group = group;
        page.values = values;
        page.error = Some(capitalize(&message));
    }
    render_form(refused_now, &page)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    page(&state, &ctx, &slug, None, None).await
}

pub async fn create_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(slug): Path<String>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let territory = TerritoryId(store::territories::summary(&state.db, &slug).await?.id);
    let f = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let input = GroupInput {
        kind: f("kind"),
        name: f("name"),
        uai: f("uai"),
        theme: f("theme"),
    };
    match create_group(&state, ctx.actor(), territory, &input).await {
        Ok(_) => {
            page(
                &state,
                &ctx,
                &slug,
                Some("Le groupe et son espace sont créés.".to_owned()),
                None,
            )
            .await
        }
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            page(&state, &ctx, &slug, None, Some((None, fields, m))).await
        }
        Err(other) => Err(other),
    }
}

pub async fn member_form(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((slug, group)): Path<(String, i64)>,
    CsrfForm(fields): CsrfForm<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    let f = |k: &str| fields.get(k).map_or("", String::as_str);
    let attempt = async {
        let who = f("who").trim();
        let person = if who.contains('@') {
            let email = Email::parse(who).map_err(|_| {
                AppError::BadRequest(format!("« {who} » n'est pas une adresse électronique"))
            })?;
            let (person, _) = store::accounts::by_email(&state.db, &email)
                .await?
                .ok_or_else(|| AppError::BadRequest(format!("aucun compte {}", email.as_str())))?;
            Some(person.id())
        } else {
            None
        };
        seat_member(&state, ctx.actor(), group, person, who, f("seat")).await
    };
    match attempt.await {
        Ok(()) => {
            page(
                &state,
                &ctx,
                &slug,
                Some("Le membre est ajouté au groupe.".to_owned()),
                None,
            )
            .await
        }
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            page(&state, &ctx, &slug, None, Some((Some(group), fields, m))).await
        }
        Err(other) => Err(other),
    }
}
