-- The training office and trainers, the modules of the departmental or academic plan that
-- answer the demand (seed 000: « des modules de formation seront réservés à cet effet dans le
-- plan départemental »), their sessions, registrations with a waiting list and seats reserved
-- for the observatories, and attendance.
CREATE TABLE training_staff (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    -- 'office' (reads the demand, writes the plan) or 'trainer' (composes paths).
    kind TEXT NOT NULL,
    appointed_at INTEGER NOT NULL,
    PRIMARY KEY (person_id, kind)
);
-- A need a territory's coordination raised from a difficulty of its inventory.
ALTER TABLE training_requests ADD COLUMN inventory_item_id INTEGER REFERENCES inventory_items(id) ON DELETE SET NULL;
CREATE TABLE training_modules (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    objectives TEXT NOT NULL,
    -- 'departemental' or 'academique'.
    plan TEXT NOT NULL,
    -- 'premier-degre', 'second-degre' or 'inter-degres'.
    public TEXT NOT NULL,
    territory_id INTEGER REFERENCES territories(id) ON DELETE SET NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    -- Seats kept for members of the observatories (within the capacity).
    reserved_seats INTEGER NOT NULL DEFAULT 0 CHECK (reserved_seats >= 0 AND reserved_seats <= capacity),
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    cancelled_at INTEGER,
    -- Written by every registration and cancellation first: the row lock that keeps the
    -- registered within the capacity.
    changes INTEGER NOT NULL DEFAULT 0
);
-- The themes of the demand a module answers, folded (no accents, case or extra spaces) as the
-- needs are matched.
CREATE TABLE training_module_themes (
    module_id INTEGER NOT NULL REFERENCES training_modules(id) ON DELETE CASCADE,
    theme TEXT NOT NULL,
    folded TEXT NOT NULL,
    PRIMARY KEY (module_id, folded)
);
CREATE INDEX training_module_themes_folded ON training_module_themes(folded);
CREATE TABLE training_module_trainers (
    module_id INTEGER NOT NULL REFERENCES training_modules(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (module_id, person_id)
);
CREATE TABLE training_sessions (
    id INTEGER PRIMARY KEY,
    module_id INTEGER NOT NULL REFERENCES training_modules(id) ON DELETE CASCADE,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    video_url TEXT NOT NULL DEFAULT ''
);
CREATE INDEX training_sessions_module ON training_sessions(module_id, starts_at);
CREATE TABLE training_registrations (
    -- The order of arrival: the waiting list is served by it.
    id INTEGER PRIMARY KEY,
    module_id INTEGER NOT NULL REFERENCES training_modules(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    -- 'registered' or 'waitlisted'.
    status TEXT NOT NULL,
    -- On a seat reserved for the observatories.
    reserved INTEGER NOT NULL DEFAULT 0,
    -- A member of an observatory when they registered (may take a reserved seat).
    observatory INTEGER NOT NULL DEFAULT 0,
    registered_at INTEGER NOT NULL,
    UNIQUE (module_id, person_id)
);
CREATE INDEX training_registrations_person ON training_registrations(person_id);
CREATE TABLE training_attendance (
    session_id INTEGER NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, person_id)
);
