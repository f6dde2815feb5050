// Package pgbouncertest gives tests a private PgBouncer: Debian's pgbouncer in a temporary
// directory, on a free loopback port, in transaction pooling mode in front of the test
// PostgreSQL, with a pool so small that anything relying on a session across statements
// (a statement prepared by name, a plain SET, LISTEN, a session-level advisory lock) meets
// another server connection and breaks.
package pgbouncertest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/testenv"
)

// Options shape a Bouncer.
type Options struct {
	// PoolSize is PgBouncer's default_pool_size, the server connections it holds per
	// database and user; 3 when zero.
	PoolSize int
	// ConnectQuery, when set, runs on each server connection as PgBouncer opens it
	// (connect_query): how a deployment sets what a client may not send as a startup
	// parameter, such as statement_timeout.
	ConnectQuery string
}

// Bouncer is a running private PgBouncer.
type Bouncer struct {
	port int
	cmd  *exec.Cmd
	done chan struct{}
	log  *LockedBuffer
}

// Start starts a PgBouncer in front of the PostgreSQL server of direct (a URL of the test
// server, whose user it lets in without a password, auth_type=trust), stopped when t ends.
// Without the binary the test is skipped, except under CI=true, where it fails.
func Start(t testing.TB, direct string, opt Options) *Bouncer {
	t.Helper()
	bin := testenv.Tool(t, "pgbouncer", "apt-get install pgbouncer")
	cfg, err := pgx.ParseConfig(direct)
	if err != nil {
		t.Fatalf("parse %s: %v", direct, err)
	}
	if opt.PoolSize <= 0 {
		opt.PoolSize = 3
	}
	root := t.TempDir()
	dir := filepath.Join(root, "pgbouncer")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b := &Bouncer{port: freePort(t), done: make(chan struct{}), log: new(LockedBuffer)}
	target := fmt.Sprintf("host=%s port=%d", cfg.Host, cfg.Port)
	if opt.ConnectQuery != "" {
		target += " connect_query=" + quote(opt.ConnectQuery)
	}
	ini := fmt.Sprintf(`[databases]
* = %s

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = %d
unix_socket_dir =
auth_type = trust
auth_file = %s
pool_mode = transaction
default_pool_size = %d
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 200
server_lifetime = 3600
`, target, b.port, filepath.Join(dir, "users.txt"), opt.PoolSize)
	write(t, filepath.Join(dir, "users.txt"), fmt.Sprintf("%q \"\"\n", cfg.User))
	write(t, filepath.Join(dir, "pgbouncer.ini"), ini)

	cmd := exec.Command(bin, filepath.Join(dir, "pgbouncer.ini"))
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = b.log, b.log
	if os.Geteuid() == 0 {
		// PgBouncer refuses to run as root; the postgres user must reach the directory.
		u, err := user.Lookup("postgres")
		testenv.Needs(t, fmt.Sprintf("a postgres user to run PgBouncer as, since the test runs as root (%v)", err), err == nil)
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		for _, d := range []string{filepath.Dir(root), root} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pgbouncer: %v", err)
	}
	b.cmd = cmd
	go func() { _ = cmd.Wait(); close(b.done) }()
	t.Cleanup(b.stop)
	b.wait(t, b.URL(direct))
	return b
}

// URL returns direct with its host and port replaced by the bouncer's: the same database,
// user and parameters, through the pool.
func (b *Bouncer) URL(direct string) string {
	u, err := url.Parse(direct)
	if err != nil {
		return ""
	}
	u.Host = net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port))
	return u.String()
}

// Log is what PgBouncer wrote so far, for a failing test to show.
func (b *Bouncer) Log() string { return b.log.String() }

// wait waits until PgBouncer lets a client through to PostgreSQL.
func (b *Bouncer) wait(t testing.TB, through string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, through)
		if err == nil {
			err = conn.Ping(ctx)
			_ = conn.Close(ctx)
		}
		cancel()
		if err == nil {
			return
		}
		select {
		case <-b.done:
			t.Fatalf("pgbouncer exited at start: %v\n%s", err, b.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("pgbouncer does not answer on port %d: %v\n%s", b.port, err, b.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop kills PgBouncer and waits for it to exit.
func (b *Bouncer) stop() {
	_ = b.cmd.Process.Kill()
	<-b.done
}

func write(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// quote quotes a value of PgBouncer's connection string ('…', with ' doubled).
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// freePort returns a loopback port nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// LockedBuffer is a bytes.Buffer that a process's output and the test reading it may use at
// once: PgBouncer's log here, a server's in the root package's test through PgBouncer.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
