package drain

import (
	"fmt"
	"net"
	"time"

	"golang.org/x/sys/unix"
)

// dropSYN is a classic BPF socket filter that drops a TCP segment with SYN set and ACK not
// (a request for a new connection) and keeps every other. A socket filter sees a TCP
// segment from its header on, whose 14th byte holds the flags; the connections the socket
// accepts inherit it, and never receive such a segment.
var dropSYN = []unix.SockFilter{
	{Code: unix.BPF_LD | unix.BPF_B | unix.BPF_ABS, K: 13},           // A = flags
	{Code: unix.BPF_ALU | unix.BPF_AND | unix.BPF_K, K: 0x12},        // A &= SYN|ACK
	{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, K: 0x02, Jf: 1}, // SYN alone?
	{Code: unix.BPF_RET | unix.BPF_K, K: 0},                          // drop
	{Code: unix.BPF_RET | unix.BPF_K, K: 0xffffffff},                 // keep all of it
}

// quiesce attaches dropSYN to l's socket, waits for handshakes under way, then polls the
// length of l's accept queue (tcp_info's unacked, on a listening socket) until it is empty.
func quiesce(l *net.TCPListener, bound time.Duration) error {
	rc, err := l.SyscallConn()
	if err != nil {
		return fmt.Errorf("drain: %w", err)
	}
	var opErr error
	err = rc.Control(func(fd uintptr) {
		prog := unix.SockFprog{Len: uint16(len(dropSYN)), Filter: &dropSYN[0]}
		opErr = unix.SetsockoptSockFprog(int(fd), unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog)
	})
	if err == nil {
		err = opErr
	}
	if err != nil {
		return fmt.Errorf("drain: stop new connections: %w", err)
	}
	deadline := time.Now().Add(bound)
	time.Sleep(min(handshakeGrace, bound))
	for {
		var queued uint32
		err = rc.Control(func(fd uintptr) {
			var info *unix.TCPInfo
			if info, opErr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO); opErr == nil {
				queued = info.Unacked
			}
		})
		if err == nil {
			err = opErr
		}
		switch {
		case err != nil:
			return fmt.Errorf("drain: accept queue: %w", err)
		case queued == 0:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("drain: %d connections still queued after %s", queued, bound)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
