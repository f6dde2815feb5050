package metrics_test

import (
	"database/sql"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"campaigns/internal/metrics"
)

// TestRegistryHoldsEveryCollector gathers the registry and looks for each metric the
// package declares, the pool's included, so that a collector left out of the init
// registration is caught here rather than by a dashboard that goes blank.
func TestRegistryHoldsEveryCollector(t *testing.T) {
	// Not parallel: WatchPool sets the process's pool, which other tests do not touch.
	metrics.Requests.WithLabelValues("anonymous", "query").Add(0)
	metrics.Latency.WithLabelValues("anonymous", "query").Observe(0)
	metrics.Errors.WithLabelValues("NOT_FOUND").Add(0)
	metrics.Resolvers.WithLabelValues("Query.campaigns").Observe(0)
	metrics.Statements.WithLabelValues("SELECT").Observe(0)
	metrics.StatementErrors.WithLabelValues("SELECT").Add(0)
	metrics.RateLimited.WithLabelValues("budget").Add(0)
	metrics.HTTPResponses.WithLabelValues("/query", "200").Add(0)
	metrics.WatchPool(func() sql.DBStats {
		return sql.DBStats{MaxOpenConnections: 25, OpenConnections: 4, InUse: 3, Idle: 1, WaitCount: 7, WaitDuration: 1500 * time.Millisecond}
	})
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range families {
		have[f.GetName()] = true
	}
	for _, name := range []string{
		"graphql_requests_total", "graphql_request_duration_seconds", "graphql_errors_total",
		"graphql_resolver_duration_seconds", "sql_statement_duration_seconds", "sql_statement_errors_total",
		"graphql_subscriptions_active", "rate_limit_refusals_total", "http_responses_total",
		"db_pool_open_connections", "db_pool_in_use_connections", "db_pool_idle_connections",
		"db_pool_max_open_connections", "db_pool_wait_count_total", "db_pool_wait_seconds_total",
		"go_goroutines", "process_cpu_seconds_total",
	} {
		if !have[name] {
			t.Errorf("the registry has no %s", name)
		}
	}
	want := `
# HELP db_pool_in_use_connections Connections running a statement or transaction.
# TYPE db_pool_in_use_connections gauge
db_pool_in_use_connections 3
# HELP db_pool_max_open_connections Most connections the pool may open (DB_MAX_CONNS).
# TYPE db_pool_max_open_connections gauge
db_pool_max_open_connections 25
# HELP db_pool_wait_seconds_total Time requests spent waiting for a free connection.
# TYPE db_pool_wait_seconds_total counter
db_pool_wait_seconds_total 1.5
`
	if err := testutil.GatherAndCompare(metrics.Registry, strings.NewReader(want),
		"db_pool_in_use_connections", "db_pool_max_open_connections", "db_pool_wait_seconds_total"); err != nil {
		t.Error(err)
	}
	if n, err := testutil.GatherAndCount(metrics.Registry, "db_pool_open_connections", "db_pool_idle_connections", "db_pool_wait_count_total"); err != nil || n != 3 {
		t.Errorf("pool gauges and counter: %d series, %v", n, err)
	}
}

// TestHandlerServesTheTextFormat scrapes the handler as Prometheus would.
func TestHandlerServesTheTextFormat(t *testing.T) {
	t.Parallel()
	metrics.Errors.WithLabelValues("RATE_LIMITED").Inc()
	w := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(w.Body)
	if w.Code != 200 || !strings.Contains(string(body), `graphql_errors_total{code="RATE_LIMITED"}`) ||
		!strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("GET /metrics: %d %s\n%s", w.Code, w.Header().Get("Content-Type"), body)
	}
}

// TestLabelsAreBounded feeds the label functions what a client chooses: any operation name
// it did not register, any path, any status, and checks each maps to a bounded set.
func TestLabelsAreBounded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		registered bool
		want       string
	}{
		{"", false, "anonymous"},
		{"", true, "anonymous"},
		{"CampaignPage", true, "CampaignPage"},
		{"CampaignPage", false, "other"},
		{"_private9", true, "_private9"},
		{"9starts", true, "other"},
		{"with space", true, "other"},
		{"héllo", true, "other"},
		{strings.Repeat("a", 64), true, strings.Repeat("a", 64)},
		{strings.Repeat("a", 65), true, "other"},
	} {
		if got := metrics.Operation(tc.name, tc.registered); got != tc.want {
			t.Errorf("Operation(%q, %t) = %q, want %q", tc.name, tc.registered, got, tc.want)
		}
	}
	routes := map[string]string{}
	for _, p := range []string{"/query", "/healthz", "/readyz", "/", "/query/", "/QUERY", "/metrics", "/../etc/passwd", ""} {
		routes[p] = metrics.Route(p)
	}
	if d := cmp.Diff(map[string]string{
		"/query": "/query", "/healthz": "/healthz", "/readyz": "/readyz", "/": "/",
		"/query/": "other", "/QUERY": "other", "/metrics": "other", "/../etc/passwd": "other", "": "other",
	}, routes); d != "" {
		t.Errorf("routes (-want +got):\n%s", d)
	}
	for code, want := range map[int]string{100: "100", 200: "200", 429: "429", 599: "599", 99: "other", 600: "other", 0: "other", -1: "other"} {
		if got := metrics.Status(code); got != want {
			t.Errorf("Status(%d) = %q, want %q", code, got, want)
		}
	}
}

// TestCountersCountByLabel checks the counters add up per label, read before and after
// since other tests of the process count too.
func TestCountersCountByLabel(t *testing.T) {
	t.Parallel()
	c := metrics.RateLimited.WithLabelValues("refused_keys")
	before := testutil.ToFloat64(c)
	c.Inc()
	c.Inc()
	if got := testutil.ToFloat64(c) - before; got != 2 {
		t.Errorf("refused_keys counted %v, want 2", got)
	}
	g := testutil.ToFloat64(metrics.Subscriptions)
	metrics.Subscriptions.Inc()
	metrics.Subscriptions.Dec()
	if got := testutil.ToFloat64(metrics.Subscriptions); got != g {
		t.Errorf("subscriptions %v after one opened and closed, want %v", got, g)
	}
}
