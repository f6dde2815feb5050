package api

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/auth"
	"campaigns/internal/loader"
	"campaigns/internal/reqid"
	"campaigns/internal/store"
)

// DefaultRetryWait is how long a read that PostgreSQL failed may wait for it to answer
// again before it is retried: longer than a restart takes (a fast shutdown, a start and its
// recovery), short enough that a client has not given up.
const DefaultRetryWait = 5 * time.Second

// retryReads is the gqlgen extension that runs a query a second time when PostgreSQL
// failed it (store.ErrUnavailable: a connection a restart or failover broke, a backend
// terminated, a refused or not-yet-ready database), once PostgreSQL answers again, so
// that a restart under load costs no read. A query only reads, so running it again is
// safe; a mutation is never run again (whether its first attempt committed is not
// known), and a subscription's events are not replayed.
//
// It retries the whole operation, the depth at which a retry is clean: a statement
// retried on its own would be a statement of a transaction the broken connection has
// already rolled back, and a field retried on its own would meet loaders holding the
// first attempt's errors. The second attempt gets fresh loaders and a fresh response, so
// nothing of the first (its partial data, its errors) reaches the client. It is the last
// response interceptor, so the others (telemetry, the cost and budget extensions) see the
// operation once, with its final answer.
type retryReads struct {
	es      graphql.ExecutableSchema
	st      *store.Store
	present graphql.ErrorPresenterFunc
	recover graphql.RecoverFunc
	wait    *dbWait
	log     *slog.Logger
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = (*retryReads)(nil)

// ExtensionName names the extension for gqlgen.
func (*retryReads) ExtensionName() string { return "RetryReads" }

// Validate needs nothing of the schema.
func (*retryReads) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse runs the query, and once more if PostgreSQL failed the first attempt.
func (r *retryReads) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	opCtx := graphql.GetOperationContext(ctx)
	if opCtx.Operation == nil || opCtx.Operation.Operation != ast.Query {
		return next(ctx)
	}
	first := &attempt{}
	resp := next(context.WithValue(ctx, attemptKey{}, first))
	if resp == nil || !first.unavailable.Load() || resp.HasNext != nil || ctx.Err() != nil {
		return resp
	}
	if !r.wait.ready(ctx) {
		return resp // PostgreSQL is still away: the first answer says so
	}
	r.log.InfoContext(ctx, "retrying a read that the database failed", "request_id", reqid.From(ctx))
	ctx = loader.With(ctx, loader.New(r.st))
	ctx = context.WithValue(ctx, attemptKey{}, &attempt{})
	ctx = graphql.WithResponseContext(ctx, r.present, r.recover)
	again := r.es.Exec(ctx)(ctx)
	if again == nil {
		return resp
	}
	again.Errors = append(again.Errors, graphql.GetErrors(ctx)...)
	again.Extensions = graphql.GetExtensions(ctx)
	return again
}

// attempt records whether an attempt at an operation failed because PostgreSQL did.
type attempt struct {
	unavailable atomic.Bool
}

type attemptKey struct{}

// noteUnavailable wraps the error presenter, through which every error of an operation
// passes, to mark the attempt whose errors include PostgreSQL being unavailable.
func noteUnavailable(present graphql.ErrorPresenterFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		if a, ok := ctx.Value(attemptKey{}).(*attempt); ok && errors.Is(err, store.ErrUnavailable) && !errors.Is(err, context.Canceled) {
			a.unavailable.Store(true)
		}
		return present(ctx, err)
	}
}

// retryLookup returns lookup with one retry when PostgreSQL failed it, once it answers
// again: the API key lookup precedes every operation, read or write, and reads one row
// (setting its last use to now, which a second run sets again), so retrying it is safe
// and a keyed read survives a restart too.
func retryLookup(lookup auth.Lookup, wait *dbWait) auth.Lookup {
	return func(ctx context.Context, hash []byte) (auth.Caller, error) {
		c, err := lookup(ctx, hash)
		if errors.Is(err, store.ErrUnavailable) && ctx.Err() == nil && wait.ready(ctx) {
			c, err = lookup(ctx, hash)
		}
		return c, err
	}
}

// dbWait lets the requests that PostgreSQL failed wait, within bound, until it answers a
// ping again. An outage is timed from the first failed ping: once it has lasted bound, it
// is no restart, and a failed request waits no more but pings once and gives up, so that a
// long outage is answered at once rather than each request waiting the bound. An outage
// ends with the first ping answered, or when no request has failed for bound.
type dbWait struct {
	ping  func(context.Context) error
	bound time.Duration

	mu          sync.Mutex
	since, last time.Time // the outage's first and latest failed ping; zero when none
}

// probeEvery is how often a waiting request pings.
const probeEvery = 50 * time.Millisecond

func newDBWait(ping func(context.Context) error, bound time.Duration) *dbWait {
	if bound <= 0 {
		bound = DefaultRetryWait
	}
	return &dbWait{ping: ping, bound: bound}
}

// ready reports whether PostgreSQL answers a ping, waiting for it within what remains of
// the current outage's bound and ctx.
func (w *dbWait) ready(ctx context.Context) bool {
	var deadline time.Time
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		err := w.ping(pctx)
		cancel()
		now := time.Now()
		w.mu.Lock()
		if err == nil {
			w.since, w.last = time.Time{}, time.Time{}
			w.mu.Unlock()
			return true
		}
		if w.since.IsZero() || now.Sub(w.last) > w.bound {
			w.since = now
		}
		w.last = now
		if deadline.IsZero() {
			deadline = w.since.Add(w.bound)
		}
		w.mu.Unlock()
		if !now.Add(probeEvery).Before(deadline) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(probeEvery):
		}
	}
}
