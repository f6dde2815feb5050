package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/store"
	"campaigns/models"
)

// TestCampaignFilters lists campaigns as anonymous, as their owner and as a partner, by
// status, country, partner, theme, focus and level, and counts each list alike.
func TestCampaignFilters(t *testing.T) {
	t.Parallel()
	w := newOwnCampaignWorld(t)
	ctx := context.Background()
	create := func(slug, status string, parent int64, countries, themes, focus []string) *models.Campaign {
		return must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
			return tx.CreateCampaign(store.CampaignInput{Slug: &slug, Name: &slug, Status: &status, ParentID: parent,
				Countries: countries, Themes: themes, ThemesSet: themes != nil, Focus: focus, FocusSet: focus != nil})
		})
	}
	a := create("a", "ACTIVE", 0, []string{"MM"}, []string{"SEX_TRAFFICKING"}, []string{"PREVENTION"})
	create("b", "COMPLETED", a.ID, []string{"TH", "MM"}, []string{"FORCED_LABOUR"}, nil)
	d := create("d", "DRAFT", 0, []string{"TH"}, nil, []string{"PROTECTION", "PREVENTION"})
	create("e", "PLANNED", 0, nil, []string{"SEX_TRAFFICKING", "FORCED_LABOUR"}, nil)
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.AddCampaignPartner(store.PartnerInput{CampaignID: d.ID, OrganizationID: w.partner.OrgID, Role: "FUNDER"})
	})
	for _, tc := range []struct {
		name string
		f    store.CampaignFilter
		want []string
	}{
		{"anonymous", store.CampaignFilter{}, []string{"a", "b", "e"}},
		{"the owner", store.CampaignFilter{Viewer: w.owner.OrgID}, []string{"a", "b", "d", "e"}},
		{"a partner of the draft", store.CampaignFilter{Viewer: w.partner.OrgID}, []string{"a", "b", "d", "e"}},
		{"a stranger", store.CampaignFilter{Viewer: w.stranger.OrgID}, []string{"a", "b", "e"}},
		{"statuses", store.CampaignFilter{Viewer: w.owner.OrgID, Statuses: []string{"DRAFT", "PLANNED"}}, []string{"d", "e"}},
		{"in Myanmar", store.CampaignFilter{CountryCode: "MM"}, []string{"a", "b"}},
		{"in Thailand, anonymous", store.CampaignFilter{CountryCode: "TH"}, []string{"b"}},
		{"with the partner", store.CampaignFilter{Viewer: w.partner.OrgID, PartnerID: w.partner.OrgID}, []string{"d"}},
		{"with the partner, anonymous", store.CampaignFilter{PartnerID: w.partner.OrgID}, []string{}},
		{"any of two themes", store.CampaignFilter{Themes: []string{"FORCED_LABOUR", "CHILD_TRAFFICKING"}}, []string{"b", "e"}},
		{"focus", store.CampaignFilter{Viewer: w.owner.OrgID, Focus: []string{"PREVENTION"}}, []string{"a", "d"}},
		{"top level", store.CampaignFilter{TopLevel: ptr(true)}, []string{"a", "e"}},
		{"children", store.CampaignFilter{TopLevel: ptr(false)}, []string{"b"}},
	} {
		p, err := w.st.Campaigns(ctx, tc.f, store.Order{Field: "NAME"}, pageOf(10))
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tc.want, slugsOf(p.Items)); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
		if n, err := w.st.CountCampaigns(ctx, tc.f); err != nil || n != len(tc.want) {
			t.Errorf("%s: CountCampaigns = %d, %v; want %d", tc.name, n, err, len(tc.want))
		}
	}
	byID, err := w.st.CampaignsByID(ctx, []int64{d.ID, a.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	if len(byID) != 2 || byID[d.ID].Slug != "d" || cmp.Diff(models.StringList{"PROTECTION", "PREVENTION"}, byID[d.ID].FocusList) != "" ||
		cmp.Diff(models.StringList{"SEX_TRAFFICKING"}, byID[a.ID].ThemesList) != "" {
		t.Errorf("CampaignsByID = %+v", byID)
	}
	countries, err := w.st.CampaignCountries(ctx, []int64{a.ID, d.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]int{}
	for id, cs := range countries {
		got[id] = len(cs)
	}
	if d := cmp.Diff(map[int64]int{a.ID: 1, d.ID: 1, 987654321: 0}, got); d != "" {
		t.Errorf("countries per campaign (-want +got):\n%s", d)
	}
	if cs := countries[d.ID]; cs[0].CountryCode != "TH" || cs[0].SincePrecision != "DAY" {
		t.Errorf("countries of d = %+v", cs[0])
	}
}
