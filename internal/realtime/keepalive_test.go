package realtime_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"campaigns/internal/realtime"
)

// TestIdleWebsocketsGetKeepAlives: an idle websocket with a subscription gets its
// subprotocol's keep-alive again and again (the instance sends one every second): a pong
// over graphql-transport-ws, "ka" over graphql-ws, and nothing before the acknowledgement.
func TestIdleWebsocketsGetKeepAlives(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	for proto, want := range map[string]string{"graphql-transport-ws": "pong", "graphql-ws": "ka"} {
		t.Run(proto, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(in.srv.URL, "http")+"/query",
				&websocket.DialOptions{Subprotocols: []string{proto}})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.CloseNow()
			if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init"}); err != nil {
				t.Fatal(err)
			}
			var m wsMessage
			if err := wsjson.Read(ctx, conn, &m); err != nil || m.Type != "connection_ack" {
				t.Fatalf("first message %+v (%v), want connection_ack", m, err)
			}
			start := "subscribe"
			if proto == "graphql-ws" {
				start = "start"
			}
			if err := wsjson.Write(ctx, conn, wsMessage{ID: "1", Type: start, Payload: []byte(`{"query":"subscription { eventChanged { op } }"}`)}); err != nil {
				t.Fatal(err)
			}
			for got := 0; got < 3; {
				var m wsMessage
				if err := wsjson.Read(ctx, conn, &m); err != nil {
					t.Fatalf("after %d keep-alives: %v", got, err)
				}
				if m.Type != want {
					t.Fatalf("got %+v while idle, want only %q keep-alives", m, want)
				}
				got++
			}
		})
	}
}
