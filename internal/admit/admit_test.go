package admit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"campaigns/internal/metrics"
)

// waitQueued waits until n operations wait at g.
func waitQueued(t *testing.T, g *Gate, n int) {
	t.Helper()
	for range 1000 {
		g.mu.Lock()
		l := g.queue.Len()
		g.mu.Unlock()
		if l == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("never saw %d waiting", n)
}

func TestGateAdmitsInArrivalOrder(t *testing.T) {
	g := New(Options{Limit: 1, MaxWait: time.Minute})
	leave, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	order := make(chan int, 3)
	var wg sync.WaitGroup
	for i := 1; i <= 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := g.Enter(context.Background())
			if err != nil {
				t.Error(err)
				order <- -i
				return
			}
			order <- i
			l()
		}()
		waitQueued(t, g, i) // the next arrives only once this one waits
	}
	leave()
	for want := 1; want <= 3; want++ {
		if got := <-order; got != want {
			t.Fatalf("admitted %d, want %d", got, want)
		}
	}
	wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running != 0 || g.queue.Len() != 0 {
		t.Errorf("running %d, waiting %d after all left", g.running, g.queue.Len())
	}
}

func TestGateRefusesPastTheWait(t *testing.T) {
	g := New(Options{Limit: 1, MaxWait: 20 * time.Millisecond})
	leave, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer leave()
	rejected, queued := testutil.ToFloat64(metrics.AdmitRejected), testutil.ToFloat64(metrics.AdmitQueued)
	if _, err := g.Enter(context.Background()); !errors.Is(err, ErrOverloaded) {
		t.Fatalf("got %v, want ErrOverloaded", err)
	}
	if got := testutil.ToFloat64(metrics.AdmitRejected) - rejected; got != 1 {
		t.Errorf("rejected counted %v times, want 1", got)
	}
	if got := testutil.ToFloat64(metrics.AdmitQueued) - queued; got != 1 {
		t.Errorf("queued counted %v times, want 1", got)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.queue.Len() != 0 {
		t.Errorf("%d still waiting after the refusal", g.queue.Len())
	}
}

func TestGateCallerGivesUp(t *testing.T) {
	g := New(Options{Limit: 1, MaxWait: time.Minute})
	leave, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.Enter(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	leave()
	// The slot is free again, not handed to the caller that left.
	l, err := g.Enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	l()
}
