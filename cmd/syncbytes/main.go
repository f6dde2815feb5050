// Command syncbytes measures what a mobile app's delta sync costs on the wire: it runs the
// sync loop of docs/mobile-sync.md (the SyncChanges query, 100 per page, sent as a persisted
// query over GET, gzip accepted) against a running API server, and counts the bytes that
// cross the connection in each direction, headers included, for a first sync and then,
// after writing one day of changes into the server's database, for the sync of that day.
// It only talks to loopback addresses, and every run ends within -timeout.
//
//	go build -o /tmp/campaigns . && DATABASE_URL=postgres://postgres@127.0.0.1:5432/campaigns_bench?sslmode=disable \
//	  ADDR=127.0.0.1:8091 RATE_LIMIT_ANONYMOUS_POINTS=0 /tmp/campaigns &
//	go run ./cmd/syncbytes -url http://127.0.0.1:8091/query \
//	  -db postgres://postgres@127.0.0.1:5432/campaigns_bench?sslmode=disable -country MM -compare
//
// The day of changes (-db; see writeDay) is written for real: run it on a database made for
// measuring (go run . generate --seed 1), never on one that matters. See BENCHMARKS.md,
// "Scoped delta sync".
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
)

// syncQuery is the query of docs/mobile-sync.md's step 2.
const syncQuery = `query SyncChanges($token: String, $country: String) {
  changes(since: $token, first: 100, filter: { country: $country, types: [CAMPAIGN, EVENT, YOUTH_NETWORK] }) {
    token
    hasMore
    changes {
      op
      type
      id
      node {
        id
        ... on Event { version updatedAt title status dateLabel startsAt }
        ... on Campaign { version name }
        ... on YouthNetwork { name }
      }
    }
  }
}`

// maxTimeout bounds every run, whatever the flags say.
const maxTimeout = 30 * time.Minute

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "syncbytes:", err)
		os.Exit(1)
	}
}

type config struct {
	url, db, country, key string
	compare               bool
	seed                  uint64
	timeout               time.Duration
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("syncbytes", flag.ContinueOnError)
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080/query", "the API's GraphQL endpoint; loopback only")
	fs.StringVar(&cfg.db, "db", "", "the server's database, where the day of changes is written; loopback only; none to measure the first sync alone")
	fs.StringVar(&cfg.country, "country", "MM", "the country the app syncs (code, name or alias); empty for no filter")
	fs.StringVar(&cfg.key, "key", "", "an API key to sync with; anonymous when empty")
	fs.BoolVar(&cfg.compare, "compare", false, "also sync without the country filter, for comparison (a first sync of the whole data set)")
	fs.Uint64Var(&cfg.seed, "seed", 1, "the seed that picks the day's changes")
	fs.DurationVar(&cfg.timeout, "timeout", 15*time.Minute, "end the run after this long (at most 30m)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.timeout <= 0 || cfg.timeout > maxTimeout {
		cfg.timeout = maxTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	u, err := url.Parse(cfg.url)
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	if err := loopbackOnly(u.Hostname()); err != nil {
		return err
	}
	var conn *pgx.Conn
	if cfg.db != "" {
		pc, err := pgx.ParseConfig(cfg.db)
		if err != nil {
			return fmt.Errorf("-db: %w", err)
		}
		if err := loopbackOnly(pc.Host); err != nil {
			return err
		}
		if conn, err = pgx.ConnectConfig(ctx, pc); err != nil {
			return fmt.Errorf("-db: %w", err)
		}
		defer conn.Close(context.Background())
	}

	type variant struct {
		name, country, token string
	}
	variants := []variant{{name: "country " + cfg.country, country: cfg.country}}
	if cfg.country == "" {
		variants[0].name = "no filter"
	}
	if cfg.compare && cfg.country != "" {
		variants = append(variants, variant{name: "no filter"})
	}
	tw := tabwriter.NewWriter(out, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "sync\tpages\titems\ttombstones\tdown (wire)\tup (wire)\tgzip bodies\tJSON bodies\ttime\t")
	report := func(what string, s stats) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t\n", what, s.pages, s.items, s.tombstones, s.down, s.up,
			s.gzipBody, s.jsonBody, s.elapsed.Round(10*time.Millisecond))
		tw.Flush()
	}
	for i := range variants {
		c := newClient(cfg.url, cfg.key)
		s, token, err := c.sync(ctx, "", variants[i].country)
		if err != nil {
			return fmt.Errorf("first sync, %s: %w", variants[i].name, err)
		}
		variants[i].token = token
		report("first sync, "+variants[i].name, s)
	}
	if conn == nil {
		return nil
	}
	began := time.Now()
	day, err := writeDay(ctx, conn, cfg.seed)
	if err != nil {
		return err
	}
	wrote := time.Since(began)
	if err := settled(ctx, conn); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote the day in %s, settled after %s more\n", wrote.Round(time.Millisecond), (time.Since(began) - wrote).Round(time.Millisecond))
	for _, v := range variants {
		c := newClient(cfg.url, cfg.key)
		s, _, err := c.sync(ctx, v.token, v.country)
		if err != nil {
			return fmt.Errorf("sync of the day, %s: %w", v.name, err)
		}
		report("the day, "+v.name, s)
	}
	fmt.Fprintf(out, "\nthe day: %s\n", day)
	return nil
}

