package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"campaigns/internal/admit"
	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/limits"
	"campaigns/internal/metrics"
	"campaigns/internal/problem"
)

// The admission tests are not parallel: they read the process's admission gauges, which no
// other test moves.

// blockCampaigns holds a lock that makes every read of campaigns wait until the returned
// function releases it: a slow operation on demand.
func blockCampaigns(t *testing.T, url string) (release func()) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `LOCK TABLE campaigns IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if !done {
			done = true
			_ = tx.Rollback(ctx)
			_ = conn.Close(ctx)
		}
	}
	t.Cleanup(release)
	return release
}

// waitFor waits until cond holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 2000 {
		if cond() {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("never: %s", what)
}

const slowQuery = `{ campaigns(first: 1) { nodes { id } } }`

// TestAdmissionQueuesInArrivalOrder: with one slot, an operation that arrives while another
// runs waits in the queue, not in execution, and runs once the first is done.
func TestAdmissionQueuesInArrivalOrder(t *testing.T) {
	st, url := seededWithURL(t)
	c := &apitest.Client{Handler: api.New(st, api.Options{Limits: limits.Config{MaxCost: apitest.TestMaxCost},
		Gate: admit.New(admit.Options{Limit: 1, MaxWait: time.Minute})})}
	release := blockCampaigns(t, url)
	running, waiting := testutil.ToFloat64(metrics.AdmitRunning), testutil.ToFloat64(metrics.AdmitWaiting)
	queued := testutil.ToFloat64(metrics.AdmitQueued)

	done := make(chan int, 2)
	for i := 1; i <= 2; i++ {
		go func() {
			if res := c.Query(t, slowQuery, nil); len(res.Errors) > 0 || res.Status != 200 {
				t.Errorf("operation %d: status %d, errors %+v", i, res.Status, res.Errors)
			}
			done <- i
		}()
		if i == 1 {
			waitFor(t, "the first operation runs", func() bool { return testutil.ToFloat64(metrics.AdmitRunning) == running+1 })
		}
	}
	waitFor(t, "the second operation waits", func() bool { return testutil.ToFloat64(metrics.AdmitWaiting) == waiting+1 })
	if got := testutil.ToFloat64(metrics.AdmitRunning) - running; got != 1 {
		t.Errorf("%v operations run at once, want 1", got)
	}
	release()
	if first, second := <-done, <-done; first != 1 || second != 2 {
		t.Errorf("finished %d then %d, want 1 then 2", first, second)
	}
	if got := testutil.ToFloat64(metrics.AdmitQueued) - queued; got != 1 {
		t.Errorf("%v operations counted as queued, want 1", got)
	}
}

// TestAdmissionRefusesPastTheWait: an operation that cannot be admitted within the wait is
// answered 503 with Retry-After and OVERLOADED, counted, and a refused mutation writes
// nothing.
func TestAdmissionRefusesPastTheWait(t *testing.T) {
	st, url := seededWithURL(t)
	c := &apitest.Client{Handler: api.New(st, api.Options{Limits: limits.Config{MaxCost: apitest.TestMaxCost},
		Gate: admit.New(admit.Options{Limit: 1, MaxWait: 50 * time.Millisecond})})}
	editor := c.As(apitest.Key(t, st, "mtv-exit", "EDITOR"))
	release := blockCampaigns(t, url)
	running, rejected := testutil.ToFloat64(metrics.AdmitRunning), testutil.ToFloat64(metrics.AdmitRejected)
	slow := make(chan *apitest.Response, 1)
	go func() { slow <- c.Query(t, slowQuery, nil) }()
	waitFor(t, "the slow operation runs", func() bool { return testutil.ToFloat64(metrics.AdmitRunning) == running+1 })

	body := []byte(`{"query": "mutation { m: createCampaign(input: {slug: \"refused\", name: \"Refused\", startsOn: \"2014\"}) { campaign { id } } }"}`)
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+editor.Key)
	rec := httptest.NewRecorder()
	c.Handler.ServeHTTP(rec, req)
	if rec.Code != 503 || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("status %d, Retry-After %q; want 503 and 1", rec.Code, rec.Header().Get("Retry-After"))
	}
	var answer struct{ Errors []apitest.Error }
	if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || len(answer.Errors) != 1 || answer.Errors[0].Code() != string(problem.Overloaded) {
		t.Errorf("want one error %s: %s", problem.Overloaded, rec.Body)
	}
	if got := testutil.ToFloat64(metrics.AdmitRejected) - rejected; got != 1 {
		t.Errorf("%v refusals counted, want 1", got)
	}
	release()
	if res := <-slow; len(res.Errors) > 0 {
		t.Errorf("the slow operation: %+v", res.Errors)
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM campaigns WHERE slug = 'refused'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the refused mutation created %d campaigns (%v)", n, err)
	}
}
