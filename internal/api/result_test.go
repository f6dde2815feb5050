package api_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const createResult = `mutation ($c: ID!, $title: String!, $type: ResultType!) {
  m: createResult(input: {campaign: $c, type: $type, title: $title, aggregationStatus: true}) {
    record: result { id type title aggregationStatus campaign { slug } }
    userErrors { field code message }
  }
}`

const recordIATI = `mutation ($c: ID!, $code: String!, $name: String, $unit: IndicatorUnit, $result: ID, $measure: IndicatorMeasure,
                    $ascending: Boolean, $baselineYear: Int, $baselineValue: Float, $breakdowns: [IndicatorBreakdownInput!]) {
  m: recordIndicatorValues(input: {campaign: $c, code: $code, name: $name, unit: $unit, start: "2013", end: "2013",
      target: 1000, actual: 1200, result: $result, measure: $measure, ascending: $ascending,
      baselineYear: $baselineYear, baselineValue: $baselineValue, breakdowns: $breakdowns}) {
    record: indicator { code measure ascending baseline { year value } result { title } }
    userErrors { field code message }
  }
}`

// TestIATIResults writes a result, an indicator of it with a baseline and a period broken
// down by country, sex and age band, and reads them back in IATI's shape; then checks the
// refusals: other organizations, anonymous callers, and each kind of bad input.
func TestIATIResults(t *testing.T) {
	t.Parallel()
	w := newReachWorld(t)
	owner, other := w.c.As(w.owner), w.c.As(w.other)
	campaign := w.public.GlobalID()

	var result struct {
		ID                string
		Type, Title       string
		AggregationStatus bool
		Campaign          struct{ Slug string }
	}
	mustMutate(t, owner, createResult, map[string]any{"c": campaign, "title": "Young people know the risks", "type": "OUTCOME"}, &result)
	if result.Type != "OUTCOME" || !result.AggregationStatus || result.Campaign.Slug != "public" {
		t.Errorf("result = %+v", result)
	}
	if e := lastAudit(t, w.url, "createResult"); e.EntityID != result.ID {
		t.Errorf("audit entry for %s, want %s", e.EntityID, result.ID)
	}

	breakdowns := []map[string]any{
		{"kind": "ACTUAL", "country": "Burma", "value": 700},
		{"kind": "ACTUAL", "country": "TH", "value": 500},
		{"kind": "ACTUAL", "sex": "FEMALE", "value": 650},
		{"kind": "ACTUAL", "sex": "FEMALE", "ageBand": "AGE_16_17", "value": 120},
		{"kind": "TARGET", "country": "MM", "value": 600},
	}
	var ind json.RawMessage
	mustMutate(t, owner, recordIATI, map[string]any{"c": campaign, "code": "youth-aware", "name": "Young people aware of the risks",
		"unit": "PEOPLE", "result": result.ID, "ascending": true, "baselineYear": 2012, "baselineValue": 0, "breakdowns": breakdowns}, &ind)

	var read struct {
		Campaign struct {
			Results []struct {
				Title      string
				Indicators []struct {
					Code, Measure string
					Ascending     bool
					Baseline      struct {
						Year  int
						Value float64
					}
					Periods []struct {
						Target, Actual float64
						Breakdowns     []struct {
							Kind    string
							Country *struct{ Code string }
							Sex     *string
							AgeBand *string
							Value   float64
						}
					}
				}
			}
		}
	}
	w.c.Query(t, `{ campaign(slug: "public") { results { title indicators { code measure ascending baseline { year value }
		periods { target actual breakdowns { kind country { code } sex ageBand value } } } } } }`, nil).MustData(t, &read)
	got, _ := json.Marshal(read)
	want := `{"Campaign":{"Results":[{"Title":"Young people know the risks","Indicators":[{"Code":"youth-aware","Measure":"UNIT","Ascending":true,` +
		`"Baseline":{"Year":2012,"Value":0},"Periods":[{"Target":1000,"Actual":1200,"Breakdowns":[` +
		`{"Kind":"TARGET","Country":{"Code":"MM"},"Sex":null,"AgeBand":null,"Value":600},` +
		`{"Kind":"ACTUAL","Country":null,"Sex":"FEMALE","AgeBand":null,"Value":650},` +
		`{"Kind":"ACTUAL","Country":null,"Sex":"FEMALE","AgeBand":"AGE_16_17","Value":120},` +
		`{"Kind":"ACTUAL","Country":{"Code":"MM"},"Sex":null,"AgeBand":null,"Value":700},` +
		`{"Kind":"ACTUAL","Country":{"Code":"TH"},"Sex":null,"AgeBand":null,"Value":500}]}]}]}]}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("results as read (-want +got):\n%s", diff)
	}

	// A descending percentage indicator: measure follows the unit, ascending false is kept.
	var pct struct {
		Measure   string
		Ascending bool
	}
	mustMutate(t, owner, recordIATI, map[string]any{"c": campaign, "code": "unsafe-migration", "name": "Share planning unsafe migration",
		"unit": "PERCENT", "ascending": false}, &pct)
	if pct.Measure != "PERCENTAGE" || pct.Ascending {
		t.Errorf("percentage indicator = %+v, want PERCENTAGE, descending", pct)
	}

	t.Run("refused callers", func(t *testing.T) {
		vars := map[string]any{"c": campaign, "title": "Not theirs", "type": "OUTPUT"}
		other.Query(t, `{ __typename }`, nil) // a key's first use records last_used_at
		refusedWithCode(t, w.url, other, createResult, vars, "FORBIDDEN")
		refusedWithCode(t, w.url, w.c, createResult, vars, "UNAUTHENTICATED")
		refusedWithCode(t, w.url, other, recordIATI, map[string]any{"c": campaign, "code": "youth-aware", "result": result.ID}, "FORBIDDEN")
	})

	t.Run("bad input", func(t *testing.T) {
		var draftResult struct{ ID string }
		mustMutate(t, owner, createResult, map[string]any{"c": w.draft.GlobalID(), "title": "In the draft", "type": "OUTPUT"}, &draftResult)
		for _, tc := range []struct {
			name, code, field string
			vars              map[string]any
		}{
			{"empty title", "REQUIRED", "title", map[string]any{"c": campaign, "title": " ", "type": "OUTPUT"}},
			{"result of another campaign", "NOT_FOUND", "result", map[string]any{"c": campaign, "code": "youth-aware", "result": draftResult.ID}},
			{"another measure", "INVALID", "measure", map[string]any{"c": campaign, "code": "youth-aware", "measure": "QUALITATIVE"}},
			{"percentage of people", "INVALID", "measure", map[string]any{"c": campaign, "code": "new-one", "name": "New", "unit": "PEOPLE", "measure": "PERCENTAGE"}},
			{"baseline year", "OUT_OF_RANGE", "baselineYear", map[string]any{"c": campaign, "code": "youth-aware", "baselineYear": 1800}},
			{"unknown country", "UNKNOWN_COUNTRY", "breakdowns.0.country", map[string]any{"c": campaign, "code": "youth-aware",
				"breakdowns": []map[string]any{{"kind": "ACTUAL", "country": "Atlantis", "value": 1}}}},
			{"no dimension", "REQUIRED", "breakdowns.0", map[string]any{"c": campaign, "code": "youth-aware",
				"breakdowns": []map[string]any{{"kind": "ACTUAL", "value": 1}}}},
			{"negative", "OUT_OF_RANGE", "breakdowns.0.value", map[string]any{"c": campaign, "code": "youth-aware",
				"breakdowns": []map[string]any{{"kind": "ACTUAL", "sex": "MALE", "value": -1}}}},
			{"a slice twice", "INVALID", "breakdowns.1", map[string]any{"c": campaign, "code": "youth-aware",
				"breakdowns": []map[string]any{{"kind": "ACTUAL", "country": "MM", "value": 1}, {"kind": "ACTUAL", "country": "Burma", "value": 2}}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				q := recordIATI
				if _, ok := tc.vars["title"]; ok {
					q = createResult
				}
				refusedAsInput(t, w.url, owner, q, tc.vars, tc.code, "input."+tc.field)
			})
		}
	})
}
