-- +goose Up
-- Content for a regional audience: where each translation comes from, and images.
--
-- A translation is either a partner's, written through setTranslations with the right to edit
-- the record (it speaks for the record as its original does), or one made for the seed by this
-- project, which no owner of the record has reviewed: it is not official, and a screen may say
-- so. A partner who writes a seed translation again, even with the same text, makes it theirs.
ALTER TABLE translations ADD COLUMN origin text NOT NULL DEFAULT 'PARTNER'
    CHECK (origin IN ('PARTNER', 'SEED'));

-- Images of campaigns, events and organizations, hosted elsewhere: the API keeps the address
-- and what a screen needs to show the picture well and lawfully (its size, so a page can keep
-- its place before the picture arrives; its alt text in one or more languages, the first being
-- the original; its credit and licence). An organization also has at most one logo. The record
-- is named by type and ID, as translations name theirs; triggers below remove a record's images
-- with it. Images are public exactly when their record is: they are read through it.
CREATE TABLE images (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_type   text    NOT NULL CHECK (entity_type IN ('CAMPAIGN', 'EVENT', 'ORGANIZATION')),
    entity_id     bigint  NOT NULL,
    role          text    NOT NULL CHECK (role IN ('IMAGE', 'LOGO')),
    -- The image's place in its record's list, from 0; a logo is at 0.
    position      integer NOT NULL CHECK (position BETWEEN 0 AND 99),
    -- https only: a page served over https may not load a picture over http.
    url           text    NOT NULL CHECK (url ~ '^https://[^\s]+$' AND length(url) <= 2000),
    width         integer CHECK (width BETWEEN 1 AND 20000),
    height        integer CHECK (height BETWEEN 1 AND 20000),
    -- The alt text in each language it is written in, the original first; BCP 47 tags.
    alt_languages text[]  NOT NULL,
    alt_texts     text[]  NOT NULL,
    credit        text    CHECK (length(credit) BETWEEN 1 AND 300),
    license       text    CHECK (length(license) BETWEEN 1 AND 200),
    license_url   text    CHECK (license_url ~ '^https://[^\s]+$' AND length(license_url) <= 2000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((width IS NULL) = (height IS NULL)),
    CHECK (role = 'IMAGE' OR (entity_type = 'ORGANIZATION' AND position = 0)),
    CHECK (cardinality(alt_languages) BETWEEN 1 AND 20 AND cardinality(alt_texts) = cardinality(alt_languages)),
    UNIQUE (entity_type, entity_id, role, position)
);

-- +goose StatementBegin
-- images_on_delete removes the images of the records a statement deleted; TG_ARGV[0] is the
-- kind and the transition table is named gone.
CREATE FUNCTION images_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM images WHERE entity_type = TG_ARGV[0] AND entity_id IN (SELECT g.id FROM gone g);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER campaigns_images_delete AFTER DELETE ON campaigns REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION images_on_delete('CAMPAIGN');
CREATE TRIGGER events_images_delete AFTER DELETE ON events REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION images_on_delete('EVENT');
CREATE TRIGGER organizations_images_delete AFTER DELETE ON organizations REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION images_on_delete('ORGANIZATION');

-- +goose Down
DROP TRIGGER organizations_images_delete ON organizations;
DROP TRIGGER events_images_delete ON events;
DROP TRIGGER campaigns_images_delete ON campaigns;
DROP FUNCTION images_on_delete();
DROP TABLE images;
ALTER TABLE translations DROP COLUMN origin;
