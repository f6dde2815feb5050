package main

import (
	"bufio"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/jackc/pgx/v5"

	"campaigns/internal/testenv"
)

// composeService is the part of a compose.yaml service the packaging tests read.
type composeService struct {
	Profiles    []string
	Image       string
	Build       any
	Entrypoint  []string
	Command     []string
	Environment map[string]string
	DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
	Healthcheck struct{ Test []string }
	Volumes     []string
	Ports       []string
	Networks    any
	StopGrace   string `yaml:"stop_grace_period"`
}

// readCompose parses compose.yaml, anchors and aliases resolved as Compose resolves them.
func readCompose(t *testing.T) map[string]composeService {
	t.Helper()
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Services map[string]composeService }
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return f.Services
}

// scaledServices are the services of compose.yaml's scaled profile (docs/scaling.md).
var scaledServices = []string{"db-primary", "db-replica", "pgbouncer", "redis", "migrate", "api-1", "api-2", "api-3", "lb"}

// TestComposeDefaultIsUnchangedByTheScaledProfile: `docker compose up` starts what it
// started before the scaled profile, and nothing of the profile.
func TestComposeDefaultIsUnchangedByTheScaledProfile(t *testing.T) {
	var always []string
	for name, s := range readCompose(t) {
		if len(s.Profiles) == 0 {
			always = append(always, name)
		}
	}
	slices.Sort(always)
	if !slices.Equal(always, []string{"api", "db"}) {
		t.Errorf("services without a profile: %v; want only api and db, as before the scaled profile", always)
	}
}

