package realtime_test

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"campaigns/internal/realtime"
)

// TestIdleWebsocketsHoldNoConnectionGoroutine: once a websocket has taken its connection
// over, net/http's goroutine for that connection, parked deep under the middleware, is let
// go; each idle subscriber holds one goroutine on the server, its connection's reader (no
// goroutine per operation while it waits, no close watcher), besides the test's client's
// reader. A subscription whose document and answer are larger than the websocket's small
// buffers passes through them whole.
func TestIdleWebsocketsHoldNoConnectionGoroutine(t *testing.T) {
	const n = 50
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{PerKey: n})
	vars := map[string]any{"event": w.events[0].GlobalID()}
	// A document of several kilobytes (a comment) asking for the title 40 times (aliases):
	// more than the read buffer in, more than the write buffer out.
	var doc strings.Builder
	doc.WriteString("# " + strings.Repeat("concert night ", 300) + "\nsubscription($event: ID) { eventChanged(event: $event) { op event { ")
	for i := range 40 {
		doc.WriteString("t" + strings.Repeat("x", 20) + string(rune('a'+i%26)) + strings.Repeat("y", i) + ": title ")
	}
	doc.WriteString("} } }")
	before := runtime.NumGoroutine()
	subs := make([]subscriber, n)
	for i := range subs {
		c, err := dialWS(t, in.srv.URL, "graphql-transport-ws", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			subs[i] = c.subscribe(t, "1", doc.String(), vars)
		} else {
			subs[i] = c.subscribe(t, "1", eventChangedDoc, vars)
		}
	}
	in.awaitSubscribers(t, n)

	// 1 client reader and 1 server reader a subscriber, and a few more of the database
	// pool, the HTTP client's and the keep-alive timers'. gqlgen's transport held 3 on the
	// server.
	// The goroutines that answered the subscribe messages end by themselves, soon after
	// the subscriptions have started: wait for them, within a bound.
	want := 2*n + n/5
	d := runtime.NumGoroutine() - before
	for deadline := time.Now().Add(wait); d > want && time.Now().Before(deadline); d = runtime.NumGoroutine() - before {
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("%d idle subscribers: %d goroutines more", n, d)
	if d > want {
		t.Errorf("%d idle subscribers hold %d goroutines more, want at most %d", n, d, want)
	}
	buf := make([]byte, 8<<20)
	stacks := buf[:runtime.Stack(buf, true)]
	serving := bytes.Count(stacks, []byte("net/http.(*conn).serve("))
	t.Logf("%d goroutines in net/http's connection handler", serving)
	if serving >= n/5 {
		t.Errorf("%d goroutines are in net/http's connection handler with %d idle websockets, want them let go", serving, n)
	}

	w.renameEvent(t, in.srv.URL, w.events[0], "Mandalay concert")
	for i, s := range subs {
		r, ok := s.next(t)
		if !ok {
			t.Fatalf("subscriber %d: the stream ended", i)
		}
		if i == 0 {
			if len(r.Errors) > 0 || strings.Count(string(r.Data), "Mandalay concert") != 40 {
				t.Fatalf("the large subscription got %s %v", r.Data, r.Errors)
			}
			continue
		}
		if got := decode[eventChanged](t, r).EventChanged; got.Event == nil || got.Event.Title != "Mandalay concert" {
			t.Errorf("subscriber %d got %+v", i, got)
		}
	}
}

// TestStreamsCloseEndsDetachedWebsockets: a websocket is served on a goroutine of its own
// once upgraded, yet Streams still knows it: Close ends every open websocket (both
// subprotocols) and returns only when they are over; a websocket opened afterwards is
// refused.
func TestStreamsCloseEndsDetachedWebsockets(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	vars := map[string]any{"event": w.events[0].GlobalID()}
	var clients []*wsClient
	for _, proto := range []string{"graphql-transport-ws", "graphql-ws", "graphql-transport-ws"} {
		c, err := dialWS(t, in.srv.URL, proto, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		c.subscribe(t, "1", eventChangedDoc, vars)
		clients = append(clients, c)
	}
	in.awaitSubscribers(t, len(clients))
	if n := in.streams.Count(); n != len(clients) {
		t.Fatalf("Streams counts %d open, want %d", n, len(clients))
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := in.streams.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := in.streams.Count(); n != 0 {
		t.Errorf("after Close, Streams counts %d open", n)
	}
	for i, c := range clients {
		select {
		case <-c.closed:
		case <-ctx.Done():
			t.Fatalf("websocket %d (%s) is still open after Close", i, c.proto)
		}
	}
	in.awaitSubscribers(t, 0)
	if _, err := dialWS(t, in.srv.URL, "graphql-transport-ws", nil, nil); err == nil {
		t.Error("a websocket opened after Close was accepted")
	}
}
