// Package metrics holds the server's Prometheus metrics and serves them at /metrics.
//
// The collectors are package variables, registered once on Registry: a process has one set
// of metrics, as it has one Go runtime, and code far from the wiring (the store's SQL
// tracer, the realtime subscriptions) must count into them without every constructor
// passing a registry along. Tests read them through Registry or
// prometheus/testutil, comparing before and after, since other tests count too.
//
// They are served on an address of their own (METRICS_ADDR), never beside the API.
//
// Labels are kept bounded: an operation is labelled with its name only when the server
// knows it (a registered persisted operation), since any other name is the client's choice
// and a client naming each request differently would grow the metrics without end; fields
// are the schema's root fields; codes are the API's error codes.
package metrics

import (
	"database/sql"
	"net/http"
	"regexp"
	"strconv"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds every metric of the process, the Go runtime's and the process's included.
var Registry = prometheus.NewRegistry()

// Buckets of the latency histograms, in seconds: from a cached lookup to a statement
// that STATEMENT_TIMEOUT (5 s by default) is about to cancel.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

var (
	// Requests counts GraphQL operations by operation name and type (query, mutation,
	// subscription); an operation that could not be read is counted with type "unknown".
	Requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "graphql_requests_total", Help: "GraphQL operations served, by operation name and type.",
	}, []string{"operation", "type"})

	// Latency is the time from reading an operation to its answer.
	Latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "graphql_request_duration_seconds", Help: "Time to answer a GraphQL operation, by operation name and type.",
		Buckets: latencyBuckets,
	}, []string{"operation", "type"})

	// Errors counts the errors of answers by extensions.code.
	Errors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "graphql_errors_total", Help: "Errors in GraphQL answers, by extensions.code.",
	}, []string{"code"})

	// Resolvers times the root fields of operations (Query.campaigns, Mutation.createEvent…),
	// each with everything beneath it that resolved before it returned. Nested fields are
	// not timed one by one: a list of a hundred items has thousands of them, and their cost
	// shows in the SQL timings and the operation's latency.
	Resolvers = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "graphql_resolver_duration_seconds", Help: "Time to resolve a root field, by type and field.",
		Buckets: latencyBuckets,
	}, []string{"field"})

	// Statements times the SQL statements sent to PostgreSQL, by their first keyword
	// (SELECT, INSERT, UPDATE, DELETE, BEGIN, COMMIT…).
	Statements = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "sql_statement_duration_seconds", Help: "Time PostgreSQL took to answer a statement, by its first keyword.",
		Buckets: latencyBuckets,
	}, []string{"verb"})

	// StatementErrors counts statements that failed, by first keyword.
	StatementErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sql_statement_errors_total", Help: "SQL statements that failed, by their first keyword.",
	}, []string{"verb"})

	// Subscriptions is the number of GraphQL subscriptions open on this instance. The
	// realtime broker counts them where it adds and drops subscribers, so every way a
	// subscription ends (the client, a slow consumer, shutdown) lowers it.
	Subscriptions = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "graphql_subscriptions_active", Help: "GraphQL subscriptions open on this instance.",
	})

	// SharedAnswers counts subscription items answered with the answer another subscriber
	// of the same change, visibility and operation computed (internal/api), instead of
	// executing them again.
	SharedAnswers = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "graphql_subscription_shared_answers_total", Help: "Subscription items answered with an answer shared with other subscribers of the same change.",
	})

	// RateLimited counts requests refused by a rate limit, by reason: "budget" (the
	// caller's budget of points is spent) or "refused_keys" (the client address sent too
	// many refused API keys).
	RateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rate_limit_refusals_total", Help: "Requests refused with RATE_LIMITED, by reason.",
	}, []string{"reason"})
)

func init() {
	Registry.MustRegister(
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		Requests, Latency, Errors, Resolvers, Statements, StatementErrors, Subscriptions, SharedAnswers, RateLimited,
		poolCollector{},
	)
}

// Handler serves the metrics in Prometheus's text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry})
}

var validName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)

// Operation returns the label for an operation: its name when registered says the server
// knows the operation (a persisted operation it loaded at start, whose names its operators
// chose), "anonymous" for an operation without a name, and "other" for every named
// operation a client wrote itself. The label set is the registered names and those two.
func Operation(name string, registered bool) string {
	switch {
	case name == "":
		return "anonymous"
	case registered && validName.MatchString(name):
		return name
	}
	return "other"
}

// pool reports the connection pool of the server's store; nil until WatchPool.
var pool atomic.Pointer[func() sql.DBStats]

// WatchPool makes /metrics report the connection pool whose statistics stats returns
// (the store's; see store.Stats). The last call wins.
func WatchPool(stats func() sql.DBStats) { pool.Store(&stats) }

// poolCollector reads the pool's statistics when /metrics is scraped.
type poolCollector struct{}

var (
	poolOpen     = prometheus.NewDesc("db_pool_open_connections", "Connections open to PostgreSQL, in use or idle.", nil, nil)
	poolInUse    = prometheus.NewDesc("db_pool_in_use_connections", "Connections running a statement or transaction.", nil, nil)
	poolIdle     = prometheus.NewDesc("db_pool_idle_connections", "Connections open and idle.", nil, nil)
	poolMax      = prometheus.NewDesc("db_pool_max_open_connections", "Most connections the pool may open (DB_MAX_CONNS).", nil, nil)
	poolWaits    = prometheus.NewDesc("db_pool_wait_count_total", "Times a request waited for a free connection.", nil, nil)
	poolWaitTime = prometheus.NewDesc("db_pool_wait_seconds_total", "Time requests spent waiting for a free connection.", nil, nil)
)

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolOpen, poolInUse, poolIdle, poolMax, poolWaits, poolWaitTime} {
		ch <- d
	}
}

func (poolCollector) Collect(ch chan<- prometheus.Metric) {
	f := pool.Load()
	if f == nil {
		return
	}
	s := (*f)()
	ch <- prometheus.MustNewConstMetric(poolOpen, prometheus.GaugeValue, float64(s.OpenConnections))
	ch <- prometheus.MustNewConstMetric(poolInUse, prometheus.GaugeValue, float64(s.InUse))
	ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.Idle))
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxOpenConnections))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.WaitCount))
	ch <- prometheus.MustNewConstMetric(poolWaitTime, prometheus.CounterValue, s.WaitDuration.Seconds())
}

// HTTPResponses counts every HTTP answer by route and status, refusals made before
// GraphQL reads anything (401, 413, 415, 429) included.
var HTTPResponses = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "http_responses_total", Help: "HTTP answers, by route and status.",
}, []string{"route", "status"})

func init() { Registry.MustRegister(HTTPResponses) }

// routes are the paths that get their own label; every other path is "other".
var routes = map[string]bool{"/query": true, "/healthz": true, "/readyz": true, "/": true}

// Route returns the label of path.
func Route(path string) string {
	if routes[path] {
		return path
	}
	return "other"
}

// Status returns the label of an HTTP status.
func Status(code int) string {
	if code < 100 || code > 599 {
		return "other"
	}
	return strconv.Itoa(code)
}