// stats is what one sync, in all its pages, cost.
type stats struct {
	pages, items, tombstones int
	down, up                 int64 // bytes read and written on the connections, headers and all
	gzipBody, jsonBody       int64 // the answers' bodies as sent, and once decompressed
	elapsed                  time.Duration
}

// client is one app: one keep-alive connection whose bytes are counted.
type client struct {
	endpoint, key string
	hc            *http.Client
	down, up      atomic.Int64
	hash          string
}

func newClient(endpoint, key string) *client {
	c := &client{endpoint: endpoint, key: key}
	sum := sha256.Sum256([]byte(syncQuery))
	c.hash = hex.EncodeToString(sum[:])
	var d net.Dialer
	c.hc = &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		DisableCompression:  true, // the gzip body is read as it crossed the wire
		MaxIdleConnsPerHost: 1,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &countingConn{Conn: conn, c: c}, nil
		},
	}}
	return c
}

type countingConn struct {
	net.Conn
	c *client
}

func (cc *countingConn) Read(p []byte) (int, error) {
	n, err := cc.Conn.Read(p)
	cc.c.down.Add(int64(n))
	return n, err
}

func (cc *countingConn) Write(p []byte) (int, error) {
	n, err := cc.Conn.Write(p)
	cc.c.up.Add(int64(n))
	return n, err
}

type answer struct {
	Data struct {
		Changes struct {
			Token   string
			HasMore bool
			Changes []struct {
				Op   string
				Node json.RawMessage
			}
		}
	}
	Errors []struct {
		Message    string
		Extensions struct{ Code string }
	}
}

// sync runs the loop from token (none for a first sync) until no more is ready, and
// returns what it cost and the last token.
func (c *client) sync(ctx context.Context, token, country string) (stats, string, error) {
	var s stats
	start := time.Now()
	for {
		vars := map[string]any{"country": nil, "token": nil}
		if country != "" {
			vars["country"] = country
		}
		if token != "" {
			vars["token"] = token
		}
		a, err := c.page(ctx, vars, &s)
		if err != nil {
			return s, "", err
		}
		s.pages++
		for _, ch := range a.Data.Changes.Changes {
			s.items++
			if len(ch.Node) == 0 || string(ch.Node) == "null" {
				s.tombstones++
			}
		}
		token = a.Data.Changes.Token
		if !a.Data.Changes.HasMore {
			s.elapsed = time.Since(start)
			s.down, s.up = c.down.Load(), c.up.Load()
			return s, token, nil
		}
	}
}

// page asks for one page by the query's hash over GET, sending the text once if the server
// does not know it yet, as an app sending persisted queries does.
func (c *client) page(ctx context.Context, vars map[string]any, s *stats) (answer, error) {
	v, _ := json.Marshal(vars)
	ext, _ := json.Marshal(map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": c.hash}})
	q := url.Values{"variables": {string(v)}, "extensions": {string(ext)}, "operationName": {"SyncChanges"}}
	a, err := c.do(ctx, http.MethodGet, c.endpoint+"?"+q.Encode(), nil, s)
	if err == nil && len(a.Errors) > 0 && a.Errors[0].Extensions.Code == "PERSISTED_QUERY_NOT_FOUND" {
		body, _ := json.Marshal(map[string]any{"query": syncQuery, "variables": vars, "operationName": "SyncChanges",
			"extensions": json.RawMessage(ext)})
		a, err = c.do(ctx, http.MethodPost, c.endpoint, body, s)
	}
	if err == nil && len(a.Errors) > 0 {
		err = fmt.Errorf("%s: %s", a.Errors[0].Extensions.Code, a.Errors[0].Message)
	}
	return a, err
}

func (c *client) do(ctx context.Context, method, target string, body []byte, s *stats) (answer, error) {
	var a answer
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return a, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return a, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return a, err
	}
	s.gzipBody += int64(len(raw))
	plain := raw
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return a, err
		}
		if plain, err = io.ReadAll(zr); err != nil {
			return a, err
		}
	}
	s.jsonBody += int64(len(plain))
	if err := json.Unmarshal(plain, &a); err != nil {
		return a, fmt.Errorf("%s %d: %.200s", method, resp.StatusCode, plain)
	}
	return a, nil
}

