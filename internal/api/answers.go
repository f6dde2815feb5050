package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"hash"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"

	"campaigns/internal/cache"
	"campaigns/internal/lang"
	"campaigns/internal/metrics"
	"campaigns/internal/store"
)

// DefaultCacheMaxAge is how long a cached answer may be served when Options.CacheMaxAge
// is zero.
const DefaultCacheMaxAge = time.Second

// answerCache serves anonymous callers' queries from one shared cache of whole answers
// (internal/cache), and only while nothing they read has changed.
//
// What is shared: the answers of anonymous callers only, who all read the same, keyed by
// the document's tokens (normalized), the operation's name, its variables and the caller's languages. A request
// that carries a key never reads or fills the cache, so that nothing a key may read (a
// draft, a partner-only event, a member) reaches it. Only queries without errors are kept.
//
// Fresh: each answer keeps the database's version (store.Version) read before it was
// computed, and each hit first asks PostgreSQL, in one statement, whether a change has
// committed since (store.Fresh): one round trip instead of the operation's statements and
// resolvers. This is exact on every instance at once, whereas the change feed's
// notifications reach other instances a little later; the feed only empties the cache early
// (Drop), so that a stale answer is rarely checked at all. A change committed while an
// answer was computed is newer than its version, so that answer is stale at its first hit.
// Answers that read what the change log does not record (indicators, results, reach and
// headline figures, and any interface that may be one of them, such as Node) are not
// cached; countries, which the log does not record either, are compared by a digest.
// Answers also depend on the time (an event starts, registration closes), so none is
// served longer than maxAge after it was computed.
type answerCache struct {
	cache  *cache.Cache
	st     *store.Store
	maxAge time.Duration
	now    func() time.Time
	// unsafe are the types an answer that reads them is not cached (Validate).
	unsafe map[string]bool
	// documents remembers the digest of each document's tokens (normalized).
	documents digests
	flights   flights
}

// newAnswerCache returns the cache of opt's size, which the change feed of opt's broker, if
// any, empties at every change.
func newAnswerCache(st *store.Store, opt Options) *answerCache {
	a := &answerCache{cache: cache.New(opt.CacheBytes), st: st, maxAge: opt.CacheMaxAge, now: opt.Clock,
		documents: newDigests()}
	if a.maxAge <= 0 {
		a.maxAge = DefaultCacheMaxAge
	}
	if a.now == nil {
		a.now = time.Now
	}
	if opt.Broker != nil {
		opt.Broker.OnChange(func(store.Notice) { a.cache.Drop() })
	}
	return a
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = (*answerCache)(nil)

func (*answerCache) ExtensionName() string { return "AnswerCache" }

// Validate finds the types an answer that reads them is not cached: the unrecorded ones, and
// the interfaces and unions that may be one of them (a Node may be an Indicator).
func (a *answerCache) Validate(es graphql.ExecutableSchema) error {
	schema := es.Schema()
	a.unsafe = map[string]bool{}
	for name, def := range schema.Types {
		if unrecorded[name] {
			a.unsafe[name] = true
		}
		if def.Kind == ast.Interface || def.Kind == ast.Union {
			for _, t := range schema.GetPossibleTypes(def) {
				if unrecorded[t.Name] {
					a.unsafe[name] = true
				}
			}
		}
	}
	return nil
}

func (a *answerCache) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if refused(ctx) {
		return next(ctx)
	}
	k, ok := a.key(ctx)
	if !ok {
		return next(ctx)
	}
	resp, v, checked := a.hit(ctx, k)
	if resp != nil {
		return resp
	}
	// One request per key computes the answer; those that miss meanwhile wait for it (when
	// a popular answer expires, 32 clients would otherwise compute it 32 times at once) and
	// then check it as any hit, since a change may have committed after it was begun.
	if wait, leave := a.flights.join(k); wait != nil {
		metrics.CacheWaits.Inc()
		select {
		case <-wait:
		case <-ctx.Done():
		}
		if resp, v, checked = a.hit(ctx, k); resp != nil {
			return resp
		}
	} else {
		defer leave()
	}
	return a.compute(ctx, k, next, v, checked)
}

// hit returns the cached answer of k if it is fresh. Otherwise it drops the entry found,
// if any, and returns the version its check read (checked), from which a new answer may be
// computed.
func (a *answerCache) hit(ctx context.Context, k cache.Key) (resp *graphql.Response, v store.Version, checked bool) {
	now := a.now()
	e, _ := a.cache.Get(k)
	if e == nil {
		return nil, v, false
	}
	if now.Before(e.At) || now.Sub(e.At) >= a.maxAge {
		a.cache.Remove(k, e)
		return nil, v, false
	}
	fresh, v, err := a.st.Fresh(ctx, e.Version)
	if err != nil {
		return nil, v, false // computed without the cache's help, as if it had none
	}
	if fresh {
		a.cache.Refresh(k, e, v)
		metrics.CacheHits.Inc()
		return &graphql.Response{Data: e.Data}, v, true
	}
	metrics.CacheStale.Inc()
	a.cache.Remove(k, e)
	return nil, v, true
}

