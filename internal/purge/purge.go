// Package purge deletes what the store keeps only for a while, on a schedule of its own,
// so that no request pays for it: today the expired idempotency keys.
package purge

import (
	"context"
	"log/slog"
	"time"
)

// Every is how often Run purges.
const Every = time.Hour

// Purger deletes expired idempotency keys and says how many (store.Store).
type Purger interface {
	PurgeIdempotencyKeys(ctx context.Context) (int64, error)
}

// Run deletes expired idempotency keys at once and then every interval until ctx ends;
// keys are kept for store.IdempotencyTTL, well over the 24 hours a mobile app may take to
// retry. A failed purge is logged and tried again at the next tick.
func Run(ctx context.Context, st Purger, interval time.Duration, log *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if n, err := st.PurgeIdempotencyKeys(ctx); err != nil {
			log.Warn("purge idempotency keys", "err", err)
		} else if n > 0 {
			log.Info("purged idempotency keys", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if ctx.Err() != nil {
				return // both were ready, and select chose the tick: no purge after the end
			}
		}
	}
}
