// Package drain stops a listening socket taking new connections without resetting the
// ones that reach it as it stops.
//
// Closing a listening socket resets every connection the kernel has completed for it but
// the server has not yet accepted: their clients have sent a request that nobody will
// read, and see a reset instead of a refusal. Under load there are always a few. Quiesce
// first stops new handshakes (a socket filter that drops connection requests, so that a
// client trying now is refused cleanly once the socket closes, or retries elsewhere), then
// waits until the server has accepted every connection already made; only then does the
// server close the socket, with nothing queued on it.
package drain

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"
)

// Listen listens on addr over plain TCP, the kind of socket Quiesce can stop. Go listens
// with Multipath TCP where the kernel has it, and a Multipath TCP socket takes no socket
// filter; the clients of an API behind a load balancer gain nothing from it.
func Listen(ctx context.Context, addr string) (net.Listener, error) {
	var lc net.ListenConfig
	lc.SetMultipathTCP(false)
	return lc.Listen(ctx, "tcp", addr)
}

// Inherited returns the listening socket this process inherited as file descriptor 3, as
// systemd's socket activation (LISTEN_FDS=1) or a test that holds the port passes it. It
// must be a TCP socket; its maker should have made it with Listen, so that Quiesce can stop it.
func Inherited() (net.Listener, error) {
	f := os.NewFile(3, "LISTEN_FDS")
	defer f.Close() // FileListener dups it
	l, err := net.FileListener(f)
	if err != nil {
		return nil, fmt.Errorf("inherited listener (LISTEN_FDS): %w", err)
	}
	if _, ok := l.(*net.TCPListener); !ok {
		_ = l.Close()
		return nil, fmt.Errorf("inherited listener (LISTEN_FDS): a %T, not a TCP socket", l)
	}
	return l, nil
}

// handshakeGrace is how long a handshake already under way may take to complete once new
// ones are stopped: a round trip to a client or load balancer.
const handshakeGrace = 100 * time.Millisecond

// Quiesce stops new connections to l (made by Listen) and waits, within bound, until every connection the
// kernel has already made for l has been accepted; the server must keep accepting
// meanwhile, and closes l afterwards (http.Server.Shutdown does). It returns at once, with
// nothing done, where the platform offers no way to do it (see quiesce), and the caller
// closes l as before.
func Quiesce(l net.Listener, bound time.Duration) error {
	tl, ok := l.(*net.TCPListener)
	if !ok {
		return nil
	}
	return quiesce(tl, bound)
}
