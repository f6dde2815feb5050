package drain

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Instance is a serving instance as Shutdown stops it: its server and listener (made by
// Listen), and what the server's own Shutdown does not end.
type Instance struct {
	Server   *http.Server
	Listener net.Listener
	// Readiness is told first, so that /readyz answers 503 (api.Readiness).
	Readiness interface{ Drain() }
	// Subscriptions tells every subscriber that the server is going (realtime.Broker).
	Subscriptions interface{ Shutdown() }
	// Streams are the websockets and event streams that carry subscriptions (api.Streams).
	Streams interface {
		Count() int
		Close(context.Context) error
	}
	// Delay is how long requests are still served after readiness says no
	// (SHUTDOWN_DELAY); Timeout is how long requests in flight then have to finish
	// (SHUTDOWN_TIMEOUT).
	Delay, Timeout time.Duration
	Log            *slog.Logger
}

// Shutdown takes the instance out of rotation and stops it without failing a request it
// has accepted or resetting a connection. /readyz answers 503 at once, so that a load
// balancer stops sending; for Delay every request is still served as before, on new
// connections and kept-alive ones alike, but each answer carries Connection: close, the
// one way to end a kept-alive connection that no request can be racing (closing an idle
// one would reset a request the client is sending on it at that moment), so clients
// reconnect, elsewhere once the balancer knows. Then new connections stop without
// resetting any being made (Quiesce), websockets and event streams are ended, and
// http.Server.Shutdown closes the listener and idle connections and gives requests in
// flight Timeout to finish; any still running after that are cut off and the error says so.
func (in Instance) Shutdown() error {
	start := time.Now()
	in.Readiness.Drain()
	in.Log.Info("shutting down", "delay", in.Delay, "timeout", in.Timeout)
	time.Sleep(in.Delay)
	ctx, cancel := context.WithTimeout(context.Background(), in.Timeout)
	defer cancel()
	if err := Quiesce(in.Listener, time.Second); err != nil {
		in.Log.Warn("shutdown: new connections could not all be stopped cleanly; any still queued are reset", "err", err)
	}
	if err := in.endLive(ctx); err != nil {
		in.Log.Warn("shutdown: streams still open", "err", err)
	}
	if err := in.Server.Shutdown(ctx); err != nil {
		_ = in.Server.Close()
		return fmt.Errorf("shutdown: requests still running after SHUTDOWN_TIMEOUT (%s) were cut off: %w", in.Timeout, err)
	}
	in.Log.Info("shut down", "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// endLive tells every subscriber that the server is going (SHUTTING_DOWN), gives the
// streams a moment to send it, then closes every websocket and event stream:
// http.Server.Shutdown neither closes a hijacked websocket nor ends an event stream before
// its timeout.
func (in Instance) endLive(ctx context.Context) error {
	in.Subscriptions.Shutdown()
	grace, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	for in.Streams.Count() > 0 && grace.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	return in.Streams.Close(ctx)
}
