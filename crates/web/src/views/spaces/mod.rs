//! Pages of the exchange spaces: the list, a space, its members, its folders and trash (the
//! blog and the forum have theirs below).

mod chat;
mod pads;

pub use chat::{ConversationsPage, MessageEditPage, RoomPage, RoomsPage};
pub use pads::{PadPage, PadsPage};

use askama::Template;
use domain::policy::{Action, Actor, Resource, SpaceAccess, can};
use domain::spaces::PostInput;
use domain::spaces::{SPACE_ROLES, SPACE_VISIBILITIES, SpaceRole, SpaceVisibility, format_bytes};
use store::spaces::blog::{Comment, Post};
use store::spaces::folders::{Entry, Version};
use store::spaces::forum::{Category, Message, Report, Topic};
use store::spaces::{Activity, Member, Space, SpaceSummary};
use store::territories::Membership;

use super::{Layout, date_fr};
use crate::app::spaces::SpaceForm;

/// What every page of a space shows above its content: name, tabs.
pub struct SpaceHeader {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub visibility: &'static str,
    pub tab: &'static str,
}

impl SpaceHeader {
    pub fn new(space: &Space, tab: &'static str) -> Self {
        Self {
            id: space.id,
            name: space.name.clone(),
            kind: space.kind().label(),
            visibility: space.visibility().short_label(),
            tab,
        }
    }

    /// `aria-current` of a tab.
    pub fn current(&self, tab: &str) -> &'static str {
        if self.tab == tab { "page" } else { "false" }
    }
}

pub struct SpaceRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub kind: &'static str,
    pub visibility: &'static str,
    pub territory: String,
    pub members: i64,
    pub role: String,
}

#[derive(Template)]
#[template(path = "spaces/list.html")]
pub struct SpacesPage {
    pub layout: Layout,
    pub mine: Vec<SpaceRow>,
    pub open: Vec<SpaceRow>,
    pub territories: Vec<(i64, String)>,
    pub visibilities: Vec<(&'static str, &'static str)>,
    pub error: Option<String>,
    pub form: SpaceForm,
}

impl SpacesPage {
    pub fn new(
        layout: Layout,
        spaces: Vec<SpaceSummary>,
        territories: Vec<Membership>,
        error: Option<String>,
        form: SpaceForm,
    ) -> Self {
        let (mine, open): (Vec<_>, Vec<_>) = spaces
            .into_iter()
            .map(|s| {
                let role = s.role();
                (
                    role.is_some(),
                    SpaceRow {
                        id: s.id,
                        kind: domain::spaces::SpaceKind::from_code(&s.kind)
                            .map_or("", |k| k.label()),
                        visibility: SpaceVisibility::from_code(&s.visibility)
                            .map_or("", |v| v.short_label()),
                        territory: s.territory_name.unwrap_or_default(),
                        members: s.members,
                        role: role.map_or(String::new(), |r| r.label().to_owned()),
                        name: s.name,
                        description: s.description,
                    },
                )
            })
            .partition(|(mine, _)| *mine);
        Self {
            layout,
            mine: mine.into_iter().map(|(_, r)| r).collect(),
            open: open.into_iter().map(|(_, r)| r).collect(),
            territories: territories
                .into_iter()
                .filter(|t| t.role == "coordinator")
                .map(|t| (t.id, t.name))
                .collect(),
            visibilities: SPACE_VISIBILITIES
                .iter()
                .map(|v| (v.code(), v.label()))
                .collect(),
            error,
            form,
        }
    }
}

pub struct PostRow {
    pub id: i64,
    pub title: String,
    pub author: String,
    pub date: String,
    pub state: &'static str,
    pub comments: i64,
}

pub struct TopicRow {
    pub id: i64,
    pub title: String,
    pub author: String,
    pub category: String,
    pub replies: i64,
    pub unread: i64,
    pub last: String,
    pub pinned: bool,
    pub locked: bool,
    pub hidden: bool,
}

impl TopicRow {
    pub fn of(t: Topic, signed_in: bool) -> Self {
        Self {
            id: t.id,
            replies: t.replies(),
            unread: if signed_in { t.unread } else { 0 },
            title: t.title,
            author: t.author_name.unwrap_or_else(|| "Ancien membre".to_owned()),
            category: t.category_name.unwrap_or_default(),
            last: date_fr(t.last_post_at),
            pinned: t.pinned,
            locked: t.locked,
            hidden: t.hidden,
        }
    }
}

