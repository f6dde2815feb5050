package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestSeedVersionsRunsEachOnceInOrder loads a seed in versions as releases add them: each
// version runs once, in order, and a version that fails takes the whole load with it.
func TestSeedVersionsRunsEachOnceInOrder(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	var order []string
	step := func(v, slug string) store.SeedStep {
		return store.SeedStep{Version: v, Load: func(w *store.Writer) error {
			order = append(order, v)
			return w.Insert(&models.Organization{Slug: slug, Name: slug, Kind: "OTHER"})
		}}
	}
	a, b := step("a", "org-a"), step("b", "org-b")
	for _, tc := range []struct {
		steps []store.SeedStep
		want  []string
	}{
		{[]store.SeedStep{a}, []string{"a"}},
		{[]store.SeedStep{a, b}, []string{"b"}},
		{[]store.SeedStep{a, b}, nil},
	} {
		ran, err := st.SeedVersions(ctx, tc.steps)
		if err != nil || !slices.Equal(ran, tc.want) {
			t.Fatalf("SeedVersions = %v, %v; want %v", ran, err, tc.want)
		}
	}
	if !slices.Equal(order, []string{"a", "b"}) {
		t.Errorf("ran %v, want a then b, once each", order)
	}

	boom := errors.New("boom")
	c := step("c", "org-c")
	_, err := st.SeedVersions(ctx, []store.SeedStep{a, b, c, {Version: "d", Load: func(*store.Writer) error { return boom }}})
	if !errors.Is(err, boom) {
		t.Fatalf("a failing version: %v, want boom", err)
	}
	if _, err := st.OrganizationBySlug(ctx, "org-c"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the version before the failing one was kept: %v", err)
	}
	if ran, err := st.SeedVersions(ctx, []store.SeedStep{c}); err != nil || !slices.Equal(ran, []string{"c"}) {
		t.Errorf("after the failure, c = %v, %v; want it to run, unrecorded before", ran, err)
	}
}

// TestSeedAmendsOnlyWhatIsUnchanged sets owners, websites and translations as a later version
// of a seed does: each only where the earlier seed's value still stands.
func TestSeedAmendsOnlyWhatIsUnchanged(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	const src = "the fact sheet"
	_, err := st.SeedOnce(ctx, "v1", func(w *store.Writer) error {
		orgs := []*models.Organization{
			{Slug: "owner", Name: "Owner", Kind: "OTHER", Source: ptr(src)},
			{Slug: "chosen", Name: "Chosen", Kind: "OTHER", Source: ptr("a partner's note")},
		}
		for _, o := range orgs {
			if err := w.Insert(o); err != nil {
				return err
			}
		}
		for _, c := range []*models.Campaign{
			{Slug: "free", Name: "Free", Status: "ACTIVE", StartPrecision: "DAY", EndPrecision: "DAY", Source: ptr(src)},
			{Slug: "taken", Name: "Taken", Status: "ACTIVE", StartPrecision: "DAY", EndPrecision: "DAY", Source: ptr(src), OwnerID: &orgs[1].ID},
		} {
			if err := w.Insert(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var freeID int64
	_, err = st.SeedOnce(ctx, "v2", func(w *store.Writer) error {
		for _, tc := range []struct {
			slug string
			want bool
		}{{"free", true}, {"taken", false}, {"gone", false}} {
			if changed, err := w.SetSeededCampaignOwner(tc.slug, "owner", src, src+"; owner: why"); err != nil || changed != tc.want {
				t.Errorf("owner of %s: %v, %v; want %v", tc.slug, changed, err, tc.want)
			}
		}
		if changed, err := w.SetSeededWebsite("chosen", "https://chosen.example.org", src, src+"; website: why"); err != nil || !changed {
			t.Errorf("website of chosen: %v, %v", changed, err)
		}
		free, err := w.CampaignBySlug("free")
		if err != nil || free == nil || free.Version != 2 || free.Source == nil || *free.Source != src+"; owner: why" {
			t.Fatalf("free after its owner = %+v, %v; want version 2 and the new source", free, err)
		}
		freeID = free.ID
		if gone, err := w.CampaignBySlug("gone"); gone != nil || err != nil {
			t.Errorf("CampaignBySlug(gone) = %+v, %v; want nil, nil", gone, err)
		}
		tr := func(text, origin string) models.Translation {
			return models.Translation{EntityType: "CAMPAIGN", EntityID: free.ID, Field: "NAME", Language: "km", Text: text,
				SourceMD5: models.TextDigest("Free"), Version: 1, Origin: origin}
		}
		if err := w.AddTranslations([]models.Translation{tr("partner's", models.TranslationByPartner)}); err != nil {
			return err
		}
		return w.AddTranslations([]models.Translation{tr("seed's", models.TranslationForSeed)})
	})
	if err != nil {
		t.Fatal(err)
	}
	chosen, err := st.OrganizationBySlug(ctx, "chosen")
	if err != nil || chosen.Website == nil || *chosen.Website != "https://chosen.example.org" || *chosen.Source != "a partner's note" {
		t.Errorf("chosen = %+v, %v; want the website and the partner's own source", chosen, err)
	}
	trs, err := st.TranslationsOf(ctx, []store.TranslationKey{{Kind: "CAMPAIGN", ID: freeID}})
	if err != nil {
		t.Fatal(err)
	}
	if got := trs[store.TranslationKey{Kind: "CAMPAIGN", ID: freeID}]; len(got) != 1 || got[0].Text != "partner's" || got[0].Origin != models.TranslationByPartner {
		t.Errorf("translations = %+v; want the partner's alone", got)
	}
}

func ptr[T any](v T) *T { return &v }
