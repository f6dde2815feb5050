package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// subscription is what every subscriber asks: the document of the fan-out benchmark of
// internal/realtime.
const subscription = `subscription($event: ID) { eventChanged(event: $event) { op eventId resync event { title status } } }`

// report is one run's outcome.
type report struct {
	Subscribers, Delivered, Refused int
	// Latencies are from the mutation's start to each delivery, sorted.
	Latencies []time.Duration
	Mutation  time.Duration
	// Subscribe is how long opening and subscribing every connection took.
	Subscribe time.Duration
	// RSS before the connections, with them idle, and after the delivery, in bytes; 0 when
	// not known.
	RSSBefore, RSSIdle, RSSAfter int64
	// Go's own figures from -metrics, before the connections and with them idle: what an
	// idle subscriber holds in goroutines, their stacks and the heap.
	GoBefore, GoIdle goFigures
	// Selects is how many SELECT statements the server ran from the mutation's start to the
	// last delivery (the mutation's own among them), from -metrics; -1 when not known.
	Selects int
}

// selects is the server's count of SELECT statements.
const selects = `sql_statement_duration_seconds_count{verb="SELECT"}`

// goFigures are the Go runtime's figures of /metrics.
type goFigures struct {
	Goroutines, Stacks, Heap float64
}

// goNames are the metrics goFigures reads, in its fields' order.
var goNames = []string{"go_goroutines", "go_memstats_stack_inuse_bytes", "go_memstats_heap_alloc_bytes"}

func (r report) percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.Latencies))*p+0.5) - 1
	return r.Latencies[min(max(i, 0), len(r.Latencies)-1)]
}

func (r report) write(w io.Writer) {
	fmt.Fprintf(w, "subscribers %d (refused %d), opened in %s\n", r.Subscribers, r.Refused, r.Subscribe.Round(time.Millisecond))
	fmt.Fprintf(w, "updateEvent answered in %s\n", r.Mutation.Round(time.Millisecond))
	fmt.Fprintf(w, "delivered %d\n", r.Delivered)
	if len(r.Latencies) > 0 {
		fmt.Fprintf(w, "from the mutation's start: p50 %s  p99 %s  max %s\n",
			r.percentile(0.50).Round(time.Millisecond), r.percentile(0.99).Round(time.Millisecond), r.Latencies[len(r.Latencies)-1].Round(time.Millisecond))
	}
	if r.RSSIdle > 0 {
		fmt.Fprintf(w, "server RSS: before %s, idle with the subscribers %s, after the delivery %s\n", mb(r.RSSBefore), mb(r.RSSIdle), mb(r.RSSAfter))
		if r.RSSBefore > 0 && r.Subscribers > 0 {
			fmt.Fprintf(w, "per idle subscriber: %.1f KB (RSS delta / subscribers)\n", float64(r.RSSIdle-r.RSSBefore)/float64(r.Subscribers)/1024)
		}
	}
	if r.Selects >= 0 {
		fmt.Fprintf(w, "SELECT statements from the mutation's start to the last delivery: %d\n", r.Selects)
	}
	if r.GoIdle.Goroutines > 0 && r.Subscribers > 0 {
		n := float64(r.Subscribers)
		fmt.Fprintf(w, "per idle subscriber, Go: %.2f goroutines, %.1f KB of stacks, %.1f KB of heap (go_memstats_heap_alloc_bytes: garbage not yet collected included)\n",
			(r.GoIdle.Goroutines-r.GoBefore.Goroutines)/n, (r.GoIdle.Stacks-r.GoBefore.Stacks)/n/1024, (r.GoIdle.Heap-r.GoBefore.Heap)/n/1024)
	}
}

