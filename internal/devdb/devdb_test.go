package devdb

import (
	"context"
	"errors"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// testPort is this package's private port; nothing else of the project's tests uses it.
const testPort = 18083

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
	if Binaries() == "" {
		t.Skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
	}
	if Answers("postgres://127.0.0.1:18083/x") {
		t.Skip("something already listens on port 18083")
	}
	ctx := context.Background()
	c, err := Start(ctx, Options{Port: testPort, Dir: dir(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	if !c.Started() || !strings.Contains(c.URL, ":18083/campaigns") {
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

	again, err := Start(ctx, Options{Port: testPort, Dir: filepath.Dir(c.Dir)})
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
	if Binaries() == "" {
		t.Skip("PostgreSQL's server binaries are not installed")
	}
	lookupUser = func(string) (*user.User, error) { return nil, errors.New("unknown user postgres") }
	t.Cleanup(func() { lookupUser = user.Lookup })
	_, err := Start(context.Background(), Options{Port: testPort, Dir: dir(t)})
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "refuses to run as root") || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("want one line explaining root and DATABASE_URL, got %v", err)
	}
}

func TestAnswers(t *testing.T) {
	if Answers("postgres://postgres@127.0.0.1:1/campaigns") {
		t.Error("port 1 answers")
	}
}
