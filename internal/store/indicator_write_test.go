package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/auth"
	"campaigns/internal/store"
	"campaigns/models"
)

func year(y int) models.PartialDate {
	return models.PartialDate{Date: day(y, 1, 1), Precision: models.PrecisionYear}
}

// TestRecordIndicatorValues records periods of an indicator: the first creates it with its
// name, unit and IATI fields, a later one keeps them, and each period is stored with its
// breakdowns, read back in their order.
func TestRecordIndicatorValues(t *testing.T) {
	t.Parallel()
	w := newCampaignWorld(t)
	ctx := context.Background()
	c := w.campaign(t, "c", "ACTIVE")
	other := w.campaign(t, "other", "ACTIVE")
	result := must(t, w.st, w.owner, func(tx *store.Tx) (*models.Result, error) {
		return tx.CreateResult(store.ResultInput{CampaignID: c.ID, Type: "OUTCOME", Title: "Youth reached"})
	})
	foreign := must(t, w.st, w.owner, func(tx *store.Tx) (*models.Result, error) {
		return tx.CreateResult(store.ResultInput{CampaignID: other.ID, Type: "OUTPUT", Title: "Elsewhere"})
	})
	record := func(by auth.Caller, in store.IndicatorValuesInput) (*models.Indicator, error) {
		if in.CampaignID == 0 {
			in.CampaignID = c.ID
		}
		return write(t, w.st, by, func(tx *store.Tx) (*models.Indicator, error) { return tx.RecordIndicatorValues(in) })
	}
	ind, err := record(w.owner, store.IndicatorValuesInput{Code: "reach", Name: ptr("Reach"), Unit: ptr("PEOPLE"), Start: year(2012), End: year(2012),
		Target: ptr(1000.0), ResultID: &result.ID, Ascending: ptr(false), BaselineYear: ptr(int32(2011)), BaselineValue: ptr(10.0),
		Breakdowns: []store.BreakdownInput{
			{Kind: "TARGET", Sex: ptr("FEMALE"), Value: 600},
			{Kind: "ACTUAL", Country: ptr("Burma"), Value: 5},
			{Kind: "TARGET", Country: ptr("TH"), Value: 400},
		}})
	wantErr(t, "create", err, nil)
	_, err = record(w.owner, store.IndicatorValuesInput{Code: "reach", Start: year(2013), End: year(2013), Actual: ptr(700.0), Comparator: ptr("AT_LEAST")})
	wantErr(t, "a second period", err, nil)
	got, err := w.st.IndicatorsByID(ctx, []int64{ind.ID, 987654321})
	if err != nil {
		t.Fatal(err)
	}
	want := &models.Indicator{ID: ind.ID, CampaignID: c.ID, Code: "reach", Name: "Reach", Unit: "PEOPLE", OriginalLanguage: "en",
		ResultID: &result.ID, Measure: "UNIT", Ascending: false, BaselineYear: ptr(int32(2011)), BaselineValue: ptr(10.0)}
	if d := cmp.Diff(map[int64]*models.Indicator{ind.ID: want}, got, cmpIgnoreTimes); d != "" {
		t.Errorf("stored indicator (-want +got):\n%s", d)
	}
	periods, err := w.st.IndicatorPeriods(ctx, []int64{ind.ID})
	if err != nil {
		t.Fatal(err)
	}
	if ps := periods[ind.ID]; len(ps) != 2 || *ps[0].Target != 1000 || ps[0].ActualComparator != "EXACT" || *ps[1].Actual != 700 || ps[1].ActualComparator != "AT_LEAST" {
		t.Fatalf("periods = %+v", ps)
	}
	breakdowns, err := w.st.IndicatorBreakdowns(ctx, []int64{periods[ind.ID][0].ID, periods[ind.ID][1].ID})
	if err != nil {
		t.Fatal(err)
	}
	var slices []string
	for _, b := range breakdowns[periods[ind.ID][0].ID] {
		slices = append(slices, b.Kind+" "+deref(b.CountryCode)+deref(b.Sex))
	}
	if d := cmp.Diff([]string{"TARGET FEMALE", "TARGET TH", "ACTUAL MM"}, slices); d != "" {
		t.Errorf("breakdowns, targets first, no country first (-want +got):\n%s", d)
	}
	if n := len(breakdowns[periods[ind.ID][1].ID]); n != 0 {
		t.Errorf("the second period has %d breakdowns", n)
	}
	byCampaign, err := w.st.Indicators(ctx, []int64{c.ID, other.ID})
	if err != nil || len(byCampaign[c.ID]) != 1 || len(byCampaign[other.ID]) != 0 {
		t.Errorf("Indicators = %v, %v", byCampaign, err)
	}
	byResult, err := w.st.ResultIndicators(ctx, []int64{result.ID, foreign.ID})
	if err != nil || len(byResult[result.ID]) != 1 || byResult[result.ID][0].ID != ind.ID || len(byResult[foreign.ID]) != 0 {
		t.Errorf("ResultIndicators = %v, %v", byResult, err)
	}

	for _, tc := range []struct {
		name string
		by   auth.Caller
		in   store.IndicatorValuesInput
		want any
	}{
		{"a new code without name or unit", w.owner, store.IndicatorValuesInput{Code: "new", Start: year(2012), End: year(2012), Actual: ptr(1.0)},
			map[string]string{"input.name": "REQUIRED", "input.unit": "REQUIRED"}},
		{"another unit for the code", w.owner, store.IndicatorValuesInput{Code: "reach", Unit: ptr("COUNT"), Name: ptr("Other"), Start: year(2014), End: year(2014), Actual: ptr(1.0), Measure: ptr("NOMINAL")},
			map[string]string{"input.unit": "INVALID", "input.name": "INVALID", "input.measure": "INVALID"}},
		{"no values", w.owner, store.IndicatorValuesInput{Code: "reach", Start: year(2014), End: year(2014)}, map[string]string{"input.actual": "REQUIRED"}},
		{"end before start", w.owner, store.IndicatorValuesInput{Code: "reach", Start: year(2014), End: year(2013), Actual: ptr(1.0)}, map[string]string{"input.end": "END_BEFORE_START"}},
		{"an end less precise than its start", w.owner, store.IndicatorValuesInput{Code: "reach", Start: models.PartialDate{Date: day(2014, 6, 1), Precision: "MONTH"}, End: year(2014), Actual: ptr(1.0)},
			map[string]string{"input.end": "END_BEFORE_START"}},
		{"negative people", w.owner, store.IndicatorValuesInput{Code: "reach", Start: year(2014), End: year(2014), Actual: ptr(-1.0), Target: ptr(-2.0)},
			map[string]string{"input.actual": "OUT_OF_RANGE", "input.target": "OUT_OF_RANGE"}},
		{"a result of another campaign", w.owner, store.IndicatorValuesInput{Code: "reach", Start: year(2014), End: year(2014), Actual: ptr(1.0), ResultID: &foreign.ID},
			map[string]string{"input.result": "NOT_FOUND"}},
		{"a percent counted in units", w.owner, store.IndicatorValuesInput{Code: "share", Name: ptr("Share"), Unit: ptr("PERCENT"), Measure: ptr("UNIT"), Start: year(2014), End: year(2014), Actual: ptr(-5.0)},
			map[string]string{"input.measure": "INVALID"}},
		{"breakdowns", w.owner, store.IndicatorValuesInput{Code: "reach", Start: year(2014), End: year(2014), Actual: ptr(1.0), BaselineYear: ptr(int32(1899)), Breakdowns: []store.BreakdownInput{
			{Kind: "TARGET", Value: 1},
			{Kind: "ACTUAL", Country: ptr("Narnia"), Value: -1},
			{Kind: "ACTUAL", Country: ptr("MM"), Value: 1},
			{Kind: "ACTUAL", Country: ptr("Myanmar"), Value: 1},
		}}, map[string]string{"input.baselineYear": "OUT_OF_RANGE", "input.breakdowns.0": "REQUIRED", "input.breakdowns.1.country": "UNKNOWN_COUNTRY",
			"input.breakdowns.1.value": "OUT_OF_RANGE", "input.breakdowns.3": "INVALID"}},
		{"bad code", w.owner, store.IndicatorValuesInput{Code: "Not A Code", Name: ptr("X"), Unit: ptr("COUNT"), Start: year(2014), End: year(2014), Actual: ptr(1.0)},
			map[string]string{"input.code": "INVALID"}},
		{"stranger", w.stranger, store.IndicatorValuesInput{Code: "reach", Start: year(2014), End: year(2014), Actual: ptr(1.0)}, auth.ErrForbidden},
		{"unknown campaign", w.owner, store.IndicatorValuesInput{CampaignID: 987654321, Code: "reach", Start: year(2014), End: year(2014), Actual: ptr(1.0)}, store.ErrNotFound},
		{"a percentage", w.owner, store.IndicatorValuesInput{Code: "share", Name: ptr("Share"), Unit: ptr("PERCENT"), Start: year(2014), End: year(2014), Actual: ptr(-5.0)}, nil},
	} {
		_, err := record(tc.by, tc.in)
		wantErr(t, tc.name, err, tc.want)
	}
	if ps, _ := w.st.IndicatorPeriods(ctx, []int64{ind.ID}); len(ps[ind.ID]) != 2 {
		t.Errorf("refused values added periods: %d", len(ps[ind.ID]))
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
