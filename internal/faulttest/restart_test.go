package faulttest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/seed"
	"campaigns/internal/store"
)

// The queries of the load: a nested read that goes through the loaders, the same with an
// API key (so the key lookup meets the outage too), and a write, whose transaction does.
const (
	nestedRead = `{ campaigns(first: 5) { totalCount edges { node { name partners { role organization { name } } } } } }`
	keyedRead  = `{ organizations(first: 5) { totalCount edges { node { name } } } }`
	write      = `mutation($in: CreateCampaignInput!) { createCampaign(input: $in) { campaign { id } userErrors { code } } }`
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
	srv := httptest.NewServer(api.New(st, api.Options{Logger: slog.New(logs)}))
	t.Cleanup(srv.Close)
	c := newClient(srv.URL, 10*time.Second)

	for _, mode := range []string{"fast", "immediate"} {
		t.Run(mode, func(t *testing.T) {
			logs.reset()
			l := startLoad(c, 8, viewer, editor)
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

// load keeps concurrent clients sending requests until stopped, tallying the outcomes by
// the phase in which each answer arrived.
type load struct {
	cur     atomic.Pointer[string]
	tallies map[string]*tally
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	once    sync.Once
}

func startLoad(c *client, workers int, viewer, editor string) *load {
	ctx, cancel := context.WithCancel(context.Background())
	l := &load{cancel: cancel, tallies: map[string]*tally{}}
	for _, p := range []string{"steady", "outage", "recovery", "settled"} {
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
					r = c.query(ctx, id, editor, write, map[string]any{"in": map[string]any{"slug": slug, "name": "Restart " + slug}})
					r.kind = "write"
				}
				if ctx.Err() != nil {
					return // stopped mid-request: not the server's doing
				}
				l.tallies[*l.cur.Load()].add(r)
				time.Sleep(5 * time.Millisecond) // keep the outage from becoming a busy loop that starves other test packages
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

// errorLog is a slog handler that counts the server's log lines by message, its "database
// unavailable" lines by the driver error behind them, and its internal errors.
type errorLog struct {
	mu       sync.Mutex
	causes   map[string]int
	messages map[string]int
	internal atomic.Int64
}

func (h *errorLog) reset() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.causes = map[string]int{}
	h.messages = map[string]int{}
	h.internal.Store(0)
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
	var errText string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" {
			errText = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	if h.messages == nil {
		h.messages = map[string]int{}
	}
	h.messages[r.Message]++
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