// goRuntime reads goFigures from -metrics; zero when it is not given.
func goRuntime(ctx context.Context, hc *http.Client, cfg config) goFigures {
	if cfg.metrics == "" {
		return goFigures{}
	}
	var v [3]float64
	for i, name := range goNames {
		v[i], _ = metric(ctx, hc, cfg.metrics, name)
	}
	return goFigures{Goroutines: v[0], Stacks: v[1], Heap: v[2]}
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

// measure runs one fan-out: subscribe, mutate once, await the deliveries.
func measure(ctx context.Context, cfg config, log io.Writer) (report, error) {
	rep := report{Subscribers: cfg.n, Selects: -1}
	hc := &http.Client{Timeout: 30 * time.Second}
	event := cfg.event
	if event == "" {
		var err error
		if event, err = pickEvent(ctx, hc, cfg); err != nil {
			return rep, err
		}
	}
	rep.RSSBefore = rss(ctx, hc, cfg)
	rep.GoBefore = goRuntime(ctx, hc, cfg)

	// The mutation's start, as nanoseconds since base; 0 until it starts.
	base := time.Now()
	var started atomic.Int64
	var mu sync.Mutex
	lat := make([]time.Duration, 0, cfg.n)
	var refused atomic.Int64
	got := make(chan struct{}, cfg.n)

	connCtx, closeAll := context.WithCancel(ctx)
	defer closeAll()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer closeAll()
	t0 := time.Now()
	sem := make(chan struct{}, cfg.dialers)
	var dialErr atomic.Value
	for i := range cfg.n {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return rep, ctx.Err()
		}
		if e := dialErr.Load(); e != nil {
			return rep, e.(error)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := open(connCtx, cfg.url, event, fmt.Sprint(i))
			<-sem
			if err != nil {
				if connCtx.Err() == nil {
					dialErr.CompareAndSwap(nil, fmt.Errorf("subscriber %d: %w", i, err))
				}
				return
			}
			defer c.CloseNow()
			for {
				var m struct {
					Type    string          `json:"type"`
					Payload json.RawMessage `json:"payload"`
				}
				if err := wsjson.Read(connCtx, c, &m); err != nil {
					return
				}
				switch m.Type {
				case "next":
					s := started.Load()
					if s == 0 {
						continue // not the mutation's change
					}
					if bytes.Contains(m.Payload, []byte(`"errors"`)) {
						refused.Add(1)
						got <- struct{}{}
						continue
					}
					d := time.Since(base) - time.Duration(s)
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
					got <- struct{}{}
				case "error":
					refused.Add(1)
					fmt.Fprintf(log, "subscriber %d refused: %s\n", i, m.Payload)
					return
				case "ping":
					_ = wsjson.Write(connCtx, c, map[string]string{"type": "pong"})
				}
			}
		}()
	}
	for range cfg.dialers {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return rep, ctx.Err()
		}
	}
	if e := dialErr.Load(); e != nil {
		return rep, e.(error)
	}
	if err := awaitSubscriptions(ctx, hc, cfg, cfg.n-int(refused.Load())); err != nil {
		return rep, err
	}
	rep.Subscribe = time.Since(t0)
	select {
	case <-time.After(cfg.settle):
	case <-ctx.Done():
		return rep, ctx.Err()
	}
	rep.RSSIdle = rss(ctx, hc, cfg)
	rep.GoIdle = goRuntime(ctx, hc, cfg)

	sel0, selErr := -1.0, errors.New("no -metrics")
	if cfg.metrics != "" {
		sel0, selErr = metric(ctx, hc, cfg.metrics, selects)
	}
	m0 := time.Now()
	started.Store(int64(m0.Sub(base)))
	if err := update(ctx, hc, cfg, event); err != nil {
		return rep, err
	}
	rep.Mutation = time.Since(m0)
	want := cfg.n - int(refused.Load())
	deadline := time.After(cfg.wait - time.Since(m0))
	for n := 0; n < want; n++ {
		select {
		case <-got:
		case <-deadline:
			n = want
		case <-ctx.Done():
			n = want
		}
	}
	rep.RSSAfter = rss(ctx, hc, cfg)
	if selErr == nil {
		if sel1, err := metric(ctx, hc, cfg.metrics, selects); err == nil {
			rep.Selects = int(sel1 - sel0)
		}
	}
	mu.Lock()
	rep.Latencies = slices.Clone(lat)
	mu.Unlock()
	slices.Sort(rep.Latencies)
	rep.Delivered = len(rep.Latencies)
	rep.Refused = int(refused.Load())
	return rep, nil
}

// open dials one websocket, initialises graphql-transport-ws and subscribes.
func open(ctx context.Context, endpoint, event, id string) (*websocket.Conn, error) {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(dctx, "ws"+strings.TrimPrefix(endpoint, "http"), &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		return nil, err
	}
	if err := wsjson.Write(dctx, c, map[string]any{"type": "connection_init"}); err != nil {
		c.CloseNow()
		return nil, err
	}
	for {
		var m struct{ Type string }
		if err := wsjson.Read(dctx, c, &m); err != nil {
			c.CloseNow()
			return nil, err
		}
		if m.Type == "connection_ack" {
			break
		}
		if m.Type == "connection_error" {
			c.CloseNow()
			return nil, errors.New("connection_error")
		}
	}
	err = wsjson.Write(dctx, c, map[string]any{"id": id, "type": "subscribe",
		"payload": map[string]any{"query": subscription, "variables": map[string]any{"event": event}}})
	if err != nil {
		c.CloseNow()
		return nil, err
	}
	return c, nil
}

