package faulttest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/drain"

	"campaigns/internal/testenv"
)

// slowRead is answered with one statement on campaigns, which the test holds with a lock,
// so that a request of it stays in flight for as long as the test wants.
const slowRead = `{ campaigns(first: 5) { edges { node { name } } } }`

// TestSIGTERM runs the real server binary and sends it SIGTERM with requests in flight.
func TestSIGTERM(t *testing.T) {
	bin := buildServer(t)
	t.Run("under load", func(t *testing.T) { sigtermUnderLoad(t, bin) })
	t.Run("keep-alive clients", func(t *testing.T) { sigtermKeepAlive(t, bin) })
	t.Run("requests outlive SHUTDOWN_TIMEOUT", func(t *testing.T) { sigtermPastTimeout(t, bin) })
}

// sigtermUnderLoad holds requests in flight, keeps new requests coming, and sends SIGTERM.
// Every request in flight must be answered in full; /readyz must answer 503 "shutting down"
// during SHUTDOWN_DELAY; after that new connections must be refused, and none reset; the
// process must exit 0 within SHUTDOWN_DELAY + SHUTDOWN_TIMEOUT and a margin; and no request
// the server accepted, by its own log, may have failed.
func sigtermUnderLoad(t *testing.T, bin string) {
	st, url := dbtest.NewWithURL(t)
	key := apitest.Key(t, st, "sigterm-viewer", "VIEWER")
	const (
		inFlight        = 12
		probers         = 3
		shutdownDelay   = 2 * time.Second
		shutdownTimeout = 20 * time.Second
	)
	addr, sock := heldSocket(t)
	srv := startServer(t, bin, sock, []string{
		"DATABASE_URL=" + url, "ADDR=" + addr, "LOG_FORMAT=json", "PLAYGROUND=false", "METRICS_ADDR=off",
		"DB_MAX_CONNS=40", // more than inFlight + probers, so every statement reaches PostgreSQL
		"STATEMENT_TIMEOUT=60s",
		"SHUTDOWN_DELAY=" + shutdownDelay.String(), "SHUTDOWN_TIMEOUT=" + shutdownTimeout.String(),
		"RATE_LIMIT_ANONYMOUS_POINTS=0", // the probes are one address, and each prices its count
		inFlightEnv[0], inFlightEnv[1],
	})
	c := newClient("http://"+addr, 60*time.Second)
	srv.waitReady(t, c)

	unlock := lockTable(t, url, "campaigns")
	slow, slowDone := holdInFlight(t, c, url, inFlight, key)

	// New requests, on fresh connections, before and after the signal.
	var signalled atomic.Bool
	before, after := newTally(), newTally()
	var probeIDs sync.Map // id → outcome, for the comparison with the server's log
	probeCtx, stopProbes := context.WithCancel(context.Background())
	var probeWG sync.WaitGroup
	var seq atomic.Int64
	for range probers {
		probeWG.Add(1)
		go func() {
			defer probeWG.Done()
			for probeCtx.Err() == nil {
				wasSignalled := signalled.Load()
				r := c.query(probeCtx, fmt.Sprintf("probe-%06d", seq.Add(1)), "", keyedRead, nil)
				if probeCtx.Err() != nil {
					return
				}
				probeIDs.Store(r.id, r)
				if wasSignalled {
					after.add(r)
				} else {
					before.add(r)
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	waitUntil(t, "new requests to be served before the signal", func() bool { return before.count(served) >= 10 })

	signalled.Store(true)
	signalAt := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	draining := waitReadyz(t, c, http.StatusServiceUnavailable, "shutting down")
	waitUntil(t, "the server to refuse new connections", func() bool {
		_, _, err := c.get(context.Background(), "/healthz")
		return errors.Is(err, syscall.ECONNREFUSED)
	})
	refusedAt := time.Now()
	unlock() // the requests in flight may finish now
	code, exitAt := srv.wait(t, shutdownDelay+shutdownTimeout+15*time.Second)
	stopProbes()
	probeWG.Wait()
	slowDone()

	logged := srv.requestIDs(t)
	t.Logf("SIGTERM → /readyz %s; new connections refused after %s; exit %d after %s (SHUTDOWN_DELAY %s, SHUTDOWN_TIMEOUT %s)",
		draining, refusedAt.Sub(signalAt).Round(time.Millisecond), code, exitAt.Sub(signalAt).Round(time.Millisecond), shutdownDelay, shutdownTimeout)
	t.Logf("new requests before the signal: %s", before)
	t.Logf("new requests after the signal:  %s", after)

	if code != 0 {
		t.Errorf("the server exited %d, want 0:\n%s", code, srv.stderr.String())
	}
	failedInFlight := 0
	for _, r := range slow {
		if r.outcome != served {
			failedInFlight++
			t.Errorf("request %s, in flight at the signal: %s %s", r.id, r.outcome, r.detail)
		}
	}
	t.Logf("requests in flight at the signal: %d, failed: %d", inFlight, failedInFlight)
	if n := before.total() - before.count(served); n > 0 {
		t.Errorf("%d new requests before the signal were not served: %s", n, before)
	}
	// Refused is the one way a new request may fail: it sent nothing. A reset would be a
	// connection the kernel had queued when the listener closed (see drain.Quiesce).
	if n := after.count(failed) + after.count(unavailable) + after.count(resetEarly); n > 0 {
		t.Errorf("%d new requests after the signal failed: %s", n, after)
	}
	if after.count(refused) == 0 {
		t.Errorf("no new request after the signal was refused: %s", after)
	}
	// A request the server logged was accepted: it must have had its whole answer.
	for id := range logged {
		if r, ok := probeIDs.Load(id); ok && r.(result).outcome != served {
			t.Errorf("request %s was handled by the server but the client got %s: %s", id, r.(result).outcome, r.(result).detail)
		}
	}
	for _, r := range slow {
		if !logged[r.id] {
			t.Errorf("request %s, in flight at the signal, is missing from the server's log", r.id)
		}
	}
}

// sigtermKeepAlive sends SIGTERM to a server under a steady load of clients that keep their
// connections alive, and lets the load run on through SHUTDOWN_DELAY and past the exit.
// During the delay every request must be served while /readyz answers 503; after it, a
// client may only find the port closed (refused: it sent nothing, and retries elsewhere).
// No request may be reset, cut off or fail in any other way: the server ends kept-alive
// connections only by answering with Connection: close, never by closing one a request
// may be on its way to, and it stops taking connections without resetting any that the
// kernel had queued for it.
func sigtermKeepAlive(t *testing.T, bin string) {
	_, url := dbtest.NewWithURL(t)
	const (
		workers       = 8
		shutdownDelay = 2 * time.Second
	)
	addr, sock := heldSocket(t)
	srv := startServer(t, bin, sock, []string{
		"DATABASE_URL=" + url, "ADDR=" + addr, "LOG_FORMAT=json", "PLAYGROUND=false", "METRICS_ADDR=off",
		"SHUTDOWN_DELAY=" + shutdownDelay.String(), "SHUTDOWN_TIMEOUT=20s",
		"RATE_LIMIT_ANONYMOUS_POINTS=0", // the load is one address
	})
	c := newKeepAliveClient("http://"+addr, 30*time.Second, workers)
	srv.waitReady(t, newClient("http://"+addr, 10*time.Second))

	var signalled, exited atomic.Bool
	before, during, after := newTally(), newTally(), newTally()
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var seq atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				tally := before
				switch {
				case exited.Load():
					tally = after
				case signalled.Load():
					tally = during
				}
				r := c.query(ctx, fmt.Sprintf("keepalive-%06d", seq.Add(1)), "", nestedRead, nil)
				if ctx.Err() != nil {
					return
				}
				tally.add(r)
				time.Sleep(5 * time.Millisecond) // a bounded load, not a busy loop
			}
		}()
	}
	waitUntil(t, "the load to be served before the signal", func() bool { return before.count(served) >= 100 })

	signalled.Store(true)
	signalAt := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	draining := waitReadyz(t, newClient("http://"+addr, 10*time.Second), http.StatusServiceUnavailable, "shutting down")
	code, exitAt := srv.wait(t, shutdownDelay+20*time.Second)
	exited.Store(true)
	waitUntil(t, "the load to find the port closed", func() bool { return after.count(refused) >= 20 })
	stop()
	wg.Wait()

	t.Logf("SIGTERM → /readyz %s; exit %d after %s (SHUTDOWN_DELAY %s)", draining, code, exitAt.Sub(signalAt).Round(time.Millisecond), shutdownDelay)
	t.Logf("before the signal:        %s", before)
	t.Logf("from the signal to exit:  %s", during)
	t.Logf("after the exit:           %s", after)
	if code != 0 {
		t.Errorf("the server exited %d, want 0:\n%s", code, srv.stderr.String())
	}
	if n := before.total() - before.count(served); n > 0 {
		t.Errorf("%d requests before the signal were not served: %s", n, before)
	}
	if during.count(served) == 0 {
		t.Errorf("no request was served during SHUTDOWN_DELAY: %s", during)
	}
	for name, tl := range map[string]*tally{"from the signal to the exit": during, "after the exit": after} {
		if n := tl.total() - tl.count(served) - tl.count(refused); n > 0 {
			t.Errorf("%s, %d requests were reset or failed (want 0; only served or refused): %s", name, n, tl)
		}
	}
}

// sigtermPastTimeout holds requests in flight for good and sends SIGTERM: the process must
// still exit within SHUTDOWN_TIMEOUT and a margin, with exit code 1 and a log line saying
// that it cut requests off.
func sigtermPastTimeout(t *testing.T, bin string) {
	st, url := dbtest.NewWithURL(t)
	key := apitest.Key(t, st, "sigterm-viewer", "VIEWER")
	const shutdownTimeout = 2 * time.Second
	addr, sock := heldSocket(t)
	srv := startServer(t, bin, sock, []string{
		"DATABASE_URL=" + url, "ADDR=" + addr, "LOG_FORMAT=json", "PLAYGROUND=false", "METRICS_ADDR=off",
		"STATEMENT_TIMEOUT=60s", "SHUTDOWN_TIMEOUT=" + shutdownTimeout.String(),
		inFlightEnv[0], inFlightEnv[1],
	})
	c := newClient("http://"+addr, 60*time.Second)
	srv.waitReady(t, c)
	lockTable(t, url, "campaigns") // held until the test ends
	slow, slowDone := holdInFlight(t, c, url, 3, key)

	signalAt := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code, exitAt := srv.wait(t, shutdownTimeout+15*time.Second)
	slowDone()
	t.Logf("exit %d after %s (SHUTDOWN_TIMEOUT %s)", code, exitAt.Sub(signalAt).Round(time.Millisecond), shutdownTimeout)
	if code != 1 {
		t.Errorf("the server exited %d, want 1 for requests cut off:\n%s", code, srv.stderr.String())
	}
	if !strings.Contains(srv.stderr.String(), "SHUTDOWN_TIMEOUT") {
		t.Errorf("the server did not say that it cut requests off at SHUTDOWN_TIMEOUT:\n%s", srv.stderr.String())
	}
	for _, r := range slow {
		if r.outcome == served {
			t.Errorf("request %s was served although its statement never got the lock", r.id)
		}
	}
}

// holdInFlight sends n requests whose one statement waits for the lock on campaigns, which
// the caller holds, and returns once PostgreSQL shows all n waiting; wait waits for their
// answers. Every second request has the API key.
// inFlightEnv lets every request holdInFlight sends reach PostgreSQL, where the test
// counts them: the answer cache would compute the identical anonymous ones once (the others
// waiting for it, in Go), and admission would queue those past its limit before execution.
var inFlightEnv = [2]string{"CACHE_BYTES=0", "ADMIT_CONCURRENCY=64"}

func holdInFlight(t *testing.T, c *client, url string, n int, key string) (results []result, wait func()) {
	t.Helper()
	watch := connect(t, url)
	results = make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := ""
			if i%2 == 1 {
				k = key
			}
			results[i] = c.query(context.Background(), fmt.Sprintf("slow-%04d", i), k, slowRead, nil)
		}()
	}
	waitUntil(t, fmt.Sprintf("%d requests' statements to wait for the lock", n), func() bool {
		var waiting int
		err := watch.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%campaigns%'`).Scan(&waiting)
		return err == nil && waiting == n
	})
	return results, wg.Wait
}

