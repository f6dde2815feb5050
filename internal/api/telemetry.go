package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"campaigns/internal/auth"
	"campaigns/internal/metrics"
	"campaigns/internal/persisted"
	"campaigns/internal/reqid"
)

// access is what the access log line of one request says beyond HTTP: the operation, what
// it cost and who sent it. The access log puts it in the context; the observer fills it in
// once gqlgen has read the operation. It names a caller by key ID and organization ID only,
// never by the key's secret, and holds nothing of the request's variables.
type access struct {
	mu            sync.Mutex
	operation     string
	operationType string
	cost          *int
	keyID, orgID  int64
	traceID       string
}

type accessKey struct{}

func accessFrom(ctx context.Context) *access {
	a, _ := ctx.Value(accessKey{}).(*access)
	return a
}

// accessLog writes one line per request: its ID, method, path, status and duration, and
// for GraphQL the operation's name and type, its cost and the caller's key and
// organization. Never the body, the query string or a header's value, which may carry
// personal data or a key. It also continues a trace that the client started
// (traceparent), and names the request's trace in the line, so a log line leads to its
// trace. It counts every answer by path and status for /metrics.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	var propagator propagation.TraceContext
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		a := &access{}
		ctx := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		ctx = context.WithValue(ctx, accessKey{}, a)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(ctx))
		metrics.HTTPResponses.WithLabelValues(metrics.Route(r.URL.Path), metrics.Status(sw.status)).Inc()

		attrs := make([]slog.Attr, 0, 12)
		attrs = append(attrs, slog.String("request_id", reqid.From(r.Context())), slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Int64("duration_ms", time.Since(start).Milliseconds()))
		a.mu.Lock()
		if a.operationType != "" {
			attrs = append(attrs, slog.String("operation", a.operation), slog.String("operation_type", a.operationType))
		}
		if a.cost != nil {
			attrs = append(attrs, slog.Int("cost", *a.cost))
		}
		if a.keyID != 0 {
			attrs = append(attrs, slog.Int64("key_id", a.keyID), slog.Int64("org_id", a.orgID))
		}
		if a.traceID != "" {
			attrs = append(attrs, slog.String("trace_id", a.traceID))
		}
		a.mu.Unlock()
		log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// observer is the gqlgen extension of telemetry: a span per operation and per root field,
// the operation's metrics, its errors by code, and the access log's operation fields.
// Only root fields are timed and traced: nested fields number in the thousands for one
// list, and what they cost shows in the SQL statements' spans and timings.
type observer struct {
	tracer trace.Tracer
	// registered holds the persisted operations, the only ones whose names label metrics.
	registered *persisted.Registry
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
	graphql.RootFieldInterceptor
} = observer{}

func newObserver(tp trace.TracerProvider, registered *persisted.Registry) observer {
	if tp == nil {
		tp = noop.NewTracerProvider()
	}
	return observer{tracer: tp.Tracer("campaigns/internal/api"), registered: registered}
}

// label is the metrics label of the operation of opCtx named name: its name only when its
// text is that of a registered operation (see metrics.Operation).
func (o observer) label(opCtx *graphql.OperationContext, name string) string {
	registered := false
	if name != "" && o.registered != nil && o.registered.Len() > 0 {
		_, registered = o.registered.Get(persisted.Hash(opCtx.RawQuery))
	}
	return metrics.Operation(name, registered)
}

// ExtensionName names the extension for gqlgen.
func (observer) ExtensionName() string { return "Telemetry" }

