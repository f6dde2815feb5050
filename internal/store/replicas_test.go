package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"campaigns/internal/auth"
	"campaigns/internal/metrics"
	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/internal/replicatest"
	"campaigns/internal/store"
)

func TestParseToken(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want store.Token
		ok   bool
	}{
		{"0/0", 0, true},
		{"16/B374D848", 0x16_B374D848, true},
		{"16/b374d848", 0x16_B374D848, true},
		{"FFFFFFFF/FFFFFFFF", 1<<64 - 1, true},
		{"", 0, false},
		{"16", 0, false},
		{"16/", 0, false},
		{"/1", 0, false},
		{"1/2/3", 0, false},
		{"100000000/0", 0, false},
		{"0/-1", 0, false},
		{"zz/1", 0, false},
		{" 1/2", 0, false},
	} {
		got, err := store.ParseToken(tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("ParseToken(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, store.ErrInvalid) {
			t.Errorf("ParseToken(%q): %v is not ErrInvalid", tc.in, err)
		}
		if p, ok := problem.As(err); err != nil && (!ok || p.Code != problem.BadUserInput) {
			t.Errorf("ParseToken(%q): %v has no BAD_USER_INPUT code", tc.in, err)
		}
		if tc.ok && got.String() != fmt.Sprintf("%X/%X", uint64(got)>>32, uint32(got)) {
			t.Errorf("%q reads back as %q", tc.in, got.String())
		}
	}
}

// TestReplicaReads runs the store over a private primary and its streaming replica: reads
// of an operation that may read a replica land on it, a context without Reads and a write's
// operation read the primary, a required position is waited for and then read from the
// primary while the replica is paused, and a stopped replica costs no read and serves again
// once it is back.
func TestReplicaReads(t *testing.T) {
	c := replicatest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st, conn := replicated(ctx, t, c, "campaigns_replica_store", store.Options{ReplicaWait: 300 * time.Millisecond, ReplicaMaxLag: time.Minute})
	if _, err := conn.Exec(ctx, "INSERT INTO countries (code, name) VALUES ('MM', 'Myanmar')"); err != nil {
		t.Fatal(err)
	}
	c.WaitStreaming(t)
	addr := fmt.Sprintf("127.0.0.1:%d", c.Replica.Port())
	waitUp(t, addr, 1)

	onReplica := func() float64 { return testutil.ToFloat64(metrics.Reads.WithLabelValues("replica", addr)) }
	onPrimary := func() float64 { return testutil.ToFloat64(metrics.Reads.WithLabelValues("primary", "")) }
	country := func(ctx context.Context) string {
		t.Helper()
		m, err := st.CountriesByCode(ctx, []string{"MM"})
		if err != nil || m["MM"] == nil {
			t.Fatalf("country MM: %v, %v", m, err)
		}
		return m["MM"].Name
	}
	read := func(tok store.Token) (string, *store.Reads) {
		r := new(store.Reads)
		if tok != 0 {
			r.Require(tok)
		}
		return country(store.WithReads(ctx, r)), r
	}

	// An operation that may read a replica reads it; one that may not reads the primary.
	before := onReplica()
	if got, _ := read(0); got == "" {
		t.Fatal("no name")
	}
	if onReplica() <= before {
		t.Errorf("a read with Reads did not go to the replica (%v reads there before, %v after)", before, onReplica())
	}
	before = onReplica()
	country(ctx)
	country(store.WithReads(ctx, nil))
	if onReplica() != before {
		t.Errorf("a read without Reads went to the replica")
	}

	// A search, whose statements begin with WITH, reads the replica too, all of it.
	before, beforePrimary := onReplica(), onPrimary()
	if _, err := st.Search(store.WithReads(ctx, new(store.Reads)), store.SearchQuery{Text: "Myanmar"}, page.Request{Size: 5}); err != nil {
		t.Fatal(err)
	}
	if onReplica() < before+2 || onPrimary() != beforePrimary {
		t.Errorf("a search read %v statements on the replica and %v on the primary; want all (at least 2) on the replica", onReplica()-before, onPrimary()-beforePrimary)
	}

	// Paused, the replica serves what it had; a required position is waited for, then read
	// from the primary.
	old, _ := read(0)
	c.Pause()
	defer c.Resume()
	if _, err := conn.Exec(ctx, "UPDATE countries SET name = 'Myanmar (renamed)' WHERE code = 'MM'"); err != nil {
		t.Fatal(err)
	}
	var pos string
	if err := conn.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&pos); err != nil {
		t.Fatal(err)
	}
	tok, err := store.ParseToken(pos)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := read(0); got != old {
		t.Errorf("the paused replica read %q, want its %q: the read did not go to the replica", got, old)
	}
	beforePrimary = onPrimary()
	if got, _ := read(tok); got != "Myanmar (renamed)" {
		t.Errorf("with the write's position, read %q; want the new name", got)
	}
	if onPrimary() <= beforePrimary {
		t.Error("the read that waited for the paused replica was not counted on the primary")
	}
	// A position past the primary's (a token of another database) reads the primary.
	beforePrimary = onPrimary()
	if got, _ := read(tok + 1<<40); got != "Myanmar (renamed)" {
		t.Errorf("with a position from the future, read %q; want the primary's", got)
	}
	if onPrimary() <= beforePrimary {
		t.Error("a read with a position from the future was not counted on the primary")
	}
	c.Resume()
	before = onReplica()
	if got, _ := read(tok); got != "Myanmar (renamed)" {
		t.Errorf("resumed, with the write's position, read %q; want the new name", got)
	}
	if onReplica() <= before {
		t.Error("resumed, the read with a replayed position did not go to the replica")
	}

	// The answer cache's version is read on the primary, and the reads of an answer
	// computed from it see at least what it saw, however far behind the replica is: a
	// version from CurrentVersion, or from Fresh, after the operation had read the replica.
	c.Pause()
	rename := func(to string) {
		t.Helper()
		if _, err := conn.Exec(ctx, "UPDATE countries SET name = $1 WHERE code = 'MM'", to); err != nil {
			t.Fatal(err)
		}
	}
	rename("Myanmar (version)")
	vctx := store.WithReads(ctx, new(store.Reads))
	if _, err := st.CurrentVersion(vctx); err != nil {
		t.Fatal(err)
	}
	if got := country(vctx); got != "Myanmar (version)" {
		t.Errorf("after CurrentVersion, read %q from behind its version", got)
	}
	fctx := store.WithReads(ctx, new(store.Reads))
	v, err := st.CurrentVersion(fctx)
	if err != nil {
		t.Fatal(err)
	}
	rename("Myanmar (fresh)")
	fctx = store.WithReads(ctx, new(store.Reads))
	if got := country(fctx); got != "Myanmar (renamed)" {
		t.Errorf("the paused replica read %q", got)
	}
	if fresh, _, err := st.Fresh(fctx, v); err != nil || fresh {
		t.Errorf("Fresh after a change to a country: %v, %v; want stale", fresh, err)
	}
	if got := country(fctx); got != "Myanmar (fresh)" {
		t.Errorf("after Fresh, read %q from behind the version it returned", got)
	}
	c.Resume()

	// A write's operation gets a token past its commit.
	w := store.OnPrimary()
	wctx := store.WithReads(ctx, w)
	if _, _, err := st.Write(wctx, auth.Caller{KeyID: 1, OrgID: 1, Role: auth.RoleEditor}, "", store.Request{Operation: "noop"}, func(*store.Tx) (string, error) { return "x", nil }); err != nil {
		t.Fatal(err)
	}
	if tok, ok := w.Written(); !ok || tok == 0 {
		t.Errorf("a write's Reads has no token: %v, %v", tok, ok)
	}

	// Stopped, the replica costs no read; started again, it serves again.
	c.Replica.Stop("fast")
	for range 5 {
		if got, _ := read(0); got != "Myanmar (fresh)" {
			t.Errorf("with the replica stopped, read %q", got)
		}
	}
	waitUp(t, addr, 0)
	c.Replica.Start()
	waitUp(t, addr, 1)
	before = onReplica()
	read(0)
	if onReplica() <= before {
		t.Error("the restarted replica serves no reads")
	}
}

