package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestHeadlineFiguresPickTheLatestReported gives two campaigns indicators with several
// periods: each indicator heads with the period whose end, at its precision, is latest among
// those with an actual value or a note; one with a target alone is left out, and a campaign
// without indicators has no figures. One call answers all the campaigns.
func TestHeadlineFiguresPickTheLatestReported(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	var p, q, empty models.Campaign
	want := map[int64][]string{}
	_, err := st.SeedOnce(ctx, "headline", func(w *store.Writer) error {
		for i, c := range []*models.Campaign{&p, &q, &empty} {
			*c = models.Campaign{Slug: []string{"p", "q", "empty"}[i], Name: "c", Status: "ACTIVE", StartPrecision: "DAY", EndPrecision: "DAY"}
			if err := w.Insert(c); err != nil {
				return err
			}
		}
		type period struct {
			start, end     time.Time
			startP, endP   string
			actual, target *float64
			note, name     string
		}
		add := func(c *models.Campaign, code string, periods ...period) error {
			ind := &models.Indicator{CampaignID: c.ID, Code: code, Name: code, Unit: "COUNT"}
			if err := w.Insert(ind); err != nil {
				return err
			}
			for _, pr := range periods {
				row := &models.IndicatorPeriod{IndicatorID: ind.ID, PeriodStart: pr.start, StartPrecision: pr.startP, PeriodEnd: pr.end,
					EndPrecision: pr.endP, Actual: pr.actual, Target: pr.target, ActualComparator: "EXACT", Source: &pr.name}
				if pr.note != "" {
					row.Note = &pr.note
				}
				if err := w.Insert(row); err != nil {
					return err
				}
			}
			return nil
		}
		one, two := 1.0, 2.0
		// The year 2012 ends after its June; a later target with no actual does not count.
		if err := add(&p, "by-year",
			period{start: day(2012, 6, 1), end: day(2012, 6, 1), startP: "MONTH", endP: "MONTH", actual: &two, name: "June"},
			period{start: day(2012, 1, 1), end: day(2012, 1, 1), startP: "YEAR", endP: "YEAR", actual: &one, name: "2012"},
			period{start: day(2013, 1, 1), end: day(2013, 1, 1), startP: "YEAR", endP: "YEAR", target: &two, name: "2013 target"}); err != nil {
			return err
		}
		if err := add(&p, "targets-only",
			period{start: day(2013, 1, 1), end: day(2013, 12, 31), startP: "DAY", endP: "DAY", target: &one, name: "target"}); err != nil {
			return err
		}
		if err := add(&q, "in-words",
			period{start: day(2006, 1, 1), end: day(2012, 11, 20), startP: "YEAR", endP: "DAY", note: "dozens", name: "words"}); err != nil {
			return err
		}
		want[p.ID], want[q.ID], want[empty.ID] = []string{"by-year 2012"}, []string{"in-words words"}, []string{}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	figs, err := st.HeadlineFigures(ctx, []int64{p.ID, q.ID, empty.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64][]string{}
	for id, hs := range figs {
		got[id] = []string{}
		for _, h := range hs {
			got[id] = append(got[id], h.Indicator.Code+" "+*h.Source())
			if h.Indicator.CampaignID != id || h.Period.IndicatorID != h.Indicator.ID {
				t.Errorf("figure %+v is not of campaign %d", h, id)
			}
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("headline figures (-want +got):\n%s", d)
	}
}
