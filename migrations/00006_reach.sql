-- +goose Up
-- Near me, and results in the shape of the IATI results standard.

-- Events near a point: PostgreSQL's own cube and earthdistance, with a GiST index on each
-- venue's position as a point on the earth, so that "within 25 km" is an index search of
-- a bounding box, refined by the exact great-circle distance.
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;
CREATE INDEX venues_earth_idx ON venues USING gist (ll_to_earth(latitude, longitude));
-- Reach counts the members of the networks that a set of events founded.
CREATE INDEX youth_networks_founded_idx ON youth_networks (founded_at_id);

-- A result is what a campaign set out to achieve (IATI's result): an output, outcome or
-- impact, which its indicators measure.
CREATE TABLE results (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id        bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    type               text   NOT NULL CHECK (type IN ('OUTPUT','OUTCOME','IMPACT','OTHER')),
    title              text   NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description        text,
    -- Whether the figures of this result may be added up across campaigns (IATI's aggregation-status).
    aggregation_status boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX results_campaign_idx ON results (campaign_id, id);

-- IATI's indicator: its result, how it is measured, whether up is good, and one baseline.
ALTER TABLE indicators
    ADD COLUMN result_id        bigint REFERENCES results (id) ON DELETE SET NULL,
    ADD COLUMN measure          text   NOT NULL DEFAULT 'UNIT'
                                CHECK (measure IN ('UNIT','PERCENTAGE','NOMINAL','ORDINAL','QUALITATIVE')),
    ADD COLUMN ascending        boolean NOT NULL DEFAULT true,
    ADD COLUMN baseline_year    integer CHECK (baseline_year BETWEEN 1900 AND 2200),
    ADD COLUMN baseline_value   numeric,
    ADD COLUMN baseline_comment text;
UPDATE indicators SET measure = 'PERCENTAGE' WHERE unit = 'PERCENT';
CREATE INDEX indicators_result_idx ON indicators (result_id);

-- A period's target or actual broken down by country, sex and age band (IATI's dimensions);
-- a null dimension is "all". The age bands are the members' own.
CREATE TABLE indicator_breakdowns (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period_id    bigint  NOT NULL REFERENCES indicator_periods (id) ON DELETE CASCADE,
    kind         text    NOT NULL CHECK (kind IN ('TARGET','ACTUAL')),
    country_code char(2) REFERENCES countries (code),
    sex          text    CHECK (sex IN ('FEMALE','MALE','OTHER')),
    age_band     text    CHECK (age_band IN ('UNDER_13','AGE_13_15','AGE_16_17','AGE_18_24','AGE_25_PLUS')),
    value        numeric NOT NULL,
    CHECK (country_code IS NOT NULL OR sex IS NOT NULL OR age_band IS NOT NULL),
    UNIQUE NULLS NOT DISTINCT (period_id, kind, country_code, sex, age_band)
);

-- +goose Down
DROP TABLE indicator_breakdowns;
DROP INDEX indicators_result_idx;
ALTER TABLE indicators DROP COLUMN result_id, DROP COLUMN measure, DROP COLUMN ascending,
    DROP COLUMN baseline_year, DROP COLUMN baseline_value, DROP COLUMN baseline_comment;
DROP TABLE results;
DROP INDEX youth_networks_founded_idx;
DROP INDEX venues_earth_idx;
DROP EXTENSION earthdistance;
DROP EXTENSION cube;
