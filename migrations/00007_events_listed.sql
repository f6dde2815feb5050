-- +goose Up
-- What everyone may see of events, kept on the row: an event is listed when it is out of
-- draft, public, and its campaign is out of draft. Without it every anonymous list probed
-- each row's campaign, which made a deep page cost two to three times the first one and kept
-- counts off the indexes (BENCHMARKS.md). Triggers keep it in the writing transaction, for
-- every write path (the store, the seed, the generator's COPY): an event's own row when it is
-- written, and all of a campaign's events when the campaign goes into or out of draft.
ALTER TABLE events ADD COLUMN listed boolean NOT NULL DEFAULT false;

UPDATE events e SET listed = true
WHERE e.status <> 'DRAFT' AND e.visibility = 'PUBLIC'
  AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = e.campaign_id AND c.status <> 'DRAFT');

-- +goose StatementBegin
-- The campaign row is read FOR SHARE: a concurrent change of its status then waits for this
-- write, or this write for it, so that the two cannot miss each other.
CREATE FUNCTION events_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.listed := NEW.status <> 'DRAFT' AND NEW.visibility = 'PUBLIC'
        AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id = NEW.campaign_id AND c.status <> 'DRAFT' FOR SHARE);
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER events_listed BEFORE INSERT OR UPDATE OF status, visibility, campaign_id, listed
    ON events FOR EACH ROW EXECUTE FUNCTION events_listed();

-- +goose StatementBegin
CREATE FUNCTION campaign_events_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE events e SET listed = (e.status <> 'DRAFT' AND e.visibility = 'PUBLIC' AND NEW.status <> 'DRAFT')
    WHERE e.campaign_id = NEW.id
      AND e.listed IS DISTINCT FROM (e.status <> 'DRAFT' AND e.visibility = 'PUBLIC' AND NEW.status <> 'DRAFT');
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER campaign_events_listed AFTER UPDATE OF status ON campaigns FOR EACH ROW
    WHEN ((OLD.status = 'DRAFT') IS DISTINCT FROM (NEW.status = 'DRAFT'))
    EXECUTE FUNCTION campaign_events_listed();

-- The anonymous lists' orders and filters, over listed events only: page 10,000 reads what
-- page 1 reads, and a filtered count is an index-only scan.
CREATE INDEX events_listed_starts_idx ON events (starts_at, id) WHERE listed;
CREATE INDEX events_listed_country_idx ON events (country_code, starts_at, id) WHERE listed;
CREATE INDEX events_listed_campaign_idx ON events (campaign_id, starts_at, id) WHERE listed;

-- +goose Down
DROP TRIGGER campaign_events_listed ON campaigns;
DROP FUNCTION campaign_events_listed();
DROP TRIGGER events_listed ON events;
DROP FUNCTION events_listed();
ALTER TABLE events DROP COLUMN listed;
