package models_test

import (
	"sync"
	"testing"

	"campaigns/models"
)

// TestStringListIsSafeForConcurrentUse scans and encodes lists from many goroutines at once,
// as concurrent requests do; under the race detector it fails if they share unguarded state.
func TestStringListIsSafeForConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var l models.StringList
			if err := l.Scan("{a,\"b c\"}"); err != nil {
				errs <- err
				return
			}
			if len(l) != 2 || l[1] != "b c" {
				t.Errorf("scanned %q", l)
			}
			if _, err := l.Value(); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
