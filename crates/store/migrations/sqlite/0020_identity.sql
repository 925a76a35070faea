-- Identity and privacy: accounts disabled, ended (invited) or closed, their last activity and
-- their single sign-on link; sessions with their activity and origin; pending single sign-on
-- logins; invitations; the audit trail.
ALTER TABLE people ADD COLUMN disabled_at INTEGER;
ALTER TABLE people ADD COLUMN ends_at INTEGER;
ALTER TABLE people ADD COLUMN closed_at INTEGER;
ALTER TABLE people ADD COLUMN last_seen_at INTEGER;
ALTER TABLE people ADD COLUMN oidc_issuer TEXT;
ALTER TABLE people ADD COLUMN oidc_subject TEXT;
CREATE UNIQUE INDEX people_oidc ON people(oidc_issuer, oidc_subject);

ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
UPDATE sessions SET last_seen_at = created_at;

CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    next TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    function TEXT NOT NULL,
    inviter_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
    account_ends_at INTEGER,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    person_id INTEGER REFERENCES people(id) ON DELETE SET NULL
);
CREATE INDEX invitations_inviter ON invitations(inviter_id, created_at);
CREATE INDEX invitations_expiry ON invitations(expires_at);
CREATE TABLE invitation_spaces (
    invitation_id INTEGER NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    space_id INTEGER NOT NULL REFERENCES spaces(id) ON DELETE CASCADE,
    PRIMARY KEY (invitation_id, space_id)
) WITHOUT ROWID;

-- The audit trail outlives accounts: it names people by id only, and is never updated.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    ip TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE INDEX audit_events_actor ON audit_events(actor_id, at);
CREATE INDEX audit_events_action ON audit_events(action, at);
CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'le journal de sécurité ne se modifie pas');
END;
