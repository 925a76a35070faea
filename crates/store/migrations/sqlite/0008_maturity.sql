-- The maturity grid of a territory (seed 004): its assessments; each member's own answer (one
-- per person and assessment, shown to others only as a spread, never by name); the levels the
-- group agreed, with their evidence, which close the assessment and enter its history.
CREATE TABLE maturity_assessments (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    opened_at INTEGER NOT NULL,
    agreed_at INTEGER,
    agreed_by INTEGER REFERENCES people(id) ON DELETE SET NULL
);
CREATE INDEX maturity_assessments_territory ON maturity_assessments(territory_id, opened_at);
-- One open assessment per territory at most.
CREATE UNIQUE INDEX maturity_assessments_open ON maturity_assessments(territory_id) WHERE agreed_at IS NULL;
CREATE TABLE maturity_answers (
    assessment_id INTEGER NOT NULL REFERENCES maturity_assessments(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    dimension TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, person_id, dimension)
);
CREATE INDEX maturity_answers_person ON maturity_answers(person_id);
CREATE TABLE maturity_levels (
    assessment_id INTEGER NOT NULL REFERENCES maturity_assessments(id) ON DELETE CASCADE,
    dimension TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    -- Markdown: links to practices, actions, visits, documents.
    evidence TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, dimension)
);
