package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/store"
	"campaigns/models"
)

// TestIndicatorReads reads indicators by campaign in the order recorded, by ID, and their
// periods oldest first whatever order they were recorded in, with empty lists for keys
// that have none.
func TestIndicatorReads(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	a, b := w.campaign(t, "a", "ACTIVE"), w.campaign(t, "b", "ACTIVE")
	record := func(c *models.Campaign, code string, start int) *models.Indicator {
		return must(t, w.st, w.owner, func(tx *store.Tx) (*models.Indicator, error) {
			return tx.RecordIndicatorValues(store.IndicatorValuesInput{CampaignID: c.ID, Code: code, Name: ptr(code), Unit: ptr("COUNT"),
				Start: year(start), End: year(start), Actual: ptr(float64(start))})
		})
	}
	second := record(a, "second", 2013)
	record(a, "second", 2011)
	first := record(a, "first", 2012)
	record(a, "second", 2012)
	ids := func(m map[int64][]*models.Indicator) map[int64][]string {
		out := map[int64][]string{}
		for k, is := range m {
			out[k] = []string{}
			for _, i := range is {
				out[k] = append(out[k], i.Code)
			}
		}
		return out
	}
	got, err := w.st.Indicators(ctx, []int64{a.ID, b.ID})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[int64][]string{a.ID: {"second", "first"}, b.ID: {}}, ids(got)); d != "" {
		t.Errorf("indicators by campaign (-want +got):\n%s", d)
	}
	byID, err := w.st.IndicatorsByID(ctx, []int64{first.ID, 987654321})
	if err != nil || len(byID) != 1 || byID[first.ID].Code != "first" || byID[first.ID].Measure != "UNIT" || !byID[first.ID].Ascending {
		t.Errorf("IndicatorsByID = %+v, %v", byID, err)
	}
	periods, err := w.st.IndicatorPeriods(ctx, []int64{second.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	var actuals []float64
	for _, p := range periods[second.ID] {
		actuals = append(actuals, *p.Actual)
	}
	if d := cmp.Diff([]float64{2011, 2012, 2013}, actuals); d != "" || len(periods[987654321]) != 0 {
		t.Errorf("periods oldest first (-want +got):\n%s", d)
	}
	if got, err := w.st.Indicators(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("indicators of no campaigns: %v, %v", got, err)
	}
}
