package api_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"campaigns/internal/api"
	"campaigns/internal/config"
	"campaigns/internal/dbtest"

	"campaigns/internal/testenv"
)

// TestGraphQLHTTPAudit runs graphql-http's server audits, the conformance suite of the
// GraphQL over HTTP specification, against the server with its default settings, and fails
// unless every audit is ok. The audit is a Node script (testdata/audit) whose graphql-http
// version package-lock.json pins; npm ci installs it in a directory of the test's own. Without Node and npm the test skips, except
// under CI=true, where a missing tool must not pass for a conforming server.
func TestGraphQLHTTPAudit(t *testing.T) {
	t.Parallel()
	node, npm := tool(t, "node"), tool(t, "npm")
	dir := t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json", "audit.mjs"} {
		b, err := os.ReadFile(filepath.Join("testdata", "audit", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A bound, not a measure: npm ci from its cache takes a second or two.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error")
	install.Dir = dir
	install.Env = append(os.Environ(), "npm_config_update_notifier=false")
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}

	// The default settings. Production's INTROSPECTION=false refuses the four audits of
	// variables, which ask for __type(name: $name): a choice of the deployment, not of the
	// protocol.
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(dbtest.Seeded(t), api.Options{
		Playground: cfg.Playground, Introspection: cfg.Introspection, Limits: cfg.Limits,
		Protocol: api.Protocol{CORSOrigins: cfg.Protocol.CORSOrigins},
	}))
	defer srv.Close()
	audit := exec.CommandContext(ctx, node, "audit.mjs", srv.URL+"/query")
	audit.Dir = dir
	out, err := audit.CombinedOutput()
	m := auditSummary.FindSubmatch(out)
	if m == nil {
		t.Fatalf("the audit did not finish (%v):\n%s", err, out)
	}
	ok, total := atoi(t, m[1]), atoi(t, m[2])
	if err != nil || ok != total || total == 0 {
		t.Fatalf("%d of %d audits ok (%v):\n%s", ok, total, err, out)
	}
	t.Logf("graphql-http audit: %d of %d ok", ok, total)
}

var auditSummary = regexp.MustCompile(`(?m)^(\d+) of (\d+) audits ok$`)

func atoi(t *testing.T, b []byte) int {
	t.Helper()
	n, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// tool returns the path of a command the test needs; it skips the test without it, or
// fails it under CI=true, where every tool must be there.
func tool(t *testing.T, name string) string {
	t.Helper()
	return testenv.Tool(t, name, "install Node.js and npm to run graphql-http's audit: apt-get install nodejs npm")
}
