package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/auth"
	"campaigns/internal/limits"
	"campaigns/internal/metrics"
	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/internal/reqid"
	"campaigns/internal/scalar"
	"campaigns/internal/store"
)

// shield applies internal/limits to the GraphQL endpoint: as middleware where the HTTP
// request is enough (whose budget, whether it holds a point at all), and as a gqlgen
// extension where the document is needed (its shape before validation, its cost after).
type shield struct {
	cfg           limits.Config
	model         limits.CostModel
	introspection bool
	schema        *ast.Schema
	// keys and anonymous are the budgets of API keys and of client addresses; nil when off.
	// They are the instance's own, or shared by every instance through Redis (shared.go).
	keys, anonymous limits.Charger
	// failedKeys counts refused API keys per client address; nil when anonymous limits are off.
	failedKeys *limits.Budgets
	// stats are the planner's statistics that price counts, aggregates and searches.
	stats *statsCache
	// search counts the documents a search matches, up to limit and one more; nil when off.
	search func(ctx context.Context, text string, types []string, country string, limit int) (int, error)
	// ring holds the live keys, for the key guard (keyguard.go).
	ring *keyring
	// checked remembers documents that passed CheckDocument, as gqlgen's query cache
	// remembers parsed ones, so a repeated query is not lexed and parsed twice.
	checked graphql.Cache[struct{}]
	now     func() time.Time
}

func newShield(cfg limits.Config, introspection bool) *shield {
	s := &shield{
		cfg:           cfg.WithDefaults(),
		introspection: introspection,
		checked:       lru.New[struct{}](1000),
		now:           time.Now,
	}
	if s.cfg.KeyPoints > 0 {
		s.keys = limits.NewBudgets(s.cfg.KeyPoints, s.cfg.Window)
	}
	if s.cfg.AnonymousPoints > 0 {
		s.anonymous = limits.NewBudgets(s.cfg.AnonymousPoints, s.cfg.Window)
		s.failedKeys = limits.NewBudgets(FailedKeysPerWindow, s.cfg.Window)
	}
	s.ring = &keyring{every: KeyringReload, now: s.now}
	s.stats = &statsCache{}
	s.model = limits.DefaultCostModel()
	s.model.DefaultPage, s.model.MaxPage = page.DefaultSize, page.MaxSize
	s.model.Stats = s.stats.get
	return s
}

// use gives the shield what it reads from the database: the live keys, for the key guard,
// and the planner's statistics, for pricing.
func (s *shield) use(st *store.Store) {
	if st == nil { // a test of the schema alone
		return
	}
	s.ring.load = st.LiveKeys
	s.search = func(ctx context.Context, text string, types []string, country string, limit int) (int, error) {
		if scalar.Text(text) != nil || scalar.Text(country) != nil {
			return 0, nil // text PostgreSQL cannot hold: the search refuses it itself, with no statement
		}
		q := store.SearchQuery{Text: text, Types: types, Viewer: auth.FromContext(ctx).OrgID}
		if country != "" {
			c, err := st.FindCountry(ctx, country)
			if errors.Is(err, store.ErrNotFound) {
				return 0, nil // the search refuses it itself
			}
			if err != nil {
				return 0, err
			}
			q.CountryCode = c.Code
		}
		return st.SearchMatches(ctx, q, limit)
	}
	tables, columns := limits.Wanted(s.model.Fields)
	s.stats.load = func(ctx context.Context) (*limits.Stats, error) {
		ts, err := st.TableStats(ctx, tables, columns)
		if err != nil {
			return nil, err
		}
		out := &limits.Stats{Rows: ts.Rows, Columns: map[string]limits.Column{}}
		for name, c := range ts.Columns {
			table, _, _ := strings.Cut(name, ".")
			out.Columns[name] = limits.NewColumn(ts.Rows[table], c.NullFrac, c.Distinct, c.Values, c.Freqs)
		}
		return out, nil
	}
}

// estimator returns the cost model's estimator for one operation: it counts the documents
// each search of the operation matches, up to as many as the cost limit leaves room for
// across all of them, so that pricing an operation of many searches reads no more.
func (s *shield) estimator(ctx context.Context) func(string, map[string]any) (float64, bool) {
	room := int(float64(s.cfg.MaxCost) * s.model.RowsPerPoint[limits.Ranked])
	return func(name string, args map[string]any) (float64, bool) {
		if name != limits.EstimateSearch {
			return 0, false
		}
		if room <= 0 {
			return float64(s.cfg.MaxCost)*s.model.RowsPerPoint[limits.Ranked] + 1, true
		}
		text, _ := args["query"].(string)
		country, _ := args["country"].(string)
		var types []string
		if ts, ok := args["types"].([]any); ok {
			for _, t := range ts {
				if t, ok := t.(string); ok {
					types = append(types, t)
				}
			}
		}
		n, err := s.search(ctx, text, types, country, room)
		if err != nil {
			return 0, false
		}
		room -= n
		return float64(n), true
	}
}

