-- The audit trail is read newest first (by id): one person's or one action's entries are
-- walked in that order straight from these indexes, with no sort.
DROP INDEX audit_events_actor;
DROP INDEX audit_events_action;
CREATE INDEX audit_events_actor ON audit_events(actor_id, id);
CREATE INDEX audit_events_action ON audit_events(action, id);
