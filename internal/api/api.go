// Package api assembles the HTTP handler: the GraphQL endpoint, the playground and the
// health checks, behind the middleware every request goes through. Tests drive the same
// handler that the server runs.
package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/trace"

	"campaigns/graph"
	"campaigns/graph/generated"
	"campaigns/internal/admit"
	"campaigns/internal/auth"
	"campaigns/internal/clock"
	"campaigns/internal/lang"
	"campaigns/internal/limits"
	"campaigns/internal/loader"
	"campaigns/internal/playground"
	"campaigns/internal/problem"
	"campaigns/internal/realtime"
	"campaigns/internal/reqid"
	"campaigns/internal/scalar"
	"campaigns/internal/shared"
	"campaigns/internal/store"
)

// Options configure the handler.
type Options struct {
	Logger *slog.Logger
	// Playground serves GraphiQL at / when set.
	Playground bool
	// Introspection allows schema introspection when set.
	Introspection bool
	// StatsExtension adds extensions.sqlStatements to every GraphQL answer (see stats.go).
	StatsExtension bool
	// Readiness, when set, lets the server make /readyz answer 503 while it shuts down.
	Readiness *Readiness
	// Limits bound each request and each caller's budget (see limits.go): zero document
	// limits take limits.Defaults, and a rate limit of zero points is off.
	Limits limits.Config
	// Protocol configures CORS and persisted operations (see protocol.go).
	Protocol Protocol
	// Broker serves subscriptions; nil turns them off (SUBSCRIPTIONS_OFF).
	Broker *realtime.Broker
	// Streams, when set, lets the server end websockets and event streams on shutdown.
	Streams *Streams
	// KeepAlive is how often idle streams get a keep-alive; DefaultKeepAlive when zero.
	KeepAlive time.Duration
	// WriteTimeout bounds one write to a websocket; DefaultWriteTimeout when zero.
	WriteTimeout time.Duration
	// TracerProvider, when set, traces each operation and its root fields (telemetry.go).
	TracerProvider trace.TracerProvider
	// RetryWait is how long a read that PostgreSQL failed may wait for it before its one
	// retry (retry.go); DefaultRetryWait when zero.
	RetryWait time.Duration
	// Shared, when set, keeps the rate-limit budgets and the texts of automatic persisted
	// queries in Redis (REDIS_URL), shared by every instance; nil keeps them in this
	// instance's memory (see shared.go).
	Shared *shared.Redis
	// Clock is the time events are judged at (upcoming, displayed status, registration
	// closing); nil is time.Now. Tests set it.
	Clock func() time.Time
	// Gate, when set, bounds how many operations execute at once (admission.go); nil
	// admits every operation at once.
	Gate *admit.Gate
	// CacheBytes bounds the cache of anonymous answers (answers.go); zero turns it off.
	CacheBytes int64
	// CacheMaxAge is the longest a cached answer is served; DefaultCacheMaxAge when zero.
	CacheMaxAge time.Duration
}

