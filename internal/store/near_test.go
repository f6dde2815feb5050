package store_test

import (
	"context"
	"strings"
	"testing"

	"campaigns/internal/dbtest"
	"campaigns/internal/store"
)

// TestEventsNearUsesTheEarthIndex checks that the near-me statement is one the GiST index
// on the venues' positions can serve: a search written so that the index cannot match it
// (another expression, a cast) would read every venue on every request.
func TestEventsNearUsesTheEarthIndex(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	plan, err := st.ExplainEventsNear(context.Background(), store.Near{Latitude: 13.75, Longitude: 100.5, RadiusKm: 25}, store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "venues_public_earth_idx") {
		t.Errorf("the plan does not use venues_public_earth_idx:\n%s", plan)
	}
}

// TestNearRefusesPointsOffTheGlobe checks every bound of Near.Check, on both sides.
func TestNearRefusesPointsOffTheGlobe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n  store.Near
		ok bool
	}{
		{store.Near{Latitude: 90, Longitude: 180, RadiusKm: 500}, true},
		{store.Near{Latitude: -90, Longitude: -180, RadiusKm: 0.001}, true},
		{store.Near{Latitude: 90.0001, Longitude: 0, RadiusKm: 1}, false},
		{store.Near{Latitude: -90.0001, Longitude: 0, RadiusKm: 1}, false},
		{store.Near{Latitude: 0, Longitude: 180.0001, RadiusKm: 1}, false},
		{store.Near{Latitude: 0, Longitude: -180.0001, RadiusKm: 1}, false},
		{store.Near{Latitude: 0, Longitude: 0, RadiusKm: 0}, false},
		{store.Near{Latitude: 0, Longitude: 0, RadiusKm: -1}, false},
		{store.Near{Latitude: 0, Longitude: 0, RadiusKm: 500.001}, false},
	} {
		if err := tc.n.Check(); (err == nil) != tc.ok {
			t.Errorf("Check(%+v) = %v, want ok %v", tc.n, err, tc.ok)
		}
	}
}
