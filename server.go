// Command campaigns serves the campaign-partner GraphQL API.
//
//	go run .                         migrate, seed, and serve (the default)
//	go run . migrate up|down|status  manage the database schema
//	go run . seed                    load the built-in seed data if not yet loaded
//
// Settings come from the environment; `go run . --help` lists them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // event time zones must resolve on machines without a zoneinfo database

	"campaigns/internal/api"
	"campaigns/internal/config"
	"campaigns/internal/seed"
	"campaigns/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: campaigns [serve | migrate up|down|status | seed | --help]

Settings (environment variables):
`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	if cmd == "-h" || cmd == "--help" || cmd == "help" {
		fmt.Fprint(stdout, usage+config.Help())
		return 0
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "configuration:", err)
		return 2
	}
	log := newLogger(cfg, stderr)

	openCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	st, err := store.Open(openCtx, cfg.DatabaseURL, store.Options{MaxOpenConns: cfg.DBMaxConns, Logger: log})
	cancel()
	if err != nil {
		if errors.Is(err, store.ErrUnavailable) {
			// One line: where it tried, why it failed, and what to do about it.
			fmt.Fprintf(stderr, "%s; start PostgreSQL there or set DATABASE_URL (e.g. DATABASE_URL=postgres://USER@HOST:5432/campaigns?sslmode=disable)\n",
				strings.TrimPrefix(err.Error(), store.ErrUnavailable.Error()+": "))
		} else {
			fmt.Fprintln(stderr, err)
		}
		return 1
	}
	defer st.Close()

	switch {
	case cmd == "serve":
		err = serve(ctx, cfg, st, log)
	case cmd == "seed":
		err = loadSeed(ctx, st, log)
	case cmd == "migrate" && len(args) == 2 && args[1] == "up":
		var n int
		if n, err = st.MigrateUp(ctx); err == nil {
			fmt.Fprintf(stdout, "applied %d migrations\n", n)
		}
	case cmd == "migrate" && len(args) == 2 && args[1] == "down":
		if err = st.MigrateDown(ctx); err == nil {
			fmt.Fprintln(stdout, "rolled back the latest migration")
		}
	case cmd == "migrate" && len(args) == 2 && args[1] == "status":
		err = st.MigrationStatus(ctx, stdout)
	default:
		fmt.Fprint(stderr, usage+config.Help())
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // config has checked it
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func loadSeed(ctx context.Context, st *store.Store, log *slog.Logger) error {
	loaded, err := seed.Load(ctx, st)
	if err != nil {
		return err
	}
	if loaded {
		log.Info("seed data loaded", "version", seed.Version)
	} else {
		log.Info("seed data already loaded", "version", seed.Version)
	}
	return nil
}

// serve migrates, seeds and serves until ctx ends, then lets in-flight requests finish.
func serve(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger) error {
	n, err := st.MigrateUp(ctx)
	if err != nil {
		return err
	}
	log.Info("database migrated", "applied", n)
	if err := loadSeed(ctx, st, log); err != nil {
		return err
	}
	srv := &http.Server{
		Addr: cfg.Addr,
		Handler: api.New(st, api.Options{
			Logger: log, Playground: cfg.Playground, Introspection: cfg.Introspection,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("serving", "graphql", "http://"+displayAddr(cfg.Addr)+"/query", "playground", cfg.Playground, "addr", cfg.Addr)
	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// displayAddr turns ":8080" into "localhost:8080" for the log line a person clicks.
func displayAddr(addr string) string {
	if len(addr) > 0 && addr[0] == ':' {
		return "localhost" + addr
	}
	return addr
}
