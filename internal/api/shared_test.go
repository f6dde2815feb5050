package api_test

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/metrics"
	"campaigns/internal/persisted"
	"campaigns/internal/redistest"
	"campaigns/internal/shared"
	"campaigns/internal/store"
)

// instances returns two API handlers on st sharing the Redis at url, as two instances behind
// a load balancer, with the connection of each to Redis.
func instances(t *testing.T, st *store.Store, url string, cfg limits.Config) (a, b http.Handler, ra, rb *shared.Redis) {
	t.Helper()
	open := func() *shared.Redis {
		// Redis is tried again soon after a failure, so that the test sees it come back.
		r, err := shared.Open(url, shared.Options{Retry: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Close() })
		return r
	}
	ra, rb = open(), open()
	return api.New(st, api.Options{Limits: cfg, Shared: ra}), api.New(st, api.Options{Limits: cfg, Shared: rb}), ra, rb
}

// sharedLimits are small budgets that nothing refills noticeably while a test runs.
var sharedLimits = limits.Config{MaxCost: 50, AnonymousPoints: 100, KeyPoints: 100, Window: 24 * time.Hour}

// cost50 costs 50 points: two of them spend a budget of sharedLimits.
const cost50 = `{ campaigns(first: 49) { nodes { name } } }`

// TestInstancesShareBudgetsAndPersistedQueries: a budget spent through instance A is spent
// on B, for an address and for a key; a query registered through A runs by its hash on B.
func TestInstancesShareBudgetsAndPersistedQueries(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	st := dbtest.Seeded(t)
	key := apitest.Key(t, st, "usaid", "VIEWER")
	a, b, _, _ := instances(t, st, srv.URL(), sharedLimits)
	from := func(h http.Handler, header ...string) *answer {
		req := postJSON(t, cost50, nil)
		req.RemoteAddr = "203.0.113.9:4000"
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return send(t, h, req)
	}
	for _, who := range [][]string{nil, {"Authorization", "Bearer " + key}} {
		if r := from(a, who...); r.Status != 200 || r.RateLimit == nil || r.RateLimit.Remaining != 50 {
			t.Fatalf("first on A: status %d: %.300s", r.Status, r.Body)
		}
		if r := from(b, who...); r.Status != 200 || r.RateLimit == nil || r.RateLimit.Remaining != 0 {
			t.Fatalf("second, on B: status %d, want A's spending counted: %.300s", r.Status, r.Body)
		}
		for _, h := range []http.Handler{a, b} {
			r := from(h, who...)
			if r.Status != http.StatusTooManyRequests || r.code() != limits.CodeRateLimited || r.Header.Get("Retry-After") == "" ||
				r.RateLimit == nil || r.RateLimit.Limit != 100 || r.RateLimit.Remaining != 0 {
				t.Fatalf("third: status %d, Retry-After %q; want 429 on both instances: %.300s", r.Status, r.Header.Get("Retry-After"), r.Body)
			}
		}
	}

	const q = `query($n: Int) { campaigns(first: $n) { nodes { slug } } }`
	hash := persisted.Hash(q)
	if r := send(t, b, postPersisted(t, "", hash, map[string]any{"n": 2})); r.code() != persisted.CodeNotFound {
		t.Fatalf("before registering: %q, want %s: %.300s", r.code(), persisted.CodeNotFound, r.Body)
	}
	want := slugs(t, send(t, a, postPersisted(t, q, hash, map[string]any{"n": 2})))
	for _, req := range []*http.Request{postPersisted(t, "", hash, map[string]any{"n": 2}), getPersisted(t, hash, `{"n": 2}`)} {
		if got := slugs(t, send(t, b, req)); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("B answered %v for A's registration, want %v", got, want)
		}
	}
}

