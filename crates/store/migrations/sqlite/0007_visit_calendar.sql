-- Peer visits on calendars: when a visit's participants were reminded of it by mail, and the
-- secret address of each person's calendar feed (only its SHA-256 is kept).
ALTER TABLE visits ADD COLUMN reminded_at INTEGER;
CREATE INDEX visits_starts ON visits(starts_at);
CREATE TABLE calendar_feeds (
    person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
