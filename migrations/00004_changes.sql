-- +goose Up
-- Change capture for subscriptions and delta sync. Triggers on the tables the API shows
-- write one row per change into `changes`, inside the writing transaction, and announce it
-- with pg_notify, which PostgreSQL delivers only at COMMIT: a rolled-back write leaves no
-- row and announces nothing. Triggers rather than application code, so that no write path
-- (mutations, seed, bulk loads) can forget to record a change.
--
-- A row holds no personal data: the entity's type, key and what happened to it, and the
-- keys subscribers filter on. Delta sync orders rows by (xid, seq) and reads only rows of
-- transactions below its snapshot's xmin, which have all settled (see store/changes.go):
-- seq alone is not commit order, and neither is a timestamp.
CREATE TABLE changes (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    xid          xid8   NOT NULL DEFAULT pg_current_xact_id(),
    entity_type  text   NOT NULL CHECK (entity_type IN ('Campaign','Event','YouthNetwork',
                 'Organization','Member','EventRegistrations','NetworkMemberships')),
    entity_id    bigint NOT NULL,
    op           text   NOT NULL CHECK (op IN ('CREATED','UPDATED','DELETED','CANCELLED','ERASED')),
    campaign_id  bigint,
    country_code char(2),
    event_id     bigint,
    network_id   bigint,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX changes_xid_idx ON changes (xid, seq);

-- +goose StatementBegin
-- record_change inserts one change and notifies the 'changes' channel with its filter keys.
-- A bulk load sets campaigns.capture to 'quiet' (store.BulkLoad): its changes are recorded
-- for the sync but not announced one by one, which would queue a million notifications;
-- 'off' records nothing, for a session that knows no client will ever need its changes.
CREATE FUNCTION record_change(p_type text, p_id bigint, p_op text, p_campaign bigint,
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

-- +goose StatementBegin
-- capture_change is the trigger behind every captured table: it maps a row change to the
-- entity a client sees change.
CREATE FUNCTION capture_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    op  text := CASE TG_OP WHEN 'INSERT' THEN 'CREATED' WHEN 'UPDATE' THEN 'UPDATED' ELSE 'DELETED' END;
    r   record;
    ev  record;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    CASE TG_TABLE_NAME
    WHEN 'campaigns' THEN
        PERFORM record_change('Campaign', r.id, op, r.id, NULL, NULL, NULL);
    WHEN 'campaign_countries', 'campaign_partners', 'funding_commitments' THEN
        PERFORM record_change('Campaign', r.campaign_id, 'UPDATED', r.campaign_id, NULL, NULL, NULL);
    WHEN 'events' THEN
        IF TG_OP = 'UPDATE' AND NEW.status = 'CANCELLED' AND OLD.status <> 'CANCELLED' THEN
            op := 'CANCELLED';
        END IF;
        PERFORM record_change('Event', r.id, op, r.campaign_id, r.country_code, r.id, NULL);
    WHEN 'event_cohosts' THEN
        SELECT campaign_id, country_code INTO ev FROM events WHERE id = r.event_id;
        PERFORM record_change('Event', r.event_id, 'UPDATED', ev.campaign_id, ev.country_code, r.event_id, NULL);
    WHEN 'registrations' THEN
        IF TG_OP = 'UPDATE' AND NEW.status = OLD.status AND NEW.attended = OLD.attended THEN
            RETURN NULL;
        END IF;
        SELECT campaign_id, country_code INTO ev FROM events WHERE id = r.event_id;
        PERFORM record_change('EventRegistrations', r.event_id, 'UPDATED', ev.campaign_id, ev.country_code, r.event_id, NULL);
    WHEN 'youth_networks' THEN
        PERFORM record_change('YouthNetwork', r.id, op, NULL, r.country_code, NULL, r.id);
    WHEN 'network_coordinators', 'network_channels' THEN
        PERFORM record_change('YouthNetwork', r.network_id, 'UPDATED', NULL, NULL, NULL, r.network_id);
    WHEN 'memberships' THEN
        IF TG_OP = 'UPDATE' AND NEW.left_at IS NOT DISTINCT FROM OLD.left_at THEN
            RETURN NULL;
        END IF;
        PERFORM record_change('NetworkMemberships', r.network_id, 'UPDATED', NULL, NULL, NULL, r.network_id);
    WHEN 'organizations' THEN
        PERFORM record_change('Organization', r.id, op, NULL, r.country_code, NULL, NULL);
    WHEN 'members' THEN
        IF TG_OP = 'UPDATE' AND NEW.erased_at IS NOT NULL AND OLD.erased_at IS NULL THEN
            op := 'ERASED';
        END IF;
        PERFORM record_change('Member', r.id, op, NULL, NULL, NULL, NULL);
    END CASE;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER campaigns_capture AFTER INSERT OR UPDATE OR DELETE ON campaigns FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER campaign_countries_capture AFTER INSERT OR UPDATE OR DELETE ON campaign_countries FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER campaign_partners_capture AFTER INSERT OR UPDATE OR DELETE ON campaign_partners FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER funding_commitments_capture AFTER INSERT OR UPDATE OR DELETE ON funding_commitments FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER events_capture AFTER INSERT OR UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER event_cohosts_capture AFTER INSERT OR UPDATE OR DELETE ON event_cohosts FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER registrations_capture AFTER INSERT OR UPDATE ON registrations FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER youth_networks_capture AFTER INSERT OR UPDATE OR DELETE ON youth_networks FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER network_coordinators_capture AFTER INSERT OR UPDATE OR DELETE ON network_coordinators FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER network_channels_capture AFTER INSERT OR UPDATE OR DELETE ON network_channels FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER memberships_capture AFTER INSERT OR UPDATE ON memberships FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER organizations_capture AFTER INSERT OR UPDATE OR DELETE ON organizations FOR EACH ROW EXECUTE FUNCTION capture_change();
CREATE TRIGGER members_capture AFTER INSERT OR UPDATE ON members FOR EACH ROW EXECUTE FUNCTION capture_change();

-- +goose Down
DROP TRIGGER members_capture ON members;
DROP TRIGGER organizations_capture ON organizations;
DROP TRIGGER memberships_capture ON memberships;
DROP TRIGGER network_channels_capture ON network_channels;
DROP TRIGGER network_coordinators_capture ON network_coordinators;
DROP TRIGGER youth_networks_capture ON youth_networks;
DROP TRIGGER registrations_capture ON registrations;
DROP TRIGGER event_cohosts_capture ON event_cohosts;
DROP TRIGGER events_capture ON events;
DROP TRIGGER funding_commitments_capture ON funding_commitments;
DROP TRIGGER campaign_partners_capture ON campaign_partners;
DROP TRIGGER campaign_countries_capture ON campaign_countries;
DROP TRIGGER campaigns_capture ON campaigns;
DROP FUNCTION capture_change();
DROP FUNCTION record_change(text, bigint, text, bigint, char, bigint, bigint);
DROP TABLE changes;
