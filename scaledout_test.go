package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"campaigns/internal/apitest"
	"campaigns/internal/metrics"
	"campaigns/internal/persisted"
	"campaigns/internal/pgbouncertest"
	"campaigns/internal/problem"
	"campaigns/internal/redistest"
	"campaigns/internal/replicatest"
	"campaigns/internal/store"
)

// TestScaledOutOnLoopback runs the whole scaled-out deployment on loopback, every part
// private to the test: a primary and its streaming replica, PgBouncer in transaction pooling
// mode in front of the primary, a Redis, and two instances A and B configured as in
// production (DATABASE_URL through PgBouncer, DATABASE_LISTEN_URL straight to the primary,
// DATABASE_REPLICA_URLS the replica, REDIS_URL the Redis), with a small anonymous budget.
// It shows that a budget spent on A is refused on B; that an automatic persisted query
// registered on A runs on B by its hash alone; that a write through A is read at once through
// B with its consistency token, also with the replica's replay paused, while reads land on
// the replica; that a subscriber on B hears a change written through A; and that Redis
// stopped under load fails no request, the instances falling back to budgets of their own
// that still refuse, then share them again once Redis is back.
func TestScaledOutOnLoopback(t *testing.T) {
	c := replicatest.Start(t)
	rds := redistest.Start(t)
	const name = "campaigns_scaled"
	// PgBouncer lets a client in only to a database that exists: the instances would create
	// it through DATABASE_LISTEN_URL, but PgBouncer is waited for first.
	c.Primary.Exec("CREATE DATABASE " + name)
	direct := c.Primary.URL(name)
	// STATEMENT_TIMEOUT cannot pass through PgBouncer: the deployment sets it on the server side.
	pgb := pgbouncertest.Start(t, direct, pgbouncertest.Options{PoolSize: 6, ConnectQuery: "SET statement_timeout = 5000"})

	// The anonymous budget, per RATE_LIMIT_WINDOW; no operation may cost more.
	const points = 50
	const window = time.Minute
	type instance struct {
		name, base, metrics string
		log                 func() string
	}
	start := func(label string) instance {
		vars := map[string]string{
			"DATABASE_URL": pgb.URL(direct), "DATABASE_POOLER": "pgbouncer", "DATABASE_LISTEN_URL": direct,
			"DATABASE_REPLICA_URLS": c.Replica.URL(name), "REDIS_URL": rds.URL(),
			"ADDR": freeAddr(t), "METRICS_ADDR": freeAddr(t), "DB_MAX_CONNS": "10", "STATEMENT_TIMEOUT": "5s",
			// The paused replica stays in service: only a token's wait sends a read to the primary.
			"REPLICA_WAIT": "300ms", "REPLICA_MAX_LAG": "5m",
			"RATE_LIMIT_ANONYMOUS_POINTS": fmt.Sprint(points), "RATE_LIMIT_WINDOW": window.String(),
			"MAX_QUERY_COST":        fmt.Sprint(points),
			"RATE_LIMIT_KEY_POINTS": "0",
		}
		base, log := startServer(t, vars)
		return instance{label, base, "http://" + vars["METRICS_ADDR"], log}
	}
	a, b := start("A"), start("B")
	defer func() {
		if t.Failed() {
			t.Logf("A's log:\n%s\nB's log:\n%s\npgbouncer's log:\n%.3000s\nreplica's log:\n%.3000s",
				a.log(), b.log(), pgb.Log(), c.Replica.Log())
		}
	}()
	ctx := context.Background()
	st, err := store.Open(ctx, direct, store.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key := apitest.Key(t, st, "scaled-editors", "EDITOR")
	replica := fmt.Sprintf("127.0.0.1:%d", c.Replica.Port())
	// Both instances count into this process's registry, which each serves on /metrics.
	waitScaledMetric(t, a.metrics, `db_replica_up{replica="`+replica+`"} 1`)
	waitScaledMetric(t, a.metrics, "redis_up 1")

	const anonymous = `{ campaigns(first: 1) { totalCount } }`
	// spend spends the anonymous budget of 127.0.0.1 on in until it is refused.
	spend := func(t *testing.T, in instance) {
		t.Helper()
		for range 10 * points {
			r := mustPostScaled(t, in.base, "", anonymous, nil, nil)
			if r.status == http.StatusTooManyRequests {
				if r.code() != string(problem.RateLimited) {
					t.Fatalf("%s refused with %d %s; want %s", in.name, r.status, r.body, problem.RateLimited)
				}
				return
			}
			r.ok(t)
		}
		t.Fatalf("%s served %d anonymous requests on a budget of %d points", in.name, 10*points, points)
	}
	// refusedOn says whether the instance refuses an anonymous request for its budget.
	refusedOn := func(t *testing.T, in instance) bool {
		t.Helper()
		r := mustPostScaled(t, in.base, "", anonymous, nil, nil)
		if r.status == http.StatusTooManyRequests && r.code() == string(problem.RateLimited) {
			return true
		}
		r.ok(t)
		return false
	}

	t.Run("budget spent on A is refused on B", func(t *testing.T) {
		if refusedOn(t, b) {
			t.Fatal("B refuses before anything was spent")
		}
		spend(t, a)
		// B's own budget in memory is untouched: only the one in Redis is spent.
		if !refusedOn(t, b) {
			t.Error("B serves the client whose budget A spent")
		}
	})

	t.Run("APQ registered on A runs on B", func(t *testing.T) {
		const q = `query ScaledOutAPQ { campaigns(first: 3) { totalCount nodes { slug } } }`
		hash := persisted.Hash(q)
		ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
		if r := mustPostScaled(t, b.base, key, "", ext, nil); r.code() != persisted.CodeNotFound {
			t.Fatalf("B knows the hash before it was registered: %d %s", r.status, r.body)
		}
		onA := mustPostScaled(t, a.base, key, q, ext, nil)
		onA.ok(t)
		onB := mustPostScaled(t, b.base, key, "", ext, nil)
		onB.ok(t)
		if !bytes.Equal(onA.Data, onB.Data) {
			t.Errorf("B by hash: %s; A with the text: %s", onB.Data, onA.Data)
		}
	})

	var id string
	version := 0
	t.Run("write through A read at once through B", func(t *testing.T) {
		created := mustPostScaled(t, a.base, key, `mutation { createCampaign(input: { slug: "scaled-out", name: "Scaled out" }) { campaign { id version } userErrors { code message } } }`, nil, nil)
		created.ok(t)
		id = created.str(t, "createCampaign", "campaign", "id")
		version = 1
		read := `query { campaign(slug: "scaled-out") { name } }`
		token := created.header.Get("Consistency-Token")
		if _, err := store.ParseToken(token); err != nil {
			t.Fatalf("the mutation through PgBouncer answered the token %q: %v", token, err)
		}
		if got := mustPostScaled(t, b.base, key, read, nil, map[string]string{"Consistency-Token": token}).name(t); got != "Scaled out" {
			t.Errorf("B with the token read %q", got)
		}
		// Reads land on the replica once it has replayed the write.
		c.WaitStreaming(t)
		before := scaledReplicaReads(replica)
		if got := mustPostScaled(t, b.base, key, read, nil, nil).name(t); got != "Scaled out" {
			t.Errorf("B without a token, once replayed, read %q", got)
		}
		if scaledReplicaReads(replica) <= before {
			t.Error("B's read without a token was not counted on the replica")
		}

		// The replica's replay paused: B waits for it, then reads the primary.
		c.Pause()
		defer c.Resume()
		renamed := mustPostScaled(t, a.base, key, `mutation($id: ID!, $v: Int!) { updateCampaign(input: { id: $id, expectedVersion: $v, name: "Renamed while paused" }) { userErrors { code message } } }`, nil, nil, map[string]any{"id": id, "v": version})
		renamed.ok(t)
		version++
		if got := mustPostScaled(t, b.base, key, read, nil, nil).name(t); got != "Scaled out" {
			t.Errorf("B without a token read %q from the paused replica; want the name it had replayed", got)
		}
		token = renamed.header.Get("Consistency-Token")
		if got := mustPostScaled(t, b.base, key, read, nil, map[string]string{"Consistency-Token": token}).name(t); got != "Renamed while paused" {
			t.Errorf("B with the rename's token read %q while the replica is paused", got)
		}
		c.Resume()
	})

	t.Run("subscriber on B hears a write through A", func(t *testing.T) {
		if id == "" {
			t.Skip("no campaign was created")
		}
		names := subscribe(t, b.base, key, `subscription($id: ID!) { campaignChanged(campaign: $id) { campaign { name } } }`, map[string]any{"id": id})
		heard := ""
		// The subscription may not be in place when the first change commits: change the
		// name until one is heard.
		for ; heard == "" && version <= 20; version++ {
			r := mustPostScaled(t, a.base, key, `mutation($id: ID!, $v: Int!, $n: String!) { updateCampaign(input: { id: $id, expectedVersion: $v, name: $n }) { userErrors { code message } } }`,
				nil, nil, map[string]any{"id": id, "v": version, "n": fmt.Sprintf("Heard %d", version)})
			r.ok(t)
			if strings.Contains(string(r.Data), `"code"`) {
				t.Fatalf("rename at version %d: %s", version, r.body)
			}
			select {
			case heard = <-names:
			case <-time.After(2 * time.Second):
			}
		}
		if !strings.HasPrefix(heard, "Heard ") {
			t.Fatalf("the subscriber on B heard %q, want a name written through A", heard)
		}
	})

	t.Run("Redis stopped under load", func(t *testing.T) {
		// Anonymous requests to A and B from a few clients, Redis stopped in the middle.
		// No request fails; those after the stop are charged to each instance's own budget,
		// which still refuses once spent.
		type result struct {
			in           string
			afterStop    bool
			status       int
			code         string
			body         []byte
			err          error
			startedSince time.Duration
		}
		var (
			mu       sync.Mutex
			results  []result
			stopped  time.Time // set once Redis is gone
			stopLoad = make(chan struct{})
			wg       sync.WaitGroup
		)
		client := &http.Client{Timeout: 10 * time.Second}
		for i := range 4 {
			in := []instance{a, b}[i%2]
			wg.Go(func() {
				for {
					select {
					case <-stopLoad:
						return
					default:
					}
					mu.Lock()
					since, after := time.Duration(0), !stopped.IsZero()
					if after {
						since = time.Since(stopped)
					}
					mu.Unlock()
					r, err := postScaled(client, in.base, "", anonymous, nil, nil)
					res := result{in: in.name, afterStop: after, err: err, startedSince: since}
					if err == nil {
						res.status, res.code, res.body = r.status, r.code(), r.body
					}
					mu.Lock()
					results = append(results, res)
					mu.Unlock()
					time.Sleep(5 * time.Millisecond)
				}
			})
		}
		time.Sleep(700 * time.Millisecond)
		rds.Stop()
		mu.Lock()
		stopped = time.Now()
		mu.Unlock()
		// Go on for at least 1.3 s, and until each instance has refused a request started
		// after the stop, for at most 15 s.
		refusedAfter := func() map[string]bool {
			mu.Lock()
			defer mu.Unlock()
			m := map[string]bool{}
			for _, r := range results {
				if r.afterStop && r.status == http.StatusTooManyRequests {
					m[r.in] = true
				}
			}
			return m
		}
		time.Sleep(1300 * time.Millisecond)
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if m := refusedAfter(); m["A"] && m["B"] {
				break
			}
		}
		close(stopLoad)
		wg.Wait()
		elapsed := time.Since(stopped)

		served := map[string]int{}
		refused := refusedAfter()
		for _, r := range results {
			switch {
			case r.err != nil:
				t.Errorf("%s: a request failed (started %v after the stop: %v): %v", r.in, r.startedSince, r.afterStop, r.err)
			case r.status >= 500:
				t.Errorf("%s: a request answered %d (after the stop: %v): %.300s", r.in, r.status, r.afterStop, r.body)
			case r.status == http.StatusTooManyRequests:
				if r.code != string(problem.RateLimited) {
					t.Errorf("%s: refused with %.300s", r.in, r.body)
				}
			case r.status != http.StatusOK:
				t.Errorf("%s: answered %d %.300s", r.in, r.status, r.body)
			case r.afterStop:
				served[r.in]++
			}
		}
		// Each request costs at least a point: after the stop, an instance serves no more
		// than its own budget and what refilled since, never without a limit.
		most := points + int(math.Ceil(elapsed.Seconds()*points/window.Seconds()))
		for _, in := range []string{"A", "B"} {
			if !refused[in] {
				t.Errorf("%s refused nothing after Redis stopped", in)
			}
			if served[in] > most {
				t.Errorf("%s served %d anonymous requests after Redis stopped; its own budget holds %d", in, served[in], most)
			}
			t.Logf("%s after Redis stopped: %d served", in, served[in])
		}
		t.Logf("%d requests, %v after the stop", len(results), elapsed.Round(time.Millisecond))
		if _, text := get(t, a.metrics+"/metrics"); !strings.Contains(text, "\nredis_up 0\n") {
			t.Errorf("/metrics with Redis stopped: %s", grepLines(text, "redis_up"))
		}
		for _, in := range []instance{a, b} {
			if !strings.Contains(in.log(), "Redis does not answer") {
				t.Errorf("%s logged no warning of the outage", in.name)
			}
		}

		// Redis back: each instance finds it by itself (after its circuit's retry), and the
		// budgets are shared again.
		rds.Restart()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			if strings.Contains(a.log(), "Redis answers again") && strings.Contains(b.log(), "Redis answers again") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the instances have not used Redis again 30s after its restart")
			}
			for _, in := range []instance{a, b} {
				if _, err := postScaled(client, in.base, "", anonymous, nil, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		waitScaledMetric(t, a.metrics, "redis_up 1")
		// Redis restarted empty: the budget in it is full again, whereas B's own is spent.
		spend(t, a)
		if !refusedOn(t, b) {
			t.Error("with Redis back, B serves the client whose budget A spent")
		}
	})
}

// scaledReplicaReads is what this process's instances read on replica.
func scaledReplicaReads(replica string) float64 {
	return testutil.ToFloat64(metrics.Reads.WithLabelValues("replica", replica))
}

// waitScaledMetric waits until /metrics at base has the line, for at most 20 s.
func waitScaledMetric(t *testing.T, base, line string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, text := get(t, base+"/metrics")
		if strings.Contains(text, "\n"+line+"\n") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in /metrics after 20s:\n%s", line, grepLines(text, strings.SplitN(line, "{", 2)[0]))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// scaledReply is replica_test.go's answer, with the two readings this test adds.
type scaledReply = answer

// code is the code of the answer's first error, or "".
func (r *answer) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	s, _ := r.Errors[0].Extensions["code"].(string)
	return s
}

// name is the campaign's name in an answer to `campaign(slug:) { name }`.
func (r *answer) name(t *testing.T) string {
	t.Helper()
	r.ok(t)
	var d struct{ Campaign *struct{ Name string } }
	if err := json.Unmarshal(r.Data, &d); err != nil {
		t.Fatal(err)
	}
	if d.Campaign == nil {
		return "(none)"
	}
	return d.Campaign.Name
}

// mustPostScaled is postScaled with a bounded client, failing the test on a transport error; vars are
// the optional variables.
func mustPostScaled(t *testing.T, base, key, query string, ext map[string]any, header map[string]string, vars ...map[string]any) *scaledReply {
	t.Helper()
	var v map[string]any
	if len(vars) > 0 {
		v = vars[0]
	}
	r, err := postScaledVars(&http.Client{Timeout: 30 * time.Second}, base, key, query, ext, header, v)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// postScaled sends a GraphQL request without variables; a request without query text sends no
// query member, as a client that sends a persisted query's hash alone.
func postScaled(client *http.Client, base, key, query string, ext map[string]any, header map[string]string) (*scaledReply, error) {
	return postScaledVars(client, base, key, query, ext, header, nil)
}

// postScaledVars posts a GraphQL request with key, the extra headers and extensions when
// set; every root test's request helper goes through it.
func postScaledVars(client *http.Client, base, key, query string, ext map[string]any, header map[string]string, vars map[string]any) (*scaledReply, error) {
	req := map[string]any{}
	if query != "" {
		req["query"] = query
	}
	if vars != nil {
		req["variables"] = vars
	}
	if ext != nil {
		req["extensions"] = ext
	}
	body, _ := json.Marshal(req)
	hr, err := http.NewRequest(http.MethodPost, base+"/query", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	if key != "" {
		hr.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range header {
		hr.Header.Set(k, v)
	}
	res, err := client.Do(hr)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	r := &scaledReply{status: res.StatusCode, header: res.Header}
	if r.body, err = io.ReadAll(res.Body); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(r.body, r); err != nil {
		return nil, fmt.Errorf("%d %.300s: %w", res.StatusCode, r.body, err)
	}
	return r, nil
}
