package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"campaigns/internal/apitest"
	"campaigns/internal/metrics"
	"campaigns/internal/replicatest"
	"campaigns/internal/store"
)

// TestReplicaReadYourWrites runs two instances, A and B, over a private primary and its
// streaming replica (DATABASE_REPLICA_URLS), as two instances behind a load balancer do: a
// mutation through A answers with a consistency token, in a header and in extensions; a read
// through B that sends it back returns the new value, also while the replica's replay is
// paused (B waits REPLICA_WAIT, then reads the primary), whereas a read without it is served
// by the paused replica, with the old value. A malformed token is refused with a code. With
// the replica stopped, no request fails; started again, it serves reads again. A subscriber
// on B hears a change written through A.
func TestReplicaReadYourWrites(t *testing.T) {
	c := replicatest.Start(t)
	const name = "campaigns_replicas"
	instance := func() (string, string, func() string) {
		vars := map[string]string{
			"DATABASE_URL": c.Primary.URL(name), "DATABASE_REPLICA_URLS": c.Replica.URL(name),
			"ADDR": freeAddr(t), "METRICS_ADDR": freeAddr(t),
			// The paused replica must stay in service for the test to read it: only the
			// token's wait sends a read to the primary.
			"REPLICA_WAIT": "300ms", "REPLICA_MAX_LAG": "5m",
			"RATE_LIMIT_ANONYMOUS_POINTS": "0", "RATE_LIMIT_KEY_POINTS": "0",
		}
		base, log := startServer(t, vars)
		return base, "http://" + vars["METRICS_ADDR"], log
	}
	a, metricsA, logA := instance()
	b, _, logB := instance()
	defer func() {
		if t.Failed() {
			t.Logf("A's log:\n%s\nB's log:\n%s\nreplica's log:\n%.3000s", logA(), logB(), c.Replica.Log())
		}
	}()
	ctx := context.Background()
	st, err := store.Open(ctx, c.Primary.URL(name), store.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key := apitest.Key(t, st, "replica-editors", "EDITOR")
	replica := fmt.Sprintf("127.0.0.1:%d", c.Replica.Port())
	onReplica := func() float64 { return testutil.ToFloat64(metrics.Reads.WithLabelValues("replica", replica)) }
	waitReplicaUp(t, metricsA, replica, "1")

	// A write through A: its token in the header and in extensions, the same.
	created := call(t, a, key, "", nil, `mutation { createCampaign(input: { slug: "replica-rw", name: "Read your writes" }) { campaign { id name } userErrors { code message } } }`, nil)
	created.ok(t)
	id := created.str(t, "createCampaign", "campaign", "id")
	token := created.header.Get("Consistency-Token")
	if _, err := store.ParseToken(token); err != nil || created.Extensions["consistencyToken"] != token {
		t.Fatalf("the mutation's token: header %q, extensions %v", token, created.Extensions)
	}
	read := `query { campaign(slug: "replica-rw") { name } }`
	// At once through B, with the token in the header, then in extensions.
	if got := call(t, b, key, token, nil, read, nil).name(t); got != "Read your writes" {
		t.Errorf("B with the header's token read %q", got)
	}
	if got := call(t, b, key, "", map[string]any{"consistencyToken": token}, read, nil).name(t); got != "Read your writes" {
		t.Errorf("B with the token in extensions read %q", got)
	}
	c.WaitStreaming(t)
	before := onReplica()
	if got := call(t, b, key, "", nil, read, nil).name(t); got != "Read your writes" {
		t.Errorf("B without a token, once replayed, read %q", got)
	}
	if onReplica() <= before {
		t.Error("B's read without a token did not go to the replica")
	}

	// The replica paused: a rename through A, read through B.
	c.Pause()
	defer c.Resume()
	renamed := call(t, a, key, "", nil, `mutation($id: ID!) { updateCampaign(input: { id: $id, expectedVersion: 1, name: "Renamed while paused" }) { userErrors { code message } } }`, map[string]any{"id": id})
	renamed.ok(t)
	token2 := renamed.header.Get("Consistency-Token")
	if t2, err := store.ParseToken(token2); err != nil || t2 <= mustToken(t, token) {
		t.Fatalf("the rename's token %q (%v) does not follow the creation's %q", token2, err, token)
	}
	if got := call(t, b, key, "", nil, read, nil).name(t); got != "Read your writes" {
		t.Errorf("B without a token read %q from the paused replica; want the name it had replayed", got)
	}
	if got := call(t, b, key, token2, nil, read, nil).name(t); got != "Renamed while paused" {
		t.Errorf("B with the rename's token read %q; want the new name, from the primary after the wait", got)
	}
	// A campaign created while paused, synced at once through B without a token: sync reads
	// the primary throughout, its campaign filter too, so the new campaign is no NOT_FOUND.
	call(t, a, key, "", nil, `mutation { createCampaign(input: { slug: "replica-sync", name: "Synced at once" }) { userErrors { code message } } }`, nil).ok(t)
	synced := call(t, b, key, "", nil, `query { changes(filter: { campaign: "replica-sync" }) { changes { op type } token } }`, nil)
	synced.ok(t)
	if !strings.Contains(string(synced.Data), `"type":"Campaign"`) {
		t.Errorf("B's first sync of the campaign created while the replica was paused: %s", synced.Data)
	}
	c.Resume()
	before = onReplica()
	if got := call(t, b, key, token2, nil, read, nil).name(t); got != "Renamed while paused" {
		t.Errorf("resumed, B with the rename's token read %q", got)
	}
	if onReplica() <= before {
		t.Error("resumed, B's read with a replayed token did not go to the replica")
	}

	// A malformed token is refused, with a code, and nothing is served.
	for _, bad := range []struct {
		header string
		ext    map[string]any
	}{
		{"not-a-token", nil},
		{"1/2/3", nil},
		{"", map[string]any{"consistencyToken": 42}},
		{"", map[string]any{"consistencyToken": "zz/1"}},
	} {
		r := call(t, b, key, bad.header, bad.ext, read, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || len(r.Data) > 0 && string(r.Data) != "null" {
			t.Errorf("token %q / %v: %d %s; want one BAD_USER_INPUT error and no data", bad.header, bad.ext, r.status, r.body)
		}
	}

	// The answer cache: once a mutation has returned, no anonymous answer from before it is
	// served, cached or computed again, though the replica has not replayed it, and the
	// cache keeps no answer older than the version it is stored with.
	pub := call(t, a, key, "", nil, `mutation { createCampaign(input: { slug: "replica-cache", name: "Cached", status: ACTIVE }) { campaign { id } userErrors { code message } } }`, nil)
	pub.ok(t)
	pubID := pub.str(t, "createCampaign", "campaign", "id")
	anon := `query { campaign(slug: "replica-cache") { name } }`
	for i := range 2 {
		if got := call(t, b, "", pub.header.Get("Consistency-Token"), nil, anon, nil).name(t); got != "Cached" {
			t.Fatalf("anonymous read %d through B: %q", i, got)
		}
	}
	c.Pause()
	call(t, a, key, "", nil, `mutation($id: ID!) { updateCampaign(input: { id: $id, expectedVersion: 1, name: "Cached, renamed" }) { userErrors { code message } } }`, map[string]any{"id": pubID}).ok(t)
	for i := range 3 {
		if got := call(t, b, "", "", nil, anon, nil).name(t); got != "Cached, renamed" {
			t.Errorf("anonymous read %d through B after the rename, without a token: %q", i, got)
		}
	}
	c.Resume()

	// /metrics: the lag gauge per replica, named by host:port, never by its URL.
	_, text := get(t, metricsA+"/metrics")
	if !strings.Contains(text, `db_replica_lag_seconds{replica="`+replica+`"}`) || strings.Contains(text, "postgres://") {
		t.Errorf("/metrics has no lag of %s, or shows a URL:\n%s", replica, grepLines(text, "db_re"))
	}

	// The replica stopped under load: no request fails, whichever instance serves it.
	var served atomic.Int64
	stop := make(chan struct{})
	failures := make(chan string, 64)
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := callErr([]string{a, b}[i%2], key, "", nil, read, nil)
				if err == nil && (r.status != http.StatusOK || len(r.Errors) > 0 || !strings.Contains(string(r.Data), "Renamed while paused")) {
					err = fmt.Errorf("%d %s", r.status, r.body)
				}
				if err != nil {
					select {
					case failures <- err.Error():
					default:
					}
				}
				served.Add(1)
			}
		})
	}
	waitServed := func(n int64) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); served.Load() < n; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d reads served in 30s, want %d", served.Load(), n)
			}
		}
	}
	waitServed(30)
	c.Replica.Stop("fast")
	waitReplicaUp(t, metricsA, replica, "0")
	waitServed(served.Load() + 30)
	close(stop)
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Errorf("a read failed while the replica stopped: %.300s", f)
	}
	waitReplicaUp(t, metricsA, replica, "0")
	c.Replica.Start()
	// Both instances count into this process's metrics: B's probe finds the replica again
	// within a second of A's.
	waitReplicaUp(t, metricsA, replica, "1")
	for deadline := time.Now().Add(20 * time.Second); ; {
		before = onReplica()
		if got := call(t, b, key, "", nil, read, nil).name(t); got != "Renamed while paused" {
			t.Errorf("B with the replica back read %q", got)
		}
		if onReplica() > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the restarted replica serves no reads of B after 20s")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// A subscriber on B hears a change written through A: its re-read runs on the primary.
	names := subscribe(t, b, key, `subscription($id: ID!) { campaignChanged(campaign: $id) { campaign { name } } }`, map[string]any{"id": id})
	heard := ""
	for version := 2; heard == "" && version <= 20; version++ {
		n := fmt.Sprintf("Heard %d", version)
		call(t, a, key, "", nil, `mutation($id: ID!, $v: Int!, $n: String!) { updateCampaign(input: { id: $id, expectedVersion: $v, name: $n }) { userErrors { code message } } }`,
			map[string]any{"id": id, "v": version, "n": n}).ok(t)
		select {
		case heard = <-names:
		case <-time.After(2 * time.Second):
		}
	}
	if !strings.HasPrefix(heard, "Heard ") {
		t.Fatalf("the subscriber on B heard %q, want a name written through A", heard)
	}
}

