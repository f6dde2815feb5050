package faulttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
)

// TestStatementTimeout holds a lock that a request's statement waits for, so that the
// statement runs past the statement timeout: the request must be answered with a clear
// code, write nothing, and the next request must be served as usual.
func TestStatementTimeout(t *testing.T) {
	_, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	st, err := store.Open(ctx, url, store.Options{MaxOpenConns: 4, StatementTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	editor := apitest.Key(t, st, "timeout-editor", "EDITOR")
	c := apitest.New(st)
	// A key's first use records when it was used; use it now, so that the snapshots below
	// see only what the requests under test write.
	if res := c.As(editor).Query(t, `{ viewer { role } }`, nil); len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}

	tests := []struct {
		name   string
		locked string // the table a statement of the request waits for
		key    string
		query  string
		vars   map[string]any
		status int
		code   string
	}{
		{name: "read", locked: "campaigns", query: `{ campaigns(first: 5) { totalCount edges { node { name } } } }`,
			status: http.StatusOK, code: "QUERY_TIMEOUT"},
		{name: "write", locked: "campaigns", key: editor, query: write,
			vars:   map[string]any{"in": map[string]any{"slug": "too-slow", "name": "Too slow"}},
			status: http.StatusOK, code: "QUERY_TIMEOUT"},
		// The key is looked up before GraphQL runs; the middleware cannot tell a slow
		// database from a missing one, and asks the client to try again.
		{name: "API key lookup", locked: "api_keys", key: editor, query: `{ viewer { organization { name } } }`,
			status: http.StatusServiceUnavailable, code: "SERVICE_UNAVAILABLE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := dbtest.Snapshot(t, url)
			unlock := lockTable(t, url, tt.locked)
			res := c.As(tt.key).Query(t, tt.query, tt.vars)
			unlock()
			if res.Status != tt.status || len(res.Errors) == 0 {
				t.Fatalf("status %d, errors %v; want %d with %s", res.Status, res.Errors, tt.status, tt.code)
			}
			for _, e := range res.Errors {
				if e.Code() != tt.code {
					t.Errorf("error %q has code %q, want %s", e.Message, e.Code(), tt.code)
				}
			}
			if diff := cmp.Diff(before, dbtest.Snapshot(t, url)); diff != "" {
				t.Errorf("a request that timed out wrote (-before +after):\n%s", diff)
			}
			again := c.As(tt.key).Query(t, tt.query, tt.vars)
			if len(again.Errors) > 0 {
				t.Fatalf("the same request once the lock is gone: %v", again.Errors)
			}
		})
	}
}

// TestClientGoneCancelsSQL sends a request whose statement waits for a lock, then goes
// away: PostgreSQL must stop running that statement while the lock is still held, which
// only a cancel request can make it do, and the server must not count it an internal error.
func TestClientGoneCancelsSQL(t *testing.T) {
	st, url := dbtest.NewWithURL(t)
	logs := &errorLog{}
	srv := httptest.NewServer(api.New(st, api.Options{Logger: slog.New(logs)}))
	t.Cleanup(srv.Close)
	watch := connect(t, url)
	unlock := lockTable(t, url, "campaigns")
	defer unlock()

	ctx, goAway := context.WithCancel(context.Background())
	defer goAway()
	body, _ := json.Marshal(map[string]any{"query": `{ campaigns(first: 5) { totalCount edges { node { name } } } }`})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	var wg sync.WaitGroup
	wg.Add(1)
	var clientErr error
	go func() {
		defer wg.Done()
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		clientErr = err
	}()

	// The request's statement, waiting for the lock (not the statistics that price it, which
	// give up on a lock at once).
	var pid int
	waitUntil(t, "the request's statement to wait for the lock", func() bool {
		err := watch.QueryRow(context.Background(), `SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%campaigns%'
			AND query NOT ILIKE 'EXPLAIN%'`).Scan(&pid)
		return err == nil
	})

	goAway()
	wg.Wait()
	if !errors.Is(clientErr, context.Canceled) {
		t.Fatalf("the client's request ended with %v, want it cancelled", clientErr)
	}
	var state string
	var gone bool
	waitUntil(t, "PostgreSQL to stop the statement of the request whose client went away", func() bool {
		err := watch.QueryRow(context.Background(), `SELECT coalesce(state, '') FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&state)
		gone = errors.Is(err, pgx.ErrNoRows)
		return gone || err == nil && state != "active"
	})
	if gone {
		// pgx's default on a cancelled context: a cancel request, then closing the connection.
		t.Logf("backend %d stopped its statement and ended while the lock was still held", pid)
	} else {
		t.Logf("backend %d stopped its statement while the lock was still held; it is now %q", pid, state)
	}
	waitUntil(t, "the server to log the cancelled request", func() bool { return logs.message("request cancelled by the client") > 0 })
	if n := logs.internal.Load(); n > 0 {
		t.Errorf("the server logged a client going away as %d internal errors: %s", n, logs.kinds())
	}
}

// lockTable locks table against every other use from a connection of its own, until the
// returned function (or the end of the test) releases it.
func lockTable(t *testing.T, url, table string) (unlock func()) {
	t.Helper()
	ctx := context.Background()
	conn := connect(t, url)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+pgx.Identifier{table}.Sanitize()+" IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	unlock = func() { once.Do(func() { _ = tx.Rollback(ctx) }) }
	t.Cleanup(unlock)
	return unlock
}

// connect opens a connection of the test's own, closed at the end of the test.
func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// waitUntil polls cond until it holds, failing the test after a bound.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
