package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"campaigns/internal/api"
	"campaigns/internal/dbtest"
	"campaigns/internal/metrics"
	"campaigns/internal/persisted"
	"campaigns/internal/store"
)

// telemetryWorld is the leak tests' world (a member with personal data, keys of every
// role) served by a handler whose logs, traces and metrics the test reads.
type telemetryWorld struct {
	*leakWorld
	h     http.Handler
	log   *syncBuffer
	spans *tracetest.SpanRecorder
}

func newTelemetryWorld(t *testing.T) *telemetryWorld {
	t.Helper()
	w := &telemetryWorld{leakWorld: newLeakWorld(t), log: &syncBuffer{}, spans: tracetest.NewSpanRecorder()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(w.spans))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	// The store's statements are traced by the store's own tracer provider: a store of the
	// same database with the recorder's provider.
	w.h = api.New(tracedStore(t, w.url, tp), api.Options{
		Logger:         slog.New(slog.NewJSONHandler(w.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		TracerProvider: tp,
	})
	return w
}

// send posts a query as org's key of role ("anonymous" for none) with the request id id.
func (w *telemetryWorld) send(t *testing.T, org, role, id, query string, vars map[string]any) *httptest.ResponseRecorder {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", id)
	if org != "anonymous" {
		req.Header.Set("Authorization", "Bearer "+w.keys[org][role])
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec
}

// accessLines returns the log's access lines by request id.
func accessLines(t *testing.T, log string) map[string]map[string]any {
	t.Helper()
	lines := map[string]map[string]any{}
	for _, l := range strings.Split(strings.TrimSpace(log), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
		if m["msg"] == "request" {
			id, _ := m["request_id"].(string)
			lines[id] = m
		}
	}
	return lines
}

// TestTelemetryCarriesNoPersonalData sends every request of the leak tests that can reach
// the member's personal data, as a caller who may see it and one who may not, and reads
// everything telemetry kept of them: log lines, spans and metrics. The access lines name
// each request's operation, cost and caller by key and organization ID; nothing holds the
// member's data or a key's secret.
func TestTelemetryCarriesNoPersonalData(t *testing.T) {
	t.Parallel()
	w := newTelemetryWorld(t)
	type sent struct {
		org, role, path string
		reads           bool // whether the request reads the member's data
	}
	requests := map[string]sent{}
	for i, p := range leakPaths {
		var vars map[string]any
		if p.vars != nil {
			vars = p.vars(w.leakWorld)
		}
		for _, caller := range [][2]string{{"organizer", "ADMIN"}, {"coordinator", "EDITOR"}, {"anonymous", ""}} {
			id := fmt.Sprintf("telemetry-%02d-%s", i, caller[0])
			rec := w.send(t, caller[0], caller[1], id, p.query, vars)
			if got := rec.Header().Get("X-Request-Id"); got != id {
				t.Fatalf("request id %q echoed as %q", id, got)
			}
			requests[id] = sent{caller[0], caller[1], p.name, p.showsTo(caller[0], caller[1])}
		}
	}
	// A bad key: its secret must not be logged either.
	bad := "cpk_" + strings.Repeat("Z", 43)
	req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(`{"query":"{ __typename }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+bad)
	w.h.ServeHTTP(httptest.NewRecorder(), req)

	secrets := append([]string{bad}, leakSecrets...)
	for _, byRole := range w.keys {
		for _, k := range byRole {
			secrets = append(secrets, k, k[len(k)-12:])
		}
	}
	found := func(text string) []string {
		var out []string
		for _, s := range secrets {
			if strings.Contains(text, s) {
				out = append(out, s)
			}
		}
		return out
	}

	log := w.log.String()
	if l := found(log); len(l) > 0 {
		t.Errorf("the log holds %q", l)
	}
	if l := found(w.leakWorld.log.String()); len(l) > 0 {
		t.Errorf("the log of the world's own writes holds %q", l)
	}
	lines := accessLines(t, log)
	for id, s := range requests {
		line, ok := lines[id]
		if !ok {
			t.Errorf("no access line for request %s (%s as %s)", id, s.path, s.org)
			continue
		}
		if line["status"] == nil || line["duration_ms"] == nil || line["operation_type"] == nil || line["cost"] == nil {
			t.Errorf("%s (%s): access line lacks status, duration, operation type or cost: %v", id, s.path, line)
		}
		if s.org == "anonymous" {
			if line["key_id"] != nil || line["org_id"] != nil {
				t.Errorf("%s: an anonymous request's line names a key: %v", id, line)
			}
			continue
		}
		if got, _ := line["org_id"].(float64); int64(got) != w.orgs[s.org] || line["key_id"] == nil {
			t.Errorf("%s: access line names key %v of organization %v, want one of organization %d", id, line["key_id"], line["org_id"], w.orgs[s.org])
		}
	}
	if line := lines["telemetry-00-organizer"]; line["operation_type"] != "query" || line["operation"] != "" {
		t.Errorf("the node query's line: operation %q of type %q, want an anonymous query", line["operation"], line["operation_type"])
	}

	// Spans: one per operation with its request id, SQL statements beneath it in its trace.
	ended := w.spans.Ended()
	byTrace := map[string]int{}
	ops := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range ended {
		for _, a := range s.Attributes() {
			if l := found(a.Value.String()); len(l) > 0 {
				t.Errorf("span %s attribute %s holds %q", s.Name(), a.Key, l)
			}
			if a.Key == "request.id" {
				ops[a.Value.AsString()] = s
			}
		}
		if l := found(s.Status().Description + s.Name()); len(l) > 0 {
			t.Errorf("span %s holds %q", s.Name(), l)
		}
		if strings.HasPrefix(s.InstrumentationScope().Name, "campaigns/internal/store") {
			byTrace[s.SpanContext().TraceID().String()]++
		}
	}
	for id, s := range requests {
		op, ok := ops[id]
		if !ok {
			t.Errorf("no operation span has request id %s (%s)", id, s.path)
			continue
		}
		if got := lines[id]["trace_id"]; got != op.SpanContext().TraceID().String() {
			t.Errorf("%s: access line names trace %v, the operation's span is in %s", id, got, op.SpanContext().TraceID())
		}
		if s.reads && byTrace[op.SpanContext().TraceID().String()] == 0 {
			t.Errorf("the trace of %s (%s) has no SQL statement spans", id, s.path)
		}
	}

	// Metrics count what was sent and report no data either.
	metrics.WatchPool(w.st.Stats)
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{`graphql_requests_total{operation="anonymous",type="query"}`, `graphql_requests_total{operation="anonymous",type="mutation"}`,
		`graphql_errors_total{code="FORBIDDEN"}`, `sql_statement_duration_seconds_count{verb="SELECT"}`,
		`graphql_resolver_duration_seconds_count{field="Query.node"}`, `db_pool_open_connections`, `graphql_subscriptions_active 0`,
		`http_responses_total{route="/query",status="401"}`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if l := found(string(body)); len(l) > 0 {
		t.Errorf("/metrics holds %q", l)
	}
}

// TestOperationNamesAreBounded: a client naming each request differently cannot grow the
// metrics, since only operations the server knows (registered persisted operations) are
// labelled with their names; everything else is "other" or "anonymous", even an ad hoc
// operation that borrows a registered name.
func TestOperationNamesAreBounded(t *testing.T) {
	t.Parallel()
	const registered = `query TelemetryKnownOperation { campaigns(first: 1) { totalCount } }`
	reg, err := api.LoadPersisted(registeredOperations(t, map[string]string{"known.graphql": registered}))
	if err != nil {
		t.Fatal(err)
	}
	h := api.New(dbtest.New(t), api.Options{Protocol: api.Protocol{Persisted: reg}})
	count := func(op string) float64 { return testutil.ToFloat64(metrics.Requests.WithLabelValues(op, "query")) }
	known := count("TelemetryKnownOperation")

	for i := range 50 {
		if a := send(t, h, postJSON(t, fmt.Sprintf("query TelemetryAdHoc%d { __typename }", i), nil)); len(a.Errors) > 0 {
			t.Fatalf("ad hoc operation: %.300s", a.Body)
		}
	}
	send(t, h, postJSON(t, `query TelemetryKnownOperation { __typename }`, nil)) // a registered name, another text
	send(t, h, postJSON(t, registered, nil))                                     // the registered text
	send(t, h, postPersisted(t, "", persisted.Hash(registered), nil))            // its hash

	if got := count("TelemetryKnownOperation") - known; got != 2 {
		t.Errorf("the registered operation was counted %v times under its name, want 2 (its text and its hash, not the borrowed name)", got)
	}
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if i := strings.Index(rec.Body.String(), `operation="TelemetryAdHoc`); i >= 0 {
		t.Errorf("/metrics has a label with a name only a client chose: %.100s", rec.Body.String()[i:])
	}
	if metrics.Operation("Name1", false) != "other" || metrics.Operation("", true) != "anonymous" ||
		metrics.Operation("bad name", true) != "other" || metrics.Operation("Known", true) != "Known" {
		t.Error("Operation labels more than registered names, other and anonymous")
	}
}

// TestMetricsAreNotOnTheAPIAddress: the API's handler has no /metrics, whatever its options.
func TestMetricsAreNotOnTheAPIAddress(t *testing.T) {
	t.Parallel()
	for _, playground := range []bool{false, true} {
		h := api.New(dbtest.New(t), api.Options{Playground: playground})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "graphql_requests_total") {
			t.Errorf("playground %t: GET /metrics on the API answered %d: %.200s", playground, rec.Code, rec.Body.String())
		}
	}
}

// tracedStore opens another store of the database at url whose statements are traced by tp.
func tracedStore(t *testing.T, url string, tp trace.TracerProvider) *store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), url, store.Options{MaxOpenConns: 4, TracerProvider: tp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
