package api

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// Keep-alive messages of the two websocket subprotocols: graphql-transport-ws clients take
// an unasked pong as one without answering it; legacy graphql-ws has "ka".
var (
	keepAlivePong = json.RawMessage(`{"type":"pong"}`)
	keepAliveKA   = json.RawMessage(`{"type":"ka"}`)
)

// timedKeepAlive is gqlgen's coder/websocket implementation with the keep-alives sent from
// a timer instead of a goroutine per connection: gqlgen's own keep-alive (PongOnlyInterval,
// KeepAlivePingInterval) holds a goroutine and a ticker for each open websocket, which is
// what a concert night's ten thousand idle subscribers cannot afford. A timer costs no
// goroutine while it waits; it fires every interval once the connection is acknowledged
// (its first message), until it closes. coder/websocket lets writes run concurrently, so
// the keep-alive and gqlgen's own writes need no common lock.
type timedKeepAlive struct {
	inner    transport.WebsocketImplementation
	interval time.Duration
}

func (k timedKeepAlive) Accept(w http.ResponseWriter, r *http.Request, opt transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := k.inner.Accept(w, r, opt)
	if err != nil {
		return nil, err
	}
	msg := keepAliveKA
	if c.Subprotocol() == "graphql-transport-ws" {
		msg = keepAlivePong
	}
	return &keptAlive{WebsocketConn: c, interval: k.interval, msg: msg}, nil
}

// keptAlive is one websocket with its keep-alive timer.
type keptAlive struct {
	transport.WebsocketConn
	interval time.Duration
	msg      json.RawMessage

	mu     sync.Mutex
	timer  *time.Timer // nil until the first message is written
	closed bool
}

var (
	_ transport.WebsocketReadLimiter   = (*keptAlive)(nil)
	_ transport.WebsocketReadDeadliner = (*keptAlive)(nil)
)

// WriteJSON writes v and, the first time, starts the keep-alives: the first message is the
// connection's acknowledgement, before which graphql-ws allows no keep-alive.
func (c *keptAlive) WriteJSON(v any) error {
	err := c.WebsocketConn.WriteJSON(v)
	c.mu.Lock()
	if c.timer == nil && !c.closed {
		c.timer = time.AfterFunc(c.interval, c.keepAlive)
	}
	c.mu.Unlock()
	return err
}

func (c *keptAlive) keepAlive() {
	if c.WebsocketConn.WriteJSON(c.msg) != nil {
		return // the connection is going; its reader ends it
	}
	c.mu.Lock()
	if !c.closed {
		c.timer.Reset(c.interval)
	}
	c.mu.Unlock()
}

func (c *keptAlive) stop() {
	c.mu.Lock()
	c.closed = true
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
}

func (c *keptAlive) Close() error {
	c.stop()
	return c.WebsocketConn.Close()
}

func (c *keptAlive) WriteClose(code int, message string) error {
	c.stop()
	return c.WebsocketConn.WriteClose(code, message)
}

func (c *keptAlive) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *keptAlive) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}
