-- Exchange spaces: members and roles, recent activity, blog (posts, comments), forum
-- (categories, topics, messages, read marks, subscriptions, reports), shared folders (entries,
-- every version, dead WebDAV properties, WebDAV locks); application passwords.
ALTER TABLE api_tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
CREATE INDEX api_tokens_person ON api_tokens(person_id);

CREATE TABLE spaces (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    kind TEXT NOT NULL,
    territory_id INTEGER REFERENCES territories(id) ON DELETE SET NULL,
    visibility TEXT NOT NULL,
    quota_bytes INTEGER NOT NULL,
    used_bytes INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX spaces_territory ON spaces(territory_id);
CREATE INDEX spaces_visibility ON spaces(visibility);
CREATE TABLE space_members (
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (space_id, person_id)
) WITHOUT ROWID;
CREATE INDEX space_members_person ON space_members(person_id);
CREATE TABLE space_activity (
    id INTEGER PRIMARY KEY,
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    message TEXT NOT NULL,
    link TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX space_activity_space ON space_activity(space_id, id);

CREATE TABLE blog_posts (
    id INTEGER PRIMARY KEY,
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    published INTEGER NOT NULL,
    publish_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX blog_posts_space ON blog_posts(space_id, published, publish_at);
CREATE TABLE blog_comments (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES blog_posts(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX blog_comments_post ON blog_comments(post_id, id);

CREATE TABLE forum_categories (
    id INTEGER PRIMARY KEY,
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE UNIQUE INDEX forum_categories_name ON forum_categories(space_id, name);
CREATE TABLE forum_topics (
    id INTEGER PRIMARY KEY,
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    category_id INTEGER REFERENCES forum_categories(id) ON DELETE SET NULL,
    author_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    locked INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    last_post_at INTEGER NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX forum_topics_listing ON forum_topics(space_id, pinned, last_post_at);
CREATE INDEX forum_topics_category ON forum_topics(category_id, pinned, last_post_at);
CREATE TABLE forum_posts (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL REFERENCES forum_topics(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    author_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    body_markdown TEXT NOT NULL,
    quote_of INTEGER REFERENCES forum_posts(id) ON DELETE SET NULL,
    hidden INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    edited_at INTEGER
);
CREATE UNIQUE INDEX forum_posts_seq ON forum_posts(topic_id, seq);
CREATE TABLE forum_reads (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES forum_topics(id) ON DELETE CASCADE,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (person_id, topic_id)
) WITHOUT ROWID;
CREATE TABLE forum_subscriptions (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES forum_topics(id) ON DELETE CASCADE,
    PRIMARY KEY (topic_id, person_id)
) WITHOUT ROWID;
CREATE TABLE forum_reports (
    id INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL REFERENCES forum_posts(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    resolution TEXT
);
CREATE INDEX forum_reports_open ON forum_reports(resolved_at, post_id);

CREATE TABLE folder_entries (
    id INTEGER PRIMARY KEY,
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES folder_entries(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    is_folder INTEGER NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    version_id INTEGER,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    modified_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    modified_at INTEGER NOT NULL,
    deleted_at INTEGER,
    deleted_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    deleted_batch TEXT
);
-- One live entry of a name per folder; the trash may hold several.
CREATE UNIQUE INDEX folder_entries_name ON folder_entries(space_id, COALESCE(parent_id, 0), name)
    WHERE deleted_at IS NULL;
CREATE INDEX folder_entries_parent ON folder_entries(parent_id);
CREATE INDEX folder_entries_trash ON folder_entries(space_id, deleted_at);
CREATE TABLE file_versions (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES folder_entries(id) ON DELETE CASCADE,
    blob_key TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    author_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX file_versions_entry ON file_versions(entry_id, id);
CREATE TABLE dav_properties (
    entry_id INTEGER NOT NULL REFERENCES folder_entries(id) ON DELETE CASCADE,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    xml BLOB NOT NULL,
    PRIMARY KEY (entry_id, namespace, name)
) WITHOUT ROWID;
CREATE TABLE dav_locks (
    token TEXT PRIMARY KEY,
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    path TEXT NOT NULL,
    principal TEXT,
    owner_xml TEXT,
    timeout_secs INTEGER,
    expires_at INTEGER,
    shared INTEGER NOT NULL,
    deep INTEGER NOT NULL
);
CREATE INDEX dav_locks_space ON dav_locks(space_id, path);
