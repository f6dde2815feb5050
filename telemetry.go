package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/trace"

	"campaigns/internal/config"
	"campaigns/internal/metrics"
	"campaigns/internal/tracing"
	"campaigns/internal/version"
)

// newTracerProvider builds the tracer provider that OTEL_TRACES_EXPORTER asks for.
func newTracerProvider(ctx context.Context, cfg config.Config, stderr io.Writer) (trace.TracerProvider, func(context.Context) error, error) {
	return tracing.New(ctx, tracing.Settings{Exporter: cfg.TraceExporter, Endpoint: cfg.OTLPEndpoint,
		ServiceName: cfg.ServiceName, Version: version.Read().Module, Console: stderr})
}

// serveMetrics serves /metrics on addr, an address of their own (METRICS_ADDR), until ctx
// ends, so that a scraper can reach them on a network the API's clients cannot.
func serveMetrics(ctx context.Context, addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	log.Info("serving metrics", "metrics", "http://"+displayAddr(addr)+"/metrics")
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Warn("metrics server", "err", err)
	}
}
