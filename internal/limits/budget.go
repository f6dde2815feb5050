package limits

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxBudgets bounds the memory the budgets take: past it, clients not yet seen share one
// budget until idle budgets are swept. A flood of new addresses then slows down new
// clients rather than exhausting the server's memory.
const maxBudgets = 200_000

// overflowKey names the budget shared past maxBudgets.
const overflowKey = "\x00overflow"

// Budgets holds a token bucket of points for each client: it holds Points when full and
// refills at Points per Window, so a client may spend its whole budget at once and then as
// fast as it refills. Budgets live in memory, so each server instance keeps its own: behind
// a load balancer of n instances a client may spend up to n budgets, unless the instances
// share budgets in Redis (internal/shared), which fall back to these while Redis is away.
type Budgets struct {
	points int
	window time.Duration
	// most is maxBudgets, or less in a test.
	most int

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastSweep time.Time
}

// NewBudgets returns budgets of points per window; points must be positive.
func NewBudgets(points int, window time.Duration) *Budgets {
	return &Budgets{points: points, window: window, most: maxBudgets, buckets: map[string]*rate.Limiter{}}
}

// Decision is the outcome of a charge and the state of the budget after it.
type Decision struct {
	Allowed bool
	// Limit is the budget when full.
	Limit int
	// Remaining is what is left of it now.
	Remaining int
	// ResetAt is when the budget is full again, if nothing more is spent.
	ResetAt time.Time
	// RetryAfter is, when the charge was refused, how long until it would pass.
	RetryAfter time.Duration
}

// Charge spends n points of the budget of key at now if it holds them; otherwise it
// spends nothing and tells how long to wait.
func (b *Budgets) Charge(key string, n int, now time.Time) Decision {
	lim := b.bucket(key, now)
	n = max(n, 0)
	d := Decision{Limit: b.points}
	if n > b.points {
		// Never affordable; the cost limit refuses such a request first.
		d.RetryAfter = b.window
	} else if lim.AllowN(now, n) {
		d.Allowed = true
	} else {
		missing := float64(n) - lim.TokensAt(now)
		d.RetryAfter = time.Duration(math.Ceil(missing / float64(lim.Limit()) * float64(time.Second)))
	}
	tokens := lim.TokensAt(now)
	d.Remaining = int(math.Floor(max(tokens, 0)))
	d.ResetAt = now.Add(time.Duration((float64(b.points) - tokens) / float64(lim.Limit()) * float64(time.Second)))
	return d
}

// bucket returns the bucket of key, made full if new.
func (b *Budgets) bucket(key string, now time.Time) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Sub(b.lastSweep) >= b.window {
		b.sweep(now)
	}
	if lim, ok := b.buckets[key]; ok {
		return lim
	}
	if len(b.buckets) >= b.most {
		key = overflowKey
		if lim, ok := b.buckets[key]; ok {
			return lim
		}
	}
	lim := rate.NewLimiter(rate.Limit(float64(b.points)/b.window.Seconds()), b.points)
	b.buckets[key] = lim
	return lim
}

// sweep forgets the buckets that are full again: a client idle that long would get a full
// budget anyway.
func (b *Budgets) sweep(now time.Time) {
	for key, lim := range b.buckets {
		if lim.TokensAt(now) >= float64(b.points) {
			delete(b.buckets, key)
		}
	}
	b.lastSweep = now
}

// Len returns how many budgets are held, for tests.
func (b *Budgets) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.buckets)
}

// Charger charges budgets: Budgets in the instance's memory, or budgets every instance
// shares (internal/shared).
type Charger interface {
	Charge(key string, n int, now time.Time) Decision
}

var _ Charger = (*Budgets)(nil)
