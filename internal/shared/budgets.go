package shared

import (
	"math"
	"time"

	"github.com/go-redis/redis_rate/v10"

	"campaigns/internal/limits"
)

// Budgets are rate-limit budgets kept in Redis, the same for every instance, charged with
// go-redis/redis_rate's GCRA (the generic cell rate algorithm, a token bucket told by the
// time at which the bucket is full again): one atomic script per charge, on Redis's clock.
// They hold what limits.Budgets holds, Points refilled over Window; while Redis does not
// answer, the instance's own limits.Budgets are charged instead, so that a client is never
// left without a limit nor refused for the outage.
type Budgets struct {
	r       *Redis
	limiter *redis_rate.Limiter
	limit   redis_rate.Limit
	local   *limits.Budgets
}

var _ limits.Charger = (*Budgets)(nil)

// Budgets returns budgets of points per window shared through Redis; points must be
// positive.
func (r *Redis) Budgets(points int, window time.Duration) *Budgets {
	return &Budgets{
		r:       r,
		limiter: redis_rate.NewLimiter(r.client),
		limit:   redis_rate.Limit{Rate: points, Burst: points, Period: window},
		local:   limits.NewBudgets(points, window),
	}
}

// Charge spends n points of the budget of key if it holds them, as limits.Budgets.Charge
// does. In Redis the budget is judged at Redis's time, not now, so that instances whose
// clocks differ agree; now places ResetAt.
func (b *Budgets) Charge(key string, n int, now time.Time) limits.Decision {
	if b.r.ready() {
		d, err := b.charge(key, n, now)
		b.r.done(err)
		if err == nil {
			return d
		}
	}
	return b.local.Charge(key, n, now)
}

func (b *Budgets) charge(key string, n int, now time.Time) (limits.Decision, error) {
	ctx, cancel := b.r.context()
	defer cancel()
	points := b.limit.Burst
	n = max(n, 0)
	never := n > points // never affordable; the cost limit refuses such a request first
	if never {
		n = 0 // only read the budget
	}
	res, err := b.limiter.AllowN(ctx, prefix+key, b.limit, n)
	if err != nil {
		return limits.Decision{}, err
	}
	// What is left is what the budget lacks to be full, ResetAfter, counted in points; the
	// margin keeps a whole number computed in floating point whole.
	perPoint := b.limit.Period.Seconds() / float64(points)
	left := float64(points) - res.ResetAfter.Seconds()/perPoint
	d := limits.Decision{
		Allowed:   res.RetryAfter < 0 && !never,
		Limit:     points,
		Remaining: int(math.Floor(max(left, 0) + 1e-6)),
		ResetAt:   now.Add(res.ResetAfter),
	}
	switch {
	case never:
		d.RetryAfter = b.limit.Period
	case !d.Allowed:
		d.RetryAfter = res.RetryAfter
	}
	return d, nil
}