// TestComposeScaledProfile reads the scaled profile as Compose would: every service in the
// profile with a healthcheck, each started after what it needs is healthy, every file it
// mounts or builds present, and the instances pointed at PgBouncer, the primary directly
// for LISTEN, and Redis.
func TestComposeScaledProfile(t *testing.T) {
	services := readCompose(t)
	for _, name := range scaledServices {
		s, ok := services[name]
		if !ok {
			t.Errorf("compose.yaml has no service %s", name)
			continue
		}
		if !slices.Equal(s.Profiles, []string{"scaled"}) {
			t.Errorf("%s: profiles %v, want [scaled]", name, s.Profiles)
		}
		if name != "migrate" && len(s.Healthcheck.Test) < 2 {
			t.Errorf("%s: no healthcheck", name)
		}
	}

	// depends_on: only conditions Compose knows, on services that exist and can satisfy them.
	for name, s := range services {
		for dep, d := range s.DependsOn {
			target, ok := services[dep]
			switch {
			case !ok:
				t.Errorf("%s depends on %s, which compose.yaml does not define", name, dep)
			case d.Condition == "service_healthy" && len(target.Healthcheck.Test) == 0:
				t.Errorf("%s waits for %s to be healthy, which has no healthcheck", name, dep)
			case !slices.Contains([]string{"service_started", "service_healthy", "service_completed_successfully"}, d.Condition):
				t.Errorf("%s depends on %s with condition %q", name, dep, d.Condition)
			case len(target.Profiles) > 0 && !slices.Equal(target.Profiles, s.Profiles):
				t.Errorf("%s (profiles %v) depends on %s of profiles %v", name, s.Profiles, dep, target.Profiles)
			}
		}
	}
	wants := map[string]map[string]string{
		"db-replica": {"db-primary": "service_healthy"},
		"pgbouncer":  {"db-primary": "service_healthy"},
		"migrate":    {"db-primary": "service_healthy"},
		"lb":         {"api-1": "service_started", "api-2": "service_started", "api-3": "service_started"},
	}
	for _, api := range []string{"api-1", "api-2", "api-3"} {
		wants[api] = map[string]string{"migrate": "service_completed_successfully", "pgbouncer": "service_healthy",
			"redis": "service_healthy", "db-replica": "service_healthy"}
	}
	for name, deps := range wants {
		for dep, cond := range deps {
			if got := services[name].DependsOn[dep].Condition; got != cond {
				t.Errorf("%s depends on %s with %q, want %q", name, dep, got, cond)
			}
		}
	}

	// Every file the profile mounts or builds from is in the repository; scripts run as
	// entrypoints are executable.
	for _, name := range scaledServices {
		s := services[name]
		for _, v := range s.Volumes {
			host, inside, _ := strings.Cut(v, ":")
			if !strings.HasPrefix(host, "./") {
				continue // a named volume
			}
			fi, err := os.Stat(host)
			if err != nil {
				t.Errorf("%s mounts %s: %v", name, host, err)
				continue
			}
			if (strings.HasSuffix(host, ".sh") || slices.Contains(s.Entrypoint, strings.TrimSuffix(inside, ":ro"))) && fi.Mode()&0o111 == 0 {
				t.Errorf("%s runs %s, which is not executable (%v)", name, host, fi.Mode())
			}
		}
		if ctx, ok := s.Build.(string); ok {
			if _, err := os.Stat(filepath.Join(ctx, "Dockerfile")); err != nil {
				t.Errorf("%s builds %s: %v", name, ctx, err)
			}
		}
		if s.Build == nil && s.Image == "" {
			t.Errorf("%s has neither an image nor a build", name)
		}
	}
	for name, image := range map[string]string{"db-primary": "postgres:15", "db-replica": "postgres:15", "redis": "redis:", "lb": "haproxy:"} {
		if !strings.HasPrefix(services[name].Image, image) {
			t.Errorf("%s: image %q, want %s… (an official image)", name, services[name].Image, image)
		}
	}
	if got := services["db-replica"].Entrypoint; len(got) != 1 || !mounted(services["db-replica"], got[0], "./deploy/postgres/replica-entrypoint.sh") {
		t.Errorf("db-replica entrypoint %v: want the mounted deploy/postgres/replica-entrypoint.sh", got)
	}
	if p, r := services["db-primary"].Environment["REPLICATION_PASSWORD"], services["db-replica"].Environment["REPLICATION_PASSWORD"]; p == "" || p != r {
		t.Errorf("REPLICATION_PASSWORD: primary %q, replica %q; want the same", p, r)
	}
	if h := services["db-replica"].Environment["PRIMARY_HOST"]; h != "db-primary" {
		t.Errorf("db-replica copies from %q, want db-primary", h)
	}
	script, err := os.ReadFile("deploy/postgres/replica-entrypoint.sh")
	if err != nil || !strings.Contains(string(script), "pg_basebackup") || !strings.Contains(string(script), "--write-recovery-conf") ||
		!strings.Contains(string(script), "exec docker-entrypoint.sh") {
		t.Errorf("replica-entrypoint.sh: want pg_basebackup --write-recovery-conf, then the image's entrypoint (%v)", err)
	}

	// The instances: identical, reached through the balancer only, on PgBouncer for their
	// statements and the primary for LISTEN, sharing Redis, believing the balancer's
	// X-Forwarded-For.
	bouncer := pgbouncerSettings(t)
	lbAddr := lbAddress(t, services["lb"])
	first := services["api-1"].Environment
	for _, api := range []string{"api-1", "api-2", "api-3"} {
		s := services[api]
		e := s.Environment
		if !mapsEqual(e, first) {
			t.Errorf("%s's environment differs from api-1's: %v", api, e)
		}
		if e["APP_ENV"] != "production" || !everyInterface(e["ADDR"]) {
			t.Errorf("%s: APP_ENV %q ADDR %q; want production on every interface", api, e["APP_ENV"], e["ADDR"])
		}
		if len(s.Ports) > 0 {
			t.Errorf("%s publishes %v: the instances are reached through the balancer", api, s.Ports)
		}
		if got := s.Healthcheck.Test; len(got) < 3 || got[1] != "/campaigns" || got[2] != "healthcheck" {
			t.Errorf("%s healthcheck %v: want the binary's own", api, got)
		}
		// Compose sends SIGKILL after stop_grace_period (10s unless set): the instance must
		// have its SHUTDOWN_DELAY and SHUTDOWN_TIMEOUT (15s unless set) before that.
		delay, _ := time.ParseDuration(e["SHUTDOWN_DELAY"])
		drain := 15 * time.Second
		if v, ok := e["SHUTDOWN_TIMEOUT"]; ok {
			drain, _ = time.ParseDuration(v)
		}
		if grace, err := time.ParseDuration(s.StopGrace); err != nil || grace <= delay+drain || delay <= 4*time.Second {
			t.Errorf("%s: stop_grace_period %q, SHUTDOWN_DELAY %v, SHUTDOWN_TIMEOUT %v; want a delay longer than the balancer's 4 s to notice, and a grace longer than both", api, s.StopGrace, delay, drain)
		}
		db, err := pgx.ParseConfig(e["DATABASE_URL"])
		if err != nil {
			t.Errorf("%s DATABASE_URL: %v", api, err)
		} else if db.Host != "pgbouncer" || db.Port != bouncer.port || db.DefaultQueryExecMode != pgx.QueryExecModeExec {
			t.Errorf("%s DATABASE_URL at %s:%d in mode %v; want PgBouncer at pgbouncer:%d with default_query_exec_mode=exec",
				api, db.Host, db.Port, db.DefaultQueryExecMode, bouncer.port)
		}
		listen, err := pgx.ParseConfig(e["DATABASE_LISTEN_URL"])
		if err != nil || listen.Host != "db-primary" || listen.Port != 5432 || listen.Database != db.Database {
			t.Errorf("%s DATABASE_LISTEN_URL %q: want a direct connection to db-primary:5432, same database (%v)", api, e["DATABASE_LISTEN_URL"], err)
		}
		replica, err := pgx.ParseConfig(e["DATABASE_REPLICA_URLS"])
		if err != nil || replica.Host != "db-replica" || replica.Port != 5432 || replica.Database != db.Database {
			t.Errorf("%s DATABASE_REPLICA_URLS %q: want a direct connection to db-replica:5432, same database (%v)", api, e["DATABASE_REPLICA_URLS"], err)
		}
		if u, err := url.Parse(e["REDIS_URL"]); err != nil || u.Scheme != "redis" || u.Hostname() != "redis" {
			t.Errorf("%s REDIS_URL %q: want redis://redis:6379/…", api, e["REDIS_URL"])
		}
		if e["TRUSTED_PROXIES"] != lbAddr {
			t.Errorf("%s TRUSTED_PROXIES %q, want the balancer's address %q", api, e["TRUSTED_PROXIES"], lbAddr)
		}
	}
	if bouncer.poolMode != "transaction" || bouncer.dbHost != "db-primary" {
		t.Errorf("pgbouncer.ini: pool_mode %q, database host %q; want transaction pooling in front of db-primary", bouncer.poolMode, bouncer.dbHost)
	}
	if !mounted(services["pgbouncer"], "/etc/pgbouncer/pgbouncer.ini", "./deploy/pgbouncer/pgbouncer.ini") {
		t.Error("pgbouncer does not mount deploy/pgbouncer/pgbouncer.ini")
	}
	m := services["migrate"]
	if mdb, err := pgx.ParseConfig(m.Environment["DATABASE_URL"]); err != nil || mdb.Host != "db-primary" || !slices.Equal(m.Command, []string{"seed"}) {
		t.Errorf("migrate: command %v, DATABASE_URL %q; want seed (which migrates) on the primary directly", m.Command, m.Environment["DATABASE_URL"])
	}
	if !mounted(services["lb"], "/usr/local/etc/haproxy/haproxy.cfg", "./deploy/haproxy.cfg") {
		t.Error("lb does not mount deploy/haproxy.cfg where the haproxy image reads it")
	}
	if len(services["lb"].Ports) != 1 || strings.HasPrefix(services["lb"].Ports[0], "8080:") {
		t.Errorf("lb ports %v: want one published port, not 8080 (the default api's)", services["lb"].Ports)
	}
}

