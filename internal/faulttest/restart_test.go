package faulttest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/page"
	"campaigns/internal/seed"
	"campaigns/internal/store"
)

// The queries of the load: a nested read that goes through the loaders, the same with an
// API key (so the key lookup meets the outage too), and a write, whose transaction does.
const (
	nestedRead = `{ campaigns(first: 5) { totalCount edges { node { name partners { role organization { name } } } } } }`
	keyedRead  = `{ organizations(first: 5) { totalCount edges { node { name } } } }`
	write      = `mutation($in: CreateCampaignInput!) { createCampaign(input: $in) { campaign { id } userErrors { code } } }`

	// A read and a write of a table that the load leaves alone.
	heldRead  = `{ youthNetworks(first: 3) { totalCount } }`
	heldWrite = `mutation($in: CreateYouthNetworkInput!) { createYouthNetwork(input: $in) { youthNetwork { id } userErrors { code } } }`
)

// TestDatabaseRestartUnderLoad stops PostgreSQL under load and starts it again, once as a
// service restart does (fast) and once as a crash does (immediate). While it is down every
// request must get SERVICE_UNAVAILABLE, never an internal error, a 500 without a code or a
// hang, and /readyz must answer 503; once it is back the server must serve again by
// itself, with no request failing after the first that succeeds and /readyz at 200.
func TestDatabaseRestartUnderLoad(t *testing.T) {
	pg := newCluster(t)
	ctx := context.Background()
	logs := &errorLog{}
	st, err := store.Open(ctx, pg.URL("campaigns"), store.Options{MaxOpenConns: 8, StatementTimeout: 10 * time.Second, Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	viewer := apitest.Key(t, st, "fault-test-viewer", "VIEWER")
	editor := apitest.Key(t, st, "fault-test-editor", "EDITOR")
	// Reads wait a second at most for the database before their retry: this outage is
	// longer, on purpose, and its reads must then fail fast with SERVICE_UNAVAILABLE.
	srv := httptest.NewServer(api.New(st, api.Options{Logger: slog.New(logs), RetryWait: time.Second}))
	t.Cleanup(srv.Close)
	c := newClient(srv.URL, 10*time.Second)

	for _, mode := range []string{"fast", "immediate"} {
		t.Run(mode, func(t *testing.T) {
			logs.reset()
			l := startLoad(c, 8, 5*time.Millisecond, viewer, editor)
			defer l.stop()

			l.phase("steady")
			l.waitServed(t, "steady", 40)

			l.phase("outage")
			stopping := time.Now()
			pg.Stop(mode)
			stopped := time.Now()
			sawNotReady := waitReadyz(t, c, http.StatusServiceUnavailable, "database unreachable")
			for _, kind := range []string{"read", "keyed read", "write"} {
				l.waitKind(t, "outage", kind, unavailable, 10)
			}
			time.Sleep(time.Until(stopped.Add(time.Second))) // an outage of a second at least, so that every pooled connection meets it

			l.phase("recovery")
			starting := time.Now()
			pg.Start()
			started := time.Now()
			l.waitServed(t, "recovery", 1)
			firstServed := l.tallies["recovery"].firstAt(served)
			sawReady := waitReadyz(t, c, http.StatusOK, "ok")

			l.phase("settled")
			l.waitServed(t, "settled", 100)
			l.stop()

			ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
			t.Logf("%s stop took %s; down for %s; pg_ctl start took %s; first request served %s after pg_ctl start began",
				mode, ms(stopped.Sub(stopping)), ms(starting.Sub(stopped)), ms(started.Sub(starting)), ms(firstServed.Sub(starting)))
			t.Logf("/readyz: 503 %q during the outage, 200 %q after", sawNotReady, sawReady)
			for _, p := range []string{"steady", "outage", "recovery", "settled"} {
				t.Logf("%-8s %s", p, l.tallies[p])
			}
			t.Logf("server-side causes of SERVICE_UNAVAILABLE: %s", logs.kinds())

			for _, p := range []string{"steady", "outage", "recovery", "settled"} {
				if n := l.tallies[p].total() - l.tallies[p].count(served) - l.tallies[p].count(unavailable); n > 0 {
					t.Errorf("%s: %d requests failed otherwise than with SERVICE_UNAVAILABLE: %s", p, n, l.tallies[p])
				}
			}
			for _, p := range []string{"steady", "settled"} {
				if n := l.tallies[p].total() - l.tallies[p].count(served); n > 0 {
					t.Errorf("%s: %d requests not served while the database was up: %s", p, n, l.tallies[p])
				}
			}
			if n := logs.internal.Load(); n > 0 {
				t.Errorf("the server logged %d internal errors: %s", n, logs.kinds())
			}
		})
	}
}

// TestDatabaseRestartCostsNoRead restarts PostgreSQL, as a service restart does (fast)
// and as a crash does (immediate), under a steady load of about 20 requests a second.
// Every read, with a key or without, must be served: a read that the restart failed is run
// once more when PostgreSQL answers again. A write may fail with SERVICE_UNAVAILABLE, and
// is never run again (whether it committed is not known; its client retries with its
// Idempotency-Key). To be sure each kind meets the restart, a read and a write are held in
// flight by a lock when it begins: the read must be served, the write must fail, write
// nothing and not be retried, and no write of the load may be among the retried requests.
func TestDatabaseRestartCostsNoRead(t *testing.T) {
	pg := newCluster(t)
	ctx := context.Background()
	logs := &errorLog{}
	st, err := store.Open(ctx, pg.URL("campaigns"), store.Options{MaxOpenConns: 8, StatementTimeout: 10 * time.Second, Logger: slog.New(logs)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Load(ctx, st); err != nil {
		t.Fatal(err)
	}
	viewer := apitest.Key(t, st, "fault-test-viewer", "VIEWER")
	editor := apitest.Key(t, st, "fault-test-editor", "EDITOR")
	srv := httptest.NewServer(api.New(st, api.Options{Logger: slog.New(logs)}))
	t.Cleanup(srv.Close)
	c := newClient(srv.URL, 30*time.Second)

	for _, mode := range []string{"fast", "immediate"} {
		t.Run(mode, func(t *testing.T) {
			logs.reset()
			// Four clients, each pausing 150 ms between requests of some 50 ms: about 20 a second.
			l := startLoad(c, 4, 150*time.Millisecond, viewer, editor)
			defer l.stop()
			l.phase("steady")
			l.waitServed(t, "steady", 40)

			// A read and a write in flight when the restart begins, waiting for a lock on a
			// table that the load does not use, so that the test sees them waiting.
			unlock := lockTable(t, pg.URL("campaigns"), "youth_networks")
			heldSlug := "held-write-" + mode
			held := make(chan result, 2)
			go func() { held <- c.query(ctx, "held-read-"+mode, "", heldRead, nil) }()
			go func() {
				held <- c.query(ctx, "held-write-"+mode, editor, heldWrite, map[string]any{"in": map[string]any{"slug": heldSlug, "name": "Held", "scope": "REGIONAL"}})
			}()
			watch := connect(t, pg.URL("campaigns"))
			waitUntil(t, "the held read and write to wait for the lock", func() bool {
				var n int
				err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
					WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%youth_networks%'`).Scan(&n)
				return err == nil && n == 2
			})

			l.phase("restart")
			restartAt := time.Now()
			pg.Stop(mode) // ends the lock's session, and every other
			unlock()
			pg.Start()
			started := time.Now()
			l.phase("settled")
			l.waitServed(t, "settled", 60)
			l.stop()
			heldResults := map[string]result{}
			for range 2 {
				r := <-held
				heldResults[r.id] = r
			}

			t.Logf("%s restart took %s", mode, started.Sub(restartAt).Round(time.Millisecond))
			for _, p := range []string{"steady", "restart", "settled"} {
				t.Logf("%-8s %s", p, l.tallies[p])
			}
			t.Logf("server-side causes of SERVICE_UNAVAILABLE: %s", logs.kinds())
			retried := logs.retriedIDs()
			t.Logf("reads retried: %d", len(retried))

			for _, p := range []string{"steady", "restart", "settled"} {
				for _, kind := range []string{"read", "keyed read"} {
					if n := l.tallies[p].notServed(kind); n > 0 {
						t.Errorf("%s: %d %ss were not served (want 0): %s", p, n, kind, l.tallies[p])
					}
				}
				if n := l.tallies[p].notServed("write") - l.tallies[p].countKind("write", unavailable); n > 0 {
					t.Errorf("%s: %d writes failed otherwise than with SERVICE_UNAVAILABLE: %s", p, n, l.tallies[p])
				}
			}
			if r := heldResults["held-read-"+mode]; r.outcome != served {
				t.Errorf("the read in flight at the restart: %s %s, want served", r.outcome, r.detail)
			}
			if r := heldResults["held-write-"+mode]; r.outcome != unavailable {
				t.Errorf("the write in flight at the restart: %s %s, want SERVICE_UNAVAILABLE", r.outcome, r.detail)
			}
			for _, id := range retried {
				if strings.HasPrefix(id, "fault-write-") || strings.HasPrefix(id, "held-write-") {
					t.Errorf("write %s was run a second time", id)
				}
			}
			if !slices.Contains(retried, "held-read-"+mode) {
				t.Errorf("the held read is not among the retried reads %v", retried)
			}
			var n int
			check := connect(t, pg.URL("campaigns"))
			if err := check.QueryRow(ctx, `SELECT count(*) FROM youth_networks WHERE slug = $1`, heldSlug).Scan(&n); err != nil || n != 0 {
				t.Errorf("the failed write wrote %d networks (%v), want none", n, err)
			}
			if n := logs.internal.Load(); n > 0 {
				t.Errorf("the server logged %d internal errors: %s", n, logs.kinds())
			}
		})
	}
}

// load keeps concurrent clients sending requests until stopped, tallying the outcomes by
// the phase in which each answer arrived.
type load struct {
	cur     atomic.Pointer[string]
	tallies map[string]*tally
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	once    sync.Once
}

// startLoad starts workers that each send a request, wait pause, and send the next. A
// quarter of them write; the requests of writes have ids that begin with "fault-write-".
func startLoad(c *client, workers int, pause time.Duration, viewer, editor string) *load {
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{cancel: cancel, tallies: map[string]*tally{}}
	for _, p := range []string{"steady", "outage", "recovery", "settled", "restart"} {
		l.tallies[p] = newTally()
	}
	l.phase("steady")
	var seq atomic.Int64
	for w := range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for ctx.Err() == nil {
				n := seq.Add(1)
				id := fmt.Sprintf("fault-%08d", n)
				var r result
				switch w % 4 {
				case 0, 1:
					r = c.query(ctx, id, "", nestedRead, nil)
					r.kind = "read"
				case 2:
					r = c.query(ctx, id, viewer, keyedRead, nil)
					r.kind = "keyed read"
				case 3:
					slug := fmt.Sprintf("restart-%d", n)
					r = c.query(ctx, fmt.Sprintf("fault-write-%08d", n), editor, write, map[string]any{"in": map[string]any{"slug": slug, "name": "Restart " + slug}})
					r.kind = "write"
				}
				if ctx.Err() != nil {
					return // stopped mid-request: not the server's doing
				}
				l.tallies[*l.cur.Load()].add(r)
				time.Sleep(pause) // at least a little: an outage must not become a busy loop that starves other test packages
			}
		}()
	}
	return l
}

func (l *load) phase(p string) { l.cur.Store(&p) }

func (l *load) stop() {
	l.once.Do(func() {
		l.cancel()
		l.wg.Wait()
	})
}

// waitKind waits until phase p has n answers with outcome o to requests of kind (any kind
// when empty), failing after a bound.
func (l *load) waitKind(t *testing.T, p, kind string, o outcome, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for l.tallies[p].countKind(kind, o) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s: fewer than %d answers %s to %q within the bound: %s", p, n, o, kind, l.tallies[p])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (l *load) waitServed(t *testing.T, p string, n int) { t.Helper(); l.waitKind(t, p, "", served, n) }

// waitReadyz polls /readyz until it answers status with reason in its body, failing after
// a bound, and returns the body.
func waitReadyz(t *testing.T, c *client, status int, reason string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		got, body, err := c.get(context.Background(), "/readyz")
		if err == nil && got == status && strings.Contains(body, reason) {
			return strings.TrimSpace(body)
		}
		last = fmt.Sprintf("%d %s %v", got, body, err)
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("/readyz did not answer %d %q within the bound; last: %s", status, reason, last)
	return ""
}

// retriedRead is the message of the server's log line for a read it runs a second time.
const retriedRead = "retrying a read that the database failed"

// errorLog is a slog handler that counts the server's log lines by message, its "database
// unavailable" lines by the driver error behind them, and its internal errors.
type errorLog struct {
	mu       sync.Mutex
	causes   map[string]int
	messages map[string]int
	// retried holds the request ids of the reads the server ran a second time.
	retried  map[string]bool
	internal atomic.Int64
}

func (h *errorLog) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.causes = map[string]int{}
	h.messages = map[string]int{}
	h.retried = map[string]bool{}
	h.internal.Store(0)
}

// retriedIDs returns the request ids of the reads the server retried.
func (h *errorLog) retriedIDs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	ids := make([]string, 0, len(h.retried))
	for id := range h.retried {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// message counts the lines logged with msg.
func (h *errorLog) message(msg string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.messages[msg]
}

func (h *errorLog) Enabled(context.Context, slog.Level) bool { return true }
func (h *errorLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *errorLog) WithGroup(string) slog.Handler            { return h }

func (h *errorLog) Handle(_ context.Context, r slog.Record) error {
	var errText, id string
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "err":
			errText = a.Value.String()
		case "request_id":
			id = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	if h.messages == nil {
		h.messages = map[string]int{}
	}
	h.messages[r.Message]++
	if r.Message == retriedRead {
		if h.retried == nil {
			h.retried = map[string]bool{}
		}
		h.retried[id] = true
	}
	h.mu.Unlock()
	switch r.Message {
	case "internal error":
		h.internal.Add(1)
		h.count("INTERNAL: " + errText)
	case "database unavailable":
		h.count(cause(errText))
	}
	return nil
}

func (h *errorLog) count(k string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.causes == nil {
		h.causes = map[string]int{}
	}
	h.causes[k]++
}

// kinds lists the counted causes, most frequent first.
func (h *errorLog) kinds() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	keys := make([]string, 0, len(h.causes))
	for k := range h.causes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return h.causes[keys[i]] > h.causes[keys[j]] })
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n    %5d  %s", h.causes[k], k)
	}
	return b.String()
}

