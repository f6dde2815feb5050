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
