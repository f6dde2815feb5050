package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"campaigns/internal/dbtest"
	"campaigns/internal/reqid"
	"campaigns/internal/store"
)

// command runs the binary's command line on the database at url and returns its exit code
// and output.
func command(url string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, env(map[string]string{"DATABASE_URL": url}), &out, &errOut)
	return code, out.String(), errOut.String()
}

// oneLine reports whether s is one line of text.
func oneLine(s string) bool {
	s = strings.TrimSuffix(s, "\n")
	return s != "" && !strings.Contains(s, "\n")
}

// exists reports whether the database at url exists, without creating it.
func exists(t *testing.T, url string) bool {
	t.Helper()
	st, err := store.Open(context.Background(), url, store.Options{NoCreate: true})
	if errors.Is(err, store.ErrNoDatabase) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	_ = st.Close()
	return true
}

// TestCommandsOnAMissingDatabase: a command that works on what is there says in one line
// what to run, and leaves no empty database behind; one that fills the database creates
// and migrates it first, and says so.
func TestCommandsOnAMissingDatabase(t *testing.T) {
	t.Parallel()
	name := "campaigns_missing_" + reqid.New()[:12]
	url := dbtest.DatabaseURL(t, name)
	t.Cleanup(func() { dbtest.Drop(t, name) })
	for _, args := range [][]string{
		{"apikey", "create", "--org", "usaid", "--role", "viewer"},
		{"apikey", "list"},
		{"apikey", "list", "--org", "usaid"},
		{"apikey", "revoke", "cpk_abcdef"},
		{"migrate", "status"},
		{"migrate", "down"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := command(url, args...)
			if code != 1 || stdout != "" || !oneLine(stderr) || !strings.Contains(stderr, name+" on ") ||
				!strings.Contains(stderr, "does not exist") || !strings.Contains(stderr, "go run . migrate up") {
				t.Errorf("exit code %d, stdout %q, stderr %q; want 1 and one line that names the database and says what to run", code, stdout, stderr)
			}
			if exists(t, url) {
				t.Fatalf("%v created the database", args)
			}
		})
	}

	// seed creates, migrates and seeds it, saying that it migrated first; then a key can
	// be made for a seeded partner and listed by its slug.
	code, _, stderr := command(url, "seed")
	if code != 0 || !strings.Contains(stderr, "was not migrated: applied") || !strings.Contains(stderr, "seed data loaded") {
		t.Fatalf("seed: exit code %d: %s", code, stderr)
	}
	if code, _, stderr := command(url, "apikey", "create", "--org", "usaid", "--role", "viewer"); code != 0 {
		t.Fatalf("apikey create after seed: exit code %d: %s", code, stderr)
	}
	// A second seed has nothing to migrate and says nothing of it.
	if code, _, stderr := command(url, "seed"); code != 0 || strings.Contains(stderr, "migrat") {
		t.Errorf("second seed: exit code %d: %s", code, stderr)
	}
}

// TestCommandsOnAnUnmigratedDatabase: on a database without tables, the key commands say
// in one line what to run and change nothing; migrate status lists what is pending and
// says what applies it; migrate down says there is nothing to roll back; generate migrates
// first and says so.
func TestCommandsOnAnUnmigratedDatabase(t *testing.T) {
	t.Parallel()
	url := dbtest.EmptyURL(t)
	for _, args := range [][]string{
		{"apikey", "create", "--org", "usaid", "--role", "viewer"},
		{"apikey", "list"},
		{"apikey", "revoke", "cpk_abcdef"},
		{"migrate", "down"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := command(url, args...)
			want := "go run . migrate up"
			if args[0] == "migrate" {
				want = "nothing to roll back"
			}
			if code != 1 || stdout != "" || !oneLine(stderr) || !strings.Contains(stderr, want) || strings.Contains(stderr, "relation") {
				t.Errorf("exit code %d, stdout %q, stderr %q; want 1 and one line that says %q", code, stdout, stderr, want)
			}
		})
	}
	code, stdout, stderr := command(url, "migrate", "status")
	if code != 0 || strings.Contains(stdout, "applied") || !strings.Contains(stdout, "pending\n") ||
		!strings.Contains(stdout, "migrations are pending: go run . migrate up applies them") {
		t.Fatalf("migrate status: exit code %d:\n%s%s", code, stdout, stderr)
	}

	code, _, stderr = command(url, "generate", "--seed", "1", "--campaigns", "2", "--events", "5", "--networks", "3", "--organizations", "3")
	if code != 0 || !strings.Contains(stderr, "was not migrated: applied") {
		t.Fatalf("generate: exit code %d: %s", code, stderr)
	}
	code, stdout, stderr = command(url, "migrate", "status")
	if code != 0 || strings.Contains(stdout, "pending") {
		t.Errorf("migrate status after generate: exit code %d:\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := command(url, "apikey", "list"); code != 0 || !strings.HasPrefix(stdout, "PREFIX") {
		t.Errorf("apikey list once migrated: exit code %d:\n%s%s", code, stdout, stderr)
	}
}
