-- Networks of innovating teachers (seed 002): each member's school year of joining gives
-- where they stand (year 1 mutualisation, year 2 with a CPC, year 3 passeur d'expériences);
-- the CPC who follows the network.
CREATE TABLE teacher_networks (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    cpc_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX teacher_networks_territory ON teacher_networks(territory_id);
CREATE TABLE network_members (
    network_id INTEGER NOT NULL REFERENCES teacher_networks(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    -- The school year of joining: 2026 for 2026-2027.
    joined_year INTEGER NOT NULL,
    PRIMARY KEY (network_id, person_id)
);
CREATE INDEX network_members_person ON network_members(person_id);
