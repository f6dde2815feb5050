-- +goose Up
-- Content in ASEAN languages and search across it. Each record's own columns keep the text as
-- it was written, in its original_language; translations hold the same texts in other
-- languages, each with a digest of the original it was made from, so that a translation of
-- a text that has since changed can be shown as stale. search_documents holds one normalized
-- document per searchable record, kept current by triggers, indexed for substring and
-- similarity (pg_trgm) and word (full-text) matching.

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- A BCP 47 tag as the API stores it: canonical, such as en, km, fil or zh-Hant.
ALTER TABLE campaigns ADD COLUMN original_language text NOT NULL DEFAULT 'en'
    CHECK (original_language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');
ALTER TABLE events ADD COLUMN original_language text NOT NULL DEFAULT 'en'
    CHECK (original_language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');
ALTER TABLE youth_networks ADD COLUMN original_language text NOT NULL DEFAULT 'en'
    CHECK (original_language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');
ALTER TABLE indicators ADD COLUMN original_language text NOT NULL DEFAULT 'en'
    CHECK (original_language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$');

-- One row per record, text field and language. The record is named by type and ID rather
-- than by a foreign key per type; triggers below remove a record's translations with it.
CREATE TABLE translations (
    entity_type    text   NOT NULL CHECK (entity_type IN ('CAMPAIGN','EVENT','YOUTH_NETWORK','INDICATOR')),
    entity_id      bigint NOT NULL,
    field          text   NOT NULL CHECK (field IN ('NAME','TITLE','SUMMARY','DESCRIPTION')),
    language       text   NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    text           text   NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    -- md5 of the original text this translates: when the original changes, the digests differ.
    source_md5     text   NOT NULL,
    -- The record's version when the translation was written (indicators have no versions).
    source_version integer,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity_type, entity_id, field, language)
);

-- search_norm is how both documents and queries are compared: lower case, without accents,
-- so "Ha Noi" meets "Hà Nội". unaccent is only STABLE because its dictionary could change;
-- naming the dictionary makes the result depend on its argument alone.
-- It also drops the marks that pg_trgm does not take as part of a word even under C.UTF-8
-- (checked character by character): Thai and Lao tone marks, Khmer signs and the coeng,
-- Burmese dot below, virama and asat. Left in, each would split a word of those scripts,
-- written without spaces, in two; dropped on both sides, matching ignores them as it
-- ignores Vietnamese tones.
CREATE FUNCTION search_norm(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(translate(public.unaccent('public.unaccent'::regdictionary, t),
        U&'\0E47\0E48\0E49\0E4A\0E4B\0E4C\0E4E\0EC8\0EC9\0ECA\0ECB\0ECC\17B4\17B5\17C9\17CA\17CB\17CC\17CD\17CE\17CF\17D0\17D1\17D2\17D3\17DD\1037\1039\103A', ''));

CREATE TABLE search_documents (
    entity_type   text   NOT NULL CHECK (entity_type IN ('CAMPAIGN','EVENT','YOUTH_NETWORK','ORGANIZATION')),
    entity_id     bigint NOT NULL,
    -- The countries the record is in, for search's country argument.
    country_codes text[] NOT NULL DEFAULT '{}',
    -- Names and titles in every language, normalized: matches here rank first.
    names         text   NOT NULL,
    -- Every text of the record in every language, and its place, normalized.
    body          text   NOT NULL,
    -- The texts as written and the language of each (null where unknown), for snippets.
    texts         text[] NOT NULL,
    languages     text[] NOT NULL,
    tsv           tsvector NOT NULL,
    PRIMARY KEY (entity_type, entity_id)
);

-- The distinct words of all documents, for correcting a mistyped query word to words that
-- exist (the spelling suggestions of pg_trgm's documentation). Words are only added; a word
-- no document has any more merely widens a query a little.
CREATE TABLE search_words (
    word text PRIMARY KEY
);

-- +goose StatementBegin
-- search_source reads what the documents of records are made of: their countries, their
-- names in every language, every text with its language, and words found only by search.
CREATE FUNCTION search_source(p_kind text, p_keys bigint[])
RETURNS TABLE (id bigint, codes text[], names text[], texts text[], langs text[], extra text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
    IF p_kind = 'CAMPAIGN' THEN
        RETURN QUERY
        SELECT c.id,
               ARRAY(SELECT cc.country_code::text FROM campaign_countries cc WHERE cc.campaign_id = c.id ORDER BY 1),
               ARRAY[c.name] || ARRAY(SELECT t.text FROM translations t
                   WHERE t.entity_type = 'CAMPAIGN' AND t.entity_id = c.id AND t.field = 'NAME' ORDER BY t.language),
               x.texts, x.langs, NULL::text
          FROM unnest(p_keys) AS k(key) JOIN campaigns c ON c.id = k.key,
               LATERAL (SELECT array_agg(s.txt ORDER BY s.ord) AS texts, array_agg(s.lang ORDER BY s.ord) AS langs FROM (
                   SELECT 1 AS ord, c.name AS txt, c.original_language AS lang
                   UNION ALL SELECT 2, c.summary, c.original_language WHERE c.summary IS NOT NULL
                   UNION ALL SELECT 3, c.description, c.original_language WHERE c.description IS NOT NULL
                   UNION ALL SELECT 4, t.text, t.language FROM translations t
                       WHERE t.entity_type = 'CAMPAIGN' AND t.entity_id = c.id) s) x;
    ELSIF p_kind = 'EVENT' THEN
        RETURN QUERY
        SELECT e.id, ARRAY_REMOVE(ARRAY[e.country_code::text], NULL),
               ARRAY[e.title] || ARRAY(SELECT t.text FROM translations t
                   WHERE t.entity_type = 'EVENT' AND t.entity_id = e.id AND t.field = 'TITLE' ORDER BY t.language),
               x.texts, x.langs, NULL::text
          FROM unnest(p_keys) AS k(key) JOIN events e ON e.id = k.key LEFT JOIN venues v ON v.id = e.venue_id,
               LATERAL (SELECT array_agg(s.txt ORDER BY s.ord) AS texts, array_agg(s.lang ORDER BY s.ord) AS langs FROM (
                   SELECT 1 AS ord, e.title AS txt, e.original_language AS lang
                   UNION ALL SELECT 2, e.summary, e.original_language WHERE e.summary IS NOT NULL
                   UNION ALL SELECT 3, e.description, e.original_language WHERE e.description IS NOT NULL
                   UNION ALL SELECT 4, t.text, t.language FROM translations t
                       WHERE t.entity_type = 'EVENT' AND t.entity_id = e.id
                   UNION ALL SELECT 5, v.name, NULL WHERE v.name IS NOT NULL
                   UNION ALL SELECT 6, v.city, NULL WHERE v.city IS NOT NULL) s) x;
    ELSIF p_kind = 'YOUTH_NETWORK' THEN
        RETURN QUERY
        SELECT n.id, ARRAY_REMOVE(ARRAY[n.country_code::text], NULL),
               ARRAY[n.name] || ARRAY(SELECT t.text FROM translations t
                   WHERE t.entity_type = 'YOUTH_NETWORK' AND t.entity_id = n.id AND t.field = 'NAME' ORDER BY t.language),
               x.texts, x.langs, NULL::text
          FROM unnest(p_keys) AS k(key) JOIN youth_networks n ON n.id = k.key,
               LATERAL (SELECT array_agg(s.txt ORDER BY s.ord) AS texts, array_agg(s.lang ORDER BY s.ord) AS langs FROM (
                   SELECT 1 AS ord, n.name AS txt, n.original_language AS lang
                   UNION ALL SELECT 2, n.description, n.original_language WHERE n.description IS NOT NULL
                   UNION ALL SELECT 4, t.text, t.language FROM translations t
                       WHERE t.entity_type = 'YOUTH_NETWORK' AND t.entity_id = n.id) s) x;
    ELSIF p_kind = 'ORGANIZATION' THEN
        RETURN QUERY
        SELECT o.id, ARRAY_REMOVE(ARRAY[o.country_code::text], NULL), ARRAY[o.name],
               ARRAY_REMOVE(ARRAY[o.name, o.description], NULL),
               CASE WHEN o.description IS NULL THEN ARRAY[NULL::text] ELSE ARRAY[NULL::text, NULL::text] END, o.slug
          FROM unnest(p_keys) AS k(key) JOIN organizations o ON o.id = k.key;
    END IF;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- search_refresh rebuilds the documents of records from their rows, all in one statement
-- however many there are, and removes those of records that are gone. New words join the
-- dictionary of corrections.
CREATE FUNCTION search_refresh(p_kind text, p_keys bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_kind NOT IN ('CAMPAIGN','EVENT','YOUTH_NETWORK','ORGANIZATION') OR cardinality(p_keys) = 0 THEN
        RETURN;
    END IF;
    WITH upserted AS (
        INSERT INTO search_documents AS d (entity_type, entity_id, country_codes, names, body, texts, languages, tsv)
        SELECT p_kind, s.id, s.codes, x.n, x.b, coalesce(s.texts, '{}'), coalesce(s.langs, '{}'),
               setweight(to_tsvector('simple', x.n), 'A') || to_tsvector('simple', x.b)
          FROM search_source(p_kind, p_keys) s,
               LATERAL (SELECT search_norm(coalesce(array_to_string(s.names, ' | '), '')) AS n,
                               search_norm(coalesce(array_to_string(s.texts, ' | '), '') || coalesce(' | ' || s.extra, '')) AS b) x
        ON CONFLICT (entity_type, entity_id) DO UPDATE
            SET country_codes = excluded.country_codes, names = excluded.names, body = excluded.body,
                texts = excluded.texts, languages = excluded.languages, tsv = excluded.tsv
        RETURNING d.entity_id)
    DELETE FROM search_documents d USING unnest(p_keys) AS k(key)
     WHERE d.entity_type = p_kind AND d.entity_id = k.key
       AND NOT EXISTS (SELECT 1 FROM upserted u WHERE u.entity_id = d.entity_id);
    INSERT INTO search_words (word)
    SELECT DISTINCT w FROM unnest(p_keys) AS k(key) JOIN search_documents d ON d.entity_type = p_kind AND d.entity_id = k.key,
           unnest(tsvector_to_array(d.tsv)) w
     WHERE length(w) BETWEEN 3 AND 40
    ON CONFLICT DO NOTHING;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- search_on_rows keeps the documents of the rows a statement changed current, once per
-- statement rather than per row, so that a bulk load pays for its documents in bulk.
-- TG_ARGV[0] is the kind; the transition table is named changed. A deleted translatable
-- record takes its translations with it.
CREATE FUNCTION search_on_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM translations WHERE entity_type = TG_ARGV[0] AND entity_id IN (SELECT c.id FROM changed c);
    END IF;
    PERFORM search_refresh(TG_ARGV[0], ARRAY(SELECT c.id FROM changed c));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_on_translations() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k text;
BEGIN
    FOR k IN SELECT DISTINCT c.entity_type FROM changed c LOOP
        PERFORM search_refresh(k, ARRAY(SELECT DISTINCT c.entity_id FROM changed c WHERE c.entity_type = k));
    END LOOP;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_on_campaign_countries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_refresh('CAMPAIGN', ARRAY(SELECT DISTINCT c.campaign_id FROM changed c));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_on_venue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_refresh('EVENT', ARRAY(SELECT e.id FROM events e WHERE e.venue_id = NEW.id));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- Transition tables cannot go with a column list (UPDATE OF), so every update refreshes.
CREATE TRIGGER campaigns_search_insert AFTER INSERT ON campaigns REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('CAMPAIGN');
CREATE TRIGGER campaigns_search_update AFTER UPDATE ON campaigns REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('CAMPAIGN');
CREATE TRIGGER campaigns_search_delete AFTER DELETE ON campaigns REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('CAMPAIGN');
CREATE TRIGGER events_search_insert AFTER INSERT ON events REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('EVENT');
CREATE TRIGGER events_search_update AFTER UPDATE ON events REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('EVENT');
CREATE TRIGGER events_search_delete AFTER DELETE ON events REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('EVENT');
CREATE TRIGGER youth_networks_search_insert AFTER INSERT ON youth_networks REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('YOUTH_NETWORK');
CREATE TRIGGER youth_networks_search_update AFTER UPDATE ON youth_networks REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('YOUTH_NETWORK');
CREATE TRIGGER youth_networks_search_delete AFTER DELETE ON youth_networks REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('YOUTH_NETWORK');
CREATE TRIGGER organizations_search_insert AFTER INSERT ON organizations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('ORGANIZATION');
CREATE TRIGGER organizations_search_update AFTER UPDATE ON organizations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('ORGANIZATION');
CREATE TRIGGER organizations_search_delete AFTER DELETE ON organizations REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('ORGANIZATION');
CREATE TRIGGER indicators_translations_delete AFTER DELETE ON indicators REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_rows('INDICATOR');
CREATE TRIGGER translations_search_insert AFTER INSERT ON translations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_translations();
CREATE TRIGGER translations_search_update AFTER UPDATE ON translations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_translations();
CREATE TRIGGER translations_search_delete AFTER DELETE ON translations REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_translations();
CREATE TRIGGER campaign_countries_search_insert AFTER INSERT ON campaign_countries REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_campaign_countries();
CREATE TRIGGER campaign_countries_search_delete AFTER DELETE ON campaign_countries REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION search_on_campaign_countries();
CREATE TRIGGER venues_search AFTER UPDATE OF name, city
    ON venues FOR EACH ROW EXECUTE FUNCTION search_on_venue();

-- Documents for the records that exist already, in one statement per kind.
SELECT search_refresh('CAMPAIGN', ARRAY(SELECT id FROM campaigns));
SELECT search_refresh('EVENT', ARRAY(SELECT id FROM events));
SELECT search_refresh('YOUTH_NETWORK', ARRAY(SELECT id FROM youth_networks));
SELECT search_refresh('ORGANIZATION', ARRAY(SELECT id FROM organizations));

-- The indexes come after the documents of existing records: building a GIN index at once is
-- many times faster than growing it a document at a time, which matters on a large database.
-- pg_trgm takes a run of letters as one word: scripts written without spaces (Thai, Khmer,
-- Burmese, Lao) become long words whose trigrams still serve a substring LIKE. That needs
-- the database's LC_CTYPE to class those letters as letters, as C.UTF-8 and the xx_XX.UTF-8
-- locales do (plain C does not; see the check below).
CREATE INDEX search_documents_body_trgm_idx ON search_documents USING gin (body gin_trgm_ops);
CREATE INDEX search_documents_tsv_idx ON search_documents USING gin (tsv);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);

-- +goose StatementBegin
DO $$
BEGIN
    IF show_trgm(search_norm('ไทย ກາວ ខ្មែរ မြန်မာ')) = '{}' THEN
        RAISE WARNING 'this database''s LC_CTYPE does not class Thai, Khmer, Burmese or Lao letters as letters; search will not find text in those scripts (use C.UTF-8 or a UTF-8 locale)';
    END IF;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER venues_search ON venues;
DROP TRIGGER campaign_countries_search_delete ON campaign_countries;
DROP TRIGGER campaign_countries_search_insert ON campaign_countries;
DROP TRIGGER translations_search_delete ON translations;
DROP TRIGGER translations_search_update ON translations;
DROP TRIGGER translations_search_insert ON translations;
DROP TRIGGER indicators_translations_delete ON indicators;
DROP TRIGGER organizations_search_delete ON organizations;
DROP TRIGGER organizations_search_update ON organizations;
DROP TRIGGER organizations_search_insert ON organizations;
DROP TRIGGER youth_networks_search_delete ON youth_networks;
DROP TRIGGER youth_networks_search_update ON youth_networks;
DROP TRIGGER youth_networks_search_insert ON youth_networks;
DROP TRIGGER events_search_delete ON events;
DROP TRIGGER events_search_update ON events;
DROP TRIGGER events_search_insert ON events;
DROP TRIGGER campaigns_search_delete ON campaigns;
DROP TRIGGER campaigns_search_update ON campaigns;
DROP TRIGGER campaigns_search_insert ON campaigns;
DROP FUNCTION search_on_venue();
DROP FUNCTION search_on_campaign_countries();
DROP FUNCTION search_on_translations();
DROP FUNCTION search_on_rows();
DROP FUNCTION search_refresh(text, bigint[]);
DROP FUNCTION search_source(text, bigint[]);
DROP TABLE search_words;
DROP TABLE search_documents;
DROP FUNCTION search_norm(text);
DROP TABLE translations;
ALTER TABLE indicators DROP COLUMN original_language;
ALTER TABLE youth_networks DROP COLUMN original_language;
ALTER TABLE events DROP COLUMN original_language;
ALTER TABLE campaigns DROP COLUMN original_language;
