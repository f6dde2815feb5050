package devdb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/testenv"
)

// freePort returns a loopback port that nothing listened on a moment ago. A cluster is
// another process, which cannot be handed a listener, so the port is let go just before
// the cluster takes it; another of the machine's tests taking it in between would fail
// the Start, not pass it.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// dir returns a temporary directory for a cluster that the postgres user can reach when
// the test runs as root.
func dir(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if os.Geteuid() == 0 {
		for _, d := range []string{filepath.Dir(root), root} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

// TestStartCreatesRunsAndStops makes a cluster in a temporary directory, connects to it,
// finds it running on a second Start (as a second `go run .` would) without taking it over,
// and stops it.
func TestStartCreatesRunsAndStops(t *testing.T) {
	testenv.Needs(t, "PostgreSQL's server binaries (initdb, pg_ctl): apt-get install postgresql", Binaries() != "")
	ctx := context.Background()
	port := freePort(t)
	c, err := Start(ctx, Options{Port: port, Dir: dir(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	if !c.Started() || !strings.Contains(c.URL, fmt.Sprintf(":%d/campaigns", port)) {
		t.Fatalf("started %t, URL %s", c.Started(), c.URL)
	}
	admin := strings.Replace(c.URL, "/campaigns?", "/postgres?", 1)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to the private cluster: %v", err)
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&n); err != nil || n != 1 {
		t.Fatalf("SELECT 1: %d, %v", n, err)
	}
	_ = conn.Close(ctx)

	again, err := Start(ctx, Options{Port: port, Dir: filepath.Dir(c.Dir)})
	if err != nil {
		t.Fatal(err)
	}
	if again.Started() || again.URL != c.URL {
		t.Errorf("second Start: started %t, URL %s; want the running cluster, not started again", again.Started(), again.URL)
	}
	if err := again.Stop(); err != nil || !Answers(c.URL) {
		t.Errorf("Stop of a cluster this Start did not start stopped it: %v", err)
	}

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if Answers(c.URL) {
		t.Error("the cluster still answers after Stop")
	}
}

func TestRootWithoutPostgresUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root needs a postgres user")
	}
	testenv.Needs(t, "PostgreSQL's server binaries (initdb, pg_ctl): apt-get install postgresql", Binaries() != "")
	lookupUser = func(string) (*user.User, error) { return nil, errors.New("unknown user postgres") }
	t.Cleanup(func() { lookupUser = user.Lookup })
	_, err := Start(context.Background(), Options{Port: freePort(t), Dir: dir(t)})
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "refuses to run as root") || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("want one line explaining root and DATABASE_URL, got %v", err)
	}
}

func TestAnswers(t *testing.T) {
	if Answers("postgres://postgres@127.0.0.1:1/campaigns") {
		t.Error("port 1 answers")
	}
}
