-- Personalised training paths (seed 002: films that « soutiennent la création de parcours de
-- formation personnalisée en autonomie »): a trainer composes ordered steps (video capsules,
-- practices, documents, short activities, reflection prompts), with the paths to finish first;
-- each person follows at their pace, with their own notes; trainers see the cohort's progress.
CREATE TABLE training_paths (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    -- 'premier-degre', 'second-degre' or 'inter-degres'.
    public TEXT NOT NULL,
    -- What it suits, one a line (matched, folded, with people's needs, subjects and levels).
    themes TEXT NOT NULL DEFAULT '',
    subjects TEXT NOT NULL DEFAULT '',
    levels TEXT NOT NULL DEFAULT '',
    author_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    published_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE TABLE path_prerequisites (
    path_id INTEGER NOT NULL REFERENCES training_paths(id) ON DELETE CASCADE,
    required_id INTEGER NOT NULL REFERENCES training_paths(id) ON DELETE CASCADE,
    PRIMARY KEY (path_id, required_id)
);
CREATE TABLE path_steps (
    id INTEGER PRIMARY KEY,
    path_id INTEGER NOT NULL REFERENCES training_paths(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    -- 'capsule', 'practice', 'document', 'activity' or 'reflection'.
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    -- Instructions, the activity or the reflection prompt (Markdown).
    body TEXT NOT NULL DEFAULT '',
    -- A practice of the library (for a capsule: one with a video).
    practice_id INTEGER REFERENCES practices(id) ON DELETE SET NULL,
    -- A document's address.
    url TEXT NOT NULL DEFAULT '',
    minutes INTEGER NOT NULL,
    UNIQUE (path_id, position)
);
CREATE TABLE path_enrolments (
    path_id INTEGER NOT NULL REFERENCES training_paths(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL,
    -- Last step opened or done: where the person resumes.
    updated_at INTEGER NOT NULL,
    completed_at INTEGER,
    PRIMARY KEY (path_id, person_id)
);
CREATE INDEX path_enrolments_person ON path_enrolments(person_id);
-- A person's step: done or not, and their own notes (never shown to anyone else).
CREATE TABLE path_progress (
    step_id INTEGER NOT NULL REFERENCES path_steps(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    done_at INTEGER,
    note TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (step_id, person_id)
);
