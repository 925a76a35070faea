-- The partners' contacts, and the conventions of a territory (PEDT, CTEAC, PLEAC…): their
-- parties, dates and documents; `reminded_at` records the renewal reminder sent to the
-- coordination before the end (cleared when the convention is renewed).
CREATE TABLE partner_contacts (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES territory_partners(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT ''
);
CREATE INDEX partner_contacts_partner ON partner_contacts(partner_id);
CREATE TABLE conventions (
    id INTEGER PRIMARY KEY,
    territory_id INTEGER NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    -- One party a line.
    parties TEXT NOT NULL,
    -- Days since 1970-01-01, both included.
    starts_on INTEGER NOT NULL,
    ends_on INTEGER NOT NULL,
    reminded_at INTEGER,
    created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX conventions_territory ON conventions(territory_id);
CREATE INDEX conventions_to_remind ON conventions(ends_on) WHERE reminded_at IS NULL;
CREATE TABLE convention_documents (
    id INTEGER PRIMARY KEY,
    convention_id INTEGER NOT NULL REFERENCES conventions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES people(id) ON DELETE SET NULL,
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX convention_documents_convention ON convention_documents(convention_id);