// buildServer builds the server binary into a temporary directory, with the race detector
// when this test has it, so that the build reuses what the test's own build compiled.
func buildServer(t *testing.T) string {
	t.Helper()
	goBin := testenv.Tool(t, "go", "it builds the server binary")
	bin := filepath.Join(t.TempDir(), "campaigns")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, goBin, append(args, "campaigns")...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built the server (race detector %t) in %s", raceEnabled, time.Since(start).Round(time.Millisecond))
	return bin
}

// server is the server binary running as a child process.
type server struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{}
	code   int
	exitAt time.Time
}

func startServer(t *testing.T, bin string, sock *os.File, env []string) *server {
	t.Helper()
	s := &server{cmd: exec.Command(bin), stderr: &syncBuffer{}, exited: make(chan struct{})}
	s.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "LISTEN_FDS=1"}, env...)
	s.cmd.ExtraFiles = []*os.File{sock} // file descriptor 3
	s.cmd.Stdout = s.stderr
	s.cmd.Stderr = s.stderr
	err := s.cmd.Start()
	// The server holds the socket now; the test lets go of it, or the socket would go on
	// taking connections after the server closed it.
	_ = sock.Close()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		err := s.cmd.Wait()
		s.exitAt = time.Now()
		s.code = 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			s.code = exitErr.ExitCode()
		} else if err != nil {
			s.code = -1
		}
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
	return s
}

