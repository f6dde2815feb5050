package api

import "sync/atomic"

// Readiness says whether this instance should be sent new traffic. The server calls Drain
// as soon as it receives SIGTERM, and from then on /readyz answers 503 "shutting down", so
// that a load balancer takes the instance out of rotation, and every other answer carries
// Connection: close, so that clients holding kept-alive connections reconnect; requests
// are served as before meanwhile (see SHUTDOWN_DELAY). The zero value is ready.
type Readiness struct {
	draining atomic.Bool
}

// Drain marks the instance as shutting down; it cannot be undone.
func (r *Readiness) Drain() { r.draining.Store(true) }

// Draining reports whether Drain was called; a nil Readiness never drains.
func (r *Readiness) Draining() bool { return r != nil && r.draining.Load() }
