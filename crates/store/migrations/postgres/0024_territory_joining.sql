-- The staff of a territory's establishments join it: at once where the coordination opened
-- it, else on a request the coordination answers. A person without an account is invited by
-- e-mail into a territory with a role.
ALTER TABLE territories ADD COLUMN open_to_staff BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE territory_join_requests (
    territory_id BIGINT NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (territory_id, person_id)
);
CREATE INDEX territory_join_requests_person ON territory_join_requests(person_id);
CREATE TABLE invitation_territories (
    invitation_id BIGINT NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
    territory_id BIGINT NOT NULL REFERENCES territories(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (invitation_id, territory_id)
);
