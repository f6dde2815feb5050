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

// TestRelatedRecordsScanEveryColumn reads venues with their countries, and organizations,
// through the scans of related.go: every nullable column both set and NULL, aliases that
// need quoting in an array's text form, and one record per country however many venues
// share it.
func TestRelatedRecordsScanEveryColumn(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	at := time.Date(2012, 11, 19, 8, 30, 0, 0, time.UTC)
	la := &models.Country{Code: "LA", Name: "Lao People's Democratic Republic", AliasList: models.StringList{`Lao, "PDR"`, "Laos", `back\slash`, "NULL"},
		AseanMember: true, CreatedAt: at, UpdatedAt: at}
	full := &models.Venue{Name: "Hall", City: ptr("Vientiane"), CountryCode: "LA", Latitude: ptr(17.97), Longitude: ptr(102.6),
		StreetAddress: ptr("1 Lane Xang"), AddressPrivate: true, Source: ptr("fact sheet"), CreatedAt: at}
	bare := &models.Venue{Name: "Field", CountryCode: "LA", CreatedAt: at}
	org := &models.Organization{Slug: "full", Name: "Full", Kind: "MEDIA", CountryCode: ptr("LA"), Website: ptr("https://example.org"),
		Description: ptr("D"), Source: ptr("S"), CreatedAt: at, UpdatedAt: at}
	plain := &models.Organization{Slug: "plain", Name: "Plain", Kind: "OTHER", CreatedAt: at, UpdatedAt: at}
	var net *models.YouthNetwork
	_, err := st.SeedOnce(ctx, "related", func(w *store.Writer) error {
		net = &models.YouthNetwork{Slug: "n", Name: "N", Scope: "REGIONAL", Version: 1}
		if err := w.Insert(la, full, bare, org, plain, net); err != nil {
			return err
		}
		return w.Insert(&models.NetworkCoordinator{NetworkID: net.ID, OrganizationID: org.ID},
			&models.NetworkCoordinator{NetworkID: net.ID, OrganizationID: plain.ID})
	})
	if err != nil {
		t.Fatal(err)
	}
	venues, err := st.VenuesByID(ctx, []int64{full.ID, bare.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	sameTime := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
	full.Country, bare.Country = la, la
	if d := cmp.Diff(map[int64]*models.Venue{full.ID: full, bare.ID: bare}, venues, sameTime); d != "" {
		t.Errorf("venues (-want +got):\n%s", d)
	}
	if venues[full.ID].Country != venues[bare.ID].Country {
		t.Error("two venues of one country read two country records")
	}
	countries, err := st.CountriesByCode(ctx, []string{"LA"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(la, countries["LA"], sameTime); d != "" {
		t.Errorf("country (-want +got):\n%s", d)
	}
	coordinators, err := st.NetworkCoordinators(ctx, []int64{net.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[int64][]*models.Organization{net.ID: {org, plain}, 987654321: {}}, coordinators, sameTime); d != "" {
		t.Errorf("coordinators (-want +got):\n%s", d)
	}
}
