package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// TestReadsSurviveABrokenConnection breaks the database connection under an operation as a
// restart does (the backend running its statement is terminated: 57P01, admin shutdown),
// with the shared PostgreSQL itself left alone. A query is run once more, on a new
// connection, and answered in full; a mutation is not: it answers SERVICE_UNAVAILABLE at
// once, although the table it waited for is still locked (a second attempt would wait for
// it again), and writes nothing.
func TestReadsSurviveABrokenConnection(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	editor := apitest.Key(t, st, "retry-editor", "EDITOR")
	var logs syncBuffer
	h := api.New(st, api.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	ctx := context.Background()
	// One connection holds the lock, another watches: pg_stat_activity is read once per
	// transaction, so the watcher must not be in the locking one.
	locker, watch := connectTo(t, url), connectTo(t, url)

	// waiting returns the backends of the test's database waiting for a lock.
	waiting := func(t *testing.T) []int {
		rows, err := watch.Query(ctx, `SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' ORDER BY pid`)
		if err != nil {
			t.Fatal(err)
		}
		pids, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			t.Fatal(err)
		}
		return pids
	}
	waitFor := func(t *testing.T, what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("gave up waiting for %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// run sends query while campaigns is locked, terminates the backend that waits for the
	// lock, and returns the answer channel, the terminated backend, and the lock's release.
	run := func(t *testing.T, key, query string, vars map[string]any) (<-chan *answer, int, func()) {
		t.Helper()
		lock, err := locker.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lock.Exec(ctx, `LOCK TABLE campaigns IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		release := func() { _ = lock.Rollback(ctx) }
		t.Cleanup(release)
		answers := make(chan *answer, 1)
		go func() {
			body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
			req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+key)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			a := &answer{Status: rec.Code, Body: rec.Body.String()}
			_ = json.Unmarshal(rec.Body.Bytes(), a)
			answers <- a
		}()
		var pids []int
		waitFor(t, "the operation's statement to wait for the lock", func() bool { pids = waiting(t); return len(pids) == 1 })
		var terminated bool
		if err := watch.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, pids[0]).Scan(&terminated); err != nil || !terminated {
			t.Fatalf("terminate backend %d: %v", pids[0], err)
		}
		return answers, pids[0], release
	}

	t.Run("a query is retried", func(t *testing.T) {
		answers, first, release := run(t, editor, `{ campaigns(first: 5) { totalCount nodes { slug } } }`, nil)
		// The retry runs on another connection, and waits for the lock again.
		waitFor(t, "the retry's statement to wait for the lock", func() bool {
			pids := waiting(t)
			return len(pids) == 1 && pids[0] != first
		})
		release()
		a := <-answers
		if a.Status != http.StatusOK || len(a.Errors) > 0 || !bytes.Contains(a.Data, []byte(`"totalCount":0`)) {
			t.Errorf("the retried query answered %d: %s", a.Status, a.Body)
		}
	})

	t.Run("a mutation is not", func(t *testing.T) {
		const slug = "retry-not-retried"
		answers, _, release := run(t, editor, `mutation($in: CreateCampaignInput!) { createCampaign(input: $in) { campaign { id } userErrors { code } } }`,
			map[string]any{"in": map[string]any{"slug": slug, "name": "Not retried"}})
		var a *answer
		select {
		case a = <-answers:
		case <-time.After(20 * time.Second):
			release()
			t.Fatalf("the mutation did not answer while the table stayed locked: it was run again")
		}
		if pids := waiting(t); len(pids) > 0 {
			t.Errorf("backends %v wait for the lock after the mutation answered", pids)
		}
		release()
		if a.code() != "SERVICE_UNAVAILABLE" {
			t.Errorf("the mutation answered %d: %s; want SERVICE_UNAVAILABLE", a.Status, a.Body)
		}
		var n int
		if err := watch.QueryRow(ctx, `SELECT count(*) FROM campaigns WHERE slug = $1`, slug).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d campaigns %s written (%v), want none", n, slug, err)
		}
	})
	if t.Failed() {
		t.Logf("server log:\n%s", logs.String())
	}
}

// connectTo opens a connection of the test's own to the database at url.
func connectTo(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}
