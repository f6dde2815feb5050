package api_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const nearQuery = `query ($lat: Float!, $lng: Float!, $km: Float!, $first: Int, $after: String, $filter: EventFilter) {
  eventsNear(latitude: $lat, longitude: $lng, radiusKm: $km, first: $first, after: $after, filter: $filter) {
    totalCount nodes { title } pageInfo { hasNextPage endCursor }
  }
}`

type nearPage struct {
	EventsNear struct {
		TotalCount int
		Nodes      []struct{ Title string }
		PageInfo   struct {
			HasNextPage bool
			EndCursor   string
		}
	}
}

func (p nearPage) titles() []string {
	var out []string
	for _, n := range p.EventsNear.Nodes {
		out = append(out, n.Title)
	}
	return out
}

// TestEventsNear checks the distance's edges (a venue 10.02 km away is out at 10 km and in
// at 10.1 km), the order (soonest first), paging, the filter, and that drafts, partner-only
// events and venues without coordinates are left out as in every list.
func TestEventsNear(t *testing.T) {
	t.Parallel()
	w := newReachWorld(t)
	near := func(key string, km float64, extra map[string]any) nearPage {
		t.Helper()
		vars := map[string]any{"lat": bkkLat, "lng": bkkLng, "km": km}
		for k, v := range extra {
			vars[k] = v
		}
		c := w.c
		if key != "" {
			c = c.As(key)
		}
		var p nearPage
		c.Query(t, nearQuery, vars).MustData(t, &p)
		return p
	}
	for _, tc := range []struct {
		name string
		key  string
		km   float64
		want []string
	}{
		{"centre only", "", 1, []string{"centre-early", "centre-late"}},
		{"just short of 10.02 km", "", 10, []string{"centre-early", "centre-late"}},
		{"just past 10.02 km", "", 10.1, []string{"centre-early", "north10", "centre-late"}},
		{"thirty km", "", 30.1, []string{"centre-early", "north30", "north10", "centre-late"}},
		{"Yangon is 570 km away", "", 500, []string{"centre-early", "north30", "north10", "centre-late"}},
		{"the owner sees its partner-only event and drafts", w.owner, 1,
			[]string{"centre-early", "centre-partners", "centre-draft-campaign", "centre-draft", "centre-late"}},
		{"another organization sees what the public does", w.other, 1, []string{"centre-early", "centre-late"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := near(tc.key, tc.km, nil)
			if diff := cmp.Diff(tc.want, p.titles()); diff != "" {
				t.Errorf("titles (-want +got):\n%s", diff)
			}
			if p.EventsNear.TotalCount != len(tc.want) {
				t.Errorf("totalCount = %d, want %d", p.EventsNear.TotalCount, len(tc.want))
			}
		})
	}

	t.Run("pages follow on", func(t *testing.T) {
		var got []string
		var after any
		for range 5 {
			p := near("", 30.1, map[string]any{"first": 1, "after": after})
			got = append(got, p.titles()...)
			if !p.EventsNear.PageInfo.HasNextPage {
				break
			}
			after = p.EventsNear.PageInfo.EndCursor
		}
		if diff := cmp.Diff([]string{"centre-early", "north30", "north10", "centre-late"}, got); diff != "" {
			t.Errorf("titles over pages (-want +got):\n%s", diff)
		}
	})

	t.Run("filter", func(t *testing.T) {
		p := near("", 30.1, map[string]any{"filter": map[string]any{"kind": []string{"CONCERT"}, "startsAfter": "2013-01-01T00:00:00Z"}})
		if diff := cmp.Diff([]string{"centre-late"}, p.titles()); diff != "" {
			t.Errorf("titles (-want +got):\n%s", diff)
		}
	})

	t.Run("a cursor of the events list is refused", func(t *testing.T) {
		var list struct {
			Events struct{ PageInfo struct{ EndCursor string } }
		}
		w.c.Query(t, `{ events(first: 1) { pageInfo { endCursor } } }`, nil).MustData(t, &list)
		res := w.c.Query(t, nearQuery, map[string]any{"lat": bkkLat, "lng": bkkLng, "km": 5, "after": list.Events.PageInfo.EndCursor})
		if code := res.ErrorCode(t); code != "BAD_USER_INPUT" {
			t.Errorf("code = %s, want BAD_USER_INPUT", code)
		}
	})

	for _, bad := range []map[string]any{
		{"lat": 90.5, "lng": 0, "km": 5},
		{"lat": -91, "lng": 0, "km": 5},
		{"lat": 0, "lng": 180.5, "km": 5},
		{"lat": 0, "lng": -181, "km": 5},
		{"lat": 0, "lng": 0, "km": 0},
		{"lat": 0, "lng": 0, "km": -3},
		{"lat": 0, "lng": 0, "km": 501},
	} {
		res := w.c.Query(t, nearQuery, bad)
		if code := res.ErrorCode(t); code != "BAD_USER_INPUT" {
			t.Errorf("%v: code = %s, want BAD_USER_INPUT", bad, code)
		}
	}
}

