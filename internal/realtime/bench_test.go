package realtime_test

import (
	"fmt"
	"testing"

	"campaigns/internal/realtime"
)

// BenchmarkFanOutWebsocket measures one change reaching 100 websocket subscribers of one
// instance: commit, NOTIFY, the broker, a read of the event for each subscriber with its
// access, and the websocket write. Each iteration is one commit and waits until every
// subscriber has its item.
//
//	go test ./internal/realtime -run '^$' -bench FanOut -benchtime 20x
func BenchmarkFanOutWebsocket(b *testing.B) {
	w := newWorld(b)
	in := startInstance(b, w.st, realtime.Options{PerKey: 1000})
	const subscribers = 100
	subs := make([]subscriber, subscribers)
	for i := range subs {
		c, err := dialWS(b, in.srv.URL, "graphql-transport-ws", nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		subs[i] = c.subscribe(b, "1", eventChangedDoc, map[string]any{"event": w.events[0].GlobalID()})
	}
	in.awaitSubscribers(b, subscribers)
	b.ResetTimer()
	for i := range b.N {
		w.exec(b, true, fmt.Sprintf(`UPDATE events SET title = 'Take %d' WHERE id = %d`, i, w.events[0].ID))
		for _, s := range subs {
			if _, ok := s.next(b); !ok {
				b.Fatal("a subscription ended")
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/change")
	b.ReportMetric(0, "ns/op")
}
