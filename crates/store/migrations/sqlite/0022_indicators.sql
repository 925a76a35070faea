-- The strategic project of an académie (seed 003): axes, objectives, levers and evaluation
-- criteria in one tree; indicators attached to criteria, computed from the platform's data
-- (a metric of the catalogue) or entered by hand with their source; targets; and the series
-- of the computed metrics for every scope (national, académie, département, territory),
-- month by month, rewritten by the « indicators » job.
CREATE TABLE strategic_projects (
    academie_code TEXT PRIMARY KEY REFERENCES academies(code),
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);
CREATE TABLE project_nodes (
    id INTEGER PRIMARY KEY,
    academie_code TEXT NOT NULL REFERENCES strategic_projects(academie_code) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES project_nodes(id) ON DELETE CASCADE,
    -- 'axe', 'objectif', 'levier' or 'critere'.
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_nodes_project ON project_nodes(academie_code, parent_id, position);
CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    academie_code TEXT NOT NULL REFERENCES strategic_projects(academie_code) ON DELETE CASCADE,
    criterion_id INTEGER REFERENCES project_nodes(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    -- A metric of the catalogue; empty: entered by hand.
    metric TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    -- Where hand-entered values come from.
    source TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX indicators_project ON indicators(academie_code, id);
-- Scopes are written 'national', 'academie:06', 'departement:62', 'territoire:12'; months
-- are counted from January 2000.
CREATE TABLE indicator_values (
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    month INTEGER NOT NULL,
    value REAL NOT NULL,
    source TEXT NOT NULL,
    entered_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    entered_at INTEGER NOT NULL,
    PRIMARY KEY (indicator_id, scope, month)
);
CREATE TABLE indicator_targets (
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    month INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (indicator_id, scope, month)
);
CREATE TABLE metric_series (
    scope TEXT NOT NULL,
    metric TEXT NOT NULL,
    month INTEGER NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (scope, metric, month)
);
