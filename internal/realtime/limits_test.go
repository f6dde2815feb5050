package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"campaigns/internal/realtime"
)

// TestSlowSubscriberIsClosedWithoutStallingOthers: a subscriber that reads nothing is
// closed as a slow consumer once its buffer is full, while another one keeps receiving.
func TestSlowSubscriberIsClosedWithoutStallingOthers(t *testing.T) {
	w := newWorld(t)
	b := realtime.New(w.st, realtime.Options{Buffer: 4})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	<-b.Listening()
	slow, err := b.Subscribe("key:1", realtime.Filter{Types: []string{"Event"}})
	if err != nil {
		t.Fatal(err)
	}
	fast, err := b.Subscribe("key:2", realtime.Filter{Types: []string{"Event"}})
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	const n = 20
	got := make(chan int, 1)
	go func() {
		count := 0
		for range fast.C() {
			if count++; count == n {
				got <- count
				return
			}
		}
	}()
	for i := range n {
		w.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Take %d' WHERE title LIKE 'Concert 1%%' OR title LIKE 'Take%%'`, i))
	}
	select {
	case <-got:
	case <-time.After(wait):
		t.Fatal("the reading subscriber did not get every change")
	}
	received := 0
	for range slow.C() {
		received++
	}
	if !errors.Is(slow.Err(), realtime.ErrSlowConsumer) || received != 4 {
		t.Errorf("the slow subscriber got %d messages and %v", received, slow.Err())
	}
	if b.Count() != 1 {
		t.Errorf("the broker holds %d subscriptions, not 1", b.Count())
	}
}

// TestSlowSubscriberGetsItsCode: over a websocket, a subscriber that cannot keep up with a
// burst of changes gets an answer with SLOW_CONSUMER and the end of its subscription.
func TestSlowSubscriberGetsItsCode(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{Buffer: 2})
	c, err := dialWS(t, in.srv.URL, "graphql-transport-ws", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := c.subscribe(t, "1", eventChangedDoc, map[string]any{"event": w.events[0].GlobalID()})
	in.awaitSubscribers(t, 1)
	burst := make([]string, 200)
	for i := range burst {
		burst[i] = `UPDATE events SET version = version + 1 WHERE title = 'Concert 1'`
	}
	w.exec(t, true, burst...) // 200 notices, delivered together at commit
	for {
		r, ok := s.next(t)
		if !ok {
			t.Fatal("the subscription ended without SLOW_CONSUMER")
		}
		if code := r.code(); code != "" {
			if code != "SLOW_CONSUMER" || string(r.Data) != "null" && len(r.Data) > 0 {
				t.Fatalf("ended with %s: %s", code, r.Data)
			}
			break
		}
	}
	if _, ok := s.next(t); ok {
		t.Error("the subscription goes on after SLOW_CONSUMER")
	}
}

// TestSubscriptionLimitPerKey: one key holds at most PerKey subscriptions at once, on any
// number of connections; the next is refused with TOO_MANY_SUBSCRIPTIONS, and a slot frees
// when one ends. Anonymous clients are counted by address.
func TestSubscriptionLimitPerKey(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{PerKey: 2})
	vars := map[string]any{"event": w.events[0].GlobalID()}
	for _, who := range []string{"key", "anonymous"} {
		t.Run(who, func(t *testing.T) {
			payload := map[string]any{}
			if who == "key" {
				payload["Authorization"] = "Bearer " + w.key
			}
			c1, err := dialWS(t, in.srv.URL, "graphql-transport-ws", nil, payload)
			if err != nil {
				t.Fatal(err)
			}
			c2, err := dialWS(t, in.srv.URL, "graphql-transport-ws", nil, payload)
			if err != nil {
				t.Fatal(err)
			}
			c1.subscribe(t, "a", eventChangedDoc, vars)
			c2.subscribe(t, "b", eventChangedDoc, vars)
			in.awaitSubscribers(t, 2)
			third := c2.subscribe(t, "c", eventChangedDoc, vars)
			if r, ok := third.next(t); !ok || r.code() != "TOO_MANY_SUBSCRIPTIONS" {
				t.Fatalf("the third subscription got %+v (open %v)", r, ok)
			}
			if _, ok := third.next(t); ok {
				t.Fatal("the refused subscription goes on")
			}
			_ = c1.conn.CloseNow()
			in.awaitSubscribers(t, 1)
			c2.subscribe(t, "d", eventChangedDoc, vars)
			in.awaitSubscribers(t, 2)
			_ = c2.conn.CloseNow()
			in.awaitSubscribers(t, 0)
		})
	}
}

// TestWebsocketInitRefusesABadKey: a key in the init payload that is unknown closes the
// connection with 4403 (Forbidden, as graphql-transport-ws has it), never an anonymous session.
func TestWebsocketInitRefusesABadKey(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	_, err := dialWS(t, in.srv.URL, "graphql-transport-ws", nil, map[string]any{"Authorization": "Bearer cpk_" + strings.Repeat("x", 43)})
	if err == nil || !strings.Contains(err.Error(), "4403") {
		t.Fatalf("dial: %v", err)
	}
}

// TestShutdownClosesEveryStream: on shutdown each subscriber is told SHUTTING_DOWN and
// every websocket and event stream is closed by the server.
func TestShutdownClosesEveryStream(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	vars := map[string]any{"event": w.events[0].GlobalID()}
	c, err := dialWS(t, in.srv.URL, "graphql-transport-ws", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws := c.subscribe(t, "1", eventChangedDoc, vars)
	ev := sse(t, in.srv.URL, "", eventChangedDoc, vars)
	in.awaitSubscribers(t, 2)

	in.broker.Shutdown()
	for name, s := range map[string]subscriber{"websocket": ws, "sse": ev} {
		r, ok := s.next(t)
		if !ok || r.code() != "SHUTTING_DOWN" {
			b, _ := json.Marshal(r)
			t.Errorf("%s: %s (open %v)", name, b, ok)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := in.streams.Close(ctx); err != nil {
		t.Fatalf("close streams: %v", err)
	}
	select {
	case <-c.closed:
	case <-time.After(wait):
		t.Fatal("the websocket is still open")
	}
	if _, ok := ev.next(t); ok {
		t.Error("the event stream is still open")
	}
	if in.streams.Count() != 0 {
		t.Errorf("%d streams open", in.streams.Count())
	}
}
