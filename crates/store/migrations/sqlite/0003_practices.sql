-- Practice library: sheets, authors, tags, versions, comments, trials, bookmarks, follows,
-- notifications; media with image-rights consents; the job queue; the search change log.
ALTER TABLE people ADD COLUMN digest INTEGER NOT NULL DEFAULT 0;

CREATE TABLE practices (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    objectives TEXT NOT NULL,
    class_size INTEGER,
    licence TEXT NOT NULL,
    status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    territory_id INTEGER REFERENCES territories(id) ON DELETE SET NULL,
    created_by INTEGER NOT NULL REFERENCES people(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    published_at INTEGER,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX practices_listing ON practices(status, visibility, published_at);
CREATE TABLE practice_authors (
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (practice_id, person_id)
) WITHOUT ROWID;
CREATE INDEX practice_authors_person ON practice_authors(person_id);
CREATE TABLE practice_tags (
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    vocabulary TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (practice_id, vocabulary, code)
) WITHOUT ROWID;
CREATE INDEX practice_tags_tag ON practice_tags(vocabulary, code);
CREATE TABLE practice_establishments (
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    establishment_id INTEGER NOT NULL REFERENCES establishments(id) ON DELETE CASCADE,
    PRIMARY KEY (practice_id, establishment_id)
) WITHOUT ROWID;
CREATE TABLE practice_versions (
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    objectives TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    published_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    PRIMARY KEY (practice_id, version)
);
CREATE TABLE practice_comments (
    id INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX practice_comments_practice ON practice_comments(practice_id, id);
CREATE TABLE practice_trials (
    id INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    establishment_id INTEGER REFERENCES establishments(id) ON DELETE SET NULL,
    tried_on TEXT NOT NULL,
    adaptations TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX practice_trials_practice ON practice_trials(practice_id, id);
CREATE INDEX practice_trials_person ON practice_trials(person_id);
CREATE TABLE bookmarks (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (person_id, practice_id)
) WITHOUT ROWID;
CREATE TABLE follows (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL,
    target TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (person_id, target_kind, target)
) WITHOUT ROWID;
CREATE INDEX follows_target ON follows(target_kind, target);
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    message TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at INTEGER,
    mailed_at INTEGER
);
CREATE INDEX notifications_person ON notifications(person_id, id);

CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    practice_id INTEGER NOT NULL REFERENCES practices(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    mime TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    blob_key TEXT NOT NULL,
    state TEXT NOT NULL,
    state_message TEXT NOT NULL DEFAULT '',
    transcoded_key TEXT,
    poster_key TEXT,
    duration_ms INTEGER,
    appearance TEXT,
    withdrawn_at INTEGER,
    uploaded_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX media_practice ON media(practice_id);
CREATE TABLE media_captions (
    media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    label TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    PRIMARY KEY (media_id, lang)
);
CREATE TABLE media_consents (
    media_id INTEGER PRIMARY KEY REFERENCES media(id) ON DELETE CASCADE,
    pupils INTEGER NOT NULL,
    keeper TEXT NOT NULL,
    collected_on TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    recorded_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX media_consents_expiry ON media_consents(expires_on);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    run_after INTEGER NOT NULL,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX jobs_ready ON jobs(state, run_after);
CREATE TABLE recurring_jobs (name TEXT PRIMARY KEY, last_run_at INTEGER NOT NULL);

-- Every change to searchable content, in commit order; each node's index follows it.
CREATE TABLE search_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    document_id INTEGER NOT NULL,
    at INTEGER NOT NULL
);

-- Which database this is: a node's search index built on another database is rebuilt.
CREATE TABLE search_state (id INTEGER PRIMARY KEY CHECK (id = 1), instance TEXT NOT NULL);
INSERT INTO search_state (id, instance) VALUES (1, lower(hex(randomblob(16))));
