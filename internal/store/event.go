package store

import (
	"context"
	"fmt"
	"time"

	"campaigns/internal/page"
	"campaigns/models"
)

// eventPublic is what everyone sees: events out of draft, public, in a campaign out of
// draft. The events.listed column holds exactly that, kept by triggers (migration 00007),
// so that the anonymous lists read the partial indexes on listed events without probing
// each row's campaign.
const eventPublic = `e.listed`

// eventVisible adds, for a caller's organization, its drafts and partner-only events: those
// it organizes or co-hosts, or whose campaign it owns or partners.
const eventVisible = `(` + eventPublic + `)
	OR e.organizer_id = @org
	OR EXISTS (SELECT 1 FROM event_cohosts vh WHERE vh.event_id = e.id AND vh.organization_id = @org)
	OR EXISTS (SELECT 1 FROM campaigns vc WHERE vc.id = e.campaign_id AND vc.owner_id = @org)
	OR EXISTS (SELECT 1 FROM campaign_partners vp WHERE vp.campaign_id = e.campaign_id AND vp.organization_id = @org)`

// eventCols are the columns of an event in the order eventScan reads them, followed by those
// of its venue, the venue's country and its organizer, which eventJoins brings in: a list
// shows an event with them nearly always, and reading them in the event's own statement
// spares a statement per level and, in gqlgen, a resolver per field and item.
const eventCols = `e.id, e.campaign_id, e.title, e.summary, e.description, e.kind, e.status, e.starts_at,
	e.ends_at, e.date_precision, e.date_qualifier, e.time_zone, e.venue_id, e.country_code, e.online_url,
	e.capacity, e.registration_enabled, e.registration_opens_at, e.registration_closes_at,
	e.waitlist_enabled, e.visibility, e.organizer_id, e.attendance, e.media_reach, e.source, e.version,
	e.created_at, e.updated_at, e.listed, e.original_language,
	` + venueCols + `, ` + countryCols + `, ` + organizationCols

// eventJoins brings in what eventCols reads besides the event. Left joins on primary keys:
// they add no row and drop none.
const eventJoins = ` LEFT JOIN venues ev ON ev.id = e.venue_id
	LEFT JOIN countries evc ON evc.code = ev.country_code
	LEFT JOIN organizations eo ON eo.id = e.organizer_id`

// The columns of a venue, a country and an organization joined to another record, in the
// order relatedScan reads them; the aliases are those of eventJoins.
const (
	venueCols        = `ev.id, ev.name, ev.city, ev.country_code, ev.latitude, ev.longitude, ev.address, ev.address_private, ev.source, ev.created_at`
	countryCols      = `evc.code, evc.name, evc.aliases::text, evc.asean_member, evc.created_at, evc.updated_at`
	organizationCols = `eo.id, eo.slug, eo.name, eo.kind, eo.country_code, eo.website, eo.description, eo.source, eo.created_at, eo.updated_at`
)

// eventScan reads rows of eventCols (a rowScan). The records joined to the events of one
// statement are made once each and shared: a page's events have few organizers and fewer
// countries.
type eventScan struct{ related relatedScan }

func newEventScan() any { return new(eventScan) }

// dest gives the destinations of eventCols. Events are the hot read (a campaign list reads
// 200 of them); GORM's reflective scan was 15% of the server's CPU.
func (s *eventScan) dest(e *models.Event) []any {
	return append([]any{&e.ID, &e.CampaignID, &e.Title, &e.Summary, &e.Description, &e.Kind, &e.Status,
		&e.StartBound, &e.EndBound, &e.DatePrecision, &e.DateQualifier, &e.TimeZone, &e.VenueID, &e.CountryCode,
		&e.OnlineURL, &e.Capacity, &e.RegistrationEnabled, &e.RegistrationOpensAt, &e.RegistrationClosesAt,
		&e.WaitlistEnabled, &e.Visibility, &e.OrganizerID, &e.Attendance, &e.Reach, &e.Source, &e.Version,
		&e.CreatedAt, &e.UpdatedAt, &e.Listed, &e.OriginalLanguage}, s.related.dest()...)
}

// done attaches the venue and organizer of the row just scanned.
func (s *eventScan) done(e *models.Event) error {
	var err error
	e.Venue, err = s.related.venue()
	e.Organizer = s.related.organization()
	return err
}

var eventList = listSpec{
	name:  ListEvents,
	from:  "events e",
	cols:  eventCols,
	joins: eventJoins,
	scan:  newEventScan,
	tie:   sortKey{expr: "e.id", cast: "bigint", kind: kindInt},
	orders: map[string]sortKey{
		"STARTS_AT":  {expr: "e.starts_at", cast: "timestamptz", kind: kindTime},
		"TITLE":      {expr: "e.title", cast: "text", kind: kindText},
		"CREATED_AT": {expr: "e.created_at", cast: "timestamptz", kind: kindTime},
	},
}

// The ways events hang off a parent in a nested connection.
const (
	// EventsOfCampaign are a campaign's events; keys are campaign IDs.
	EventsOfCampaign = Parent("e.campaign_id = par.key::bigint")
	// EventsOfOrganizer are the events an organization organizes; keys are organization IDs.
	EventsOfOrganizer = Parent("e.organizer_id = par.key::bigint")
	// EventsInCountry are the events held in a country; keys are ISO codes.
	EventsInCountry = Parent("e.country_code = par.key")
)

