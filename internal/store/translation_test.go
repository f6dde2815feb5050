package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/store"
	"campaigns/models"
)

// TestTranslationsOfManyRecords reads the translations of several records of different
// kinds in one call: each record's own, in field and language order, an empty list for a
// record without any, and nothing of a record of the same ID but another kind.
func TestTranslationsOfManyRecords(t *testing.T) {
	t.Parallel()
	w := newOwnCampaignWorld(t)
	ctx := context.Background()
	c := must(t, w.st, w.owner, func(tx *store.Tx) (*models.Campaign, error) {
		return tx.CreateCampaign(store.CampaignInput{Slug: ptr("c"), Name: ptr("C"), Summary: store.Opt[string]{Set: true, Value: ptr("S")}})
	})
	bare := w.campaign(t, "bare", "DRAFT")
	n := must(t, w.st, w.owner, func(tx *store.Tx) (*models.YouthNetwork, error) {
		return tx.CreateYouthNetwork(store.NetworkInput{Slug: ptr("n"), Name: ptr("N"), Scope: "REGIONAL"})
	})
	if n.ID != c.ID {
		t.Fatalf("the network has ID %d, the campaign %d: the test wants them equal", n.ID, c.ID)
	}
	must(t, w.st, w.owner, func(tx *store.Tx) (string, error) {
		return tx.SetTranslations(store.TranslationsInput{Kind: store.TranslateCampaign, ID: c.ID, Translations: []store.TranslationInput{
			{Field: "SUMMARY", Language: "th", Text: text("s-th")},
			{Field: "NAME", Language: "th", Text: text("n-th")},
			{Field: "NAME", Language: "id", Text: text("n-id")},
		}})
	})
	must(t, w.st, w.owner, func(tx *store.Tx) (string, error) {
		return tx.SetTranslations(store.TranslationsInput{Kind: store.TranslateNetwork, ID: n.ID, Translations: []store.TranslationInput{
			{Field: "NAME", Language: "my", Text: text("net-my")},
		}})
	})
	keys := []store.TranslationKey{
		{Kind: store.TranslateCampaign, ID: c.ID}, {Kind: store.TranslateCampaign, ID: bare.ID},
		{Kind: store.TranslateNetwork, ID: n.ID}, {Kind: store.TranslateEvent, ID: c.ID},
	}
	got, err := w.st.TranslationsOf(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[store.TranslationKey][]string{}
	for k, ts := range got {
		texts[k] = []string{}
		for _, tr := range ts {
			texts[k] = append(texts[k], tr.Field+"/"+tr.Language+"/"+tr.Text)
		}
	}
	want := map[store.TranslationKey][]string{
		keys[0]: {"NAME/id/n-id", "NAME/th/n-th", "SUMMARY/th/s-th"},
		keys[1]: {}, keys[2]: {"NAME/my/net-my"}, keys[3]: {},
	}
	if d := cmp.Diff(want, texts); d != "" {
		t.Errorf("translations (-want +got):\n%s", d)
	}
	if got, err := w.st.TranslationsOf(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("translations of no records: %v, %v", got, err)
	}
	for kind, want := range map[string][]string{
		store.TranslateCampaign: {"NAME", "SUMMARY", "DESCRIPTION"}, store.TranslateEvent: {"TITLE", "SUMMARY", "DESCRIPTION"},
		store.TranslateNetwork: {"NAME", "DESCRIPTION"}, store.TranslateIndicator: {"NAME", "DESCRIPTION"}, "ORGANIZATION": nil,
	} {
		if d := cmp.Diff(want, store.TranslatableFields(kind)); d != "" {
			t.Errorf("TranslatableFields(%s) (-want +got):\n%s", kind, d)
		}
	}
}
