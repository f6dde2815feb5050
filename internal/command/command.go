// Package command is the binary's command line: it reads the settings, opens and prepares
// the database each command needs, and runs the command. Serving itself is main's: Run is
// handed the function that builds and starts the server.
package command

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"time"

	"go.opentelemetry.io/otel/trace"

	"log/slog"

	"campaigns/internal/config"
	"campaigns/internal/devdb"
	"campaigns/internal/gen"
	"campaigns/internal/store"
	"campaigns/internal/version"
)

// Server serves the API on an open, migrated and seeded database until ctx ends, then
// shuts down; main builds and starts the HTTP server in it.
type Server func(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger, tp trace.TracerProvider) error

// Env is what a command runs in: the settings and the two output streams.
type Env struct {
	Getenv         func(string) string
	Stdout, Stderr io.Writer
}

// Usage is the synopsis of every command, printed with the settings by --help and after a
// command line that names no command.
const Usage = `usage: campaigns [serve | migrate up|down|status | seed | generate | apikey create|list|revoke | healthcheck | schema | --help | --version]

  healthcheck     exits 0 when the server on ADDR answers /readyz with 200 (for a container's healthcheck)

  generate --seed N [--campaigns 2000 --events 1000000 --networks 20000 --organizations 20000] [--force]
                  fills an empty database with reproducible load-test volume

  apikey create --org SLUG --role viewer|editor|admin|platform [--name TEXT]
                  prints a new key once; only its hash is kept
  apikey list [--org SLUG]
  apikey revoke PREFIX

  schema          prints the GraphQL schema as SDL: go run . schema > schema.graphql
  schema check    compares it with schema.graphql and the last release (breaking changes
                  must be listed in schema/intended-changes.txt), and lints it

  Each command's --help says more: go run . apikey --help

Settings (environment variables):
`

// Run runs the command line args (without the program's name) and returns the exit code:
// 0 when it worked, 1 when it failed, 2 when the command line or a setting is wrong.
func Run(ctx context.Context, args []string, env Env, serve Server) int {
	name := "serve"
	if len(args) > 0 {
		name = args[0]
	}
	switch name {
	case "-h", "--help", "help":
		if len(args) == 2 && help[args[1]] != "" {
			fmt.Fprint(env.Stdout, help[args[1]])
			return 0
		}
		fmt.Fprint(env.Stdout, Usage+config.Help())
		return 0
	case "--version", "version":
		fmt.Fprintln(env.Stdout, version.Read())
		return 0
	}
	if help[name] != "" && len(args) > 1 && slices.ContainsFunc(args[1:], asksHelp) {
		fmt.Fprint(env.Stdout, help[name])
		return 0
	}
	if name == "schema" {
		// Needs neither settings nor a database, so that it works on any checkout.
		return schemaCommand(args[1:], env.Stdout, env.Stderr)
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		fmt.Fprintln(env.Stderr, "configuration:", err)
		return 2
	}
	if name == "healthcheck" {
		return healthcheck(ctx, cfg, env.Stderr)
	}
	use, ok := needs(name, args)
	if !ok {
		fmt.Fprint(env.Stderr, Usage+config.Help())
		return 2
	}
	return withDatabase(ctx, name, args, use, cfg, env, serve)
}

// asksHelp reports whether a command's argument asks for its help.
func asksHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// withDatabase opens the database as use says, prepares it and runs the command on it.
func withDatabase(ctx context.Context, name string, args []string, use dbUse, cfg config.Config, env Env, serve Server) int {
	stdout, stderr := env.Stdout, env.Stderr
	log := newLogger(cfg, stderr)
	if !cfg.DatabaseURLSet && cfg.DevPostgres == "auto" && !devdb.Answers(cfg.DatabaseURL) {
		dev, err := startDevPostgres(ctx, cfg, log)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer dev.Stop()
		cfg.DatabaseURL = dev.URL
	}

	openCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	opts := store.Options{MaxOpenConns: cfg.DBMaxConns, Logger: log, NoCreate: !use.create,
		Pooled: cfg.Pooler.PgBouncer, DirectURL: cfg.Pooler.ListenURL}
	if name == "serve" {
		// Only the server reads replicas: a command's reads must see what it just wrote.
		opts.Replicas, opts.ReplicaWait, opts.ReplicaMaxLag = cfg.Replicas.URLs, cfg.Replicas.Wait, cfg.Replicas.MaxLag
	}
	tp, flushTraces, err := newTracerProvider(ctx, cfg, stderr)
	if err != nil {
		cancel()
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer func() {
		flushCtx, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		_ = flushTraces(flushCtx)
	}()
	if name == "serve" {
		// Only requests get the limit: seeding and generating load-test data run long
		// statements on purpose (and migrations run without it, see store.MigrateUp).
		opts.StatementTimeout = cfg.StatementTimeout
		opts.TracerProvider = tp
		// The collector's settings are tuned for serving (internal/config/memory.go); a
		// one-off command such as generate keeps Go's own unless GOGC/GOMEMLIMIT say otherwise.
		debug.SetGCPercent(cfg.GCPercent)
		debug.SetMemoryLimit(cfg.MemoryLimit)
	}
	st, err := store.Open(openCtx, cfg.DatabaseURL, opts)
	cancel()
	if err != nil {
		fmt.Fprintln(stderr, openError(err))
		return 1
	}
	defer st.Close()
	if err := prepare(ctx, use, st, log); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}

	switch {
	case name == "serve":
		err = serve(ctx, cfg, st, log, tp)
	case name == "seed":
		err = loadSeed(ctx, st, log)
	case name == "generate":
		err = gen.Command(ctx, st, args[1:], stdout)
	case name == "migrate":
		err = migrate(ctx, st, args[1], stdout)
	case name == "apikey":
		if code := apikey(ctx, st, args[1:], stdout, stderr); code != 0 {
			return code
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// newLogger is the server's and every command's logger, as LOG_LEVEL and LOG_FORMAT say.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // config has checked it
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
