package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/pgbouncertest"
)

// TestBehindPgBouncer runs the server as a deployment behind PgBouncer does: DATABASE_URL
// through a private PgBouncer in transaction pooling mode, whose 3 server connections
// are far fewer than the server's 20, so that one client connection's statements land on
// different server connections and anything relying on a session breaks (a statement
// prepared by name is not found); DATABASE_LISTEN_URL straight to PostgreSQL, for the
// migrations' lock and the subscriptions' LISTEN. Reads, writes with idempotency keys, a
// subscription, an export (a server-side cursor) and 20 requests at once all work.
func TestBehindPgBouncer(t *testing.T) {
	st, direct := dbtest.NewWithURL(t)
	// STATEMENT_TIMEOUT cannot pass through PgBouncer: the deployment sets it on the server side.
	pgb := pgbouncertest.Start(t, direct, pgbouncertest.Options{PoolSize: 3, ConnectQuery: "SET statement_timeout = 5000"})
	vars := map[string]string{
		"DATABASE_URL": pgb.URL(direct), "DATABASE_POOLER": "pgbouncer", "DATABASE_LISTEN_URL": direct,
		"ADDR": freeAddr(t), "METRICS_ADDR": "off", "DB_MAX_CONNS": "20", "STATEMENT_TIMEOUT": "5s",
		// Every request reaches the database, all at once, and none is refused for its budget.
		"CACHE_BYTES": "0", "ADMIT_CONCURRENCY": "40", "RATE_LIMIT_ANONYMOUS_POINTS": "0", "RATE_LIMIT_KEY_POINTS": "0",
	}
	base, log := startServer(t, vars)
	defer func() {
		if t.Failed() {
			t.Logf("server log:\n%s\npgbouncer log:\n%s", log(), pgb.Log())
		}
	}()
	if strings.Contains(log(), "statement_timeout") {
		t.Errorf("the server warns of the statement timeout that PgBouncer's connect_query sets:\n%s", log())
	}
	key := apitest.Key(t, st, "pgbouncer-editors", "EDITOR")

	// Reads, seeded through the pool at start-up.
	var read struct {
		Campaign struct{ Name string }
		Events   struct{ TotalCount int }
	}
	gql(t, base, "", "", `query($slug: String!) { campaign(slug: $slug) { name } events { totalCount } }`,
		map[string]any{"slug": "mtv-exit-southeast-asia"}, &read)
	if read.Campaign.Name == "" || read.Events.TotalCount == 0 {
		t.Fatalf("the seed does not read back: %+v", read)
	}

	// A write, retried with its idempotency key: one campaign, the same answer.
	type created struct {
		CreateCampaign struct {
			Campaign   struct{ ID string }
			UserErrors []any
		}
	}
	create := `mutation { createCampaign(input: { slug: "behind-pgbouncer", name: "Behind PgBouncer" }) { campaign { id } userErrors { code message } } }`
	var first, again created
	gql(t, base, key, "pgbouncer-create-1", create, nil, &first)
	gql(t, base, key, "pgbouncer-create-1", create, nil, &again)
	if id := first.CreateCampaign.Campaign.ID; id == "" || len(first.CreateCampaign.UserErrors) > 0 || again.CreateCampaign.Campaign.ID != id {
		t.Fatalf("create, then its retry: %+v, %+v", first, again)
	}
	id := first.CreateCampaign.Campaign.ID

	// A subscriber hears a change written through the pool, over its direct LISTEN.
	names := subscribe(t, base, key, `subscription($id: ID!) { campaignChanged(campaign: $id) { campaign { name } } }`, map[string]any{"id": id})
	heard := ""
	for version := 1; heard == "" && version <= 20; version++ {
		// The subscription may not be in place yet when the first change commits: change
		// the name until one is heard.
		var upd struct {
			UpdateCampaign struct{ UserErrors []any }
		}
		name := fmt.Sprintf("Renamed %d", version)
		gql(t, base, key, "", `mutation($id: ID!, $v: Int!, $name: String!) { updateCampaign(input: { id: $id, expectedVersion: $v, name: $name }) { userErrors { code message } } }`,
			map[string]any{"id": id, "v": version, "name": name}, &upd)
		if len(upd.UpdateCampaign.UserErrors) > 0 {
			t.Fatalf("rename %d: %v", version, upd.UpdateCampaign.UserErrors)
		}
		select {
		case heard = <-names:
		case <-time.After(2 * time.Second):
		}
	}
	if !strings.HasPrefix(heard, "Renamed ") {
		t.Fatalf("the subscriber heard %q, want a new name", heard)
	}

	// An export streams from a server-side cursor, inside its transaction.
	if code, body := get(t, base+"/export/events.csv"); code != http.StatusOK || strings.Count(body, "\n") != read.Events.TotalCount+1 {
		t.Fatalf("export: %d, %d lines for %d events:\n%.500s", code, strings.Count(body, "\n"), read.Events.TotalCount, body)
	}

	// The migrate command goes to the direct connection, where goose's session lock holds.
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"migrate", "status"}, env(vars), &out, &errOut); code != 0 || !strings.Contains(out.String(), "applied") {
		t.Errorf("migrate status: exit %d:\n%s%s", code, out.String(), errOut.String())
	}

	// 20 requests at once on 3 server connections: reads of every kind, and exports.
	var wg sync.WaitGroup
	errs := make(chan string, 20)
	for i := range 20 {
		wg.Go(func() {
			if i%5 == 0 {
				if code, body := get(t, base+"/export/events.jsonl"); code != http.StatusOK || strings.Count(body, "\n") != read.Events.TotalCount {
					errs <- fmt.Sprintf("export %d: %d %.300s", i, code, body)
				}
				return
			}
			var r struct {
				Campaigns struct {
					TotalCount int
					Nodes      []struct {
						Name   string
						Events struct{ Nodes []struct{ Title string } }
					}
				}
			}
			q := `query($n: Int!) { campaigns(first: $n) { totalCount nodes { name events(first: 3) { nodes { title } } } } }`
			if err := gqlErr(base, "", "", q, map[string]any{"n": 1 + i%7}, &r); err != nil || r.Campaigns.TotalCount == 0 {
				errs <- fmt.Sprintf("read %d: %v %+v", i, err, r)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// startServer runs the server with vars until the test ends, and returns its base URL once
// it is ready and a function that returns what it logged so far. Each probe of /readyz is
// bounded: a server that exits at start leaves its address held by the test (freeAddr),
// where a probe without a timeout would wait for ever.
func startServer(t *testing.T, vars map[string]string) (string, func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out pgbouncertest.LockedBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, nil, env(vars), &out, &out) }()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("server exited %d:\n%s", code, out.String())
		}
		done <- 0
	})
	base := "http://" + vars["ADDR"]
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		select {
		case code := <-done:
			done <- code // for the cleanup, which shows the log
			t.Fatalf("server exited %d at start", code)
		default:
		}
		res, err := client.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base, out.String
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready in a minute:\n%s", out.String())
		}
	}
}

