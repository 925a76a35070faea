//! The blog of a space: posts in sanitised Markdown (with images and videos from the space's
//! folders), drafts, scheduled publication, comments, an Atom feed.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::ids::PostId;
use domain::policy::{Action, Actor, Resource, SpaceAccess, can};
use domain::spaces::{PostContent, PostInput, parse_comment};
use store::spaces::Space;
use store::spaces::blog::{self, Post, PostState, Unpublished};

use super::{allow, item, space_for};
use crate::error::AppError;
use crate::extractors::{CsrfForm, NoFields, PageContext, RequireUser, actor};
use crate::state::AppState;
use crate::views::spaces::{BlogFeed, BlogPage, PostFormPage, PostPage};
use crate::views::{Layout, render, render_status};

/// What of the blog `actor` sees besides the published posts.
pub(crate) fn unpublished(actor: Actor, access: SpaceAccess) -> Unpublished {
    if can(actor, Action::Moderate, Resource::Space(access)) {
        Unpublished::All
    } else {
        actor.person.map_or(Unpublished::None, Unpublished::Of)
    }
}

pub async fn blog(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access) = space_for(&state, actor, id, Action::View).await?;
    let posts = blog::list(&state.db, space.id(), unpublished(actor, access), 50, 0).await?;
    let writes = can(actor, Action::Contribute, Resource::Space(access));
    render(&BlogPage::new(
        Layout::new(&ctx, format!("Blog — {}", space.name)),
        &space,
        posts,
        writes,
    ))
}

/// A post of the space that `actor` may `action` on: drafts and scheduled posts are their
/// author's and the moderators' only.
pub(crate) async fn post_for(
    state: &AppState,
    actor: Actor,
    id: i64,
    post: i64,
    action: Action,
) -> Result<(Space, SpaceAccess, Post), AppError> {
    let (space, access) = space_for(state, actor, id, Action::View).await?;
    let post = blog::get(&state.db, PostId(post)).await?;
    if post.space_id != space.id {
        return Err(AppError::NotFound);
    }
    let resource = item(access, actor, post.author_id);
    let published = matches!(post.state(store::now()), PostState::Published(_));
    if !published && !can(actor, Action::Edit, resource) {
        return Err(AppError::NotFound);
    }
    allow(actor, action, resource)?;
    Ok((space, access, post))
}

pub async fn post(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, post)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (space, access, post) = post_for(&state, actor, id, post, Action::View).await?;
    let comments = blog::comments(&state.db, post.id()).await?;
    let resource = item(access, actor, post.author_id);
    render(&PostPage::new(
        Layout::new(&ctx, post.title.clone()),
        &space,
        post,
        comments,
        can(actor, Action::Edit, resource),
        can(actor, Action::Contribute, resource),
        can(actor, Action::Moderate, resource),
        actor.person,
    ))
}

pub async fn new_post(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (space, _) = space_for(&state, ctx.actor(), id, Action::Contribute).await?;
    render(&PostFormPage::new(
        Layout::new(&ctx, "Écrire un billet"),
        &space,
        None,
        PostInput::default(),
        None,
    ))
}

fn form_error(
    ctx: &PageContext,
    space: &Space,
    post: Option<i64>,
    input: PostInput,
    message: String,
) -> Result<Response, AppError> {
    render_status(
        StatusCode::BAD_REQUEST,
        &PostFormPage::new(
            Layout::new(ctx, "Écrire un billet"),
            space,
            post,
            input,
            Some(message),
        ),
    )
}

pub async fn create_post(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path(id): Path<i64>,
    CsrfForm(input): CsrfForm<PostInput>,
) -> Result<Response, AppError> {
    let (space, _) = space_for(&state, ctx.actor(), id, Action::Contribute).await?;
    let content = match PostContent::parse(&input, store::now()) {
        Ok(content) => content,
        Err(e) => return form_error(&ctx, &space, None, input, e.message),
    };
    let post = blog::create(&state.db, space.id(), person.id(), &content).await?;
    Ok(Redirect::to(&format!("/espaces/{id}/blog/{}", post.0)).into_response())
}