pub struct EntryRow {
    pub id: i64,
    pub name: String,
    pub folder: bool,
    pub size: String,
    pub modified: String,
    pub by: String,
}

impl EntryRow {
    pub fn of(e: &Entry) -> Self {
        Self {
            id: e.id,
            name: e.name.clone(),
            folder: e.is_folder,
            size: if e.is_folder {
                String::new()
            } else {
                format_bytes(e.size)
            },
            modified: date_fr(e.modified_at),
            by: e.modified_by.clone().unwrap_or_default(),
        }
    }
}

pub struct MemberRow {
    pub name: String,
    pub email: String,
    pub function: String,
    pub role: SpaceRole,
    pub handle: String,
}

impl MemberRow {
    fn of(m: Member) -> Self {
        Self {
            function: domain::accounts::Function::parse(&m.function)
                .map_or(m.function.clone(), |f| f.label().to_owned()),
            role: m.role(),
            handle: m.handle(),
            name: m.name,
            email: m.email,
        }
    }
}

pub struct ActivityRow {
    pub who: String,
    pub message: String,
    pub link: String,
    pub date: String,
}

#[derive(Template)]
#[template(path = "spaces/show.html")]
pub struct SpacePage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub description: String,
    pub role: String,
    pub writes: bool,
    pub manages: bool,
    pub posts: Vec<PostRow>,
    pub topics: Vec<TopicRow>,
    pub files: Vec<EntryRow>,
    pub members: Vec<MemberRow>,
    pub activity: Vec<ActivityRow>,
    pub used: String,
    pub quota: String,
    /// The exceptional accesses opened to it, for its owners.
    pub exceptional: Vec<crate::views::accounts::ExceptionalRow>,
}

impl SpacePage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        space: Space,
        access: SpaceAccess,
        actor: Actor,
        posts: Vec<store::spaces::blog::Post>,
        topics: Vec<store::spaces::forum::Topic>,
        files: Vec<Entry>,
        members: Vec<Member>,
        activity: Vec<Activity>,
    ) -> Self {
        let now = store::now();
        Self {
            layout,
            header: SpaceHeader::new(&space, "accueil"),
            description: space.description.clone(),
            role: access.role.map_or(String::new(), |r| r.label().to_owned()),
            writes: can(actor, Action::Contribute, Resource::Space(access)),
            manages: can(actor, Action::ManageMembers, Resource::Space(access)),
            posts: posts.into_iter().map(|p| post_row(p, now)).collect(),
            topics: topics
                .into_iter()
                .map(|t| TopicRow::of(t, actor.person.is_some()))
                .collect(),
            files: files.iter().map(EntryRow::of).collect(),
            members: members.into_iter().map(MemberRow::of).collect(),
            activity: activity
                .into_iter()
                .map(|a| ActivityRow {
                    who: a.person_name.unwrap_or_default(),
                    message: a.message,
                    link: a.link,
                    date: date_fr(a.at),
                })
                .collect(),
            used: format_bytes(space.used_bytes),
            quota: format_bytes(space.quota_bytes),
            exceptional: Vec::new(),
        }
    }
}

pub fn post_row(p: store::spaces::blog::Post, now: i64) -> PostRow {
    use store::spaces::blog::PostState;
    let (state, date) = match p.state(now) {
        PostState::Draft => ("Brouillon", date_fr(p.updated_at)),
        PostState::Scheduled(at) => ("Programmé", date_fr(at)),
        PostState::Published(at) => ("", date_fr(at)),
    };
    PostRow {
        id: p.id,
        title: p.title,
        author: p.author_name.unwrap_or_else(|| "Ancien membre".to_owned()),
        date,
        state,
        comments: p.comments,
    }
}

#[derive(Template)]
#[template(path = "spaces/members.html")]
pub struct MembersPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub members: Vec<MemberRow>,
    pub manage: bool,
    pub roles: Vec<(&'static str, &'static str)>,
}

impl MembersPage {
    pub fn new(layout: Layout, space: Space, members: Vec<Member>, manage: bool) -> Self {
        Self {
            layout,
            header: SpaceHeader::new(&space, "membres"),
            members: members.into_iter().map(MemberRow::of).collect(),
            manage,
            roles: SPACE_ROLES.iter().map(|r| (r.code(), r.label())).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "spaces/folder.html")]
pub struct FolderPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub folder_id: i64,
    pub folder_name: String,
    /// The folders above, from the top: (id, name).
    pub trail: Vec<(i64, String)>,
    pub entries: Vec<EntryRow>,
    pub writes: bool,
    pub dav_url: String,
    pub used: String,
    pub quota: String,
}

