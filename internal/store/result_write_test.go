package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestCreateResult records results of a campaign and reads them back in order; a title is
// required and the caller must be able to edit the campaign.
func TestCreateResult(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	c := w.campaign(t, "c", "ACTIVE")
	draft := w.campaign(t, "draft", "DRAFT")
	create := func(by auth.Caller, in store.ResultInput) (*models.Result, error) {
		return write(t, w.st, by, func(tx *store.Tx) (*models.Result, error) { return tx.CreateResult(in) })
	}
	first, err := create(w.owner, store.ResultInput{CampaignID: c.ID, Type: "OUTCOME", Title: "Youth reached", Description: ptr("D"), AggregationStatus: true})
	wantErr(t, "first", err, nil)
	second, err := create(w.owner, store.ResultInput{CampaignID: c.ID, Type: "IMPACT", Title: "Fewer trafficked"})
	wantErr(t, "second", err, nil)
	for _, tc := range []struct {
		name string
		by   auth.Caller
		in   store.ResultInput
		want any
	}{
		{"no title", w.owner, store.ResultInput{CampaignID: c.ID, Type: "OUTPUT", Title: " "}, map[string]string{"input.title": "REQUIRED"}},
		{"long description", w.owner, store.ResultInput{CampaignID: c.ID, Type: "OUTPUT", Title: "T", Description: ptr(string(make([]rune, 5001)))},
			map[string]string{"input.description": "INVALID"}},
		{"stranger", w.stranger, store.ResultInput{CampaignID: c.ID, Type: "OUTPUT", Title: "T"}, auth.ErrForbidden},
		{"another's draft", w.stranger, store.ResultInput{CampaignID: draft.ID, Type: "OUTPUT", Title: "T"}, store.ErrNotFound},
		{"viewer", w.viewer, store.ResultInput{CampaignID: c.ID, Type: "OUTPUT", Title: "T"}, auth.ErrForbidden},
	} {
		_, err := create(tc.by, tc.in)
		wantErr(t, tc.name, err, tc.want)
	}
	got, err := w.st.Results(ctx, []int64{c.ID, draft.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]*models.Result{
		c.ID: {
			{ID: first.ID, CampaignID: c.ID, Type: "OUTCOME", Title: "Youth reached", Description: ptr("D"), AggregationStatus: true},
			{ID: second.ID, CampaignID: c.ID, Type: "IMPACT", Title: "Fewer trafficked"},
		},
		draft.ID: {},
	}
	if d := cmp.Diff(want, got, cmpIgnoreTimes); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
	byID, err := w.st.ResultsByID(ctx, []int64{second.ID, 987654321})
	if err != nil || len(byID) != 1 || byID[second.ID].Title != "Fewer trafficked" {
		t.Errorf("ResultsByID = %v, %v", byID, err)
	}
}
