-- Real time: chat rooms of spaces and direct conversations (messages, reactions, read marks),
-- collaborative pads (their document as CRDT updates, named snapshots, who edited when).
CREATE TABLE chat_rooms (
    id INTEGER PRIMARY KEY,
    -- NULL for a direct conversation.
    space_id INTEGER REFERENCES spaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    -- Bumped by every change of a message, which takes it as its `rev`: a client resumes
    -- with the changes after the last revision it saw.
    rev INTEGER NOT NULL DEFAULT 0,
    last_message_at INTEGER
);
CREATE INDEX chat_rooms_space ON chat_rooms(space_id);
CREATE TABLE chat_participants (
    room_id INTEGER NOT NULL REFERENCES chat_rooms(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (room_id, person_id)
) WITHOUT ROWID;
CREATE INDEX chat_participants_person ON chat_participants(person_id);
CREATE TABLE chat_messages (
    id INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES chat_rooms(id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    reply_to INTEGER REFERENCES chat_messages(id) ON DELETE SET NULL,
    file_key TEXT,
    file_name TEXT,
    file_type TEXT,
    file_size INTEGER,
    created_at INTEGER NOT NULL,
    edited_at INTEGER,
    -- 'author' or 'moderator' once deleted; the text is then gone.
    deleted_by TEXT,
    rev INTEGER NOT NULL
);
CREATE INDEX chat_messages_room ON chat_messages(room_id, id);
CREATE INDEX chat_messages_rev ON chat_messages(room_id, rev);
CREATE TABLE chat_reactions (
    message_id INTEGER NOT NULL REFERENCES chat_messages(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    emoji TEXT NOT NULL,
    PRIMARY KEY (message_id, person_id, emoji)
) WITHOUT ROWID;
CREATE TABLE chat_reads (
    room_id INTEGER NOT NULL REFERENCES chat_rooms(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    last_read_id INTEGER NOT NULL,
    PRIMARY KEY (room_id, person_id)
) WITHOUT ROWID;

CREATE TABLE pads (
    id INTEGER PRIMARY KEY,
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX pads_space ON pads(space_id);
-- The document is the merge of its updates (Yjs v1 encoding); compaction merges them.
CREATE TABLE pad_updates (
    id INTEGER PRIMARY KEY,
    pad_id INTEGER NOT NULL REFERENCES pads(id) ON DELETE CASCADE,
    data BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX pad_updates_pad ON pad_updates(pad_id, id);
CREATE TABLE pad_editors (
    pad_id INTEGER NOT NULL REFERENCES pads(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    updates INTEGER NOT NULL,
    PRIMARY KEY (pad_id, person_id)
) WITHOUT ROWID;
CREATE TABLE pad_snapshots (
    id INTEGER PRIMARY KEY,
    pad_id INTEGER NOT NULL REFERENCES pads(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content TEXT NOT NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX pad_snapshots_pad ON pad_snapshots(pad_id, id);
