-- Exceptional accesses: an administrator reads a practice or a space not shared with them,
-- for a limited time, with a written reason (shown to the content's owners, kept in the audit
-- trail too).
CREATE TABLE exceptional_accesses (
    id INTEGER PRIMARY KEY,
    admin_id INTEGER NOT NULL,
    target_kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX exceptional_accesses_target ON exceptional_accesses(target_kind, target_id, admin_id);