// heldSocket makes the listening socket a server started by startServer serves on, and
// returns its address: the port is held from its choice to the server's start, so no other
// process can take it in between.
func heldSocket(t *testing.T) (string, *os.File) {
	t.Helper()
	l, err := drain.Listen(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close() // f is a copy of its descriptor, which keeps the socket open
	f, err := l.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	return l.Addr().String(), f
}

// waitReady waits until /readyz answers 200, failing early if the process exits.
func (s *server) waitReady(t *testing.T, c *client) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			t.Fatalf("the server exited %d before it was ready:\n%s", s.code, s.stderr.String())
		default:
		}
		if status, _, err := c.get(context.Background(), "/readyz"); err == nil && status == http.StatusOK {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the server was not ready within the bound:\n%s", s.stderr.String())
}

// wait waits for the process to exit within bound and returns its exit code and when.
func (s *server) wait(t *testing.T, bound time.Duration) (int, time.Time) {
	t.Helper()
	select {
	case <-s.exited:
		return s.code, s.exitAt
	case <-time.After(bound):
		t.Fatalf("the server did not exit within %s of the signal:\n%s", bound, s.stderr.String())
		return 0, time.Time{}
	}
}

// requestIDs returns the ids of the requests the server's access log lists.
func (s *server) requestIDs(t *testing.T) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(s.stderr.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "request" {
			ids[line.RequestID] = true
		}
	}
	return ids
}

// syncBuffer is a bytes.Buffer that the process's output and the test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
