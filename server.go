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
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // event time zones must resolve on machines without a zoneinfo database

	"go.opentelemetry.io/otel/trace"

	"campaigns/internal/admit"
	"campaigns/internal/api"
	commands "campaigns/internal/command" // setup_test.go has a helper named command
	"campaigns/internal/config"
	"campaigns/internal/drain"
	"campaigns/internal/metrics"
	"campaigns/internal/purge"
	"campaigns/internal/realtime"
	"campaigns/internal/shared"
	"campaigns/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit code. The command line is
// internal/command's; serving is this package's.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return commands.Run(ctx, args, commands.Env{Getenv: getenv, Stdout: stdout, Stderr: stderr}, serve)
}

// listen opens the listener of an address the server serves on: plain TCP, which
// drain.Quiesce can stop. Tests replace it to hand the server a listener they already hold
// (server_test.go), so that no other process can take the port between its choice and the
// server's start.
var listen = drain.Listen

// serve builds the server on st, migrated and seeded, and serves until ctx ends, then
// lets in-flight requests finish (drain.Instance.Shutdown).
func serve(ctx context.Context, cfg config.Config, st *store.Store, log *slog.Logger, tp trace.TracerProvider) error {
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
	// The state several instances share, rate-limit budgets and persisted queries (REDIS_URL).
	red, err := shared.Open(cfg.RedisURL, shared.Options{Logger: log})
	if err != nil {
		return err
	}
	defer red.Close()
	srv := &http.Server{
		Handler: api.New(st, api.Options{
			Logger: log, Playground: cfg.Playground, Introspection: cfg.Introspection,
			StatsExtension: cfg.StatsExtension, Readiness: readiness,
			Limits: cfg.Limits, Protocol: api.Protocol{CORSOrigins: cfg.Protocol.CORSOrigins, CORSLocalhost: cfg.Protocol.CORSLocalhost,
				Persisted: registered, PersistedOnly: cfg.Protocol.PersistedOnly},
			Broker: broker, Streams: streams, KeepAlive: cfg.Realtime.KeepAlive,
			TracerProvider: tp, Shared: red,
			Gate:       admit.New(admit.Options{Limit: cfg.Shedding.AdmitConcurrency, MaxWait: cfg.Shedding.AdmitMaxWait}),
			CacheBytes: cfg.Shedding.CacheBytes, CacheMaxAge: cfg.Shedding.CacheMaxAge,
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	var ln net.Listener
	if cfg.InheritListener {
		ln, err = drain.Inherited()
	} else if ln, err = listen(ctx, cfg.Addr); err != nil {
		err = fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(api.Listener(ln, log)) }()
	go purge.Run(ctx, st, purge.Every, log)
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
	return drain.Instance{Server: srv, Listener: ln, Readiness: readiness, Subscriptions: broker, Streams: streams,
		Delay: cfg.ShutdownDelay, Timeout: cfg.ShutdownTimeout, Log: log}.Shutdown()
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
