//! The forum of a space: categories, topics, replies with quotes and @mentions, what each
//! person has not read yet, subscriptions, moderation and the reports queue.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::{CategoryId, MessageId, TopicId};
use domain::policy::{Action, Actor, Resource, SpaceAccess, can};
use domain::spaces::{parse_message, parse_reason, parse_title, quote};
use store::spaces::Space;
use store::spaces::forum::{self, Topic, TopicChange};

use super::{allow, item, space_for};
use crate::app::spaces::MESSAGES_PER_PAGE;
use crate::error::AppError;
use crate::extractors::{CsrfForm, PageContext, RequireUser};
use crate::handlers::practices::{search_error, viewer};
use crate::state::AppState;
use crate::views::spaces::{ForumPage, ForumSearch, ModerationPage, TopicForm, TopicPage};
use crate::views::{Layout, render, render_status};

#[derive(Debug, Default, serde::Deserialize)]
pub struct ForumQuery {
    categorie: Option<i64>,
    /// Words searched in the forum.
    q: Option<String>,
}

pub async fn forum(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    Query(query): Query<ForumQuery>,
) -> Result<Response, AppError> {
    let q = query.q.filter(|q| !q.trim().is_empty());
    forum_page(
        &state,
        &ctx,
        id,
        query.categorie,
        TopicForm::default(),
        None,
        q,
    )
    .await
}

async fn forum_page(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    category: Option<i64>,
    form: TopicForm,
    error: Option<String>,
    q: Option<String>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access) = space_for(state, actor, id, Action::View).await?;
    let search = match q {
        Some(q) => {
            let query = search::SearchQuery {
                text: q.clone(),
                filters: Vec::new(),
                offset: 0,
                limit: 50,
                scope: search::Scope::Topics {
                    space: Some(space.id),
                },
            };
            let viewer = viewer(state, actor, query.scope).await?;
            let results = state
                .search
                .search(&state.db, query, viewer)
                .await
                .map_err(search_error)?;
            Some(ForumSearch::new(q, results))
        }
        None => None,
    };
    let moderates = can(actor, Action::Moderate, Resource::Space(access));
    let categories = forum::categories(&state.db, space.id()).await?;
    let topics = forum::topics(
        &state.db,
        space.id(),
        category.map(CategoryId),
        actor.person,
        moderates,
        100,
        0,
    )
    .await?;
    let reports = if moderates {
        forum::open_reports(&state.db, space.id()).await?.len()
    } else {
        0
    };
    let page = ForumPage::new(
        Layout::new(ctx, format!("Forum — {}", space.name)),
        &space,
        categories,
        category,
        topics,
        can(actor, Action::Contribute, Resource::Space(access)),
        moderates,
        reports,
        form,
        error.clone(),
        actor.person.is_some(),
        search,
    );
    match error {
        Some(_) => render_status(StatusCode::BAD_REQUEST, &page),
        None => render(&page),
    }
}

pub async fn create_topic(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<TopicForm>,
) -> Result<Response, AppError> {
    let (space, _) = space_for(&state, ctx.actor(), id, Action::Contribute).await?;
    let checked =
        parse_title(&form.title).and_then(|t| Ok((t, parse_message(&form.body_markdown)?)));
    let (title, body) = match checked {
        Ok(ok) => ok,
        Err(e) => return forum_page(&state, &ctx, id, None, form, Some(e.message), None).await,
    };
    let category = match form.category.trim() {
        "" => None,
        c => Some(CategoryId(c.parse().map_err(|_| {
            AppError::BadRequest("catégorie inconnue".to_owned())
        })?)),
    };
    let topic =
        forum::create_topic(&state.db, space.id(), category, person.id(), &title, &body).await?;
    Ok(Redirect::to(&format!("/espaces/{id}/forum/{}", topic.0)).into_response())
}

#[derive(serde::Deserialize)]
pub struct CategoryForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

pub async fn create_category(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<CategoryForm>,
) -> Result<Response, AppError> {
    let (space, _) = space_for(&state, ctx.actor(), id, Action::Moderate).await?;
    forum::create_category(&state.db, space.id(), &form.name, &form.description).await?;
    Ok(Redirect::to(&format!("/espaces/{id}/forum")).into_response())
}

