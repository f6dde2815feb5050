package store_test

import (
	"context"
	"fmt"
	"testing"

	"campaigns/internal/store"
)

// TestFreshUntilAChangeCommits: a version stays fresh while a write is only running, while
// a write the change log does not record commits (an API key), and goes stale once a
// recorded change commits, or a country is renamed; the version Fresh returns is fresh.
func TestFreshUntilAChangeCommits(t *testing.T) {
	w := newChangesWorld(t)
	ctx := context.Background()
	fresh := func(v store.Version) (bool, store.Version) {
		t.Helper()
		ok, now, err := w.st.Fresh(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		return ok, now
	}
	v, err := w.st.CurrentVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := fresh(v); !ok {
		t.Fatal("stale with nothing written")
	}

	// A write still running: not yet seen.
	tx, err := w.conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf(`UPDATE campaigns SET name = 'Renamed' WHERE id = %d`, w.public)); err != nil {
		t.Fatal(err)
	}
	if ok, _ := fresh(v); !ok {
		t.Error("stale while the write had not committed")
	}
	// Another write, of nothing the change log records, commits.
	w.exec(t, `INSERT INTO seed_versions (version) VALUES ('snapshot-test')`)
	ok, later := fresh(v)
	if !ok {
		t.Error("stale after a write the change log does not record")
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		v    store.Version
	}{{"read first", v}, {"read again while fresh", later}} {
		if ok, _ := fresh(tt.v); ok {
			t.Errorf("%s: fresh after the rename committed", tt.name)
		}
	}

	v, err = w.st.CurrentVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.exec(t, `INSERT INTO countries (code, name) VALUES ('MM', 'Myanmar')`)
	if ok, _ := fresh(v); ok {
		t.Error("fresh after a country was added")
	}
}
