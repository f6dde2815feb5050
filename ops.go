package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"campaigns/internal/metrics"
)

// serveMetrics serves /metrics on addr (METRICS_ADDR), an address of their own that is
// never the API's, until ctx ends, so that a scraper reaches them on a network the API's
// clients cannot. An address it cannot listen on costs the metrics, not the API: the
// error is logged and the server goes on serving.
func serveMetrics(ctx context.Context, addr string, log *slog.Logger) {
	ln, err := listen(ctx, addr)
	if err != nil {
		log.Error("metrics are not served: set METRICS_ADDR to a free address, or off", "addr", addr, "err", err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	log.Info("serving metrics", "metrics", "http://"+displayAddr(ln.Addr().String())+"/metrics")
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Warn("metrics server", "err", err)
	}
}