// writeDay writes one busy day of the region into the database, each change in a
// transaction of its own, as partners' edits come: 140 new events (copies of existing
// upcoming ones, a week later), 1,000 edits of 700 upcoming public events (some edited more
// than once), 50 of them cancelled, 10 turned back into drafts, and 20 campaigns renamed.
// The events are picked at random (from seed) among every country's, so that a country gets
// its share. It returns a description of what it wrote.
func writeDay(ctx context.Context, conn *pgx.Conn, seed uint64) (string, error) {
	r := rand.New(rand.NewPCG(seed, 14))
	upcoming, err := ids(ctx, conn, `SELECT id FROM events WHERE listed AND status = 'SCHEDULED' AND starts_at > now() ORDER BY id`)
	if err != nil {
		return "", err
	}
	campaigns, err := ids(ctx, conn, `SELECT id FROM campaigns WHERE status <> 'DRAFT' ORDER BY id`)
	if err != nil {
		return "", err
	}
	if len(upcoming) < 700 || len(campaigns) < 20 {
		return "", fmt.Errorf("the database holds %d upcoming public events and %d public campaigns; generate a data set first", len(upcoming), len(campaigns))
	}
	r.Shuffle(len(upcoming), func(i, j int) { upcoming[i], upcoming[j] = upcoming[j], upcoming[i] })
	r.Shuffle(len(campaigns), func(i, j int) { campaigns[i], campaigns[j] = campaigns[j], campaigns[i] })
	edited := upcoming[:700]
	var stmts []func() (string, []any)
	for i := range 140 {
		stmts = append(stmts, func() (string, []any) {
			return `INSERT INTO events (campaign_id, title, kind, status, starts_at, time_zone, venue_id, country_code, organizer_id)
				SELECT campaign_id, 'New: ' || left(title, 290), kind, 'SCHEDULED', starts_at + interval '7 days', time_zone, venue_id,
					country_code, organizer_id FROM events WHERE id = $1`, []any{upcoming[700+i]}
		})
	}
	for i := range 1000 {
		id := edited[i%len(edited)]
		if i >= len(edited) {
			id = edited[r.IntN(len(edited))]
		}
		stmts = append(stmts, func() (string, []any) {
			return `UPDATE events SET title = left(title, 280) || ' (edit ' || $2 || ')', version = version + 1, updated_at = now() WHERE id = $1`,
				[]any{id, fmt.Sprint(i)}
		})
	}
	for i := range 50 {
		stmts = append(stmts, func() (string, []any) {
			return `UPDATE events SET status = 'CANCELLED', version = version + 1, updated_at = now() WHERE id = $1`, []any{edited[i]}
		})
	}
	for i := range 10 {
		stmts = append(stmts, func() (string, []any) {
			return `UPDATE events SET status = 'DRAFT', version = version + 1, updated_at = now() WHERE id = $1`, []any{edited[50+i]}
		})
	}
	for i := range 20 {
		stmts = append(stmts, func() (string, []any) {
			return `UPDATE campaigns SET name = left(name, 280) || ' (renamed)', version = version + 1, updated_at = now() WHERE id = $1`,
				[]any{campaigns[i]}
		})
	}
	r.Shuffle(len(stmts), func(i, j int) { stmts[i], stmts[j] = stmts[j], stmts[i] })
	for _, st := range stmts {
		sql, args := st()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			return "", fmt.Errorf("write the day: %s: %w", sql, err)
		}
	}
	return fmt.Sprintf("%d transactions: 140 new events, 1,000 edits of 700 upcoming events, 50 cancelled, 10 back to draft, 20 campaigns renamed (seed %d)",
		len(stmts), seed), nil
}

func ids(ctx context.Context, conn *pgx.Conn, sql string) ([]int64, error) {
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sql, err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// settled waits until every change written so far shows in a sync: no transaction of this
// database older than the latest change is still running (store.Settled's question).
func settled(ctx context.Context, conn *pgx.Conn) error {
	for {
		var ok bool
		err := conn.QueryRow(ctx, `SELECT coalesce(max(xid) < (
			SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot()))
			FROM pg_snapshot_xip(pg_current_snapshot()) AS x
			WHERE x::xid NOT IN (SELECT backend_xid FROM pg_stat_activity
				WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database())), true) FROM changes`).Scan(&ok)
		if err != nil {
			return fmt.Errorf("settled: %w", err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// loopbackOnly refuses any host that is not this machine's loopback interface: a name is
// resolved, and every address it has must be a loopback one.
func loopbackOnly(host string) error {
	if host == "" || strings.HasPrefix(host, "/") {
		return nil // a Unix socket
	}
	addrs, err := net.LookupIP(host)
	if err != nil {
		return fmt.Errorf("%s: %w", host, err)
	}
	for _, ip := range addrs {
		if !ip.IsLoopback() {
			return fmt.Errorf("%s is not a loopback address; syncbytes only measures a server on this machine", host)
		}
	}
	if len(addrs) == 0 {
		return errors.New("no address for " + host)
	}
	return nil
}
