package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/relay"
	"campaigns/internal/store"
	"campaigns/models"
)

// countWorld is a world of small counts for the disclosure tests, built around the issue's
// case: campaign P of org-a has an event of 6 confirmed registrations and one of 2, so that
// its total of 8 once gave the 2 away. Campaign Q of org-c has three events (one in another
// year), and campaign R is the stranger org-b's own, with one event whose registrations the
// stranger adds one at a time. A regional network founded at P's first event has a chapter
// founded at P's second (both coordinated by org-a) and one founded at Q's first
// (coordinated by org-c). Every event is public, in Thailand or Myanmar, in 2013 or 2014.
// Capacities are public too: P's events are full (the second with a waitlist of 3), Q's
// second has room for 8 and its third for 1.
type countWorld struct {
	st        *store.Store
	c         *apitest.Client
	keys      map[string]string // EDITOR key by organization slug
	orgs      map[string]int64
	campaigns map[string]*models.Campaign
	events    map[string]*models.Event
	networks  map[string]*models.YouthNetwork
	// truth holds each unit's real count: "reg:p1" (confirmed), "att:p1", "wait:p1", "net:N".
	truth map[string]int
	// strangers counts the stranger's registrations at b1 so far.
	strangers int
}

type countEvent struct {
	key, campaign, organizer, country         string
	at                                        time.Time
	confirmed, attended, waitlisted, capacity int // capacity 0: none
}

type countNetwork struct {
	key, foundedAt, coordinator, parent, scope, country string
	members                                             int
}

func utcDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, time.UTC) }

var (
	countCampaigns = map[string]string{"P": "org-a", "Q": "org-c", "R": "org-b"}
	countEvents    = []countEvent{
		{"p1", "P", "org-a", "TH", utcDay(2013, 1, 10), 6, 4, 0, 6},
		{"p2", "P", "org-a", "TH", utcDay(2013, 2, 10), 2, 0, 3, 2},
		{"q1", "Q", "org-c", "MM", utcDay(2013, 1, 20), 3, 1, 0, 0},
		{"q2", "Q", "org-c", "TH", utcDay(2013, 3, 5), 7, 5, 0, 8},
		{"q3", "Q", "org-c", "MM", utcDay(2014, 5, 1), 1, 0, 0, 1},
		{"b1", "R", "org-b", "TH", utcDay(2013, 2, 20), 0, 0, 0, 0},
	}
	countNetworks = []countNetwork{
		{"N", "p1", "org-a", "", "REGIONAL", "", 7},
		{"N-TH", "p2", "org-a", "N", "NATIONAL", "TH", 2},
		{"N-MM", "q1", "org-c", "N", "NATIONAL", "MM", 3},
	}
)