// mounted reports whether s mounts the repository's file host at inside.
func mounted(s composeService, inside, host string) bool {
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) >= 2 && parts[0] == host && parts[1] == inside {
			return true
		}
	}
	return false
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// lbAddress returns the balancer's fixed address on the scaled network (the other services
// list their networks as a sequence, the balancer as a mapping with its address).
func lbAddress(t *testing.T, lb composeService) string {
	t.Helper()
	b, err := yaml.Marshal(lb.Networks)
	if err != nil {
		t.Fatal(err)
	}
	var nets map[string]struct {
		IPv4 string `yaml:"ipv4_address"`
	}
	if err := yaml.Unmarshal(b, &nets); err != nil || nets["scaled"].IPv4 == "" {
		t.Errorf("lb has no fixed ipv4_address on the scaled network, which TRUSTED_PROXIES could name (%v)", err)
		return "(none)"
	}
	return nets["scaled"].IPv4
}

type bouncerSettings struct {
	port     uint16
	poolMode string
	dbHost   string
}

// pgbouncerSettings reads what the tests need of deploy/pgbouncer/pgbouncer.ini.
func pgbouncerSettings(t *testing.T) bouncerSettings {
	t.Helper()
	f, err := os.Open("deploy/pgbouncer/pgbouncer.ini")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var s bouncerSettings
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, ";") || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") {
			section = line
			continue
		}
		k, v, _ := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case section == "[databases]" && k == "campaigns":
			if m := regexp.MustCompile(`\bhost=(\S+)`).FindStringSubmatch(v); m != nil {
				s.dbHost = m[1]
			}
		case section == "[pgbouncer]" && k == "pool_mode":
			s.poolMode = v
		case section == "[pgbouncer]" && k == "listen_port":
			p, err := strconv.ParseUint(v, 10, 16)
			if err != nil {
				t.Errorf("pgbouncer.ini listen_port %q: %v", v, err)
			}
			s.port = uint16(p)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHAProxyConfig checks that the balancer sends requests to the three instances only
