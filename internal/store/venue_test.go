package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestOwnedVenues owns a venue to the one organization that organizes the events held there:
// not to another organization, not to anyone where two organizers share it, and not where
// no event is held.
func TestOwnedVenues(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	var a, b *models.Organization
	var own, shared, empty *models.Venue
	_, err := st.SeedOnce(ctx, "owned-venues", func(w *store.Writer) error {
		a, b = &models.Organization{Slug: "a", Name: "A", Kind: "CIVIL_SOCIETY"}, &models.Organization{Slug: "b", Name: "B", Kind: "CIVIL_SOCIETY"}
		if err := w.Insert(&models.Country{Code: "MM", Name: "Myanmar"}, a, b); err != nil {
			return err
		}
		c := &models.Campaign{Slug: "c", Name: "C", Status: "ACTIVE", OwnerID: &a.ID, StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		own = &models.Venue{Name: "Own", CountryCode: "MM", AddressPrivate: true}
		shared = &models.Venue{Name: "Shared", CountryCode: "MM", AddressPrivate: true}
		empty = &models.Venue{Name: "Empty", CountryCode: "MM", AddressPrivate: true}
		if err := w.Insert(c, own, shared, empty); err != nil {
			return err
		}
		ev := func(v *models.Venue, org int64) *models.Event {
			return &models.Event{CampaignID: c.ID, Title: "E", Kind: "OUTREACH", Status: "SCHEDULED", Visibility: "PUBLIC",
				StartBound: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), DatePrecision: "DAY", VenueID: &v.ID, OrganizerID: org, Version: 1}
		}
		return w.Insert(ev(own, a.ID), ev(own, a.ID), ev(shared, a.ID), ev(shared, b.ID))
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{own.ID, shared.ID, empty.ID}
	for _, tc := range []struct {
		org  int64
		want map[int64]bool
	}{
		{a.ID, map[int64]bool{own.ID: true}},
		{b.ID, map[int64]bool{}},
		{0, map[int64]bool{}},
	} {
		got, err := st.OwnedVenues(ctx, tc.org, ids)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("venues owned by %d (-want +got):\n%s", tc.org, d)
		}
	}
}
