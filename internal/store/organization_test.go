package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/dbtest"
	"campaigns/internal/page"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestOrganizationAndCountryReads lists, filters, counts and looks up organizations and
// countries written through the store's own writes.
func TestOrganizationAndCountryReads(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	platform := callerOf(t, st, "operator", auth.RolePlatform)
	for _, c := range []store.CountryInput{
		{Code: "MM", Name: "Myanmar", Aliases: []string{"Burma"}, AliasesSet: true, AseanMember: ptr(true)},
		{Code: "TH", Name: "Thailand", AseanMember: ptr(true)},
		{Code: "US", Name: "United States", Aliases: []string{"U.S.", "100%_sure"}, AliasesSet: true},
	} {
		must(t, st, platform, func(tx *store.Tx) (*models.Country, error) { return tx.UpsertCountry(c) })
	}
	for _, o := range []store.OrganizationInput{
		{Slug: ptr("gov-mm"), Name: ptr("Government of Burma"), Kind: ptr("GOVERNMENT"), Country: store.Opt[string]{Set: true, Value: ptr("MM")}},
		{Slug: ptr("gov-us"), Name: ptr("Government of the United States"), Kind: ptr("GOVERNMENT"), Country: store.Opt[string]{Set: true, Value: ptr("US")}},
		{Slug: ptr("exit"), Name: ptr("MTV EXIT"), Kind: ptr("MEDIA"), Country: store.Opt[string]{Set: true, Value: ptr("US")}},
	} {
		must(t, st, platform, func(tx *store.Tx) (*models.Organization, error) { return tx.CreateOrganization(o) })
	}
	slugs := func(f store.OrganizationFilter, o store.Order) []string {
		t.Helper()
		p, err := st.Organizations(ctx, f, o, page.Request{Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.CountOrganizations(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if n != len(p.Items) {
			t.Errorf("CountOrganizations(%+v) = %d, the list has %d", f, n, len(p.Items))
		}
		var out []string
		for _, o := range p.Items {
			out = append(out, o.Slug)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.OrganizationFilter
		o    store.Order
		want []string
	}{
		{"all by name", store.OrganizationFilter{}, store.Order{Field: "NAME"}, []string{"gov-mm", "gov-us", "exit", "operator"}},
		{"by name, descending", store.OrganizationFilter{}, store.Order{Field: "NAME", Desc: true}, []string{"operator", "exit", "gov-us", "gov-mm"}},
		{"governments", store.OrganizationFilter{Kinds: []string{"GOVERNMENT"}}, store.Order{Field: "NAME"}, []string{"gov-mm", "gov-us"}},
		{"of the US", store.OrganizationFilter{CountryCode: "US"}, store.Order{Field: "NAME"}, []string{"gov-us", "exit"}},
		{"media of MM", store.OrganizationFilter{Kinds: []string{"MEDIA"}, CountryCode: "MM"}, store.Order{Field: "NAME"}, nil},
	} {
		if d := cmp.Diff(tc.want, slugs(tc.f, tc.o)); d != "" {
			t.Errorf("organizations, %s (-want +got):\n%s", tc.name, d)
		}
	}
	exit, err := st.OrganizationBySlug(ctx, "exit")
	if err != nil {
		t.Fatal(err)
	}
	byID, err := st.OrganizationsByID(ctx, []int64{exit.ID, exit.ID, 987654321})
	if err != nil || len(byID) != 1 || byID[exit.ID].Name != "MTV EXIT" {
		t.Errorf("OrganizationsByID = %v, %v", byID, err)
	}
	if _, err := st.OrganizationBySlug(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("OrganizationBySlug of an unknown slug: %v", err)
	}

	codes := func(f store.CountryFilter) []string {
		t.Helper()
		p, err := st.Countries(ctx, f, store.Order{Field: "CODE"}, page.Request{Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.CountCountries(ctx, f)
		if err != nil || n != len(p.Items) {
			t.Errorf("CountCountries(%+v) = %d, %v; the list has %d", f, n, err, len(p.Items))
		}
		var out []string
		for _, c := range p.Items {
			out = append(out, c.Code)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.CountryFilter
		want []string
	}{
		{"all", store.CountryFilter{}, []string{"MM", "TH", "US"}},
		{"ASEAN", store.CountryFilter{AseanMember: ptr(true)}, []string{"MM", "TH"}},
		{"not ASEAN", store.CountryFilter{AseanMember: ptr(false)}, []string{"US"}},
		{"by alias", store.CountryFilter{Search: "burm"}, []string{"MM"}},
		{"by code", store.CountryFilter{Search: "th"}, []string{"TH"}},
		{"by part of a name", store.CountryFilter{Search: "LAND"}, []string{"TH"}},
		{"a percent sign is literal", store.CountryFilter{Search: "%"}, []string{"US"}},
		{"an underscore is literal", store.CountryFilter{Search: "0_"}, nil},
		{"nothing", store.CountryFilter{Search: "narnia"}, nil},
	} {
		if d := cmp.Diff(tc.want, codes(tc.f)); d != "" {
			t.Errorf("countries, %s (-want +got):\n%s", tc.name, d)
		}
	}
	for name, want := range map[string]string{"MM": "MM", "mm": "MM", "myanmar": "MM", "BURMA": "MM", "u.s.": "US"} {
		c, err := st.FindCountry(ctx, name)
		if err != nil || c.Code != want {
			t.Errorf("FindCountry(%q) = %v, %v; want %s", name, c, err, want)
		}
	}
	if _, err := st.FindCountry(ctx, "Narnia"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("FindCountry of an unknown country: %v, want ErrInvalid", err)
	}
	byCode, err := st.CountriesByCode(ctx, []string{"US", "ZZ"})
	if err != nil || len(byCode) != 1 || byCode["US"].Name != "United States" {
		t.Errorf("CountriesByCode = %v, %v", byCode, err)
	}
}
