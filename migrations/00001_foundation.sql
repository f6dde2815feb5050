-- +goose Up
-- The foundation schema: countries, partner organizations, campaigns, events, venues,
-- youth networks and indicators. Every enumerated column is checked here so that a row
-- the API could not represent can never be stored.

CREATE TABLE countries (
    code         char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
    name         text    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Other names the country is found by, such as "Burma" for Myanmar.
    aliases      text[]  NOT NULL DEFAULT '{}',
    asean_member boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX countries_name_idx ON countries (name, code);

CREATE TABLE organizations (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         text   NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name         text   NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    kind         text   NOT NULL CHECK (kind IN ('GOVERNMENT','INTERGOVERNMENTAL','DONOR','MEDIA',
                        'CIVIL_SOCIETY','UN_AGENCY','PRIVATE_SECTOR','ACADEMIC','OTHER')),
    country_code char(2) REFERENCES countries (code),
    website      text   CHECK (website IS NULL OR website ~ '^https?://'),
    description  text,
    source       text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX organizations_name_idx ON organizations (name, id);
CREATE INDEX organizations_country_idx ON organizations (country_code, name, id);
CREATE INDEX organizations_kind_idx ON organizations (kind, name, id);

-- Dates taken from sources are often partial ("since 2006", "in December"): each date
-- column has a precision beside it, and the date holds the first day of that period.
CREATE TABLE campaigns (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug                text   NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name                text   NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    summary             text,
    description         text,
    status              text   NOT NULL DEFAULT 'DRAFT'
                        CHECK (status IN ('DRAFT','PLANNED','ACTIVE','COMPLETED','ARCHIVED')),
    focus               text[] NOT NULL DEFAULT '{}'
                        CHECK (focus <@ ARRAY['PREVENTION','PROTECTION','PROSECUTION','PARTNERSHIP']),
    themes              text[] NOT NULL DEFAULT '{}'
                        CHECK (themes <@ ARRAY['FORCED_LABOUR','SEX_TRAFFICKING','CHILD_TRAFFICKING',
                        'CHILD_SOLDIERS','MIGRANT_WORKERS','ONLINE_EXPLOITATION','VICTIM_SUPPORT',
                        'SAFE_MIGRATION','LEGAL_FRAMEWORKS']),
    audiences           text[] NOT NULL DEFAULT '{}'
                        CHECK (audiences <@ ARRAY['YOUTH','VULNERABLE_POPULATIONS','GENERAL_PUBLIC',
                        'GOVERNMENT_OFFICIALS','LAW_ENFORCEMENT','FRONTLINE_SERVICE_PROVIDERS',
                        'SURVIVORS','MEDIA','EMPLOYERS']),
    objectives          text[] NOT NULL DEFAULT '{}',
    starts_on           date,
    starts_on_precision text   NOT NULL DEFAULT 'DAY' CHECK (starts_on_precision IN ('YEAR','MONTH','DAY')),
    ends_on             date,
    ends_on_precision   text   NOT NULL DEFAULT 'DAY' CHECK (ends_on_precision IN ('YEAR','MONTH','DAY')),
    parent_id           bigint REFERENCES campaigns (id),
    owner_id            bigint REFERENCES organizations (id),
    source              text,
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on),
    CHECK (parent_id IS DISTINCT FROM id)
);
-- Keyset pagination orders: name, start (undated last) and creation, each with id as tiebreaker.
CREATE INDEX campaigns_name_idx ON campaigns (name, id);
CREATE INDEX campaigns_starts_on_idx ON campaigns ((coalesce(starts_on, 'infinity'::date)), id);
CREATE INDEX campaigns_starts_on_desc_idx ON campaigns ((coalesce(starts_on, '-infinity'::date)), id);
CREATE INDEX campaigns_created_idx ON campaigns (created_at, id);
CREATE INDEX campaigns_parent_idx ON campaigns (parent_id, name, id);
CREATE INDEX campaigns_themes_idx ON campaigns USING gin (themes);

CREATE TABLE campaign_countries (
    campaign_id     bigint  NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    country_code    char(2) NOT NULL REFERENCES countries (code),
    -- When the campaign reached the country, if later than the campaign's own start.
    since           date,
    since_precision text    NOT NULL DEFAULT 'DAY' CHECK (since_precision IN ('YEAR','MONTH','DAY')),
    PRIMARY KEY (campaign_id, country_code)
);
CREATE INDEX campaign_countries_country_idx ON campaign_countries (country_code, campaign_id);

CREATE TABLE campaign_partners (
    campaign_id     bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    organization_id bigint NOT NULL REFERENCES organizations (id),
    role            text   NOT NULL CHECK (role IN ('FUNDER','IMPLEMENTER','HOST','MEDIA_PARTNER',
                    'GOVERNMENT_PARTNER','TECHNICAL_PARTNER','CIVIL_SOCIETY_PARTNER')),
    note            text,
    PRIMARY KEY (campaign_id, organization_id, role)
);
CREATE INDEX campaign_partners_org_idx ON campaign_partners (organization_id, campaign_id);

CREATE TABLE funding_commitments (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id          bigint  NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    funder_id            bigint  NOT NULL REFERENCES organizations (id),
    -- Money is kept in the currency's minor units (cents for USD) so no float ever rounds it.
    amount_minor         bigint  NOT NULL CHECK (amount_minor >= 0),
    currency             char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    purpose              text,
    committed_on         date,
    committed_precision  text    NOT NULL DEFAULT 'DAY' CHECK (committed_precision IN ('YEAR','MONTH','DAY')),
    source               text,
    created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX funding_commitments_campaign_idx ON funding_commitments (campaign_id, id);

CREATE TABLE venues (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text    NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    city            text,
    country_code    char(2) NOT NULL REFERENCES countries (code),
    latitude        double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude       double precision CHECK (longitude BETWEEN -180 AND 180),
    -- A street address can locate people at risk; it is shown only when not private.
    address         text,
    address_private boolean NOT NULL DEFAULT true,
    source          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((latitude IS NULL) = (longitude IS NULL))
);

-- starts_at is the first instant of the start period in the event's time zone: exact when
-- date_precision is MINUTE, otherwise the lower bound used for ordering and filtering only.
CREATE TABLE events (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id             bigint NOT NULL REFERENCES campaigns (id),
    title                   text   NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    summary                 text,
    description             text,
    kind                    text   NOT NULL CHECK (kind IN ('CONCERT','BROADCAST','ONLINE_PROGRAMME',
                            'OUTREACH','TRAINING','YOUTH_SESSION','MEETING')),
    status                  text   NOT NULL DEFAULT 'DRAFT'
                            CHECK (status IN ('DRAFT','SCHEDULED','POSTPONED','CANCELLED','COMPLETED')),
    starts_at               timestamptz NOT NULL,
    ends_at                 timestamptz,
    date_precision          text   NOT NULL DEFAULT 'MINUTE'
                            CHECK (date_precision IN ('YEAR','MONTH','DAY','MINUTE')),
    date_qualifier          text   CHECK (date_qualifier IN ('EARLY','MID','LATE')),
    -- Null while the place, and so the zone, is not yet known; starts_at is then in UTC.
    time_zone               text,
    venue_id                bigint REFERENCES venues (id),
    -- The country the event is held in (its venue's) or, online, addressed to; kept on the
    -- event so that "events in Burma" is one index range.
    country_code            char(2) REFERENCES countries (code),
    online_url              text   CHECK (online_url IS NULL OR online_url ~ '^https?://'),
    capacity                integer CHECK (capacity >= 0),
    registration_enabled    boolean NOT NULL DEFAULT false,
    registration_opens_at   timestamptz,
    registration_closes_at  timestamptz,
    waitlist_enabled        boolean NOT NULL DEFAULT false,
    organizer_id            bigint NOT NULL REFERENCES organizations (id),
    attendance              integer CHECK (attendance >= 0),
    media_reach             bigint  CHECK (media_reach >= 0),
    source                  text,
    version                 integer NOT NULL DEFAULT 1,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at IS NULL OR ends_at >= starts_at),
    CHECK (registration_closes_at IS NULL OR registration_opens_at IS NULL
           OR registration_closes_at >= registration_opens_at)
);
CREATE INDEX events_starts_idx ON events (starts_at, id);
CREATE INDEX events_title_idx ON events (title, id);
CREATE INDEX events_created_idx ON events (created_at, id);
CREATE INDEX events_campaign_idx ON events (campaign_id, starts_at, id);
CREATE INDEX events_organizer_idx ON events (organizer_id, starts_at, id);
CREATE INDEX events_venue_idx ON events (venue_id);
CREATE INDEX events_country_idx ON events (country_code, starts_at, id);
CREATE INDEX events_kind_idx ON events (kind, starts_at, id);

CREATE TABLE event_cohosts (
    event_id        bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    organization_id bigint NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (event_id, organization_id)
);
CREATE INDEX event_cohosts_org_idx ON event_cohosts (organization_id, event_id);

CREATE TABLE youth_networks (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug              text   NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name              text   NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    description       text,
    scope             text   NOT NULL CHECK (scope IN ('REGIONAL','NATIONAL','LOCAL')),
    country_code      char(2) REFERENCES countries (code),
    parent_id         bigint REFERENCES youth_networks (id),
    founded_at_id     bigint REFERENCES events (id),
    owner_id          bigint REFERENCES organizations (id),
    source            text,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (scope = 'REGIONAL' OR country_code IS NOT NULL),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX youth_networks_name_idx ON youth_networks (name, id);
CREATE INDEX youth_networks_parent_idx ON youth_networks (parent_id, name, id);
CREATE INDEX youth_networks_country_idx ON youth_networks (country_code, name, id);

CREATE TABLE network_coordinators (
    network_id      bigint NOT NULL REFERENCES youth_networks (id) ON DELETE CASCADE,
    organization_id bigint NOT NULL REFERENCES organizations (id),
    PRIMARY KEY (network_id, organization_id)
);

CREATE TABLE network_channels (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    network_id bigint NOT NULL REFERENCES youth_networks (id) ON DELETE CASCADE,
    platform   text   NOT NULL CHECK (platform IN ('FACEBOOK','TWITTER','YOUTUBE','INSTAGRAM',
               'TIKTOK','LINE','TELEGRAM','WEBSITE','OTHER')),
    url        text   NOT NULL CHECK (url ~ '^https?://'),
    handle     text
);
CREATE INDEX network_channels_network_idx ON network_channels (network_id, id);

CREATE TABLE indicators (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    code        text   NOT NULL CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    name        text   NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    description text,
    unit        text   NOT NULL CHECK (unit IN ('COUNT','PEOPLE','PERCENT','CURRENCY')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (campaign_id, code)
);

-- One row per reporting period. "Over 700,000" keeps its sense through actual_comparator.
CREATE TABLE indicator_periods (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    indicator_id      bigint NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period_start      date   NOT NULL,
    start_precision   text   NOT NULL DEFAULT 'DAY' CHECK (start_precision IN ('YEAR','MONTH','DAY')),
    period_end        date   NOT NULL,
    end_precision     text   NOT NULL DEFAULT 'DAY' CHECK (end_precision IN ('YEAR','MONTH','DAY')),
    baseline          numeric,
    target            numeric,
    actual            numeric,
    actual_comparator text   NOT NULL DEFAULT 'EXACT' CHECK (actual_comparator IN ('EXACT','AT_LEAST','APPROXIMATE')),
    note              text,
    source            text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (period_end >= period_start)
);
CREATE INDEX indicator_periods_indicator_idx ON indicator_periods (indicator_id, period_start, id);

-- Which versions of the built-in seed data have been loaded: the seed runs once per version,
-- so a restart adds nothing and never overwrites what partners have since changed.
CREATE TABLE seed_versions (
    version    text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE seed_versions;
DROP TABLE indicator_periods;
DROP TABLE indicators;
DROP TABLE network_channels;
DROP TABLE network_coordinators;
DROP TABLE youth_networks;
DROP TABLE event_cohosts;
DROP TABLE events;
DROP TABLE venues;
DROP TABLE funding_commitments;
DROP TABLE campaign_partners;
DROP TABLE campaign_countries;
DROP TABLE campaigns;
DROP TABLE organizations;
DROP TABLE countries;