// New returns the API's HTTP handler over st.
func New(st *store.Store, opt Options) http.Handler {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	resolver := &graph.Resolver{Store: st, Broker: opt.Broker, Clock: opt.Clock}
	es := generated.NewExecutableSchema(generated.Config{Resolvers: resolver})
	gql := handler.New(es)
	gql.AroundOperations(resolver.Instant)
	// Where each operation reads (read replicas and consistency tokens): before the answer
	// cache, whose version must come from where the answer does.
	gql.Use(consistency{st})
	present, recoverFunc := noteUnavailable(graph.ErrorPresenter(log)), graph.Recover(log)
	wait := newDBWait(st.Ping, opt.RetryWait)
	addStreamTransports(gql, st, opt, present)
	gql.AddTransport(transport.Options{})
	gql.AddTransport(get{})
	gql.AddTransport(post{})
	documents := lru.New[*ast.QueryDocument](1000)
	gql.SetQueryCache(documents)
	protection := protect(gql, opt)
	protection.shield.use(st)
	protection.shield.share(opt)
	// Int variables and literals in range, in words a partner reads (internal/scalar); after
	// protect, whose persisted queries fill in the document this reads.
	gql.Use(&scalar.Variables{Documents: documents})
	gql.SetValidationRulesFn(scalar.Rules)
	if opt.Introspection {
		gql.Use(extension.Introspection{})
	}
	gql.Use(newObserver(opt.TracerProvider, opt.Protocol.Persisted))
	gql.SetErrorPresenter(present)
	gql.SetRecoverFunc(recoverFunc)

	var query http.Handler = protection.outer(protection.shield.guardKeys(auth.Middleware(retryLookup(st.Caller, wait), protection.inner(loader.Middleware(st, lang.Middleware(gql))))))
	if opt.StatsExtension {
		query = countStatements(gql, query)
	}
	// The cache outside admission: a hit takes no slot.
	if opt.CacheBytes > 0 {
		gql.Use(newAnswerCache(st, opt))
	}
	if opt.Gate != nil {
		gql.Use(admission{gate: opt.Gate})
	}
	// Last, so that it is the innermost response interceptor (see retryReads).
	gql.Use(&retryReads{es: es, st: st, present: present, recover: recoverFunc, wait: wait, log: log})
	mux := http.NewServeMux()
	mux.Handle("/query", varies(query))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ready(w, r, st, opt.Readiness)
	})
	// Exports and calendars: the same keys, access rules, key guard and budgets as /query.
	ex := newExporter(st, log)
	mux.Handle("GET /export/{file}", protection.files(st, ex.serveExport))
	mux.Handle("GET /calendar/campaigns/{file}", protection.files(st, ex.serveCalendar))
	if opt.Playground {
		mux.Handle("/", playground.Handler("Campaign partner API", "/query"))
	}
	streams := opt.Streams
	if streams == nil {
		streams = new(Streams)
	}
	stream := streamHandler(st, protection, streams, gql)
	// Compress responses: partners' mobile apps and field offices are on slow networks, and
	// both the JSON answers and the playground's scripts shrink several times.
	compressed := compress(jsonRefusals(mux))
	return reqid.Middleware(accessLog(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Exports and calendars judge events by the same clock as queries do.
		r = r.WithContext(clock.With(r.Context(), opt.Clock))
		if isStream(r) {
			stream.ServeHTTP(w, r)
			return
		}
		if opt.Readiness.Draining() {
			// The server is shutting down: this answer ends the connection cleanly, so the
			// client's next request opens a new one, elsewhere once the load balancer
			// knows, and none is sent on a connection the server is about to close.
			w.Header().Set("Connection", "close")
		}
		compressed.ServeHTTP(w, r)
	})))
}

// compress gzips answers at the fastest level: the default level spent 12% of the
// server's CPU on the nested campaign list (BENCHMARKS.md); BestSpeed costs about half as
// much for answers about a tenth larger, which JSON's repetition keeps small anyway.
func compress(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(gzip.BestSpeed))
	if err != nil { // only for a level out of range, which BestSpeed is not
		panic(fmt.Sprintf("api: gzip wrapper: %v", err))
	}
	return wrap(h)
}

// ready reports whether the database answers and its migrations are current, and that the
// instance is not shutting down, so that a load balancer sends no traffic to an instance
// that cannot serve it.
func ready(w http.ResponseWriter, r *http.Request, st *store.Store, rd *Readiness) {
	if rd.Draining() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "shutting down"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := st.Ping(ctx); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
		return
	}
	current, err := st.MigrationsCurrent(ctx)
	if err != nil || !current {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "migrations pending"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// jsonRefusals gives the plain-text refusals of the handlers it wraps, net/http's mux
// (404 for an unknown path, 405 for a method a route does not take) and http.Error
// anywhere, the API's JSON error body with a code, so that a client reads every refusal
// the same way.
func jsonRefusals(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&refusalWriter{ResponseWriter: w, r: r}, r)
	})
}

// refusalWriter replaces a plain-text answer of status 400 or above with a JSON one.
type refusalWriter struct {
	http.ResponseWriter
	r        *http.Request
	replaced bool
}

func (w *refusalWriter) WriteHeader(status int) {
	if status < 400 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.replaced = true
	w.Header().Del("Content-Length")
	code, msg := problem.BadRequest, http.StatusText(status)
	switch status {
	case http.StatusNotFound:
		code, msg = problem.NotFound, "nothing is served at this path: GraphQL is at /query"
	case http.StatusMethodNotAllowed:
		code, msg = problem.MethodNotAllowed, fmt.Sprintf("this path does not take %s; the Allow header lists what it takes", w.r.Method)
	}
	refuseCode(w.ResponseWriter, w.r, status, code, msg)
}

func (w *refusalWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil // the plain text that the JSON replaced
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *refusalWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// statusWriter records the status a handler wrote, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush sends what was written so far: gqlgen's SSE transport asks for an http.Flusher.
func (w *statusWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }
