package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"campaigns/internal/dbtest"
	"campaigns/internal/drain"
	"campaigns/internal/reqid"
)

// env returns a getenv over the given settings.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestUnreachableDatabaseSaysWhereInOneLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), nil, env(map[string]string{
		"DATABASE_URL": "postgres://postgres@127.0.0.1:1/campaigns?sslmode=disable&connect_timeout=2",
	}), &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "127.0.0.1:1") || !strings.Contains(lines[0], "set DATABASE_URL") {
		t.Fatalf("want one line naming the address and how to set DATABASE_URL, got:\n%s", stderr.String())
	}
}

func TestBadSettingIsRefused(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), nil, env(map[string]string{"DB_MAX_CONNS": "lots"}), &stdout, &stderr); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), "DB_MAX_CONNS") {
		t.Fatalf("error does not name the setting: %s", stderr.String())
	}
}

func TestHelpListsEverySetting(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, env(nil), &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	for _, name := range []string{"DATABASE_URL", "ADDR", "LOG_FORMAT", "PLAYGROUND"} {
		if !strings.Contains(stdout.String(), name) {
			t.Errorf("--help does not mention %s", name)
		}
	}
}

// TestServeCreatesMigratesSeedsOnceAndServes is what a new user does: start the server on a
// database that does not exist yet, query it, stop it, start it again.
func TestServeCreatesMigratesSeedsOnceAndServes(t *testing.T) {
	name := "campaigns_serve_" + reqid.New()[:12]
	t.Cleanup(func() { dbtest.Drop(t, name) })
	// Collector settings of its own, which only the server's wiring can have set.
	vars := map[string]string{"DATABASE_URL": dbtest.DatabaseURL(t, name), "ADDR": freeAddr(t), "GOGC": "321", "GOMEMLIMIT": "123MiB",
		"METRICS_ADDR": freeAddr(t)} // never the fixed default, which another test's server may hold
	gc, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) })

	first := serveOnce(t, vars, `{ campaigns(first: 100) { totalCount } events { totalCount } organizations { totalCount } }`)
	if !strings.Contains(first.log, "seed data loaded") {
		t.Fatalf("first start did not load the seed:\n%s", first.log)
	}
	// The first server closed its listeners: the second gets new ones, held until it starts.
	vars["ADDR"], vars["METRICS_ADDR"] = freeAddr(t), freeAddr(t)
	second := serveOnce(t, vars, `{ campaigns(first: 100) { totalCount } events { totalCount } organizations { totalCount } }`)
	if !strings.Contains(second.log, "seed data already loaded") {
		t.Fatalf("second start loaded the seed again:\n%s", second.log)
	}
	// Compare the data only: extensions such as the rate-limit budget differ between starts.
	if dataOf(t, first.body) != dataOf(t, second.body) {
		t.Fatalf("a second start changed the data:\nfirst  %s\nsecond %s", first.body, second.body)
	}
	if !strings.Contains(first.body, `"totalCount":8`) {
		t.Fatalf("unexpected counts: %s", first.body)
	}
	// Metrics are on METRICS_ADDR, and only there.
	if first.apiMetrics != http.StatusNotFound {
		t.Errorf("GET /metrics on ADDR answered %d, want 404", first.apiMetrics)
	}
	if !strings.Contains(first.metrics, `graphql_requests_total{operation="anonymous",type="query"}`) {
		t.Errorf("GET /metrics on METRICS_ADDR:\n%.500s", first.metrics)
	}
	if got := debug.SetGCPercent(gc); got != 321 {
		t.Errorf("serving with GOGC=321 left the GC percent at %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 123<<20 {
		t.Errorf("serving with GOMEMLIMIT=123MiB left the memory limit at %d", got)
	}

	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"migrate", "status"}, env(vars), &out, &errOut); code != 0 {
		t.Fatalf("migrate status: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "00001") || !strings.Contains(out.String(), "applied") {
		t.Fatalf("migrate status: %s", out.String())
	}
}

type served struct {
	body, log string
	// metrics is what METRICS_ADDR's /metrics answered, apiMetrics the status of ADDR's.
	metrics    string
	apiMetrics int
}

