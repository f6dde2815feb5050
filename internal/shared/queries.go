package shared

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/redis/go-redis/v9"
)

// The keys of the persisted queries: a hash of texts by their SHA-256, a sorted set of the
// same hashes by when each was last used, whose oldest are dropped past the bound, and the
// counter that tells when, the same for every instance whatever their clocks. The braces
// put them in one slot of a Redis Cluster, where one script may touch them all.
var queryKeys = []string{prefix + "{apq}:texts", prefix + "{apq}:used", prefix + "{apq}:uses"}

// addQuery keeps a text, marks it used, and drops the least recently used past the most.
var addQuery = redis.NewScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if over > 0 then
  local old = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #old, 2 do redis.call('HDEL', KEYS[1], old[i]) end
end
return 1
`)

// getQuery returns a text and marks it used.
var getQuery = redis.NewScript(`
local q = redis.call('HGET', KEYS[1], ARGV[1])
if q then redis.call('ZADD', KEYS[2], 'XX', redis.call('INCR', KEYS[3]), ARGV[1]) end
return q
`)

// Queries are the texts of automatic persisted queries, kept in Redis for every instance
// behind a local cache of the instance's own. Redis holds a bounded number of texts of a
// bounded length, the least recently used dropped first, as the local cache is bounded; a
// text longer than a document may be is refused by the limits anyway, and is not shared.
type Queries struct {
	r        *Redis
	local    graphql.Cache[string]
	most     int
	maxBytes int
}

var _ graphql.Cache[string] = (*Queries)(nil)

// Queries returns the shared texts in front of which local serves the instance's; most and
// maxBytes bound what Redis holds.
func (r *Redis) Queries(local graphql.Cache[string], most, maxBytes int) *Queries {
	return &Queries{r: r, local: local, most: most, maxBytes: maxBytes}
}

// Get returns the text of hash: the local cache's, or Redis's, which the local cache then
// keeps.
func (q *Queries) Get(ctx context.Context, hash string) (string, bool) {
	if text, ok := q.local.Get(ctx, hash); ok {
		return text, true
	}
	if !q.r.ready() {
		return "", false
	}
	rctx, cancel := q.r.context()
	defer cancel()
	text, err := getQuery.Run(rctx, q.r.client, queryKeys, hash).Text()
	q.r.done(err)
	if err != nil {
		return "", false
	}
	q.local.Add(ctx, hash, text)
	return text, true
}

// Add keeps a text in the local cache, and in Redis for the other instances.
func (q *Queries) Add(ctx context.Context, hash, text string) {
	q.local.Add(ctx, hash, text)
	if len(text) > q.maxBytes || !q.r.ready() {
		return
	}
	rctx, cancel := q.r.context()
	defer cancel()
	q.r.done(addQuery.Run(rctx, q.r.client, queryKeys, hash, text, q.most).Err())
}
