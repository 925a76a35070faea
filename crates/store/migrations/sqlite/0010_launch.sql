-- The launch of a territory (seed 001), step by step, each step's deliverable kept and seen
-- by its members: where each step stands; the shared inventory (successes and difficulties
-- of each establishment, specific or common); the common problem statement, linked to the
-- inventory and to the skills expected of the territory.
CREATE TABLE launch_steps (
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    -- 1 état des lieux, 2 problématique, 3 opérationnaliser, 4 actions, 5 accompagnement.
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 5),
    -- 'todo', 'doing' or 'done'.
    state TEXT NOT NULL,
    updated_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (territory_id, step)
);
CREATE TABLE inventory_items (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    establishment_id INTEGER NOT NULL REFERENCES establishments(id) ON DELETE CASCADE,
    -- 'success' or 'difficulty'.
    kind TEXT NOT NULL,
    -- 'specific' to the establishment, or 'common' to others.
    scope TEXT NOT NULL,
    text TEXT NOT NULL,
    -- The text folded (no accents, case or extra spaces): the same item raised by several
    -- establishments is merged on it.
    folded TEXT NOT NULL,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX inventory_items_territory ON inventory_items(territory_id, kind, scope);
CREATE TABLE territory_problems (
    territory_id INTEGER PRIMARY KEY REFERENCES territories(id) ON DELETE CASCADE,
    statement TEXT NOT NULL,
    -- The skills expected of the territory (« grandes compétences »), one per line.
    skills TEXT NOT NULL DEFAULT '',
    updated_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE territory_problem_items (
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    item_id INTEGER NOT NULL REFERENCES inventory_items(id) ON DELETE CASCADE,
    PRIMARY KEY (territory_id, item_id)
);
