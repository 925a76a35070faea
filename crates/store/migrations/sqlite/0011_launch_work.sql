-- Steps 3 to 5 of the launch (seed 001) and the territory's supports and obstacles: the work
-- objects with their accompanied days, the actions with the pupils, the critical friend's
-- journal (each entry tagged with the role played) and the impact analysis that closes a year
-- and opens the next.
CREATE TABLE work_objects (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    trainer TEXT NOT NULL DEFAULT '',
    -- Days since 1970-01-01, comma-separated (one or two).
    days TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX work_objects_territory ON work_objects(territory_id);
CREATE TABLE launch_actions (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    -- 'network' or 'establishment'.
    scope TEXT NOT NULL,
    establishment_id INTEGER REFERENCES establishments(id) ON DELETE SET NULL,
    owners TEXT NOT NULL DEFAULT '',
    starts_on INTEGER,
    ends_on INTEGER,
    pupils TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL,
    -- The working group 3 it belongs to.
    theme TEXT NOT NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX launch_actions_territory ON launch_actions(territory_id);
CREATE TABLE critical_friends (
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    since INTEGER NOT NULL,
    PRIMARY KEY (territory_id, person_id)
);
CREATE TABLE journal_entries (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    role TEXT NOT NULL,
    body TEXT NOT NULL,
    written_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    written_at INTEGER NOT NULL
);
CREATE INDEX journal_entries_territory ON journal_entries(territory_id, year);
CREATE TABLE impact_analyses (
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    body TEXT NOT NULL,
    written_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    written_at INTEGER NOT NULL,
    PRIMARY KEY (territory_id, year)
);
CREATE TABLE territory_supports (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    -- A point d'appui (with its category) or an obstacle (none).
    support INTEGER NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX territory_supports_territory ON territory_supports(territory_id);
