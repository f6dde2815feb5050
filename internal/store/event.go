package store

import (
	"context"
	"fmt"
	"time"

	"campaigns/internal/clock"
	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/internal/validate"
	"campaigns/models"
)

// eventCols are the columns of an event in the order eventScan reads them, followed by those
// of its venue, the venue's country and its organizer, which eventJoins brings in: a list
// shows an event with them nearly always, and reading them in the event's own statement
// spares a statement per level and, in gqlgen, a resolver per field and item.
const eventCols = `e.id, e.campaign_id, e.title, e.summary, e.description, e.kind, e.status, e.starts_at,
	e.ends_at, e.date_precision, e.date_qualifier, e.time_zone, e.venue_id, e.country_code, e.online_url,
	e.capacity, e.registration_enabled, e.registration_opens_at, e.registration_closes_at,
	e.waitlist_enabled, e.visibility, e.organizer_id, e.attendance, e.media_reach, e.source, e.version,
	e.created_at, e.updated_at, e.listed, e.original_language, e.start_key, e.start_latest, e.over_at,
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
// countries. Each event is stamped with the request's time (clock.Now), which its displayed
// status is judged at.
type eventScan struct {
	related relatedScan
	now     time.Time
}

func (s *eventScan) bind(ctx context.Context) { s.now = clock.Now(ctx) }

func newEventScan() any { return new(eventScan) }

// dest gives the destinations of eventCols. Events are the hot read (a campaign list reads
// 200 of them); GORM's reflective scan was 15% of the server's CPU.
func (s *eventScan) dest(e *models.Event) []any {
	return append([]any{&e.ID, &e.CampaignID, &e.Title, &e.Summary, &e.Description, &e.Kind, &e.Status,
		&e.StartBound, &e.EndBound, &e.DatePrecision, &e.DateQualifier, &e.TimeZone, &e.VenueID, &e.CountryCode,
		&e.OnlineURL, &e.Capacity, &e.RegistrationEnabled, &e.RegistrationOpensAt, &e.RegistrationClosesAt,
		&e.WaitlistEnabled, &e.Visibility, &e.OrganizerID, &e.Attendance, &e.Reach, &e.Source, &e.Version,
		&e.CreatedAt, &e.UpdatedAt, &e.Listed, &e.OriginalLanguage, &e.StartKey, &e.StartLatest, &e.OverAt}, s.related.dest()...)
}

// done attaches the venue and organizer of the row just scanned.
func (s *eventScan) done(e *models.Event) error {
	var err error
	e.Venue, err = s.related.venue()
	e.Organizer = s.related.organization()
	e.AsOf = s.now
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
		"STARTS_AT":  {expr: "e.start_key", cast: "timestamptz", kind: kindTime},
		"TITLE":      {expr: "e.title", cast: "text", kind: kindText},
		"CREATED_AT": {expr: "e.created_at", cast: "timestamptz", kind: kindTime},
	},
}

// EventFilter narrows a list of events; zero fields do not narrow.
//
// Dates match at the precision the event is known to: an event's start is a period (an
// instant when it is exact; a day, a month or a year otherwise, narrowed to a third by a
// qualifier), and a window keeps every event whose start period overlaps it. So
// StartsAfter 2012-12-01 keeps the concert of "December 2012", and StartsAfter 2012-11-20 the
// Youth Session of "late November 2012".
type EventFilter struct {
	// Viewer is the caller's organization, which also sees its own drafts and partner-only
	// events; 0 for anonymous.
	Viewer     int64
	CampaignID int64
	Kinds      []string
	// Statuses match the displayed status (models.Event.DisplayStatus) at the request's time.
	Statuses    []string
	CountryCode string
	OrganizerID int64
	// StartsAfter keeps the events whose start can be at or after it; StartsBefore, those
	// whose start can be before it.
	StartsAfter  *time.Time
	StartsBefore *time.Time
	// StartsOnOrAfter and StartsOnOrBefore are calendar days (at midnight UTC, as
	// models.PartialDate holds them), read in each event's own time zone: the first and the
	// last day the start period must reach.
	StartsOnOrAfter  *time.Time
	StartsOnOrBefore *time.Time
	// Upcoming, when set, keeps the events whose start can still be to come at the request's
	// time (true), or those that have surely started (false).
	Upcoming *bool

	// now is the request's time (clock.Now), set by each store method from its context.
	now time.Time
}

// LocalDates sets f's local-date window from a filter's startsOnOrAfter, startsOnOrBefore
// and startsDuring (each nil when not given): the first day of onOrAfter, the last of
// onOrBefore, both of during, the narrower bound winning. Each date must fall in the window
// every stored date does (validate.DateWindow), and the window must leave a day; otherwise
// the error is ErrInvalid, in words a partner can act on.
func (f *EventFilter) LocalDates(onOrAfter, onOrBefore, during *models.PartialDate) error {
	for _, d := range []struct {
		name string
		date *models.PartialDate
	}{{"startsOnOrAfter", onOrAfter}, {"startsOnOrBefore", onOrBefore}, {"startsDuring", during}} {
		if d.date != nil && (d.date.Date.Before(validate.EarliestDate) || !d.date.Date.Before(validate.AfterLatestDate)) {
			return problem.Wrap(ErrInvalid, "%s must be %s; got %s", d.name, validate.DateWindow, d.date)
		}
	}
	later := func(t time.Time) {
		if f.StartsOnOrAfter == nil || t.After(*f.StartsOnOrAfter) {
			f.StartsOnOrAfter = &t
		}
	}
	earlier := func(t time.Time) {
		if f.StartsOnOrBefore == nil || t.Before(*f.StartsOnOrBefore) {
			f.StartsOnOrBefore = &t
		}
	}
	lastDay := func(d models.PartialDate) time.Time {
		_, after := models.LocalPeriod(d, nil)
		return after.AddDate(0, 0, -1)
	}
	if onOrAfter != nil {
		later(onOrAfter.Date)
	}
	if onOrBefore != nil {
		earlier(lastDay(*onOrBefore))
	}
	if during != nil {
		later(during.Date)
		earlier(lastDay(*during))
	}
	if from, to := f.StartsOnOrAfter, f.StartsOnOrBefore; from != nil && to != nil && to.Before(*from) {
		return problem.Wrap(ErrInvalid, "the local dates leave no day: startsOnOrBefore (or startsDuring) ends on %s, before %s",
			to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	return nil
}

// at returns f judged at the time of ctx.
func (f EventFilter) at(ctx context.Context) EventFilter {
	f.now = clock.Now(ctx)
	return f
}

// instant returns f's time, or the present for a filter no store method has set.
func (f EventFilter) instant() time.Time {
	if f.now.IsZero() {
		return time.Now()
	}
	return f.now
}

// Bounds of the local-date filters. A local midnight lies between 14 hours before and 12
// hours after UTC's in every zone today; a margin of an hour more either way keeps the bound
// safe for the historical offsets within the 1900-2200 window, and the exact test in the
// event's own zone does the rest.
const (
	zoneAhead  = 15 * time.Hour
	zoneBehind = 15 * time.Hour
	// longestStart is more than the longest start period (a year and a zone's offset): an
	// event whose start can be at or after X has start_key above X - longestStart.
	longestStart = 368 * 24 * time.Hour
)

// localDay formats a calendar day as a local timestamp for SQL (timestamp without time zone).
func localDay(d time.Time) string { return d.Format("2006-01-02T15:04:05") }

// lowest returns the latest of the instants f's start periods must reach, if f has any: the
// lower end of the index range that a list under f reads.
func (f EventFilter) lowest() (time.Time, bool) {
	var lo time.Time
	var ok bool
	raise := func(t time.Time) {
		if !ok || t.After(lo) {
			lo, ok = t, true
		}
	}
	if f.StartsAfter != nil {
		raise(*f.StartsAfter)
	}
	if f.StartsOnOrAfter != nil {
		raise(f.StartsOnOrAfter.Add(-zoneAhead))
	}
	if f.Upcoming != nil && *f.Upcoming {
		raise(f.instant())
	}
	return lo, ok
}

// conds are the conditions of f, for a statement that reads the events table itself.
func (f EventFilter) conds() []cond { return f.where(false) }

// where makes f's conditions. A branched list (list) leaves out those that its branches
// imply, "the start can be at or after X" for each lower bound X, so that a count can read
// the ordering index alone.
func (f EventFilter) where(branched bool) []cond {
	cs := []cond{visibleTo(eventPublic, eventVisible, f.Viewer)}
	if f.CampaignID != 0 {
		cs = append(cs, cond{"e.campaign_id = ?", []any{f.CampaignID}})
	}
	if len(f.Kinds) > 0 {
		cs = append(cs, cond{"e.kind = ANY(?::text[])", []any{models.StringList(f.Kinds)}})
	}
	if len(f.Statuses) > 0 {
		cs = append(cs, cond{"(CASE WHEN e.status = 'SCHEDULED' AND e.over_at <= ? THEN 'COMPLETED' ELSE e.status END) = ANY(?::text[])",
			[]any{f.instant(), models.StringList(f.Statuses)}})
	}
	if f.CountryCode != "" {
		cs = append(cs, cond{"e.country_code = ?", []any{f.CountryCode}})
	}
	if f.OrganizerID != 0 {
		cs = append(cs, cond{"e.organizer_id = ?", []any{f.OrganizerID}})
	}
	if f.StartsAfter != nil && !branched {
		cs = append(cs, cond{"e.start_latest >= ?", []any{*f.StartsAfter}})
	}
	if f.StartsBefore != nil {
		cs = append(cs, cond{"e.start_key < ?", []any{*f.StartsBefore}})
	}
	if d := f.StartsOnOrAfter; d != nil {
		if !branched {
			cs = append(cs, cond{"e.start_latest >= ?", []any{d.Add(-zoneAhead)}})
		}
		cs = append(cs, cond{"(e.start_latest AT TIME ZONE coalesce(e.time_zone, 'UTC')) >= ?::timestamp", []any{localDay(*d)}})
	}
	if d := f.StartsOnOrBefore; d != nil {
		next := d.AddDate(0, 0, 1)
		cs = append(cs, cond{"e.start_key < ?", []any{next.Add(zoneBehind)}},
			cond{"(e.start_key AT TIME ZONE coalesce(e.time_zone, 'UTC')) < ?::timestamp", []any{localDay(next)}})
	}
	if f.Upcoming != nil {
		now := f.instant()
		if *f.Upcoming {
			if !branched {
				cs = append(cs, cond{"e.start_latest >= ?", []any{now}})
			}
		} else {
			cs = append(cs, cond{"e.start_latest < ?", []any{now}}, cond{"e.start_key < ?", []any{now}})
		}
	}
	if lo, ok := f.lowest(); ok && !branched {
		// Implied by the conditions above, and what lets a statement that reads the table
		// itself (an export, the near-me list) start its index range a year before lo at
		// worst, rather than at the first event ever.
		cs = append(cs, cond{"e.start_key > ?", []any{lo.Add(-longestStart)}})
	}
	return cs
}

// list returns the list of events as f reads it. Where f bounds the start from below (a
// window's start, upcoming), the events matching are those whose start_key is past the bound,
// one index range in the list's order, and the few whose start period straddles the bound
// ("December 2012" for a window from 10 December), found by the period index: the list
// reads the two apart and merges them (listSpec.branches), rather than every event of the
// year before the bound, or every event after it.
func (f EventFilter) list(l listSpec) (listSpec, []cond) {
	lo, ok := f.lowest()
	if !ok {
		return l, f.where(false)
	}
	l.branches = []cond{
		{"e.start_key >= ?", []any{lo}},
		{"e.start_key < ? AND e.date_precision <> 'MINUTE' AND tstzrange(e.start_key, e.start_latest, '[]') @> ?::timestamptz", []any{lo, lo}},
	}
	return l, f.where(true)
}

// Events returns a page of the published events that match f.
func (s *Store) Events(ctx context.Context, f EventFilter, o Order, req page.Request) (page.Page[*models.Event], error) {
	l, conds := f.at(ctx).list(eventList)
	p, err := listPage[models.Event](ctx, s.db, l, conds, o, req)
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
	l, conds := f.at(ctx).list(eventList)
	n, err := listCount(ctx, s.db, l, conds, limit)
	if err != nil {
		return 0, fmt.Errorf("count events up to %d: %w", limit, err)
	}
	return n, nil
}

// EventPages returns, in one statement, a page of events for each parent key.
func (s *Store) EventPages(ctx context.Context, by Parent, keys []string, f EventFilter, o Order, req page.Request) (map[string]page.Page[*models.Event], error) {
	l, conds := f.at(ctx).list(eventList)
	out, err := listPages[models.Event](ctx, s.db, l, by, keys, conds, o, req)
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
	l, conds := f.at(ctx).list(eventList)
	out, err := listCounts(ctx, s.db, l, by, keys, conds, limit)
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

// EventCoHostsSQL is EventCoHosts' statement, of an array of event IDs; exported for
// cmd/loadtest's floor.
const EventCoHostsSQL = `SELECT ` + organizationCols + `, ec.event_id FROM event_cohosts ec
		JOIN organizations eo ON eo.id = ec.organization_id WHERE ec.event_id = ANY(?::bigint[]) ORDER BY eo.name, eo.id`

// EventCoHosts returns the co-hosting organizations of each event, by name.
func (s *Store) EventCoHosts(ctx context.Context, ids []int64) (map[int64][]*models.Organization, error) {
	out, err := organizationsOf(ctx, s.db, EventCoHostsSQL, ids)
	if err != nil {
		return nil, fmt.Errorf("co-hosts of %d events: %w", len(ids), translate(err))
	}
	return out, nil
}
