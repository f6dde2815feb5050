package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/metrics"
	"campaigns/internal/realtime"
	"campaigns/internal/store"
)

// The answer cache's tests are not parallel: they compare the process's cache metrics
// before and after, and no other test builds a handler with a cache.

// cachedInstance is one server instance with its own answer cache of size bytes and, when
// listen is set, its own broker listening to the change feed.
func cachedInstance(t *testing.T, st *store.Store, size int64, listen bool) *apitest.Client {
	t.Helper()
	opt := api.Options{Limits: limits.Config{MaxCost: apitest.TestMaxCost}, CacheBytes: size, CacheMaxAge: time.Hour}
	if listen {
		ctx, cancel := context.WithCancel(context.Background())
		b := realtime.New(st, realtime.Options{})
		done := make(chan struct{})
		go func() { b.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		select {
		case <-b.Listening():
		case <-time.After(20 * time.Second):
			t.Fatal("the broker does not listen")
		}
		opt.Broker = b
	}
	return &apitest.Client{Handler: api.New(st, opt)}
}

// hit reports whether res came from the cache: a hit runs one statement, the check that
// nothing changed, and a computed answer runs that or the reading of the version, and the
// operation's own statements.
func hit(res *apitest.Response) bool { return res.Statements == 1 }

const campaignNames = `query Names($first: Int) { campaigns(first: $first) { nodes { id name } } }`

// campaignName returns the name of the campaign with slug in an answer of campaignNames.
func campaignName(t *testing.T, res *apitest.Response, id string) string {
	t.Helper()
	var data struct {
		Campaigns struct{ Nodes []struct{ ID, Name string } }
	}
	res.MustData(t, &data)
	for _, n := range data.Campaigns.Nodes {
		if n.ID == id {
			return n.Name
		}
	}
	t.Fatalf("campaign %s not in %s", id, res.Data)
	return ""
}

// TestCachedAnswersAreFreshOnEveryInstance: two instances over one database, each with its
// own cache and change feed. B answers a repeated anonymous query from its cache; after a
// rename through A returns, B's very next answer has the new name, whether or not B's feed
// has told it yet (without a feed at all, the check on each hit alone keeps it fresh); and
// the answer after that comes from the cache again.
func TestCachedAnswersAreFreshOnEveryInstance(t *testing.T) {
	for _, feed := range []bool{false, true} {
		t.Run(map[bool]string{false: "B without a feed", true: "B with its feed"}[feed], func(t *testing.T) {
			freshOnEveryInstance(t, feed)
		})
	}
}

func freshOnEveryInstance(t *testing.T, feed bool) {
	st := dbtest.Seeded(t)
	a, b := cachedInstance(t, st, 1<<20, true), cachedInstance(t, st, 1<<20, feed)
	editor := a.As(apitest.Key(t, st, "mtv-exit", "EDITOR"))
	var camp struct {
		Campaign struct {
			ID      string
			Version int
		}
	}
	b.Query(t, `{ campaign(slug: "mtv-exit") { id version } }`, nil).MustData(t, &camp)
	vars := map[string]any{"first": 20}

	hits, misses := testutil.ToFloat64(metrics.CacheHits), testutil.ToFloat64(metrics.CacheMisses)
	first := b.Query(t, campaignNames, vars)
	second := b.Query(t, campaignNames, vars)
	if hit(first) || !hit(second) {
		t.Fatalf("statements %d then %d: want a computed answer, then a hit", first.Statements, second.Statements)
	}
	if string(first.Data) != string(second.Data) {
		t.Errorf("the cached answer differs:\n%s\n%s", first.Data, second.Data)
	}
	if got := testutil.ToFloat64(metrics.CacheHits) - hits; got != 1 {
		t.Errorf("%v hits counted, want 1", got)
	}
	if got := testutil.ToFloat64(metrics.CacheMisses) - misses; got != 1 {
		t.Errorf("%v misses counted, want 1", got)
	}

	for i, name := range []string{"Renamed once", "Renamed twice"} {
		_, userErrors := mutate(t, editor, `mutation($id: ID!, $v: Int!, $name: String!) { m: updateCampaign(input: {id: $id, expectedVersion: $v, name: $name}) { campaign { id } userErrors { field code } } }`,
			map[string]any{"id": camp.Campaign.ID, "v": camp.Campaign.Version + i, "name": name})
		if len(userErrors) > 0 {
			t.Fatalf("rename: %+v", userErrors)
		}
		after := b.Query(t, campaignNames, vars)
		if got := campaignName(t, after, camp.Campaign.ID); got != name {
			t.Fatalf("B answered %q after the rename to %q returned on A", got, name)
		}
		if hit(after) {
			t.Error("the answer after the rename came from the cache")
		}
		if again := b.Query(t, campaignNames, vars); campaignName(t, again, camp.Campaign.ID) != name || !feed && !hit(again) {
			t.Errorf("the answer after the fresh one is stale, or (without a feed) not cached: %d statements, %s", again.Statements, again.Data)
		}
	}
}

// TestCacheKeyHoldsLanguageAndVariables: the same document with other variables, or for a
// caller of other languages, or another document, is computed, not served from another's
// answer; the same document formatted otherwise is served.
func TestCacheKeyHoldsLanguageAndVariables(t *testing.T) {
	st := dbtest.Seeded(t)
	c := cachedInstance(t, st, 1<<20, false)
	c.Query(t, campaignNames, map[string]any{"first": 5})
	if res := c.Query(t, campaignNames, map[string]any{"first": 5}); !hit(res) {
		t.Fatalf("the repeated query ran %d statements", res.Statements)
	}
	if res := c.Query(t, campaignNames, map[string]any{"first": 6}); hit(res) {
		t.Error("other variables were served the cached answer")
	}
	thai := c.WithHeader("Accept-Language", "th")
	if res := thai.Query(t, campaignNames, map[string]any{"first": 5}); hit(res) {
		t.Error("another language was served the cached answer")
	}
	if res := thai.Query(t, campaignNames, map[string]any{"first": 5}); !hit(res) {
		t.Error("the repeated Thai query was computed again")
	}
	if res := c.WithHeader("Accept-Language", "th;q=1"); !hit(res.Query(t, campaignNames, map[string]any{"first": 5})) {
		t.Error("the same language preference, written otherwise, was computed again")
	}
	reformatted := "# the same query\nquery Names($first: Int) {\n  campaigns(first: $first) {\n    nodes { id, name }\n  }\n}\n"
	if res := c.Query(t, reformatted, map[string]any{"first": 5}); !hit(res) {
		t.Error("the same document, formatted otherwise, was computed again")
	}
	if res := c.Query(t, `query Names($first: Int) { campaigns(first: $first) { nodes { name id } } }`, map[string]any{"first": 5}); hit(res) {
		t.Error("another document was served the cached answer")
	}
}

// TestCacheEvictsByBytes: a cache that holds one answer evicts the older of two, counts it,
// and computes it again.
func TestCacheEvictsByBytes(t *testing.T) {
	st := dbtest.Seeded(t)
	one := apitest.New(st)
	big := map[string]any{"first": 8}
	size := len(one.Query(t, campaignNames, big).Data)
	c := cachedInstance(t, st, int64(size)+400, false)
	evictions, bytes := testutil.ToFloat64(metrics.CacheEvictions), testutil.ToFloat64(metrics.CacheBytes)
	c.Query(t, campaignNames, big)
	if got := testutil.ToFloat64(metrics.CacheBytes) - bytes; got < float64(size) {
		t.Errorf("the cache grew by %v bytes for an answer of %d", got, size)
	}
	c.Query(t, campaignNames, map[string]any{"first": 7})
	if got := testutil.ToFloat64(metrics.CacheEvictions) - evictions; got != 1 {
		t.Errorf("%v evictions counted, want 1", got)
	}
	if res := c.Query(t, campaignNames, big); hit(res) {
		t.Error("the evicted answer was served")
	}
}

// TestUnrecordedAnswersAreNotCached: answers that may read what the change log does not
// record (a Node may be an Indicator, results) are computed every time, and so are answers
// with errors, while a recorded query is served from the cache.
func TestUnrecordedAnswersAreNotCached(t *testing.T) {
	st := dbtest.Seeded(t)
	c := cachedInstance(t, st, 1<<20, false)
	var camp struct{ Campaign struct{ ID string } }
	c.Query(t, `{ campaign(slug: "mtv-exit") { id } }`, nil).MustData(t, &camp)
	for _, q := range []string{
		`query($id: ID!) { node(id: $id) { id } }`,
		`query($id: ID!) { nodes(ids: [$id]) { ... on Campaign { name } } }`,
		`{ campaign(slug: "mtv-exit") { results { id } } }`,
	} {
		vars := map[string]any{"id": camp.Campaign.ID}
		hits, misses := testutil.ToFloat64(metrics.CacheHits), testutil.ToFloat64(metrics.CacheMisses)
		for range 2 {
			if res := c.Query(t, q, vars); len(res.Errors) > 0 {
				t.Fatalf("%s: %+v", q, res.Errors)
			}
		}
		if testutil.ToFloat64(metrics.CacheHits) != hits || testutil.ToFloat64(metrics.CacheMisses) != misses {
			t.Errorf("%s: went through the cache", q)
		}
	}
	hits := testutil.ToFloat64(metrics.CacheHits)
	for range 2 {
		if res := c.Query(t, `{ event(id: "not an id") { id } }`, nil); len(res.Errors) == 0 {
			t.Fatalf("a bad ID answered no error: %s", res.Data)
		}
	}
	if testutil.ToFloat64(metrics.CacheHits) != hits {
		t.Error("an answer with errors was served from the cache")
	}
	c.Query(t, `{ campaign(slug: "mtv-exit") { id } }`, nil)
	if testutil.ToFloat64(metrics.CacheHits) != hits+1 {
		t.Error("the recorded query beside them was not served from the cache")
	}
}

// TestCacheNeverCrossesVisibility: a key's answers, which show a draft campaign, a
// partner-only event and members, never fill nor read the anonymous cache, and the
// anonymous answers to the same queries show none of them.
func TestCacheNeverCrossesVisibility(t *testing.T) {
	st := dbtest.Seeded(t)
	c := cachedInstance(t, st, 1<<20, false)
	owner := c.As(apitest.Key(t, st, "mtv-exit", "ADMIN"))
	var created struct {
		M struct{ Campaign struct{ ID string } }
	}
	owner.Query(t, `mutation { m: createCampaign(input: {slug: "plan-2014", name: "Secret plan", startsOn: "2014"}) { campaign { id } } }`, nil).MustData(t, &created)
	var camp struct{ Campaign struct{ ID string } }
	c.Query(t, `{ campaign(slug: "mtv-exit") { id } }`, nil).MustData(t, &camp)
	_, userErrors := mutate(t, owner, `mutation($c: ID!) { m: createEvent(input: {campaign: $c, title: "Partners' briefing", kind: OUTREACH, visibility: PARTNERS, startsAt: "2030-01-01T10:00:00Z", timeZone: "Asia/Bangkok"}) { event { id } userErrors { field code } } }`,
		map[string]any{"c": camp.Campaign.ID})
	if len(userErrors) > 0 {
		t.Fatalf("create the partner-only event: %+v", userErrors)
	}
	var member struct {
		M struct{ Member struct{ ID string } }
	}
	owner.Query(t, `mutation { m: createMember(input: {displayName: "Aye", ageBand: AGE_18_24}) { member { id } } }`, nil).MustData(t, &member)

	for _, q := range []struct {
		doc, private string
		vars         map[string]any
		// cached says whether anonymous answers are cached: not those that may read
		// what the change log does not record, such as a Node.
		cached bool
	}{
		{`{ campaigns(first: 50) { nodes { name } } }`, "Secret plan", nil, true},
		{`{ events(first: 100) { nodes { title } } }`, "Partners' briefing", nil, true},
		{`query($id: ID!) { node(id: $id) { ... on Member { displayName } } }`, "Aye", map[string]any{"id": member.M.Member.ID}, false},
	} {
		for range 2 {
			res := owner.Query(t, q.doc, q.vars)
			if hit(res) || !strings.Contains(string(res.Data), q.private) {
				t.Fatalf("%s: the owner's answer came from the cache or lacks %q: %s %+v", q.doc, q.private, res.Data, res.Errors)
			}
		}
		first := c.Query(t, q.doc, q.vars)
		if q.cached && hit(first) {
			t.Errorf("%s: the first anonymous answer came from the cache", q.doc)
		}
		second := c.Query(t, q.doc, q.vars)
		for _, res := range []*apitest.Response{first, second} {
			if body, _ := json.Marshal(res); strings.Contains(string(body), q.private) {
				t.Errorf("%s: an anonymous answer shows %q: %s", q.doc, q.private, body)
			}
		}
		if q.cached && !hit(second) {
			t.Errorf("%s: the repeated anonymous answer was not cached", q.doc)
		}
		if again := owner.Query(t, q.doc, q.vars); !strings.Contains(string(again.Data), q.private) {
			t.Errorf("%s: after anonymous answers, the owner's lacks %q: %s", q.doc, q.private, again.Data)
		}
	}
}

// BenchmarkCachedCampaignList compares, over the seed, the harness's campaign list computed
// (no cache), served from the cache (the freshness check and the answer's bytes), and the
// freshness check alone: what a hit costs beside what it saves.
func BenchmarkCachedCampaignList(b *testing.B) {
	st := dbtest.Seeded(b)
	body, _ := json.Marshal(map[string]string{"query": benchQuery})
	for _, bc := range []struct {
		name  string
		bytes int64
	}{{"computed", 0}, {"cached", 64 << 20}} {
		h := api.New(st, api.Options{CacheBytes: bc.bytes})
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				post(b, h, body)
			}
		})
	}
	b.Run("check", func(b *testing.B) {
		ctx := context.Background()
		v, err := st.CurrentVersion(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if ok, _, err := st.Fresh(ctx, v); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
}

// TestAnswerComputedAcrossACommitIsNotServed: an answer that read a campaign's name, then
// waited while a rename committed, is stale from its first hit: its version was read before
// it was computed. The cache has no feed here, so only the version can tell.
func TestAnswerComputedAcrossACommitIsNotServed(t *testing.T) {
	st, url := seededWithURL(t)
	c := cachedInstance(t, st, 1<<20, false)
	const q = `{ campaigns(first: 20) { nodes { id name events(first: 5) { nodes { venue { name } } } } } }`
	var camp struct{ Campaign struct{ ID, Name string } }
	c.Query(t, `{ campaign(slug: "mtv-exit") { id name } }`, nil).MustData(t, &camp)

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	// The events. venues wait for this transaction; the campaigns do not.
	if _, err := tx.Exec(ctx, `LOCK TABLE venues IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	during := make(chan *apitest.Response, 1)
	go func() { during <- c.Query(t, q, nil) }()
	watch, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close(ctx)
	waitFor(t, "the query waits for the venues", func() bool {
		var n int
		err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n)
		return err == nil && n > 0
	})
	if _, err := tx.Exec(ctx, `UPDATE campaigns SET name = 'Renamed meanwhile' WHERE slug = 'mtv-exit'`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got := campaignName(t, <-during, camp.Campaign.ID); got != camp.Campaign.Name {
		t.Fatalf("the answer computed across the rename shows %q, want the name it read first, %q", got, camp.Campaign.Name)
	}
	if got := campaignName(t, c.Query(t, q, nil), camp.Campaign.ID); got != "Renamed meanwhile" {
		t.Errorf("after the rename committed, the cache served %q", got)
	}
}

// TestConcurrentMissesComputeOnce: while one request computes an answer, another for the
// same answer waits for it instead of computing it too, and is then served it once checked.
func TestConcurrentMissesComputeOnce(t *testing.T) {
	st, url := seededWithURL(t)
	c := cachedInstance(t, st, 1<<20, false)
	const q = `{ campaigns(first: 20) { nodes { id name events(first: 5) { nodes { venue { name } } } } } }`
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE venues IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	hits, misses, waits := testutil.ToFloat64(metrics.CacheHits), testutil.ToFloat64(metrics.CacheMisses), testutil.ToFloat64(metrics.CacheWaits)
	answers := make(chan *apitest.Response, 2)
	go func() { answers <- c.Query(t, q, nil) }()
	waitFor(t, "the first request computes", func() bool { return testutil.ToFloat64(metrics.CacheMisses) == misses+1 })
	go func() { answers <- c.Query(t, q, nil) }()
	waitFor(t, "the second request waits for it", func() bool { return testutil.ToFloat64(metrics.CacheWaits) == waits+1 })
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	first, second := <-answers, <-answers
	if string(first.Data) != string(second.Data) || len(first.Errors)+len(second.Errors) > 0 {
		t.Fatalf("the answers differ or failed:\n%s %+v\n%s %+v", first.Data, first.Errors, second.Data, second.Errors)
	}
	if got := testutil.ToFloat64(metrics.CacheMisses) - misses; got != 1 {
		t.Errorf("computed %v times, want once", got)
	}
	if got := testutil.ToFloat64(metrics.CacheHits) - hits; got != 1 {
		t.Errorf("%v hits, want the waiting request's", got)
	}
}

// TestRefusalsAreNotAnsweredFromTheCache: an anonymous caller whose budget pays for the door
// but not for the query is refused with RATE_LIMITED, and no data, although the same query's
// answer is in the cache. A refusal comes through the cache's interceptor with its error
// already recorded, and a hit used to replace it: a 429 with neither errors nor data.
func TestRefusalsAreNotAnsweredFromTheCache(t *testing.T) {
	st := dbtest.Seeded(t)
	cfg := limits.Config{MaxCost: 50, AnonymousPoints: 20, KeyPoints: 200, Window: 24 * time.Hour}
	h := api.New(st, api.Options{Limits: cfg, CacheBytes: 1 << 20, CacheMaxAge: time.Hour})
	const cost8 = `{ campaigns(first: 7) { nodes { name } } }`
	get := func() *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/query?query="+url.QueryEscape(cost8), nil)
		req.RemoteAddr = "203.0.113.9:40000"
		return req
	}
	post := func() *http.Request {
		req := postJSON(t, cost8, nil)
		req.RemoteAddr = "203.0.113.9:40000"
		return req
	}
	for i, a := range []*answer{send(t, h, post()), send(t, h, post())} { // 8 points each: 4 remain
		if a.Status != http.StatusOK || len(a.Errors) != 0 || len(a.Data) == 0 {
			t.Fatalf("request %d: status %d: %.300s", i+1, a.Status, a.Body)
		}
	}
	// The door takes 1 point of the 4, and the query's other 7 are refused.
	for name, req := range map[string]*http.Request{"POST": post(), "GET": get()} {
		a := send(t, h, req)
		if a.Status != http.StatusTooManyRequests || a.code() != "RATE_LIMITED" || len(a.Data) != 0 {
			t.Errorf("%s over budget: status %d, code %q, data %s; want 429, RATE_LIMITED and no data: %.300s",
				name, a.Status, a.code(), a.Data, a.Body)
		}
		if a.Header.Get("ETag") != "" {
			t.Errorf("%s over budget: ETag %q on a refusal", name, a.Header.Get("ETag"))
		}
	}
}
