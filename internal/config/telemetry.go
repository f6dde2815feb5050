package config

import (
	"fmt"
	"net"
	"strings"
)

// DefaultMetricsAddr is where /metrics is served unless METRICS_ADDR says otherwise: on the
// loopback interface, so that a server reached by strangers shows them nothing of its
// insides, and on the port of OpenTelemetry's Prometheus exporter rather than 9090, which a
// Prometheus server on the same machine would hold.
const DefaultMetricsAddr = "127.0.0.1:9464"

// telemetrySettings configure metrics and traces. The OpenTelemetry ones keep the names
// that OpenTelemetry's own SDKs read, so a partner's usual deployment settings work here.
var telemetrySettings = []setting{
	{"METRICS_ADDR", DefaultMetricsAddr, "address of its own where Prometheus /metrics is served, never on ADDR: loopback by default; :9464 for a scraper on another machine (keep that port off the network the API's clients reach); off for none",
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

// metricsAddr accepts host:port, or off (any case), which it stores as "off".
func metricsAddr(v string, dst *string) error {
	if strings.EqualFold(v, "off") {
		*dst = "off"
		return nil
	}
	if _, _, err := net.SplitHostPort(v); err != nil {
		return fmt.Errorf("want host:port such as %s, or off, got %q", DefaultMetricsAddr, v)
	}
	*dst = v
	return nil
}
