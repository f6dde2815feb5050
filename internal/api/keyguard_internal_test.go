package api

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"campaigns/internal/auth"
	"campaigns/internal/store"
)

// TestKeyringReadsTheKeysOncePerReload checks what bounds the database's work under a flood
// of guessed keys: concurrent guesses share one read of the keys, a guess arriving no later
// than the last read begun causes none, a working key is found without one, and a key made
// since the last read is found by the next, which waits for KeyringReload to have passed.
func TestKeyringReadsTheKeysOncePerReload(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var keys []store.LiveKey
	add := func() string {
		secret, hash, prefix := auth.NewKey()
		mu.Lock()
		defer mu.Unlock()
		keys = append(keys, store.LiveKey{Prefix: prefix, Hash: hash})
		return secret
	}
	var reads atomic.Int64
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var now atomic.Pointer[time.Time]
	set := func(at time.Time) { now.Store(&at) }
	set(t0)
	k := &keyring{every: time.Second, now: func() time.Time { return *now.Load() },
		load: func(context.Context) ([]store.LiveKey, error) {
			reads.Add(1)
			mu.Lock()
			defer mu.Unlock()
			return append([]store.LiveKey(nil), keys...), nil
		}}
	ctx := context.Background()
	working := add()
	guess, _, _ := auth.NewKey()

	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if ok, err := k.holds(ctx, guess, t0); ok || err != nil {
				t.Errorf("a guess: holds = %v, %v", ok, err)
			}
		})
	}
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Fatalf("50 guesses at once read the keys %d times, want once", n)
	}
	if ok, err := k.holds(ctx, working, t0); !ok || err != nil {
		t.Fatalf("a working key: holds = %v, %v", ok, err)
	}
	if ok, _ := k.holds(ctx, "not a key", t0); ok {
		t.Fatal("a malformed key is held")
	}
	if n := reads.Load(); n != 1 {
		t.Fatalf("the keys were read %d times, want once", n)
	}

	// A key made since: the next read, a reload later, finds it. The clock stands 1 ms short
	// of the reload, so the wait is a millisecond.
	made := add()
	set(t0.Add(time.Second - time.Millisecond))
	if ok, err := k.holds(ctx, made, now.Load().Add(0)); !ok || err != nil {
		t.Fatalf("a key made since the read: holds = %v, %v", ok, err)
	}
	if n := reads.Load(); n != 2 {
		t.Fatalf("the keys were read %d times, want twice", n)
	}
	k.forget(made)
	if ok, _ := k.holds(ctx, made, t0); ok {
		t.Fatal("a forgotten key is held")
	}
}
