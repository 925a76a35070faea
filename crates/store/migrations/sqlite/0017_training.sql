-- Training needs a person expresses for themself (or a territory's inventory brings out),
-- beside those visits bring out (training_needs). The person is kept so that they can see
-- and withdraw their own needs and be told of the module that answers them; the demand shown
-- to the training office is aggregated without names.
CREATE TABLE training_requests (
    id INTEGER PRIMARY KEY,
    person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
    territory_id INTEGER REFERENCES territories(id) ON DELETE SET NULL,
    -- 'personal' or 'inventory'.
    source TEXT NOT NULL,
    theme TEXT NOT NULL,
    public TEXT NOT NULL,
    level TEXT NOT NULL DEFAULT '',
    -- The person's function when they expressed it (the public of the module to come).
    function TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX training_requests_territory ON training_requests(territory_id, created_at);
CREATE INDEX training_requests_person ON training_requests(person_id);
