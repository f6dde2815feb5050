package metrics

import "github.com/prometheus/client_golang/prometheus"

// The answer cache's metrics (internal/cache): a hit is an answer served from the cache
// after the check that nothing it read changed; a miss is an answer computed, whether none
// was stored or the stored one was stale (counted in stale too).
var (
	CacheHits = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "answer_cache_hits_total", Help: "Anonymous answers served from the answer cache.",
	})
	CacheMisses = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "answer_cache_misses_total", Help: "Cacheable anonymous answers computed: none stored, or the stored one stale.",
	})
	CacheStale = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "answer_cache_stale_total", Help: "Stored answers found stale on a hit: something they read changed.",
	})
	CacheWaits = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "answer_cache_waits_total", Help: "Anonymous queries that waited for another request computing the same answer.",
	})
	CacheEvictions = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "answer_cache_evictions_total", Help: "Answers evicted from the answer cache to stay within CACHE_BYTES.",
	})
	CacheBytes = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "answer_cache_bytes", Help: "Bytes the answer caches of this process hold.",
	})
)

func init() {
	Registry.MustRegister(CacheHits, CacheMisses, CacheStale, CacheWaits, CacheEvictions, CacheBytes)
}
