-- +goose Up
-- An organization named as an event's co-host becomes one only once it accepts: until then
-- the naming is an invitation, kept here and nowhere the event is read. event_cohosts keeps
-- only co-hosts that accepted (or were loaded by the seed and the generator, which speak for
-- both sides), so every read of co-hosts (the event's coHosts, who may read a draft or
-- partner-only event, who may edit it, the change feed) sees accepted co-hosts alone.
-- An invitation stays after it is answered, as the record of the answer; inviting again
-- reopens it.
CREATE TABLE cohost_invitations (
    event_id        bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    organization_id bigint      NOT NULL REFERENCES organizations (id),
    -- Whether the co-host may edit the event once it accepts.
    can_edit        boolean     NOT NULL DEFAULT false,
    status          text        NOT NULL DEFAULT 'PENDING'
        CHECK (status IN ('PENDING', 'ACCEPTED', 'DECLINED', 'WITHDRAWN')),
    invited_by      bigint      NOT NULL REFERENCES organizations (id),
    invited_at      timestamptz NOT NULL DEFAULT now(),
    answered_at     timestamptz,
    PRIMARY KEY (event_id, organization_id),
    CHECK ((status = 'PENDING') = (answered_at IS NULL))
);
-- An organization's pending invitations, newest first.
CREATE INDEX cohost_invitations_pending_idx ON cohost_invitations (organization_id, invited_at DESC, event_id)
    WHERE status = 'PENDING';

-- Co-hosts that createEvent named before this migration never accepted: they become pending
-- invitations from the event's organizer. createEvent's audit entry lists them; the seed's
-- and the generator's co-hosts have none and stay.
INSERT INTO cohost_invitations (event_id, organization_id, can_edit, invited_by, invited_at)
SELECT ec.event_id, ec.organization_id, ec.can_edit, e.organizer_id, min(a.at)
FROM audit_log a
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(a.after -> 'CoHosts') = 'array' THEN a.after -> 'CoHosts' ELSE '[]'::jsonb END) h
JOIN event_cohosts ec ON ec.event_id = (h ->> 'EventID')::bigint AND ec.organization_id = (h ->> 'OrganizationID')::bigint
JOIN events e ON e.id = ec.event_id
WHERE a.action = 'createEvent'
GROUP BY ec.event_id, ec.organization_id, ec.can_edit, e.organizer_id;

DELETE FROM event_cohosts ec
USING cohost_invitations i
WHERE i.event_id = ec.event_id AND i.organization_id = ec.organization_id AND i.status = 'PENDING';

-- +goose Down
INSERT INTO event_cohosts (event_id, organization_id, can_edit)
SELECT event_id, organization_id, can_edit FROM cohost_invitations WHERE status = 'PENDING'
ON CONFLICT DO NOTHING;
DROP TABLE cohost_invitations;
