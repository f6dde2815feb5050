package cache

import (
	"strings"
	"testing"
)

func entry(n int) *Entry { return &Entry{Data: []byte(strings.Repeat("x", n))} }

func key(b byte) Key { return Key{b} }

// TestEvictsTheLeastRecentlyUsed: a cache of about three entries keeps the one read last
// and evicts the one read longest ago.
func TestEvictsTheLeastRecentlyUsed(t *testing.T) {
	c := New(3 * entry(100).size())
	for b := byte(1); b <= 3; b++ {
		_, gen := c.Get(key(b))
		c.Put(key(b), entry(100), gen)
	}
	if e, _ := c.Get(key(1)); e == nil { // now 1 is the most recently used
		t.Fatal("entry 1 missing before the cache was full")
	}
	_, gen := c.Get(key(4))
	c.Put(key(4), entry(100), gen)
	for b, want := range map[byte]bool{1: true, 2: false, 3: true, 4: true} {
		if e, _ := c.Get(key(b)); (e != nil) != want {
			t.Errorf("entry %d kept %t, want %t", b, e != nil, want)
		}
	}
	if c.Bytes() != 3*entry(100).size() || c.Len() != 3 {
		t.Errorf("%d bytes in %d entries, want %d in 3", c.Bytes(), c.Len(), 3*entry(100).size())
	}
}

// TestStoresNothingComputedAcrossADrop: an answer begun before a change was dropped is not
// stored, nor one larger than the cache; one begun after is.
func TestStoresNothingComputedAcrossADrop(t *testing.T) {
	c := New(1000)
	_, before := c.Get(key(1))
	c.Put(key(2), entry(10), before)
	c.Drop()
	if c.Len() != 0 || c.Bytes() != 0 {
		t.Fatalf("%d entries, %d bytes after Drop", c.Len(), c.Bytes())
	}
	c.Put(key(1), entry(10), before)
	if e, _ := c.Get(key(1)); e != nil {
		t.Error("stored an answer begun before the drop")
	}
	_, after := c.Get(key(1))
	c.Put(key(1), entry(2000), after)
	if e, _ := c.Get(key(1)); e != nil {
		t.Error("stored an answer larger than the cache")
	}
	c.Put(key(1), entry(10), after)
	if e, _ := c.Get(key(1)); e == nil {
		t.Error("did not store an answer begun after the drop")
	}
}

// TestRemoveAndRefreshOnlyTheEntryRead: a stale entry is removed, and a fresh one refreshed,
// only if it is still the one that was read, not one stored since.
func TestRemoveAndRefreshOnlyTheEntryRead(t *testing.T) {
	c := New(10_000)
	_, gen := c.Get(key(1))
	old := entry(10)
	c.Put(key(1), old, gen)
	newer := entry(20)
	c.Put(key(1), newer, gen)
	c.Remove(key(1), old)
	e, _ := c.Get(key(1))
	if e != newer {
		t.Fatal("removing the entry read removed the one stored since")
	}
	c.Refresh(key(1), old, e.Version)
	if e, _ := c.Get(key(1)); e != newer {
		t.Error("refreshing the entry read replaced the one stored since")
	}
	c.Remove(key(1), newer)
	if c.Len() != 0 || c.Bytes() != 0 {
		t.Errorf("%d entries, %d bytes left", c.Len(), c.Bytes())
	}
}
