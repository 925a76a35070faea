-- The instances and working groups of a territory (seed 001): the steering group and the
-- operational group (one each), the working groups 1 (one per establishment), 2 and 3 (by
-- theme), each with its space; who sits in them, by seat (a partner without an account sits
-- by name).
CREATE TABLE territory_groups (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    -- 'pilotage', 'operationnel', 'gt1', 'gt2' or 'gt3'.
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    establishment_id INTEGER REFERENCES establishments(id) ON DELETE SET NULL,
    theme TEXT NOT NULL DEFAULT '',
    space_id INTEGER REFERENCES spaces(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX territory_groups_territory ON territory_groups(territory_id, kind);
CREATE UNIQUE INDEX territory_groups_instances ON territory_groups(territory_id, kind)
    WHERE kind IN ('pilotage', 'operationnel');
CREATE TABLE group_members (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES territory_groups(id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    seat TEXT NOT NULL,
    added_at INTEGER NOT NULL
);
CREATE INDEX group_members_group ON group_members(group_id);
CREATE UNIQUE INDEX group_members_person ON group_members(group_id, person_id) WHERE person_id IS NOT NULL;