// StatsMaxAge is how old the statistics that price queries may grow before they are read
// again, in the background; the planner's own are as old as the last ANALYZE.
const StatsMaxAge = time.Minute

// statsCache holds the statistics that price queries. The first operation that needs them
// reads them; later ones use what is held while a read in the background renews it.
type statsCache struct {
	// load reads the statistics; nil prices without them.
	load func(context.Context) (*limits.Stats, error)

	mu         sync.Mutex
	current    *limits.Stats
	at         time.Time // when current was read
	failedAt   time.Time // when the last read failed, while none has worked since
	refreshing bool
}

// statsRetry is how long pricing goes without statistics after a read failed.
const statsRetry = 5 * time.Second

// get returns the statistics, reading them if none are held, and starting a read in the
// background if they are StatsMaxAge old. Without any (the database did not answer), it
// returns nil, which prices every table as a fixed, moderate length (limits.Stats), and tries
// again statsRetry later.
func (c *statsCache) get() *limits.Stats {
	if c.load == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.current == nil && time.Since(c.failedAt) >= statsRetry:
		st, err := c.read()
		if err != nil {
			c.failedAt = time.Now()
			return nil
		}
		c.current, c.at = st, time.Now()
	case c.current != nil && time.Since(c.at) >= StatsMaxAge && !c.refreshing:
		c.refreshing = true
		go func() {
			st, err := c.read()
			c.mu.Lock()
			defer c.mu.Unlock()
			if err == nil {
				c.current = st
			}
			// A failed read keeps the statistics held, a minute older.
			c.at, c.refreshing = time.Now(), false
		}()
	}
	return c.current
}

// read reads the statistics outside any request: they serve every request, and a request's
// context would count the statements as its own.
func (c *statsCache) read() (*limits.Stats, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.load(ctx)
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = (*shield)(nil)

// ExtensionName names the extension for gqlgen.
func (s *shield) ExtensionName() string { return "Limits" }

// Validate keeps the schema, which pricing needs.
func (s *shield) Validate(es graphql.ExecutableSchema) error {
	s.schema = es.Schema()
	return nil
}

// MutateOperationParameters refuses oversized variables and documents before gqlgen parses
// and validates them.
func (s *shield) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	if err := limits.CheckVariables(raw.Variables, s.cfg.MaxVariableValues); err != nil {
		return err
	}
	if _, ok := s.checked.Get(ctx, raw.Query); ok {
		return nil
	}
	if err := limits.CheckDocument(raw.Query, s.cfg); err != nil {
		return err
	}
	s.checked.Add(ctx, raw.Query, struct{}{})
	return nil
}

// MutateOperationContext refuses, in order: a mutation sent with GET, introspection when it
// is off, an operation that costs too much, and one the caller's budget cannot pay for.
func (s *shield) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	ex := exchangeFrom(ctx)
	if ex == nil {
		ex = &exchange{} // outside the HTTP handler, as in a test of the schema alone
	}
	op := opCtx.Operation
	if ex.method == http.MethodGet && op.Operation != ast.Query {
		ex.answer(http.StatusMethodNotAllowed, "Allow", "POST")
		return coded(problem.MethodNotAllowed, "a %s must be sent with POST; GET is for queries only", op.Operation)
	}
	if !s.introspection && usesIntrospection(op) {
		return coded(problem.IntrospectionDisabled, "introspection is turned off on this server")
	}
	model := s.model
	if s.search != nil {
		model.Estimate = s.estimator(ctx)
	}
	cost, err := limits.CheckCost(s.schema, op, opCtx.Variables, model, s.cfg.MaxCost)
	ex.cost = &cost
	if err != nil {
		return err
	}
	// The request paid one point at the door (see track).
	if ex.budgets != nil && cost > 1 {
		now := s.now()
		d := ex.budgets.Charge(ex.key, cost-1, now)
		ex.spent(d, now)
		if !d.Allowed {
			metrics.RateLimited.WithLabelValues("budget").Inc()
			ex.answer(http.StatusTooManyRequests, "Retry-After", retryAfter(d))
			return coded(problem.RateLimited, "the operation costs %d points and %d of your %d remain; retry after %s seconds",
				cost, d.Remaining, d.Limit, retryAfter(d))
		}
	}
	return nil
}

