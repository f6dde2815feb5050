package api

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// TestDBWait: a request waits for the database within the bound and learns when it answers;
// once an outage has outlasted the bound, a request pings once and gives up instead of
// waiting again; the first answered ping ends the outage.
func TestDBWait(t *testing.T) {
	var pings, failFor atomic.Int64
	ping := func(context.Context) error {
		if pings.Add(1) <= failFor.Load() {
			return errors.New("connection refused")
		}
		return nil
	}
	w := newDBWait(ping, 500*time.Millisecond)
	ctx := context.Background()

	// A restart: three pings fail, the fourth is answered.
	failFor.Store(3)
	if !w.ready(ctx) || pings.Load() != 4 {
		t.Fatalf("a short outage: ready after %d pings, want true after 4", pings.Load())
	}
	// A long outage: the first request waits the bound out, the next one pings once.
	pings.Store(0)
	failFor.Store(1 << 40)
	if w.ready(ctx) {
		t.Fatal("a long outage: ready")
	}
	waited := pings.Load()
	if w.ready(ctx) || pings.Load() != waited+1 {
		t.Errorf("past the bound a request pinged %d times, want once", pings.Load()-waited)
	}
	// The database is back: the next request finds it at once, and the outage is over.
	failFor.Store(0)
	if !w.ready(ctx) {
		t.Fatal("the database answers, but not ready")
	}
	if !w.since.IsZero() {
		t.Error("the outage did not end with the answered ping")
	}
	// A request whose client has gone waits no more.
	failFor.Store(1 << 40)
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if w.ready(gone) {
		t.Error("ready for a request whose client has gone")
	}
}
