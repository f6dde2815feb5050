package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/store"
	"campaigns/models"
)

// TestEventFilters lists events by who reads them, kind, displayed status, country,
// organizer and time, with counts that agree, and reads events with their venue,
// organizer and co-hosts.
func TestEventFilters(t *testing.T) {
	t.Parallel()
	w := newOwnCampaignWorld(t)
	ctx := context.Background()
	c := w.campaign(t, "c", "ACTIVE")
	draftCampaign := w.campaign(t, "d", "DRAFT")
	now := time.Now().UTC().Truncate(time.Minute)
	ev := func(title string, camp *models.Campaign, start time.Time, in store.EventInput) *models.Event {
		in.Title = &title
		if in.Status == nil {
			in.Status = ptr("SCHEDULED")
		}
		return w.event(t, w.owner, camp, start, in)
	}
	past := ev("past", c, now.AddDate(0, -1, 0), store.EventInput{Kind: ptr("CONCERT"),
		Venue: store.Opt[store.VenueInput]{Set: true, Value: &store.VenueInput{Name: "Hall", Country: "MM"}}})
	soon := ev("soon", c, now.AddDate(0, 0, 7), store.EventInput{Kind: ptr("TRAINING"),
		Venue: store.Opt[store.VenueInput]{Set: true, Value: &store.VenueInput{Name: "Room", Country: "TH"}}})
	ev("later", c, now.AddDate(0, 2, 0), store.EventInput{Status: ptr("POSTPONED")})
	ev("draft", c, now.AddDate(0, 1, 0), store.EventInput{Status: ptr("DRAFT")})
	ev("partners", c, now.AddDate(0, 1, 0), store.EventInput{Visibility: ptr("PARTNERS")})
	ev("hidden campaign", draftCampaign, now.AddDate(0, 1, 0), store.EventInput{})
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.AddCampaignPartner(store.PartnerInput{CampaignID: c.ID, OrganizationID: w.partner.OrgID, Role: "HOST", CanEdit: true})
	})
	byPartner := must(t, w.st, w.partner, func(tx *store.Tx) (*models.Event, error) {
		start := now.AddDate(0, 0, 3)
		return tx.CreateEvent(store.EventInput{CampaignID: c.ID, Title: ptr("partner's"), Kind: ptr("MEETING"), Status: ptr("SCHEDULED"),
			StartsAt: &start, TimeZone: ptr("UTC"), CoHosts: []int64{w.owner.OrgID}})
	})
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Event, error) { return tx.AnswerCoHost(byPartner.ID, true) })
	titles := func(f store.EventFilter) []string {
		t.Helper()
		p, err := w.st.Events(ctx, f, store.Order{Field: "STARTS_AT"}, pageOf(20))
		if err != nil {
			t.Fatal(err)
		}
		n, err := w.st.CountEvents(ctx, f)
		if err != nil || n != len(p.Items) {
			t.Errorf("CountEvents(%+v) = %d, %v; the list has %d", f, n, err, len(p.Items))
		}
		out := []string{}
		for _, e := range p.Items {
			out = append(out, e.Title)
		}
		return out
	}
	nextWeek, inAMonth := now.AddDate(0, 0, 8), now.AddDate(0, 1, 1)
	for _, tc := range []struct {
		name string
		f    store.EventFilter
		want []string
	}{
		{"anonymous", store.EventFilter{}, []string{"past", "partner's", "soon", "later"}},
		{"the owner", store.EventFilter{Viewer: w.owner.OrgID}, []string{"past", "partner's", "soon", "draft", "partners", "hidden campaign", "later"}},
		{"a stranger", store.EventFilter{Viewer: w.stranger.OrgID}, []string{"past", "partner's", "soon", "later"}},
		{"a partner of the campaign", store.EventFilter{Viewer: w.partner.OrgID}, []string{"past", "partner's", "soon", "draft", "partners", "later"}},
		{"kinds", store.EventFilter{Kinds: []string{"CONCERT", "TRAINING"}}, []string{"past", "soon"}},
		{"completed, by the clock", store.EventFilter{Statuses: []string{"COMPLETED"}}, []string{"past"}},
		{"scheduled", store.EventFilter{Statuses: []string{"SCHEDULED"}}, []string{"partner's", "soon"}},
		{"in Thailand", store.EventFilter{CountryCode: "TH"}, []string{"soon"}},
		{"organized by the partner", store.EventFilter{OrganizerID: w.partner.OrgID}, []string{"partner's"}},
		{"upcoming", store.EventFilter{Upcoming: ptr(true)}, []string{"partner's", "soon", "later"}},
		{"started", store.EventFilter{Upcoming: ptr(false)}, []string{"past"}},
		{"before next week", store.EventFilter{StartsBefore: &nextWeek}, []string{"past", "partner's", "soon"}},
		{"after a month", store.EventFilter{StartsAfter: &inAMonth}, []string{"later"}},
		{"in the campaign that is a draft", store.EventFilter{CampaignID: draftCampaign.ID}, []string{}},
	} {
		if d := cmp.Diff(tc.want, titles(tc.f)); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
	if n, err := w.st.CountEventsUpTo(ctx, store.EventFilter{Viewer: w.owner.OrgID}, 3); err != nil || n != 3 {
		t.Errorf("CountEventsUpTo 3 = %d, %v", n, err)
	}
	byID, err := w.st.EventsByID(ctx, []int64{past.ID, soon.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	if e := byID[past.ID]; len(byID) != 2 || e.Venue == nil || e.Venue.Name != "Hall" || e.Organizer == nil || e.Organizer.Slug != "owner" || !e.Listed {
		t.Errorf("EventsByID = %+v", byID[past.ID])
	}
	hosts, err := w.st.EventCoHosts(ctx, []int64{byPartner.ID, soon.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts[byPartner.ID]) != 1 || hosts[byPartner.ID][0].ID != w.owner.OrgID || len(hosts[soon.ID]) != 0 {
		t.Errorf("EventCoHosts = %v", hosts)
	}
}
