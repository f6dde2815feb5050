-- +goose Up
-- Who may read an entity after each change, kept on the change row, so that subscriptions
-- and the delta sync tell a caller only of records it can read, and announce a record that
-- leaves its sight (HIDDEN, DELETED) only to callers who could read it before.
--
-- audience_all is true when everyone, anonymous callers included, may read the entity after
-- the change; otherwise audience lists the organizations that may. The rules are those of
-- the read paths (store.campaignVisible, store.eventVisible, graph/visibility.go): a campaign
-- out of draft is everyone's, a draft its owner's and partners'; a listed event (out of
-- draft, public, in a campaign out of draft) is everyone's, any other event its organizer's,
-- co-hosts', and its campaign owner's and partners'; organizations and youth networks are
-- everyone's. A deleted entity is nobody's. Members have no audience here (nobody): the rule
-- of who reads a member is applied by the API when it reads the member now, and a member is
-- never announced to a caller who cannot read it now.
--
-- An audience may change without the entity's own row being written: a campaign's partners
-- and owner decide who reads its unlisted events. A trigger below writes an Event change for
-- each of them, so that "the audience after the latest change at or before a position" is
-- always who could read the entity at that position (store.Changes relies on it).
--
-- record_change keeps its signature, so that triggers of other migrations that call it get
-- the audience too; capture_change is left as it is.
ALTER TABLE changes
    ADD COLUMN audience_all boolean  NOT NULL DEFAULT false,
    ADD COLUMN audience     bigint[] NOT NULL DEFAULT '{}';

-- The latest change of an entity at or before a position, for the delta sync.
CREATE INDEX changes_entity_idx ON changes (entity_type, entity_id, xid, seq);

-- +goose StatementBegin
-- campaign_readers: the organizations that read a campaign in draft, and every event of it
-- that is not listed: its owner and partners.
CREATE FUNCTION campaign_readers(p_campaign bigint) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(o ORDER BY o), '{}') FROM (
        SELECT owner_id FROM campaigns WHERE id = p_campaign AND owner_id IS NOT NULL
        UNION
        SELECT organization_id FROM campaign_partners WHERE campaign_id = p_campaign
    ) AS x(o)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- event_readers: the organizations that read an event that is not listed: its organizer,
-- its co-hosts, and its campaign's owner and partners.
CREATE FUNCTION event_readers(p_event bigint) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(o ORDER BY o), '{}') FROM (
        SELECT organizer_id FROM events WHERE id = p_event
        UNION
        SELECT organization_id FROM event_cohosts WHERE event_id = p_event
        UNION
        SELECT unnest(campaign_readers(campaign_id)) FROM events WHERE id = p_event
    ) AS x(o)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- change_audience: who may read the entity now, that is after the change being recorded;
-- gone when the entity no longer exists.
CREATE FUNCTION change_audience(p_type text, p_id bigint, p_op text,
                                OUT everyone boolean, OUT orgs bigint[], OUT gone boolean)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    everyone := false;
    orgs := '{}';
    gone := p_op = 'DELETED';
    IF gone THEN
        RETURN;
    END IF;
    CASE p_type
    WHEN 'Campaign' THEN
        SELECT status <> 'DRAFT' INTO everyone FROM campaigns WHERE id = p_id;
        IF everyone IS NULL THEN
            everyone := false;
            gone := true;
        ELSIF NOT everyone THEN
            orgs := campaign_readers(p_id);
        END IF;
    WHEN 'Event', 'EventRegistrations' THEN
        SELECT listed INTO everyone FROM events WHERE id = p_id;
        IF everyone IS NULL THEN
            everyone := false;
            gone := true;
        ELSIF NOT everyone THEN
            orgs := event_readers(p_id);
        END IF;
    WHEN 'YouthNetwork', 'NetworkMemberships' THEN
        everyone := EXISTS (SELECT 1 FROM youth_networks WHERE id = p_id);
        gone := NOT everyone;
    WHEN 'Organization' THEN
        everyone := EXISTS (SELECT 1 FROM organizations WHERE id = p_id);
        gone := NOT everyone;
    ELSE
        -- Member: nobody (see the top of this file).
    END CASE;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- record_change, as in migration 00004, with the audience on the row and in the notice.
