package command

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"campaigns/internal/config"
	"campaigns/internal/store"
)

// noServe is a Server that fails the test: no command here may get as far as serving.
func noServe(t *testing.T) Server {
	return func(context.Context, config.Config, *store.Store, *slog.Logger, trace.TracerProvider) error {
		t.Error("a help request started the server")
		return nil
	}
}

// TestEveryCommandHasHelp asks each command for its help in each way it can be asked, with
// a setting that would stop any command that read the settings and a database address
// nothing answers at: help is printed on stdout, exit code 0, before either is touched.
func TestEveryCommandHasHelp(t *testing.T) {
	t.Parallel()
	getenv := func(k string) string {
		return map[string]string{"DB_MAX_CONNS": "lots", "DATABASE_URL": "postgres://127.0.0.1:1/none"}[k]
	}
	for _, name := range []string{"serve", "migrate", "seed", "generate", "apikey", "healthcheck", "schema"} {
		for _, args := range [][]string{
			{name, "--help"}, {name, "-h"}, {name, "-help"}, {"help", name}, {"--help", name},
			{name, "create", "--help"}, {name, "up", "--org", "x", "-h"},
		} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				var stdout, stderr bytes.Buffer
				code := Run(context.Background(), args, Env{Getenv: getenv, Stdout: &stdout, Stderr: &stderr}, noServe(t))
				if code != 0 || stderr.Len() > 0 {
					t.Fatalf("exit code %d, stderr %q; want 0 and nothing", code, stderr.String())
				}
				if want := "usage: campaigns " + name; name != "serve" && !strings.HasPrefix(stdout.String(), want) {
					t.Errorf("stdout does not begin with %q:\n%s", want, stdout.String())
				}
				if name == "serve" && !strings.HasPrefix(stdout.String(), "usage: campaigns [serve]") {
					t.Errorf("stdout is not serve's help:\n%s", stdout.String())
				}
				if strings.Contains(stdout.String(), "Settings (environment variables)") {
					t.Errorf("a command's help is the whole usage:\n%s", stdout.String())
				}
			})
		}
	}
}

// TestEveryCommandOfTheUsageHasHelp holds the help table to the usage's synopsis, so that a
// command added to one is added to the other.
func TestEveryCommandOfTheUsageHasHelp(t *testing.T) {
	t.Parallel()
	synopsis, _, _ := strings.Cut(strings.TrimPrefix(Usage, "usage: campaigns ["), "]")
	for part := range strings.SplitSeq(synopsis, " | ") {
		name, _, _ := strings.Cut(part, " ")
		if strings.HasPrefix(name, "-") {
			continue
		}
		if help[name] == "" {
			t.Errorf("%s is in the usage but has no --help", name)
		}
	}
	for name := range help {
		if !strings.Contains(synopsis, name) {
			t.Errorf("%s has a --help but is not in the usage", name)
		}
	}
}

// TestUsage: --help prints the usage and every setting on stdout; a command line that names
// no command prints them on stderr with exit code 2, before reading any database.
func TestUsage(t *testing.T) {
	t.Parallel()
	getenv := func(k string) string { return map[string]string{"DATABASE_URL": "postgres://127.0.0.1:1/none"}[k] }
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"--help"}, 0},
		{[]string{"help"}, 0},
		{[]string{"help", "no-such-command"}, 0},
		{[]string{"no-such-command"}, 2},
		{[]string{"migrate"}, 2},
		{[]string{"migrate", "sideways"}, 2},
		{[]string{"apikey"}, 2},
		{[]string{"apikey", "rotate"}, 2},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), tc.args, Env{Getenv: getenv, Stdout: &stdout, Stderr: &stderr}, noServe(t))
			out := stdout.String()
			if tc.code != 0 {
				out = stderr.String()
			}
			if code != tc.code || !strings.HasPrefix(out, Usage) || !strings.Contains(out, "DATABASE_URL") {
				t.Errorf("exit code %d, want %d; output:\n%s", code, tc.code, out)
			}
		})
	}
}
