-- +goose Up
-- Partners write: API keys with roles, explicit rights for co-hosts and partners, partner-only
-- events, young members with the least personal data that serves, guardian consent,
-- memberships, registrations with a waitlist, and the logs that account for every write and
-- every read of a member's personal data.

-- A key is stored only as the SHA-256 of its secret; prefix lets a person tell keys apart.
CREATE TABLE api_keys (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id bigint NOT NULL REFERENCES organizations (id),
    role            text   NOT NULL CHECK (role IN ('VIEWER','EDITOR','ADMIN','PLATFORM')),
    name            text   CHECK (length(name) <= 200),
    key_hash        bytea  NOT NULL UNIQUE,
    prefix          text   NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    revoked_at      timestamptz
);
CREATE INDEX api_keys_org_idx ON api_keys (organization_id, id);

-- Owners write their records; a co-host or partner writes another's only when granted.
ALTER TABLE campaign_partners ADD COLUMN can_edit boolean NOT NULL DEFAULT false;
ALTER TABLE event_cohosts ADD COLUMN can_edit boolean NOT NULL DEFAULT false;
ALTER TABLE events ADD COLUMN visibility text NOT NULL DEFAULT 'PUBLIC'
    CHECK (visibility IN ('PUBLIC','PARTNERS'));
CREATE INDEX campaigns_owner_idx ON campaigns (owner_id);
CREATE INDEX youth_networks_owner_idx ON youth_networks (owner_id);

-- A member is a young person. No birth date, no address: an age band, a country, a name to
-- greet them by, and contact details only if they choose to give them. Erasure clears every
-- personal column for good and keeps the row, so counts stay true.
CREATE TABLE members (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    display_name    text    CHECK (length(display_name) BETWEEN 1 AND 100),
    age_band        text    NOT NULL CHECK (age_band IN ('UNDER_13','AGE_13_15','AGE_16_17','AGE_18_24','AGE_25_PLUS')),
    country_code    char(2) REFERENCES countries (code),
    email           text    CHECK (length(email) <= 254),
    phone           text    CHECK (length(phone) <= 32),
    organization_id bigint  NOT NULL REFERENCES organizations (id),
    erased_at       timestamptz,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (erased_at IS NULL OR (display_name IS NULL AND email IS NULL AND phone IS NULL))
);

-- Who gave consent for a minor, when and how.
CREATE TABLE guardian_consents (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id      bigint NOT NULL REFERENCES members (id),
    guardian_name  text   CHECK (length(guardian_name) BETWEEN 1 AND 100),
    relationship   text   NOT NULL CHECK (relationship IN ('PARENT','LEGAL_GUARDIAN','OTHER_CAREGIVER')),
    method         text   NOT NULL CHECK (method IN ('WRITTEN','VERBAL','DIGITAL')),
    given_at       timestamptz NOT NULL,
    recorded_by    bigint REFERENCES api_keys (id),
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX guardian_consents_member_idx ON guardian_consents (member_id);

CREATE TABLE memberships (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    network_id bigint NOT NULL REFERENCES youth_networks (id),
    member_id  bigint NOT NULL REFERENCES members (id),
    joined_at  timestamptz NOT NULL DEFAULT now(),
    left_at    timestamptz
);
CREATE UNIQUE INDEX memberships_active_idx ON memberships (network_id, member_id) WHERE left_at IS NULL;
CREATE INDEX memberships_member_idx ON memberships (member_id);

-- One live registration per person and event; the waitlist is served in order of id.
CREATE TABLE registrations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     bigint NOT NULL REFERENCES events (id),
    member_id    bigint NOT NULL REFERENCES members (id),
    status       text   NOT NULL CHECK (status IN ('CONFIRMED','WAITLISTED','CANCELLED')),
    attended     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX registrations_live_idx ON registrations (event_id, member_id) WHERE status <> 'CANCELLED';
CREATE INDEX registrations_event_idx ON registrations (event_id, status, id);
CREATE INDEX registrations_member_idx ON registrations (member_id);

-- Every read of a member's name or contact details, by whom and why.
CREATE TABLE member_access_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    api_key_id      bigint NOT NULL REFERENCES api_keys (id),
    organization_id bigint NOT NULL REFERENCES organizations (id),
    member_id       bigint NOT NULL REFERENCES members (id),
    reason          text   NOT NULL,
    request_id      text
);
CREATE INDEX member_access_log_member_idx ON member_access_log (member_id, at);

-- Every write: who, with which key, what, when, before and after. Members appear here only
-- by ID and non-personal fields, so that erasure leaves nothing behind in the log.
CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    api_key_id      bigint REFERENCES api_keys (id),
    organization_id bigint REFERENCES organizations (id),
    action          text   NOT NULL,
    entity_type     text   NOT NULL,
    entity_id       text   NOT NULL,
    before          jsonb,
    after           jsonb,
    request_id      text
);
CREATE INDEX audit_log_org_idx ON audit_log (organization_id, id);

-- Retried mutations from mobile apps: the first result is kept for at least 24 hours.
CREATE TABLE idempotency_keys (
    api_key_id   bigint NOT NULL REFERENCES api_keys (id),
    key          text   NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    operation    text   NOT NULL,
    request_hash bytea  NOT NULL,
    result       jsonb  NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (api_key_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE audit_log;
DROP TABLE member_access_log;
DROP TABLE registrations;
DROP TABLE memberships;
DROP TABLE guardian_consents;
DROP TABLE members;
DROP INDEX youth_networks_owner_idx;
DROP INDEX campaigns_owner_idx;
ALTER TABLE events DROP COLUMN visibility;
ALTER TABLE event_cohosts DROP COLUMN can_edit;
ALTER TABLE campaign_partners DROP COLUMN can_edit;
DROP TABLE api_keys;
