-- +goose Up
-- A delta sync narrowed to a campaign or a country (issue 14): a field app in Myanmar pulls
-- the changes of Myanmar, not of every campaign. The filtered read is an index range scan
-- over the change rows that carry the filter's key (campaign_id, country_code), so every
-- change a scoped client needs must carry that key when it is written, and a record that
-- moves out of a scope must leave a row in the scope it left:
--
--   - a youth network's row carries the network's country, whichever table changed it
--     (its coordinators, channels and memberships did not say);
--   - a campaign has many countries, so a transaction that changes a campaign also records
--     it once in each country the campaign has when it commits: rows for the sync only,
--     never announced (the subscriptions' notice is the campaign's one row, as before);
--   - when an event changes campaign or country, a campaign loses a country, or a network
--     or organization changes country, a row with the keys it had says it left them
--     (left_campaign, left_country): a client syncing that scope is told once that the
--     record is gone from it (HIDDEN), if it could read the record in that scope at its
--     token, and nothing else;
--   - a campaign that is deleted leaves a DELETED row in each of its countries.
--
-- Rows of the sync only go in with the audience of the change (change_audience), as
-- record_change would give them, and honour campaigns.capture = 'off'.
ALTER TABLE changes
    ADD COLUMN left_campaign boolean NOT NULL DEFAULT false,
    ADD COLUMN left_country  boolean NOT NULL DEFAULT false;

-- The scoped reads: the changes of one campaign, or of one country, in log order.
CREATE INDEX changes_campaign_idx ON changes (campaign_id, xid, seq) WHERE campaign_id IS NOT NULL;
CREATE INDEX changes_country_idx ON changes (country_code, xid, seq) WHERE country_code IS NOT NULL;

-- +goose StatementBegin
-- record_scope_change records a change for the sync only (no notice): a record as seen in
-- one scope, or leaving it. A change of a record that no longer exists is not recorded,
-- except its deletion, as in record_change.
CREATE FUNCTION record_scope_change(p_type text, p_id bigint, p_op text, p_campaign bigint,
                                    p_country char(2), p_left_campaign boolean, p_left_country boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    everyone boolean;
    orgs     bigint[];
    gone     boolean;
BEGIN
    IF current_setting('campaigns.capture', true) = 'off' THEN
        RETURN;
    END IF;
    SELECT a.everyone, a.orgs, a.gone INTO everyone, orgs, gone FROM change_audience(p_type, p_id, p_op) AS a;
    IF gone AND p_op <> 'DELETED' THEN
        RETURN;
    END IF;
    INSERT INTO changes (entity_type, entity_id, op, campaign_id, country_code, left_campaign, left_country,
                         audience_all, audience)
    VALUES (p_type, p_id, p_op, p_campaign, p_country, p_left_campaign, p_left_country, everyone, orgs);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- change_network_country gives a youth network's change the network's country.
CREATE FUNCTION change_network_country() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.country_code := (SELECT country_code FROM youth_networks WHERE id = NEW.entity_id);
    RETURN NEW;
END $$;
-- +goose StatementEnd

CREATE TRIGGER changes_network_country BEFORE INSERT ON changes FOR EACH ROW
    WHEN (NEW.country_code IS NULL AND NEW.entity_type IN ('YouthNetwork', 'NetworkMemberships'))
    EXECUTE FUNCTION change_network_country();

-- +goose StatementBegin
-- change_campaign_countries records a campaign's change once more in each country it has
-- when the transaction commits (a deferred trigger): once per campaign and transaction, with
-- the op of its first change and the audience it has then. At commit, so that a campaign
-- written with its countries in any order is recorded the same way, in the countries it
-- ends with (those it loses are told by capture_scope_left).
CREATE FUNCTION change_campaign_countries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    everyone boolean;
    orgs     bigint[];
    gone     boolean;
BEGIN
    IF EXISTS (SELECT 1 FROM changes WHERE entity_type = 'Campaign' AND entity_id = NEW.entity_id
               AND xid = NEW.xid AND seq > NEW.seq AND country_code IS NOT NULL AND NOT left_country) THEN
        RETURN NULL; -- an earlier change of the campaign in this transaction did it
    END IF;
    SELECT a.everyone, a.orgs, a.gone INTO everyone, orgs, gone FROM change_audience('Campaign', NEW.entity_id, NEW.op) AS a;
    IF gone THEN
        RETURN NULL; -- deleted: capture_campaign_deleted told its countries
    END IF;
    INSERT INTO changes (entity_type, entity_id, op, campaign_id, country_code, audience_all, audience)
    SELECT 'Campaign', NEW.entity_id, NEW.op, NEW.campaign_id, cc.country_code, everyone, orgs
    FROM campaign_countries cc WHERE cc.campaign_id = NEW.entity_id ORDER BY cc.country_code;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER changes_campaign_countries AFTER INSERT ON changes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.entity_type = 'Campaign' AND NEW.country_code IS NULL)
    EXECUTE FUNCTION change_campaign_countries();