// InterceptResponse tells the caller what the request cost. What its budget holds goes in
// the answer's headers (rateLimitHeaders), not here: it differs from caller to caller and
// from one request to the next, and equal questions get equal bodies, which caches and
// ETags compare.
func (s *shield) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	ex := exchangeFrom(ctx)
	if resp == nil || ex == nil {
		return resp
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	if ex.cost != nil {
		resp.Extensions["cost"] = map[string]any{"requested": *ex.cost, "limit": s.cfg.MaxCost}
	}
	return resp
}

// track gives each request its exchange and charges one point at the door, before anything
// is read: a request that fails to parse still costs something, and a caller whose budget
// is spent is turned away without parsing anything.
func (s *shield) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex := &exchange{method: r.Method, window: s.cfg.Window}
		if budgets, key := s.budgetOf(r); budgets != nil {
			ex.budgets, ex.key = budgets, key
			now := s.now()
			d := budgets.Charge(key, 1, now)
			ex.spent(d, now)
			if !d.Allowed {
				metrics.RateLimited.WithLabelValues("budget").Inc()
				w.Header().Set("Retry-After", retryAfter(d))
				rateLimitHeaders(w.Header(), d, s.cfg.Window, now)
				problem.Write(w, http.StatusTooManyRequests, reqid.From(r.Context()),
					problem.New(problem.RateLimited, "the budget of %d points is spent; retry after %s seconds", d.Limit, retryAfter(d)))
				return
			}
		}
		ctx := context.WithValue(r.Context(), exchangeKey{}, ex)
		next.ServeHTTP(&statusOverride{ResponseWriter: w, ex: ex}, r.WithContext(ctx))
	})
}

// budgetOf returns the budget that pays for r: its API key's, or its client address's.
func (s *shield) budgetOf(r *http.Request) (limits.Charger, string) {
	if c := auth.FromContext(r.Context()); !c.Anonymous() {
		if s.keys == nil {
			return nil, ""
		}
		return s.keys, "key:" + strconv.FormatInt(c.KeyID, 10)
	}
	if s.anonymous == nil {
		return nil, ""
	}
	addr := limits.ClientAddress(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), s.cfg.TrustedProxies)
	return s.anonymous, limits.ClientKey(addr)
}

// rateLimitHeaders tells the caller the state of its budget after a charge at now, in the
// headers of the IETF's draft (draft-ietf-httpapi-ratelimit-headers, the names of its
// drafts up to -06, which clients and gateways read): RateLimit-Limit, the points of a full
// budget; RateLimit-Remaining, those left; RateLimit-Reset, the seconds until it is full
// again if nothing more is spent; and RateLimit-Policy, the budget and the window over which
// it refills ("10000;w=60"). They travel in headers, not in the body, so that two callers
// asking the same get the same body, which the answer's ETag can then name.
func rateLimitHeaders(h http.Header, d limits.Decision, window time.Duration, now time.Time) {
	h.Set("RateLimit-Limit", strconv.Itoa(d.Limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(0, d.Remaining)))
	h.Set("RateLimit-Reset", strconv.Itoa(max(0, int(math.Ceil(d.ResetAt.Sub(now).Seconds())))))
	h.Set("RateLimit-Policy", strconv.Itoa(d.Limit)+";w="+strconv.Itoa(max(1, int(math.Ceil(window.Seconds())))))
}

// retryAfter is Retry-After in whole seconds, at least one.
func retryAfter(d limits.Decision) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.RetryAfter.Seconds()))))
}

// usesIntrospection reports whether op selects __schema or __type anywhere.
func usesIntrospection(op *ast.OperationDefinition) bool {
	seen := map[string]bool{}
	var walk func(set ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch sel := sel.(type) {
			case *ast.Field:
				if sel.Name == "__schema" || sel.Name == "__type" || walk(sel.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if walk(sel.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if !seen[sel.Name] && sel.Definition != nil {
					seen[sel.Name] = true
					if walk(sel.Definition.SelectionSet) {
						return true
					}
				}
			}
		}
		return false
	}
	return walk(op.SelectionSet)
}

// coded returns a request error with code.
func coded(code problem.Code, format string, args ...any) *gqlerror.Error {
	return problem.New(code, format, args...).GraphQL()
}