/// A topic of the space `actor` may `action` on: hidden topics are the moderators' only.
pub(crate) async fn topic_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    topic: i64,
    action: Action,
) -> Result<(Space, SpaceAccess, Topic), AppError> {
    let (space, access) = space_for(state, actor, id, Action::View).await?;
    let topic = forum::get_topic(&state.db, TopicId(topic), actor.person).await?;
    if topic.space_id != space.id
        || (topic.hidden && !can(actor, Action::Moderate, Resource::Space(access)))
    {
        return Err(AppError::NotFound);
    }
    allow(actor, action, Resource::Space(access))?;
    Ok((space, access, topic))
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct TopicQuery {
    /// Show the messages numbered after this one.
    apres: Option<i64>,
    /// Quote this message in the reply form.
    citer: Option<i64>,
}

pub async fn topic(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, topic)): Path<(i64, i64)>,
    Query(query): Query<TopicQuery>,
) -> Result<Response, AppError> {
    topic_page(&state, &ctx, id, topic, query, None, None).await
}

async fn topic_page(
    state: &AppState,
    ctx: &PageContext,
    id: i64,
    topic: i64,
    query: TopicQuery,
    draft: Option<String>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access, topic) = topic_for(state, actor, id, topic, Action::View).await?;
    // Without a page asked for, the first unread message's page.
    let after = query.apres.unwrap_or_else(|| {
        let first_unread = topic.last_seq - topic.unread;
        if actor.person.is_some() && topic.unread > 0 {
            (first_unread / MESSAGES_PER_PAGE) * MESSAGES_PER_PAGE
        } else {
            0
        }
    });
    let after = after.clamp(0, topic.last_seq.max(0));
    let messages = forum::messages(&state.db, topic.id(), after, MESSAGES_PER_PAGE).await?;
    if let (Some(person), Some(last)) = (actor.person, messages.last()) {
        forum::mark_read(&state.db, person, topic.id(), last.seq).await?;
    }
    let subscribed = match actor.person {
        Some(person) => forum::subscribed(&state.db, person, topic.id()).await?,
        None => false,
    };
    let quoted = match query.citer {
        Some(message) => {
            let m = forum::message(&state.db, MessageId(message)).await?;
            (m.topic_id == topic.id && !m.hidden).then(|| {
                (
                    m.id,
                    quote(
                        m.author_name.as_deref().unwrap_or("Ancien membre"),
                        &m.body_markdown,
                    ),
                )
            })
        }
        None => None,
    };
    let categories = forum::categories(&state.db, space.id()).await?;
    let moderates = can(actor, Action::Moderate, Resource::Space(access));
    let page = TopicPage::new(
        Layout::new(ctx, topic.title.clone()),
        &space,
        access,
        actor,
        topic,
        messages,
        after,
        subscribed,
        quoted,
        draft,
        error.clone(),
        categories,
        moderates,
    );
    match error {
        Some(_) => render_status(StatusCode::BAD_REQUEST, &page),
        None => render(&page),
    }
}

#[derive(serde::Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    body_markdown: String,
    quote_of: Option<i64>,
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, topic)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (_, access, topic) = topic_for(&state, actor, id, topic, Action::Contribute).await?;
    let moderator = can(actor, Action::Moderate, Resource::Space(access));
    let body = match parse_message(&form.body_markdown) {
        Ok(body) => body,
        Err(e) => {
            let query = TopicQuery {
                apres: Some(topic.last_seq.saturating_sub(MESSAGES_PER_PAGE).max(0)),
                citer: None,
            };
            return topic_page(
                &state,
                &ctx,
                id,
                topic.id,
                query,
                Some(form.body_markdown),
                Some(e.message),
            )
            .await;
        }
    };
    let replied = forum::reply(
        &state.db,
        topic.id(),
        person.id(),
        &body,
        form.quote_of.map(MessageId),
        moderator,
    )
    .await?;
    let page = ((replied.seq - 1) / MESSAGES_PER_PAGE) * MESSAGES_PER_PAGE;
    Ok(Redirect::to(&format!(
        "/espaces/{id}/forum/{}?apres={page}#message-{}",
        topic.id, replied.seq
    ))
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct SubscribeForm {
    #[serde(default)]
    on: String,
}

pub async fn subscribe(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, topic)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<SubscribeForm>,
) -> Result<Response, AppError> {
    let (_, _, topic) = topic_for(&state, ctx.actor(), id, topic, Action::View).await?;
    forum::subscribe(&state.db, person.id(), topic.id(), form.on == "1").await?;
    Ok(Redirect::to(&format!("/espaces/{id}/forum/{}", topic.id)).into_response())
}

