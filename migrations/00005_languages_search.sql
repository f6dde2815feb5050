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
CREATE FUNCTION search_norm(t text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, t));

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
-- pg_trgm takes a run of letters as one word: scripts written without spaces (Thai, Khmer,
-- Burmese, Lao) become long words whose trigrams still serve a substring LIKE. That needs
-- the database's LC_CTYPE to class those letters as letters, as C.UTF-8 and the xx_XX.UTF-8
-- locales do (plain C does not; see the check below).
CREATE INDEX search_documents_body_trgm_idx ON search_documents USING gin (body gin_trgm_ops);
CREATE INDEX search_documents_tsv_idx ON search_documents USING gin (tsv);

-- The distinct words of all documents, for correcting a mistyped query word to words that
-- exist (the spelling suggestions of pg_trgm's documentation). Words are only added; a word
-- no document has any more merely widens a query a little.
CREATE TABLE search_words (
    word text PRIMARY KEY
);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);

-- +goose StatementBegin
CREATE FUNCTION search_store(p_kind text, p_key bigint, codes text[], name_texts text[], all_texts text[], langs text[], extra text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n text := search_norm(coalesce(array_to_string(name_texts, ' | '), ''));
    b text := search_norm(coalesce(array_to_string(all_texts, ' | '), '') || coalesce(' | ' || extra, ''));
    v tsvector := setweight(to_tsvector('simple', n), 'A') || to_tsvector('simple', b);
BEGIN
    INSERT INTO search_documents AS d (entity_type, entity_id, country_codes, names, body, texts, languages, tsv)
    VALUES (p_kind, p_key, coalesce(codes, '{}'), n, b, coalesce(all_texts, '{}'), coalesce(langs, '{}'), v)
    ON CONFLICT (entity_type, entity_id) DO UPDATE
        SET country_codes = excluded.country_codes, names = excluded.names, body = excluded.body,
            texts = excluded.texts, languages = excluded.languages, tsv = excluded.tsv;
    INSERT INTO search_words (word)
    SELECT w FROM unnest(tsvector_to_array(to_tsvector('simple', b))) w
    WHERE length(w) BETWEEN 3 AND 40
    ON CONFLICT DO NOTHING;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- search_refresh rebuilds the document of one record from its rows, or removes it when the
-- record is gone.
CREATE FUNCTION search_refresh(p_kind text, p_key bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    codes text[]; names text[]; texts text[]; langs text[]; extra text; found_row boolean;
BEGIN
    IF p_kind = 'CAMPAIGN' THEN
        SELECT true,
               ARRAY(SELECT country_code::text FROM campaign_countries WHERE campaign_id = c.id ORDER BY country_code),
               ARRAY[c.name] || ARRAY(SELECT t.text FROM translations t WHERE t.entity_type = p_kind AND t.entity_id = c.id AND t.field = 'NAME' ORDER BY t.language),
               x.texts, x.langs, NULL
          INTO found_row, codes, names, texts, langs, extra
          FROM campaigns c,
               LATERAL (SELECT array_agg(s.txt ORDER BY s.ord) AS texts, array_agg(s.lang ORDER BY s.ord) AS langs FROM (
                   SELECT 1 AS ord, c.name AS txt, c.original_language AS lang
                   UNION ALL SELECT 2, c.summary, c.original_language WHERE c.summary IS NOT NULL
                   UNION ALL SELECT 3, c.description, c.original_language WHERE c.description IS NOT NULL
                   UNION ALL SELECT 4, t.text, t.language FROM translations t WHERE t.entity_type = p_kind AND t.entity_id = c.id) s) x
         WHERE c.id = p_key;
    ELSIF p_kind = 'EVENT' THEN
        SELECT true, ARRAY_REMOVE(ARRAY[e.country_code::text], NULL),
               ARRAY[e.title] || ARRAY(SELECT t.text FROM translations t WHERE t.entity_type = p_kind AND t.entity_id = e.id AND t.field = 'TITLE' ORDER BY t.language),
               x.texts, x.langs, NULL
          INTO found_row, codes, names, texts, langs, extra
          FROM events e LEFT JOIN venues v ON v.id = e.venue_id,
               LATERAL (SELECT array_agg(s.txt ORDER BY s.ord) AS texts, array_agg(s.lang ORDER BY s.ord) AS langs FROM (
                   SELECT 1 AS ord, e.title AS txt, e.original_language AS lang
                   UNION ALL SELECT 2, e.summary, e.original_language WHERE e.summary IS NOT NULL
                   UNION ALL SELECT 3, e.description, e.original_language WHERE e.description IS NOT NULL
                   UNION ALL SELECT 4, t.text, t.language FROM translations t WHERE t.entity_type = p_kind AND t.entity_id = e.id
                   UNION ALL SELECT 5, v.name, NULL WHERE v.name IS NOT NULL
                   UNION ALL SELECT 6, v.city, NULL WHERE v.city IS NOT NULL) s) x
         WHERE e.id = p_key;
    ELSIF p_kind = 'YOUTH_NETWORK' THEN
        SELECT true, ARRAY_REMOVE(ARRAY[n.country_code::text], NULL),
               ARRAY[n.name] || ARRAY(SELECT t.text FROM translations t WHERE t.entity_type = p_kind AND t.entity_id = n.id AND t.field = 'NAME' ORDER BY t.language),
               x.texts, x.langs, NULL
          INTO found_row, codes, names, texts, langs, extra
          FROM youth_networks n,
               LATERAL (SELECT array_agg(s.txt ORDER BY s.ord) AS texts, array_agg(s.lang ORDER BY s.ord) AS langs FROM (
                   SELECT 1 AS ord, n.name AS txt, n.original_language AS lang
                   UNION ALL SELECT 2, n.description, n.original_language WHERE n.description IS NOT NULL
                   UNION ALL SELECT 4, t.text, t.language FROM translations t WHERE t.entity_type = p_kind AND t.entity_id = n.id) s) x
         WHERE n.id = p_key;
    ELSIF p_kind = 'ORGANIZATION' THEN
        SELECT true, ARRAY_REMOVE(ARRAY[o.country_code::text], NULL), ARRAY[o.name],
               ARRAY_REMOVE(ARRAY[o.name, o.description], NULL),
               CASE WHEN o.description IS NULL THEN ARRAY[NULL::text] ELSE ARRAY[NULL::text, NULL::text] END, o.slug
          INTO found_row, codes, names, texts, langs, extra
          FROM organizations o WHERE o.id = p_key;
    ELSE
        RETURN;
    END IF;
    IF found_row IS NULL THEN
        DELETE FROM search_documents WHERE entity_type = p_kind AND entity_id = p_key;
        RETURN;
    END IF;
    PERFORM search_store(p_kind, p_key, codes, names, texts, langs, extra);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- search_on_row keeps the document of the changed row current; TG_ARGV[0] is its kind. A
-- deleted translatable record takes its translations with it.
CREATE FUNCTION search_on_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM translations WHERE entity_type = TG_ARGV[0] AND entity_id = OLD.id;
        PERFORM search_refresh(TG_ARGV[0], OLD.id);
        RETURN NULL;
    END IF;
    PERFORM search_refresh(TG_ARGV[0], NEW.id);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_on_translation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM search_refresh(OLD.entity_type, OLD.entity_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM search_refresh(NEW.entity_type, NEW.entity_id);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_on_campaign_country() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM search_refresh('CAMPAIGN', OLD.campaign_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM search_refresh('CAMPAIGN', NEW.campaign_id);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION search_on_venue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_refresh('EVENT', e.id) FROM events e WHERE e.venue_id = NEW.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER campaigns_search AFTER INSERT OR DELETE OR UPDATE OF name, summary, description, original_language
    ON campaigns FOR EACH ROW EXECUTE FUNCTION search_on_row('CAMPAIGN');
CREATE TRIGGER events_search AFTER INSERT OR DELETE OR UPDATE OF title, summary, description, venue_id, country_code, original_language
    ON events FOR EACH ROW EXECUTE FUNCTION search_on_row('EVENT');
CREATE TRIGGER youth_networks_search AFTER INSERT OR DELETE OR UPDATE OF name, description, country_code, original_language
    ON youth_networks FOR EACH ROW EXECUTE FUNCTION search_on_row('YOUTH_NETWORK');
CREATE TRIGGER organizations_search AFTER INSERT OR DELETE OR UPDATE OF name, description, country_code, slug
    ON organizations FOR EACH ROW EXECUTE FUNCTION search_on_row('ORGANIZATION');
CREATE TRIGGER indicators_translations AFTER DELETE
    ON indicators FOR EACH ROW EXECUTE FUNCTION search_on_row('INDICATOR');
CREATE TRIGGER translations_search AFTER INSERT OR UPDATE OR DELETE
    ON translations FOR EACH ROW EXECUTE FUNCTION search_on_translation();
CREATE TRIGGER campaign_countries_search AFTER INSERT OR UPDATE OR DELETE
    ON campaign_countries FOR EACH ROW EXECUTE FUNCTION search_on_campaign_country();
CREATE TRIGGER venues_search AFTER UPDATE OF name, city
    ON venues FOR EACH ROW EXECUTE FUNCTION search_on_venue();

-- Documents for the records that exist already.
SELECT search_refresh('CAMPAIGN', id) FROM campaigns;
SELECT search_refresh('EVENT', id) FROM events;
SELECT search_refresh('YOUTH_NETWORK', id) FROM youth_networks;
SELECT search_refresh('ORGANIZATION', id) FROM organizations;

-- +goose StatementBegin
DO $$
BEGIN
    IF show_trgm('ไทย') = '{}' THEN
        RAISE WARNING 'this database''s LC_CTYPE does not class Thai, Khmer, Burmese or Lao letters as letters; search will not find text in those scripts (use C.UTF-8 or a UTF-8 locale)';
    END IF;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER venues_search ON venues;
DROP TRIGGER campaign_countries_search ON campaign_countries;
DROP TRIGGER translations_search ON translations;
DROP TRIGGER indicators_translations ON indicators;
DROP TRIGGER organizations_search ON organizations;
DROP TRIGGER youth_networks_search ON youth_networks;
DROP TRIGGER events_search ON events;
DROP TRIGGER campaigns_search ON campaigns;
DROP FUNCTION search_on_venue();
DROP FUNCTION search_on_campaign_country();
DROP FUNCTION search_on_translation();
DROP FUNCTION search_on_row();
DROP FUNCTION search_refresh(text, bigint);
DROP FUNCTION search_store(text, bigint, text[], text[], text[], text[], text);
DROP TABLE search_words;
DROP TABLE search_documents;
DROP FUNCTION search_norm(text);
DROP TABLE translations;
ALTER TABLE indicators DROP COLUMN original_language;
ALTER TABLE youth_networks DROP COLUMN original_language;
ALTER TABLE events DROP COLUMN original_language;
ALTER TABLE campaigns DROP COLUMN original_language;
