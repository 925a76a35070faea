-- The INSPE partnership (seed 002): the days of M1 MEEF students with their host teachers
-- (observation, then mise en responsabilité), and the cross-observations that the freed host
-- teachers make in a peer's class on their responsibility days (one peer a freed day).
CREATE TABLE inspe_days (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    student_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    host_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    -- Days since 1970-01-01.
    day INTEGER NOT NULL,
    -- 'observation' or 'responsabilite'.
    kind TEXT NOT NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (student_id, day)
);
CREATE INDEX inspe_days_territory ON inspe_days(territory_id, day);
CREATE INDEX inspe_days_host ON inspe_days(host_id, day);
CREATE TABLE cross_observations (
    host_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    -- The peer who welcomes the freed host teacher in their class.
    peer_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (host_id, day)
);
CREATE INDEX cross_observations_peer ON cross_observations(peer_id);
