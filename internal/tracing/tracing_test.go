package tracing

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestConsoleExporterWritesSpans(t *testing.T) {
	var out bytes.Buffer
	tp, shutdown, err := New(context.Background(), Settings{Exporter: "console", ServiceName: "campaigns", Version: "test", Console: &out})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tp.Tracer("test").Start(context.Background(), "query Campaigns")
	span.End()
	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "query Campaigns") || !strings.Contains(out.String(), "campaigns") {
		t.Errorf("console exporter wrote %q", out.String())
	}
}

func TestNoneRecordsNothing(t *testing.T) {
	tp, _, err := New(context.Background(), Settings{Exporter: "none"})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tp.Tracer("test").Start(context.Background(), "x")
	if span.SpanContext().IsSampled() {
		t.Error("a span of exporter none is sampled")
	}
}

func TestOTLPNeedsNoCollectorToStart(t *testing.T) {
	// The exporter connects lazily: a server must start while its collector is down.
	tp, shutdown, err := New(context.Background(), Settings{Exporter: "otlp", Endpoint: "http://127.0.0.1:18084", ServiceName: "campaigns"})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tp.Tracer("test").Start(context.Background(), "x")
	if !span.SpanContext().IsSampled() {
		t.Error("a span of exporter otlp is not sampled")
	}
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	_ = shutdown(ctx) // the export fails: nothing listens there
}
