package tracing

import (
	"bytes"
	"context"
	"net"
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
	// The exporter connects lazily: a server must start while its collector is down. The
	// collector's port is held by a listener that closes every connection unread, so that
	// no other test's server can be there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	tp, shutdown, err := New(context.Background(), Settings{Exporter: "otlp", Endpoint: "http://" + l.Addr().String(), ServiceName: "campaigns"})
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
	_ = shutdown(ctx) // the export fails: nothing answers there
}
