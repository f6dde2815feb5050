package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestFiltersTakeSlugs names the campaign, organization or network of every filter by slug
// and by global ID: the answers are the same, in every list that takes such a filter (events,
// eventsNear, reach, a campaign's events, campaigns, youth networks).
func TestFiltersTakeSlugs(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	c := apitest.New(st)
	var ids struct {
		Campaign     struct{ ID string }
		Organization struct{ ID string }
		Partner      struct{ ID string }
		YouthNetwork struct{ ID string }
	}
	c.Query(t, `{ campaign(slug: "mtv-exit-southeast-asia") { id } organization(slug: "mtv-exit") { id }
		partner: organization(slug: "usaid") { id } youthNetwork(slug: "asean-mtv-exit-youth-network") { id } }`, nil).MustData(t, &ids)
	queries := []struct {
		name, query string
		slug, id    string
		// some says that the answer must not be empty, so that equal answers mean something.
		some bool
	}{
		{"events by campaign", `query ($v: ID) { x: events(filter: {campaign: $v}) { totalCount nodes { id } } }`, "mtv-exit-southeast-asia", ids.Campaign.ID, true},
		{"events by organizer", `query ($v: ID) { x: events(filter: {organizer: $v}) { totalCount nodes { id } } }`, "mtv-exit", ids.Organization.ID, true},
		{"eventsNear by campaign", `query ($v: ID) { x: eventsNear(latitude: 16.78, longitude: 96.15, radiusKm: 50, filter: {campaign: $v}) { nodes { id } } }`,
			"mtv-exit-southeast-asia", ids.Campaign.ID, true},
		{"reach by campaign", `query ($v: ID) { x: reach(filter: {campaign: $v}) { events byKind { key events } } }`, "mtv-exit-southeast-asia", ids.Campaign.ID, true},
		{"a campaign's events by organizer", `query ($v: ID) { x: campaign(slug: "mtv-exit-southeast-asia") { events(filter: {organizer: $v}) { nodes { id } } } }`,
			"mtv-exit", ids.Organization.ID, true},
		{"campaigns by partner", `query ($v: ID) { x: campaigns(filter: {partner: $v}) { totalCount nodes { slug } } }`, "usaid", ids.Partner.ID, true},
		{"youth networks by parent", `query ($v: ID) { x: youthNetworks(filter: {parent: $v}) { totalCount nodes { slug } } }`,
			"asean-mtv-exit-youth-network", ids.YouthNetwork.ID, false},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			var bySlug, byID map[string]any
			c.Query(t, q.query, map[string]any{"v": q.slug}).MustData(t, &bySlug)
			c.Query(t, q.query, map[string]any{"v": q.id}).MustData(t, &byID)
			if d := cmp.Diff(byID, bySlug); d != "" {
				t.Errorf("by slug and by ID differ (-ID +slug):\n%s", d)
			}
			if b, _ := json.Marshal(bySlug); q.some && (strings.Contains(string(b), `"nodes":[]`) || strings.Contains(string(b), `"events":0`)) {
				t.Errorf("the answer is empty: %s", b)
			}
		})
	}
}

// TestFilterSlugsTellNothingOfDrafts names a draft campaign by its slug: to its owner the
// filter works; to anyone else it is refused in the very words a slug nobody has gets, so
// that no filter tells that a draft exists.
func TestFilterSlugsTellNothingOfDrafts(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	c := apitest.New(st)
	ownerKey := apitest.Key(t, st, "draft-owner", "EDITOR")
	org, err := st.OrganizationBySlug(context.Background(), "draft-owner")
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.SeedOnce(context.Background(), "draft-campaign", func(w *store.Writer) error {
		return w.Insert(&models.Campaign{Slug: "secret-plan", Name: "Secret plan", Status: "DRAFT", OwnerID: &org.ID,
			StartPrecision: "DAY", EndPrecision: "DAY", Version: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	query := `query ($v: ID) { events(filter: {campaign: $v}) { totalCount } }`
	var ok struct{ Events struct{ TotalCount int } }
	c.As(ownerKey).Query(t, query, map[string]any{"v": "secret-plan"}).MustData(t, &ok)

	message := func(client *apitest.Client, slug string) string {
		t.Helper()
		res := client.Query(t, query, map[string]any{"v": slug})
		if res.ErrorCode(t) != "BAD_USER_INPUT" {
			t.Fatalf("%s: code %s, want BAD_USER_INPUT", slug, res.Errors[0].Code())
		}
		if string(res.Data) != "null" {
			t.Errorf("%s: data %s", slug, res.Data)
		}
		return strings.ReplaceAll(res.Errors[0].Message, slug, "<slug>")
	}
	stranger := c.As(apitest.Key(t, st, "stranger", "EDITOR"))
	for name, client := range map[string]*apitest.Client{"anonymous": c, "another partner": stranger} {
		hidden, unknown := message(client, "secret-plan"), message(client, "no-such-plan")
		if hidden != unknown {
			t.Errorf("%s: a draft's slug is answered %q, a slug nobody has %q", name, hidden, unknown)
		}
	}
}

// TestFilterSlugsResolveOncePerRequest names an organization by slug in the events filter of
// every campaign of a list: the slug is looked up once for the whole list, not once per
// campaign.
func TestFilterSlugsResolveOncePerRequest(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	c := apitest.New(st)
	var org struct{ Organization struct{ ID string } }
	c.Query(t, `{ organization(slug: "mtv-exit") { id } }`, nil).MustData(t, &org)
	statements := func(organizer string) int64 {
		t.Helper()
		res := c.Query(t, `query ($v: ID) { campaigns(first: 20) { nodes { events(filter: {organizer: $v}) { nodes { id } } } } }`,
			map[string]any{"v": organizer})
		res.MustData(t, new(any))
		return res.Statements
	}
	withID, withSlug := statements(org.Organization.ID), statements("mtv-exit")
	if withSlug > withID+1 {
		t.Errorf("the list by slug ran %d statements, by ID %d: want at most one more", withSlug, withID)
	}
}
