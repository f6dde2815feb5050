// Package config reads the server's settings from the environment. It is the only place
// that reads environment variables; everything else is handed its settings.
package config

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"campaigns/internal/limits"
)

// Config holds every setting.
type Config struct {
	// Env is "development" or "production"; production changes some defaults (see
	// productionDefaults).
	Env         string
	DatabaseURL string
	// DatabaseURLSet says whether DATABASE_URL was given: only when it was not may the
	// server start a private PostgreSQL (DevPostgres).
	DatabaseURLSet bool
	Addr           string
	// InheritListener says to serve on the listening socket inherited as file descriptor 3
	// (LISTEN_FDS=1, systemd's socket activation) instead of listening on Addr.
	InheritListener bool
	DBMaxConns      int
	LogFormat       string
	LogLevel        string
	Playground      bool
	Introspection   bool
	ShutdownTimeout time.Duration
	StatsExtension  bool
	PprofAddr       string

	// Telemetry: see the README's "Telemetry".
	MetricsAddr   string
	TraceExporter string
	OTLPEndpoint  string
	ServiceName   string

	// DevPostgres is "auto" (start a private PostgreSQL when none answers) or "off";
	// DevPostgresPort is the port it listens on.
	DevPostgres     string
	DevPostgresPort int

	// Surviving faults: see the README's "Failure behaviour".
	StatementTimeout time.Duration
	ShutdownDelay    time.Duration

	// Limits and Protocol: see limits.go and the README's configuration table.
	Limits   limits.Config
	Protocol Protocol

	// Realtime: subscriptions; see realtime.go.
	Realtime Realtime

	// Pooler: PgBouncer in front of PostgreSQL, and the direct connection; see pooler.go.
	Pooler Pooler

	// Replicas: streaming read replicas; see replicas.go.
	Replicas Replicas

	// RedisURL is the Redis that instances share state in; empty for none (see shared.go).
	RedisURL string

	// Shedding: admission and the answer cache; see shedding.go.
	Shedding Shedding

	// GCPercent (-1: off) and MemoryLimit tune the garbage collector; see memory.go.
	GCPercent   int
	MemoryLimit int64
}

// setting documents one environment variable; the table drives both Load and --help.
type setting struct {
	name, def, help string
	set             func(*Config, string) error
}

var settings = slices.Concat([]setting{
	{"APP_ENV", "development", "development or production; production turns off the playground and introspection unless PLAYGROUND or INTROSPECTION says otherwise, logs JSON, and never starts a private PostgreSQL",
		func(c *Config, v string) error { return oneOf(v, &c.Env, "development", "production") }},
	{"DATABASE_URL", "postgres://postgres@127.0.0.1:5432/campaigns?sslmode=disable",
		"PostgreSQL URL; the database is created if the server does not have it",
		func(c *Config, v string) error { c.DatabaseURL = v; return nil }},
	{"ADDR", "127.0.0.1:8080", "address the HTTP server listens on: loopback in development, so that only this machine reaches it (:8080 for every interface, e.g. to try a mobile app on a phone); every interface in production, where a container or load balancer reaches it",
		func(c *Config, v string) error { c.Addr = v; return nil }},
	{"LISTEN_FDS", "", "1 to serve on the listening socket inherited as file descriptor 3 instead of listening on ADDR, as systemd's socket activation passes it (ignored when LISTEN_PID names another process); a test that holds its port until the server takes it passes one too",
		func(c *Config, v string) error {
			if v != "" && v != "1" {
				return fmt.Errorf("%q: the server serves on one socket; want 1 or nothing", v)
			}
			c.InheritListener = v == "1"
			return nil
		}},
	{"DB_MAX_CONNS", "20", "most connections the server opens to PostgreSQL",
		func(c *Config, v string) error { return positive(v, &c.DBMaxConns) }},
	{"LOG_FORMAT", "text", "log format: text or json",
		func(c *Config, v string) error { return oneOf(v, &c.LogFormat, "text", "json") }},
	{"LOG_LEVEL", "info", "least level logged: debug, info, warn or error",
		func(c *Config, v string) error { return oneOf(v, &c.LogLevel, "debug", "info", "warn", "error") }},
	{"PLAYGROUND", "true", "serve the GraphiQL playground at /",
		func(c *Config, v string) error { return boolean(v, &c.Playground) }},
	{"INTROSPECTION", "true", "allow schema introspection (the playground needs it)",
		func(c *Config, v string) error { return boolean(v, &c.Introspection) }},
	{"SHUTDOWN_TIMEOUT", "15s", "how long in-flight requests may take to finish on shutdown",
		func(c *Config, v string) error { return duration(v, &c.ShutdownTimeout) }},
	{"SHUTDOWN_DELAY", "0s", "how long the server keeps serving after SIGTERM, with /readyz answering 503, before it stops accepting connections: set it to the time the load balancer takes to notice",
		func(c *Config, v string) error { return duration(v, &c.ShutdownDelay) }},
	{"STATEMENT_TIMEOUT", "5s", "longest PostgreSQL runs one SQL statement of a request before cancelling it (QUERY_TIMEOUT); 0 for no limit",
		func(c *Config, v string) error { return duration(v, &c.StatementTimeout) }},
	{"STATS_EXTENSION", "false", "add extensions.sqlStatements, the SQL statements a request ran, to every answer (for the load harness)",
		func(c *Config, v string) error { return boolean(v, &c.StatsExtension) }},
	{"PPROF_ADDR", "", "serve net/http/pprof on this loopback address, e.g. 127.0.0.1:6060; off when empty",
		func(c *Config, v string) error { return loopback(v, &c.PprofAddr) }},
}, limitSettings, telemetrySettings, devSettings, realtimeSettings, sheddingSettings, memorySettings, sharedSettings, poolerSettings, replicaSettings)