// serveOnce runs the server until it answers query once, then stops it as SIGTERM would.
func serveOnce(t *testing.T, vars map[string]string, query string) served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, nil, env(vars), &stdout, &stderr) }()
	url := "http://" + vars["ADDR"] + "/query"
	var body string
	deadline := time.Now().Add(30 * time.Second)
	for body == "" && time.Now().Before(deadline) {
		reqBody, _ := json.Marshal(map[string]string{"query": query})
		res, err := http.Post(url, "application/json", bytes.NewReader(reqBody))
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d: %s", res.StatusCode, b.String())
		}
		body = b.String()
	}
	var s served
	if body != "" && vars["METRICS_ADDR"] != "" {
		s.apiMetrics, _ = get(t, "http://"+vars["ADDR"]+"/metrics")
		_, s.metrics = get(t, "http://"+vars["METRICS_ADDR"]+"/metrics")
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("server exited %d:\n%s", code, stderr.String())
	}
	if body == "" {
		t.Fatalf("server never answered:\n%s", stderr.String())
	}
	s.body, s.log = body, stderr.String()
	return s
}

// get fetches url and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return 0, ""
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, b.String()
}

// dataOf returns the data member of a GraphQL response, as text.
func dataOf(t *testing.T, body string) string {
	t.Helper()
	var res struct{ Data json.RawMessage }
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return string(res.Data)
}

// freeAddr returns a loopback address whose listener the test holds until a server takes
// it (listen, below), so that nothing else can take the port in between.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := drain.Listen(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	heldMu.Lock()
	held[addr] = l
	heldMu.Unlock()
	t.Cleanup(func() {
		heldMu.Lock()
		defer heldMu.Unlock()
		if l, ok := held[addr]; ok {
			delete(held, addr)
			_ = l.Close()
		}
	})
	return addr
}

// held are the listeners of freeAddr's addresses, each held until a server listens there.
var (
	heldMu sync.Mutex
	held   = map[string]net.Listener{}
)

// The server takes a listener the test holds instead of listening anew.
func init() {
	listen = func(ctx context.Context, addr string) (net.Listener, error) {
		heldMu.Lock()
		defer heldMu.Unlock()
		if l, ok := held[addr]; ok {
			delete(held, addr)
			return l, nil
		}
		return drain.Listen(ctx, addr)
	}
}

// TestServeDevelopmentAndProductionDefaults starts the server as a newcomer does and as a
// production deployment does, with a browser page on localhost:3000 calling it: development
// lets the page in and says where the playground is and how to let other frontends in;
// production keeps to its own origin.
func TestServeDevelopmentAndProductionDefaults(t *testing.T) {
	name := "campaigns_modes_" + reqid.New()[:12]
	t.Cleanup(func() { dbtest.Drop(t, name) })
	fromLocalhost := func(base string) string {
		req, _ := http.NewRequest(http.MethodPost, base+"/query", strings.NewReader(`{"query": "{ __typename }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "http://localhost:3000")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header.Get("Access-Control-Allow-Origin")
	}
	for _, tc := range []struct {
		env       string
		allowed   bool
		logs, not []string
	}{
		{env: "development", allowed: true, logs: []string{"playground: open http://%s/ in a browser", "serving GraphQL at http://%s/query", "listening on loopback", "set CORS_ORIGINS"}},
		{env: "production", logs: []string{"serving GraphQL at http://%s/query", "set CORS_ORIGINS"}, not: []string{"playground: open"}},
	} {
		t.Run(tc.env, func(t *testing.T) {
			addr := freeAddr(t)
			vars := map[string]string{"APP_ENV": tc.env, "DATABASE_URL": dbtest.DatabaseURL(t, name), "ADDR": addr, "METRICS_ADDR": "off", "LOG_FORMAT": "text"}
			var acao string
			log := whileServing(t, vars, func(base string) { acao = fromLocalhost(base) })
			if (acao == "http://localhost:3000") != tc.allowed {
				t.Errorf("a page on http://localhost:3000 got Access-Control-Allow-Origin %q; want it allowed: %t", acao, tc.allowed)
			}
			for _, want := range tc.logs {
				if want = strings.ReplaceAll(want, "%s", addr); !strings.Contains(log, want) {
					t.Errorf("the log does not say %q:\n%s", want, log)
				}
			}
			for _, unwanted := range tc.not {
				if strings.Contains(log, unwanted) {
					t.Errorf("the log says %q:\n%s", unwanted, log)
				}
			}
		})
	}
}

// whileServing runs the server with vars until it answers /readyz, calls fn with its base
// URL, then stops it as SIGTERM would and returns its log.
func whileServing(t *testing.T, vars map[string]string, fn func(base string)) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, nil, env(vars), &stdout, &stderr) }()
	base := "http://" + vars["ADDR"]
	ready := false
	for deadline := time.Now().Add(30 * time.Second); !ready && time.Now().Before(deadline); {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			ready = res.StatusCode == http.StatusOK
		}
		if !ready {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if ready {
		fn(base)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("server exited %d:\n%s", code, stderr.String())
	}
	if !ready {
		t.Fatalf("server never became ready:\n%s", stderr.String())
	}
	return stderr.String()
}
