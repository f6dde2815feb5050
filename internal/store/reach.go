package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"campaigns/internal/clock"
	"campaigns/internal/disclosure"
	"campaigns/models"
)

// ReachGroup is the figures of the events that share a kind, status, country or year.
type ReachGroup struct {
	Key        string
	Events     int
	Attendance *float64
	MediaReach *float64
}

// Reach is what a set of events adds up to. Registrations, Attended and NetworkMembers are
// drawn from members, so they come as parts, one per event or network, split into the
// viewer's own and everyone else's: the caller publishes them by the rule of
// package disclosure, which needs no more than that.
type Reach struct {
	Events                      int
	ByKind, ByStatus, ByCountry []ReachGroup
	ByYear                      []ReachGroup
	Attendance, MediaReach      *float64
	// Registrations and Attended have a part per event, the viewer's own where it organizes
	// the event: its confirmed registrations, and those of them marked attended, each at
	// most the event's capacity.
	Registrations, Attended disclosure.Parts
	// NetworkMembers has a part per youth network the events founded, the viewer's own where
	// it coordinates the network: its members now.
	NetworkMembers disclosure.Parts
}

// reachSQL is one statement for every figure of Reach, for each parent key par: GROUPING
// SETS gives the totals and the four breakdowns in one pass over the events, and a second
// part counts the registrations of the same events by joining them, so that the cost follows
// the registrations there are rather than a lookup per event. The year is the event's own,
// in its time zone, so an event on New Year's Eve in Yangon counts in the year it took place
// there. A third part counts the members, now, of the youth networks these events founded;
// it finds the viewer's coordination by a join, since an EXISTS there raised the estimate
// over jit_optimize_above_cost and cost about a second of JIT compiling at 200,000 events.
//
// Counts of people come per event and per network, with whether the viewer owns each and
// the capacity that bounds it, and then as how many parts have each (own, count, capacity)
// (rows with g = groupParts, %[3]d): what travels is bounded by the distinct counts rather
// than by the events. The filter (%[2]s) appears in all three parts, with its arguments
// thrice, the request's time before the first (the status each event shows) and the
// viewer's organization before the second and third; par is grouped by its
// position (1), since PostgreSQL takes no constant such as an empty string in GROUP BY.
const reachSQL = `WITH agg AS (
	SELECT %[1]s AS par, e.kind, shown.status, e.country_code,
		extract(year FROM e.starts_at AT TIME ZONE coalesce(e.time_zone, 'UTC'))::int AS year,
		GROUPING(e.kind, shown.status, e.country_code, extract(year FROM e.starts_at AT TIME ZONE coalesce(e.time_zone, 'UTC'))::int) AS g,
		count(*) AS events, sum(e.attendance)::float8 AS attendance, sum(e.media_reach)::float8 AS media_reach
	FROM events e CROSS JOIN LATERAL (SELECT CASE WHEN e.status = 'SCHEDULED' AND e.over_at <= ? THEN 'COMPLETED' ELSE e.status END AS status) shown
	WHERE %[2]s
	GROUP BY GROUPING SETS ((1), (1, e.kind), (1, shown.status), (1, e.country_code),
		(1, extract(year FROM e.starts_at AT TIME ZONE coalesce(e.time_zone, 'UTC'))::int))),
reg AS (
	SELECT %[1]s AS par, e.organizer_id = ? AS own, coalesce(e.capacity, 0) AS most,
		count(*) FILTER (WHERE r.status = 'CONFIRMED') AS registrations,
		count(*) FILTER (WHERE r.status = 'CONFIRMED' AND r.attended) AS attended
	FROM registrations r JOIN events e ON e.id = r.event_id WHERE %[2]s GROUP BY e.id),
net AS (
	SELECT %[1]s AS par, c.network_id IS NOT NULL AS own, count(*) AS members
	FROM memberships m JOIN youth_networks n ON n.id = m.network_id JOIN events e ON e.id = n.founded_at_id
		LEFT JOIN network_coordinators c ON c.network_id = n.id AND c.organization_id = ?
	WHERE m.left_at IS NULL AND %[2]s GROUP BY n.id, e.id, c.network_id),
parts AS (
	SELECT par, 'registrations' AS measure, own, registrations AS n, most, count(*) AS parts FROM reg GROUP BY 1, 3, 4, 5
	UNION ALL SELECT par, 'attended', own, attended, most, count(*) FROM reg GROUP BY 1, 3, 4, 5
	UNION ALL SELECT par, 'networkMembers', own, members, 0, count(*) FROM net GROUP BY 1, 3, 4)
SELECT agg.par, coalesce(agg.kind, agg.status, agg.country_code, agg.year::text, '') AS key, agg.g, agg.events,
	agg.attendance, agg.media_reach, false AS own, 0 AS n, 0 AS most, 0 AS parts
FROM agg
UNION ALL
SELECT par, measure, %[3]d, 0, NULL, NULL, own, n, most, parts FROM parts`

// The GROUPING bits of each set of reachSQL: a set leaves its own column out of the mask.
// groupParts, beyond every mask, marks a row of parts.
const (
	groupTotal   = 0b1111
	groupKind    = 0b0111
	groupStatus  = 0b1011
	groupCountry = 0b1101
	groupYear    = 0b1110
	groupParts   = 0b10000
)

// reachRow is a row of reachSQL: a group of events, or for g = groupParts how many parts of
// the measure named by Key, own or not, count N people out of at most Most (an event's
// capacity, 0 for none).
type reachRow struct {
	Par        string
	Key        string
	G          int
	Events     int
	Attendance *float64
	MediaReach *float64
	Own        bool
	N          int
	Most       int
	Parts      int
}

