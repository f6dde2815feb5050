// Package clock carries the time a request is judged at through its context. Whether an
// event is upcoming, and whether a scheduled one reads COMPLETED, depend on the time; taking
// it from the request rather than from time.Now lets tests set it (graph.Resolver.Clock is
// where it is injected), and lets one query judge every event it shows at one instant, so
// that an "upcoming" list never shows an event as completed, and nested lists under the same
// filter still batch.
package clock

import (
	"context"
	"time"
)

type key struct{}

type value struct {
	now   func() time.Time
	fixed time.Time
}

// With returns a context whose clock is now.
func With(ctx context.Context, now func() time.Time) context.Context {
	if now == nil {
		now = time.Now
	}
	return context.WithValue(ctx, key{}, value{now: now})
}

// At returns a context fixed at the instant t: Now answers t however long the work lasts.
func At(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, key{}, value{fixed: t})
}

// Now returns the context's instant, or its clock's time, or time.Now for a context with
// neither (a command-line tool, say).
func Now(ctx context.Context) time.Time {
	v, _ := ctx.Value(key{}).(value)
	switch {
	case !v.fixed.IsZero():
		return v.fixed
	case v.now != nil:
		return v.now()
	}
	return time.Now()
}
