package purge

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// purger answers each purge with the next of its results and cancels once they run out.
type purger struct {
	mu      sync.Mutex
	results []error
	calls   int
	cancel  context.CancelFunc
}

func (p *purger) PurgeIdempotencyKeys(context.Context) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	err := p.results[p.calls]
	p.calls++
	if p.calls == len(p.results) {
		p.cancel()
	}
	if err != nil {
		return 0, err
	}
	return 3, nil
}

// TestRunPurgesAtOnceAndAgainAfterAFailure: the first purge is at start, a failed one is
// logged and the next tick tries again, and Run returns once ctx ends.
func TestRunPurgesAtOnceAndAgainAfterAFailure(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	p := &purger{results: []error{errors.New("database away"), nil}, cancel: cancel}
	var logs bytes.Buffer
	done := make(chan struct{})
	go func() {
		Run(ctx, p, time.Millisecond, slog.New(slog.NewTextHandler(&logs, nil)))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	if p.calls != 2 {
		t.Errorf("purged %d times, want 2", p.calls)
	}
	for _, want := range []string{"database away", "deleted=3"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, logs.String())
		}
	}
}