// while their /readyz answers 200, and, with haproxy installed (under CI=true it must be),
// that haproxy itself accepts the file.
func TestHAProxyConfig(t *testing.T) {
	b, err := os.ReadFile("deploy/haproxy.cfg")
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(b)
	servers := regexp.MustCompile(`(?m)^\s*server\s+(\S+)\s+(\S+)`).FindAllStringSubmatch(cfg, -1)
	var got []string
	for _, s := range servers {
		got = append(got, s[2])
	}
	if want := []string{"api-1:8080", "api-2:8080", "api-3:8080"}; !slices.Equal(got, want) {
		t.Errorf("haproxy.cfg servers %v, want %v", got, want)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^\s*option httpchk GET /readyz\s*$`),
		regexp.MustCompile(`(?m)^\s*http-check expect status 200\s*$`),
		regexp.MustCompile(`(?m)^\s*default-server\s.*\bcheck\b`),
		regexp.MustCompile(`(?m)^\s*option forwardfor\b`),
		regexp.MustCompile(`(?m)^\s*bind :8080\s*$`),
		regexp.MustCompile(`(?m)^\s*timeout tunnel\s`),
	} {
		if !want.MatchString(cfg) {
			t.Errorf("haproxy.cfg lacks a line matching %s", want)
		}
	}
	// Debian installs it in /usr/sbin, which a user's PATH may lack.
	haproxy := "/usr/sbin/haproxy"
	if _, err := os.Stat(haproxy); err != nil {
		haproxy = testenv.Tool(t, "haproxy", "apt-get install haproxy")
	}
	out, err := exec.Command(haproxy, "-c", "-f", "deploy/haproxy.cfg").CombinedOutput()
	if err != nil {
		t.Errorf("haproxy -c -f deploy/haproxy.cfg: %v\n%s", err, out)
	}
}
