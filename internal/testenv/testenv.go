// Package testenv says what a test needs of the machine it runs on. A developer's machine
// may lack Node.js, PostgreSQL's server binaries or a postgres user, and a test that needs
// them skips there, saying what is missing; CI (CI=true) must run every test, so there the
// same test fails instead, and a missing tool cannot pass for a passing suite.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// CI reports whether the tests run in CI, where no test may skip for want of a tool or
// service: CI=true, as .ci/run and most CI services set it.
func CI() bool { return os.Getenv("CI") == "true" }

// Needs lets t go on when ok; otherwise it skips t, or fails it under CI=true. what says
// what is missing and how to get it, e.g. "Node.js (apt-get install nodejs npm)".
func Needs(t testing.TB, what string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if CI() {
		t.Fatalf("missing, and CI=true runs every test: %s", what)
	}
	t.Skipf("missing: %s (CI=true makes this a failure)", what)
}

// Tool returns the path of the command name on PATH, through Needs: install says how to
// get it.
func Tool(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	Needs(t, name+" on PATH ("+install+")", err == nil)
	return path
}
