package faulttest

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

	"campaigns/internal/devdb"

	"campaigns/internal/testenv"
)

// cluster is a PostgreSQL cluster of the test's own, in a temporary directory, on a free
// loopback port: the restart test stops and starts it, which it must never do to the
// server that other test packages share.
type cluster struct {
	t    *testing.T
	bin  string // directory of initdb and pg_ctl
	dir  string // owned by the postgres user: data/, the log, the socket
	port int
	// runAs is the OS user the server runs as: PostgreSQL refuses to run as root.
	runAs string
}

// newCluster creates and starts a cluster, and stops it at the end of the test; the
// directory goes with t.TempDir. It skips the test when PostgreSQL's server binaries are
// not installed.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	bin := devdb.Binaries()
	testenv.Needs(t, "PostgreSQL's server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on PATH (apt-get install postgresql)", bin != "")
	c := &cluster{t: t, bin: bin, port: freePort(t)}
	root := t.TempDir()
	c.dir = filepath.Join(root, "pg")
	if err := os.Mkdir(c.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		c.runAs = "postgres"
		u, err := user.Lookup(c.runAs)
		testenv.Needs(t, fmt.Sprintf("a postgres user to run a PostgreSQL cluster as, since the test runs as root (%v)", err), err == nil)
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		// The postgres user must reach its directory through the test's temporary ones.
		for _, d := range []string{filepath.Dir(root), root} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chown(c.dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	c.run("initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync", "--no-instructions")
	t.Cleanup(func() {
		// Immediate: nothing of this cluster needs to survive, and it must not outlive the test.
		_ = c.exec("pg_ctl", "-D", c.data(), "-m", "immediate", "-w", "-t", "30", "stop")
	})
	c.Start()
	return c
}

func (c *cluster) data() string { return filepath.Join(c.dir, "data") }

// URL is the address of database name on the cluster.
func (c *cluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// Start starts the server and waits until it accepts connections.
func (c *cluster) Start() {
	c.t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s -c fsync=off -c max_connections=60", c.port, c.dir)
	c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "log"), "-o", opts, "-w", "-t", "60", "start")
}

// Stop stops the server in mode "fast" (backends are told to terminate, like a service
// restart) or "immediate" (they are killed, like a crash), and waits until it is gone.
func (c *cluster) Stop(mode string) {
	c.t.Helper()
	c.run("pg_ctl", "-D", c.data(), "-m", mode, "-w", "-t", "60", "stop")
}

// run runs one of the cluster's binaries and fails the test, with the server's log, when
// it fails.
func (c *cluster) run(name string, args ...string) {
	c.t.Helper()
	if err := c.exec(name, args...); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		c.t.Fatalf("%s: %v\nserver log:\n%s", name, err, log)
	}
}

func (c *cluster) exec(name string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	prog := filepath.Join(c.bin, name)
	var cmd *exec.Cmd
	if c.runAs != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", c.runAs, "--", prog}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, prog, args...)
	}
	cmd.Dir = c.dir
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
