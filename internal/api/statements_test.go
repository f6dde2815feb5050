package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/store"
	"campaigns/models"
)

// fill adds campaigns, each with events at venues in two countries and two partners, so
// that every relation of the nested query below has rows to batch.
func fill(t *testing.T, st *store.Store, version string, campaigns, eventsEach int) {
	t.Helper()
	_, err := st.SeedOnce(context.Background(), version, func(w *store.Writer) error {
		for _, k := range []models.Country{{Code: "KH", Name: "Cambodia"}, {Code: "MM", Name: "Myanmar", AliasList: []string{"Burma"}}} {
			if err := w.Insert(&k); err != nil {
				return err
			}
		}
		orgs := make([]*models.Organization, 3)
		for i := range orgs {
			orgs[i] = &models.Organization{Slug: fmt.Sprintf("org-%d", i), Name: fmt.Sprintf("Org %d", i), Kind: "CIVIL_SOCIETY"}
			if err := w.Insert(orgs[i]); err != nil {
				return err
			}
		}
		venues := []*models.Venue{{Name: "Hall", CountryCode: "KH"}, {Name: "Square", CountryCode: "MM"}}
		if err := w.Insert(venues[0], venues[1]); err != nil {
			return err
		}
		start := time.Date(2012, 12, 1, 19, 0, 0, 0, time.UTC)
		for c := range campaigns {
			camp := &models.Campaign{Slug: fmt.Sprintf("c-%03d", c), Name: fmt.Sprintf("Campaign %03d", c), Status: "ACTIVE",
				StartPrecision: "DAY", EndPrecision: "DAY"}
			if err := w.Insert(camp); err != nil {
				return err
			}
			for i, role := range []string{"FUNDER", "IMPLEMENTER"} {
				if err := w.Insert(&models.CampaignPartner{CampaignID: camp.ID, OrganizationID: orgs[(c+i)%3].ID, Role: role}); err != nil {
					return err
				}
			}
			for e := range eventsEach {
				v := venues[e%2]
				ev := &models.Event{CampaignID: camp.ID, Title: fmt.Sprintf("Event %d", e), Kind: "CONCERT", Status: "SCHEDULED",
					StartBound: start.Add(time.Duration(e) * time.Hour), DatePrecision: "MINUTE", TimeZone: ptr("Asia/Yangon"),
					VenueID: &v.ID, CountryCode: &v.CountryCode, OrganizerID: orgs[e%3].ID}
				if err := w.Insert(ev); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fill: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// depthOf is a query's depth as the bound reads it: the most fields on a path from
// the root to a leaf, the leaf included (the load harness counts the same way).
func depthOf(t *testing.T, query string) int64 {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatalf("parse %q: %v", query, err)
	}
	return int64(limits.Measure(doc).Depth)
}

// The nested campaign list of the load harness, and the same list asked twice under
// aliases with other arguments, whose pages must not be mixed up.
const (
	nestedQuery = `{ campaigns(first: 20) { totalCount nodes {
		events(first: 10) { nodes { organizer { name } venue { country { name } } } }
		partners { organization { name } } } } }`
	aliasQuery = `{ campaigns(first: 20) { nodes {
		a: events(first: 2) { nodes { title organizer { name } } }
		b: events(first: 3, orderBy: {field: TITLE, direction: DESC}) { edges { node { title venue { name } } } }
		partners { organization { name } } } } }`
)

// TestNestedQueryStatementsGrowWithDepthNotRows runs the nested query over a small and
// a large data set, one request at a time and 32 at once: every answer must run at most the
// query's depth + 1 statements, the bound. Look-ahead loading (internal/loader,
// ahead.go) loads each level for all its parents in one statement, whatever the timing;
// a loader's time window alone split its batches under load (26–28 statements).
func TestNestedQueryStatementsGrowWithDepthNotRows(t *testing.T) {
	bound := depthOf(t, nestedQuery) + 1
	for _, size := range []struct {
		name              string
		campaigns, events int
	}{{"small", 2, 2}, {"large", 25, 15}} {
		st := dbtest.New(t)
		fill(t, st, size.name, size.campaigns, size.events)
		c := apitest.New(st)
		check := func(res *apitest.Response) error {
			var got struct {
				Campaigns struct {
					TotalCount int
					Nodes      []struct {
						Events struct {
							Nodes []struct {
								Organizer struct{ Name string }
								Venue     struct{ Country struct{ Name string } }
							}
						}
						Partners []struct{ Organization struct{ Name string } }
					}
				}
			}
			if len(res.Errors) > 0 {
				return fmt.Errorf("errors: %+v", res.Errors)
			}
			if err := json.Unmarshal(res.Data, &got); err != nil {
				return err
			}
			wantCampaigns, wantEvents := min(size.campaigns, 20), min(size.events, 10)
			if len(got.Campaigns.Nodes) != wantCampaigns || got.Campaigns.TotalCount != size.campaigns {
				return fmt.Errorf("%d campaigns of %d, want %d of %d", len(got.Campaigns.Nodes), got.Campaigns.TotalCount, wantCampaigns, size.campaigns)
			}
			for _, c := range got.Campaigns.Nodes {
				if len(c.Events.Nodes) != wantEvents || len(c.Partners) != 2 {
					return fmt.Errorf("%d events and %d partners, want %d and 2", len(c.Events.Nodes), len(c.Partners), wantEvents)
				}
				for _, e := range c.Events.Nodes {
					if e.Organizer.Name == "" || e.Venue.Country.Name == "" {
						return fmt.Errorf("event without organizer or venue country: %+v", e)
					}
				}
				for _, p := range c.Partners {
					if p.Organization.Name == "" {
						return fmt.Errorf("partner without organization")
					}
				}
			}
			if res.Statements > bound {
				return fmt.Errorf("%d statements, want at most depth + 1 = %d", res.Statements, bound)
			}
			return nil
		}
		res := c.Query(t, nestedQuery, nil)
		if err := check(res); err != nil {
			t.Fatalf("%s, one at a time: %v", size.name, err)
		}
		t.Logf("%s: %d statements (bound %d)", size.name, res.Statements, bound)

		for _, err := range atOnce(t, c, nestedQuery, check) {
			t.Errorf("%s, %d at once: %v", size.name, clients, err)
		}
	}
}

// TestLookAheadKeepsAliasesApart asks for a campaign's events twice under aliases with
// other arguments: each alias gets its own page, the same as asked alone, and the
// statements still stay within depth + 1.
func TestLookAheadKeepsAliasesApart(t *testing.T) {
	st := dbtest.New(t)
	fill(t, st, "aliases", 4, 5)
	c := apitest.New(st)
	res := c.Query(t, aliasQuery, nil)
	var got struct {
		Campaigns struct {
			Nodes []struct {
				A struct {
					Nodes []struct {
						Title     string
						Organizer struct{ Name string }
					}
				}
				B struct {
					Edges []struct {
						Node struct {
							Title string
							Venue struct{ Name string }
						}
					}
				}
			}
		}
	}
	res.MustData(t, &got)
	if len(got.Campaigns.Nodes) != 4 {
		t.Fatalf("%d campaigns, want 4", len(got.Campaigns.Nodes))
	}
	for _, camp := range got.Campaigns.Nodes {
		var a, b []string
		for _, e := range camp.A.Nodes {
			a = append(a, e.Title)
			if e.Organizer.Name == "" {
				t.Errorf("event %q without organizer", e.Title)
			}
		}
		for _, e := range camp.B.Edges {
			b = append(b, e.Node.Title)
			if e.Node.Venue.Name == "" {
				t.Errorf("event %q without venue", e.Node.Title)
			}
		}
		if diff := cmp.Diff([]string{"Event 0", "Event 1"}, a); diff != "" {
			t.Errorf("alias a (first 2 by start) (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Event 4", "Event 3", "Event 2"}, b); diff != "" {
			t.Errorf("alias b (first 3 by title, descending) (-want +got):\n%s", diff)
		}
	}
	withinDepth(t, aliasQuery, res)
}

// TestEventPageStatements runs the load harness's event page: the event, then its venue
// with its country (one statement), campaign, organizer and co-hosts, within depth + 1.
func TestEventPageStatements(t *testing.T) {
	st := dbtest.New(t)
	fill(t, st, "event-page", 1, 2)
	c := apitest.New(st)
	var list struct {
		Events struct{ Nodes []struct{ ID string } }
	}
	c.Query(t, `{ events(first: 1) { nodes { id } } }`, nil).MustData(t, &list)
	const q = `query($id: ID!) { event(id: $id) {
		id title registration { opensAt closesAt waitlistEnabled }
		venue { id name country { code name } } campaign { id name } organizer { id name } coHosts { id name } } }`
	res := c.Query(t, q, map[string]any{"id": list.Events.Nodes[0].ID})
	var got struct {
		Event struct {
			Venue     struct{ Country struct{ Name string } }
			Campaign  struct{ Name string }
			Organizer struct{ Name string }
		}
	}
	res.MustData(t, &got)
	if e := got.Event; e.Venue.Country.Name == "" || e.Campaign.Name == "" || e.Organizer.Name == "" {
		t.Fatalf("event page without its relations: %+v", e)
	}
	withinDepth(t, q, res)
}

// TestNodesOfSeveralTypesStatements runs the load harness's nodes(ids:) of four types: the
// events in one statement, the campaigns, organizations and networks together in another,
// within depth + 1, each ID answered by its own record in the order asked.
func TestNodesOfSeveralTypesStatements(t *testing.T) {
	c := apitest.New(dbtest.Seeded(t))
	var lists struct {
		Events, Campaigns, Organizations, YouthNetworks struct{ Nodes []struct{ ID string } }
	}
	c.Query(t, `{ events(first: 4) { nodes { id } } campaigns(first: 2) { nodes { id } }
		organizations(first: 2) { nodes { id } } youthNetworks(first: 2) { nodes { id } } }`, nil).MustData(t, &lists)
	var ids []string
	for _, l := range [][]struct{ ID string }{lists.Events.Nodes, lists.Campaigns.Nodes, lists.Organizations.Nodes, lists.YouthNetworks.Nodes} {
		if len(l) == 0 {
			t.Fatalf("the seed lacks a type: %+v", lists)
		}
		for _, n := range l {
			ids = append(ids, n.ID)
		}
	}
	const q = `query($ids: [ID!]!) { nodes(ids: $ids) { id __typename
		... on Event { title } ... on Campaign { name } ... on Organization { name } ... on YouthNetwork { name } } }`
	res := c.Query(t, q, map[string]any{"ids": ids})
	var got struct {
		Nodes []*struct {
			ID          string
			Typename    string `json:"__typename"`
			Title, Name string
		}
	}
	res.MustData(t, &got)
	if len(got.Nodes) != len(ids) {
		t.Fatalf("%d nodes for %d IDs", len(got.Nodes), len(ids))
	}
	for i, n := range got.Nodes {
		if n == nil || n.ID != ids[i] || n.Typename == "" || n.Title+n.Name == "" {
			t.Errorf("node %d: %+v, want the record of %s", i, n, ids[i])
		}
	}
	withinDepth(t, q, res)
}

// TestFieldsUnderAttachedRecordsLoadAtOnce asks for lists below records that the store
// reads with their parents (an event's organizer, a partner's organization), which no batch
// registers: look-ahead finds their cousins through their parents, so each level is still one
// statement, one request at a time and 32 at once, where a loader's time window would split.
func TestFieldsUnderAttachedRecordsLoadAtOnce(t *testing.T) {
	st := dbtest.New(t)
	fill(t, st, "attached", 25, 15)
	c := apitest.New(st)
	const q = `{ campaigns(first: 20) { nodes {
		partners { organization { campaigns(first: 2) { nodes { id } } } }
		events(first: 5) { nodes { organizer { events(first: 2) { nodes { id } } } } } } } }`
	// the campaign page, the partners, the events, the organizers' events, the partners' campaigns
	const want = 5
	check := func(res *apitest.Response) error {
		if len(res.Errors) > 0 {
			return fmt.Errorf("errors: %+v", res.Errors)
		}
		if !bytes.Contains(res.Data, []byte(`"organizer":{"events":{"nodes":[{"id":`)) {
			return fmt.Errorf("no organizer's events in %.300s", res.Data)
		}
		if res.Statements != want {
			return fmt.Errorf("%d statements, want %d", res.Statements, want)
		}
		return nil
	}
	if err := check(c.Query(t, q, nil)); err != nil {
		t.Fatalf("one at a time: %v", err)
	}
	for _, err := range atOnce(t, c, q, check) {
		t.Errorf("%d at once: %v", clients, err)
	}
}

// clients is how many requests atOnce sends together, as the load harness does.
const clients = 32

// atOnce sends q from clients at once, three times each, and returns what check says of
// the answers that fail it.
func atOnce(t *testing.T, c *apitest.Client, q string, check func(*apitest.Response) error) []error {
	const each = 3
	errs := make(chan error, clients*each)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for range each {
				errs <- check(c.Query(t, q, nil))
			}
		})
	}
	wg.Wait()
	close(errs)
	var out []error
	for err := range errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// withinDepth checks that res ran at most the depth of q + 1 statements, the bound.
func withinDepth(t *testing.T, q string, res *apitest.Response) {
	t.Helper()
	if bound := depthOf(t, q) + 1; res.Statements > bound {
		t.Errorf("%d statements, want at most depth + 1 = %d", res.Statements, bound)
	}
	t.Logf("%d statements", res.Statements)
}