// EventFilter narrows a list of events; zero fields do not narrow.
type EventFilter struct {
	// Viewer is the caller's organization, which also sees its own drafts and partner-only
	// events; 0 for anonymous.
	Viewer       int64
	CampaignID   int64
	Kinds        []string
	Statuses     []string
	CountryCode  string
	OrganizerID  int64
	StartsAfter  *time.Time
	StartsBefore *time.Time
}

func (f EventFilter) conds() []cond {
	cs := []cond{visibleTo(eventPublic, eventVisible, f.Viewer)}
	if f.CampaignID != 0 {
		cs = append(cs, cond{"e.campaign_id = ?", []any{f.CampaignID}})
	}
	if len(f.Kinds) > 0 {
		cs = append(cs, cond{"e.kind = ANY(?::text[])", []any{models.StringList(f.Kinds)}})
	}
	if len(f.Statuses) > 0 {
		cs = append(cs, cond{"e.status = ANY(?::text[])", []any{models.StringList(f.Statuses)}})
	}
	if f.CountryCode != "" {
		cs = append(cs, cond{"e.country_code = ?", []any{f.CountryCode}})
	}
	if f.OrganizerID != 0 {
		cs = append(cs, cond{"e.organizer_id = ?", []any{f.OrganizerID}})
	}
	if f.StartsAfter != nil {
		cs = append(cs, cond{"e.starts_at >= ?", []any{*f.StartsAfter}})
	}
	if f.StartsBefore != nil {
		cs = append(cs, cond{"e.starts_at < ?", []any{*f.StartsBefore}})
	}
	return cs
}

// Events returns a page of the published events that match f.
func (s *Store) Events(ctx context.Context, f EventFilter, o Order, req page.Request) (page.Page[*models.Event], error) {
	p, err := listPage[models.Event](ctx, s.db, eventList, f.conds(), o, req)
	if err != nil {
		return p, fmt.Errorf("events: %w", err)
	}
	return p, nil
}

// CountEvents counts the published events that match f.
func (s *Store) CountEvents(ctx context.Context, f EventFilter) (int, error) {
	return s.CountEventsUpTo(ctx, f, 0)
}

// CountEventsUpTo counts the published events that match f, stopping at limit (0: no limit).
func (s *Store) CountEventsUpTo(ctx context.Context, f EventFilter, limit int) (int, error) {
	n, err := listCount(ctx, s.db, eventList, f.conds(), limit)
	if err != nil {
		return 0, fmt.Errorf("count events up to %d: %w", limit, err)
	}
	return n, nil
}

// EventPages returns, in one statement, a page of events for each parent key.
func (s *Store) EventPages(ctx context.Context, by Parent, keys []string, f EventFilter, o Order, req page.Request) (map[string]page.Page[*models.Event], error) {
	out, err := listPages[models.Event](ctx, s.db, eventList, by, keys, f.conds(), o, req)
	if err != nil {
		return nil, fmt.Errorf("event pages of %d parents: %w", len(keys), err)
	}
	return out, nil
}

// CountEventPages counts, in one statement, the events under each parent key.
func (s *Store) CountEventPages(ctx context.Context, by Parent, keys []string, f EventFilter) (map[string]int, error) {
	return s.CountEventPagesUpTo(ctx, by, keys, f, 0)
}

// CountEventPagesUpTo counts, in one statement, the events under each parent key, each
// stopping at limit (0: no limit).
func (s *Store) CountEventPagesUpTo(ctx context.Context, by Parent, keys []string, f EventFilter, limit int) (map[string]int, error) {
	out, err := listCounts(ctx, s.db, eventList, by, keys, f.conds(), limit)
	if err != nil {
		return nil, fmt.Errorf("count event pages of %d parents up to %d: %w", len(keys), limit, err)
	}
	return out, nil
}

// EventsByID returns the events with the given IDs, drafts included.
func (s *Store) EventsByID(ctx context.Context, ids []int64) (map[int64]*models.Event, error) {
	evs, err := scanAll[models.Event](ctx, s.db, new(eventScan), "SELECT "+eventCols+" FROM events e"+eventJoins+" WHERE e.id = ANY(?::bigint[])", idList(ids))
	if err != nil {
		return nil, fmt.Errorf("events by id: %w", translate(err))
	}
	return keyed(evs, func(e *models.Event) int64 { return e.ID }), nil
}

// VenuesByID returns the venues with the given IDs, each with its country, with which a
// venue is nearly always shown: the country level of a query then costs no statement of
// its own.
func (s *Store) VenuesByID(ctx context.Context, ids []int64) (map[int64]*models.Venue, error) {
	var r relatedScan
	out, err := relatedByKey(ctx, s.db, `SELECT `+venueCols+`, `+countryCols+`
		FROM venues ev JOIN countries evc ON evc.code = ev.country_code WHERE ev.id = ANY(?::bigint[])`, idList(ids),
		append(r.venueDest(), r.countryDest()...), r.venue, func(v *models.Venue) int64 { return v.ID })
	if err != nil {
		return nil, fmt.Errorf("venues by id: %w", translate(err))
	}
	return out, nil
}

// EventCoHosts returns the co-hosting organizations of each event, by name.
func (s *Store) EventCoHosts(ctx context.Context, ids []int64) (map[int64][]*models.Organization, error) {
	out, err := organizationsOf(ctx, s.db, `SELECT `+organizationCols+`, ec.event_id FROM event_cohosts ec
		JOIN organizations eo ON eo.id = ec.organization_id WHERE ec.event_id = ANY(?::bigint[]) ORDER BY eo.name, eo.id`, ids)
	if err != nil {
		return nil, fmt.Errorf("co-hosts of %d events: %w", len(ids), translate(err))
	}
	return out, nil
}
