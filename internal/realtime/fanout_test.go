package realtime_test

import (
	"testing"
	"time"

	"campaigns/internal/realtime"
)

const eventChangedDoc = `subscription($event: ID, $campaign: ID, $country: String) {
	eventChanged(event: $event, campaign: $campaign, country: $country) { op eventId resync event { title status } } }`

type eventChanged struct {
	EventChanged struct {
		Op      string
		EventID *string
		Resync  bool
		Event   *struct{ Title, Status string }
	}
}

// TestMutationOnOneInstanceReachesSubscribersOfAnother: instances A and B share one
// database and nothing else; a mutation through A reaches subscribers on B over the
// websocket (both subprotocols) and over server-sent events.
func TestMutationOnOneInstanceReachesSubscribersOfAnother(t *testing.T) {
	w := newWorld(t)
	a := startInstance(t, w.st, realtime.Options{})
	b := startInstance(t, w.st, realtime.Options{})
	vars := map[string]any{"event": w.events[0].GlobalID()}

	var subs []subscriber
	names := []string{"graphql-transport-ws", "graphql-ws", "sse"}
	for _, proto := range names[:2] {
		c, err := dialWS(t, b.srv.URL, proto, nil, map[string]any{"Authorization": "Bearer " + w.key})
		if err != nil {
			t.Fatalf("%s: %v", proto, err)
		}
		subs = append(subs, c.subscribe(t, "1", eventChangedDoc, vars))
	}
	subs = append(subs, sse(t, b.srv.URL, "", eventChangedDoc, vars))
	b.awaitSubscribers(t, 3)

	w.renameEvent(t, a.srv.URL, w.events[0], "Rangoon concert")
	for i, s := range subs {
		r, ok := s.next(t)
		if !ok {
			t.Fatalf("%s: the stream ended", names[i])
		}
		got := decode[eventChanged](t, r).EventChanged
		if got.Op != "UPDATED" || got.Event == nil || got.Event.Title != "Rangoon concert" || *got.EventID != w.events[0].GlobalID() {
			t.Errorf("%s got %+v", names[i], got)
		}
	}
	if a.broker.Count() != 0 {
		t.Errorf("instance A holds %d subscriptions", a.broker.Count())
	}
}

// TestRolledBackWriteReachesNobody rolls back a change of one event and then commits a
// change of the other: the subscriber to the whole campaign hears only the second.
func TestRolledBackWriteReachesNobody(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	c, err := dialWS(t, in.srv.URL, "graphql-transport-ws", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := c.subscribe(t, "1", eventChangedDoc, map[string]any{"campaign": w.campaign.GlobalID(), "country": "Burma"})
	in.awaitSubscribers(t, 1)

	w.exec(t, false, `UPDATE events SET title = 'Ghost', version = version + 1 WHERE title = 'Concert 1'`)
	w.exec(t, true, `UPDATE events SET title = 'Real', version = version + 1 WHERE title = 'Concert 2'`)
	r, _ := s.next(t)
	got := decode[eventChanged](t, r).EventChanged
	if *got.EventID != w.events[1].GlobalID() || got.Event.Title != "Real" {
		t.Fatalf("first message is %+v, not the committed change of %s", got, w.events[1].GlobalID())
	}
	// The change log has no row of the rolled-back write either.
	settled(t, w.st)
	sync := post(t, in.srv.URL, "", `{ changes(first: 500) { changes { op id } } }`, nil)
	set := decode[struct {
		Changes struct{ Changes []struct{ Op, ID string } }
	}](t, sync)
	if len(set.Changes.Changes) == 0 {
		t.Fatal("the sync is empty")
	}
	for _, ch := range set.Changes.Changes {
		if ch.ID == w.events[0].GlobalID() && ch.Op != "CREATED" {
			t.Errorf("the rolled-back write is in the change log: %+v", ch)
		}
	}
	select {
	case r := <-s.(chanSubscriber):
		t.Errorf("a second message arrived: %s", r.Data)
	case <-time.After(200 * time.Millisecond):
	}
}
