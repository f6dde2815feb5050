-- +goose Up
-- A member's changes get an audience too: the organizations that reach the member after the
-- change, which are the one that recorded it and those it is shared with (the rule of
-- store.memberReasonsSQL, whose other reasons only decide what of the member they see).
-- Sharing and withdrawing a share write the member's row (its version), so the change they
-- make carries the audience after them: a former holder whose sync had the member at its
-- token is told once that the member left its sight (HIDDEN), and nothing more after.

-- +goose StatementBegin
-- member_readers: the organizations that reach a member.
CREATE FUNCTION member_readers(p_member bigint) RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(o ORDER BY o), '{}') FROM (
        SELECT organization_id FROM members WHERE id = p_member
        UNION
        SELECT organization_id FROM member_shares WHERE member_id = p_member
    ) AS x(o)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION change_audience(p_type text, p_id bigint, p_op text,
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
    WHEN 'Member' THEN
        orgs := member_readers(p_id);
        gone := NOT EXISTS (SELECT 1 FROM members WHERE id = p_id);
    ELSE
        -- nobody
    END CASE;
END $$;
-- +goose StatementEnd

-- The member changes written before this migration get the audience the member has now.
UPDATE changes c SET audience = member_readers(c.entity_id)
WHERE c.entity_type = 'Member' AND EXISTS (SELECT 1 FROM members m WHERE m.id = c.entity_id);

-- +goose Down
UPDATE changes SET audience = '{}' WHERE entity_type = 'Member';
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION change_audience(p_type text, p_id bigint, p_op text,
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
DROP FUNCTION member_readers(bigint);