impl FolderPage {
    pub fn new(
        layout: Layout,
        space: Space,
        current: Option<Entry>,
        trail: Vec<Entry>,
        entries: Vec<Entry>,
        writes: bool,
        dav_url: String,
    ) -> Self {
        Self {
            layout,
            header: SpaceHeader::new(&space, "dossiers"),
            folder_id: current.as_ref().map_or(0, |c| c.id),
            folder_name: current.map_or_else(|| "Dossiers partagés".to_owned(), |c| c.name),
            trail: trail
                .into_iter()
                .map(|e| (e.id, e.name))
                .collect::<Vec<_>>(),
            entries: entries.iter().map(EntryRow::of).collect(),
            writes,
            dav_url,
            used: format_bytes(space.used_bytes),
            quota: format_bytes(space.quota_bytes),
        }
    }
}

pub struct VersionRow {
    pub id: i64,
    pub number: usize,
    pub size: String,
    pub author: String,
    pub date: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "spaces/file.html")]
pub struct FilePage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub entry: EntryRow,
    pub trail: Vec<(i64, String)>,
    pub versions: Vec<VersionRow>,
    pub writes: bool,
    pub content_type: String,
}

impl FilePage {
    pub fn new(
        layout: Layout,
        space: Space,
        entry: Entry,
        trail: Vec<Entry>,
        versions: Vec<Version>,
        writes: bool,
    ) -> Self {
        let count = versions.len();
        Self {
            layout,
            header: SpaceHeader::new(&space, "dossiers"),
            trail: trail.into_iter().map(|e| (e.id, e.name)).collect(),
            versions: versions
                .into_iter()
                .enumerate()
                .map(|(i, v)| VersionRow {
                    current: Some(v.id) == entry.version_id,
                    id: v.id,
                    number: count - i,
                    size: format_bytes(v.size),
                    author: v.author.unwrap_or_else(|| "Ancien membre".to_owned()),
                    date: super::date_time_fr(v.created_at),
                })
                .collect(),
            writes,
            content_type: entry.content_type.clone(),
            entry: EntryRow::of(&entry),
        }
    }
}

pub struct TrashRow {
    pub entry: EntryRow,
    pub deleted: String,
    pub deleted_by: String,
}

#[derive(Template)]
#[template(path = "spaces/trash.html")]
pub struct TrashPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub entries: Vec<TrashRow>,
    pub writes: bool,
    pub purges: bool,
}

impl TrashPage {
    pub fn new(
        layout: Layout,
        space: Space,
        entries: Vec<Entry>,
        writes: bool,
        purges: bool,
    ) -> Self {
        Self {
            layout,
            header: SpaceHeader::new(&space, "dossiers"),
            entries: entries
                .iter()
                .map(|e| TrashRow {
                    entry: EntryRow::of(e),
                    deleted: e.deleted_at.map(date_fr).unwrap_or_default(),
                    deleted_by: e.deleted_by.clone().unwrap_or_default(),
                })
                .collect(),
            writes,
            purges,
        }
    }
}

#[derive(Template)]
#[template(path = "spaces/blog.html")]
pub struct BlogPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub posts: Vec<PostRow>,
    pub writes: bool,
}

impl BlogPage {
    pub fn new(layout: Layout, space: &Space, posts: Vec<Post>, writes: bool) -> Self {
        let now = store::now();
        Self {
            layout,
            header: SpaceHeader::new(space, "blog"),
            posts: posts.into_iter().map(|p| post_row(p, now)).collect(),
            writes,
        }
    }
}

pub struct CommentRow {
    pub id: i64,
    pub author: String,
    pub body_html: String,
    pub date: String,
    pub deletable: bool,
}

#[derive(Template)]
#[template(path = "spaces/post.html")]
pub struct PostPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub post: PostRow,
    pub body_html: String,
    pub comments: Vec<CommentRow>,
    pub edits: bool,
    pub comments_allowed: bool,
}

impl PostPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        space: &Space,
        post: Post,
        comments: Vec<Comment>,
        edits: bool,
        comments_allowed: bool,
        moderates: bool,
        reader: Option<domain::ids::PersonId>,
    ) -> Self {
        let body_html = domain::markdown::to_html_with_media(&post.body_markdown);
        Self {
            layout,
            header: SpaceHeader::new(space, "blog"),
            body_html,
            post: post_row(post, store::now()),
            comments: comments
                .into_iter()
                .map(|c| CommentRow {
                    id: c.id,
                    deletable: moderates
                        || (reader.is_some_and(|r| Some(r.0) == c.person_id) && comments_allowed),
                    author: c.author.unwrap_or_else(|| "Ancien membre".to_owned()),
                    body_html: domain::markdown::to_html(&c.body),
                    date: date_fr(c.created_at),
                })
                .collect(),
            edits,
            comments_allowed,
        }
    }
}

