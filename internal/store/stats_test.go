package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/dbtest"
)

// TestTableStatsWaitForNoLock reads the statistics while a table is locked, as a migration
// or a bulk load locks it: the read gives up on the lock at once instead of holding the
// requests it prices until the lock goes.
func TestTableStatsWaitForNoLock(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	stats, err := st.TableStats(ctx, []string{"campaigns", "events"}, []string{"events.kind"})
	if err != nil {
		t.Fatalf("unlocked: %v", err)
	}
	if _, ok := stats.Rows["campaigns"]; !ok {
		t.Errorf("no estimate of campaigns: %+v", stats.Rows)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "LOCK TABLE campaigns IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	// A deadline far beyond the lock timeout: a read that waited for the lock would end on it.
	deadline, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err = st.TableStats(deadline, []string{"campaigns", "events"}, nil)
	if err == nil || errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "lock timeout") {
		t.Errorf("locked: %v, want the lock timeout's error", err)
	}
}

// TestTableStatsReadAnalyzedColumns reads the spread of analyzed columns, a plain one and an
// array one, as the cost model needs them: the most common values with their frequencies.
// Read in a transaction, the arrays once failed to scan, so every price fell back to guesses.
func TestTableStatsReadAnalyzedColumns(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		`INSERT INTO countries (code, name) VALUES ('MM', 'Myanmar'), ('TH', 'Thailand')`,
		`INSERT INTO organizations (slug, name, kind, country_code)
			SELECT 'org-' || g, 'Organization ' || g, 'CIVIL_SOCIETY', CASE WHEN g <= 70 THEN 'MM' ELSE 'TH' END FROM generate_series(1, 100) g`,
		`ANALYZE organizations`, `ANALYZE search_documents`,
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	stats, err := st.TableStats(ctx, []string{"organizations"}, []string{"organizations.country_code", "search_documents.country_codes"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"organizations.country_code", "search_documents.country_codes"} {
		c, ok := stats.Columns[name]
		if !ok {
			t.Errorf("no statistics of %s: %+v", name, stats.Columns)
			continue
		}
		freq := map[string]float64{}
		for i, v := range c.Values {
			freq[v] = c.Freqs[i]
		}
		if f := freq["MM"]; f < 0.69 || f > 0.71 {
			t.Errorf("%s: MM's share %v (values %v, frequencies %v), want 0.7", name, f, c.Values, c.Freqs)
		}
	}
}
