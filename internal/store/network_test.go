package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/page"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestNetworkReads lists networks by scope, country, parent and level, and looks them up by
// ID and slug, over a region with two chapters and a chapter of a chapter.
func TestNetworkReads(t *testing.T) {
	t.Parallel()
	w := newOwnCampaignWorld(t)
	ctx := context.Background()
	create := func(slug, name, scope string, country *string, parent int64) *models.YouthNetwork {
		return must(t, w.st, w.owner, func(tx *store.Tx) (*models.YouthNetwork, error) {
			return tx.CreateYouthNetwork(store.NetworkInput{Slug: &slug, Name: &name, Scope: scope, Country: country, ParentID: parent})
		})
	}
	region := create("region", "ASEAN Youth", "REGIONAL", nil, 0)
	mm := create("mm", "Myanmar Youth", "NATIONAL", ptr("MM"), region.ID)
	create("th", "Thai Youth", "NATIONAL", ptr("TH"), region.ID)
	create("yangon", "Yangon Youth", "LOCAL", ptr("MM"), mm.ID)
	list := func(f store.NetworkFilter) []string {
		t.Helper()
		p, err := w.st.Networks(ctx, f, store.Order{Field: "NAME"}, page.Request{Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		n, err := w.st.CountNetworks(ctx, f)
		if err != nil || n != len(p.Items) {
			t.Errorf("CountNetworks(%+v) = %d, %v; the list has %d", f, n, err, len(p.Items))
		}
		var out []string
		for _, n := range p.Items {
			out = append(out, n.Slug)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.NetworkFilter
		want []string
	}{
		{"all", store.NetworkFilter{}, []string{"region", "mm", "th", "yangon"}},
		{"national", store.NetworkFilter{Scopes: []string{"NATIONAL"}}, []string{"mm", "th"}},
		{"in Myanmar", store.NetworkFilter{CountryCode: "MM"}, []string{"mm", "yangon"}},
		{"chapters of the region", store.NetworkFilter{ParentID: region.ID}, []string{"mm", "th"}},
		{"top level", store.NetworkFilter{TopLevel: ptr(true)}, []string{"region"}},
		{"chapters", store.NetworkFilter{TopLevel: ptr(false)}, []string{"mm", "th", "yangon"}},
		{"local in Thailand", store.NetworkFilter{Scopes: []string{"LOCAL"}, CountryCode: "TH"}, nil},
	} {
		if d := cmp.Diff(tc.want, list(tc.f)); d != "" {
			t.Errorf("networks, %s (-want +got):\n%s", tc.name, d)
		}
	}
	byID, err := w.st.NetworksByID(ctx, []int64{mm.ID, region.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	if len(byID) != 2 || byID[mm.ID].Slug != "mm" || byID[region.ID].ParentID != nil || *byID[mm.ID].ParentID != region.ID {
		t.Errorf("NetworksByID = %+v", byID)
	}
	if _, err := w.st.NetworkBySlug(ctx, "nowhere"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("NetworkBySlug of an unknown slug: %v", err)
	}
	if got, err := w.st.NetworkCoordinators(ctx, []int64{987654321}); err != nil || len(got[987654321]) != 0 {
		t.Errorf("coordinators of an unknown network: %v, %v", got, err)
	}
}
