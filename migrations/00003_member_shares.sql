-- +goose Up
-- An organization may register or enrol only the members it answers for: those it recorded,
-- those it already sees, and those another such organization has shared with it. Without
-- this, any organizer could reveal any member's name by registering a guessed ID.
CREATE TABLE member_shares (
    member_id       bigint NOT NULL REFERENCES members (id),
    organization_id bigint NOT NULL REFERENCES organizations (id),
    shared_by       bigint REFERENCES api_keys (id),
    shared_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, organization_id)
);

-- +goose Down
DROP TABLE member_shares;
