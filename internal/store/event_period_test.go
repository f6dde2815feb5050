package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/dbtest"
	"campaigns/models"
)

// TestPeriodsAgree holds migration 00013's event_local_period, which the lists filter and
// sort by, to models.LocalPeriod, which calendars show, for every precision and qualifier,
// in zones east and west of UTC and across their changes of offset.
func TestPeriodsAgree(t *testing.T) {
	_, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	days := []string{"2012-01-01", "2012-02-01", "2012-02-29", "2012-03-11", "2012-11-01", "2012-11-19", "2012-12-01", "2013-03-31", "2016-10-02"}
	zones := []string{"UTC", "Asia/Yangon", "Asia/Kathmandu", "America/New_York", "America/Santiago", "Pacific/Kiritimati", "Australia/Lord_Howe"}
	precisions := []struct {
		p string
		q []string
	}{{"DAY", []string{""}}, {"MONTH", []string{"", "EARLY", "MID", "LATE"}}, {"YEAR", []string{"", "EARLY", "MID", "LATE"}}}
	for _, zone := range zones {
		loc := models.Location(zone)
		for _, day := range days {
			d, err := models.ParsePartialDate(day)
			if err != nil {
				t.Fatal(err)
			}
			for _, pr := range precisions {
				for _, q := range pr.q {
					pd := models.PartialDate{Date: d.Date, Precision: pr.p}
					// The first day of the period at its precision, as the store keeps it.
					y, m, dd := pd.Date.Date()
					switch pr.p {
					case models.PrecisionYear:
						m, dd = 1, 1
					case models.PrecisionMonth:
						dd = 1
					}
					start := time.Date(y, m, dd, 0, 0, 0, 0, loc)
					var qualifier *string
					if q != "" {
						qualifier = &q
					}
					first, after := models.LocalPeriod(pd, qualifier)
					var lo, hi time.Time
					var latest, over time.Time
					err := conn.QueryRow(ctx, `SELECT lower(p), upper(p),
							event_start_latest($1, $2, $3, $4), event_over_at($1, NULL, $2, $3, $4)
						FROM event_local_period($1, $2, $3, $4) p`, start, pr.p, qualifier, zone).Scan(&lo, &hi, &latest, &over)
					if err != nil {
						t.Fatal(err)
					}
					name := fmt.Sprintf("%s %s %s %s", zone, day, pr.p, q)
					if !lo.Equal(first) || !hi.Equal(after) {
						t.Errorf("%s: SQL [%s, %s), Go [%s, %s)", name, lo.Format(time.DateOnly), hi.Format(time.DateOnly), first.Format(time.DateOnly), after.Format(time.DateOnly))
					}
					// The period ends at the local midnight that begins its last day's next.
					if ly, lm, ld := latest.In(loc).Date(); time.Date(ly, lm, ld, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1) != after {
						t.Errorf("%s: the start can be as late as %s, want the eve of %s", name, latest.In(loc), after.Format(time.DateOnly))
					}
					if !over.Equal(latest.Add(time.Microsecond)) {
						t.Errorf("%s: over at %s, want just after %s", name, over, latest)
					}
				}
			}
		}
	}
}
