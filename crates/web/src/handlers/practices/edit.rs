//! Writing a practice: the form (with a preview that needs no JavaScript), saving (a draft
//! also saves itself as it is written, through the same form: front/practice.js), publishing,
//! withdrawing, deleting, and comparing published versions.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::accounts::Email;
use domain::accounts::audit::{AuditAction, AuditEvent};
use domain::directory::Uai;
use domain::ids::PracticeId;
use domain::policy::{Action, Actor, Resource, can};
use domain::practices::{
    FieldError, PracticeContent, PracticeInput, Status, Vocabulary, split_free_tags,
};
use store::accounts::Person;
use store::practices::{Context, Practice, PracticeDetail};

use super::{allowed, practice_for};
use crate::error::{ApiError, AppError};
use crate::extractors::{ClientIp, CsrfForm, NoFields, PageContext, RequireUser};
use crate::state::AppState;
use crate::views::practices::{FormValues, PracticeFormPage, VersionsPage};
use crate::views::{Layout, render, render_status};

/// What the practice form sends.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PracticeForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    body_markdown: String,
    #[serde(default)]
    objectives: String,
    #[serde(default)]
    class_size: String,
    #[serde(default)]
    licence: String,
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    territory: String,
    #[serde(default)]
    level: Vec<String>,
    #[serde(default)]
    subject: Vec<String>,
    #[serde(default)]
    skill: Vec<String>,
    #[serde(default)]
    socle: Vec<String>,
    #[serde(default)]
    dispositif: Vec<String>,
    #[serde(default)]
    free_tags: String,
    #[serde(default)]
    coauthors: String,
    #[serde(default)]
    establishments: String,
    /// `apercu` shows the preview; `brouillon-auto` saves a draft as it is written (answering
    /// JSON); anything else saves.
    #[serde(default)]
    action: String,
}

/// The `action` of the form's automatic saves of a draft (front/practice.js).
pub const AUTOSAVE: &str = "brouillon-auto";

impl PracticeForm {
    fn values(&self) -> FormValues {
        let mut tags = Vec::new();
        for (vocabulary, codes) in [
            (Vocabulary::Level, &self.level),
            (Vocabulary::Subject, &self.subject),
            (Vocabulary::Skill, &self.skill),
            (Vocabulary::Socle, &self.socle),
            (Vocabulary::Dispositif, &self.dispositif),
        ] {
            tags.extend(
                codes
                    .iter()
                    .map(|c| (vocabulary.code().to_owned(), c.clone())),
            );
        }
        FormValues {
            title: self.title.clone(),
            summary: self.summary.clone(),
            body_markdown: self.body_markdown.clone(),
            objectives: self.objectives.clone(),
            class_size: self.class_size.clone(),
            licence: self.licence.clone(),
            visibility: self.visibility.clone(),
            territory: self.territory.trim().parse().ok(),
            tags,
            free_tags: self.free_tags.clone(),
            coauthors: self.coauthors.clone(),
            establishments: self.establishments.clone(),
        }
    }

    /// The checked content and context, or the first problem found.
    fn parse(&self) -> Result<(PracticeContent, Context), FieldError> {
        let values = self.values();
        let mut tags = values.tags.clone();
        tags.extend(split_free_tags(&self.free_tags));
        let content = PracticeContent::parse(&PracticeInput {
            title: values.title,
            summary: values.summary,
            body_markdown: values.body_markdown,
            objectives: values.objectives,
            class_size: Some(values.class_size),
            licence: values.licence,
            visibility: values.visibility,
            territory: values.territory,
            tags,
        })?;
        Ok((
            content,
            parse_context(&self.coauthors, &self.establishments)?,
        ))
    }
}

