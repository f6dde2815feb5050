package realtime_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"campaigns/internal/metrics"
	"campaigns/internal/realtime"
)

// TestSubscriptionsGauge: /metrics shows the subscriptions open on the instance, whatever
// ends them (the subscriber, or the broker at shutdown).
func TestSubscriptionsGauge(t *testing.T) {
	b := realtime.New(nil, realtime.Options{PerKey: 5})
	open := func() float64 { return testutil.ToFloat64(metrics.Subscriptions) }
	before := open()
	s1, err := b.Subscribe("key", realtime.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Subscribe("key", realtime.Filter{}); err != nil {
		t.Fatal(err)
	}
	if got := open() - before; got != 2 {
		t.Fatalf("after two subscriptions the gauge rose by %v", got)
	}
	s1.Close()
	if got := open() - before; got != 1 {
		t.Fatalf("after one closed the gauge is up by %v, want 1", got)
	}
	b.Shutdown()
	if got := open() - before; got != 0 {
		t.Fatalf("after shutdown the gauge is up by %v, want 0", got)
	}
}

// TestLiveCountsStartedSubscriptions: a subscription is open from Subscribe, and live only
// once its resolver has started it; closed, it is neither.
func TestLiveCountsStartedSubscriptions(t *testing.T) {
	b := realtime.New(nil, realtime.Options{PerKey: 5})
	defer b.Shutdown()
	s, err := b.Subscribe("key", realtime.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Count() != 1 || b.Live() != 0 {
		t.Fatalf("subscribed: %d open, %d live; want 1 and 0", b.Count(), b.Live())
	}
	s.Start()
	if b.Count() != 1 || b.Live() != 1 {
		t.Fatalf("started: %d open, %d live; want 1 and 1", b.Count(), b.Live())
	}
	s.Close()
	if b.Count() != 0 || b.Live() != 0 {
		t.Fatalf("closed: %d open, %d live; want 0 and 0", b.Count(), b.Live())
	}
}
