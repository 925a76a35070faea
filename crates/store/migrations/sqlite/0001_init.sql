-- Directory of the school system
CREATE TABLE regions_academiques (code TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE academies (code TEXT PRIMARY KEY, name TEXT NOT NULL, region_code TEXT NOT NULL REFERENCES regions_academiques(code));
CREATE TABLE departements (code TEXT PRIMARY KEY, name TEXT NOT NULL, academie_code TEXT NOT NULL REFERENCES academies(code));
CREATE TABLE communes (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, departement_code TEXT NOT NULL REFERENCES departements(code),
    population INTEGER NOT NULL, latitude REAL NOT NULL, longitude REAL NOT NULL
);
CREATE INDEX communes_departement ON communes(departement_code);
CREATE TABLE circonscriptions (code TEXT PRIMARY KEY, name TEXT NOT NULL, departement_code TEXT NOT NULL REFERENCES departements(code));
CREATE TABLE bassins (code TEXT PRIMARY KEY, name TEXT NOT NULL, departement_code TEXT NOT NULL REFERENCES departements(code));
CREATE TABLE establishments (
    id INTEGER PRIMARY KEY,
    uai TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    public INTEGER NOT NULL,
    address TEXT, postal_code TEXT,
    commune_code TEXT NOT NULL, commune_name TEXT NOT NULL,
    departement_code TEXT NOT NULL REFERENCES departements(code),
    academie_code TEXT NOT NULL REFERENCES academies(code),
    circonscription_code TEXT REFERENCES circonscriptions(code),
    bassin_code TEXT REFERENCES bassins(code),
    education_prioritaire TEXT, pupils INTEGER, phone TEXT, email TEXT,
    latitude REAL, longitude REAL,
    open INTEGER NOT NULL,
    sort_name TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX establishments_sort ON establishments(sort_name, id);
CREATE INDEX establishments_departement ON establishments(departement_code, sort_name);
CREATE INDEX establishments_circonscription ON establishments(circonscription_code);
CREATE INDEX establishments_bassin ON establishments(bassin_code);

-- People and accounts
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    function TEXT NOT NULL,
    password_hash TEXT,
    admin INTEGER NOT NULL DEFAULT 0,
    circonscription_code TEXT REFERENCES circonscriptions(code),
    academie_code TEXT REFERENCES academies(code),
    created_at INTEGER NOT NULL
);
CREATE TABLE person_establishments (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    establishment_id INTEGER NOT NULL REFERENCES establishments(id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, establishment_id)
) WITHOUT ROWID;
CREATE INDEX person_establishments_establishment ON person_establishments(establishment_id);
CREATE TABLE person_subjects (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    PRIMARY KEY (person_id, subject)
) WITHOUT ROWID;
CREATE TABLE person_levels (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    PRIMARY KEY (person_id, level)
) WITHOUT ROWID;
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_person ON sessions(person_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at);
CREATE INDEX login_failures_ip ON login_failures(ip, at);

-- Territoires apprenants
CREATE TABLE territories (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE territory_establishments (
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    establishment_id INTEGER NOT NULL REFERENCES establishments(id) ON DELETE CASCADE,
    PRIMARY KEY (territory_id, establishment_id)
) WITHOUT ROWID;
CREATE INDEX territory_establishments_establishment ON territory_establishments(establishment_id);
CREATE TABLE territory_members (
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (territory_id, person_id)
) WITHOUT ROWID;
CREATE INDEX territory_members_person ON territory_members(person_id);
CREATE TABLE territory_partners (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX territory_partners_territory ON territory_partners(territory_id);