const reachQuery = `query ($filter: EventFilter) {
  reach(filter: $filter) { ...R }
  campaign(slug: "public") { reach { ...R } }
}
fragment R on Reach {
  events attendance mediaReach
  byKind { key events } byStatus { key events } byCountry { key events attendance } byYear { key events }
  registrations { value suppressed label } attended { value suppressed label }
  networkMembers { value suppressed label }
}`

type reachFigures struct {
	Events                 int
	Attendance, MediaReach *float64
	ByKind, ByStatus       []group
	ByCountry, ByYear      []group
	Registrations          count
	Attended               count
	NetworkMembers         count
}

type group struct {
	Key        string
	Events     int
	Attendance *float64
}

type count struct {
	Value      *int
	Suppressed bool
	Label      string
}

// TestReachFigures checks the aggregates against the world's events as each caller sees
// them, the year counted in the event's own zone, and that counts of registered members
// are rounded to base 5 (1 to 4 withheld) for all but the organizer of every event counted.
func TestReachFigures(t *testing.T) {
	t.Parallel()
	w := newReachWorld(t)
	w.register(t, "centre-early", 6, true)
	w.register(t, "north10", 3, false)
	w.foundNetwork(t, "centre-early", 5)
	w.foundNetwork(t, "north10", 2)
	read := func(key string, filter map[string]any) (reachFigures, reachFigures) {
		t.Helper()
		c := w.c
		if key != "" {
			c = c.As(key)
		}
		var out struct {
			Reach    reachFigures
			Campaign struct{ Reach reachFigures }
		}
		c.Query(t, reachQuery, map[string]any{"filter": filter}).MustData(t, &out)
		return out.Reach, out.Campaign.Reach
	}
	f := func(v float64) *float64 { return &v }
	n := func(v int) *int { return &v }

	all, campaign := read("", nil)
	want := reachFigures{
		Events: 7, Attendance: f(70300), MediaReach: f(3600000),
		ByKind:    []group{{Key: "CONCERT", Events: 3}, {Key: "OUTREACH", Events: 2}, {Key: "ONLINE_PROGRAMME", Events: 1}, {Key: "TRAINING", Events: 1}},
		ByStatus:  []group{{Key: "SCHEDULED", Events: 4}, {Key: "COMPLETED", Events: 3}},
		ByCountry: []group{{Key: "TH", Events: 5, Attendance: f(20300)}, {Key: "MM", Events: 1, Attendance: f(50000)}},
		ByYear:    []group{{Key: "2012", Events: 1}, {Key: "2013", Events: 6}},
		// 9 confirmed registrations: 6 (about 5) + 3 (withheld, 2.5) is 7.5, about 10; 6
		// attended, about 5.
		Registrations: count{Value: n(10), Label: "about 10"},
		Attended:      count{Value: n(5), Label: "about 5"},
		// 5 + 2 current members (those who left are not counted): 5 + 2.5, about 10.
		NetworkMembers: count{Value: n(10), Label: "about 10"},
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("anonymous reach (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, campaign); diff != "" {
		t.Errorf("anonymous campaign reach (-want +got):\n%s", diff)
	}

	// The owner also counts its partner-only event and its draft (the draft campaign's event
	// is in the filtered list, not in the public campaign's figures).
	all, campaign = read(w.owner, nil)
	if all.Events != 10 || campaign.Events != 9 {
		t.Errorf("owner's events: all %d, campaign %d; want 10 and 9", all.Events, campaign.Events)
	}

	// Narrowed to Thai events of 2013: only north10's 3 registrations remain, withheld from
	// anonymous callers and exact for their organizer; 0 attended is 0 for both. The network
	// of 2 is withheld from both: the owner organizes the event but does not coordinate it.
	for _, tt := range []struct {
		key           string
		registrations count
	}{
		{"", count{Suppressed: true, Label: "fewer than 5"}},
		{w.owner, count{Value: n(3), Label: "3"}},
	} {
		th, _ := read(tt.key, map[string]any{"country": "TH", "startsAfter": "2013-01-01T00:00:00Z"})
		if diff := cmp.Diff(tt.registrations, th.Registrations); diff != "" {
			t.Errorf("registrations of 3 members (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(count{Value: n(0), Label: "0"}, th.Attended); diff != "" {
			t.Errorf("attended of 0 members (-want +got):\n%s", diff)
		}
		if !th.NetworkMembers.Suppressed || th.NetworkMembers.Value != nil {
			t.Errorf("network of 2 members shown: %+v", th.NetworkMembers)
		}
		if !slices.ContainsFunc(th.ByYear, func(g group) bool { return g.Key == "2013" }) || len(th.ByYear) != 1 {
			t.Errorf("byYear = %+v, want only 2013", th.ByYear)
		}
	}

	// Nothing matches: zeros, counts of 0, no groups.
	none, _ := read("", map[string]any{"kind": []string{"BROADCAST"}})
	if none.Events != 0 || none.Attendance != nil || len(none.ByKind) != 0 || none.Registrations.Label != "0" {
		t.Errorf("reach of no events = %+v", none)
	}

	res := w.c.Query(t, reachQuery, map[string]any{"filter": map[string]any{"country": "Atlantis"}})
	if code := res.ErrorCode(t); code != "BAD_USER_INPUT" {
		t.Errorf("unknown country: code = %s, want BAD_USER_INPUT", code)
	}
}

// TestReachAndResultsAreBatched checks that a list of campaigns with their reach, results,
// indicators and breakdowns costs the same number of statements for one campaign as for
// two: each level is one batch, never a statement per campaign.
func TestReachAndResultsAreBatched(t *testing.T) {
	t.Parallel()
	w := newReachWorld(t)
	owner := w.c.As(w.owner)
	for _, c := range []string{w.public.GlobalID(), w.draft.GlobalID()} {
		var r struct{ ID string }
		mustMutate(t, owner, createResult, map[string]any{"c": c, "title": "Aware", "type": "OUTCOME"}, &r)
		mustMutate(t, owner, recordIATI, map[string]any{"c": c, "code": "aware", "name": "Aware", "unit": "PEOPLE", "result": r.ID,
			"breakdowns": []map[string]any{{"kind": "ACTUAL", "sex": "FEMALE", "value": 1}}}, new(json.RawMessage))
	}
	const q = `query ($n: Int) { campaigns(first: $n) { nodes { name reach { events byKind { key } registrations { label } }
		results { title indicators { code result { title } periods { breakdowns { kind country { code } } } } } } } }`
	// The fewest of three runs: the loaders of these levels batch by a 1 ms window, which a
	// loaded machine can split, while a statement per campaign would show in every run.
	var statements []int64
	for _, n := range []int{1, 2} {
		fewest := int64(-1)
		for range 3 {
			res := owner.Query(t, q, map[string]any{"n": n})
			var data struct {
				Campaigns struct {
					Nodes []struct {
						Reach   struct{ Events int }
						Results []struct{ Indicators []struct{ Code string } }
					}
				}
			}
			res.MustData(t, &data)
			if len(data.Campaigns.Nodes) != n || len(data.Campaigns.Nodes[n-1].Results) != 1 || len(data.Campaigns.Nodes[n-1].Results[0].Indicators) != 1 {
				t.Fatalf("first %d: %+v", n, data)
			}
			if fewest < 0 || res.Statements < fewest {
				fewest = res.Statements
			}
		}
		statements = append(statements, fewest)
	}
	t.Logf("statements for 1 and 2 campaigns: %v", statements)
	if statements[0] == 0 || statements[0] != statements[1] {
		t.Errorf("statements for 1 and 2 campaigns: %v; want the same", statements)
	}
}
