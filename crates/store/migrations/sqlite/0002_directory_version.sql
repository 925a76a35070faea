-- Bumped by every import that changes the directory, so that each node knows when its
-- in-memory search index is stale.
CREATE TABLE directory_state (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL);
INSERT INTO directory_state (id, version) VALUES (1, 0);
