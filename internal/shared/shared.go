// Package shared keeps in Redis (REDIS_URL) the state that instances of the API behind one
// load balancer must share: the rate-limit budgets, so that a client spends one budget
// whichever instance serves it, and the texts of automatic persisted queries, so that a hash
// registered through one instance is found through the others.
//
// Redis is an aid, never a dependency: when it does not answer, each instance falls back to
// its own state in memory (its own budgets, its own persisted queries), as a single instance
// runs without REDIS_URL, and logs a warning once per outage. A circuit keeps a dead Redis
// from adding latency: after a failure, Redis is left alone for Retry, then one request tries
// it again while the others go on locally. go-redis reconnects by itself.
//
// Subscriptions do not go through Redis: each instance listens to PostgreSQL's change feed
// (internal/realtime), which every instance receives whole.
package shared

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"campaigns/internal/metrics"
)

// Defaults of Options.
const (
	// DefaultTimeout bounds one call to Redis: a budget is charged on every request, and a
	// Redis on the same network answers in well under a millisecond.
	DefaultTimeout = 100 * time.Millisecond
	// DefaultRetry is how long Redis is left alone after a failure.
	DefaultRetry = 5 * time.Second
)

// prefix begins every key this package writes, so that the API can share a Redis.
const prefix = "campaigns:"

// up is redis_up: registered once Redis is configured, so that a server without it shows no
// gauge rather than one that reads as an outage.
var (
	up = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "redis_up", Help: "1 when the last call to Redis (REDIS_URL) worked, 0 while the instance falls back to its own limits and persisted queries.",
	})
	registerUp sync.Once
)

// Options configure the connection to Redis.
type Options struct {
	Logger *slog.Logger
	// Timeout bounds each call; DefaultTimeout when zero.
	Timeout time.Duration
	// Retry is how long Redis is left alone after a failure; DefaultRetry when zero.
	Retry time.Duration
}

// Redis is the connection to Redis, with its circuit. A nil *Redis is no Redis: Close does
// nothing.
type Redis struct {
	client  *redis.Client
	log     *slog.Logger
	timeout time.Duration
	retry   time.Duration

	mu sync.Mutex
	// down is set from a failure to the next success; until is when to try again.
	down    bool
	until   time.Time
	probing bool
}

// CheckURL reports whether url is a Redis URL that Open takes.
func CheckURL(url string) error {
	if _, err := redis.ParseURL(url); err != nil {
		return fmt.Errorf("want a URL such as redis://host:6379/0: %w", err)
	}
	return nil
}

// Open returns the connection to the Redis at url (redis:// or rediss://), or nil when url is
// empty. It does not wait for Redis: one that does not answer yet is as one that went away.
func Open(url string, opt Options) (*Redis, error) {
	if url == "" {
		return nil, nil
	}
	ro, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: want a URL such as redis://host:6379/0: %w", err)
	}
	r := &Redis{log: opt.Logger, timeout: opt.Timeout, retry: opt.Retry}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.timeout <= 0 {
		r.timeout = DefaultTimeout
	}
	if r.retry <= 0 {
		r.retry = DefaultRetry
	}
	// Short timeouts and no retries: a call that fails is served locally at once, which is
	// better than a request waiting on Redis.
	ro.DialTimeout, ro.ReadTimeout, ro.WriteTimeout, ro.PoolTimeout = r.timeout, r.timeout, r.timeout, r.timeout
	ro.MaxRetries, ro.DialerRetries = -1, 1
	ro.ContextTimeoutEnabled = true
	r.client = redis.NewClient(ro)
	registerUp.Do(func() {
		metrics.Registry.MustRegister(up)
		// go-redis writes its own complaints to stderr; the warning of Open's caller says
		// what an operator needs, so they go to its log at debug level.
		redis.SetLogger(debugLog{r.log})
	})
	ctx, cancel := r.context()
	defer cancel()
	r.done(r.client.Ping(ctx).Err())
	return r, nil
}

// Close closes the connections.
func (r *Redis) Close() error {
	if r == nil {
		return nil
	}
	return r.client.Close()
}

// Up reports whether the last call to Redis worked.
func (r *Redis) Up() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return !r.down
}

// context bounds one call. It is not the request's: a client that goes away must not count
// as a failure of Redis.
func (r *Redis) context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), r.timeout)
}

// ready reports whether to call Redis now: always while it works, and after a failure only
// once Retry has passed, by one caller at a time, whose call's done closes or reopens the
// circuit.
func (r *Redis) ready() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.down {
		return true
	}
	if r.probing || time.Now().Before(r.until) {
		return false
	}
	r.probing = true
	return true
}

// done records the outcome of a call that ready allowed.
func (r *Redis) done(err error) {
	if errors.Is(err, redis.Nil) {
		err = nil // a missing key is an answer
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.probing = false
	if errors.Is(err, redis.ErrPoolTimeout) || errors.Is(err, redis.ErrPoolExhausted) {
		// Every connection busy says this instance is busy, not that Redis is down: this
		// call is served locally, the next ones try Redis as usual.
		return
	}
	if err == nil {
		if r.down {
			r.down = false
			r.log.Info("Redis answers again: rate limits and persisted queries are shared again")
		}
		up.Set(1)
		return
	}
	if !r.down {
		r.down = true
		r.log.Warn("Redis does not answer: each instance now keeps its own rate limits and persisted queries until it does",
			"error", err, "retry", r.retry)
	}
	r.until = time.Now().Add(r.retry)
	up.Set(0)
}

// debugLog is go-redis's logger over slog, at debug level.
type debugLog struct{ log *slog.Logger }

func (l debugLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(format, v...), "from", "go-redis")
}
