package faulttest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/api"
	"campaigns/internal/realtime"
	"campaigns/internal/relay"
	"campaigns/internal/store"
)

// TestSubscriptionSurvivesDatabaseRestart restarts PostgreSQL under a subscription: the
// instance's one listening connection breaks, the broker listens again, the subscriber is
// told to resync (with the current state), and changes made after the restart reach it.
func TestSubscriptionSurvivesDatabaseRestart(t *testing.T) {
	pg := newCluster(t)
	ctx := context.Background()
	st, err := store.Open(ctx, pg.URL("campaigns"), store.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	if _, err := st.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	var id int64
	sql(t, pg.URL("campaigns"), func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `INSERT INTO campaigns (slug, name, status) VALUES ('exit', 'MTV EXIT', 'ACTIVE') RETURNING id`).Scan(&id)
	})

	runCtx, stop := context.WithCancel(ctx)
	b := realtime.New(st, realtime.Options{MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond})
	done := make(chan struct{})
	go func() { b.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	<-b.Listening()
	srv := httptest.NewServer(api.New(st, api.Options{Broker: b}))
	t.Cleanup(srv.Close)

	items := subscribeSSE(t, srv.URL, `subscription($id: ID!) { campaignChanged(campaign: $id) { op resync campaign { name } } }`,
		map[string]any{"id": relay.EncodeInt(relay.TypeCampaign, id)})
	for b.Count() != 1 {
		time.Sleep(5 * time.Millisecond)
	}
	rename := func(name string) {
		sql(t, pg.URL("campaigns"), func(c *pgx.Conn) error {
			_, err := c.Exec(ctx, `UPDATE campaigns SET name = $1 WHERE id = $2`, name, id)
			return err
		})
	}
	rename("Before")
	if got := nextItem(t, items); got.Name != "Before" || got.Resync {
		t.Fatalf("before the restart: %+v", got)
	}

	pg.Stop("fast")
	pg.Start()
	if got := nextItem(t, items); !got.Resync || got.Name != "Before" {
		t.Fatalf("after the restart the subscriber gets %+v, not a resync with the current state", got)
	}
	rename("After")
	if got := nextItem(t, items); got.Name != "After" || got.Resync {
		t.Fatalf("after the restart: %+v", got)
	}
}

func sql(t *testing.T, url string, fn func(*pgx.Conn) error) {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if err := fn(c); err != nil {
		t.Fatal(err)
	}
}

type campaignItem struct {
	Name   string
	Resync bool
}

// subscribeSSE subscribes over server-sent events and returns its items.
func subscribeSSE(t *testing.T, base, query string, vars map[string]any) <-chan campaignItem {
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
	ch := make(chan campaignItem, 16)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var r struct {
				Data struct {
					CampaignChanged struct {
						Resync   bool
						Campaign *struct{ Name string }
					}
				}
				Errors []any
			}
			_ = json.Unmarshal([]byte(data), &r)
			it := campaignItem{Resync: r.Data.CampaignChanged.Resync}
			if c := r.Data.CampaignChanged.Campaign; c != nil {
				it.Name = c.Name
			}
			if len(r.Errors) > 0 {
				it.Name = "errors: " + data
			}
			ch <- it
		}
	}()
	return ch
}

func nextItem(t *testing.T, ch <-chan campaignItem) campaignItem {
	t.Helper()
	select {
	case it, ok := <-ch:
		if !ok {
			t.Fatal("the stream ended")
		}
		return it
	case <-time.After(60 * time.Second):
		t.Fatal("no item within a minute")
	}
	return campaignItem{}
}
