package api_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// A shelter's exact position, whose address is private, and the public position it is
// shown at: rounded to two decimals, about 370 m away.
const (
	shelterLat, shelterLng = 16.801234, 96.156789
	publicLat, publicLng   = 16.80, 96.16
)

// TestPrivateVenueIsNotLocated reads a venue whose address is private through every path that
// shows a position: the API's coordinates, the near-me search (a small circle around the exact
// spot, as an attacker bisecting radii would draw), the CSV export and the calendar. None may
// locate it better than its rounded public position; a venue with a public address stays exact.
func TestPrivateVenueIsNotLocated(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	_ = apitest.Key(t, st, "shelter-org", "VIEWER")
	org, err := st.OrganizationBySlug(ctx, "shelter-org")
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.SeedOnce(ctx, "shelter", func(w *store.Writer) error {
		if err := w.Insert(&models.Country{Code: "MM", Name: "Myanmar"}); err != nil {
			return err
		}
		c := &models.Campaign{Slug: "shelter-outreach", Name: "Shelter outreach", Status: "ACTIVE", OwnerID: &org.ID, StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		lat, lng, addr := shelterLat, shelterLng, "12 Hidden Lane"
		shelter := &models.Venue{Name: "Drop-in centre", CountryCode: "MM", Latitude: &lat, Longitude: &lng, StreetAddress: &addr, AddressPrivate: true}
		plat, plng := 16.7765, 96.1588
		square := &models.Venue{Name: "People's Square", CountryCode: "MM", Latitude: &plat, Longitude: &plng}
		if err := w.Insert(c, shelter, square); err != nil {
			return err
		}
		at := time.Date(2013, 2, 1, 10, 0, 0, 0, time.UTC)
		tz := "Asia/Yangon"
		ev := func(title string, v *models.Venue) *models.Event {
			return &models.Event{CampaignID: c.ID, Title: title, Kind: "OUTREACH", Status: "SCHEDULED", Visibility: "PUBLIC",
				StartBound: at, DatePrecision: "MINUTE", TimeZone: &tz, VenueID: &v.ID, CountryCode: &v.CountryCode, OrganizerID: org.ID, Version: 1}
		}
		return w.Insert(ev("Counselling day", shelter), ev("Square concert", square))
	})
	if err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st)

	var got struct {
		Events struct {
			Nodes []struct {
				Title string
				Venue struct {
					Address     *string
					Coordinates struct{ Latitude, Longitude float64 }
				}
			}
		}
	}
	c.Query(t, `{ events(first: 10) { nodes { title venue { address coordinates { latitude longitude } } } } }`, nil).MustData(t, &got)
	for _, e := range got.Events.Nodes {
		want := [2]float64{16.7765, 96.1588}
		if e.Title == "Counselling day" {
			want = [2]float64{publicLat, publicLng}
			if e.Venue.Address != nil {
				t.Errorf("the private address is shown: %q", *e.Venue.Address)
			}
		}
		if gotPos := [2]float64{e.Venue.Coordinates.Latitude, e.Venue.Coordinates.Longitude}; gotPos != want {
			t.Errorf("%s is shown at %v, want %v", e.Title, gotPos, want)
		}
	}

	near := func(lat, lng, km float64) []string {
		var p nearPage
		c.Query(t, nearQuery, map[string]any{"lat": lat, "lng": lng, "km": km}).MustData(t, &p)
		return p.titles()
	}
	if titles := near(shelterLat, shelterLng, 0.2); len(titles) != 0 {
		t.Errorf("a 200 m circle around the exact spot finds %v", titles)
	}
	if titles := near(publicLat, publicLng, 0.05); len(titles) != 1 || titles[0] != "Counselling day" {
		t.Errorf("a 50 m circle around the public position finds %v, want the event", titles)
	}
	if titles := near(16.7765, 96.1588, 0.05); len(titles) != 1 || titles[0] != "Square concert" {
		t.Errorf("a public venue is not found at its exact position: %v", titles)
	}

	for _, path := range []string{"/export/events.csv", "/export/events.jsonl", "/calendar/campaigns/shelter-outreach.ics"} {
		rec := httptest.NewRecorder()
		c.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body, _ := io.ReadAll(rec.Result().Body)
		if rec.Code != http.StatusOK || !strings.Contains(string(body), "Counselling day") {
			t.Fatalf("%s: %d %s", path, rec.Code, body)
		}
		for _, exact := range []string{"16.8012", "96.1567", "96.1568", "Hidden Lane"} {
			if strings.Contains(string(body), exact) {
				t.Errorf("%s locates the shelter (%s):\n%s", path, exact, body)
			}
		}
	}
}
