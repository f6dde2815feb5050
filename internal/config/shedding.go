package config

import (
	"fmt"
	"strconv"
	"time"
)

// Shedding holds the settings of load shedding and the answer cache: see the README's "Limits" and "Answer cache".
type Shedding struct {
	// AdmitConcurrency is how many operations execute at once; 0 for 4 × GOMAXPROCS.
	AdmitConcurrency int
	AdmitMaxWait     time.Duration
	// CacheBytes bounds the shared cache of anonymous answers; 0 turns it off.
	CacheBytes  int64
	CacheMaxAge time.Duration
}

// sheddingSettings are the settings of admission (internal/admit) and of the answer cache
// (internal/cache); their defaults are those packages'.
var sheddingSettings = []setting{
	{"ADMIT_CONCURRENCY", "0", "most GraphQL operations that execute at once on one instance; the rest wait in arrival order (0: 4 × the cores Go uses, GOMAXPROCS)",
		func(c *Config, v string) error { return natural(v, &c.Shedding.AdmitConcurrency) }},
	{"ADMIT_MAX_WAIT", "2s", "longest an operation waits for its turn before 503 OVERLOADED with Retry-After",
		func(c *Config, v string) error {
			if err := duration(v, &c.Shedding.AdmitMaxWait); err != nil || c.Shedding.AdmitMaxWait == 0 {
				return fmt.Errorf("want a positive duration such as 2s, got %q", v)
			}
			return nil
		}},
	{"CACHE_BYTES", "67108864", "bytes of answers to anonymous queries kept in memory and served again while nothing they read has changed (see Answer cache); 0 turns the cache off",
		func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("want a whole number of bytes, 0 or more, got %q", v)
			}
			c.Shedding.CacheBytes = n
			return nil
		}},
	{"CACHE_MAX_AGE", "1s", "longest a cached answer is served, even when nothing it read has changed: answers also depend on the time (an event starts, registration closes)",
		func(c *Config, v string) error {
			if err := duration(v, &c.Shedding.CacheMaxAge); err != nil || c.Shedding.CacheMaxAge == 0 {
				return fmt.Errorf("want a positive duration such as 1s, got %q", v)
			}
			return nil
		}},
}
