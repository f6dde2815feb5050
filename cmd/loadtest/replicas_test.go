package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/dbtest"
)

// TestReplicaFigures watches a database as the harness watches a replica, while another
// connection reads from it, and checks that the reads are counted and that a server out of
// recovery is reported as such, with no lag.
func TestReplicaFigures(t *testing.T) {
	t.Parallel()
	_, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	rs, err := openReplicas(ctx, []string{url})
	if err != nil {
		t.Fatal(err)
	}
	defer rs[0].pool.Close()
	if strings.Contains(rs[0].name, "@") || !strings.Contains(rs[0].name, "127.0.0.1:") {
		t.Errorf("replica named %q: want host:port/database, never a user or password", rs[0].name)
	}

	reader, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close(ctx)
	before := sampleReplicas(ctx, rs)
	const reads = 20
	for range reads {
		if _, err := reader.Exec(ctx, "SELECT count(*) FROM pg_class"); err != nil {
			t.Fatal(err)
		}
	}
	// PostgreSQL flushes a backend's statistics at most once a second: ask for it now.
	if _, err := reader.Exec(ctx, "SELECT pg_stat_force_next_flush()"); err != nil {
		t.Fatal(err)
	}
	got := replicaResults(ctx, rs, before, rs[0].pool)[0]
	if !got.Known || got.Transactions < reads || got.Rows <= 0 {
		t.Errorf("after %d reads: %+v; want at least %d transactions and some rows counted", reads, got, reads)
	}
	// Compared with a primary's WAL position, and with none known.
	for _, r := range []replicaResult{got, replicaResults(ctx, rs, sampleReplicas(ctx, rs), nil)[0]} {
		if !r.Known || r.InRecovery || r.LagBytes != -1 {
			t.Errorf("a server out of recovery: %+v; want read, not in recovery, and no lag (-1)", r)
		}
	}

	var b bytes.Buffer
	writeReplicas(&b, []result{{Kind: "event", Elapsed: 1e9, Replicas: []replicaResult{got}}, {Kind: "event", Floor: true}})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[2], "| event | "+rs[0].name+" | false | ") || !strings.HasSuffix(lines[2], "| – |") {
		t.Errorf("want one row for the API phase, naming the replica, out of recovery, without lag; got:\n%s", b.String())
	}
}

func TestReplicaList(t *testing.T) {
	for list, ok := range map[string]bool{
		"postgres://postgres@127.0.0.1:5433/campaigns":                                               true,
		"postgres://postgres@127.0.0.1:5433/campaigns, postgres://postgres@127.0.0.1:5434/campaigns": true,
		"postgres://postgres@10.0.0.5:5432/campaigns":                                                false,
		"postgres://postgres@127.0.0.1:5433/campaigns,":                                              false,
	} {
		cfg, err := parseFlags([]string{"-replicas", list}, io.Discard)
		if (err == nil) != ok {
			t.Errorf("-replicas %q: %v, want accepted %t", list, err, ok)
		}
		if ok && len(cfg.replicas) != strings.Count(list, ",")+1 {
			t.Errorf("-replicas %q: %v", list, cfg.replicas)
		}
	}
}