#[derive(Template)]
#[template(path = "spaces/post_form.html")]
pub struct PostFormPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub post: Option<i64>,
    pub input: PostInput,
    pub error: Option<String>,
}

impl PostFormPage {
    pub fn new(
        layout: Layout,
        space: &Space,
        post: Option<i64>,
        input: PostInput,
        error: Option<String>,
    ) -> Self {
        Self {
            layout,
            header: SpaceHeader::new(space, "blog"),
            post,
            input,
            error,
        }
    }

    pub fn chosen(&self, publication: &str) -> bool {
        let current = match self.input.publication.as_str() {
            "" | "draft" => "brouillon",
            "now" => "maintenant",
            "scheduled" => "programme",
            other => other,
        };
        current == publication
    }
}

pub struct FeedEntry {
    pub id: i64,
    pub title: String,
    pub author: String,
    pub updated: String,
    pub published: String,
    pub content_html: String,
}

#[derive(Template)]
#[template(path = "spaces/feed.xml")]
pub struct BlogFeed {
    pub base: String,
    pub space_id: i64,
    pub name: String,
    pub updated: String,
    pub entries: Vec<FeedEntry>,
}

impl BlogFeed {
    pub fn new(space: &Space, posts: Vec<Post>, base: &str) -> Self {
        Self {
            base: base.to_owned(),
            space_id: space.id,
            name: space.name.clone(),
            updated: super::rfc3339(
                posts
                    .iter()
                    .map(|p| p.updated_at)
                    .max()
                    .unwrap_or(space.created_at),
            ),
            entries: posts
                .into_iter()
                .map(|p| FeedEntry {
                    id: p.id,
                    updated: super::rfc3339(p.updated_at),
                    published: super::rfc3339(p.publish_at.unwrap_or(p.created_at)),
                    content_html: domain::markdown::to_html_with_media(&p.body_markdown)
                        .replace("src=\"/", &format!("src=\"{base}/")),
                    author: p.author_name.unwrap_or_else(|| "Ancien membre".to_owned()),
                    title: p.title,
                })
                .collect(),
        }
    }

    pub fn render_feed(&self) -> Result<String, askama::Error> {
        self.render()
    }
}

/// The new-topic form as typed (kept when it comes back with an error).
#[derive(Debug, Default, serde::Deserialize)]
pub struct TopicForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub body_markdown: String,
}

pub struct CategoryTab {
    pub id: i64,
    pub name: String,
    pub topics: i64,
    /// The category shown.
    pub current: bool,
    /// The category of the new-topic form.
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "spaces/forum.html")]
pub struct ForumPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub categories: Vec<CategoryTab>,
    pub category: Option<i64>,
    pub topics: Vec<TopicRow>,
    pub writes: bool,
    pub moderates: bool,
    pub reports: usize,
    pub form: TopicForm,
    pub error: Option<String>,
    /// The words searched in this forum, and what was found.
    pub search: Option<ForumSearch>,
}

pub struct ForumSearch {
    pub q: String,
    pub total: usize,
    pub hits: Vec<ForumHit>,
}

pub struct ForumHit {
    pub id: i64,
    pub title: String,
    /// HTML, escaped, with the words found in `<mark>`.
    pub title_html: Option<String>,
    /// HTML, escaped, with the words found in `<mark>`.
    pub snippet_html: Option<String>,
    pub date: String,
}

impl ForumSearch {
    pub fn new(q: String, results: search::Results) -> Self {
        Self {
            q,
            total: results.total,
            hits: results
                .hits
                .into_iter()
                .map(|h| ForumHit {
                    id: h.id,
                    title: h.title,
                    title_html: h.title_html,
                    snippet_html: h.snippet_html,
                    date: date_fr(h.date),
                })
                .collect(),
        }
    }
}

