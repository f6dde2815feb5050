package command

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/trace"

	"campaigns/internal/config"
	"campaigns/internal/devdb"
	"campaigns/internal/tracing"
	"campaigns/internal/version"
)

// newTracerProvider builds the tracer provider that OTEL_TRACES_EXPORTER asks for.
func newTracerProvider(ctx context.Context, cfg config.Config, stderr io.Writer) (trace.TracerProvider, func(context.Context) error, error) {
	return tracing.New(ctx, tracing.Settings{Exporter: cfg.TraceExporter, Endpoint: cfg.OTLPEndpoint,
		ServiceName: cfg.ServiceName, Version: version.Read().Module, Console: stderr})
}

// healthcheck asks the server on cfg.Addr whether it is ready, for a container's health
// check on an image that has no shell or curl; it returns the exit code.
func healthcheck(ctx context.Context, cfg config.Config, stderr io.Writer) int {
	_, port, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck: ADDR:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort("127.0.0.1", port)+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		fmt.Fprintf(stderr, "healthcheck: /readyz answered %d %s\n", resp.StatusCode, body)
		return 1
	}
	return 0
}

// startDevPostgres starts the private PostgreSQL of a developer who has none (DEV_POSTGRES).
func startDevPostgres(ctx context.Context, cfg config.Config, log *slog.Logger) (*devdb.Cluster, error) {
	log.Info("no PostgreSQL answers at the default address and DATABASE_URL is unset: starting a private one (DEV_POSTGRES=off to never do this)")
	dev, err := devdb.Start(ctx, devdb.Options{Port: cfg.DevPostgresPort})
	if err != nil {
		return nil, err
	}
	log.Info("private PostgreSQL ready", "url", dev.URL, "data", dev.Dir, "log", dev.Log(), "started", dev.Started())
	return dev, nil
}
