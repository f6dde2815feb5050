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

// translationsOf reads a record's translations as "FIELD lang: text vN".
func translationsOf(t *testing.T, st *store.Store, kind string, id int64) []string {
	t.Helper()
	k := store.TranslationKey{Kind: kind, ID: id}
	got, err := st.TranslationsOf(context.Background(), []store.TranslationKey{k})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tr := range got[k] {
		out = append(out, tr.Field+" "+tr.Language+": "+tr.Text+" v"+string(rune('0'+tr.Version)))
	}
	return out
}

func text(s string) *string { return &s }

// TestSetTranslations writes, replaces and removes translations of a campaign, canonical
// language tags, a digest of the original, and the original language's own change.
func TestSetTranslations(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	c := must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.CreateCampaign(store.CampaignInput{Slug: w.slugp("c"), Name: ptr("Youth against trafficking"), Status: ptr("ACTIVE")})
	})
	set := func(by auth.Caller, in store.TranslationsInput) error {
		_, err := write(t, w.st, by, func(tx *store.Tx) (string, error) { return tx.SetTranslations(in) })
		return err
	}
	campaign := func(tr ...store.TranslationInput) store.TranslationsInput {
		return store.TranslationsInput{Kind: store.TranslateCampaign, ID: c.ID, Translations: tr}
	}
	wantErr(t, "write", set(w.owner, campaign(
		store.TranslationInput{Field: "NAME", Language: "my", Text: text("လူကုန်ကူးမှု")},
		store.TranslationInput{Field: "NAME", Language: "TH", Text: text("เยาวชน")},
	)), nil)
	wantErr(t, "replace one, remove the other", set(w.owner, campaign(
		store.TranslationInput{Field: "NAME", Language: "my", Text: text("လူငယ်")},
		store.TranslationInput{Field: "NAME", Language: "th"},
	)), nil)
	if d := cmp.Diff([]string{"NAME my: လူငယ် v2"}, translationsOf(t, w.st, store.TranslateCampaign, c.ID)); d != "" {
		t.Errorf("translations (-want +got):\n%s", d)
	}
	got, err := w.st.TranslationsOf(context.Background(), []store.TranslationKey{{Kind: store.TranslateCampaign, ID: c.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if tr := got[store.TranslationKey{Kind: store.TranslateCampaign, ID: c.ID}][0]; tr.SourceMD5 != models.TextDigest("Youth against trafficking") ||
		tr.SourceVersion == nil || *tr.SourceVersion != 1 || tr.Origin != "PARTNER" {
		t.Errorf("translation = %+v, want the digest of the name at version 1, by a partner", tr)
	}

	for _, tc := range []struct {
		name string
		by   auth.Caller
		in   store.TranslationsInput
		want any
	}{
		{"a field the kind has not", w.owner, campaign(store.TranslationInput{Field: "TITLE", Language: "my", Text: text("x")}),
			map[string]string{"input.translations.0.field": "INVALID"}},
		{"a field with no original", w.owner, campaign(store.TranslationInput{Field: "SUMMARY", Language: "my", Text: text("x")}),
			map[string]string{"input.translations.0.field": "INVALID"}},
		{"a bad tag", w.owner, campaign(store.TranslationInput{Field: "NAME", Language: "not a tag", Text: text("x")}),
			map[string]string{"input.translations.0.language": "INVALID"}},
		{"twice", w.owner, campaign(store.TranslationInput{Field: "NAME", Language: "th", Text: text("x")}, store.TranslationInput{Field: "NAME", Language: "TH", Text: text("y")}),
			map[string]string{"input.translations.1": "INVALID"}},
		{"empty text", w.owner, campaign(store.TranslationInput{Field: "NAME", Language: "th", Text: text("")}),
			map[string]string{"input.translations.0.text": "REQUIRED"}},
		{"the original language", w.owner, campaign(store.TranslationInput{Field: "NAME", Language: "en", Text: text("x")}),
			map[string]string{"input.translations": "INVALID"}},
		{"an original language that has a translation", w.owner, store.TranslationsInput{Kind: store.TranslateCampaign, ID: c.ID, OriginalLanguage: ptr("my")},
			map[string]string{"input.translations": "INVALID"}},
		{"too many", w.owner, campaign(make([]store.TranslationInput, 51)...), map[string]string{"input.translations": "LENGTH"}},
		{"an unknown kind", w.owner, store.TranslationsInput{Kind: "ORGANIZATION", ID: c.ID}, store.ErrInvalid},
		{"stranger", w.stranger, campaign(store.TranslationInput{Field: "NAME", Language: "th", Text: text("x")}), auth.ErrForbidden},
		{"unknown campaign", w.owner, store.TranslationsInput{Kind: store.TranslateCampaign, ID: 987654321}, store.ErrNotFound},
	} {
		wantErr(t, tc.name, set(tc.by, tc.in), tc.want)
	}
	if d := cmp.Diff([]string{"NAME my: လူငယ် v2"}, translationsOf(t, w.st, store.TranslateCampaign, c.ID)); d != "" {
		t.Errorf("translations after refusals (-want +got):\n%s", d)
	}
	wantErr(t, "original language", set(w.owner, store.TranslationsInput{Kind: store.TranslateCampaign, ID: c.ID, OriginalLanguage: ptr("th")}), nil)
	if got := readCampaign(t, w.st, c.ID); got.OriginalLanguage != "th" || got.Version != 2 {
		t.Errorf("campaign after a change of language: %s at version %d, want th at 2", got.OriginalLanguage, got.Version)
	}
}

// TestSetTranslationsOfEachKind translates an event, a network and an indicator, each
// through the right to edit it.
func TestSetTranslationsOfEachKind(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	c := w.campaign(t, "c", "ACTIVE")
	e := w.event(t, w.owner, c, time.Date(2031, 1, 1, 10, 0, 0, 0, time.UTC), store.EventInput{Title: ptr("Concert")})
	n := must(t, w.st, w.owner, func(tx *store.Tx) (*models.YouthNetwork, error) {
		return tx.CreateYouthNetwork(store.NetworkInput{Slug: w.slugp("n"), Name: ptr("Net"), Scope: "REGIONAL"})
	})
	ind := must(t, w.st, w.owner, func(tx *store.Tx) (*models.Indicator, error) {
		return tx.RecordIndicatorValues(store.IndicatorValuesInput{CampaignID: c.ID, Code: "reach", Name: ptr("Reach"), Unit: ptr("PEOPLE"),
			Start: year(2012), End: year(2012), Actual: ptr(1.0)})
	})
	for _, tc := range []struct {
		kind, field string
		id          int64
	}{
		{store.TranslateEvent, "TITLE", e.ID},
		{store.TranslateNetwork, "NAME", n.ID},
		{store.TranslateIndicator, "NAME", ind.ID},
	} {
		in := store.TranslationsInput{Kind: tc.kind, ID: tc.id, Translations: []store.TranslationInput{{Field: tc.field, Language: "id", Text: text("Teks")}}}
		_, err := write(t, w.st, w.stranger, func(tx *store.Tx) (string, error) { return tx.SetTranslations(in) })
		if tc.kind == store.TranslateEvent {
			// The event is a draft: to a stranger it does not exist.
			wantErr(t, tc.kind+" by a stranger", err, store.ErrNotFound)
		} else {
			wantErr(t, tc.kind+" by a stranger", err, auth.ErrForbidden)
		}
		id, err := write(t, w.st, w.owner, func(tx *store.Tx) (string, error) { return tx.SetTranslations(in) })
		wantErr(t, tc.kind, err, nil)
		if id == "" {
			t.Errorf("%s: no global ID", tc.kind)
		}
		if d := cmp.Diff([]string{tc.field + " id: Teks v1"}, translationsOf(t, w.st, tc.kind, tc.id)); d != "" {
			t.Errorf("%s translations (-want +got):\n%s", tc.kind, d)
		}
	}
	if got := readEvent(t, w.st, e.ID); got.Version != 1 {
		t.Errorf("a translation changed the event's version to %d", got.Version)
	}
}