// Validate needs nothing of the schema.
func (observer) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation starts the operation's span, from when gqlgen began reading it, and
// ends it with the operation's (last) answer.
func (o observer) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	opCtx := graphql.GetOperationContext(ctx)
	name, typ := opCtx.OperationName, operationType(opCtx)
	if name == "" && opCtx.Operation != nil {
		name = opCtx.Operation.Name
	}
	if a := accessFrom(ctx); a != nil {
		a.mu.Lock()
		a.operation, a.operationType = name, typ
		a.mu.Unlock()
	}
	if typ == "subscription" {
		metrics.Requests.WithLabelValues(o.label(opCtx, name), typ).Inc()
	}
	spanName := typ
	if name != "" {
		spanName += " " + name
	}
	opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(
		attribute.String("graphql.operation.name", name),
		attribute.String("graphql.operation.type", typ),
		attribute.String("request.id", reqid.From(ctx)),
	)}
	if !opCtx.Stats.OperationStart.IsZero() {
		opts = append(opts, trace.WithTimestamp(opCtx.Stats.OperationStart))
	}
	ctx, span := o.tracer.Start(ctx, spanName, opts...)
	if sc := span.SpanContext(); sc.IsSampled() {
		if a := accessFrom(ctx); a != nil {
			a.mu.Lock()
			a.traceID = sc.TraceID().String()
			a.mu.Unlock()
		}
	}
	if c := auth.FromContext(ctx); !c.Anonymous() {
		span.SetAttributes(attribute.Int64("auth.key_id", c.KeyID), attribute.Int64("auth.org_id", c.OrgID))
	}
	respond := next(ctx)
	var once sync.Once
	end := func() { once.Do(func() { span.End() }) }
	return func(ctx context.Context) *graphql.Response {
		resp := respond(ctx)
		if resp != nil && len(resp.Errors) > 0 {
			span.SetStatus(codes.Error, errorCodes(resp.Errors))
		}
		if resp == nil || typ != "subscription" {
			end()
		}
		return resp
	}
}

// InterceptResponse counts the operation and its errors, and tells the access log what
// it cost and who sent it. It sees every answer, those to operations refused before they
// ran included.
func (o observer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		if code == "" {
			code = "UNKNOWN"
		}
		metrics.Errors.WithLabelValues(code).Inc()
	}
	name, typ, start := "", "unknown", time.Time{}
	var opCtx *graphql.OperationContext
	if graphql.HasOperationContext(ctx) {
		opCtx = graphql.GetOperationContext(ctx)
		name, start = opCtx.OperationName, opCtx.Stats.OperationStart
		if opCtx.Operation != nil {
			typ = operationType(opCtx)
			if name == "" {
				name = opCtx.Operation.Name
			}
		}
	}
	if typ != "subscription" {
		op := metrics.Operation(name, false)
		if opCtx != nil {
			op = o.label(opCtx, name)
		}
		metrics.Requests.WithLabelValues(op, typ).Inc()
		if !start.IsZero() {
			metrics.Latency.WithLabelValues(op, typ).Observe(time.Since(start).Seconds())
		}
	}
	if a := accessFrom(ctx); a != nil {
		a.mu.Lock()
		if ex := exchangeFrom(ctx); ex != nil && ex.cost != nil {
			cost := *ex.cost
			a.cost = &cost
		}
		if c := auth.FromContext(ctx); !c.Anonymous() {
			a.keyID, a.orgID = c.KeyID, c.OrgID
		}
		if a.operationType == "" && typ != "unknown" {
			a.operation, a.operationType = name, typ
		}
		a.mu.Unlock()
	}
	return resp
}

// InterceptRootField times a root field and gives it a span.
func (o observer) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	rf := graphql.GetRootFieldContext(ctx)
	if rf == nil {
		return next(ctx)
	}
	// RootFieldContext.Object holds the field's name; the parent type is the field
	// context's object (Query, Mutation, Subscription).
	object := "Query"
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Object != "" {
		object = fc.Object
	}
	field := object + "." + rf.Field.Name
	start := time.Now()
	ctx, span := o.tracer.Start(ctx, field, trace.WithAttributes(attribute.String("graphql.field.path", rf.Field.Alias)))
	defer func() {
		span.End()
		metrics.Resolvers.WithLabelValues(field).Observe(time.Since(start).Seconds())
	}()
	return next(ctx)
}

func operationType(opCtx *graphql.OperationContext) string {
	if opCtx.Operation == nil {
		return "unknown"
	}
	switch opCtx.Operation.Operation {
	case ast.Mutation:
		return "mutation"
	case ast.Subscription:
		return "subscription"
	default:
		return "query"
	}
}

// errorCodes lists the distinct codes of errs, for a span's status: the codes only, since
// messages may quote input.
func errorCodes(errs gqlerror.List) string {
	seen := map[string]bool{}
	var out []string
	for _, e := range errs {
		code, _ := e.Extensions["code"].(string)
		if code != "" && !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	}
	return strings.Join(out, ",")
}
