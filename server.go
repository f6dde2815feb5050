// Command campaigns serves the campaign-partner GraphQL API.
//
//	go run .                         migrate, seed, and serve (the default)
//	go run . migrate up|down|status  manage the database schema
//	go run . seed                    load the built-in seed data if not yet loaded
//	go run . generate --seed N       fill an empty database with load-test volume (see internal/gen)
//	go run . apikey create --org SLUG --role viewer|editor|admin|platform [--name TEXT]
//	go run . apikey list [--org SLUG]
//	go run . apikey revoke PREFIX
//	go run . schema                  print the schema as SDL (the committed schema.graphql)
//	go run . schema check            compare it with schema.graphql and the last release, and lint it
//
// Settings come from the environment; `go run . --help` lists them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // event time zones must resolve on machines without a zoneinfo database

	"go.opentelemetry.io/otel/trace"

	"campaigns/internal/admit"
	"campaigns/internal/api"
	"campaigns/internal/config"
	"campaigns/internal/devdb"
	"campaigns/internal/drain"
	"campaigns/internal/gen"
	"campaigns/internal/metrics"
	"campaigns/internal/realtime"
	"campaigns/internal/seed"
	"campaigns/internal/store"
	"campaigns/internal/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: campaigns [serve | migrate up|down|status | seed | generate | apikey create|list|revoke | healthcheck | schema | --help | --version]

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
	if cmd == "--version" || cmd == "version" {
		fmt.Fprintln(stdout, version.Read())
		return 0
	}
	if cmd == "schema" {
		// Needs neither settings nor a database, so that it works on any checkout.
		return schemaCommand(args[1:], stdout, stderr)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "configuration:", err)
		return 2
	}
	if cmd == "healthcheck" {
		return healthcheck(ctx, cfg, stderr)
	}
	use, ok := commandDB(cmd, args)
	if !ok {
		fmt.Fprint(stderr, usage+config.Help())
		return 2
	}
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
	opts := store.Options{MaxOpenConns: cfg.DBMaxConns, Logger: log, NoCreate: !use.create}
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
	if cmd == "serve" {
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
	case cmd == "serve":
		err = serve(ctx, cfg, st, log, tp)
	case cmd == "seed":
		err = loadSeed(ctx, st, log)
	case cmd == "generate":
		err = gen.Command(ctx, st, args[1:], stdout)
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
		err = migrationStatus(ctx, st, stdout)
	case cmd == "apikey":
		if code := apikey(ctx, st, args[1:], stdout, stderr); code != 0 {
			return code
		}
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
func serve(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger, tp trace.TracerProvider) error {
	n, err := st.MigrateUp(ctx)
	if err != nil {
		return err
	}
	log.Info("database migrated", "applied", n)
	if err := loadSeed(ctx, st, log); err != nil {
		return err
	}
	readiness := new(api.Readiness)
	registered, err := api.LoadPersisted(cfg.Protocol.PersistedQueriesDir)
	if err != nil {
		return err
	}
	// One listening connection per instance feeds every subscription (internal/realtime).
	broker := realtime.New(st, realtime.Options{Buffer: cfg.Realtime.Buffer, PerKey: cfg.Realtime.PerKey, Logger: log})
	listenCtx, stopListening := context.WithCancel(context.Background())
	defer stopListening()
	go broker.Run(listenCtx)
	streams := new(api.Streams)
	srv := &http.Server{
		Handler: api.New(st, api.Options{
			Logger: log, Playground: cfg.Playground, Introspection: cfg.Introspection,
			StatsExtension: cfg.StatsExtension, Readiness: readiness,
			Limits: cfg.Limits, Protocol: api.Protocol{CORSOrigins: cfg.Protocol.CORSOrigins, CORSLocalhost: cfg.Protocol.CORSLocalhost,
				Persisted: registered, PersistedOnly: cfg.Protocol.PersistedOnly},
			Broker: broker, Streams: streams, KeepAlive: cfg.Realtime.KeepAlive,
			TracerProvider: tp,
			Gate:           admit.New(admit.Options{Limit: cfg.Shedding.AdmitConcurrency, MaxWait: cfg.Shedding.AdmitMaxWait}),
			CacheBytes:     cfg.Shedding.CacheBytes, CacheMaxAge: cfg.Shedding.CacheMaxAge,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := drain.Listen(ctx, cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(api.Listener(ln, log)) }()
	go purgeIdempotencyKeys(ctx, st, log)
	if cfg.PprofAddr != "" {
		go servePprof(ctx, cfg.PprofAddr, log)
	}
	metrics.WatchPool(st.Stats)
	if cfg.MetricsAddr != "off" {
		go serveMetrics(ctx, cfg.MetricsAddr, log)
	}
	announce(log, cfg, ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve on %s: %w", cfg.Addr, err)
	case <-ctx.Done():
	}
	return shutdown(srv, ln, readiness, live{broker, streams}, cfg, log)
}

// live is what shutdown must end itself: subscriptions and the streams that carry them.
type live struct {
	broker  *realtime.Broker
	streams *api.Streams
}

// end tells every subscriber that the server is going (SHUTTING_DOWN), gives the streams
// a moment to send it, then closes every websocket and event stream: http.Server.Shutdown
// neither closes a hijacked websocket nor ends an event stream before its timeout.
func (l live) end(ctx context.Context) error {
	l.broker.Shutdown()
	grace, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	for l.streams.Count() > 0 && grace.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	return l.streams.Close(ctx)
}

// shutdown takes the instance out of rotation and stops it without failing a request it
// has accepted or resetting a connection. /readyz answers 503 at once, so that a load
// balancer stops sending; for SHUTDOWN_DELAY every request is still served as before, on
// new connections and kept-alive ones alike, but each answer carries Connection: close,
// the one way to end a kept-alive connection that no request can be racing (closing an
// idle one would reset a request the client is sending on it at that moment), so clients
// reconnect, elsewhere once the balancer knows. Then new connections stop without
// resetting any being made (drain.Quiesce), websockets and event streams are ended, and
// http.Server.Shutdown closes the listener and idle connections and gives requests in
// flight SHUTDOWN_TIMEOUT to finish; any still running after that are cut off and the exit
// code says so.
func shutdown(srv *http.Server, ln net.Listener, readiness *api.Readiness, l live, cfg config.Config, log *slog.Logger) error {
	start := time.Now()
	readiness.Drain()
	log.Info("shutting down", "delay", cfg.ShutdownDelay, "timeout", cfg.ShutdownTimeout)
	time.Sleep(cfg.ShutdownDelay)
	ctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := drain.Quiesce(ln, time.Second); err != nil {
		log.Warn("shutdown: new connections could not all be stopped cleanly; any still queued are reset", "err", err)
	}
	if err := l.end(ctx); err != nil {
		log.Warn("shutdown: streams still open", "err", err)
	}
	if err := srv.Shutdown(ctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("shutdown: requests still running after SHUTDOWN_TIMEOUT (%s) were cut off: %w", cfg.ShutdownTimeout, err)
	}
	log.Info("shut down", "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// purgeIdempotencyKeys deletes expired idempotency keys every hour until ctx ends; keys are
// kept for store.IdempotencyTTL, well over the 24 hours a mobile app may take to retry.
func purgeIdempotencyKeys(ctx context.Context, st *store.Store, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := st.PurgeIdempotencyKeys(ctx); err != nil {
			log.Warn("purge idempotency keys", "err", err)
		} else if n > 0 {
			log.Info("purged idempotency keys", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// announce logs where the server answers, in the lines a newcomer reads first: the
// playground's URL to open, who can reach the address, and which browser pages may call
// the API.
func announce(log *slog.Logger, cfg config.Config, addr string) {
	base := "http://" + displayAddr(addr)
	log.Info("serving GraphQL at "+base+"/query", "addr", addr)
	if cfg.Playground {
		log.Info("playground: open " + base + "/ in a browser")
	}
	if host, port, err := net.SplitHostPort(addr); err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			log.Info("listening on loopback: only this machine can connect; set ADDR=:" + port + " to listen on every interface (e.g. to try a mobile app on a phone)")
		}
	}
	switch {
	case cfg.Protocol.CORSLocalhost:
		log.Info("browser pages on localhost (any port) may call the API (CORS_LOCALHOST); for a frontend elsewhere set CORS_ORIGINS, e.g. CORS_ORIGINS=https://partner.example.org")
	case len(cfg.Protocol.CORSOrigins) == 0:
		log.Info("browser pages of other origins may not call the API; set CORS_ORIGINS to let a frontend in, e.g. CORS_ORIGINS=https://partner.example.org")
	}
}

// displayAddr turns a listener's address into one a person can click: ":8080",
// "0.0.0.0:8080" and "[::]:8080" (every interface) become "localhost:8080".
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return net.JoinHostPort("localhost", port)
	}
	return addr
}

// apikey runs the apikey subcommands and returns the exit code.
func apikey(ctx context.Context, st *store.Store, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("apikey "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", "", "the organization's slug")
	role := fs.String("role", "", "viewer, editor, admin or platform")
	name := fs.String("name", "", "what the key is for")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	switch args[0] {
	case "create":
		if *org == "" || *role == "" {
			fmt.Fprintln(stderr, "apikey create needs --org SLUG and --role viewer|editor|admin|platform")
			return 2
		}
		var namePtr *string
		if *name != "" {
			namePtr = name
		}
		k, err := st.CreateAPIKey(ctx, *org, strings.ToUpper(*role), namePtr)
		if err != nil {
			fmt.Fprintln(stderr, strings.TrimPrefix(err.Error(), store.ErrInvalid.Error()+": "))
			return 1
		}
		fmt.Fprintf(stderr, "created %s key %s for %s; this is the only time the secret is shown:\n", k.Key.Role, k.Key.Prefix, *org)
		fmt.Fprintln(stdout, k.Secret)
	case "list":
		// An unknown slug would list nothing, which reads like "this partner has no keys".
		if *org != "" {
			if _, err := st.OrganizationBySlug(ctx, *org); errors.Is(err, store.ErrNotFound) {
				fmt.Fprintf(stderr, "no organization has the slug %q\n", *org)
				return 1
			} else if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
		}
		keys, err := st.APIKeysOf(ctx, *org)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		// The organization by its slug, the name an operator passes to --org, not its number.
		ids := make([]int64, 0, len(keys))
		for _, k := range keys {
			ids = append(ids, k.OrganizationID)
		}
		orgs, err := st.OrganizationsByID(ctx, ids)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		width := len("ORG")
		for _, o := range orgs {
			width = max(width, len(o.Slug))
		}
		fmt.Fprintf(stdout, "%-12s %-9s %-*s %-20s %-20s %s\n", "PREFIX", "ROLE", width, "ORG", "LAST USED", "REVOKED", "NAME")
		for _, k := range keys {
			slug := fmt.Sprint(k.OrganizationID) // a fallback: a foreign key keeps the organization
			if o := orgs[k.OrganizationID]; o != nil {
				slug = o.Slug
			}
			fmt.Fprintf(stdout, "%-12s %-9s %-*s %-20s %-20s %s\n", k.Prefix, k.Role, width, slug, stamp(k.LastUsedAt), stamp(k.RevokedAt), deref(k.Name))
		}
	case "revoke":
		if fs.NArg() != 1 {
			fmt.Fprintln(stderr, "apikey revoke needs the key's prefix, as apikey list shows it")
			return 2
		}
		k, err := st.RevokeAPIKeyByPrefix(ctx, fs.Arg(0))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "revoked %s\n", k.Prefix)
	default:
		fmt.Fprint(stderr, usage)
		return 2
	}
	return 0
}

func stamp(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