// answer is a GraphQL answer with its HTTP status and headers.
type answer struct {
	status int
	header http.Header
	body   []byte
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Extensions map[string]any
	}
	Extensions map[string]any
}

func (r *answer) ok(t *testing.T) {
	t.Helper()
	if r.status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

// str returns the string at path in the answer's data.
func (r *answer) str(t *testing.T, path ...string) string {
	t.Helper()
	var v any
	_ = json.Unmarshal(r.Data, &v)
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	s, ok := v.(string)
	if !ok {
		t.Fatalf("no %v in %s", path, r.body)
	}
	return s
}

// call posts a GraphQL request with key, a Consistency-Token header when token is set and
// extensions when ext is.
func call(t *testing.T, base, key, token string, ext map[string]any, query string, vars map[string]any) *answer {
	t.Helper()
	r, err := callErr(base, key, token, ext, query, vars)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// callErr is call that returns its error, for goroutines other than the test's.
func callErr(base, key, token string, ext map[string]any, query string, vars map[string]any) (*answer, error) {
	var header map[string]string
	if token != "" {
		header = map[string]string{"Consistency-Token": token}
	}
	return postScaledVars(http.DefaultClient, base, key, query, ext, header, vars)
}

func mustToken(t *testing.T, s string) store.Token {
	t.Helper()
	tok, err := store.ParseToken(s)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// waitReplicaUp waits until the instance's /metrics says db_replica_up of replica is want.
func waitReplicaUp(t *testing.T, metricsBase, replica, want string) {
	t.Helper()
	line := `db_replica_up{replica="` + replica + `"} ` + want
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, text := get(t, metricsBase+"/metrics")
		if strings.Contains(text, line+"\n") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in /metrics after 20s:\n%s", line, grepLines(text, "db_re"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// grepLines returns the lines of text that begin with prefix.
func grepLines(text, prefix string) string {
	var out []string
	for l := range strings.SplitSeq(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