/// Co-authors (e-mail addresses) and establishments (UAI) typed in two text fields.
pub(crate) fn parse_context(coauthors: &str, establishments: &str) -> Result<Context, FieldError> {
    let pieces = |text: &str| -> Vec<String> {
        text.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let coauthors = pieces(coauthors)
        .iter()
        .map(|e| Email::parse(e))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| FieldError {
            field: "coauthors",
            message: format!("co-auteurs : {e}"),
        })?;
    let establishments = pieces(establishments)
        .iter()
        .map(|u| Uai::parse(u))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| FieldError {
            field: "establishments",
            message: format!("établissements : {e}"),
        })?;
    Ok(Context {
        coauthors,
        establishments,
    })
}

/// The form, for a new practice or for `editing` one: a draft saves itself as it is written;
/// a published practice does not (each of its saves makes a version).
async fn form_page(
    state: &AppState,
    ctx: &PageContext,
    person: &Person,
    editing: Option<&Practice>,
    values: FormValues,
    error: Option<FieldError>,
    preview: Option<String>,
) -> Result<PracticeFormPage, AppError> {
    let territories = store::territories::of_person(&state.db, person.id())
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let title = match editing.map(Practice::status) {
        None => "Partager une pratique",
        Some(Status::Draft) => "Modifier le brouillon",
        Some(Status::Published) => "Modifier la pratique",
    };
    let mut page = PracticeFormPage::new(
        Layout::new(ctx, title),
        editing.map(|p| p.id),
        values,
        error,
        preview,
        territories,
    );
    if let Some(practice) = editing {
        match practice.status() {
            Status::Draft => page.autosave = Some(practice.updated_at),
            Status::Published => page.published = true,
        }
    }
    Ok(page)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct NewQuery {
    /// A closed peer visit whose observed teacher shares the practice observed.
    #[serde(default)]
    pub visite: Option<i64>,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let profile = store::accounts::profile(&state.db, person.id()).await?;
    let from_visit = match query.visite {
        Some(visit) => Some(from_visit(&state, &ctx, visit).await?),
        None => None,
    };
    let values = FormValues {
        licence: "CC-BY-SA".to_owned(),
        visibility: "platform".to_owned(),
        establishments: profile
            .establishments
            .iter()
            .map(|e| e.uai.clone())
            .collect::<Vec<_>>()
            .join(", "),
        ..from_visit.unwrap_or_default()
    };
    render(&form_page(&state, &ctx, &person, None, values, None, None).await?)
}

/// A practice sheet pre-filled from a closed peer visit, for one of its observed teachers
/// only (they decide to share it, and author it): its focus, what the binôme observed, the
/// analysis; the other observed teachers as co-authors.
async fn from_visit(state: &AppState, ctx: &PageContext, id: i64) -> Result<FormValues, AppError> {
    use domain::observatories::visit::{Category, VisitState};
    use store::observatories::visits;
    let (visit, part) = crate::handlers::observatories::visits::visit_for(
        state,
        ctx.actor(),
        id,
        Action::Contribute,
    )
    .await?;
    if part != domain::policy::VisitPart::Observed || visit.state != VisitState::Closed {
        return Err(AppError::BadRequest(
            "seuls les enseignants observés partagent la pratique d'une visite, une fois son analyse close".to_owned(),
        ));
    }
    let observation = visits::observation(&state.db, visit.id).await?;
    let analysis = visits::analysis(&state.db, visit.id).await?;
    let mut body = String::from("## Ce que le binôme a observé\n");
    for category in Category::ALL {
        let items: Vec<&str> = observation
            .items
            .iter()
            .filter(|i| i.category == category)
            .map(|i| i.text.as_str())
            .collect();
        if !items.is_empty() {
            body.push_str(&format!("\n### {}\n\n", category.label()));
            for item in items {
                body.push_str(&format!("- {item}\n"));
            }
        }
    }
    if !analysis.body.is_empty() {
        body.push_str(&format!("\n## Analyse réflexive\n\n{}\n", analysis.body));
    }
    let me = ctx.actor().person;
    Ok(FormValues {
        title: visit
            .focus
            .chars()
            .take(domain::practices::MAX_TITLE)
            .collect(),
        summary: format!(
            "Pratique observée lors d'une visite entre pairs de l'observatoire « {} ».",
            visit.observatory_name
        ),
        body_markdown: body,
        coauthors: visit
            .observed
            .iter()
            .filter(|p| Some(p.id) != me)
            .map(|p| p.email.clone())
            .collect::<Vec<_>>()
            .join(", "),
        ..FormValues::default()
    })
}

/// Shows the form again with its problem (422) or its preview; nothing typed is lost.
async fn again(
    state: &AppState,
    ctx: &PageContext,
    person: &Person,
    editing: Option<&Practice>,
    form: &PracticeForm,
    outcome: Result<Option<String>, FieldError>,
) -> Result<Response, AppError> {
    let (status, error, preview) = match outcome {
        Ok(preview) => (StatusCode::OK, None, preview),
        Err(error) => (StatusCode::UNPROCESSABLE_ENTITY, Some(error), None),
    };
    let page = form_page(state, ctx, person, editing, form.values(), error, preview).await?;
    render_status(status, &page)
}

fn store_error_as_field(error: store::StoreError) -> Result<FieldError, AppError> {
    match error {
        store::StoreError::Invalid(message) => Ok(FieldError {
            field: "form",
            message,
        }),
        other => Err(other.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    CsrfForm(form): CsrfForm<PracticeForm>,
) -> Result<Response, AppError> {
    if !can(ctx.actor(), Action::Create, Resource::Practices) {
        return Err(AppError::Forbidden);
    }
    let (content, context) = match form.parse() {
        Ok(parsed) => parsed,
        Err(error) => return again(&state, &ctx, &person, None, &form, Err(error)).await,
    };
    if form.action == "apercu" {
        let preview = Some(content.body_html());
        return again(&state, &ctx, &person, None, &form, Ok(preview)).await;
    }
    match store::practices::create(&state.db, person.id(), person.admin, &content, &context).await {
        Ok(id) => Ok(Redirect::to(&format!("/pratiques/{}", id.0)).into_response()),
        Err(error) => {
            let error = store_error_as_field(error)?;
            again(&state, &ctx, &person, None, &form, Err(error)).await
        }
    }
}

fn values_of(detail: &PracticeDetail) -> FormValues {
    let p = &detail.practice;
    FormValues {
        title: p.title.clone(),
        summary: p.summary.clone(),
        body_markdown: p.body_markdown.clone(),
        objectives: p.objectives.clone(),
        class_size: p.class_size.map(|n| n.to_string()).unwrap_or_default(),
        licence: p.licence.clone(),
        visibility: p.visibility.clone(),
        territory: p.territory_id,
        tags: detail
            .tags
            .iter()
            .filter(|t| t.vocabulary != Vocabulary::Free)
            .map(|t| (t.vocabulary.code().to_owned(), t.code.clone()))
            .collect(),
        free_tags: detail
            .tags
            .iter()
            .filter(|t| t.vocabulary == Vocabulary::Free)
            .map(|t| t.code.clone())
            .collect::<Vec<_>>()
            .join(", "),
        coauthors: String::new(),
        establishments: detail
            .establishments
            .iter()
            .map(|e| e.uai.clone())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let detail = practice_for(&state, ctx.actor(), id, Action::Edit).await?;
    let mut values = values_of(&detail);
    values.coauthors = store::practices::author_emails(&state.db, detail.practice.id())
        .await?
        .into_iter()
        .skip(1)
        .collect::<Vec<_>>()
        .join(", ");
    let page = form_page(
        &state,
        &ctx,
        &person,
        Some(&detail.practice),
        values,
        None,
        None,
    )
    .await?;
    render(&page)
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<PracticeForm>,
) -> Result<Response, AppError> {
    if form.action == AUTOSAVE {
        return Ok(match autosave(&state, &ctx, &person, id, &form).await {
            Ok(saved) => Json(saved).into_response(),
            Err(error) => ApiError(error).into_response(),
        });
    }
    let current = practice_for(&state, ctx.actor(), id, Action::Edit).await?;
    let editing = Some(&current.practice);
    let (content, context) = match form.parse() {
        Ok(parsed) => parsed,
        Err(error) => return again(&state, &ctx, &person, editing, &form, Err(error)).await,
    };
    if form.action == "apercu" {
        let preview = Some(content.body_html());
        return again(&state, &ctx, &person, editing, &form, Ok(preview)).await;
    }
    let result = store::practices::update(
        &state.db,
        PracticeId(id),
        person.id(),
        person.admin,
        &content,
        &context,
    )
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/pratiques/{id}")).into_response()),
        Err(error) => {
            let error = store_error_as_field(error)?;
            again(&state, &ctx, &person, editing, &form, Err(error)).await
        }
    }
}

/// What an automatic save of a draft answers: that it is saved, and when (seconds since the
/// epoch), the page's reference for the copy it keeps in the browser until then.
#[derive(Debug, serde::Serialize)]
pub struct Autosaved {
    pub saved: bool,
    pub updated_at: i64,
}

/// Saves a draft as it is written (the form, sent by front/practice.js after a pause). A
/// published practice is refused (409): each of its saves makes a version, so it is saved by
/// its button only. Nothing here publishes.
async fn autosave(
    state: &AppState,
    ctx: &PageContext,
    person: &Person,
    id: i64,
    form: &PracticeForm,
) -> Result<Autosaved, AppError> {
    let current = practice_for(state, ctx.actor(), id, Action::Edit).await?;
    if current.practice.status() != Status::Draft {
        return Err(AppError::Conflict(
            "cette pratique est publiée : ses modifications ne s'enregistrent pas d'elles-mêmes, car chacune en fait une nouvelle version ; enregistrez-les avec le bouton « Enregistrer une nouvelle version »".to_owned(),
        ));
    }
    let (content, context) = form.parse()?;
    let practice = current.practice.id();
    store::practices::update(
        &state.db,
        practice,
        person.id(),
        person.admin,
        &content,
        &context,
    )
    .await?;
    let saved = store::practices::get(&state.db, practice).await?;
    Ok(Autosaved {
        saved: true,
        updated_at: saved.practice.updated_at,
    })
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    allowed(&state, ctx.actor(), PracticeId(id), Action::Edit).await?;
    store::practices::publish(&state.db, PracticeId(id), person.id()).await?;
    Ok(Redirect::to(&format!("/pratiques/{id}")).into_response())
}

pub async fn unpublish(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    allowed(&state, ctx.actor(), PracticeId(id), Action::Edit).await?;
    store::practices::unpublish(&state.db, PracticeId(id)).await?;
    Ok(Redirect::to(&format!("/pratiques/{id}")).into_response())
}

/// Deletes a practice (its authors and administrators), and says so in the audit trail.
pub(crate) async fn remove(
    state: &AppState,
    actor: Actor,
    id: i64,
    ip: &str,
) -> Result<(), AppError> {
    allowed(state, actor, PracticeId(id), Action::Delete).await?;
    store::practices::delete(&state.db, PracticeId(id)).await?;
    let event = AuditEvent::new(
        actor.person,
        AuditAction::Deletion,
        format!("pratique:{id}"),
        ip,
    );
    crate::handlers::accounts::audit(state, event).await
}

pub async fn delete(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    remove(&state, ctx.actor(), id, &ip).await?;
    Ok(Redirect::to("/mes-pratiques").into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct CompareQuery {
    de: Option<i64>,
    a: Option<i64>,
}

pub async fn versions(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    Query(compare): Query<CompareQuery>,
) -> Result<Response, AppError> {
    let detail = practice_for(&state, ctx.actor(), id, Action::View).await?;
    let versions = store::practices::versions(&state.db, detail.practice.id()).await?;
    let newest = versions.first().map_or(0, |v| v.version);
    let to = compare.a.unwrap_or(newest);
    let from = compare.de.unwrap_or(to - 1);
    let title = format!("Versions de « {} »", detail.practice.title);
    render(&VersionsPage::new(
        Layout::new(&ctx, title),
        &detail,
        versions,
        from,
        to,
    ))
}
