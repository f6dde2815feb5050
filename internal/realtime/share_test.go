package realtime_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"campaigns/internal/metrics"
	"campaigns/internal/realtime"
)

// TestSharedAnswersKeepEachVisibility: three subscribers of each visibility class (no key,
// a key of the event's organizer, a key of an organization with no part in it), over both
// websocket subprotocols and server-sent events, follow one event while it turns
// partner-only and public again. Subscribers of one class share one answer per change (the
// counter of shared answers grows by two per class and change), and each class gets what
// it gets alone: the organizer every change, the others a HIDDEN tombstone with nothing of
// the event, then nothing until it is public again.
func TestSharedAnswersKeepEachVisibility(t *testing.T) {
	h := newHiddenWorld(t)
	in := startInstance(t, h.st, realtime.Options{})
	ev := h.events[0]
	vars := map[string]any{"event": ev.GlobalID()}
	classes := []struct {
		name, key string
		subs      []subscriber
	}{{name: "anonymous"}, {name: "the organizer", key: h.key}, {name: "a stranger", key: h.strangerKey}}
	for i := range classes {
		c := &classes[i]
		for _, proto := range []string{"graphql-transport-ws", "graphql-ws"} {
			var payload map[string]any
			if c.key != "" {
				payload = map[string]any{"Authorization": "Bearer " + c.key}
			}
			ws, err := dialWS(t, in.srv.URL, proto, nil, payload)
			if err != nil {
				t.Fatalf("%s over %s: %v", c.name, proto, err)
			}
			c.subs = append(c.subs, ws.subscribe(t, "1", eventChangedDoc, vars))
		}
		c.subs = append(c.subs, sse(t, in.srv.URL, c.key, eventChangedDoc, vars))
	}
	in.awaitSubscribers(t, 9)
	before := testutil.ToFloat64(metrics.SharedAnswers)
	shared := 0

	// expect reads the next item of each subscriber of the classes named, all of which must
	// be the same: the change of the event with title, or its tombstone op when title is "".
	expect := func(step, op, title string, names ...string) {
		t.Helper()
		for _, c := range classes {
			if !slices.Contains(names, c.name) {
				continue
			}
			shared += len(c.subs) - 1
			for i, s := range c.subs {
				r, ok := s.next(t)
				if !ok {
					t.Fatalf("%s: %s's subscriber %d: the stream ended", step, c.name, i)
				}
				got := decode[eventChanged](t, r).EventChanged
				switch {
				case got.Op != op || got.EventID == nil || *got.EventID != ev.GlobalID():
					t.Errorf("%s: %s's subscriber %d got %+v, want %s of %s", step, c.name, i, got, op, ev.GlobalID())
				case title == "" && got.Event != nil:
					t.Errorf("%s: %s's subscriber %d was told of the event in its tombstone: %+v", step, c.name, i, got.Event)
				case title != "" && (got.Event == nil || got.Event.Title != title):
					t.Errorf("%s: %s's subscriber %d got event %+v, want %q", step, c.name, i, got.Event, title)
				}
			}
		}
	}
	all := []string{"anonymous", "the organizer", "a stranger"}

	h.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Take 1', version = version + 1 WHERE id = %d`, ev.ID))
	expect("public", "UPDATED", "Take 1", all...)

	h.exec(t, true, fmt.Sprintf(`UPDATE events SET visibility = 'PARTNERS', title = 'Partners only', version = version + 1 WHERE id = %d`, ev.ID))
	expect("partner-only", "UPDATED", "Partners only", "the organizer")
	expect("partner-only", "HIDDEN", "", "anonymous", "a stranger")

	h.exec(t, true, fmt.Sprintf(`UPDATE events SET title = 'Partners only, moved', version = version + 1 WHERE id = %d`, ev.ID))
	expect("still partner-only", "UPDATED", "Partners only, moved", "the organizer")

	h.exec(t, true, fmt.Sprintf(`UPDATE events SET visibility = 'PUBLIC', title = 'Public again', version = version + 1 WHERE id = %d`, ev.ID))
	// The anonymous subscribers and the stranger heard nothing of the partner-only change:
	// their next item is this one.
	expect("public again", "UPDATED", "Public again", all...)

	if got := int(testutil.ToFloat64(metrics.SharedAnswers) - before); got != shared {
		t.Errorf("%d answers were shared, want %d (all but one subscriber of each class and change)", got, shared)
	}
}
