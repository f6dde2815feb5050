// Package admit bounds how many operations execute at once. On a machine of few cores,
// every request's hundreds of resolver goroutines share the cores with every other
// request's, so under load all of them finish late together; admitting a few at a time,
// the rest waiting in arrival order, lets each finish quickly in turn, and the tail of
// the latency stays close to its median. A request that would wait longer than a bound is
// refused (ErrOverloaded), so that a client or load balancer can go elsewhere rather than
// queue without end.
package admit

import (
	"container/list"
	"context"
	"errors"
	"runtime"
	"sync"
	"time"

	"campaigns/internal/metrics"
)

// ErrOverloaded refuses an operation that waited MaxWait without being admitted.
var ErrOverloaded = errors.New("overloaded")

// Factor times GOMAXPROCS is the default limit: a request spends part of its time waiting
// for PostgreSQL, so a few per core keep the cores busy without crowding them.
const Factor = 4

// DefaultMaxWait is how long an operation waits for a slot when Options.MaxWait is zero.
const DefaultMaxWait = 2 * time.Second

// Options tune a Gate.
type Options struct {
	// Limit is how many operations run at once; Factor × GOMAXPROCS when zero.
	Limit int
	// MaxWait is the longest an operation waits for a slot; DefaultMaxWait when zero.
	MaxWait time.Duration
}

// Gate admits operations up to its limit and queues the rest in arrival order.
type Gate struct {
	limit   int
	maxWait time.Duration

	mu      sync.Mutex
	running int
	queue   list.List // of *waiter, oldest first
}

// waiter is one queued operation; ready is closed when it is handed a slot.
type waiter struct {
	ready   chan struct{}
	granted bool // guarded by Gate.mu
}

// New returns a gate with opt's limits.
func New(opt Options) *Gate {
	if opt.Limit <= 0 {
		opt.Limit = Factor * runtime.GOMAXPROCS(0)
	}
	if opt.MaxWait <= 0 {
		opt.MaxWait = DefaultMaxWait
	}
	metrics.AdmitLimit.Set(float64(opt.Limit))
	return &Gate{limit: opt.Limit, maxWait: opt.MaxWait}
}

// Limit returns how many operations run at once.
func (g *Gate) Limit() int { return g.limit }

// MaxWait returns the longest an operation waits for a slot.
func (g *Gate) MaxWait() time.Duration { return g.maxWait }

// Enter waits for a slot, in arrival order, at most MaxWait, and returns the function that
// gives the slot back, which the caller must call once. It fails with ErrOverloaded when
// the wait ran out, or with ctx's error when the caller gave up first.
func (g *Gate) Enter(ctx context.Context) (leave func(), err error) {
	g.mu.Lock()
	if g.running < g.limit && g.queue.Len() == 0 {
		g.running++
		g.mu.Unlock()
		metrics.AdmitAdmitted.Inc()
		metrics.AdmitRunning.Inc()
		return g.leave, nil
	}
	w := &waiter{ready: make(chan struct{})}
	e := g.queue.PushBack(w)
	g.mu.Unlock()
	metrics.AdmitQueued.Inc()
	metrics.AdmitWaiting.Inc()
	defer metrics.AdmitWaiting.Dec()

	start := time.Now()
	timer := time.NewTimer(g.maxWait)
	defer timer.Stop()
	select {
	case <-w.ready:
	case <-timer.C:
		err = ErrOverloaded
	case <-ctx.Done():
		err = ctx.Err()
	}
	metrics.AdmitWait.Observe(time.Since(start).Seconds())
	if err != nil {
		g.mu.Lock()
		granted := w.granted
		if !granted {
			g.queue.Remove(e)
		}
		g.mu.Unlock()
		if !granted {
			if errors.Is(err, ErrOverloaded) {
				metrics.AdmitRejected.Inc()
			}
			return nil, err
		}
		// Handed a slot as the wait ran out: take it rather than waste it.
	}
	metrics.AdmitAdmitted.Inc()
	metrics.AdmitRunning.Inc()
	return g.leave, nil
}

// leave hands the slot to the oldest waiter, or frees it.
func (g *Gate) leave() {
	metrics.AdmitRunning.Dec()
	g.mu.Lock()
	defer g.mu.Unlock()
	if front := g.queue.Front(); front != nil {
		w := g.queue.Remove(front).(*waiter)
		w.granted = true
		close(w.ready)
		return
	}
	g.running--
}
