package gen_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"campaigns/internal/dbtest"
	"campaigns/internal/gen"
)

// small is a run that takes a second or two yet has every table and skew of the full one.
var small = gen.Options{Campaigns: 60, Events: 12_000, Networks: 2_000, Organizations: 600}

func generate(t *testing.T, seed uint64) string {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	opt := small
	opt.Seed = seed
	var progress bytes.Buffer
	opt.Progress = &progress
	tables, err := gen.Generate(context.Background(), st, opt)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	rows := map[string]int64{}
	for _, tb := range tables {
		rows[tb.Name] = tb.Rows
		if !strings.Contains(progress.String(), tb.Name) {
			t.Errorf("the progress output does not mention %s:\n%s", tb.Name, progress.String())
		}
	}
	for table, want := range map[string]int64{"campaigns": 60, "events": 12_000, "youth_networks": 2_000, "organizations": 600} {
		if rows[table] != want {
			t.Errorf("generated %d rows into %s, want %d", rows[table], table, want)
		}
	}
	return url
}

// dump returns every row of every table as JSON in a fixed order. The built-in seed's rows
// are stamped with now() when loaded, so creation and update times are left out here (as
// are the change log's times and transaction IDs) and the generated rows' own times are
// compared by generatedTimes.
func dump(t *testing.T, url string) map[string]string {
	t.Helper()
	conn := connect(t, url)
	rows, err := conn.Query(context.Background(), `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, table := range tables {
		var s string
		q := `SELECT coalesce(jsonb_agg(j ORDER BY j::text), '[]')::text FROM (SELECT to_jsonb(t) - 'created_at' - 'updated_at' - 'applied_at' - 'at' - 'xid' AS j FROM ` +
			pgx.Identifier{table}.Sanitize() + ` t) x`
		if err := conn.QueryRow(context.Background(), q).Scan(&s); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		out[table] = s
	}
	for _, table := range []string{"organizations", "campaigns", "events", "youth_networks"} {
		var s string
		q := `SELECT string_agg(id || '@' || created_at::text || '@' || updated_at::text, ',' ORDER BY id) FROM ` + table + ` WHERE source LIKE 'Generated%'`
		if err := conn.QueryRow(context.Background(), q).Scan(&s); err != nil {
			t.Fatalf("times of %s: %v", table, err)
		}
		out[table+" (generated times)"] = s
	}
	return out
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestGenerateIsReproducibleFromTheSeed(t *testing.T) {
	a, b, other := dump(t, generate(t, 42)), dump(t, generate(t, 42)), dump(t, generate(t, 43))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two runs with seed 42 differ (-first +second):\n%.2000s", diff)
	}
	for _, table := range []string{"campaigns", "events", "youth_networks", "organizations", "event_cohosts"} {
		if a[table] == other[table] {
			t.Errorf("seeds 42 and 43 gave the same %s", table)
		}
	}
}

func TestGenerateIsSkewedAndRealistic(t *testing.T) {
	conn := connect(t, generate(t, 7))
	ctx := context.Background()
	generated := `source LIKE 'Generated%'`
	var largest, median, top5 int64
	q := `WITH n AS (SELECT c.id, count(e.id) AS n FROM campaigns c LEFT JOIN events e ON e.campaign_id = c.id
		WHERE c.` + generated + ` GROUP BY c.id)
		SELECT max(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n),
			(SELECT sum(n) FROM (SELECT n FROM n ORDER BY n DESC LIMIT 3) t) FROM n`
	if err := conn.QueryRow(ctx, q).Scan(&largest, &median, &top5); err != nil {
		t.Fatal(err)
	}
	if largest < 10*median {
		t.Errorf("largest campaign has %d events, median %d: want a few big campaigns and many small", largest, median)
	}
	if top5 < 12_000/4 {
		t.Errorf("the 3 largest of 60 campaigns hold %d of 12,000 events, want at least a quarter", top5)
	}

	checks := []struct {
		name string
		sql  string
		ok   func(n float64) bool
	}{
		{"ASEAN countries with events", `SELECT count(DISTINCT country_code) FROM events WHERE ` + generated, func(n float64) bool { return n == 10 }},
		{"share of events published to everyone", `SELECT avg((status <> 'DRAFT' AND visibility = 'PUBLIC')::int) FROM events WHERE ` + generated,
			func(n float64) bool { return n > 0.8 && n < 1 }},
		{"drafts", `SELECT count(*) FROM events WHERE status = 'DRAFT' AND ` + generated, func(n float64) bool { return n > 0 }},
		{"partner-only events", `SELECT count(*) FROM events WHERE visibility = 'PARTNERS' AND ` + generated, func(n float64) bool { return n > 0 }},
		{"events at a venue without a time zone", `SELECT count(*) FROM events WHERE venue_id IS NOT NULL AND time_zone IS NULL AND ` + generated,
			func(n float64) bool { return n == 0 }},
		{"distinct time zones", `SELECT count(DISTINCT time_zone) FROM events WHERE ` + generated, func(n float64) bool { return n >= 10 }},
		{"event kinds", `SELECT count(DISTINCT kind) FROM events WHERE ` + generated, func(n float64) bool { return n == 7 }},
		{"co-hosted events", `SELECT count(DISTINCT event_id) FROM event_cohosts`, func(n float64) bool { return n > 1000 }},
		{"partners", `SELECT count(*) FROM campaign_partners`, func(n float64) bool { return n >= 2*60 }},
		{"indicator periods", `SELECT count(*) FROM indicator_periods`, func(n float64) bool { return n >= 60 }},
		{"indicators whose IATI measure does not match their unit", `SELECT count(*) FROM indicators
			WHERE measure <> CASE unit WHEN 'PERCENT' THEN 'PERCENTAGE' ELSE 'UNIT' END`, func(n float64) bool { return n == 0 }},
		{"percentage indicators", `SELECT count(*) FROM indicators WHERE measure = 'PERCENTAGE'`, func(n float64) bool { return n > 0 }},
		{"local groups under a national chapter under a regional network", `SELECT count(*) FROM youth_networks l
			JOIN youth_networks n ON n.id = l.parent_id AND n.scope = 'NATIONAL'
			JOIN youth_networks r ON r.id = n.parent_id AND r.scope = 'REGIONAL' AND r.parent_id IS NULL
			WHERE l.scope = 'LOCAL' AND l.` + generated, func(n float64) bool { return n > 1500 }},
		{"networks out of place in the three levels", `SELECT count(*) FROM youth_networks x LEFT JOIN youth_networks p ON p.id = x.parent_id
			WHERE x.` + generated + ` AND NOT ((x.scope = 'REGIONAL' AND p.id IS NULL) OR (x.scope = 'NATIONAL' AND p.scope = 'REGIONAL')
			OR (x.scope = 'LOCAL' AND p.scope = 'NATIONAL'))`, func(n float64) bool { return n == 0 }},
		{"networks founded at a youth session", `SELECT count(*) FROM youth_networks y JOIN events e ON e.id = y.founded_at_id
			WHERE e.kind = 'YOUTH_SESSION' AND y.` + generated, func(n float64) bool { return n > 0 }},
	}
	for _, c := range checks {
		var n float64
		if err := conn.QueryRow(ctx, "SELECT ("+c.sql+")::float8").Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !c.ok(n) {
			t.Errorf("%s: got %v", c.name, n)
		}
	}
}

func TestGenerateRefusesADatabaseWithOtherCampaigns(t *testing.T) {
	st, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	opt := gen.Options{Seed: 1, Campaigns: 3, Events: 30, Networks: 10, Organizations: 10}
	if _, err := gen.Generate(ctx, st, opt); err != nil {
		t.Fatal(err)
	}
	before := dbtest.Snapshot(t, url)
	_, err := gen.Generate(ctx, st, opt)
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a second run gave %v, want a refusal that names --force", err)
	}
	if diff := cmp.Diff(before, dbtest.Snapshot(t, url)); diff != "" {
		t.Errorf("the refused run wrote (-before +after):\n%.2000s", diff)
	}
	opt.Force = true
	if _, err := gen.Generate(ctx, st, opt); err != nil {
		t.Fatalf("a forced run: %v", err)
	}
	var n int
	if err := connect(t, url).QueryRow(ctx, `SELECT count(*) FROM campaigns WHERE source LIKE 'Generated%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 6 {
		t.Errorf("after a forced second run there are %d generated campaigns, want 6", n)
	}
}
