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
