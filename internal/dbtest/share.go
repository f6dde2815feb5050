package dbtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The test server's max_connections (100, PostgreSQL's default, 3 of them for superusers)
// is shared by every test package that runs at once. go test runs GOMAXPROCS packages at a
// time, each running up to GOMAXPROCS parallel tests, so pools sized per test would need
// connections growing with the square of the cores. Two bounds keep the sum under it on
// any machine: at most Packages test processes hold test databases at once, and in each at
// most Stores tests hold a store, of PoolSize connections: 2 × 4 × 10 = 80, which leaves
// room for the admin connections that create and drop databases and for the pools of
// servers that tests start on a test database (DB_MAX_CONNS), which open connections only
// as their requests need them.
const (
	// Packages is how many test processes may hold test databases at once.
	Packages = 2
	// Stores is how many of one process's tests may hold a store at once.
	Stores = 4
	// PoolSize is the most connections a test's store opens.
	PoolSize = 10
)

// storeWait bounds the wait for one of the Stores: a test that takes a store before
// t.Parallel keeps it while paused, and enough such tests would otherwise leave a later
// sequential test waiting for ever. Past it the test goes on, over the bound, and says so.
const storeWait = 2 * time.Minute

var (
	packageOnce sync.Once
	stores      = newLimit(Stores, storeWait)
)

// share waits until t may hold a test database, within both bounds, and releases its share
// when t ends. A test and its subtests share one of the Stores: a subtest waiting for one
// its parent holds could wait for ever.
func share(t testing.TB) {
	t.Helper()
	packageOnce.Do(func() { holdPackageSlot(t) })
	top, _, _ := strings.Cut(t.Name(), "/")
	release, over := stores.acquire(top)
	if over {
		t.Logf("dbtest: waited %s for one of %d stores; going on over the bound", storeWait, Stores)
	}
	t.Cleanup(release)
}

// limit lets at most max holders hold it at once, each by a key that may hold it more than
// once; a holder that waited longer than wait goes on over the bound.
type limit struct {
	mu      sync.Mutex
	free    *sync.Cond
	holders map[string]int
	held    int
	max     int
	wait    time.Duration
}

func newLimit(max int, wait time.Duration) *limit {
	l := &limit{holders: map[string]int{}, max: max, wait: wait}
	l.free = sync.NewCond(&l.mu)
	return l
}

// acquire waits until key may hold the limit and returns the function that lets go of it;
// over says that the wait ran out and key holds it over the bound.
func (l *limit) acquire(key string) (release func(), over bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holders[key] == 0 {
		deadline := time.Now().Add(l.wait)
		timer := time.AfterFunc(l.wait, func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.free.Broadcast()
		})
		defer timer.Stop()
		for l.held >= l.max && time.Now().Before(deadline) {
			l.free.Wait()
		}
		over = l.held >= l.max
		l.held++
	}
	l.holders[key]++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.holders[key]--; l.holders[key] == 0 {
			delete(l.holders, key)
			l.held--
			l.free.Broadcast()
		}
	}, over
}

// holdPackageSlot takes one of Packages slots for this test process, waiting while the
// other processes hold them all, and keeps it until the process ends; the kernel lets go
// of a slot's lock when its process exits, however it exits.
func holdPackageSlot(t testing.TB) {
	dir := filepath.Join(os.TempDir(), "campaigns-dbtest")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		t.Logf("dbtest: no slot directory (%v); not bounding the test processes", err)
		return
	}
	for {
		for i := range Packages {
			ok, err := tryLock(filepath.Join(dir, fmt.Sprintf("slot-%d.lock", i)))
			if err != nil {
				t.Logf("dbtest: slot %d: %v; not bounding the test processes", i, err)
				return
			}
			if ok {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
}