// gql posts one GraphQL request with the key.
func gql(ctx context.Context, hc *http.Client, cfg config, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+cfg.key)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("answer %d: %w", resp.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("%s", r.Errors[0].Message)
	}
	return json.Unmarshal(r.Data, out)
}

// pickEvent returns the first public, scheduled event that the key's organization organizes.
func pickEvent(ctx context.Context, hc *http.Client, cfg config) (string, error) {
	var v struct {
		Viewer *struct {
			Organization struct {
				Events struct {
					Nodes []struct{ ID, Visibility, Status string }
				}
			}
		}
	}
	err := gql(ctx, hc, cfg, `{ viewer { organization { events(first: 100) { nodes { id visibility status } } } } }`, nil, &v)
	if err != nil {
		return "", fmt.Errorf("find an event: %w", err)
	}
	if v.Viewer == nil {
		return "", errors.New("find an event: -key is not a working key")
	}
	for _, e := range v.Viewer.Organization.Events.Nodes {
		if e.Visibility == "PUBLIC" && e.Status != "DRAFT" && e.Status != "CANCELLED" {
			return e.ID, nil
		}
	}
	return "", errors.New("find an event: the key's organization organizes no public event; pass -event")
}

// update renames the event once, reading its version first.
func update(ctx context.Context, hc *http.Client, cfg config, event string) error {
	var v struct{ Node struct{ Version int } }
	if err := gql(ctx, hc, cfg, `query($id: ID!) { node(id: $id) { ... on Event { version } } }`, map[string]any{"id": event}, &v); err != nil {
		return fmt.Errorf("read the event's version: %w", err)
	}
	var u struct {
		UpdateEvent struct {
			UserErrors []struct{ Code, Message string }
		}
	}
	err := gql(ctx, hc, cfg, `mutation($input: UpdateEventInput!) { updateEvent(input: $input) { userErrors { code message } } }`,
		map[string]any{"input": map[string]any{"id": event, "expectedVersion": v.Node.Version, "title": "Fan-out " + time.Now().UTC().Format(time.TimeOnly)}}, &u)
	if err != nil {
		return fmt.Errorf("updateEvent: %w", err)
	}
	if len(u.UpdateEvent.UserErrors) > 0 {
		return fmt.Errorf("updateEvent: %s", u.UpdateEvent.UserErrors[0].Message)
	}
	return nil
}

// awaitSubscriptions waits until the server's graphql_subscriptions_active reaches n, when
// -metrics is given; otherwise it gives the last subscriptions a moment to register.
func awaitSubscriptions(ctx context.Context, hc *http.Client, cfg config, n int) error {
	if cfg.metrics == "" {
		select {
		case <-time.After(time.Second):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	last := -1.0
	for {
		v, err := metric(ctx, hc, cfg.metrics, "graphql_subscriptions_active")
		if err != nil {
			return fmt.Errorf("read the open subscriptions: %w", err)
		}
		if int(v) >= n {
			return nil
		}
		last = v
		select {
		case <-time.After(100 * time.Millisecond):
		case <-ctx.Done():
			return fmt.Errorf("%d of %d subscriptions open: %w", int(last), n, ctx.Err())
		}
	}
}

// rss reads the server's resident memory: VmRSS of -pid, or the process collector's figure
// of -metrics; 0 when neither is given or readable.
func rss(ctx context.Context, hc *http.Client, cfg config) int64 {
	if cfg.pid > 0 {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cfg.pid))
		if err != nil {
			return 0
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				f := strings.Fields(v)
				if len(f) > 0 {
					kb, _ := strconv.ParseInt(f[0], 10, 64)
					return kb << 10
				}
			}
		}
		return 0
	}
	if cfg.metrics == "" {
		return 0
	}
	v, err := metric(ctx, hc, cfg.metrics, "process_resident_memory_bytes")
	if err != nil {
		return 0
	}
	return int64(v)
}

// metric reads one unlabelled figure from a Prometheus text page.
func metric(ctx context.Context, hc *http.Client, u, name string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s has no %s", u, name)
}

// loopback refuses a URL whose host is not a loopback address.
func loopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address: subload measures a server on this machine only", raw)
	}
	return nil
}
