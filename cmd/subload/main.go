// Command subload measures the fan-out of one change to many subscribers of one server
// instance: it opens N graphql-transport-ws websockets on loopback, subscribes each,
// anonymously, to one event's eventChanged, runs one updateEvent through HTTP with an
// editor's key, and reports how many subscribers got the change and how long after the
// mutation's start (p50, p99, max), with the server's resident memory before the
// connections, with them idle, and after the delivery. It only talks to loopback
// addresses, holds at most 20,000 connections and stops by itself after -timeout: it is a
// measuring tool, not a way to load anyone's server.
//
//	go build -o /tmp/campaigns . && SUBSCRIPTIONS_PER_KEY=20000 ADDR=127.0.0.1:8091 \
//	  METRICS_ADDR=127.0.0.1:9471 /tmp/campaigns &
//	KEY=$(/tmp/campaigns apikey create --org mtv-exit --role editor | tail -1)
//	go run ./cmd/subload -url http://127.0.0.1:8091/query -metrics http://127.0.0.1:9471/metrics \
//	  -key "$KEY" -n 10000
//
// Each subscriber is a descriptor on both sides: Go raises the soft limit of open files to
// the hard one at start (since Go 1.19), in this command and in the server alike, so the hard
// limit (`ulimit -Hn`) bounds -n.
//
// Without -event it follows the first event of the organization of -key's first campaign
// that it may edit. See BENCHMARKS.md ("Subscriptions: fan-out").
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"
)

// Bounds that no flag can lift.
const (
	maxSubscribers = 20_000
	maxTimeout     = 10 * time.Minute
)

type config struct {
	url, metrics, key, event string
	pid                      int
	n, dialers               int
	timeout, settle, wait    time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parse(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "subload:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	rep, err := measure(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "subload:", err)
		return 1
	}
	rep.write(stdout)
	if rep.Delivered < rep.Subscribers {
		return 1
	}
	return 0
}

func parse(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("subload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080/query", "the server's GraphQL endpoint (loopback only)")
	fs.StringVar(&c.metrics, "metrics", "", "the server's /metrics URL (METRICS_ADDR): the open subscriptions are awaited there, and its RSS read when -pid is not given")
	fs.IntVar(&c.pid, "pid", 0, "the server's process ID, whose VmRSS is read from /proc")
	fs.StringVar(&c.key, "key", "", "an API key that may edit the event (EDITOR or above of its organizer), for the one updateEvent")
	fs.StringVar(&c.event, "event", "", "the event's global ID; by default the first event -key may edit")
	fs.IntVar(&c.n, "n", 100, fmt.Sprintf("subscribers, each on its own websocket (at most %d)", maxSubscribers))
	fs.IntVar(&c.dialers, "dialers", 32, "connections opened at once")
	fs.DurationVar(&c.timeout, "timeout", 3*time.Minute, fmt.Sprintf("the whole run's bound (at most %s)", maxTimeout))
	fs.DurationVar(&c.settle, "settle", 2*time.Second, "the pause between the last subscription and the memory reading, so the server is idle")
	fs.DurationVar(&c.wait, "wait", 30*time.Second, "how long after the mutation's start deliveries are awaited")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case c.n < 1 || c.n > maxSubscribers:
		return c, fmt.Errorf("-n must be between 1 and %d", maxSubscribers)
	case c.dialers < 1 || c.dialers > 1024:
		return c, errors.New("-dialers must be between 1 and 1024")
	case c.timeout <= 0 || c.timeout > maxTimeout:
		return c, fmt.Errorf("-timeout must be positive and at most %s", maxTimeout)
	case c.key == "":
		return c, errors.New("-key is needed for the updateEvent")
	}
	for _, u := range []string{c.url, c.metrics} {
		if u == "" {
			continue
		}
		if err := loopback(u); err != nil {
			return c, err
		}
	}
	return c, nil
}