func newCountWorld(t *testing.T) *countWorld {
	t.Helper()
	st := dbtest.New(t)
	w := &countWorld{st: st, keys: map[string]string{}, orgs: map[string]int64{}, campaigns: map[string]*models.Campaign{},
		events: map[string]*models.Event{}, networks: map[string]*models.YouthNetwork{}, truth: map[string]int{}}
	ctx := context.Background()
	for _, slug := range []string{"org-a", "org-b", "org-c"} {
		w.keys[slug] = apitest.Key(t, st, slug, "EDITOR")
		o, err := st.OrganizationBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		w.orgs[slug] = o.ID
	}
	s := func(v string) *string { return &v }
	_, err := st.SeedOnce(ctx, "count-world", func(wr *store.Writer) error {
		venues := map[string]*models.Venue{}
		for _, c := range []*models.Country{
			{Code: "TH", Name: "Thailand", AliasList: models.StringList{}}, {Code: "MM", Name: "Myanmar", AliasList: models.StringList{"Burma"}},
		} {
			v := &models.Venue{Name: "Hall in " + c.Name, CountryCode: c.Code}
			if err := wr.Insert(c, v); err != nil {
				return err
			}
			venues[c.Code] = v
		}
		for _, key := range []string{"P", "Q", "R"} {
			owner := w.orgs[countCampaigns[key]]
			c := &models.Campaign{Slug: "campaign-" + strings.ToLower(key), Name: "Campaign " + key, Status: "ACTIVE", OwnerID: &owner, StartPrecision: "DAY", EndPrecision: "DAY"}
			if err := wr.Insert(c); err != nil {
				return err
			}
			w.campaigns[key] = c
		}
		for _, ce := range countEvents {
			v := venues[ce.country]
			e := &models.Event{CampaignID: w.campaigns[ce.campaign].ID, Title: ce.key, Kind: "OUTREACH", Status: "SCHEDULED", Visibility: "PUBLIC",
				StartBound: ce.at, DatePrecision: "MINUTE", TimeZone: s("UTC"), OrganizerID: w.orgs[ce.organizer], VenueID: &v.ID, CountryCode: &v.CountryCode}
			if ce.capacity > 0 {
				c := int32(ce.capacity)
				e.Capacity, e.WaitlistEnabled = &c, true
			}
			if err := wr.Insert(e); err != nil {
				return fmt.Errorf("event %s: %w", ce.key, err)
			}
			w.events[ce.key] = e
			for i := range ce.confirmed + ce.waitlisted {
				r := &models.Registration{EventID: e.ID, Status: "CONFIRMED", Attended: i < ce.attended}
				if i >= ce.confirmed {
					r.Status = "WAITLISTED"
				}
				if err := w.member(wr, ce.organizer, &r.MemberID); err != nil {
					return err
				}
				if err := wr.Insert(r); err != nil {
					return err
				}
			}
			w.truth["reg:"+ce.key], w.truth["att:"+ce.key], w.truth["wait:"+ce.key] = ce.confirmed, ce.attended, ce.waitlisted
		}
		for _, cn := range countNetworks {
			n := &models.YouthNetwork{Slug: "network-" + strings.ToLower(cn.key), Name: "Network " + cn.key, Scope: cn.scope, FoundedAtID: &w.events[cn.foundedAt].ID}
			if cn.country != "" {
				n.CountryCode = s(cn.country)
			}
			if cn.parent != "" {
				n.ParentID = &w.networks[cn.parent].ID
			}
			if err := wr.Insert(n); err != nil {
				return err
			}
			if err := wr.Insert(&models.NetworkCoordinator{NetworkID: n.ID, OrganizationID: w.orgs[cn.coordinator]}); err != nil {
				return err
			}
			w.networks[cn.key] = n
			for range cn.members {
				ms := &models.Membership{NetworkID: n.ID, JoinedAt: utcDay(2013, 1, 1)}
				if err := w.member(wr, cn.coordinator, &ms.MemberID); err != nil {
					return err
				}
				if err := wr.Insert(ms); err != nil {
					return err
				}
			}
			w.truth["net:"+cn.key] = cn.members
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.c = apitest.New(st)
	return w
}

// member records a member of the organization and sets *id to it.
func (w *countWorld) member(wr *store.Writer, org string, id *int64) error {
	m := &models.Member{AgeBand: "AGE_16_17", OrganizationID: w.orgs[org]}
	if err := wr.Insert(m); err != nil {
		return err
	}
	*id = m.ID
	return nil
}

// addStrangerRegistration registers one more of the stranger's own members at its own
// event b1: the stranger knows exactly how many there are.
func (w *countWorld) addStrangerRegistration(t *testing.T) {
	t.Helper()
	w.strangers++
	_, err := w.st.SeedOnce(context.Background(), fmt.Sprintf("stranger-%d", w.strangers), func(wr *store.Writer) error {
		r := &models.Registration{EventID: w.events["b1"].ID, Status: "CONFIRMED"}
		if err := w.member(wr, "org-b", &r.MemberID); err != nil {
			return err
		}
		return wr.Insert(r)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// countAggregate is a reach figure the tests read: a filter (or a campaign's own reach) and
// the events it covers.
type countAggregate struct {
	name     string
	filter   map[string]any
	campaign string // read Campaign.reach of this campaign instead of reach(filter:)
	events   []string
}

// aggregates lists every total the tests read: all events, each campaign (by filter and by
// Campaign.reach), each country, each year, each month of 2013, each organizer, a country
// within a campaign, a country within a month, and each event alone through a one-minute
// window.
func (w *countWorld) aggregates() []countAggregate {
	win := func(from, to time.Time) map[string]any {
		return map[string]any{"startsAfter": from.Format(time.RFC3339), "startsBefore": to.Format(time.RFC3339)}
	}
	month := func(y int, m time.Month) map[string]any {
		return win(utcDay(y, m, 1).Truncate(24*time.Hour), utcDay(y, m+1, 1).Truncate(24*time.Hour))
	}
	year := func(y int) map[string]any {
		return win(utcDay(y, 1, 1).Truncate(24*time.Hour), utcDay(y+1, 1, 1).Truncate(24*time.Hour))
	}
	with := func(f map[string]any, k string, v any) map[string]any {
		out := map[string]any{k: v}
		for k, v := range f {
			out[k] = v
		}
		return out
	}
	id := func(c string) string { return w.campaigns[c].GlobalID() }
	org := func(slug string) string { return relay.EncodeInt(relay.TypeOrganization, w.orgs[slug]) }
	out := []countAggregate{
		{name: "all", events: []string{"p1", "p2", "q1", "q2", "q3", "b1"}},
		{name: "campaign P", filter: map[string]any{"campaign": id("P")}, events: []string{"p1", "p2"}},
		{name: "campaign Q", filter: map[string]any{"campaign": id("Q")}, events: []string{"q1", "q2", "q3"}},
		{name: "campaign R", filter: map[string]any{"campaign": id("R")}, events: []string{"b1"}},
		{name: "P.reach", campaign: "P", events: []string{"p1", "p2"}},
		{name: "Q.reach", campaign: "Q", events: []string{"q1", "q2", "q3"}},
		{name: "R.reach", campaign: "R", events: []string{"b1"}},
		{name: "Thailand", filter: map[string]any{"country": "TH"}, events: []string{"p1", "p2", "q2", "b1"}},
		{name: "Burma", filter: map[string]any{"country": "Burma"}, events: []string{"q1", "q3"}},
		{name: "2013", filter: year(2013), events: []string{"p1", "p2", "q1", "q2", "b1"}},
		{name: "2014", filter: year(2014), events: []string{"q3"}},
		{name: "2013-01", filter: month(2013, 1), events: []string{"p1", "q1"}},
		{name: "2013-02", filter: month(2013, 2), events: []string{"p2", "b1"}},
		{name: "2013-03", filter: month(2013, 3), events: []string{"q2"}},
		{name: "org-a", filter: map[string]any{"organizer": org("org-a")}, events: []string{"p1", "p2"}},
		{name: "org-c", filter: map[string]any{"organizer": org("org-c")}, events: []string{"q1", "q2", "q3"}},
		{name: "org-b", filter: map[string]any{"organizer": org("org-b")}, events: []string{"b1"}},
		{name: "Q in Burma", filter: map[string]any{"campaign": id("Q"), "country": "MM"}, events: []string{"q1", "q3"}},
		{name: "Thailand 2013-02", filter: with(month(2013, 2), "country", "TH"), events: []string{"p2", "b1"}},
	}
	for _, ce := range countEvents {
		out = append(out, countAggregate{name: "window " + ce.key, filter: win(ce.at, ce.at.Add(time.Minute)), events: []string{ce.key}})
	}
	return out
}

// networksFounded returns the networks founded at the events.
func networksFounded(events []string) []string {
	var out []string
	for _, n := range countNetworks {
		for _, e := range events {
			if n.foundedAt == e {
				out = append(out, n.key)
			}
		}
	}
	return out
}
