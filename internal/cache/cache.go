// Package cache keeps whole answers in memory, bounded in bytes, evicting the least
// recently used. It knows nothing of GraphQL or of freshness: the API decides what may be
// stored, under which key, and checks on every hit that nothing the answer read has
// changed since it was computed (see internal/api's answer cache and store.Fresh).
package cache

import (
	"container/list"
	"sync"
	"time"

	"campaigns/internal/metrics"
	"campaigns/internal/store"
)

// Key identifies an answer: a digest of everything it depends on.
type Key [32]byte

// Entry is one answer.
type Entry struct {
	// Data is the answer's data, as written.
	Data []byte
	// Version is what the database was when the answer began to be computed.
	Version store.Version
	// At is when the answer began to be computed, by the server's clock.
	At time.Time
}

// overhead is what an entry costs beyond its data: the key, the version's text, the list
// element and the map slot, roughly.
const overhead = 256

func (e *Entry) size() int64 {
	return int64(len(e.Data)+len(e.Version.Snapshot)+len(e.Version.Countries)) + overhead
}

// Cache is a set of entries of at most a given number of bytes. Its generation counts
// the changes it was told of (Drop); Put stores nothing computed across one.
type Cache struct {
	max int64

	mu    sync.Mutex
	bytes int64
	gen   uint64
	lru   list.List // of *item, most recently used first
	items map[Key]*list.Element
}

type item struct {
	key   Key
	entry *Entry
}

// New returns a cache of at most maxBytes bytes.
func New(maxBytes int64) *Cache {
	return &Cache{max: maxBytes, items: map[Key]*list.Element{}}
}

// Get returns the entry of k, and the generation to pass to Put should the entry be
// computed again. It counts nothing: the caller knows whether a found entry is a hit.
func (c *Cache) Get(k Key) (*Entry, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil, c.gen
	}
	c.lru.MoveToFront(el)
	return el.Value.(*item).entry, c.gen
}

// Put stores e under k, unless a change was dropped since generation gen (read by Get
// before e began to be computed) or e alone is larger than the cache, and evicts the least
// recently used entries beyond the bound.
func (c *Cache) Put(k Key, e *Entry, gen uint64) {
	size := e.size()
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || size > c.max {
		return
	}
	if el, ok := c.items[k]; ok {
		c.remove(el)
	}
	c.items[k] = c.lru.PushFront(&item{key: k, entry: e})
	c.bytes += size
	metrics.CacheBytes.Add(float64(size))
	for c.bytes > c.max {
		c.remove(c.lru.Back())
		metrics.CacheEvictions.Inc()
	}
}

// Refresh records that the entry of k was found fresh at version v, so that the next check
// reads from there, if the entry is still e.
func (c *Cache) Refresh(k Key, e *Entry, v store.Version) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok && el.Value.(*item).entry == e {
		fresh := *e
		fresh.Version = v
		c.bytes += fresh.size() - e.size()
		metrics.CacheBytes.Add(float64(fresh.size() - e.size()))
		el.Value.(*item).entry = &fresh
	}
}

// Remove drops the entry of k, if it is still e: it was found stale.
func (c *Cache) Remove(k Key, e *Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok && el.Value.(*item).entry == e {
		c.remove(el)
	}
}

// Drop empties the cache and stores nothing computed before: a change committed.
func (c *Cache) Drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.lru.Init()
	clear(c.items)
	metrics.CacheBytes.Sub(float64(c.bytes))
	c.bytes = 0
}

// Bytes returns the bytes the cache holds.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Len returns how many entries the cache holds.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

func (c *Cache) remove(el *list.Element) {
	it := c.lru.Remove(el).(*item)
	delete(c.items, it.key)
	c.bytes -= it.entry.size()
	metrics.CacheBytes.Sub(float64(it.entry.size()))
}