// reach runs reachSQL with the parent expression par and returns the figures per parent.
func (s *Store) reach(ctx context.Context, par string, viewer int64, conds []cond) (map[string]*Reach, error) {
	w, args := where(conds)
	// The statuses are those shown at the request's time (models.Event.DisplayStatus).
	all := slices.Concat([]any{clock.Now(ctx)}, args, []any{viewer}, args, []any{viewer}, args)
	var rows []reachRow
	if err := s.reads(ctx).Raw(fmt.Sprintf(reachSQL, par, w, groupParts), all...).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := map[string]*Reach{}
	for _, r := range rows {
		rc := out[r.Par]
		if rc == nil {
			rc = &Reach{}
			out[r.Par] = rc
		}
		g := ReachGroup{Key: r.Key, Events: r.Events, Attendance: r.Attendance, MediaReach: r.MediaReach}
		switch r.G {
		case groupTotal:
			rc.Events, rc.Attendance, rc.MediaReach = r.Events, r.Attendance, r.MediaReach
		case groupParts:
			rc.addParts(r)
		case groupKind:
			rc.ByKind = append(rc.ByKind, g)
		case groupStatus:
			rc.ByStatus = append(rc.ByStatus, g)
		case groupCountry:
			if g.Key != "" { // online events held nowhere
				rc.ByCountry = append(rc.ByCountry, g)
			}
		case groupYear:
			rc.ByYear = append(rc.ByYear, g)
		}
	}
	for _, rc := range out {
		for _, gs := range [][]ReachGroup{rc.ByKind, rc.ByStatus, rc.ByCountry} {
			slices.SortFunc(gs, func(a, b ReachGroup) int {
				if a.Events != b.Events {
					return b.Events - a.Events
				}
				return compareStrings(a.Key, b.Key)
			})
		}
		slices.SortFunc(rc.ByYear, func(a, b ReachGroup) int { return compareStrings(a.Key, b.Key) })
	}
	return out, nil
}

// addParts adds a row of parts to the measure it names.
func (rc *Reach) addParts(r reachRow) {
	p := map[string]*disclosure.Parts{"registrations": &rc.Registrations, "attended": &rc.Attended, "networkMembers": &rc.NetworkMembers}[r.Key]
	for range r.Parts {
		p.AddAtMost(r.N, r.Most, r.Own)
	}
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ReachOf adds up the events the caller (f.Viewer) can see that match f.
func (s *Store) ReachOf(ctx context.Context, f EventFilter) (*Reach, error) {
	out, err := s.reach(ctx, "''", f.Viewer, f.at(ctx).conds())
	if err != nil {
		return nil, fmt.Errorf("reach of events: %w", err)
	}
	if rc := out[""]; rc != nil {
		return rc, nil
	}
	return &Reach{}, nil
}

// CampaignReach adds up, in one statement, the events of each campaign that viewer (an
// organization, 0 for anonymous) can see.
func (s *Store) CampaignReach(ctx context.Context, viewer int64, ids []int64) (map[int64]*Reach, error) {
	conds := append(EventFilter{Viewer: viewer}.conds(), cond{"e.campaign_id = ANY(?::bigint[])", []any{idList(ids)}})
	byPar, err := s.reach(ctx, "e.campaign_id::text", viewer, conds)
	if err != nil {
		return nil, fmt.Errorf("reach of %d campaigns: %w", len(ids), err)
	}
	out := make(map[int64]*Reach, len(ids))
	for _, id := range ids {
		if rc := byPar[strconv.FormatInt(id, 10)]; rc != nil {
			out[id] = rc
		} else {
			out[id] = &Reach{}
		}
	}
	return out, nil
}

// Results returns the results of each campaign, in the order they were recorded.
func (s *Store) Results(ctx context.Context, campaignIDs []int64) (map[int64][]*models.Result, error) {
	var rows []*models.Result
	if err := s.db.WithContext(ctx).Where("campaign_id = ANY(?::bigint[])", idList(campaignIDs)).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("results of %d campaigns: %w", len(campaignIDs), translate(err))
	}
	return groupBy(campaignIDs, rows, func(r *models.Result) int64 { return r.CampaignID }), nil
}

// ResultsByID returns the results with the given IDs.
func (s *Store) ResultsByID(ctx context.Context, ids []int64) (map[int64]*models.Result, error) {
	return byIDs(ctx, s.db, "results", ids, func(r *models.Result) int64 { return r.ID })
}

// ResultIndicators returns the indicators of each result, in the order they were recorded.
func (s *Store) ResultIndicators(ctx context.Context, resultIDs []int64) (map[int64][]*models.Indicator, error) {
	var rows []*models.Indicator
	if err := s.db.WithContext(ctx).Where("result_id = ANY(?::bigint[])", idList(resultIDs)).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("indicators of %d results: %w", len(resultIDs), translate(err))
	}
	return groupBy(resultIDs, rows, func(r *models.Indicator) int64 { return *r.ResultID }), nil
}

// IndicatorBreakdowns returns the breakdowns of each period: targets first, then by
// country, sex and age band.
func (s *Store) IndicatorBreakdowns(ctx context.Context, periodIDs []int64) (map[int64][]*models.IndicatorBreakdown, error) {
	var rows []*models.IndicatorBreakdown
	err := s.db.WithContext(ctx).Where("period_id = ANY(?::bigint[])", idList(periodIDs)).
		Order("kind DESC, country_code NULLS FIRST, sex NULLS FIRST, age_band NULLS FIRST, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("breakdowns of %d periods: %w", len(periodIDs), translate(err))
	}
	return groupBy(periodIDs, rows, func(r *models.IndicatorBreakdown) int64 { return r.PeriodID }), nil
}
