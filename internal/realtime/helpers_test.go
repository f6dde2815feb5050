package realtime_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/jackc/pgx/v5"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/realtime"
	"campaigns/internal/store"
	"campaigns/models"
)

// wait bounds every wait for a message: generous, since the machine may be busy; a test
// that passes never waits this long.
const wait = 20 * time.Second

// world is a small data set: one organization (the organizer, with an EDITOR key), an
// active campaign it owns, and two public events of it in Myanmar.
type world struct {
	st       *store.Store
	url      string
	org      *models.Organization
	campaign *models.Campaign
	events   [2]*models.Event
	key      string
}

func newWorld(t testing.TB) *world {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	w := &world{st: st, url: url}
	_, err := st.SeedOnce(context.Background(), "realtime", func(tx *store.Writer) error {
		if err := tx.Insert(&models.Country{Code: "MM", Name: "Myanmar", AliasList: []string{"Burma"}, AseanMember: true}); err != nil {
			return err
		}
		w.org = &models.Organization{Slug: "organizer", Name: "Organizer", Kind: "CIVIL_SOCIETY"}
		if err := tx.Insert(w.org); err != nil {
			return err
		}
		w.campaign = &models.Campaign{Slug: "mtv-exit", Name: "MTV EXIT", Status: "ACTIVE", StartPrecision: "DAY", EndPrecision: "DAY",
			OwnerID: &w.org.ID, FocusList: []string{}, ThemesList: []string{}, AudiencesList: []string{}, ObjectivesList: []string{}}
		if err := tx.Insert(w.campaign); err != nil {
			return err
		}
		start := time.Date(2012, 12, 8, 12, 30, 0, 0, time.UTC)
		mm := "MM"
		for i := range w.events {
			w.events[i] = &models.Event{CampaignID: w.campaign.ID, Title: fmt.Sprintf("Concert %d", i+1), Kind: "CONCERT",
				Status: "SCHEDULED", StartBound: start, DatePrecision: models.PrecisionMinute, CountryCode: &mm,
				Visibility: "PUBLIC", OrganizerID: w.org.ID, Version: 1}
			if err := tx.Insert(w.events[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("build the world: %v", err)
	}
	w.key = apitest.Key(t, st, "organizer", "EDITOR")
	return w
}

// exec runs SQL on the world's database in one transaction, committed or rolled back.
func (w *world) exec(t testing.TB, commit bool, sql ...string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, w.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sql {
		if _, err := tx.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if commit {
		err = tx.Commit(ctx)
	} else {
		err = tx.Rollback(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// instance is one server instance: its own broker, listening connection and HTTP server,
// over the shared database.
type instance struct {
	srv     *httptest.Server
	broker  *realtime.Broker
	streams *api.Streams
}

func startInstance(t testing.TB, st *store.Store, opt realtime.Options) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b := realtime.New(st, opt)
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	select {
	case <-b.Listening():
	case <-time.After(wait):
		t.Fatal("the broker does not listen")
	}
	in := &instance{broker: b, streams: new(api.Streams)}
	in.srv = httptest.NewServer(api.New(st, api.Options{Broker: b, Streams: in.streams, KeepAlive: time.Second,
		Limits: limits.Config{MaxCost: apitest.TestMaxCost}}))
	t.Cleanup(func() {
		b.Shutdown()
		closeCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
		_ = in.streams.Close(closeCtx)
		stop()
		in.srv.Close()
		cancel()
		<-done
	})
	return in
}

// awaitSubscribers waits until the instance's broker holds n subscriptions that have
// started (Broker.Live): checked, so that a change made next cannot make their check fail.
func (in *instance) awaitSubscribers(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for in.broker.Live() != n || in.broker.Count() != n {
		if time.Now().After(deadline) {
			t.Fatalf("the broker holds %d subscriptions (%d started), not %d", in.broker.Count(), in.broker.Live(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// gqlResult is one GraphQL answer.
type gqlResult struct {
	Data   json.RawMessage `json:"data"`
	Errors []apitest.Error `json:"errors"`
}

func (r gqlResult) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Code()
}

// post sends one GraphQL request over HTTP to base as the caller with key.
func post(t testing.TB, base, key, query string, vars map[string]any) gqlResult {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r gqlResult
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decode answer: %v", err)
	}
	return r
}

// renameEvent renames an event through the API of base as the world's organizer.
func (w *world) renameEvent(t testing.TB, base string, e *models.Event, title string) {
	t.Helper()
	var version int
	r := post(t, base, w.key, `query($id: ID!) { node(id: $id) { ... on Event { version } } }`, map[string]any{"id": e.GlobalID()})
	var v struct{ Node struct{ Version int } }
	if err := json.Unmarshal(r.Data, &v); err != nil || len(r.Errors) > 0 {
		t.Fatalf("read version: %v %v", err, r.Errors)
	}
	version = v.Node.Version
	r = post(t, base, w.key, `mutation($input: UpdateEventInput!) { updateEvent(input: $input) { event { title } userErrors { code message } } }`,
		map[string]any{"input": map[string]any{"id": e.GlobalID(), "expectedVersion": version, "title": title}})
	if len(r.Errors) > 0 || strings.Contains(string(r.Data), `"code"`) {
		t.Fatalf("updateEvent: %s %v", r.Data, r.Errors)
	}
}

// subscriber is a client of one subscription, over any transport.
type subscriber interface {
	// next returns the subscription's next answer; ok is false when the stream ended.
	next(t testing.TB) (r gqlResult, ok bool)
}

// wsClient speaks graphql-transport-ws or the legacy graphql-ws over one websocket.
type wsClient struct {
	conn  *websocket.Conn
	proto string
	mu    sync.Mutex
	subs  map[string]chan gqlResult
	// closed is closed when the connection ends.
	closed chan struct{}
	// errs holds the "error" messages of operations, by id.
	errs chan wsOpError
}

type wsOpError struct {
	ID      string
	Payload json.RawMessage
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// dialWS opens a websocket to base with subprotocol proto and sends connection_init with
// payload; it returns the client once the server acknowledged, or the server's refusal.
func dialWS(t testing.TB, base, proto string, header http.Header, payload map[string]any) (*wsClient, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/query",
		&websocket.DialOptions{Subprotocols: []string{proto}, HTTPHeader: header})
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	p, _ := json.Marshal(payload)
	if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init", Payload: p}); err != nil {
		return nil, err
	}
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, conn, &m); err != nil {
			return nil, err
		}
		switch m.Type {
		case "connection_ack":
			c := &wsClient{conn: conn, proto: proto, subs: map[string]chan gqlResult{}, closed: make(chan struct{}), errs: make(chan wsOpError, 16)}
			go c.read()
			t.Cleanup(func() { _ = conn.CloseNow() })
			return c, nil
		case "connection_error":
			return nil, fmt.Errorf("connection_error: %s", m.Payload)
		}
	}
}

func (c *wsClient) read() {
	defer close(c.closed)
	defer func() {
		c.mu.Lock()
		for _, ch := range c.subs {
			close(ch)
		}
		c.subs = map[string]chan gqlResult{}
		c.mu.Unlock()
	}()
	for {
		var m wsMessage
		if err := wsjson.Read(context.Background(), c.conn, &m); err != nil {
			return
		}
		switch m.Type {
		case "next", "data":
			var r gqlResult
			_ = json.Unmarshal(m.Payload, &r)
			c.mu.Lock()
			ch := c.subs[m.ID]
			c.mu.Unlock()
			if ch != nil {
				ch <- r
			}
		case "complete":
			c.mu.Lock()
			if ch := c.subs[m.ID]; ch != nil {
				close(ch)
				delete(c.subs, m.ID)
			}
			c.mu.Unlock()
		case "error":
			c.errs <- wsOpError{ID: m.ID, Payload: m.Payload}
		case "ping":
			_ = wsjson.Write(context.Background(), c.conn, wsMessage{Type: "pong"})
		}
	}
}

// subscribe starts a subscription with the given id.
func (c *wsClient) subscribe(t testing.TB, id, query string, vars map[string]any) subscriber {
	t.Helper()
	ch := make(chan gqlResult, 256)
	c.mu.Lock()
	c.subs[id] = ch
	c.mu.Unlock()
	typ := "subscribe"
	if c.proto == "graphql-ws" {
		typ = "start"
	}
	p, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err := wsjson.Write(context.Background(), c.conn, wsMessage{ID: id, Type: typ, Payload: p}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	return chanSubscriber(ch)
}

type chanSubscriber chan gqlResult

func (ch chanSubscriber) next(t testing.TB) (gqlResult, bool) {
	t.Helper()
	select {
	case r, ok := <-ch:
		return r, ok
	case <-time.After(wait):
		t.Fatal("no message within the wait")
		return gqlResult{}, false
	}
}

// sse subscribes over server-sent events to base as the caller with key.
func sse(t testing.TB, base, key, query string, vars map[string]any) subscriber {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("SSE answered %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	ch := make(chan gqlResult, 256)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
				if event == "complete" {
					return
				}
			case strings.HasPrefix(line, "data: ") && event == "next":
				var r gqlResult
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &r)
				ch <- r
			}
		}
	}()
	return chanSubscriber(ch)
}

// decode decodes a subscription answer that must carry data.
func decode[T any](t testing.TB, r gqlResult) T {
	t.Helper()
	var v T
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, &v); err != nil {
		t.Fatalf("decode %s: %v", r.Data, err)
	}
	return v
}
