package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestComposeFile reads compose.yaml as Compose would: PostgreSQL 15 with a healthcheck,
// and the API started only once the database is healthy, pointed at it, in production.
func TestComposeFile(t *testing.T) {
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Services map[string]struct {
			Image       string
			Build       any
			Environment map[string]string
			DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
			Healthcheck struct{ Test []string }
			Ports       []string
		}
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	db, api := f.Services["db"], f.Services["api"]
	if !strings.HasPrefix(db.Image, "postgres:15") || len(db.Healthcheck.Test) == 0 {
		t.Errorf("db service: image %q, healthcheck %v; want postgres:15 with a healthcheck", db.Image, db.Healthcheck.Test)
	}
	if api.Build == nil || api.DependsOn["db"].Condition != "service_healthy" {
		t.Errorf("api service: build %v, depends on %+v; want built here, after db is healthy", api.Build, api.DependsOn)
	}
	if !strings.Contains(api.Environment["DATABASE_URL"], "@db:5432/") || api.Environment["APP_ENV"] != "production" {
		t.Errorf("api service environment %v: want DATABASE_URL at db:5432 and APP_ENV=production", api.Environment)
	}
	// Outside production the default address is loopback, which the published port cannot
	// reach: the container says where to listen.
	if !everyInterface(api.Environment["ADDR"]) {
		t.Errorf("api ADDR %q: want every interface, such as :8080", api.Environment["ADDR"])
	}
	if got := api.Healthcheck.Test; len(got) < 3 || got[1] != "/campaigns" || got[2] != "healthcheck" {
		t.Errorf("api healthcheck %v: want the binary's own healthcheck (distroless has no shell)", got)
	}
	// Metrics on a port of their own, for the compose network only, never published.
	_, metricsPort, err := net.SplitHostPort(api.Environment["METRICS_ADDR"])
	if err != nil || metricsPort == "8080" {
		t.Errorf("api METRICS_ADDR %q: want a port of its own", api.Environment["METRICS_ADDR"])
	}
	for _, p := range api.Ports {
		if strings.Contains(p, metricsPort) {
			t.Errorf("api publishes the metrics port: %q", p)
		}
	}
}

// TestDockerfile checks what the image promises: a static binary built with CGO off, and a
// small final image run by a user without privileges.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	d := string(b)
	final := d[strings.LastIndex(d, "\nFROM "):]
	for _, want := range []string{"CGO_ENABLED=0 go build -trimpath", "campaigns/internal/version.revision="} {
		if !strings.Contains(d, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if !strings.Contains(final, "distroless/static") || !strings.Contains(final, "USER nonroot") {
		t.Errorf("the final stage is not distroless/static run as nonroot:\n%s", final)
	}
	addr := regexp.MustCompile(`(?m)^ENV .*\bADDR=(\S+)`).FindStringSubmatch(final)
	if addr == nil || !everyInterface(addr[1]) {
		t.Errorf("the final stage does not set ADDR to every interface (%v): the default outside production is loopback", addr)
	}
}

// everyInterface reports whether addr listens on every interface, as a container must.
func everyInterface(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && (host == "" || host == "0.0.0.0" || host == "::")
}

func TestHealthcheckCommand(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   int
	}{{http.StatusOK, 0}, {http.StatusServiceUnavailable, 1}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/readyz" {
				http.NotFound(w, r)
				return
			}
			w.WriteHeader(tc.status)
		}))
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"healthcheck"}, env(map[string]string{"ADDR": srv.Listener.Addr().String()}), &stdout, &stderr)
		srv.Close()
		if code != tc.code {
			t.Errorf("/readyz %d: exit code %d, want %d (%s)", tc.status, code, tc.code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"healthcheck"}, env(map[string]string{"ADDR": silentAddr(t)}), &stdout, &stderr); code != 1 {
		t.Errorf("no server: exit code %d, want 1", code)
	}
}

func TestVersionFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--version"}, env(nil), &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "campaigns ") || !strings.Contains(stdout.String(), "go1.") {
		t.Errorf("--version: exit %d, printed %q", code, stdout.String())
	}
}

// silentAddr returns a loopback address where no server answers: its listener, held until
// the test ends so that nothing else can take the port, closes every connection unread.
func silentAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	return l.Addr().String()
}