impl ForumPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        space: &Space,
        categories: Vec<Category>,
        category: Option<i64>,
        topics: Vec<Topic>,
        writes: bool,
        moderates: bool,
        reports: usize,
        form: TopicForm,
        error: Option<String>,
        signed_in: bool,
        search: Option<ForumSearch>,
    ) -> Self {
        Self {
            search,
            layout,
            header: SpaceHeader::new(space, "forum"),
            categories: categories
                .into_iter()
                .map(|c| CategoryTab {
                    current: category == Some(c.id),
                    selected: form.category == c.id.to_string() || category == Some(c.id),
                    id: c.id,
                    name: c.name,
                    topics: c.topics,
                })
                .collect(),
            category,
            topics: topics
                .into_iter()
                .map(|t| TopicRow::of(t, signed_in))
                .collect(),
            writes,
            moderates,
            reports,
            form,
            error,
        }
    }
}

pub struct MessageRow {
    pub id: i64,
    pub seq: i64,
    pub author: String,
    pub body_html: String,
    pub date: String,
    pub edited: bool,
    pub hidden: bool,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "spaces/topic.html")]
pub struct TopicPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub topic: TopicRow,
    pub messages: Vec<MessageRow>,
    pub previous: Option<i64>,
    pub next: Option<i64>,
    pub subscribed: bool,
    pub signed_in: bool,
    pub writes: bool,
    pub moderates: bool,
    pub quote_of: Option<i64>,
    pub draft: String,
    pub error: Option<String>,
    pub categories: Vec<(i64, String)>,
}

impl TopicPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        layout: Layout,
        space: &Space,
        access: SpaceAccess,
        actor: Actor,
        topic: Topic,
        messages: Vec<Message>,
        after: i64,
        subscribed: bool,
        quoted: Option<(i64, String)>,
        draft: Option<String>,
        error: Option<String>,
        categories: Vec<Category>,
        moderates: bool,
    ) -> Self {
        let per_page = crate::app::spaces::MESSAGES_PER_PAGE;
        let read_up_to = topic.last_seq - topic.unread;
        let last_seq = topic.last_seq;
        let writes =
            can(actor, Action::Contribute, Resource::Space(access)) && (!topic.locked || moderates);
        let (quote_of, quoted_text) = match quoted {
            Some((id, text)) => (Some(id), text),
            None => (None, String::new()),
        };
        Self {
            layout,
            header: SpaceHeader::new(space, "forum"),
            messages: messages
                .into_iter()
                .filter(|m| !m.hidden || moderates)
                .map(|m| MessageRow {
                    id: m.id,
                    seq: m.seq,
                    author: m.author_name.unwrap_or_else(|| "Ancien membre".to_owned()),
                    body_html: domain::markdown::to_html_with_media(&m.body_markdown),
                    date: super::date_time_fr(m.created_at),
                    edited: m.edited_at.is_some(),
                    hidden: m.hidden,
                    unread: actor.person.is_some() && m.seq > read_up_to,
                })
                .collect(),
            previous: (after > 0).then(|| (after - per_page).max(0)),
            next: (after + per_page < last_seq).then_some(after + per_page),
            topic: TopicRow::of(topic, actor.person.is_some()),
            subscribed,
            signed_in: actor.person.is_some(),
            writes,
            moderates,
            quote_of,
            draft: draft.unwrap_or(quoted_text),
            error,
            categories: categories.into_iter().map(|c| (c.id, c.name)).collect(),
        }
    }
}

pub struct ReportRow {
    pub id: i64,
    pub topic_id: i64,
    pub topic_title: String,
    pub seq: i64,
    pub excerpt: String,
    pub author: String,
    pub reporter: String,
    pub reason: String,
    pub date: String,
    pub hidden: bool,
}

#[derive(Template)]
#[template(path = "spaces/moderation.html")]
pub struct ModerationPage {
    pub layout: Layout,
    pub header: SpaceHeader,
    pub reports: Vec<ReportRow>,
}

impl ModerationPage {
    pub fn new(layout: Layout, space: &Space, reports: Vec<Report>) -> Self {
        Self {
            layout,
            header: SpaceHeader::new(space, "forum"),
            reports: reports
                .into_iter()
                .map(|r| ReportRow {
                    id: r.id,
                    topic_id: r.topic_id,
                    topic_title: r.topic_title,
                    seq: r.seq,
                    excerpt: domain::markdown::to_text(&r.body_markdown)
                        .chars()
                        .take(300)
                        .collect(),
                    author: r
                        .message_author
                        .unwrap_or_else(|| "Ancien membre".to_owned()),
                    reporter: r.reporter.unwrap_or_else(|| "Ancien membre".to_owned()),
                    reason: r.reason,
                    date: date_fr(r.created_at),
                    hidden: r.message_hidden,
                })
                .collect(),
        }
    }
}
