// Command loadtest runs a fixed mix of the queries a partner frontend sends against a running
// API server, at a fixed concurrency for a bounded time, and reports throughput, latency
// percentiles, errors, SQL statements per request and the server's peak memory. With -floor
// it runs the same SQL statements straight through pgx, with JSON written by hand and no
// GraphQL or HTTP, so that the API's figures read as a ratio to what the database alone does.
// It only talks to loopback addresses: it is a measuring tool, not a way to load anyone's
// server.
//
//	go build -o /tmp/campaigns . && DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaigns_bench?sslmode=disable \
//	  ADDR=127.0.0.1:8090 STATS_EXTENSION=true /tmp/campaigns &
//	go run ./cmd/loadtest -url http://127.0.0.1:8090/query -c 32 -duration 30s -both
//
// -url takes several endpoints, comma-separated, for several instances of the server on
// one database: the clients are dealt to them in turn, and a table per instance follows the
// whole run's (docs/scaling.md). A balancer in front of them is one endpoint. -replicas
// names read replicas of -db, whose share of the load and lag it reports for each phase.
//
// See BENCHMARKS.md for the data set (go run . generate --seed 1) and the figures.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Bounds that no flag can lift: every run ends by itself.
const (
	maxDuration    = 10 * time.Minute
	maxConcurrency = 1024
	maxRequests    = 10_000_000
)

// kinds are the query kinds of the mix, in the order they run.
var kinds = []string{"campaigns", "event", "networks", "country", "nodes", "page1", "deep"}