-- +goose StatementBegin
-- capture_scope_left records that a record left a campaign or a country, under the keys
-- it had. It runs beside capture_change, which records the change under the new keys; an
-- event's row takes the op capture_change gives it.
CREATE FUNCTION capture_scope_left() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    op text := 'UPDATED';
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'events' THEN
        IF NEW.status = 'CANCELLED' AND OLD.status <> 'CANCELLED' THEN
            op := 'CANCELLED';
        END IF;
        PERFORM record_scope_change('Event', OLD.id, op, OLD.campaign_id, OLD.country_code,
            OLD.campaign_id IS DISTINCT FROM NEW.campaign_id, OLD.country_code IS DISTINCT FROM NEW.country_code);
    WHEN 'campaign_countries' THEN
        PERFORM record_scope_change('Campaign', OLD.campaign_id, 'UPDATED', OLD.campaign_id, OLD.country_code,
            false, true);
    WHEN 'youth_networks' THEN
        PERFORM record_scope_change('YouthNetwork', OLD.id, 'UPDATED', NULL, OLD.country_code, false, true);
    WHEN 'organizations' THEN
        PERFORM record_scope_change('Organization', OLD.id, 'UPDATED', NULL, OLD.country_code, false, true);
    END CASE;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER events_scope_left AFTER UPDATE OF campaign_id, country_code ON events FOR EACH ROW
    WHEN (OLD.campaign_id IS DISTINCT FROM NEW.campaign_id OR OLD.country_code IS DISTINCT FROM NEW.country_code)
    EXECUTE FUNCTION capture_scope_left();
CREATE TRIGGER campaign_countries_scope_left AFTER DELETE ON campaign_countries FOR EACH ROW
    EXECUTE FUNCTION capture_scope_left();
CREATE TRIGGER campaign_countries_scope_moved AFTER UPDATE OF campaign_id, country_code ON campaign_countries FOR EACH ROW
    WHEN (OLD.campaign_id IS DISTINCT FROM NEW.campaign_id OR OLD.country_code IS DISTINCT FROM NEW.country_code)
    EXECUTE FUNCTION capture_scope_left();
CREATE TRIGGER youth_networks_scope_left AFTER UPDATE OF country_code ON youth_networks FOR EACH ROW
    WHEN (OLD.country_code IS DISTINCT FROM NEW.country_code AND OLD.country_code IS NOT NULL)
    EXECUTE FUNCTION capture_scope_left();
CREATE TRIGGER organizations_scope_left AFTER UPDATE OF country_code ON organizations FOR EACH ROW
    WHEN (OLD.country_code IS DISTINCT FROM NEW.country_code AND OLD.country_code IS NOT NULL)
    EXECUTE FUNCTION capture_scope_left();

-- +goose StatementBegin
-- capture_campaign_deleted records a campaign's deletion in each of its countries, before
-- the deletion takes its countries with it.
CREATE FUNCTION capture_campaign_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k char(2);
BEGIN
    FOR k IN SELECT country_code FROM campaign_countries WHERE campaign_id = OLD.id ORDER BY country_code LOOP
        PERFORM record_scope_change('Campaign', OLD.id, 'DELETED', OLD.id, k, false, false);
    END LOOP;
    RETURN OLD;
END $$;
-- +goose StatementEnd

CREATE TRIGGER campaigns_deleted_in_countries BEFORE DELETE ON campaigns FOR EACH ROW
    EXECUTE FUNCTION capture_campaign_deleted();

-- The log written before this migration: network rows get their network's country, and
-- each campaign is recorded once in each of its countries, so that a scoped sync started
-- after this migration finds every campaign of its country. (Those rows are new changes
-- to a client that syncs without a filter too: its next sync brings every campaign once.)
UPDATE changes c SET country_code = n.country_code
FROM youth_networks n
WHERE c.entity_type IN ('YouthNetwork', 'NetworkMemberships') AND c.country_code IS NULL
  AND c.entity_id = n.id AND n.country_code IS NOT NULL;
INSERT INTO changes (entity_type, entity_id, op, campaign_id, country_code, audience_all, audience)
SELECT 'Campaign', cc.campaign_id, 'UPDATED', cc.campaign_id, cc.country_code, a.everyone, a.orgs
FROM campaign_countries cc CROSS JOIN LATERAL change_audience('Campaign', cc.campaign_id, 'UPDATED') AS a
ORDER BY cc.campaign_id, cc.country_code;

-- +goose Down
DROP TRIGGER campaigns_deleted_in_countries ON campaigns;
DROP FUNCTION capture_campaign_deleted();
DROP TRIGGER organizations_scope_left ON organizations;
DROP TRIGGER youth_networks_scope_left ON youth_networks;
DROP TRIGGER campaign_countries_scope_moved ON campaign_countries;
DROP TRIGGER campaign_countries_scope_left ON campaign_countries;
DROP TRIGGER events_scope_left ON events;
DROP FUNCTION capture_scope_left();
DROP TRIGGER changes_campaign_countries ON changes;
DROP FUNCTION change_campaign_countries();
DROP TRIGGER changes_network_country ON changes;
DROP FUNCTION change_network_country();
DROP FUNCTION record_scope_change(text, bigint, text, bigint, char, boolean, boolean);
DELETE FROM changes WHERE left_campaign OR left_country OR entity_type = 'Campaign' AND country_code IS NOT NULL;
DROP INDEX changes_country_idx;
DROP INDEX changes_campaign_idx;
ALTER TABLE changes DROP COLUMN left_country, DROP COLUMN left_campaign;