// cause names the driver error in a logged error's text.
func cause(errText string) string {
	for _, c := range []string{
		"connection refused", "SQLSTATE 57P01", "SQLSTATE 57P02", "SQLSTATE 57P03", "SQLSTATE 08",
		"unexpected EOF", "conn closed", "bad connection", "connection reset", "broken pipe", "EOF",
	} {
		if strings.Contains(errText, c) {
			return c
		}
	}
	if len(errText) > 120 {
		errText = errText[:120]
	}
	return "other: " + errText
}

// TestRestartLeavesNoDeadConnection fills the pool, kills PostgreSQL (an immediate stop,
// as a crash does) while a read is in flight, and starts it again at once, so that the
// pooled connections are dead but idle for less than pgx's own one-second ping. The read
// in flight fails; once PostgreSQL answers a ping, no read may: the retry of a read that
// the restart failed (internal/api's retryReads) waits for that ping, and must not then
// draw another dead connection from the pool.
func TestRestartLeavesNoDeadConnection(t *testing.T) {
	pg := newCluster(t)
	ctx := context.Background()
	const conns = 8
	st, err := store.Open(ctx, pg.URL("campaigns"), store.Options{MaxOpenConns: conns, StatementTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	read := func() error {
		_, err := st.Campaigns(ctx, store.CampaignFilter{}, store.Order{Field: "NAME"}, page.Request{Size: 5})
		return err
	}
	watch := connect(t, pg.URL("campaigns"))
	waiting := func(n int) func() bool {
		return func() bool {
			var waits int
			err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%campaigns%'`).Scan(&waits)
			return err == nil && waits == n
		}
	}

	// Open every connection of the pool: reads that wait together on a lock.
	unlock := lockTable(t, pg.URL("campaigns"), "campaigns")
	errs := make(chan error, conns)
	for range conns {
		go func() { errs <- read() }()
	}
	waitUntil(t, "the pool's connections to wait for the lock", waiting(conns))
	unlock()
	for range conns {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// One read in flight when PostgreSQL goes.
	lockTable(t, pg.URL("campaigns"), "campaigns")
	go func() { errs <- read() }()
	waitUntil(t, "the read in flight to wait for the lock", waiting(1))

	stopping := time.Now()
	pg.Stop("immediate")
	pg.Start()
	t.Logf("immediate restart took %s", time.Since(stopping).Round(time.Millisecond))
	if err := <-errs; !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("the read in flight at the restart: %v, want ErrUnavailable", err)
	}
	waitUntil(t, "PostgreSQL to answer a ping", func() bool { return st.Ping(ctx) == nil })
	// Concurrent reads, so that they draw every connection of the pool, not only the one
	// that the ping left on top of it.
	for range conns {
		go func() { errs <- read() }()
	}
	for range conns {
		if err := <-errs; err != nil {
			t.Errorf("a read after PostgreSQL answered a ping: %v", err)
		}
	}
}