// productionDefaults replace the defaults of some settings when APP_ENV=production: a
// partner's production server shows no playground and no schema to strangers unless it
// is asked to, lets no page of another origin call it unless CORS_ORIGINS names it, listens
// where its load balancer reaches it, and logs in JSON for a log collector.
var productionDefaults = map[string]string{
	"ADDR":           ":8080",
	"PLAYGROUND":     "false",
	"INTROSPECTION":  "false",
	"LOG_FORMAT":     "json",
	"DEV_POSTGRES":   "off",
	"CORS_LOCALHOST": "false",
}

// Load reads the settings through getenv (os.Getenv in the server), using each default
// where a variable is unset or empty.
func Load(getenv func(string) string) (Config, error) {
	var c Config
	production := strings.EqualFold(strings.TrimSpace(getenv("APP_ENV")), "production")
	for _, s := range settings {
		v := strings.TrimSpace(getenv(s.name))
		if v == "" {
			v = s.def
			if d, ok := productionDefaults[s.name]; ok && production {
				v = d
			}
		}
		if err := s.set(&c, v); err != nil {
			return Config{}, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	c.DatabaseURLSet = strings.TrimSpace(getenv("DATABASE_URL")) != ""
	if pid := strings.TrimSpace(getenv("LISTEN_PID")); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		c.InheritListener = false // the socket was meant for another process
	}
	if err := checkLimits(c); err != nil {
		return Config{}, err
	}
	if err := checkTelemetry(&c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Help returns the settings as a table for --help.
func Help() string {
	var b strings.Builder
	for _, s := range settings {
		fmt.Fprintf(&b, "  %-28s %s\n  %-28s default: %s\n", s.name, s.help, "", shownDefault(s))
	}
	return b.String()
}

// Markdown returns the settings as the README's configuration table, from the same table
// as Help, so that the documentation and --help never disagree (a test compares the README
// with it).
func Markdown() string {
	var b strings.Builder
	b.WriteString("| variable | default | meaning |\n| --- | --- | --- |\n")
	for _, s := range settings {
		def := "(none)"
		if s.def != "" {
			def = "`" + s.def + "`"
		}
		if p, ok := productionDefaults[s.name]; ok {
			def += "; `" + p + "` in production"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", s.name, def, strings.ReplaceAll(s.help, "|", "\\|"))
	}
	return b.String()
}

func shownDefault(s setting) string {
	def := s.def
	if def == "" {
		def = "(none)"
	}
	if p, ok := productionDefaults[s.name]; ok {
		def += "; " + p + " when APP_ENV=production"
	}
	return def
}

func positive(v string, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return fmt.Errorf("want a positive whole number, got %q", v)
	}
	*dst = n
	return nil
}

func oneOf(v string, dst *string, allowed ...string) error {
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			*dst = a
			return nil
		}
	}
	return fmt.Errorf("want one of %s, got %q", strings.Join(allowed, ", "), v)
}

func boolean(v string, dst *bool) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("want true or false, got %q", v)
	}
	*dst = b
	return nil
}

// loopback accepts an empty address or a host:port on the loopback interface: profiles show
// the server's internals and must never be served to the network.
func loopback(v string, dst *string) error {
	if v == "" {
		*dst = ""
		return nil
	}
	host, _, err := net.SplitHostPort(v)
	if err != nil {
		return fmt.Errorf("want host:port on the loopback interface, e.g. 127.0.0.1:6060, got %q", v)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("want a loopback address such as 127.0.0.1:6060, got %q", v)
	}
	*dst = v
	return nil
}

func duration(v string, dst *time.Duration) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("want a duration such as 15s, got %q", v)
	}
	*dst = d
	return nil
}
