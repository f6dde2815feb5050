package shared_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/lru"

	"campaigns/internal/limits"
	"campaigns/internal/redistest"
	"campaigns/internal/shared"
)

// open connects an instance to the Redis at url, trying it again soon after a failure, and
// logging to log if given.
func open(t *testing.T, url string, log ...*slog.Logger) *shared.Redis {
	t.Helper()
	opt := shared.Options{Retry: 100 * time.Millisecond}
	if len(log) > 0 {
		opt.Logger = log[0]
	}
	r, err := shared.Open(url, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// TestBudgetsAreShared charges one budget through two instances, as limits.Budgets charges
// one: what A spends, B cannot.
func TestBudgetsAreShared(t *testing.T) {
	srv := redistest.Start(t)
	a, b := open(t, srv.URL()).Budgets(100, 24*time.Hour), open(t, srv.URL()).Budgets(100, 24*time.Hour)
	now := time.Now()
	for i := 1; i <= 9; i++ {
		budgets := a
		if i%2 == 0 {
			budgets = b
		}
		d := budgets.Charge("addr:192.0.2.1", 10, now)
		if !d.Allowed || d.Limit != 100 || d.Remaining != 100-10*i {
			t.Fatalf("charge %d: %+v, want allowed with %d remaining", i, d, 100-10*i)
		}
		if !d.ResetAt.After(now) {
			t.Fatalf("charge %d: reset at %s, not after now", i, d.ResetAt)
		}
	}
	d := b.Charge("addr:192.0.2.1", 50, now)
	if d.Allowed || d.Remaining != 10 || d.RetryAfter <= 0 {
		t.Fatalf("over budget on B: %+v, want refused with 10 remaining and a wait", d)
	}
	if d := a.Charge("addr:192.0.2.1", 0, now); !d.Allowed || d.Remaining != 10 {
		t.Fatalf("reading the budget on A: %+v, want 10 remaining", d)
	}
	if d := a.Charge("addr:192.0.2.1", 101, now); d.Allowed || d.RetryAfter != 24*time.Hour || d.Remaining != 10 {
		t.Fatalf("a charge above the whole budget: %+v, want refused for a window, nothing spent", d)
	}
	if d := b.Charge("addr:192.0.2.2", 10, now); !d.Allowed || d.Remaining != 90 {
		t.Fatalf("another client: %+v, want a budget of its own", d)
	}
}

// TestBudgetsOutlastRedis stops Redis: each instance then charges its own budget, bounded as
// without Redis, and shares again once Redis is back.
func TestBudgetsOutlastRedis(t *testing.T) {
	srv := redistest.Start(t)
	var logged syncBuffer
	ra, rb := open(t, srv.URL(), slog.New(slog.NewTextHandler(&logged, nil))), open(t, srv.URL())
	a, b := ra.Budgets(100, 24*time.Hour), rb.Budgets(100, 24*time.Hour)
	now := time.Now()
	a.Charge("key:1", 60, now)

	srv.Stop()
	for i, budgets := range []*shared.Budgets{a, b} {
		// Each instance holds a whole budget of its own, and no more.
		if d := budgets.Charge("key:1", 100, now); !d.Allowed || d.Remaining != 0 {
			t.Fatalf("instance %d without Redis: %+v, want its own full budget", i, d)
		}
		if d := budgets.Charge("key:1", 1, now); d.Allowed {
			t.Fatalf("instance %d without Redis: %+v, want its own budget spent", i, d)
		}
	}
	if ra.Up() || rb.Up() {
		t.Fatal("Redis reported up while stopped")
	}

	// Tried again after Retry, Redis still fails: the warning was said once for the outage.
	time.Sleep(150 * time.Millisecond)
	a.Charge("key:1", 1, now)
	if n := strings.Count(logged.String(), "level=WARN"); n != 1 {
		t.Fatalf("%d warnings for one outage, want 1:\n%s", n, logged.String())
	}

	srv.Restart() // empty: budgets start full again
	waitUp(t, ra, func() { a.Charge("key:2", 0, now) })
	waitUp(t, rb, func() { b.Charge("key:2", 0, now) })
	if !strings.Contains(logged.String(), "Redis answers again") {
		t.Fatalf("no word that Redis is back:\n%s", logged.String())
	}
	if d := a.Charge("key:2", 70, now); !d.Allowed || d.Remaining != 30 {
		t.Fatalf("after Redis is back, on A: %+v", d)
	}
	if d := b.Charge("key:2", 70, now); d.Allowed || d.Remaining != 30 {
		t.Fatalf("after Redis is back, on B: %+v, want A's spending counted", d)
	}
}

// TestBudgetsOutlastAHungRedis pauses Redis, which then takes calls and never answers: the
// call's timeout ends the wait, and the budget is charged locally.
func TestBudgetsOutlastAHungRedis(t *testing.T) {
	srv := redistest.Start(t)
	r := open(t, srv.URL())
	b := r.Budgets(100, 24*time.Hour)
	now := time.Now()
	b.Charge("key:1", 60, now)
	srv.Pause()
	if d := b.Charge("key:1", 60, now); !d.Allowed || d.Remaining != 40 || r.Up() {
		t.Fatalf("with Redis hung: %+v, up %v; want the instance's own budget", d, r.Up())
	}
	srv.Resume()
	waitUp(t, r, func() { b.Charge("key:1", 0, now) })
	if d := b.Charge("key:1", 60, now); d.Allowed || d.Remaining != 40 {
		t.Fatalf("Redis answering again: %+v, want its budget, 60 spent, back", d)
	}
}

// waitUp calls try until r finds Redis again, after its circuit's Retry.
func waitUp(t *testing.T, r *shared.Redis, try func()) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for try(); !r.Up(); try() {
		if time.Now().After(deadline) {
			t.Fatal("Redis not found again after it restarted")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestQueriesAreShared registers a text through A and reads it through B, within the bounds.
func TestQueriesAreShared(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	a := open(t, srv.URL()).Queries(lru.New[string](10), 3, 100)
	b := open(t, srv.URL()).Queries(lru.New[string](10), 3, 100)
	a.Add(ctx, "h1", "{ a }")
	if q, ok := b.Get(ctx, "h1"); !ok || q != "{ a }" {
		t.Fatalf("B got %q, %v; want A's text", q, ok)
	}
	if _, ok := b.Get(ctx, "nothing"); ok {
		t.Fatal("B found a hash nobody registered")
	}
	// A text longer than maxBytes stays with the instance that was sent it.
	long := fmt.Sprintf("{ %0100d }", 0)
	a.Add(ctx, "long", long)
	if _, ok := b.Get(ctx, "long"); ok {
		t.Fatal("a text past the size bound was shared")
	}
	if q, ok := a.Get(ctx, "long"); !ok || q != long {
		t.Fatal("the instance lost the long text it was sent")
	}
	// Past the most, the least recently used is dropped: h1 was read, h2 was not.
	a.Add(ctx, "h2", "{ b }")
	if _, ok := open(t, srv.URL()).Queries(lru.New[string](10), 3, 100).Get(ctx, "h1"); !ok {
		t.Fatal("h1 lost")
	}
	a.Add(ctx, "h3", "{ c }")
	a.Add(ctx, "h4", "{ d }")
	c := open(t, srv.URL()).Queries(lru.New[string](10), 3, 100)
	for hash, want := range map[string]bool{"h1": true, "h2": false, "h3": true, "h4": true} {
		if _, ok := c.Get(ctx, hash); ok != want {
			t.Errorf("%s held: %v, want %v", hash, ok, want)
		}
	}
}

// TestNoURL is the embedded default: no Redis, nothing to close.
func TestNoURL(t *testing.T) {
	r, err := shared.Open("", shared.Options{})
	if r != nil || err != nil {
		t.Fatalf("Open(\"\") = %v, %v; want nil, nil", r, err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := shared.CheckURL("http://x"); err == nil {
		t.Fatal("an http URL was taken for Redis")
	}
}

var _ limits.Charger = (*shared.Budgets)(nil)

// syncBuffer is a bytes.Buffer that a logger and the test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
