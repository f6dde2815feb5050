//go:build !linux

package drain

import (
	"net"
	"time"
)

// quiesce does nothing where there is no socket filter to stop new handshakes: the server
// closes the listener as it would have, and connections queued on it are reset.
func quiesce(*net.TCPListener, time.Duration) error { return nil }
