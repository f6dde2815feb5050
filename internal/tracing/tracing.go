// Package tracing builds the OpenTelemetry tracer provider that the server's spans go to:
// one span per GraphQL operation and root field (internal/api) and per SQL statement
// (internal/store), exported as OTEL_TRACES_EXPORTER says.
package tracing

import (
	"context"
	"fmt"
	"io"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Settings choose the exporter; they come from internal/config.
type Settings struct {
	// Exporter is "otlp", "console" or "none".
	Exporter string
	// Endpoint is the OTLP/HTTP collector's base URL, e.g. http://collector:4318.
	Endpoint string
	// ServiceName and Version describe this service in every trace.
	ServiceName, Version string
	// Console receives the console exporter's spans.
	Console io.Writer
}

// New returns the tracer provider and a function that flushes and stops it, which the
// server calls as it shuts down. With Exporter "none" the provider records nothing and
// costs next to nothing.
func New(ctx context.Context, s Settings) (trace.TracerProvider, func(context.Context) error, error) {
	var exp sdktrace.SpanExporter
	var err error
	switch s.Exporter {
	case "", "none":
		return noop.NewTracerProvider(), func(context.Context) error { return nil }, nil
	case "console":
		exp, err = stdouttrace.New(stdouttrace.WithWriter(s.Console))
	case "otlp":
		exp, err = otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(strings.TrimRight(s.Endpoint, "/")+"/v1/traces"))
	default:
		return nil, nil, fmt.Errorf("traces: unknown exporter %q", s.Exporter)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("traces: %s exporter: %w", s.Exporter, err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", s.ServiceName), attribute.String("service.version", s.Version))
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return tp, tp.Shutdown, nil
}
