package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestIDsBySlug finds campaigns, organizations and networks by slug, a draft campaign only
// for its owner, and leaves out slugs nobody has.
func TestIDsBySlug(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	var owner, other *models.Organization
	var public, draft *models.Campaign
	var network *models.YouthNetwork
	_, err := st.SeedOnce(ctx, "slugs", func(w *store.Writer) error {
		owner, other = &models.Organization{Slug: "owner", Name: "Owner", Kind: "CIVIL_SOCIETY"}, &models.Organization{Slug: "other", Name: "Other", Kind: "MEDIA"}
		if err := w.Insert(owner, other); err != nil {
			return err
		}
		campaign := func(slug, status string) *models.Campaign {
			return &models.Campaign{Slug: slug, Name: slug, Status: status, OwnerID: &owner.ID, StartPrecision: "DAY", EndPrecision: "DAY", Version: 1}
		}
		public, draft = campaign("public", "ACTIVE"), campaign("draft", "DRAFT")
		network = &models.YouthNetwork{Slug: "network", Name: "Network", Scope: "REGIONAL", Version: 1}
		return w.Insert(public, draft, network)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind   string
		viewer int64
		slugs  []string
		want   map[string]int64
	}{
		{store.SlugCampaign, 0, []string{"public", "draft", "none"}, map[string]int64{"public": public.ID}},
		{store.SlugCampaign, other.ID, []string{"public", "draft"}, map[string]int64{"public": public.ID}},
		{store.SlugCampaign, owner.ID, []string{"public", "draft"}, map[string]int64{"public": public.ID, "draft": draft.ID}},
		{store.SlugOrganization, 0, []string{"owner", "other", "none"}, map[string]int64{"owner": owner.ID, "other": other.ID}},
		{store.SlugNetwork, 0, []string{"network", "public"}, map[string]int64{"network": network.ID}},
	} {
		got, err := st.IDsBySlug(ctx, tc.kind, tc.viewer, tc.slugs)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s %v for %d (-want +got):\n%s", tc.kind, tc.slugs, tc.viewer, d)
		}
	}
}
