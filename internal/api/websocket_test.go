package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/realtime"
)

// wsWait bounds every wait for a message in the websocket tests: generous, for a busy
// machine; a test that passes never waits this long, but for the init timeout's 10 s.
const wsWait = 30 * time.Second

// wsServer starts a server with a broker listening, and keep-alives too rare to be seen.
func wsServer(t *testing.T) (string, *realtime.Broker) {
	t.Helper()
	return wsServerWith(t, func(*api.Options) {})
}

// wsServerWith starts wsServer's server with its options changed by set.
func wsServerWith(t *testing.T, set func(*api.Options)) (string, *realtime.Broker) {
	t.Helper()
	st := dbtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	b := realtime.New(st, realtime.Options{})
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	select {
	case <-b.Listening():
	case <-time.After(wsWait):
		t.Fatal("the broker does not listen")
	}
	opt := api.Options{Broker: b, KeepAlive: time.Hour, Limits: limits.Config{MaxCost: apitest.TestMaxCost}}
	set(&opt)
	srv := httptest.NewServer(api.New(st, opt))
	t.Cleanup(func() { srv.Close(); cancel(); <-done })
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/query", b
}

// wsTest is a raw client of either subprotocol, which sees every message and the close.
type wsTest struct {
	t    *testing.T
	conn *websocket.Conn
}

type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func wsOpen(t *testing.T, url, proto string) *wsTest {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wsWait)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{proto}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	return &wsTest{t: t, conn: conn}
}

// wsInit opens a connection and has it acknowledged (and, over graphql-ws, its first "ka").
func wsInit(t *testing.T, url, proto string) *wsTest {
	t.Helper()
	c := wsOpen(t, url, proto)
	c.send(`{"type":"connection_init"}`)
	if m := c.recv(); m.Type != "connection_ack" {
		t.Fatalf("answered %+v, want connection_ack", m)
	}
	if proto == "graphql-ws" {
		if m := c.recv(); m.Type != "ka" {
			t.Fatalf("after the ack came %+v, want ka", m)
		}
	}
	return c
}

func (c *wsTest) send(raw string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wsWait)
	defer cancel()
	if err := c.conn.Write(ctx, websocket.MessageText, []byte(raw)); err != nil {
		c.t.Fatalf("send %s: %v", raw, err)
	}
}

// operation starts operation id with query, as subscribe or start.
func (c *wsTest) operation(typ, id, query string) {
	c.t.Helper()
	b, _ := json.Marshal(wsMsg{ID: id, Type: typ, Payload: json.RawMessage(`{"query":` + quote(query) + `}`)})
	c.send(string(b))
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func (c *wsTest) recv() wsMsg {
	c.t.Helper()
	m, err := c.read()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

func (c *wsTest) read() (wsMsg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wsWait)
	defer cancel()
	_, b, err := c.conn.Read(ctx)
	if err != nil {
		return wsMsg{}, err
	}
	var m wsMsg
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatalf("the server sent %s: %v", b, err)
	}
	return m, nil
}

// closed reads until the server closes the connection and returns its close code; the
// messages read meanwhile are returned too.
func (c *wsTest) closed() (websocket.StatusCode, []wsMsg) {
	c.t.Helper()
	var seen []wsMsg
	for {
		m, err := c.read()
		if err != nil {
			return websocket.CloseStatus(err), seen
		}
		seen = append(seen, m)
	}
}