// TestInstancesOutlastRedis stops Redis under a small load through two instances: no request
// fails, each instance keeps limits of its own (a key gets one budget per instance, and no
// more), redis_up reads 0; once Redis is back, budgets are shared again. Not parallel: it
// reads redis_up, which every instance of the process sets.
func TestInstancesOutlastRedis(t *testing.T) {
	srv := redistest.Start(t)
	st := dbtest.Seeded(t)
	key := apitest.Key(t, st, "usaid", "VIEWER")
	cfg := sharedLimits
	cfg.AnonymousPoints = 1_000_000 // the load's clients: never limited here
	a, b, ra, rb := instances(t, st, srv.URL(), cfg)
	hs := []http.Handler{a, b}

	// The load: four anonymous clients, each alternating instances, until told to stop or
	// at most 400 requests each.
	var served atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 400 {
				select {
				case <-stop:
					return
				default:
				}
				req := postJSON(t, `{ campaigns(first: 2) { nodes { slug } } }`, nil)
				req.RemoteAddr = fmt.Sprintf("198.51.100.%d:5000", c+1)
				rec := httptest.NewRecorder()
				hs[i%2].ServeHTTP(rec, req)
				if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"slug"`) || strings.Contains(rec.Body.String(), `"errors"`) {
					t.Errorf("client %d, request %d: status %d: %.300s", c, i, rec.Code, rec.Body.String())
					return
				}
				served.Add(1)
			}
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	waitServed := func(n int64) {
		t.Helper()
		for start := served.Load(); served.Load() < start+n; {
			select {
			case <-finished:
				t.Fatalf("the load ended with %d requests served, before the test had what it needed", served.Load())
			default:
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitServed(20)
	srv.Stop()
	waitServed(40)
	if ra.Up() || rb.Up() {
		t.Fatal("an instance still counts on Redis, stopped under load")
	}
	if v := redisUp(t); v != "0" {
		t.Fatalf("redis_up %s while Redis is stopped, want 0", v)
	}

	// Limits stay bounded: the key gets a whole budget on each instance, and no more.
	spend := func(h http.Handler) *answer {
		req := postJSON(t, cost50, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		return send(t, h, req)
	}
	for i, h := range hs {
		for n := range 2 {
			if r := spend(h); r.Status != 200 {
				t.Fatalf("instance %d, request %d of its own budget: status %d: %.300s", i, n, r.Status, r.Body)
			}
		}
		if r := spend(h); r.Status != http.StatusTooManyRequests || r.code() != limits.CodeRateLimited {
			t.Fatalf("instance %d past its own budget: status %d, want 429: %.300s", i, r.Status, r.Body)
		}
	}

	srv.Restart() // empty: every budget is whole again
	for _, inst := range []struct {
		h http.Handler
		r *shared.Redis
	}{{a, ra}, {b, rb}} {
		for deadline := time.Now().Add(10 * time.Second); !inst.r.Up(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("an instance did not find Redis again")
			}
			send(t, inst.h, postJSON(t, `{ campaigns(first: 1) { totalCount } }`, nil))
		}
	}
	close(stop)
	<-finished
	if v := redisUp(t); v != "1" {
		t.Fatalf("redis_up %s after Redis is back, want 1", v)
	}
	if r := spend(a); r.Status != 200 || r.RateLimit == nil || r.RateLimit.Remaining != 50 {
		t.Fatalf("after Redis is back, on A: status %d: %.300s", r.Status, r.Body)
	}
	if r := spend(b); r.Status != 200 || r.RateLimit == nil || r.RateLimit.Remaining != 0 {
		t.Fatalf("after Redis is back, on B: status %d, want A's spending counted: %.300s", r.Status, r.Body)
	}
	if r := spend(a); r.Status != http.StatusTooManyRequests {
		t.Fatalf("after Redis is back, the shared budget spent: status %d, want 429: %.300s", r.Status, r.Body)
	}
}

// redisUp reads redis_up from /metrics.
func redisUp(t *testing.T) string {
	t.Helper()
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "redis_up "); ok {
			return v
		}
	}
	t.Fatal("no redis_up in /metrics")
	return ""
}