type config struct {
	// urls are the instances' GraphQL endpoints; pids their processes, in the same order
	// (0 where not known).
	urls               []string
	pids               []int
	db                 string
	replicas           []string
	concurrency        int
	duration, warmup   time.Duration
	requests           int64
	kinds              []string
	floor, both, check bool
	gzip               bool
	seed               uint64
	floorConns         int
	// repeat sends the same parameters in every request of a kind.
	repeat bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "loadtest:", err)
		}
		return 2
	}
	p, err := prepare(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "loadtest: prepare:", err)
		return 1
	}
	defer p.close()
	replicas, err := openReplicas(ctx, cfg.replicas)
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 1
	}
	defer func() {
		for _, r := range replicas {
			r.pool.Close()
		}
	}()
	if cfg.check {
		if err := checkFloor(ctx, cfg, p, stdout); err != nil {
			fmt.Fprintln(stderr, "loadtest: check:", err)
			return 1
		}
		return 0
	}
	for i, u := range cfg.urls {
		if cfg.floor || cfg.pids[i] != 0 {
			continue
		}
		if cfg.pids[i], err = listenerOf(u); err != nil {
			fmt.Fprintf(stderr, "loadtest: cannot find the process of %s (%v); its CPU and RSS are not reported\n", u, err)
		}
	}
	fmt.Fprintf(stdout, "loadtest: %d clients, %s per query kind after %s warm-up, gzip %t, server pids %v, GOMAXPROCS %d\n\n",
		cfg.concurrency, cfg.duration, cfg.warmup, cfg.gzip, cfg.pids, runtime.GOMAXPROCS(0))
	var sums []summary
	var results []result
	floorRate := map[string]float64{}
	for _, kind := range cfg.kinds {
		modes := []bool{cfg.floor}
		if cfg.both {
			modes = []bool{false, true}
		}
		for _, floor := range modes {
			do := p.apiDoer(kind)
			if floor {
				do = p.floorDoer(kind)
			}
			pids := cfg.pids
			if floor {
				pids = nil // one target: the floor's Go process is the harness itself
			}
			if cfg.warmup > 0 {
				runPhase(ctx, kind, floor, cfg.concurrency, cfg.warmup, 0, make([]int, len(pids)), do, cfg.seed+1000, nil)
			}
			before := sampleReplicas(ctx, replicas)
			res := runPhase(ctx, kind, floor, cfg.concurrency, cfg.duration, cfg.requests, pids, do, cfg.seed, &cpuMeter{p.pool})
			if !floor {
				res.Replicas = replicaResults(ctx, replicas, before, p.pool)
			}
			results = append(results, res)
			s := summarize(res)
			if floor {
				floorRate[kind] = s.PerSecond
			}
			sums = append(sums, s)
			fmt.Fprintf(stderr, "loadtest: %-9s %-5s %7.0f req/s  p50 %6s ms  p99 %7s ms  errors %d\n",
				kind, map[bool]string{false: "API", true: "floor"}[floor], s.PerSecond, ms(s.P50), ms(s.P99), s.Errors)
			if ctx.Err() != nil {
				break
			}
		}
	}
	writeTable(stdout, sums, floorRate)
	fmt.Fprintln(stdout)
	if len(cfg.urls) > 1 {
		writeInstances(stdout, results, cfg.urls)
		fmt.Fprintln(stdout)
	}
	if len(replicas) > 0 {
		writeReplicas(stdout, results)
		fmt.Fprintln(stdout)
	}
	fmt.Fprintln(stdout, "| query | depth | statements bound (depth + 1) |")
	fmt.Fprintln(stdout, "| --- | ---: | ---: |")
	for _, kind := range cfg.kinds {
		if d, err := depthOf(documents[kind]); err == nil && kind != "mix" {
			fmt.Fprintf(stdout, "| %s | %d | %d |\n", kind, d, d+1)
		}
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	urls := fs.String("url", "http://127.0.0.1:8080/query", "the API's GraphQL endpoint, or several instances' comma-separated (each client sends to one, dealt in turn); loopback only")
	fs.StringVar(&cfg.db, "db", "postgres://postgres@127.0.0.1:5432/campaigns_bench?sslmode=disable",
		"the server's database, read to pick query parameters and by the floor; loopback only")
	replicaList := fs.String("replicas", "", "read replicas of -db, comma-separated PostgreSQL URLs, whose transactions, rows read, CPU and replay lag are reported for each API phase; loopback only")
	fs.IntVar(&cfg.concurrency, "c", 32, "concurrent clients")
	fs.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long each query kind runs (at most 10m)")
	fs.DurationVar(&cfg.warmup, "warmup", 3*time.Second, "an unmeasured run before each measured one")
	fs.Int64Var(&cfg.requests, "requests", 0, "stop a kind after this many requests too (0: only the duration bounds it)")
	kindList := fs.String("kinds", strings.Join(kinds, ","), "query kinds to run, comma-separated: "+strings.Join(kinds, ", ")+", mix")
	fs.BoolVar(&cfg.floor, "floor", false, "run the floor (the same SQL over pgx, no GraphQL) instead of the API")
	fs.BoolVar(&cfg.both, "both", false, "run the API and then the floor for each kind, and report the ratio")
	fs.BoolVar(&cfg.check, "check", false, "send one request of each kind to the API and to the floor and compare their data")
	fs.BoolVar(&cfg.gzip, "gzip", true, "accept gzip-compressed answers, as browsers and mobile apps do")
	pid := fs.Int("pid", 0, "the server's process id, for its RSS, with one -url (default: the process listening on each -url's port)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "seed of the random choice of parameters")
	fs.BoolVar(&cfg.repeat, "repeat", false, "send the same parameters in every request of a kind (one draw of -seed per kind), as many anonymous readers of one page send: what the API's answer cache serves")
	fs.IntVar(&cfg.floorConns, "floor-conns", 20, "the floor's connections (the server's DB_MAX_CONNS)")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.concurrency < 1 || cfg.concurrency > maxConcurrency {
		return cfg, fmt.Errorf("-c must be between 1 and %d", maxConcurrency)
	}
	if cfg.duration <= 0 || cfg.duration > maxDuration || cfg.warmup < 0 || cfg.warmup > maxDuration {
		return cfg, fmt.Errorf("-duration must be positive and -warmup not negative, both at most %s", maxDuration)
	}
	if cfg.requests < 0 || cfg.requests > maxRequests {
		return cfg, fmt.Errorf("-requests must be between 0 and %d", maxRequests)
	}
	if cfg.requests == 0 {
		cfg.requests = maxRequests
	}
	if cfg.floorConns < 1 || cfg.floorConns > 200 {
		return cfg, errors.New("-floor-conns must be between 1 and 200")
	}
	for _, k := range strings.Split(*kindList, ",") {
		k = strings.TrimSpace(k)
		if _, ok := documents[k]; !ok && k != "mix" {
			return cfg, fmt.Errorf("unknown query kind %q", k)
		}
		cfg.kinds = append(cfg.kinds, k)
	}
	for _, raw := range strings.Split(*urls, ",") {
		raw = strings.TrimSpace(raw)
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "http" || u.Port() == "" {
			return cfg, fmt.Errorf("-url must be http://127.0.0.1:PORT/query, or several comma-separated, got %q", raw)
		}
		if err := loopbackOnly(u.Hostname()); err != nil {
			return cfg, fmt.Errorf("-url: %w", err)
		}
		if slices.Contains(cfg.urls, raw) {
			return cfg, fmt.Errorf("-url names %s twice", raw)
		}
		cfg.urls = append(cfg.urls, raw)
	}
	if len(cfg.urls) > maxConcurrency {
		return cfg, fmt.Errorf("-url: at most %d instances", maxConcurrency)
	}
	if *pid != 0 && len(cfg.urls) > 1 {
		return cfg, errors.New("-pid goes with one -url; with several, each instance's process is found by its port")
	}
	cfg.pids = make([]int, len(cfg.urls))
	cfg.pids[0] = *pid
	pc, err := pgx.ParseConfig(cfg.db)
	if err != nil {
		return cfg, fmt.Errorf("-db: %w", err)
	}
	if err := loopbackOnly(pc.Host); err != nil {
		return cfg, fmt.Errorf("-db: %w", err)
	}
	if *replicaList != "" {
		for _, raw := range strings.Split(*replicaList, ",") {
			raw = strings.TrimSpace(raw)
			if raw == "" {
				return cfg, errors.New("-replicas: an empty URL in the list")
			}
			rc, err := pgx.ParseConfig(raw)
			if err != nil {
				return cfg, fmt.Errorf("-replicas: %w", err)
			}
			if err := loopbackOnly(rc.Host); err != nil {
				return cfg, fmt.Errorf("-replicas: %w", err)
			}
			cfg.replicas = append(cfg.replicas, raw)
		}
	}
	return cfg, nil
}

// loopbackOnly refuses any host that is not this machine's loopback interface: a name is
// resolved, and every address it has must be a loopback one.
func loopbackOnly(host string) error {
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return fmt.Errorf("%s is not a loopback address; loadtest only measures a server on this machine", host)
		}
		return nil
	}
	if strings.HasPrefix(host, "/") { // a Unix socket directory is local by nature
		return nil
	}
	addrs, err := net.LookupHost(host)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("cannot resolve %q to check that it is loopback", host)
	}
	for _, a := range addrs {
		if ip := net.ParseIP(a); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("%s resolves to %s, not a loopback address; loadtest only measures a server on this machine", host, a)
		}
	}
	return nil
}

// listenerOf finds the process listening on the port of the endpoint u.
func listenerOf(u string) (int, error) {
	parsed, err := url.Parse(u)
	if err != nil {
		return 0, err
	}
	port, err := strconv.Atoi(parsed.Port())
	if err != nil {
		return 0, err
	}
	return listener(port)
}
