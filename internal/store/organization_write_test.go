package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestUpsertCountry creates a country, changes it keeping what the change leaves out, and
// refuses a malformed one and a caller below platform.
func TestUpsertCountry(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	platform := callerOf(t, st, "operator", auth.RolePlatform)
	admin := callerOf(t, st, "operator", auth.RoleAdmin)
	upsert := func(c auth.Caller, in store.CountryInput) (*models.Country, error) {
		return write(t, st, c, func(tx *store.Tx) (*models.Country, error) { return tx.UpsertCountry(in) })
	}
	_, err := upsert(platform, store.CountryInput{Code: "MM", Name: "Burma", Aliases: []string{"Myanma"}, AliasesSet: true, AseanMember: ptr(true)})
	wantErr(t, "create", err, nil)
	_, err = upsert(platform, store.CountryInput{Code: "MM", Name: "Myanmar"})
	wantErr(t, "rename", err, nil)
	got, err := st.CountriesByCode(ctx, []string{"MM", "ZZ"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]*models.Country{"MM": {Code: "MM", Name: "Myanmar", AliasList: models.StringList{"Myanma"}, AseanMember: true}}, got, cmpIgnoreTimes); d != "" {
		t.Errorf("country after a change of name (-want +got):\n%s", d)
	}
	many := make([]string, 21)
	for i := range many {
		many[i] = "a"
	}
	for _, tc := range []struct {
		name string
		c    auth.Caller
		in   store.CountryInput
		want any
	}{
		{"lower case", platform, store.CountryInput{Code: "mm", Name: "X"}, map[string]string{"input.code": "INVALID"}},
		{"three letters", platform, store.CountryInput{Code: "MMR", Name: "X"}, map[string]string{"input.code": "INVALID"}},
		{"no name", platform, store.CountryInput{Code: "TH", Name: ""}, map[string]string{"input.name": "REQUIRED"}},
		{"too many aliases", platform, store.CountryInput{Code: "TH", Name: "T", Aliases: many, AliasesSet: true}, map[string]string{"input.aliases": "LENGTH"}},
		{"empty alias", platform, store.CountryInput{Code: "TH", Name: "T", Aliases: []string{"Siam", ""}, AliasesSet: true}, map[string]string{"input.aliases.1": "REQUIRED"}},
		{"admin", admin, store.CountryInput{Code: "TH", Name: "Thailand"}, auth.ErrForbidden},
	} {
		_, err := upsert(tc.c, tc.in)
		wantErr(t, tc.name, err, tc.want)
	}
	if got, _ := st.CountriesByCode(ctx, []string{"TH"}); len(got) != 0 {
		t.Errorf("a refused country was stored: %+v", got["TH"])
	}
}

// TestOrganizationWrites creates and changes organizations as a platform operator: the
// country by name, the slug unique, a change that leaves a field out keeps it.
func TestOrganizationWrites(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	platform := w.caller(t, "operator", auth.RolePlatform)
	create := func(c auth.Caller, in store.OrganizationInput) (*models.Organization, error) {
		return write(t, w.st, c, func(tx *store.Tx) (*models.Organization, error) { return tx.CreateOrganization(in) })
	}
	o, err := create(platform, store.OrganizationInput{Slug: w.slugp("mtv-exit"), Name: ptr("MTV EXIT"), Kind: ptr("MEDIA"),
		Country: store.Opt[string]{Set: true, Value: ptr("burma")}, Website: store.Opt[string]{Set: true, Value: ptr("https://mtvexit.org")}})
	wantErr(t, "create", err, nil)
	got, err := w.st.OrganizationBySlug(ctx, w.slug("mtv-exit"))
	if err != nil {
		t.Fatal(err)
	}
	want := models.Organization{ID: o.ID, Slug: w.slug("mtv-exit"), Name: "MTV EXIT", Kind: "MEDIA", CountryCode: ptr("MM"), Website: ptr("https://mtvexit.org")}
	if d := cmp.Diff(want, *got, cmpIgnoreTimes); d != "" {
		t.Errorf("stored organization (-want +got):\n%s", d)
	}
	for _, tc := range []struct {
		name string
		c    auth.Caller
		in   store.OrganizationInput
		want any
	}{
		{"taken slug", platform, store.OrganizationInput{Slug: w.slugp("owner"), Name: ptr("N"), Kind: ptr("MEDIA")}, map[string]string{"input.slug": "TAKEN"}},
		{"fields", platform, store.OrganizationInput{Slug: w.slugp("x"), Name: ptr(""), Kind: ptr("CLUB"),
			Country: store.Opt[string]{Set: true, Value: ptr("Atlantis")}, Website: store.Opt[string]{Set: true, Value: ptr("HTTPS://x.org")}},
			map[string]string{"input.name": "REQUIRED", "input.kind": "INVALID", "input.country": "UNKNOWN_COUNTRY", "input.website": "INVALID"}},
		{"an editor", w.owner, store.OrganizationInput{Slug: w.slugp("y"), Name: ptr("Y"), Kind: ptr("MEDIA")}, auth.ErrForbidden},
	} {
		_, err := create(tc.c, tc.in)
		wantErr(t, tc.name, err, tc.want)
	}
	update := func(id int64, in store.OrganizationInput) error {
		_, err := write(t, w.st, platform, func(tx *store.Tx) (*models.Organization, error) { return tx.UpdateOrganization(id, in) })
		return err
	}
	wantErr(t, "update", update(o.ID, store.OrganizationInput{Name: ptr("MTV EXIT Asia"), Country: store.Opt[string]{Set: true}}), nil)
	got, _ = w.st.OrganizationBySlug(ctx, w.slug("mtv-exit"))
	want.Name, want.CountryCode = "MTV EXIT Asia", nil
	if d := cmp.Diff(want, *got, cmpIgnoreTimes); d != "" {
		t.Errorf("changed organization (-want +got):\n%s", d)
	}
	wantErr(t, "slug taken", update(o.ID, store.OrganizationInput{Slug: w.slugp("partner")}), map[string]string{"input.slug": "TAKEN"})
	wantErr(t, "unknown", update(987654321, store.OrganizationInput{Name: ptr("X")}), store.ErrNotFound)
}
