//! `/api/v1/spaces`: exchange spaces, their members, blog, forum and shared folders in JSON,
//! with exactly the rights of the pages (the same helpers decide).

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::ids::{CategoryId, EntryId, MessageId, SpaceId, TerritoryId, VersionId};
use domain::policy::{Action, Resource, SpaceAccess, can};
use domain::spaces::{
    PostContent, PostInput, SpaceInput, parse_comment, parse_message, parse_reason, parse_title,
};
use store::spaces::blog::{self, Post, PostState};
use store::spaces::folders::{self, Entry};
use store::spaces::forum::{self, Topic};

use super::ApiJson;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::extractors::{ApiCaller, ApiUser, actor};
use crate::handlers::spaces::{
    change_member, create_space, entry_for, file_content, folder_of, make_folder, message_for,
    post_for, receive, space_for, topic_for, unpublished,
};
use crate::state::AppState;

fn bad(message: String) -> ApiError {
    ApiError(AppError::BadRequest(message))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SpaceSummaryJson {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// `territory`, `observatory`, `working-group` or `network`.
    pub kind: String,
    /// `members`, `territory` or `platform`.
    pub visibility: String,
    pub territory_name: Option<String>,
    pub members: i64,
    /// The caller's role: `owner`, `moderator`, `member`, `reader`, or none.
    pub role: Option<String>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberJson {
    pub person_id: i64,
    pub name: String,
    pub email: String,
    /// `owner`, `moderator`, `member` or `reader`.
    pub role: String,
    pub added_at: i64,
}

impl From<store::spaces::Member> for MemberJson {
    fn from(m: store::spaces::Member) -> Self {
        Self {
            person_id: m.person_id,
            name: m.name,
            email: m.email,
            role: m.role,
            added_at: m.added_at,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SpaceJson {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub visibility: String,
    pub territory_id: Option<i64>,
    pub quota_bytes: i64,
    pub used_bytes: i64,
    pub created_at: i64,
    /// The caller's role, if a member.
    pub role: Option<String>,
    pub members: Vec<MemberJson>,
    /// Where to mount the space's folders over WebDAV.
    pub webdav_url: String,
}

/// A space to create.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct SpaceBody {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The territory the space belongs to (its coordinators only).
    pub territory_id: Option<i64>,
    /// `members` (default), `territory` or `platform`.
    #[serde(default)]
    pub visibility: String,
    /// `territory`, `observatory`, `working-group` (default) or `network`.
    #[serde(default)]
    pub kind: String,
}

/// A member to add, or whose role to change.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct MemberBody {
    pub email: String,
    /// `owner`, `moderator`, `member` (default) or `reader`.
    #[serde(default)]
    pub role: Option<String>,
}

/// The person to take out of a space.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct RemoveMemberBody {
    pub email: String,
}

async fn space_json(
    state: &AppState,
    space: store::spaces::Space,
    access: SpaceAccess,
) -> Result<SpaceJson, ApiError> {
    let members = store::spaces::members(&state.db, space.id()).await?;
    Ok(SpaceJson {
        webdav_url: format!(
            "{}/dav/spaces/{}/",
            state.settings.public_url.trim_end_matches('/'),
            space.id
        ),
        id: space.id,
        name: space.name,
        description: space.description,
        kind: space.kind,
        visibility: space.visibility,
        territory_id: space.territory_id,
        quota_bytes: space.quota_bytes,
        used_bytes: space.used_bytes,
        created_at: space.created_at,
        role: access.role.map(|r| r.code().to_owned()),
        members: members.into_iter().map(MemberJson::from).collect(),
    })
}

/// The spaces the caller may read.
#[utoipa::path(get, path = "/api/v1/spaces", tag = "espaces", security(("jeton" = [])),
    responses((status = 200, body = Vec<SpaceSummaryJson>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
) -> Result<Json<Vec<SpaceSummaryJson>>, ApiError> {
    let spaces = store::spaces::readable(&state.db, person.id(), 500).await?;
    Ok(Json(
        spaces
            .into_iter()
            .map(|s| SpaceSummaryJson {
                id: s.id,
                name: s.name,
                description: s.description,
                kind: s.kind,
                visibility: s.visibility,
                territory_name: s.territory_name,
                members: s.members,
                role: s.role,
            })
            .collect(),
    ))
}

/// Creates a space; the caller becomes its owner. In a territory, its coordinators only.
#[utoipa::path(post, path = "/api/v1/spaces", tag = "espaces", security(("jeton" = [])), request_body = SpaceBody,
    responses((status = 201, body = SpaceJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    body: ApiJson<SpaceBody>,
) -> Result<(StatusCode, Json<SpaceJson>), ApiError> {
    let body = body.read()?;
    let input = SpaceInput {
        name: body.name,
        description: body.description,
        visibility: body.visibility,
        kind: body.kind,
    };
    let caller = actor(Some(&person));
    let id = create_space(&state, caller, &input, body.territory_id.map(TerritoryId)).await?;
    let (space, access) = space_for(&state, caller, id.0, Action::View).await?;
    Ok((
        StatusCode::CREATED,
        Json(space_json(&state, space, access).await?),
    ))
}

/// One space with its members; 404 for whoever may not see it.
#[utoipa::path(get, path = "/api/v1/spaces/{id}", tag = "espaces", security(("jeton" = [])),
    responses((status = 200, body = SpaceJson), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<SpaceJson>, ApiError> {
    let (space, access) = space_for(&state, actor(person.as_ref()), id, Action::View).await?;
    Ok(Json(space_json(&state, space, access).await?))
}

/// Adds a member by e-mail address or changes their role (owners); answers the members.
#[utoipa::path(post, path = "/api/v1/spaces/{id}/members", tag = "espaces", security(("jeton" = [])), request_body = MemberBody,
    responses((status = 200, body = Vec<MemberJson>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<MemberBody>,
) -> Result<Json<Vec<MemberJson>>, ApiError> {
    space_for(&state, actor(Some(&person)), id, Action::ManageMembers).await?;
    let body = body.read()?;
    let role = body.role.unwrap_or_else(|| "member".to_owned());
    change_member(&state, actor(Some(&person)), id, &body.email, &role, false).await?;
    let members = store::spaces::members(&state.db, SpaceId(id)).await?;
    Ok(Json(members.into_iter().map(MemberJson::from).collect()))
}

/// Takes a person out of a space (owners); a space always keeps an owner.
#[utoipa::path(delete, path = "/api/v1/spaces/{id}/members", tag = "espaces", security(("jeton" = [])), request_body = RemoveMemberBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<RemoveMemberBody>,
) -> Result<StatusCode, ApiError> {
    space_for(&state, actor(Some(&person)), id, Action::ManageMembers).await?;
    let body = body.read()?;
    change_member(&state, actor(Some(&person)), id, &body.email, "", true).await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- blog ---------------------------------------------------------------------------------

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PostJson {
    pub id: i64,
    pub title: String,
    pub body_markdown: String,
    /// The body rendered to HTML and sanitised.
    pub body_html: String,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// `draft`, `scheduled` or `published`.
    pub state: &'static str,
    /// When it is or will be published.
    pub publish_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub comments: i64,
}

impl From<Post> for PostJson {
    fn from(p: Post) -> Self {
        let state = match p.state(store::now()) {
            PostState::Draft => "draft",
            PostState::Scheduled(_) => "scheduled",
            PostState::Published(_) => "published",
        };
        Self {
            body_html: domain::markdown::to_html_with_media(&p.body_markdown),
            id: p.id,
            title: p.title,
            body_markdown: p.body_markdown,
            author_id: p.author_id,
            author_name: p.author_name,
            state,
            publish_at: p.publish_at,
            created_at: p.created_at,
            updated_at: p.updated_at,
            comments: p.comments,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CommentJson {
    pub id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: i64,
}

impl From<blog::Comment> for CommentJson {
    fn from(c: blog::Comment) -> Self {
        Self {
            id: c.id,
            author_id: c.person_id,
            author_name: c.author,
            body: c.body,
            created_at: c.created_at,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct PostWithCommentsJson {
    #[serde(flatten)]
    pub post: PostJson,
    pub comment_list: Vec<CommentJson>,
}

/// A post to write.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct PostBody {
    pub title: String,
    pub body_markdown: String,
    /// `draft`, `now` (default) or `scheduled`.
    #[serde(default)]
    pub publication: Option<String>,
    /// For `scheduled`: `AAAA-MM-JJTHH:MM` (time of France) or RFC 3339.
    #[serde(default)]
    pub publish_at: Option<String>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct CommentBody {
    pub body: String,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// How many to skip.
    #[serde(default)]
    pub offset: i64,
}

/// The posts of the space, newest first: published ones, and the caller's drafts and
/// scheduled posts (all of them for moderators). 50 at a time.
#[utoipa::path(get, path = "/api/v1/spaces/{id}/posts", tag = "espaces", security(("jeton" = [])), params(Paging),
    responses((status = 200, body = Vec<PostJson>), (status = 404, body = ErrorBody)))]
pub async fn posts(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
    Query(paging): Query<Paging>,
) -> Result<Json<Vec<PostJson>>, ApiError> {
    let caller = actor(person.as_ref());
    let (space, access) = space_for(&state, caller, id, Action::View).await?;
    let posts = blog::list(
        &state.db,
        space.id(),
        unpublished(caller, access),
        50,
        paging.offset.max(0),
    )
    .await?;
    Ok(Json(posts.into_iter().map(PostJson::from).collect()))
}

/// Writes a post (members).
#[utoipa::path(post, path = "/api/v1/spaces/{id}/posts", tag = "espaces", security(("jeton" = [])), request_body = PostBody,
    responses((status = 201, body = PostJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_post(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<PostBody>,
) -> Result<(StatusCode, Json<PostJson>), ApiError> {
    let (space, _) = space_for(&state, actor(Some(&person)), id, Action::Contribute).await?;
    let body = body.read()?;
    let input = PostInput {
        title: body.title,
        body_markdown: body.body_markdown,
        publication: body.publication.unwrap_or_else(|| "now".to_owned()),
        publish_at: body.publish_at.unwrap_or_default(),
    };
    let content = PostContent::parse(&input, store::now()).map_err(|e| bad(e.message))?;
    let post = blog::create(&state.db, space.id(), person.id(), &content).await?;
    let post = blog::get(&state.db, post).await?;
    Ok((StatusCode::CREATED, Json(post.into())))
}

/// A post with its comments.
#[utoipa::path(get, path = "/api/v1/spaces/{id}/posts/{post}", tag = "espaces", security(("jeton" = [])),
    responses((status = 200, body = PostWithCommentsJson), (status = 404, body = ErrorBody)))]
pub async fn post(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path((id, post)): Path<(i64, i64)>,
) -> Result<Json<PostWithCommentsJson>, ApiError> {
    let (_, _, post) = post_for(&state, actor(person.as_ref()), id, post, Action::View).await?;
    let comments = blog::comments(&state.db, post.id()).await?;
    Ok(Json(PostWithCommentsJson {
        post: post.into(),
        comment_list: comments.into_iter().map(CommentJson::from).collect(),
    }))
}

/// Deletes a post (its author, moderators).
#[utoipa::path(delete, path = "/api/v1/spaces/{id}/posts/{post}", tag = "espaces", security(("jeton" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_post(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, post)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let (_, _, post) = post_for(&state, actor(Some(&person)), id, post, Action::Delete).await?;
    blog::delete(&state.db, post.id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Comments a post (members).
#[utoipa::path(post, path = "/api/v1/spaces/{id}/posts/{post}/comments", tag = "espaces", security(("jeton" = [])), request_body = CommentBody,
    responses((status = 201, body = CommentJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn comment(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, post)): Path<(i64, i64)>,
    body: ApiJson<CommentBody>,
) -> Result<(StatusCode, Json<CommentJson>), ApiError> {
    let (_, _, post) = post_for(&state, actor(Some(&person)), id, post, Action::Contribute).await?;
    let body = body.read()?;
    let body = parse_comment(&body.body).map_err(|e| bad(e.message))?;
    let comment = blog::comment(&state.db, post.id(), person.id(), &body).await?;
    let comment = blog::comment_of(&state.db, post.id(), comment).await?;
    Ok((StatusCode::CREATED, Json(comment.into())))
}

// --- forum --------------------------------------------------------------------------------

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TopicJson {
    pub id: i64,
    pub title: String,
    pub category_id: Option<i64>,
    pub category_name: Option<String>,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub pinned: bool,
    pub locked: bool,
    pub hidden: bool,
    pub created_at: i64,
    pub last_post_at: i64,
    /// How many messages (the first one included).
    pub messages: i64,
    /// How many the caller has not read.
    pub unread: i64,
}

impl From<Topic> for TopicJson {
    fn from(t: Topic) -> Self {
        Self {
            id: t.id,
            title: t.title,
            category_id: t.category_id,
            category_name: t.category_name,
            author_id: t.author_id,
            author_name: t.author_name,
            pinned: t.pinned,
            locked: t.locked,
            hidden: t.hidden,
            created_at: t.created_at,
            last_post_at: t.last_post_at,
            messages: t.last_seq,
            unread: t.unread,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MessageJson {
    pub id: i64,
    /// Its number in the topic, from 1.
    pub seq: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    /// Empty when a moderator hid it (for those who may not moderate).
    pub body_markdown: String,
    pub body_html: String,
    pub quote_of: Option<i64>,
    pub hidden: bool,
    pub created_at: i64,
    pub edited_at: Option<i64>,
}

impl MessageJson {
    fn new(m: forum::Message, moderator: bool) -> Self {
        let body = if m.hidden && !moderator {
            String::new()
        } else {
            m.body_markdown
        };
        Self {
            body_html: domain::markdown::to_html_with_media(&body),
            body_markdown: body,
            id: m.id,
            seq: m.seq,
            author_id: m.author_id,
            author_name: m.author_name,
            quote_of: m.quote_of,
            hidden: m.hidden,
            created_at: m.created_at,
            edited_at: m.edited_at,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TopicWithMessagesJson {
    #[serde(flatten)]
    pub topic: TopicJson,
    /// 50 messages from `after`.
    pub message_list: Vec<MessageJson>,
}

/// A topic to open.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct TopicBody {
    pub title: String,
    pub body_markdown: String,
    pub category_id: Option<i64>,
}

/// A reply.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct MessageBody {
    /// `@handle` mentions notify the members named.
    pub body_markdown: String,
    /// The message quoted.
    pub quote_of: Option<i64>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct ReportBody {
    pub reason: String,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct TopicsQuery {
    /// Only this category's topics.
    pub category: Option<i64>,
    #[serde(default)]
    pub offset: i64,
}

/// The topics of the forum, pinned first then by last message, with the caller's unread
/// counts. 100 at a time.
#[utoipa::path(get, path = "/api/v1/spaces/{id}/topics", tag = "espaces", security(("jeton" = [])), params(TopicsQuery),
    responses((status = 200, body = Vec<TopicJson>), (status = 404, body = ErrorBody)))]
pub async fn topics(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
    Query(query): Query<TopicsQuery>,
) -> Result<Json<Vec<TopicJson>>, ApiError> {
    let caller = actor(person.as_ref());
    let (space, access) = space_for(&state, caller, id, Action::View).await?;
    let topics = forum::topics(
        &state.db,
        space.id(),
        query.category.map(CategoryId),
        caller.person,
        can(caller, Action::Moderate, Resource::Space(access)),
        100,
        query.offset.max(0),
    )
    .await?;
    Ok(Json(topics.into_iter().map(TopicJson::from).collect()))
}

/// Opens a topic (members).
#[utoipa::path(post, path = "/api/v1/spaces/{id}/topics", tag = "espaces", security(("jeton" = [])), request_body = TopicBody,
    responses((status = 201, body = TopicJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_topic(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<TopicBody>,
) -> Result<(StatusCode, Json<TopicJson>), ApiError> {
    let caller = actor(Some(&person));
    let (space, _) = space_for(&state, caller, id, Action::Contribute).await?;
    let body = body.read()?;
    let title = parse_title(&body.title).map_err(|e| bad(e.message))?;
    let text = parse_message(&body.body_markdown).map_err(|e| bad(e.message))?;
    let topic = forum::create_topic(
        &state.db,
        space.id(),
        body.category_id.map(CategoryId),
        person.id(),
        &title,
        &text,
    )
    .await?;
    let topic = forum::get_topic(&state.db, topic, caller.person).await?;
    Ok((StatusCode::CREATED, Json(topic.into())))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct MessagesQuery {
    /// The messages numbered after this one (default 0: from the first).
    #[serde(default)]
    pub after: i64,
}

/// A topic and 50 of its messages; marks them read for the caller.
#[utoipa::path(get, path = "/api/v1/spaces/{id}/topics/{topic}", tag = "espaces", security(("jeton" = [])), params(MessagesQuery),
    responses((status = 200, body = TopicWithMessagesJson), (status = 404, body = ErrorBody)))]
pub async fn topic(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path((id, topic)): Path<(i64, i64)>,
    Query(query): Query<MessagesQuery>,
) -> Result<Json<TopicWithMessagesJson>, ApiError> {
    let caller = actor(person.as_ref());
    let (_, access, topic) = topic_for(&state, caller, id, topic, Action::View).await?;
    let moderator = can(caller, Action::Moderate, Resource::Space(access));
    let messages = forum::messages(
        &state.db,
        topic.id(),
        query.after.max(0),
        crate::app::spaces::MESSAGES_PER_PAGE,
    )
    .await?;
    if let (Some(person), Some(last)) = (caller.person, messages.last()) {
        forum::mark_read(&state.db, person, topic.id(), last.seq).await?;
    }
    Ok(Json(TopicWithMessagesJson {
        topic: topic.into(),
        message_list: messages
            .into_iter()
            .map(|m| MessageJson::new(m, moderator))
            .collect(),
    }))
}

/// Replies to a topic (members; moderators only once it is locked). Mentions notify.
#[utoipa::path(post, path = "/api/v1/spaces/{id}/topics/{topic}/messages", tag = "espaces", security(("jeton" = [])), request_body = MessageBody,
    responses((status = 201, body = MessageJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reply(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, topic)): Path<(i64, i64)>,
    body: ApiJson<MessageBody>,
) -> Result<(StatusCode, Json<MessageJson>), ApiError> {
    let caller = actor(Some(&person));
    let (_, access, topic) = topic_for(&state, caller, id, topic, Action::Contribute).await?;
    let body = body.read()?;
    let moderator = can(caller, Action::Moderate, Resource::Space(access));
    let text = parse_message(&body.body_markdown).map_err(|e| bad(e.message))?;
    let replied = forum::reply(
        &state.db,
        topic.id(),
        person.id(),
        &text,
        body.quote_of.map(MessageId),
        moderator,
    )
    .await?;
    let message = forum::message(&state.db, replied.message).await?;
    Ok((
        StatusCode::CREATED,
        Json(MessageJson::new(message, moderator)),
    ))
}

/// Reports a message to the moderators, with a reason.
#[utoipa::path(post, path = "/api/v1/spaces/{id}/messages/{message}/reports", tag = "espaces", security(("jeton" = [])), request_body = ReportBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, message)): Path<(i64, i64)>,
    body: ApiJson<ReportBody>,
) -> Result<StatusCode, ApiError> {
    let (_, m) = message_for(&state, actor(Some(&person)), id, message, Action::View).await?;
    let body = body.read()?;
    let reason = parse_reason(&body.reason).map_err(|e| bad(e.message))?;
    forum::report(&state.db, MessageId(m.id), person.id(), &reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

// --- folders ------------------------------------------------------------------------------

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EntryJson {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// As typed, accents and spaces included.
    pub name: String,
    pub is_folder: bool,
    pub size: i64,
    pub content_type: String,
    pub modified_at: i64,
    pub modified_by: Option<String>,
    /// When it went to the trash.
    pub deleted_at: Option<i64>,
}

impl From<Entry> for EntryJson {
    fn from(e: Entry) -> Self {
        Self {
            id: e.id,
            parent_id: e.parent_id,
            name: e.name,
            is_folder: e.is_folder,
            size: e.size,
            content_type: e.content_type,
            modified_at: e.modified_at,
            modified_by: e.modified_by,
            deleted_at: e.deleted_at,
        }
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct VersionJson {
    pub id: i64,
    pub size: i64,
    pub content_type: String,
    pub author: Option<String>,
    pub created_at: i64,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FileJson {
    #[serde(flatten)]
    pub entry: EntryJson,
    /// Every version kept, newest first.
    pub versions: Vec<VersionJson>,
}

#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct FolderBody {
    pub name: String,
    /// The folder to create it in; the top when absent.
    pub parent_id: Option<i64>,
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct FilesQuery {
    /// The folder listed; the top when absent.
    pub parent: Option<i64>,
}

async fn file_json(state: &AppState, entry: Entry) -> Result<FileJson, ApiError> {
    let versions = if entry.is_folder {
        Vec::new()
    } else {
        folders::versions(&state.db, entry.id()).await?
    };
    Ok(FileJson {
        entry: entry.into(),
        versions: versions
            .into_iter()
            .map(|v| VersionJson {
                id: v.id,
                size: v.size,
                content_type: v.content_type,
                author: v.author,
                created_at: v.created_at,
            })
            .collect(),
    })
}

/// What a folder holds, folders first then by name.
#[utoipa::path(get, path = "/api/v1/spaces/{id}/files", tag = "espaces", security(("jeton" = [])), params(FilesQuery),
    responses((status = 200, body = Vec<EntryJson>), (status = 404, body = ErrorBody)))]
pub async fn files(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path(id): Path<i64>,
    Query(query): Query<FilesQuery>,
) -> Result<Json<Vec<EntryJson>>, ApiError> {
    let (space, _) = space_for(&state, actor(person.as_ref()), id, Action::View).await?;
    let parent = folder_of(&state, space.id(), query.parent.unwrap_or(0)).await?;
    let entries = folders::children(&state.db, space.id(), parent.as_ref().map(Entry::id)).await?;
    Ok(Json(entries.into_iter().map(EntryJson::from).collect()))
}

/// Uploads files (members): `multipart/form-data` with `parent` (a folder number, first; the
/// top when absent) and `file` (repeatable). A file of the same name gets a new version.
/// 413 over the size limit, 415 for a refused or disguised type, 507 when the space is full;
/// nothing is kept then.
#[utoipa::path(post, path = "/api/v1/spaces/{id}/files", tag = "espaces", security(("jeton" = [])),
    responses((status = 201, body = Vec<FileJson>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 507, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<(StatusCode, Json<Vec<FileJson>>), ApiError> {
    let (space, _) = space_for(&state, actor(Some(&person)), id, Action::Contribute).await?;
    let (_, saved) = receive(&state, &space, person.id(), &headers, multipart, None).await?;
    let mut files = Vec::with_capacity(saved.len());
    for saved in saved {
        let entry = folders::get(&state.db, space.id(), saved.entry).await?;
        files.push(file_json(&state, entry).await?);
    }
    Ok((StatusCode::CREATED, Json(files)))
}

/// Creates a folder (members).
#[utoipa::path(post, path = "/api/v1/spaces/{id}/folders", tag = "espaces", security(("jeton" = [])), request_body = FolderBody,
    responses((status = 201, body = EntryJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_folder(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path(id): Path<i64>,
    body: ApiJson<FolderBody>,
) -> Result<(StatusCode, Json<EntryJson>), ApiError> {
    space_for(&state, actor(Some(&person)), id, Action::Contribute).await?;
    let body = body.read()?;
    let parent = body.parent_id.unwrap_or(0);
    let created = make_folder(&state, actor(Some(&person)), id, parent, &body.name).await?;
    let entry = folders::get(&state.db, SpaceId(id), created).await?;
    Ok((StatusCode::CREATED, Json(entry.into())))
}

/// A file with its versions, or a folder.
#[utoipa::path(get, path = "/api/v1/spaces/{id}/files/{entry}", tag = "espaces", security(("jeton" = [])),
    responses((status = 200, body = FileJson), (status = 404, body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path((id, entry)): Path<(i64, i64)>,
) -> Result<Json<FileJson>, ApiError> {
    let (_, _, entry) = entry_for(&state, actor(person.as_ref()), id, entry, Action::View).await?;
    Ok(Json(file_json(&state, entry).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct VersionQuery {
    /// A former version; the current one when absent.
    pub version: Option<i64>,
}

/// The bytes of a file (ranges accepted).
#[utoipa::path(get, path = "/api/v1/spaces/{id}/files/{entry}/content", tag = "espaces", security(("jeton" = [])), params(VersionQuery),
    responses((status = 200, description = "Le contenu du fichier"), (status = 206, description = "Une partie du fichier"), (status = 404, body = ErrorBody)))]
pub async fn content(
    State(state): State<AppState>,
    ApiCaller(person): ApiCaller,
    Path((id, entry)): Path<(i64, i64)>,
    Query(query): Query<VersionQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    Ok(file_content(
        &state,
        actor(person.as_ref()),
        id,
        entry,
        query.version,
        &headers,
    )
    .await?)
}

/// Puts a file or folder (with what it holds) in the trash (members).
#[utoipa::path(delete, path = "/api/v1/spaces/{id}/files/{entry}", tag = "espaces", security(("jeton" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn trash(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, entry)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    let (space, _, entry) =
        entry_for(&state, actor(Some(&person)), id, entry, Action::Contribute).await?;
    let batch = crate::security::random_token();
    folders::trash(&state.db, space.id(), entry.id(), person.id(), &batch).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a file or folder out of the trash, where it was (members).
#[utoipa::path(post, path = "/api/v1/spaces/{id}/files/{entry}/restore", tag = "espaces", security(("jeton" = [])),
    responses((status = 200, body = FileJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn restore(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, entry)): Path<(i64, i64)>,
) -> Result<Json<FileJson>, ApiError> {
    let (space, _, entry) =
        entry_for(&state, actor(Some(&person)), id, entry, Action::Contribute).await?;
    folders::restore(&state.db, space.id(), entry.id(), person.id()).await?;
    let entry = folders::get(&state.db, space.id(), entry.id()).await?;
    Ok(Json(file_json(&state, entry).await?))
}

/// Makes a former version the current one again, as a new version (members).
#[utoipa::path(post, path = "/api/v1/spaces/{id}/files/{entry}/versions/{version}/restore", tag = "espaces", security(("jeton" = [])),
    responses((status = 200, body = FileJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn restore_version(
    State(state): State<AppState>,
    ApiUser(person): ApiUser,
    Path((id, entry, version)): Path<(i64, i64, i64)>,
) -> Result<Json<FileJson>, ApiError> {
    let (space, _, entry) =
        entry_for(&state, actor(Some(&person)), id, entry, Action::Contribute).await?;
    folders::restore_version(
        &state.db,
        space.id(),
        entry.id(),
        VersionId(version),
        person.id(),
    )
    .await?;
    let entry = folders::get(&state.db, space.id(), EntryId(entry.id)).await?;
    Ok(Json(file_json(&state, entry).await?))
}
