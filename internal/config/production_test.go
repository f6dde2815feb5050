package config

import (
	"os"
	"strings"
	"testing"
)

func TestProductionDefaults(t *testing.T) {
	tests := []struct {
		name                      string
		env                       map[string]string
		playground, introspection bool
		logFormat, devPostgres    string
		addr                      string
		corsLocalhost             bool
	}{
		{name: "development", playground: true, introspection: true, logFormat: "text", devPostgres: "auto", addr: "127.0.0.1:8080", corsLocalhost: true},
		{name: "production", env: map[string]string{"APP_ENV": "production"}, logFormat: "json", devPostgres: "off", addr: ":8080"},
		{name: "production, case aside", env: map[string]string{"APP_ENV": "Production"}, logFormat: "json", devPostgres: "off", addr: ":8080"},
		{name: "production asks for the playground", env: map[string]string{"APP_ENV": "production", "PLAYGROUND": "true", "INTROSPECTION": "true", "LOG_FORMAT": "text"},
			playground: true, introspection: true, logFormat: "text", devPostgres: "off", addr: ":8080"},
		{name: "production asks for localhost pages and an address", env: map[string]string{"APP_ENV": "production", "CORS_LOCALHOST": "true", "ADDR": "10.0.0.5:9000"},
			logFormat: "json", devPostgres: "off", addr: "10.0.0.5:9000", corsLocalhost: true},
		{name: "development turns them off", env: map[string]string{"PLAYGROUND": "false", "INTROSPECTION": "false", "CORS_LOCALHOST": "false"}, logFormat: "text", devPostgres: "auto", addr: "127.0.0.1:8080"},
		{name: "development on every interface", env: map[string]string{"ADDR": ":8080"}, playground: true, introspection: true, logFormat: "text", devPostgres: "auto", addr: ":8080", corsLocalhost: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if c.Playground != tt.playground || c.Introspection != tt.introspection || c.LogFormat != tt.logFormat || c.DevPostgres != tt.devPostgres {
				t.Errorf("got playground %t, introspection %t, log %s, dev postgres %s; want %t, %t, %s, %s",
					c.Playground, c.Introspection, c.LogFormat, c.DevPostgres, tt.playground, tt.introspection, tt.logFormat, tt.devPostgres)
			}
			if c.Addr != tt.addr || c.Protocol.CORSLocalhost != tt.corsLocalhost {
				t.Errorf("got ADDR %q, CORS_LOCALHOST %t; want %q, %t", c.Addr, c.Protocol.CORSLocalhost, tt.addr, tt.corsLocalhost)
			}
		})
	}
	if _, err := Load(env(map[string]string{"APP_ENV": "staging"})); err == nil {
		t.Error("Load accepted APP_ENV=staging")
	}
}

func TestTelemetrySettings(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		exporter string
		metrics  string
		bad      bool
	}{
		{name: "traces off by default, metrics on loopback", exporter: "none", metrics: "127.0.0.1:9464"},
		{name: "an endpoint means otlp", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, exporter: "otlp"},
		{name: "console", env: map[string]string{"OTEL_TRACES_EXPORTER": "console"}, exporter: "console"},
		{name: "none beats an endpoint", env: map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, exporter: "none"},
		{name: "otlp without an endpoint", env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, bad: true},
		{name: "unknown exporter", env: map[string]string{"OTEL_TRACES_EXPORTER": "jaeger"}, bad: true},
		{name: "metrics on their own address", env: map[string]string{"METRICS_ADDR": ":9464"}, exporter: "none", metrics: ":9464"},
		{name: "metrics off", env: map[string]string{"METRICS_ADDR": "OFF"}, exporter: "none", metrics: "off"},
		{name: "metrics address without a port", env: map[string]string{"METRICS_ADDR": "localhost"}, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := loaded(t, tt.env, tt.bad)
			if !ok {
				return
			}
			if tt.metrics == "" {
				tt.metrics = DefaultMetricsAddr
			}
			if c.TraceExporter != tt.exporter || c.MetricsAddr != tt.metrics {
				t.Errorf("got exporter %q, metrics %q; want %q, %q", c.TraceExporter, c.MetricsAddr, tt.exporter, tt.metrics)
			}
		})
	}
}

func TestDatabaseURLSet(t *testing.T) {
	c, _ := Load(env(nil))
	if c.DatabaseURLSet || c.DatabaseURL == "" {
		t.Errorf("unset DATABASE_URL: got set %t, url %q", c.DatabaseURLSet, c.DatabaseURL)
	}
	c, _ = Load(env(map[string]string{"DATABASE_URL": "postgres://db/x"}))
	if !c.DatabaseURLSet || c.DatabaseURL != "postgres://db/x" {
		t.Errorf("set DATABASE_URL: got set %t, url %q", c.DatabaseURLSet, c.DatabaseURL)
	}
}

// TestREADMETable holds the README's configuration table to the settings table that Load
// and --help use: run with UPDATE_README=1 to rewrite it.
func TestREADMETable(t *testing.T) {
	const path = "../../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	const start, end = "<!-- settings:start (generated from internal/config; UPDATE_README=1 go test ./internal/config) -->\n", "<!-- settings:end -->"
	i, j := strings.Index(readme, start), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q … %q block", start, end)
	}
	got, want := readme[i+len(start):j], Markdown()
	if got == want {
		return
	}
	if os.Getenv("UPDATE_README") != "" {
		if err := os.WriteFile(path, []byte(readme[:i+len(start)]+want+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's configuration table differs from internal/config's settings; run UPDATE_README=1 go test ./internal/config\nwant:\n%s", want)
}

func TestHelpListsEverySetting(t *testing.T) {
	help := Help()
	for _, s := range settings {
		if !strings.Contains(help, s.name) {
			t.Errorf("--help does not list %s", s.name)
		}
	}
}
