package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/config"
	"campaigns/internal/realtime"
)

// The README's examples beyond its ```graphql blocks: a subscription in a JavaScript
// client's `query: '…'`, and the URLs of curl's downloads.
var (
	jsQuery     = regexp.MustCompile(`query: '((?:[^'\\]|\\.)*)'`)
	downloadURL = regexp.MustCompile(`'http://localhost:8080(/(?:export|calendar)/[^']*)'`)
	// subscriptionField names a subscription by its root field.
	subscriptionField = regexp.MustCompile(`^\s*subscription[^{]*\{\s*(\w+)`)
)

// readme returns the README's text.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// defaultSettings are the settings of a server started with no environment at all: the
// public limits, as a partner meets them.
func defaultSettings(t *testing.T) config.Config {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestReadmeQueriesRun runs every GraphQL example of the README against the seeded data on
// a server with the default settings, so that the examples a new partner copies first keep
// working, and within the limits, as the schema changes: each answers with no error, no
// null root field and no userErrors.
func TestReadmeQueriesRun(t *testing.T) {
	text := readme(t)
	blocks := graphqlBlock.FindAllStringSubmatch(text, -1)
	if len(blocks) < 12 {
		t.Fatalf("the README has %d GraphQL examples, want at least 12", len(blocks))
	}
	st, _ := seededWithURL(t)
	cfg := defaultSettings(t)
	c := &apitest.Client{Handler: api.New(st, api.Options{Limits: cfg.Limits})}
	editor := c.As(apitest.Key(t, st, "mtv-exit", "EDITOR"))
	var some struct {
		Events struct{ Nodes []struct{ ID string } }
	}
	c.Query(t, `{ events(first: 1) { nodes { id } } }`, nil).MustData(t, &some)
	// The translations example writes to a record of the editor's own.
	var own struct {
		M struct{ Campaign struct{ ID string } }
	}
	editor.Query(t, `mutation { m: createCampaign(input: { slug: "readme-own", name: "The editor's own campaign", summary: "Its summary." }) { campaign { id } } }`, nil).
		MustData(t, &own)
	vars := map[string]any{"id": some.Events.Nodes[0].ID, "record": own.M.Campaign.ID}
	for i, b := range blocks {
		client := c
		if strings.HasPrefix(strings.TrimSpace(b[2]), "mutation") || strings.Contains(b[2], "\nmutation") {
			client = editor
		}
		res := client.Query(t, b[2], vars)
		var data map[string]any
		res.MustData(t, &data)
		for field, v := range data {
			if v == nil {
				t.Errorf("example %d: %s is null", i+1, field)
			}
		}
		if ue := userErrors(data); len(ue) > 0 {
			t.Errorf("example %d: userErrors %v", i+1, ue)
		}
	}
}

// TestReadmeSubscriptionsRun runs the README's subscriptions, the JavaScript client's and the
// curl example's, over server-sent events on a server with the default settings and a
// broker, each until its first item: the counts subscription brings the counts as they are,
// and eventChanged the change the test makes to an event in Burma.
func TestReadmeSubscriptionsRun(t *testing.T) {
	text := readme(t)
	var docs []string
	for _, m := range jsBlock.FindAllStringSubmatch(text, -1) {
		for _, q := range jsQuery.FindAllStringSubmatch(m[1], -1) {
			docs = append(docs, q[1])
		}
	}
	for _, m := range shBlock.FindAllStringSubmatch(text, -1) {
		for _, cmd := range curlCommand.FindAllString(m[1], -1) {
			if q := jsonQuery.FindStringSubmatch(cmd); q != nil {
				var doc string
				if err := json.Unmarshal([]byte(q[1]), &doc); err != nil {
					t.Fatalf("curl example's query: %v", err)
				}
				docs = append(docs, doc)
			}
		}
	}
	if len(docs) < 2 {
		t.Fatalf("found %d subscriptions in the README, want its JavaScript and curl ones", len(docs))
	}

	st, url := seededWithURL(t)
	cfg := defaultSettings(t)
	ctx, cancel := context.WithCancel(context.Background())
	b := realtime.New(st, realtime.Options{Buffer: cfg.Realtime.Buffer, PerKey: cfg.Realtime.PerKey})
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	select {
	case <-b.Listening():
	case <-time.After(20 * time.Second):
		t.Fatal("the broker does not listen")
	}
	streams := new(api.Streams)
	srv := httptest.NewServer(api.New(st, api.Options{Limits: cfg.Limits, Broker: b, Streams: streams, KeepAlive: cfg.Realtime.KeepAlive}))
	t.Cleanup(func() {
		b.Shutdown()
		closing, stop := context.WithTimeout(context.Background(), 5*time.Second)
		_ = streams.Close(closing)
		stop()
		srv.Close()
		cancel()
		<-done
	})
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var burma int64
	if err := conn.QueryRow(context.Background(), `SELECT id FROM events WHERE country_code = 'MM' AND listed ORDER BY id LIMIT 1`).Scan(&burma); err != nil {
		t.Fatal(err)
	}
	var event struct {
		Events struct{ Nodes []struct{ ID string } }
	}
	(&apitest.Client{Handler: srv.Config.Handler}).Query(t, `{ events(first: 1, filter: {country: "Burma"}) { nodes { id } } }`, nil).MustData(t, &event)
	vars := map[string]any{"e": event.Events.Nodes[0].ID}

	for _, doc := range docs {
		name := subscriptionField.FindStringSubmatch(doc)
		if name == nil {
			t.Fatalf("not a subscription: %s", doc)
		}
		t.Run(name[1], func(t *testing.T) {
			items := sseSubscribe(t, srv.URL, doc, vars)
			// A counts subscription starts with the counts as they are; eventChanged waits for
			// a change, which the test makes again until one reaches it (the first may come
			// before the subscription is listening).
			changes := strings.Contains(doc, "eventChanged")
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			deadline := time.After(20 * time.Second)
			for {
				if changes {
					if _, err := conn.Exec(context.Background(), `UPDATE events SET summary = coalesce(summary, '') || ' ' WHERE id = $1`, burma); err != nil {
						t.Fatal(err)
					}
				}
				select {
				case r, ok := <-items:
					if !ok {
						t.Fatal("the stream ended without an item")
					}
					if len(r.Errors) > 0 || len(r.Data) == 0 || string(r.Data) == "null" {
						t.Errorf("first item: data %s, errors %+v", r.Data, r.Errors)
					}
					return
				case <-tick.C:
				case <-deadline:
					t.Fatal("no item")
				}
			}
		})
	}
}

// sseSubscribe subscribes anonymously over server-sent events and returns the items.
func sseSubscribe(t *testing.T, base, query string, vars map[string]any) <-chan apitest.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("server-sent events answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	items := make(chan apitest.Response, 16)
	go func() {
		defer close(items)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "next":
				var r apitest.Response
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &r)
				items <- r
			}
		}
	}()
	return items
}

// TestReadmeDownloadsRun fetches every export and calendar URL of the README's curl
// examples from a server with the default settings: each answers 200.
func TestReadmeDownloadsRun(t *testing.T) {
	t.Parallel()
	text := readme(t)
	st, _ := seededWithURL(t)
	cfg := defaultSettings(t)
	h := api.New(st, api.Options{Limits: cfg.Limits})
	key := apitest.Key(t, st, "mtv-exit", "VIEWER")
	n := 0
	for _, m := range shBlock.FindAllStringSubmatch(text, -1) {
		for _, cmd := range curlCommand.FindAllString(m[1], -1) {
			u := downloadURL.FindStringSubmatch(cmd)
			if u == nil {
				continue
			}
			n++
			req := httptest.NewRequest(http.MethodGet, u[1], nil)
			if strings.Contains(cmd, "Authorization: Bearer") {
				req.Header.Set("Authorization", "Bearer "+key)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Errorf("%s: %d, %d bytes: %.300s", u[1], rec.Code, rec.Body.Len(), rec.Body.String())
			}
		}
	}
	if n < 5 {
		t.Errorf("found %d downloads in the README's curl examples, want its exports and calendar", n)
	}
}
