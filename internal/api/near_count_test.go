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

// TestEventsNearCountsUpToABound counts the events near a point with count(atMost:), as the
// README's example does: exact up to the bound, "more than" past it, and the same figure as
// totalCount when that is within the bound. Before, eventsNear's connection had no bounded
// count, and count(atMost:) failed.
func TestEventsNearCountsUpToABound(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	_, err := st.SeedOnce(ctx, "near-count", func(w *store.Writer) error {
		org := &models.Organization{Slug: "org", Name: "Org", Kind: "CIVIL_SOCIETY"}
		if err := w.Insert(&models.Country{Code: "MM", Name: "Myanmar"}, org); err != nil {
			return err
		}
		c := &models.Campaign{Slug: "c", Name: "C", Status: "ACTIVE", OwnerID: &org.ID, StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		if err := w.Insert(c); err != nil {
			return err
		}
		for i := range 3 {
			lat, lon := 16.78+float64(i)/100, 96.15
			v := &models.Venue{Name: "Hall", CountryCode: "MM", Latitude: &lat, Longitude: &lon}
			if err := w.Insert(v); err != nil {
				return err
			}
			e := &models.Event{CampaignID: c.ID, Title: "Outreach", Kind: "OUTREACH", Status: "SCHEDULED", Visibility: "PUBLIC",
				StartBound: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), DatePrecision: "DAY", VenueID: &v.ID, CountryCode: &v.CountryCode,
				OrganizerID: org.ID, Version: 1}
			if err := w.Insert(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st)
	var got struct {
		EventsNear struct {
			TotalCount int
			Two, Ten   struct {
				Value int
				Exact bool
			}
		}
	}
	c.Query(t, `{ eventsNear(latitude: 16.78, longitude: 96.15, radiusKm: 25) {
		totalCount two: count(atMost: 2) { value exact } ten: count(atMost: 10) { value exact } } }`, nil).MustData(t, &got)
	n := got.EventsNear
	if n.TotalCount != 3 || n.Two.Value != 2 || n.Two.Exact || n.Ten.Value != 3 || !n.Ten.Exact {
		t.Errorf("near: totalCount %d, count(atMost: 2) %+v, count(atMost: 10) %+v; want 3, 2 not exact, 3 exact", n.TotalCount, n.Two, n.Ten)
	}
}