#[derive(serde::Deserialize)]
pub struct ModerateForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    category: String,
}

pub async fn moderate_topic(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, topic)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<ModerateForm>,
) -> Result<Response, AppError> {
    let (_, _, topic) = topic_for(&state, ctx.actor(), id, topic, Action::Moderate).await?;
    let change = match form.action.as_str() {
        "epingler" => TopicChange::Pin(true),
        "desepingler" => TopicChange::Pin(false),
        "verrouiller" => TopicChange::Lock(true),
        "deverrouiller" => TopicChange::Lock(false),
        "masquer" => TopicChange::Hide(true),
        "retablir" => TopicChange::Hide(false),
        "deplacer" => TopicChange::Move(match form.category.trim() {
            "" => None,
            c => Some(CategoryId(c.parse().map_err(|_| {
                AppError::BadRequest("catégorie inconnue".to_owned())
            })?)),
        }),
        _ => {
            return Err(AppError::BadRequest(
                "action de modération inconnue".to_owned(),
            ));
        }
    };
    forum::moderate_topic(&state.db, topic.id(), change, person.id()).await?;
    Ok(Redirect::to(&format!("/espaces/{id}/forum/{}", topic.id)).into_response())
}

/// A message of the space, with the rights of `actor` on it.
pub(crate) async fn message_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    message: i64,
    action: Action,
) -> Result<(SpaceAccess, forum::Message), AppError> {
    let m = forum::message(&state.db, MessageId(message)).await?;
    let (_, access, _) = topic_for(state, actor, id, m.topic_id, Action::View).await?;
    allow(actor, action, item(access, actor, m.author_id))?;
    Ok((access, m))
}

#[derive(serde::Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    reason: String,
}

pub async fn report(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, message)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<ReportForm>,
) -> Result<Response, AppError> {
    let (_, m) = message_for(&state, ctx.actor(), id, message, Action::View).await?;
    let reason = parse_reason(&form.reason).map_err(|e| AppError::BadRequest(e.message))?;
    forum::report(&state.db, MessageId(m.id), person.id(), &reason).await?;
    Ok(Redirect::to(&format!(
        "/espaces/{id}/forum/{}?signale=1#message-{}",
        m.topic_id, m.seq
    ))
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct HideForm {
    #[serde(default)]
    hidden: String,
}

pub async fn hide_message(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, message)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<HideForm>,
) -> Result<Response, AppError> {
    let (_, m) = message_for(&state, ctx.actor(), id, message, Action::Moderate).await?;
    forum::hide_message(&state.db, MessageId(m.id), form.hidden == "1").await?;
    Ok(Redirect::to(&format!(
        "/espaces/{id}/forum/{}#message-{}",
        m.topic_id, m.seq
    ))
    .into_response())
}

pub async fn moderation(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (space, _) = space_for(&state, ctx.actor(), id, Action::Moderate).await?;
    let reports = forum::open_reports(&state.db, space.id()).await?;
    render(&ModerationPage::new(
        Layout::new(&ctx, format!("Modération — {}", space.name)),
        &space,
        reports,
    ))
}

#[derive(serde::Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    action: String,
}

pub async fn resolve(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, report)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<ResolveForm>,
) -> Result<Response, AppError> {
    let (space, _) = space_for(&state, ctx.actor(), id, Action::Moderate).await?;
    forum::resolve(
        &state.db,
        space.id(),
        report,
        person.id(),
        form.action == "masquer",
    )
    .await?;
    Ok(Redirect::to(&format!("/espaces/{id}/moderation")).into_response())
}
