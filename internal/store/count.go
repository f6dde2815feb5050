package store

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
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

// statementCounter is a pgx tracer that counts statements in the context's counter.
type statementCounter struct{}

func (statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if c, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		c.Add(1)
	}
	return ctx
}

func (statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
