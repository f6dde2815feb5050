// Package replicatest gives tests a private PostgreSQL primary with a streaming read
// replica: initdb in a temporary directory, the replica made by pg_basebackup -R, each on a
// free loopback port, run as the postgres user when the test runs as root (PostgreSQL
// refuses root). A test may stop and start the replica, and pause its replay, which it must
// never do to the server that other test packages share.
package replicatest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/devdb"
	"campaigns/internal/testenv"
)

// Cluster is a running primary and its replica.
type Cluster struct {
	Primary, Replica *Server
}

// Server is one PostgreSQL server of a Cluster.
type Server struct {
	t     testing.TB
	bin   string // directory of initdb, pg_ctl, pg_basebackup
	dir   string // owned by the postgres user: data/, the log, the socket
	port  int
	runAs string
}

// Start creates the primary (wal_level=replica) and a replica streaming from it, and stops
// both when t ends. Without PostgreSQL's server binaries the test is skipped, except under
// CI=true, where it fails.
func Start(t testing.TB) *Cluster {
	t.Helper()
	bin := devdb.Binaries()
	testenv.Needs(t, "PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup) in /usr/lib/postgresql/*/bin (apt-get install postgresql)", bin != "")
	root := t.TempDir()
	runAs := ""
	if os.Geteuid() == 0 {
		runAs = "postgres"
		_, err := user.Lookup(runAs)
		testenv.Needs(t, fmt.Sprintf("a postgres user to run PostgreSQL as, since the test runs as root (%v)", err), err == nil)
		// The postgres user must reach its directories through the test's temporary ones.
		for _, d := range []string{filepath.Dir(root), root} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	newServer := func(name string) *Server {
		s := &Server{t: t, bin: bin, dir: filepath.Join(root, name), port: freePort(t), runAs: runAs}
		if err := os.Mkdir(s.dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if runAs != "" {
			u, _ := user.Lookup(runAs)
			uid, _ := strconv.Atoi(u.Uid)
			gid, _ := strconv.Atoi(u.Gid)
			if err := os.Chown(s.dir, uid, gid); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	c := &Cluster{Primary: newServer("primary"), Replica: newServer("replica")}
	p := c.Primary
	p.run("initdb", "-D", p.data(), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync", "--no-instructions")
	t.Cleanup(func() { p.stop("immediate") })
	p.Start()

	r := c.Replica
	// -R writes standby.signal and primary_conninfo; -X stream copies the WAL the backup needs.
	r.run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(p.port), "-U", "postgres",
		"-D", r.data(), "-R", "-X", "stream", "--no-sync", "-c", "fast")
	t.Cleanup(func() { r.stop("immediate") })
	r.Start()
	c.WaitStreaming(t)
	return c
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// Port is the server's loopback port.
func (s *Server) Port() int { return s.port }

// URL is the address of database name on the server.
func (s *Server) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, name)
}

// Start starts the server and waits until it accepts connections (a replica: once it has
// reached a consistent state and accepts reads).
func (s *Server) Start() {
	s.t.Helper()
	// hot_standby_feedback keeps the primary from removing rows that a replica's query still
	// reads, so that a test's read is not cancelled for a conflict with recovery.
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off -c max_connections=80 -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on -c hot_standby_feedback=on",
		s.port, s.dir)
	s.run("pg_ctl", "-D", s.data(), "-l", filepath.Join(s.dir, "log"), "-o", opts, "-w", "-t", "60", "start")
}

// Stop stops the server in mode "fast" (backends are told to terminate, like a service
// restart) or "immediate" (like a crash), and waits until it is gone.
func (s *Server) Stop(mode string) {
	s.t.Helper()
	s.run("pg_ctl", "-D", s.data(), "-m", mode, "-w", "-t", "60", "stop")
}

// stop stops the server if it runs, for the test's cleanup.
func (s *Server) stop(mode string) {
	if _, err := os.Stat(filepath.Join(s.data(), "postmaster.pid")); err == nil {
		_ = s.exec("pg_ctl", "-D", s.data(), "-m", mode, "-w", "-t", "30", "stop")
	}
}

// Log is what the server logged so far, for a failing test to show.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "log"))
	return string(b)
}

// Exec runs sql on the server's postgres database.
func (s *Server) Exec(sql string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		s.t.Fatalf("connect to port %d: %v", s.port, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		s.t.Fatalf("%s on port %d: %v", sql, s.port, err)
	}
}

// Pause pauses the replica's replay (pg_wal_replay_pause): it keeps receiving WAL and
// answering reads, with what it had replayed, until Resume.
func (c *Cluster) Pause() {
	c.Replica.t.Helper()
	c.Replica.Exec("SELECT pg_wal_replay_pause()")
}

// Resume resumes the replica's replay.
func (c *Cluster) Resume() {
	c.Replica.t.Helper()
	c.Replica.Exec("SELECT pg_wal_replay_resume()")
}

// WaitStreaming waits until the primary's current WAL position is replayed on the replica.
func (c *Cluster) WaitStreaming(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var target string
	for {
		p, err := pgx.Connect(ctx, c.Primary.URL("postgres"))
		if err == nil {
			err = p.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&target)
			_ = p.Close(ctx)
		}
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("primary: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for {
		var done bool
		r, err := pgx.Connect(ctx, c.Replica.URL("postgres"))
		if err == nil {
			err = r.QueryRow(ctx, "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::text::pg_lsn, false)", target).Scan(&done)
			_ = r.Close(ctx)
		}
		if done {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("the replica has not replayed %s in 30s (%v):\n%s", target, err, c.Replica.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// run runs one of the server binaries and fails the test, with the server's log, when it fails.
func (s *Server) run(name string, args ...string) {
	s.t.Helper()
	if err := s.exec(name, args...); err != nil {
		s.t.Fatalf("%s: %v\nserver log:\n%s", name, err, s.Log())
	}
}

func (s *Server) exec(name string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	prog := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.runAs != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", s.runAs, "--", prog}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, prog, args...)
	}
	cmd.Dir = s.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

// freePort returns a loopback TCP port that nothing listens on at the moment.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