// waitUp waits until the replica's db_replica_up gauge is want.
func waitUp(t *testing.T, addr string, want float64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for testutil.ToFloat64(metrics.ReplicaUp.WithLabelValues(addr)) != want {
		if time.Now().After(deadline) {
			t.Fatalf("db_replica_up{replica=%q} is not %v after 20s", addr, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReplicaBehindIsSkipped pauses the replica's replay while the primary writes: once it
// is further behind than ReplicaMaxLag, its probe takes it out of service and reads without
// a token read the primary, with the new value; resumed, it catches up and serves again.
func TestReplicaBehindIsSkipped(t *testing.T) {
	c := replicatest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	st, conn := replicated(ctx, t, c, "campaigns_replica_lag", store.Options{ReplicaMaxLag: 1500 * time.Millisecond})
	exec := func(sql string) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec("INSERT INTO countries (code, name) VALUES ('MM', 'Myanmar')")
	c.WaitStreaming(t)
	addr := fmt.Sprintf("127.0.0.1:%d", c.Replica.Port())
	waitUp(t, addr, 1)
	if lag := testutil.ToFloat64(metrics.ReplicaLag.WithLabelValues(addr)); lag != 0 {
		t.Errorf("a replica that has replayed everything shows a lag of %v s", lag)
	}
	read := func() string {
		t.Helper()
		m, err := st.CountriesByCode(store.WithReads(ctx, new(store.Reads)), []string{"MM"})
		if err != nil || m["MM"] == nil {
			t.Fatalf("country MM: %v, %v", m, err)
		}
		return m["MM"].Name
	}

	c.Pause()
	defer c.Resume()
	exec("UPDATE countries SET name = 'Myanmar (behind)' WHERE code = 'MM'")
	if got := read(); got != "Myanmar" {
		t.Errorf("the paused replica, not yet too far behind, read %q", got)
	}
	waitUp(t, addr, 0)
	if lag := testutil.ToFloat64(metrics.ReplicaLag.WithLabelValues(addr)); lag <= 1.5 {
		t.Errorf("the replica was skipped with a lag of %v s, within the bound", lag)
	}
	if got := read(); got != "Myanmar (behind)" {
		t.Errorf("with the replica too far behind, read %q; want the primary's", got)
	}
	c.Resume()
	waitUp(t, addr, 1)
	before := testutil.ToFloat64(metrics.Reads.WithLabelValues("replica", addr))
	if got := read(); got != "Myanmar (behind)" {
		t.Errorf("caught up, the replica read %q", got)
	}
	if testutil.ToFloat64(metrics.Reads.WithLabelValues("replica", addr)) <= before {
		t.Error("the replica that caught up serves no reads")
	}
}

// replicated opens the store of database name over c's primary, reading c's replica with
// opt's replica settings, migrates it, and returns it with a direct connection to the
// primary for the test's own writes; both are closed when the test ends.
func replicated(ctx context.Context, t *testing.T, c *replicatest.Cluster, name string, opt store.Options) (*store.Store, *pgx.Conn) {
	t.Helper()
	opt.MaxOpenConns, opt.Replicas = 4, []string{c.Replica.URL(name)}
	st, err := store.Open(ctx, c.Primary.URL(name), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, c.Primary.URL(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return st, conn
}
