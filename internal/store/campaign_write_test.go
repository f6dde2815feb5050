package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/store"
	"campaigns/models"
)

func readCampaign(t *testing.T, st *store.Store, id int64) *models.Campaign {
	t.Helper()
	got, err := st.CampaignsByID(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	if got[id] == nil {
		t.Fatalf("campaign %d is not in the table", id)
	}
	return got[id]
}

func countriesOf(t *testing.T, st *store.Store, id int64) []string {
	t.Helper()
	got, err := st.CampaignCountries(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, c := range got[id] {
		codes = append(codes, c.CountryCode)
	}
	return codes
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestCreateCampaignStoresItsFields creates a campaign with every field and reads it back,
// its countries found by code, name and alias and stored once each.
func TestCreateCampaignStoresItsFields(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	c := must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.CreateCampaign(store.CampaignInput{
			Slug: w.slugp("exit-2013"), Name: ptr("EXIT 2013"), Summary: store.Opt[string]{Set: true, Value: ptr("S")},
			Themes: []string{"SEX_TRAFFICKING"}, ThemesSet: true, Objectives: []string{"Reach youth"}, ObjectivesSet: true,
			StartsOn:  store.Opt[models.PartialDate]{Set: true, Value: &models.PartialDate{Date: day(2013, 1, 1), Precision: models.PrecisionYear}},
			EndsOn:    store.Opt[models.PartialDate]{Set: true, Value: &models.PartialDate{Date: day(2013, 12, 1), Precision: models.PrecisionMonth}},
			Countries: []string{"th", "Burma", "Myanmar"}, CountriesSet: true,
		})
	})
	got := readCampaign(t, w.st, c.ID)
	want := models.Campaign{ID: c.ID, Slug: w.slug("exit-2013"), Name: "EXIT 2013", Summary: ptr("S"), Status: "DRAFT",
		FocusList: models.StringList{}, ThemesList: models.StringList{"SEX_TRAFFICKING"}, AudiencesList: models.StringList{}, ObjectivesList: models.StringList{"Reach youth"},
		StartDate: ptr(day(2013, 1, 1)), StartPrecision: "YEAR", EndDate: ptr(day(2013, 12, 1)), EndPrecision: "MONTH",
		OwnerID: &w.owner.OrgID, Version: 1, OriginalLanguage: "en"}
	if d := cmp.Diff(want, *got, cmpIgnoreTimes, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
		t.Errorf("stored campaign (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"MM", "TH"}, countriesOf(t, w.st, c.ID)); d != "" {
		t.Errorf("countries (-want +got):\n%s", d)
	}
	bySlug, err := w.st.CampaignBySlug(context.Background(), w.slug("exit-2013"))
	if err != nil || bySlug.ID != c.ID {
		t.Errorf("CampaignBySlug = %v, %v", bySlug, err)
	}
	if _, err := w.st.CampaignBySlug(context.Background(), "nothing"); !errorsIs(err, store.ErrNotFound) {
		t.Errorf("CampaignBySlug of an unknown slug: %v", err)
	}
}

// TestCreateCampaignRefuses checks each refusal of a new campaign.
func TestCreateCampaignRefuses(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	parent := w.campaign(t, "parent", "ACTIVE")
	draft := w.campaign(t, "hidden", "DRAFT")
	in := func(slug string, f func(*store.CampaignInput)) store.CampaignInput {
		in := store.CampaignInput{Slug: w.slugp(slug), Name: ptr("N")}
		if f != nil {
			f(&in)
		}
		return in
	}
	for _, tc := range []struct {
		name string
		c    auth.Caller
		in   store.CampaignInput
		want any
	}{
		{"nothing", w.owner, store.CampaignInput{}, map[string]string{"input.slug": "REQUIRED,INVALID", "input.name": "REQUIRED,REQUIRED"}},
		{"taken slug", w.owner, in("parent", nil), map[string]string{"input.slug": "TAKEN"}},
		{"bad slug", w.owner, in("Bad Slug", nil), map[string]string{"input.slug": "INVALID"}},
		{"end before start", w.owner, in("dates", func(in *store.CampaignInput) {
			in.StartsOn = store.Opt[models.PartialDate]{Set: true, Value: &models.PartialDate{Date: day(2013, 6, 1), Precision: models.PrecisionDay}}
			in.EndsOn = store.Opt[models.PartialDate]{Set: true, Value: &models.PartialDate{Date: day(2013, 1, 1), Precision: models.PrecisionYear}}
		}), map[string]string{"input.endsOn": "END_BEFORE_START"}},
		{"objectives", w.owner, in("objectives", func(in *store.CampaignInput) {
			in.Objectives, in.ObjectivesSet = append(make([]string, 50), ""), true
		}), nil},
		{"unknown country", w.owner, in("countries", func(in *store.CampaignInput) { in.Countries = []string{"MM", "Narnia"} }),
			map[string]string{"input.countries.1": "UNKNOWN_COUNTRY"}},
		{"unknown parent", w.owner, in("orphan", func(in *store.CampaignInput) { in.ParentID = 987654321 }), map[string]string{"input.parent": "NOT_FOUND"}},
		{"a draft parent of another", w.stranger, in("child", func(in *store.CampaignInput) { in.ParentID = draft.ID }), map[string]string{"input.parent": "NOT_FOUND"}},
		{"a public parent of another", w.stranger, in("child", func(in *store.CampaignInput) { in.ParentID = parent.ID }), auth.ErrForbidden},
		{"viewer", w.viewer, in("viewed", nil), auth.ErrForbidden},
		{"anonymous", auth.Caller{}, in("anon", nil), auth.ErrUnauthenticated},
		{"child", w.owner, in("child", func(in *store.CampaignInput) { in.ParentID = parent.ID }), nil},
	} {
		_, err := write(t, w.st, tc.c, func(tx *store.Tx) (*models.Campaign, error) { return tx.CreateCampaign(tc.in) })
		if tc.name == "objectives" {
			// Fifty-one objectives, every one of them empty: each is named, and their number.
			if got := codes(err); len(got) != 52 || got["input.objectives"] != "LENGTH" || got["input.objectives.50"] != "REQUIRED" {
				t.Errorf("objectives: %d problems: %v", len(got), err)
			}
			continue
		}
		wantErr(t, tc.name, err, tc.want)
	}
	child, err := w.st.CampaignBySlug(context.Background(), w.slug("child"))
	if err != nil || child.ParentID == nil || *child.ParentID != parent.ID {
		t.Errorf("child campaign = %+v, %v; want under %d", child, err, parent.ID)
	}
}

// TestUpdateCampaign changes a campaign at its version, replaces its countries, and archives
// it; a partner granted edit may change it, others may not.
func TestUpdateCampaign(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	c := must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.CreateCampaign(store.CampaignInput{Slug: w.slugp("c"), Name: ptr("C"), Status: ptr("ACTIVE"), Countries: []string{"MM"}})
	})
	w.campaign(t, "taken", "ACTIVE")
	update := func(by auth.Caller, version int32, in store.CampaignInput) error {
		_, err := write(t, w.st, by, func(tx *store.Tx) (*models.Campaign, error) { return tx.UpdateCampaign(c.ID, version, in) })
		return err
	}
	wantErr(t, "rename", update(w.owner, 1, store.CampaignInput{Name: ptr("Renamed"), Countries: []string{"TH"}, CountriesSet: true}), nil)
	if got := readCampaign(t, w.st, c.ID); got.Name != "Renamed" || got.Slug != w.slug("c") || got.Version != 2 {
		t.Errorf("renamed campaign: %q %q version %d", got.Name, got.Slug, got.Version)
	}
	if d := cmp.Diff([]string{"TH"}, countriesOf(t, w.st, c.ID)); d != "" {
		t.Errorf("countries after replacing (-want +got):\n%s", d)
	}
	wantErr(t, "keep countries", update(w.owner, 2, store.CampaignInput{Summary: store.Opt[string]{Set: true, Value: ptr("S")}}), nil)
	if d := cmp.Diff([]string{"TH"}, countriesOf(t, w.st, c.ID)); d != "" {
		t.Errorf("countries after a change that leaves them (-want +got):\n%s", d)
	}
	for _, tc := range []struct {
		name    string
		by      auth.Caller
		version int32
		in      store.CampaignInput
		want    any
	}{
		{"stale", w.owner, 2, store.CampaignInput{Name: ptr("X")}, store.ErrConflict},
		{"taken slug", w.owner, 3, store.CampaignInput{Slug: w.slugp("taken")}, map[string]string{"input.slug": "TAKEN"}},
		{"empty name", w.owner, 3, store.CampaignInput{Name: ptr("")}, map[string]string{"input.name": "REQUIRED"}},
		{"stranger", w.stranger, 3, store.CampaignInput{Name: ptr("X")}, auth.ErrForbidden},
		{"partner without grant", w.partner, 3, store.CampaignInput{Name: ptr("X")}, auth.ErrForbidden},
	} {
		wantErr(t, tc.name, update(tc.by, tc.version, tc.in), tc.want)
	}
	must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.AddCampaignPartner(store.PartnerInput{CampaignID: c.ID, OrganizationID: w.partner.OrgID, Role: "IMPLEMENTER", CanEdit: true})
	})
	wantErr(t, "granted partner", update(w.partner, 3, store.CampaignInput{Name: ptr("By partner")}), nil)
	archived, err := write(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) { return tx.ArchiveCampaign(c.ID, 4) })
	wantErr(t, "archive", err, nil)
	if got := readCampaign(t, w.st, c.ID); got.Status != "ARCHIVED" || got.Name != "By partner" || got.Version != 5 || archived.Version != 5 {
		t.Errorf("archived campaign: %s %q version %d", got.Status, got.Name, got.Version)
	}
	if _, err := write(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.UpdateCampaign(987654321, 1, store.CampaignInput{})
	}); !errorsIs(err, store.ErrNotFound) {
		t.Errorf("update of an unknown campaign: %v", err)
	}
	if got := readCampaign(t, w.st, c.ID).Slug; got != w.slug("c") {
		t.Errorf("the slug changed to %q", got)
	}
}