pub async fn edit_post(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, post)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (space, _, post) = post_for(&state, ctx.actor(), id, post, Action::Edit).await?;
    let publication = match post.state(store::now()) {
        PostState::Draft => "brouillon",
        PostState::Scheduled(_) => "programme",
        PostState::Published(_) => "maintenant",
    };
    let input = PostInput {
        title: post.title.clone(),
        body_markdown: post.body_markdown.clone(),
        publication: publication.to_owned(),
        publish_at: post
            .publish_at
            .and_then(domain::spaces::paris_time)
            .map(|t| {
                format!(
                    "{}-{:02}-{:02}T{:02}:{:02}",
                    t.year(),
                    t.month() as u8,
                    t.day(),
                    t.hour(),
                    t.minute()
                )
            })
            .unwrap_or_default(),
    };
    render(&PostFormPage::new(
        Layout::new(&ctx, format!("Modifier « {} »", post.title)),
        &space,
        Some(post.id),
        input,
        None,
    ))
}

pub async fn update_post(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, post)): Path<(i64, i64)>,
    CsrfForm(input): CsrfForm<PostInput>,
) -> Result<Response, AppError> {
    let (space, _, post) = post_for(&state, ctx.actor(), id, post, Action::Edit).await?;
    let content = match PostContent::parse(&input, store::now()) {
        Ok(content) => content,
        Err(e) => return form_error(&ctx, &space, Some(post.id), input, e.message),
    };
    blog::update(&state.db, post.id(), person.id(), &content).await?;
    Ok(Redirect::to(&format!("/espaces/{id}/blog/{}", post.id)).into_response())
}

pub async fn delete_post(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, post)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let (_, _, post) = post_for(&state, ctx.actor(), id, post, Action::Delete).await?;
    blog::delete(&state.db, post.id()).await?;
    Ok(Redirect::to(&format!("/espaces/{id}/blog")).into_response())
}

#[derive(serde::Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
}

pub async fn comment_post(
    State(state): State<AppState>,
    ctx: PageContext,
    RequireUser(person): RequireUser,
    Path((id, post)): Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> Result<Response, AppError> {
    let (_, _, post) = post_for(&state, ctx.actor(), id, post, Action::Contribute).await?;
    let body = parse_comment(&form.body).map_err(|e| AppError::BadRequest(e.message))?;
    blog::comment(&state.db, post.id(), person.id(), &body).await?;
    Ok(Redirect::to(&format!("/espaces/{id}/blog/{}#commentaires", post.id)).into_response())
}

pub async fn delete_comment(
    State(state): State<AppState>,
    ctx: PageContext,
    Path((id, post, comment)): Path<(i64, i64, i64)>,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Result<Response, AppError> {
    let actor = ctx.actor();
    let (_, access, post) = post_for(&state, actor, id, post, Action::View).await?;
    let found = blog::comment_of(&state.db, post.id(), comment).await?;
    allow(actor, Action::Delete, item(access, actor, found.person_id))?;
    blog::delete_comment(&state.db, comment).await?;
    Ok(Redirect::to(&format!("/espaces/{id}/blog/{}#commentaires", post.id)).into_response())
}

/// The Atom feed of a space's published posts. Feed readers without the session cookie give
/// the e-mail address and an application password (HTTP Basic).
pub async fn feed(
    State(state): State<AppState>,
    ctx: PageContext,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let mut reader = ctx.actor();
    if reader.person.is_none() {
        let authorization = headers
            .get(header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok());
        if let Some(person) = super::dav::basic_person(&state, authorization).await? {
            reader = actor(Some(&person));
        } else if authorization.is_none() {
            return Ok(super::dav::challenge());
        }
    }
    let (space, _) = space_for(&state, reader, id, Action::View).await?;
    let posts = blog::list(&state.db, space.id(), Unpublished::None, 30, 0).await?;
    let base = state.settings.public_url.trim_end_matches('/').to_owned();
    let body = BlogFeed::new(&space, posts, &base).render_feed()?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}
