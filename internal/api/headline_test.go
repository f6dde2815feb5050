package api_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/seed"
)

type headline struct {
	Label, Thai string
	Value       *float64
	Comparator  string
	Unit        string
	Note        *string
	Source      *string
	Period      struct{ Start, End string }
	Indicator   struct{ Code string }
}

const headlineQuery = `{ campaign(slug: "mtv-exit-southeast-asia") {
  reach { events }
  headlineFigures { label thai: label(language: "th") value comparator unit note source period { start end } indicator { code } } } }`

// TestHeadlineFiguresBesideReach is a campaign dashboard: reach counts the two events
// recorded here, and the headline figures show the fact sheet's own figures, each with its
// unit and period, none added to another.
func TestHeadlineFiguresBesideReach(t *testing.T) {
	st := dbtest.New(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st)
	var got struct {
		Campaign struct {
			Reach           struct{ Events int }
			HeadlineFigures []headline
		}
	}
	c.Query(t, headlineQuery, nil).MustData(t, &got)
	if got.Campaign.Reach.Events != 2 {
		t.Errorf("reach.events = %d, want the 2 events recorded", got.Campaign.Reach.Events)
	}
	type fig struct {
		Code, Comparator, Unit string
		Value                  *float64
		Note                   string
		Start, End             string
	}
	var figs []fig
	for _, h := range got.Campaign.HeadlineFigures {
		figs = append(figs, fig{h.Indicator.Code, h.Comparator, h.Unit, h.Value, valOf(h.Note), h.Period.Start, h.Period.End})
		if h.Label == "" || h.Thai == h.Label {
			t.Errorf("%s: label %q, in Thai %q; want the indicator's name, translated", h.Indicator.Code, h.Label, h.Thai)
		}
		if h.Source == nil {
			t.Errorf("%s: no source", h.Indicator.Code)
		}
	}
	f := func(v float64) *float64 { return &v }
	want := []fig{
		{"major-concerts", "EXACT", "COUNT", f(30), "", "2006", "2012-11-20"},
		{"tv-online-programmes", "EXACT", "COUNT", f(76), "", "2006", "2012-11-20"},
		{"outreach-activities", "APPROXIMATE", "COUNT", nil, "dozens of outreach activities", "2006", "2012-11-20"},
		{"youth-engaged", "AT_LEAST", "PEOPLE", f(700000), "over 700,000 regional youth", "2006", "2012-11-20"},
	}
	if d := cmp.Diff(want, figs); d != "" {
		t.Errorf("headline figures (-want +got):\n%s", d)
	}
	if l := got.Campaign.HeadlineFigures[0].Label; l != "Major concert events produced" {
		t.Errorf("label = %q", l)
	}
}

// TestHeadlineFiguresShowTheLatestPeriod records later periods of an indicator as its owner
// would: the latest period with a reported value heads, one with only a target does not.
func TestHeadlineFiguresShowTheLatestPeriod(t *testing.T) {
	st := dbtest.New(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st)
	editor := c.As(apitest.Key(t, st, "mtv-exit", "EDITOR"))
	var campaign struct{ Campaign struct{ ID string } }
	c.Query(t, `{ campaign(slug: "mtv-exit-southeast-asia") { id } }`, nil).MustData(t, &campaign)
	record := func(start, end string, fields map[string]any) {
		t.Helper()
		in := map[string]any{"campaign": campaign.Campaign.ID, "code": "major-concerts", "start": start, "end": end}
		for k, v := range fields {
			in[k] = v
		}
		var got struct {
			RecordIndicatorValues struct{ UserErrors []struct{ Message string } }
		}
		editor.Query(t, `mutation ($in: RecordIndicatorValuesInput!) { recordIndicatorValues(input: $in) { userErrors { message } } }`,
			map[string]any{"in": in}).MustData(t, &got)
		if len(got.RecordIndicatorValues.UserErrors) != 0 {
			t.Fatalf("recordIndicatorValues: %+v", got.RecordIndicatorValues.UserErrors)
		}
	}
	// A month-long period in 2013, then the year 2013 as a whole, whose end is later, and a
	// target for 2014 with nothing reached yet.
	record("2013-03", "2013-03", map[string]any{"actual": 2})
	record("2013", "2013", map[string]any{"actual": 5, "actualComparator": "AT_LEAST"})
	record("2014", "2014", map[string]any{"target": 8})
	var got struct {
		Campaign struct{ HeadlineFigures []headline }
	}
	c.Query(t, headlineQuery, nil).MustData(t, &got)
	h := got.Campaign.HeadlineFigures[0]
	if h.Indicator.Code != "major-concerts" || h.Value == nil || *h.Value != 5 || h.Comparator != "AT_LEAST" || h.Period.Start != "2013" {
		t.Errorf("the head of major-concerts = %+v; want the year 2013's at least 5", h)
	}
	if n := len(got.Campaign.HeadlineFigures); n != 4 {
		t.Errorf("%d headline figures, want one per indicator (4)", n)
	}
}

// TestHeadlineFiguresOneStatementPerLevel lists campaigns with their headline figures: one
// statement for the figures of all of them.
func TestHeadlineFiguresOneStatementPerLevel(t *testing.T) {
	st := dbtest.New(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	const q = `{ campaigns(first: 20) { nodes { headlineFigures { value unit period { end } } } } }`
	res := apitest.New(st).Query(t, q, nil)
	res.MustData(t, &struct{}{})
	if bound := depthOf(t, q) + 1; res.Statements > bound {
		t.Errorf("%d statements, want at most %d", res.Statements, bound)
	}
}
