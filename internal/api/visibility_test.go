package api_test

import (
	"context"
	"testing"
	"time"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestDraftsAndPartnerEventsAreSeenOnlyByTheirOrganizations checks every way to reach a draft
// campaign, a partner-only event and an event of a draft campaign — the root lists, nested
// lists, node, lookups by ID and slug — for each kind of caller.
func TestDraftsAndPartnerEventsAreSeenOnlyByTheirOrganizations(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	owner := apitest.Key(t, st, "owner-org", "VIEWER")
	partner := apitest.Key(t, st, "partner-org", "VIEWER")
	host := apitest.Key(t, st, "host-org", "VIEWER")
	stranger := apitest.Key(t, st, "stranger-org", "ADMIN")
	ids := map[string]string{}
	_, err := st.SeedOnce(context.Background(), "visibility", func(w *store.Writer) error {
		orgs := map[string]int64{}
		for _, slug := range []string{"owner-org", "partner-org", "host-org"} {
			o, err := st.OrganizationBySlug(context.Background(), slug)
			if err != nil {
				return err
			}
			orgs[slug] = o.ID
		}
		own := orgs["owner-org"]
		public := &models.Campaign{Slug: "public", Name: "Public", Status: "ACTIVE", OwnerID: &own, StartPrecision: "DAY", EndPrecision: "DAY"}
		draft := &models.Campaign{Slug: "draft", Name: "Draft", Status: "DRAFT", OwnerID: &own, StartPrecision: "DAY", EndPrecision: "DAY"}
		if err := w.Insert(public, draft); err != nil {
			return err
		}
		if err := w.Insert(&models.CampaignPartner{CampaignID: draft.ID, OrganizationID: orgs["partner-org"], Role: "FUNDER"}); err != nil {
			return err
		}
		at := time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)
		event := func(c *models.Campaign, title, status, visibility string) *models.Event {
			return &models.Event{CampaignID: c.ID, Title: title, Kind: "OUTREACH", Status: status, Visibility: visibility,
				StartBound: at, DatePrecision: "MINUTE", OrganizerID: own}
		}
		open := event(public, "Open", "SCHEDULED", "PUBLIC")
		partnersOnly := event(public, "Partners only", "SCHEDULED", "PARTNERS")
		inDraft := event(draft, "In a draft campaign", "SCHEDULED", "PUBLIC")
		if err := w.Insert(open, partnersOnly, inDraft); err != nil {
			return err
		}
		ids["draft"], ids["open"], ids["partnersOnly"], ids["inDraft"] = draft.GlobalID(), open.GlobalID(), partnersOnly.GlobalID(), inDraft.GlobalID()
		return w.Insert(&models.EventCohost{EventID: partnersOnly.ID, OrganizationID: orgs["host-org"]})
	})
	if err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st)
	const q = `query($draft: ID!, $po: ID!, $inDraft: ID!) {
		campaigns(first: 100) { nodes { slug } }
		events(first: 100) { nodes { title } }
		byID: campaign(id: $draft) { slug }
		bySlug: campaign(slug: "draft") { slug }
		draftNode: node(id: $draft) { id }
		poNode: node(id: $po) { id }
		inDraftNode: event(id: $inDraft) { title }
	}`
	type seen struct {
		Campaigns, Events                        int
		ByID, BySlug, DraftNode, PoNode, InDraft bool
	}
	for _, tc := range []struct {
		name string
		key  string
		want seen
	}{
		{"anonymous", "", seen{Campaigns: 1, Events: 1}},
		{"another organization's admin", stranger, seen{Campaigns: 1, Events: 1}},
		{"the owner's viewer", owner, seen{Campaigns: 2, Events: 3, ByID: true, BySlug: true, DraftNode: true, PoNode: true, InDraft: true}},
		{"a partner of the draft campaign", partner, seen{Campaigns: 2, Events: 2, ByID: true, BySlug: true, DraftNode: true, InDraft: true}},
		{"a co-host of the partner-only event", host, seen{Campaigns: 1, Events: 2, PoNode: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got struct {
				Campaigns struct{ Nodes []struct{ Slug string } }
				Events    struct{ Nodes []struct{ Title string } }
				ByID      *struct{ Slug string }
				BySlug    *struct{ Slug string }
				DraftNode *struct{ ID string }
				PoNode    *struct{ ID string }
				InDraft   *struct{ Title string } `json:"inDraftNode"`
			}
			c.As(tc.key).Query(t, q, map[string]any{"draft": ids["draft"], "po": ids["partnersOnly"], "inDraft": ids["inDraft"]}).MustData(t, &got)
			s := seen{len(got.Campaigns.Nodes), len(got.Events.Nodes), got.ByID != nil, got.BySlug != nil, got.DraftNode != nil, got.PoNode != nil, got.InDraft != nil}
			if s != tc.want {
				t.Errorf("saw %+v, want %+v", s, tc.want)
			}
		})
	}
}