func awaitLive(t *testing.T, b *realtime.Broker, n int) {
	t.Helper()
	deadline := time.Now().Add(wsWait)
	for b.Live() != n || b.Count() != n {
		if time.Now().After(deadline) {
			t.Fatalf("the broker holds %d subscriptions (%d started), want %d", b.Count(), b.Live(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestWebsocketOperations: over both subprotocols, a query answers once and completes; a
// document that fails validation answers an error message and completes; a subscription the
// resolver refuses answers its errors as an item and completes; a subscription runs until
// the client stops it, and the server then completes it and forgets it; and over
// graphql-transport-ws a ping gets a pong with its payload, before the init too.
func TestWebsocketOperations(t *testing.T) {
	t.Parallel()
	url, b := wsServer(t)
	for proto, v := range map[string]struct{ start, stop, data string }{
		"graphql-transport-ws": {"subscribe", "complete", "next"},
		"graphql-ws":           {"start", "stop", "data"},
	} {
		t.Run(proto, func(t *testing.T) {
			c := wsOpen(t, url, proto)
			if proto == "graphql-transport-ws" { // a ping may come before the init
				c.send(`{"type":"ping","payload":{"at":"concert"}}`)
				if m := c.recv(); m.Type != "pong" || string(m.Payload) != `{"at":"concert"}` {
					t.Fatalf("ping answered %+v", m)
				}
			}
			initialized(c)
			if proto == "graphql-transport-ws" {
				c.send(`{"type":"ping"}`)
				if m := c.recv(); m.Type != "pong" || len(m.Payload) != 0 {
					t.Fatalf("ping answered %+v", m)
				}
			}

			c.operation(v.start, "q", `{ __typename }`)
			if m := c.recv(); m.Type != v.data || m.ID != "q" || !strings.Contains(string(m.Payload), `"__typename":"Query"`) {
				t.Fatalf("the query answered %+v", m)
			}
			if m := c.recv(); m.Type != "complete" || m.ID != "q" {
				t.Fatalf("after the query's answer came %+v, want complete", m)
			}

			c.operation(v.start, "v", `{ noSuchField }`)
			if m := c.recv(); m.Type != "error" || m.ID != "v" || !strings.Contains(string(m.Payload), "GRAPHQL_VALIDATION_FAILED") {
				t.Fatalf("an invalid document answered %+v", m)
			}
			if m := c.recv(); m.Type != "complete" || m.ID != "v" {
				t.Fatalf("after the error came %+v, want complete", m)
			}

			c.operation(v.start, "r", `subscription { eventChanged(event: "not an id") { op } }`)
			if m := c.recv(); m.Type != v.data || m.ID != "r" || !strings.Contains(string(m.Payload), `"errors"`) {
				t.Fatalf("a refused subscription answered %+v", m)
			}
			if m := c.recv(); m.Type != "complete" || m.ID != "r" {
				t.Fatalf("after the refusal came %+v, want complete", m)
			}

			c.operation(v.start, "s", `subscription { eventChanged { op } }`)
			awaitLive(t, b, 1)
			c.send(`{"type":"` + v.stop + `","id":"s"}`)
			if m := c.recv(); m.Type != "complete" || m.ID != "s" {
				t.Fatalf("the stopped subscription answered %+v, want complete", m)
			}
			awaitLive(t, b, 0)
		})
	}
}

// TestWebsocketLegacyReusedID: over graphql-ws an operation with the id of a running one
// takes its place, as Apollo's server had it: the first ends without a complete, and the
// client, which knows only the second, sees one complete when it stops it.
func TestWebsocketLegacyReusedID(t *testing.T) {
	t.Parallel()
	url, b := wsServer(t)
	c := wsInit(t, url, "graphql-ws")
	c.operation("start", "d", `subscription { eventChanged { op } }`)
	awaitLive(t, b, 1)
	c.operation("start", "d", `subscription { eventChanged { op eventId } }`)
	c.send(`{"type":"stop","id":"d"}`)
	awaitLive(t, b, 0) // both have ended
	// Operations answer on goroutines of their own, so d's complete may come after a later
	// operation's: read until both d's complete and the query's have come.
	c.operation("start", "z", `{ __typename }`)
	completes, queried := 0, false
	var seen []wsMsg
	for completes == 0 || !queried {
		m := c.recv()
		seen = append(seen, m)
		switch {
		case m.Type == "complete" && m.ID == "d":
			completes++
		case m.Type == "complete" && m.ID == "z":
			queried = true
		}
	}
	if completes != 1 {
		t.Errorf("the client saw %d completes of d (%+v), want 1", completes, seen)
	}
}

// TestWebsocketCloseCodes: what the client does wrong closes the connection with
// graphql-transport-ws's codes; over graphql-ws, whose clients read no close code, a
// connection_error says why first.
func TestWebsocketCloseCodes(t *testing.T) {
	t.Parallel()
	url, b := wsServer(t)
	for _, tt := range []struct {
		name  string
		proto string
		do    func(c *wsTest)
		code  websocket.StatusCode
		// connectionError: a connection_error comes before the close
		connectionError bool
	}{
		{"subscribe before init", "graphql-transport-ws", func(c *wsTest) {
			c.operation("subscribe", "1", `subscription { eventChanged { op } }`)
		}, 4401, false},
		{"no init within the timeout", "graphql-transport-ws", func(c *wsTest) {}, 4408, false},
		{"not JSON", "graphql-transport-ws", func(c *wsTest) { initialized(c); c.send(`concert`) }, 4400, false},
		{"an unknown type", "graphql-transport-ws", func(c *wsTest) { initialized(c); c.send(`{"type":"encore"}`) }, 4400, false},
		{"a legacy type", "graphql-transport-ws", func(c *wsTest) { initialized(c); c.send(`{"type":"start","id":"1"}`) }, 4400, false},
		{"subscribe without an id", "graphql-transport-ws", func(c *wsTest) {
			initialized(c)
			c.send(`{"type":"subscribe","payload":{"query":"{ __typename }"}}`)
		}, 4400, false},
		{"a second init", "graphql-transport-ws", func(c *wsTest) { initialized(c); c.send(`{"type":"connection_init"}`) }, 4429, false},
		{"a subscription id in use", "graphql-transport-ws", func(c *wsTest) {
			initialized(c)
			c.operation("subscribe", "1", `subscription { eventChanged { op } }`)
			awaitLive(c.t, b, 1)
			c.operation("subscribe", "1", `subscription { eventChanged { op } }`)
		}, 4409, false},
		{"terminate", "graphql-ws", func(c *wsTest) { initialized(c); c.send(`{"type":"connection_terminate"}`) }, 1000, false},
		{"legacy: an unknown type", "graphql-ws", func(c *wsTest) { initialized(c); c.send(`{"type":"subscribe","id":"1"}`) }, 4400, true},
		{"legacy: not JSON", "graphql-ws", func(c *wsTest) { initialized(c); c.send(`concert`) }, 4400, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: the id in use waits on the broker's one count.
			c := wsOpen(t, url, tt.proto)
			c.t = t
			tt.do(c)
			code, seen := c.closed()
			if code != tt.code {
				t.Errorf("closed with %d after %+v, want %d", code, seen, tt.code)
			}
			gotError := false
			for _, m := range seen {
				gotError = gotError || m.Type == "connection_error"
			}
			if gotError != tt.connectionError {
				t.Errorf("messages before the close: %+v; want a connection_error: %t", seen, tt.connectionError)
			}
			awaitLive(t, b, 0)
		})
	}
}

// initialized sends connection_init and reads the acknowledgement (and graphql-ws's "ka").
func initialized(c *wsTest) {
	c.t.Helper()
	c.send(`{"type":"connection_init"}`)
	if m := c.recv(); m.Type != "connection_ack" {
		c.t.Fatalf("answered %+v, want connection_ack", m)
	}
	if c.conn.Subprotocol() == "graphql-ws" {
		if m := c.recv(); m.Type != "ka" {
			c.t.Fatalf("after the ack came %+v, want ka", m)
		}
	}
}

// TestWebsocketClientThatStopsReading asks for many large answers and reads none of them
// for a while: once the server's writes have waited for the client longer than the write
// timeout, the server closes the connection, rather than hold a goroutine and an answer for
// each operation until the client comes back. Read afterwards, the connection ends before
// every answer has come.
func TestWebsocketClientThatStopsReading(t *testing.T) {
	url, _ := wsServerWith(t, func(o *api.Options) {
		o.Introspection = true
		o.WriteTimeout = 200 * time.Millisecond
	})
	c := wsInit(t, url, "graphql-transport-ws")
	c.conn.SetReadLimit(-1)
	// Some 100 KB each: far more in all than the socket buffers on both sides hold.
	const query = `{ __schema { types { name description fields { name description args { name description } } } } }`
	const ops = 100
	for i := range ops {
		c.operation("subscribe", fmt.Sprintf("q%d", i), query)
	}
	time.Sleep(2 * time.Second) // the client reads nothing meanwhile
	answers := 0
	for {
		m, err := c.read()
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("the connection is still open after %d answers", answers)
			}
			t.Logf("the connection ended: %v", err)
			break
		}
		if m.Type == "next" {
			answers++
		}
	}
	t.Logf("%d of %d answers came before the server closed the connection", answers, ops)
	if answers == ops {
		t.Errorf("all %d answers came: the server waited for the client however long it took", ops)
	}
}