-- The notice carries at most 200 organizations, which keeps it far below pg_notify's 8000
-- bytes; with more it says "m" (many) and each subscriber's server reads the entity to decide.
-- A change of an entity that no longer exists is not recorded: deleting an event deletes its
-- co-hosts first, whose triggers would otherwise announce the event's change before its
-- deletion, and the deletion says all there is to say.
CREATE OR REPLACE FUNCTION record_change(p_type text, p_id bigint, p_op text, p_campaign bigint,
                                         p_country char(2), p_event bigint, p_network bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s        bigint;
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
    INSERT INTO changes (entity_type, entity_id, op, campaign_id, country_code, event_id, network_id,
                         audience_all, audience)
    VALUES (p_type, p_id, p_op, p_campaign, p_country, p_event, p_network, everyone, orgs)
    RETURNING seq INTO s;
    IF current_setting('campaigns.capture', true) = 'quiet' THEN
        RETURN;
    END IF;
    PERFORM pg_notify('changes', json_build_object('s', s, 't', p_type, 'i', p_id, 'o', p_op,
        'c', p_campaign, 'k', p_country, 'e', p_event, 'n', p_network,
        'v', everyone, 'r', CASE WHEN cardinality(orgs) <= 200 THEN orgs END,
        'm', cardinality(orgs) > 200)::text);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- campaign_readers_changed records an Event change for every unlisted event of a campaign
-- whose owner or partners changed: they decide who reads those events.
CREATE FUNCTION campaign_readers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    ev  record;
BEGIN
    IF TG_TABLE_NAME = 'campaigns' THEN
        ids := ARRAY[NEW.id];
    ELSIF TG_OP = 'INSERT' THEN
        ids := ARRAY[NEW.campaign_id];
    ELSIF TG_OP = 'DELETE' THEN
        ids := ARRAY[OLD.campaign_id];
    ELSE
        ids := ARRAY[OLD.campaign_id, NEW.campaign_id];
    END IF;
    FOR ev IN SELECT id, campaign_id, country_code FROM events
              WHERE campaign_id = ANY (ids) AND NOT listed ORDER BY id LOOP
        PERFORM record_change('Event', ev.id, 'UPDATED', ev.campaign_id, ev.country_code, ev.id, NULL);
    END LOOP;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER campaign_partners_readers AFTER INSERT OR DELETE OR UPDATE OF campaign_id, organization_id
    ON campaign_partners FOR EACH ROW EXECUTE FUNCTION campaign_readers_changed();
CREATE TRIGGER campaigns_owner_readers AFTER UPDATE OF owner_id ON campaigns FOR EACH ROW
    WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id) EXECUTE FUNCTION campaign_readers_changed();

-- The rows written before this migration get the audience their entity has now: the best
-- that is known of it. Rows of entities deleted since keep nobody, so that no tombstone
-- goes out on a guess.
UPDATE changes SET audience_all = true
WHERE entity_type IN ('Organization', 'YouthNetwork', 'NetworkMemberships') AND op <> 'DELETED';
UPDATE changes c SET audience_all = cp.status <> 'DRAFT',
    audience = CASE WHEN cp.status = 'DRAFT' THEN campaign_readers(cp.id) ELSE '{}' END
FROM campaigns cp
WHERE c.entity_type = 'Campaign' AND c.entity_id = cp.id AND c.op <> 'DELETED';
UPDATE changes c SET audience_all = e.listed,
    audience = CASE WHEN e.listed THEN '{}' ELSE event_readers(e.id) END
FROM events e
WHERE c.entity_type IN ('Event', 'EventRegistrations') AND c.entity_id = e.id AND c.op <> 'DELETED';

-- +goose Down
DROP TRIGGER campaigns_owner_readers ON campaigns;
DROP TRIGGER campaign_partners_readers ON campaign_partners;
DROP FUNCTION campaign_readers_changed();
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION record_change(p_type text, p_id bigint, p_op text, p_campaign bigint,
                                         p_country char(2), p_event bigint, p_network bigint)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    s bigint;
BEGIN
    IF current_setting('campaigns.capture', true) = 'off' THEN
        RETURN;
    END IF;
    INSERT INTO changes (entity_type, entity_id, op, campaign_id, country_code, event_id, network_id)
    VALUES (p_type, p_id, p_op, p_campaign, p_country, p_event, p_network)
    RETURNING seq INTO s;
    IF current_setting('campaigns.capture', true) = 'quiet' THEN
        RETURN;
    END IF;
    PERFORM pg_notify('changes', json_build_object('s', s, 't', p_type, 'i', p_id, 'o', p_op,
        'c', p_campaign, 'k', p_country, 'e', p_event, 'n', p_network)::text);
END $$;
-- +goose StatementEnd
DROP FUNCTION change_audience(text, bigint, text);
DROP FUNCTION event_readers(bigint);
DROP FUNCTION campaign_readers(bigint);
DROP INDEX changes_entity_idx;
ALTER TABLE changes DROP COLUMN audience, DROP COLUMN audience_all;