// TestListedFollowsEveryWrite checks that the events everyone sees (the events.listed
// column that the anonymous lists and counts read, kept by triggers) follow each write
// that changes them: an event's visibility and status, and its campaign going into and out
// of draft, which flips all of the campaign's events at once.
func TestListedFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	editor := apitest.Key(t, st, "owner-org", "EDITOR")
	ids := map[string]string{}
	_, err := st.SeedOnce(context.Background(), "listed", func(w *store.Writer) error {
		o, err := st.OrganizationBySlug(context.Background(), "owner-org")
		if err != nil {
			return err
		}
		draft := &models.Campaign{Slug: "draft", Name: "Draft", Status: "DRAFT", OwnerID: &o.ID, StartPrecision: "DAY", EndPrecision: "DAY"}
		if err := w.Insert(draft); err != nil {
			return err
		}
		at := time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)
		a := &models.Event{CampaignID: draft.ID, Title: "A", Kind: "OUTREACH", Status: "SCHEDULED", Visibility: "PUBLIC", StartBound: at, DatePrecision: "MINUTE", OrganizerID: o.ID}
		b := &models.Event{CampaignID: draft.ID, Title: "B", Kind: "OUTREACH", Status: "SCHEDULED", Visibility: "PARTNERS", StartBound: at.Add(time.Hour), DatePrecision: "MINUTE", OrganizerID: o.ID}
		if err := w.Insert(a, b); err != nil {
			return err
		}
		ids["campaign"], ids["b"] = draft.GlobalID(), b.GlobalID()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st)
	seen := func(step string, want ...string) {
		t.Helper()
		var got struct {
			Events struct {
				TotalCount int
				Nodes      []struct{ Title string }
			}
		}
		c.Query(t, `{ events(first: 10) { totalCount nodes { title } } }`, nil).MustData(t, &got)
		var titles []string
		for _, n := range got.Events.Nodes {
			titles = append(titles, n.Title)
		}
		if len(titles) != len(want) || got.Events.TotalCount != len(want) || (len(want) > 0 && titles[0] != want[0]) || (len(want) > 1 && titles[1] != want[1]) {
			t.Fatalf("%s: everyone sees %v (totalCount %d), want %v", step, titles, got.Events.TotalCount, want)
		}
	}
	write := func(step, mutation string) {
		t.Helper()
		res := c.As(editor).Query(t, mutation, map[string]any{"campaign": ids["campaign"], "b": ids["b"]})
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %+v", step, res.Errors)
		}
	}
	seen("a draft campaign")
	write("publish", `mutation($campaign: ID!) { updateCampaign(input: {id: $campaign, expectedVersion: 1, status: ACTIVE}) { campaign { status } } }`)
	seen("published", "A")
	write("open B", `mutation($b: ID!) { updateEvent(input: {id: $b, expectedVersion: 1, visibility: PUBLIC}) { event { title } } }`)
	seen("B made public", "A", "B")
	write("back to draft", `mutation($campaign: ID!) { updateCampaign(input: {id: $campaign, expectedVersion: 2, status: DRAFT}) { campaign { status } } }`)
	seen("back in draft")
	write("publish again", `mutation($campaign: ID!) { updateCampaign(input: {id: $campaign, expectedVersion: 3, status: PLANNED}) { campaign { status } } }`)
	seen("published again", "A", "B")
	write("B back to draft", `mutation($b: ID!) { updateEvent(input: {id: $b, expectedVersion: 2, status: DRAFT}) { event { title } } }`)
	seen("B in draft", "A")
}