// compute runs the operation and stores its answer, if it has no errors, with the version v
// read before it began (read now unless checked).
func (a *answerCache) compute(ctx context.Context, k cache.Key, next graphql.ResponseHandler, v store.Version, checked bool) *graphql.Response {
	metrics.CacheMisses.Inc()
	now := a.now()
	_, gen := a.cache.Get(k)
	var err error
	if !checked {
		v, err = a.st.CurrentVersion(ctx)
	}
	resp := next(ctx)
	if err == nil && resp != nil && len(resp.Errors) == 0 && len(resp.Data) > 0 {
		a.cache.Put(k, &cache.Entry{Data: bytes.Clone(resp.Data), Version: v, At: now}, gen)
	}
	return resp
}

// flights are the answers being computed, each by one request.
type flights struct {
	mu sync.Mutex
	m  map[cache.Key]chan struct{}
}

// join returns, when another request computes k, a channel closed once it is done;
// otherwise nil and the function that the caller, now computing k, calls when done.
func (f *flights) join(k cache.Key) (wait <-chan struct{}, leave func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.m[k]; ok {
		return c, nil
	}
	if f.m == nil {
		f.m = map[cache.Key]chan struct{}{}
	}
	c := make(chan struct{})
	f.m[k] = c
	return nil, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.m, k)
		close(c)
	}
}

// key returns the cache key of the operation in ctx, and false when its answer is not to be
// shared: a caller with a key, an operation other than a query, or one that reads what the
// change log does not record.
func (a *answerCache) key(ctx context.Context) (cache.Key, bool) {
	if !graphql.HasOperationContext(ctx) {
		return cache.Key{}, false
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Query || keyed(ctx, oc.Headers) {
		return cache.Key{}, false
	}
	if !a.recorded(oc.Operation.SelectionSet, map[string]bool{}) {
		return cache.Key{}, false
	}
	vars, err := json.Marshal(oc.Variables) // map keys sorted: equal variables, equal bytes
	if err != nil {
		return cache.Key{}, false
	}
	doc, ok := a.documents.normalized(ctx, oc.RawQuery)
	if !ok {
		return cache.Key{}, false
	}
	h := sha256.New()
	field(h, "anonymous") // the visibility class
	h.Write(doc[:])
	field(h, oc.OperationName)
	field(h, string(vars))
	for _, t := range lang.FromContext(ctx) {
		field(h, t.String())
	}
	var k cache.Key
	h.Sum(k[:0])
	return k, true
}

// normalized returns a digest of the document's tokens: equal for documents that differ only
// in white space, commas and comments, which mean nothing in GraphQL, so that clients that
// format one query differently share its answers. Digests are remembered by the document's
// text, since clients send the same few texts again and again.
func (d digests) normalized(ctx context.Context, raw string) ([32]byte, bool) {
	if d, ok := d.lru.Get(ctx, raw); ok {
		return d, true
	}
	h := sha256.New()
	l := lexer.New(&ast.Source{Input: raw})
	for {
		tok, err := l.ReadToken()
		if err != nil {
			return [32]byte{}, false // it parsed, so this does not happen; share nothing if it does
		}
		if tok.Kind == lexer.EOF {
			break
		}
		if tok.Kind == lexer.Comment {
			continue
		}
		field(h, tok.Kind.String())
		field(h, tok.Value)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	d.lru.Add(ctx, raw, sum)
	return sum, true
}

// digests remembers the digests of documents' tokens by their text (normalized), for the
// answer cache and for the subscriptions that share answers (addStreamTransports).
type digests struct{ lru *lru.LRU[[32]byte] }

func newDigests() digests { return digests{lru.New[[32]byte](1000)} }

// field writes s with its length, so that no two lists of fields hash alike by accident of
// where one ends.
func field(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

// unrecorded are the types whose records the change log (migration 00004 and later) does not
// record, so that store.Fresh cannot tell they changed: an answer that may read one is not
// cached.
var unrecorded = map[string]bool{
	"Indicator": true, "IndicatorPeriod": true, "IndicatorBreakdown": true, "IndicatorBaseline": true,
	"Result": true, "Reach": true, "ReachGroup": true, "HeadlineFigure": true,
}

// recorded reports whether every field of set, fragments included, returns a type whose
// changes the change log records.
func (a *answerCache) recorded(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Definition == nil || a.unsafe[sel.Definition.Type.Name()] || !a.recorded(sel.SelectionSet, seen) {
				return false
			}
		case *ast.InlineFragment:
			if a.unsafe[sel.TypeCondition] || !a.recorded(sel.SelectionSet, seen) {
				return false
			}
		case *ast.FragmentSpread:
			if seen[sel.Name] {
				continue
			}
			seen[sel.Name] = true
			if sel.Definition == nil || a.unsafe[sel.Definition.TypeCondition] || !a.recorded(sel.Definition.SelectionSet, seen) {
				return false
			}
		}
	}
	return true
}
