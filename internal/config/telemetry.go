package config

import (
	"fmt"
	"net"
	"strings"
)

// telemetrySettings configure metrics and traces. The OpenTelemetry ones keep the names
// that OpenTelemetry's own SDKs read, so a partner's usual deployment settings work here.
var telemetrySettings = []setting{
	{"METRICS_ADDR", "", "serve Prometheus /metrics on this address of its own, e.g. 127.0.0.1:9090; on ADDR beside /query when empty; off when \"off\"",
		func(c *Config, v string) error { return metricsAddr(v, &c.MetricsAddr) }},
	{"OTEL_TRACES_EXPORTER", "", "where traces go: otlp (OTLP over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT), console (standard error) or none; otlp when OTEL_EXPORTER_OTLP_ENDPOINT is set, else none",
		func(c *Config, v string) error {
			if v == "" {
				c.TraceExporter = ""
				return nil
			}
			return oneOf(v, &c.TraceExporter, "otlp", "console", "none")
		}},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "", "base URL of the OTLP/HTTP collector, e.g. http://collector:4318 (traces go to its /v1/traces)",
		func(c *Config, v string) error { c.OTLPEndpoint = v; return nil }},
	{"OTEL_SERVICE_NAME", "campaigns", "service.name of the traces",
		func(c *Config, v string) error { c.ServiceName = v; return nil }},
}

// checkTelemetry settles the trace exporter: otlp needs an endpoint, and an endpoint
// alone means otlp.
func checkTelemetry(c *Config) error {
	switch {
	case c.TraceExporter == "" && c.OTLPEndpoint != "":
		c.TraceExporter = "otlp"
	case c.TraceExporter == "":
		c.TraceExporter = "none"
	case c.TraceExporter == "otlp" && c.OTLPEndpoint == "":
		return fmt.Errorf("OTEL_TRACES_EXPORTER: otlp needs OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://collector:4318")
	}
	return nil
}

func metricsAddr(v string, dst *string) error {
	if v != "" && !strings.EqualFold(v, "off") {
		if _, _, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("want host:port such as 127.0.0.1:9090, or off, got %q", v)
		}
	}
	*dst = strings.ToLower(v)
	if *dst != "off" {
		*dst = v
	}
	return nil
}