// gql posts a GraphQL request, with an API key and an idempotency key when set, and
// decodes its data into v, failing the test on any error.
func gql(t *testing.T, base, key, idem, query string, vars map[string]any, v any) {
	t.Helper()
	if err := gqlErr(base, key, idem, query, vars, v); err != nil {
		t.Fatal(err)
	}
}

// gqlErr is gql that returns its error, for goroutines other than the test's.
func gqlErr(base, key, idem, query string, vars map[string]any, v any) error {
	var header map[string]string
	if idem != "" {
		header = map[string]string{"Idempotency-Key": idem}
	}
	r, err := postScaledVars(http.DefaultClient, base, key, query, nil, header, vars)
	if err != nil {
		return err
	}
	if r.status != http.StatusOK || len(r.Errors) > 0 {
		return fmt.Errorf("%.80s: %d %s", query, r.status, r.body)
	}
	return json.Unmarshal(r.Data, v)
}

// subscribe subscribes over server-sent events as the holder of key and returns the
// campaign names its changes carry.
func subscribe(t *testing.T, base, key, query string, vars map[string]any) <-chan string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d", res.StatusCode)
	}
	names := make(chan string, 64)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var r struct {
				Data struct {
					CampaignChanged struct{ Campaign *struct{ Name string } }
				}
			}
			if json.Unmarshal([]byte(data), &r) != nil || r.Data.CampaignChanged.Campaign == nil {
				names <- "unexpected: " + data
				continue
			}
			names <- r.Data.CampaignChanged.Campaign.Name
		}
	}()
	return names
}
