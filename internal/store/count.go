package store

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"campaigns/internal/metrics"
)

type counterKey struct{}

// WithStatementCounter returns a context in which every SQL statement sent to PostgreSQL is
// counted; StatementCount reads the count. Tests use it to prove that a query's statements
// grow with its depth, not with its rows, and the load harness reports it per request.
func WithStatementCounter(ctx context.Context) context.Context {
	return context.WithValue(ctx, counterKey{}, new(atomic.Int64))
}

// StatementCount returns how many statements ran in a context from WithStatementCounter.
func StatementCount(ctx context.Context) int64 {
	if c, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		return c.Load()
	}
	return 0
}

// statementTracer is the pgx tracer of every connection: it counts statements in the
// context's counter, times them into metrics.Statements, and gives each a span, a child
// of the request's operation span when there is one. A span carries the statement's text,
// whose values are always placeholders ($1…), and never its arguments, which may be a
// member's personal data.
type statementTracer struct {
	tracer trace.Tracer
}

func newStatementTracer(tp trace.TracerProvider) statementTracer {
	if tp == nil {
		tp = noop.NewTracerProvider()
	}
	return statementTracer{tracer: tp.Tracer("campaigns/internal/store")}
}

type statementKey struct{}

type statement struct {
	start time.Time
	verb  string
	span  trace.Span
}

// maxTracedText bounds the statement text a span carries; the longest of the store's
// statements is well under it.
const maxTracedText = 4096

func (t statementTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if c, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		c.Add(1)
	}
	st := &statement{start: time.Now(), verb: verb(data.SQL)}
	// Only under a sampled span: statements of start-up, migrations and idle pings would
	// otherwise each make a trace of their own.
	if trace.SpanFromContext(ctx).SpanContext().IsSampled() {
		text := data.SQL
		if len(text) > maxTracedText {
			text = text[:maxTracedText]
		}
		ctx, st.span = t.tracer.Start(ctx, st.verb, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
			attribute.String("db.system.name", "postgresql"),
			attribute.String("db.operation.name", st.verb),
			attribute.String("db.query.text", text),
		))
	}
	return context.WithValue(ctx, statementKey{}, st)
}

func (t statementTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	st, ok := ctx.Value(statementKey{}).(*statement)
	if !ok {
		return
	}
	metrics.Statements.WithLabelValues(st.verb).Observe(time.Since(st.start).Seconds())
	if data.Err != nil {
		metrics.StatementErrors.WithLabelValues(st.verb).Inc()
	}
	if st.span != nil {
		if data.Err != nil {
			// The error's class only: a constraint's message may quote the row's values.
			st.span.SetStatus(codes.Error, "statement failed")
		}
		st.span.End()
	}
}

// verbs are the first keywords the metrics name; anything else is "OTHER", so a label
// never takes a value from outside this list.
var verbs = map[string]bool{"SELECT": true, "INSERT": true, "UPDATE": true, "DELETE": true, "WITH": true,
	"BEGIN": true, "COMMIT": true, "ROLLBACK": true, "SAVEPOINT": true, "RELEASE": true, "SET": true,
	"LISTEN": true, "UNLISTEN": true, "NOTIFY": true, "CREATE": true, "ALTER": true, "DROP": true}

// verb is the statement's first keyword, upper case, or OTHER.
func verb(sql string) string {
	sql = strings.TrimLeft(sql, " \t\r\n(")
	end := strings.IndexFunc(sql, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') })
	if end < 0 {
		end = len(sql)
	}
	if w := strings.ToUpper(sql[:end]); verbs[w] {
		return w
	}
	return "OTHER"
}
