-- Meetings of a territory's groups: agenda, when, where (a place, a video link), the pad of
-- the minutes (in the group's space) and who attended.
CREATE TABLE group_meetings (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES territory_groups(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    agenda TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    video_url TEXT NOT NULL DEFAULT '',
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    pad_id INTEGER REFERENCES pads(id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX group_meetings_group ON group_meetings(group_id, starts_at);
CREATE TABLE meeting_attendance (
    meeting_id INTEGER NOT NULL REFERENCES group_meetings(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    present INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);
