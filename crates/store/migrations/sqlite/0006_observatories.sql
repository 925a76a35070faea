-- Observatories and peer visits: who pilots, organises and observes; the visits asked for by
-- establishments, the binômes proposed, the observation (items of four kinds and notes: no
-- score), the reflexive analysis, and the training needs it brings out.
CREATE TABLE observatories (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER REFERENCES territories(id) ON DELETE SET NULL,
    -- Its exchange space (blog, forum, folders) for animation.
    space_id INTEGER REFERENCES spaces(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    theme TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    research_question TEXT NOT NULL DEFAULT '',
    inspe_partner TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX observatories_territory ON observatories(territory_id);
CREATE TABLE observatory_members (
    observatory_id INTEGER NOT NULL REFERENCES observatories(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    -- 'pilot', 'referent' or 'observer' (one person may hold several).
    role TEXT NOT NULL,
    -- For observers: visits agreed to per school year, and the themes they want to observe.
    max_visits INTEGER NOT NULL DEFAULT 3,
    themes TEXT NOT NULL DEFAULT '',
    added_at INTEGER NOT NULL,
    PRIMARY KEY (observatory_id, person_id, role)
) WITHOUT ROWID;
CREATE INDEX observatory_members_person ON observatory_members(person_id);
-- When an observer can come (days since 1970-01-01, both ends included); none: any time.
CREATE TABLE observer_periods (
    observatory_id INTEGER NOT NULL REFERENCES observatories(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    from_day INTEGER NOT NULL,
    to_day INTEGER NOT NULL
);
CREATE INDEX observer_periods_member ON observer_periods(observatory_id, person_id);
CREATE TABLE visit_requests (
    id INTEGER PRIMARY KEY,
    observatory_id INTEGER NOT NULL REFERENCES observatories(id) ON DELETE CASCADE,
    establishment_id INTEGER NOT NULL REFERENCES establishments(id),
    focus TEXT NOT NULL,
    constraints TEXT NOT NULL DEFAULT '',
    requested_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    -- 'pending', 'assigned' or 'withdrawn'.
    state TEXT NOT NULL,
    -- Why no binôme could be proposed yet, when one could not.
    waiting_reason TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX visit_requests_observatory ON visit_requests(observatory_id, state);
CREATE TABLE visit_request_periods (
    request_id INTEGER NOT NULL REFERENCES visit_requests(id) ON DELETE CASCADE,
    from_day INTEGER NOT NULL,
    to_day INTEGER NOT NULL
);
CREATE INDEX visit_request_periods_request ON visit_request_periods(request_id);
-- The observed teachers; each consents.
CREATE TABLE visit_request_teachers (
    request_id INTEGER NOT NULL REFERENCES visit_requests(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    consented_at INTEGER,
    PRIMARY KEY (request_id, person_id)
) WITHOUT ROWID;
CREATE INDEX visit_request_teachers_person ON visit_request_teachers(person_id);
CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL UNIQUE REFERENCES visit_requests(id) ON DELETE CASCADE,
    observatory_id INTEGER NOT NULL REFERENCES observatories(id) ON DELETE CASCADE,
    -- 'proposed', 'scheduled', 'observed', 'analysis', 'closed' or 'cancelled'.
    state TEXT NOT NULL,
    -- Why this binôme, in French, one reason a line.
    reasons TEXT NOT NULL DEFAULT '',
    starts_at INTEGER,
    ends_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX visits_observatory ON visits(observatory_id, state);
CREATE TABLE visit_observers (
    visit_id INTEGER NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (visit_id, person_id)
) WITHOUT ROWID;
CREATE INDEX visit_observers_person ON visit_observers(person_id);
CREATE TABLE observation_items (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    -- 'geste', 'outil', 'pratique' or 'attitude'.
    category TEXT NOT NULL,
    body TEXT NOT NULL,
    at_minute INTEGER,
    position INTEGER NOT NULL
);
CREATE INDEX observation_items_visit ON observation_items(visit_id, position);
CREATE TABLE visit_observations (
    visit_id INTEGER PRIMARY KEY REFERENCES visits(id) ON DELETE CASCADE,
    notes TEXT NOT NULL,
    updated_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE visit_analyses (
    visit_id INTEGER PRIMARY KEY REFERENCES visits(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    updated_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    updated_at INTEGER NOT NULL,
    -- Each side's agreement; the analysis closes when both agreed to the same text.
    observers_agreed_at INTEGER,
    observed_agreed_at INTEGER
);
CREATE TABLE training_needs (
    id INTEGER PRIMARY KEY,
    observatory_id INTEGER NOT NULL REFERENCES observatories(id) ON DELETE CASCADE,
    visit_id INTEGER REFERENCES visits(id) ON DELETE SET NULL,
    theme TEXT NOT NULL,
    public TEXT NOT NULL,
    level TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX training_needs_observatory ON training_needs(observatory_id);
