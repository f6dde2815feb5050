package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/persisted"
	"campaigns/internal/store"
)

// The HTTP caching tests build handlers with an answer cache, as answers_test.go does, and
// are not parallel for the same reason.

// conditional is one answer read raw, as a cache sees it: 304 has no body to decode.
type conditional struct {
	Status     int
	Header     http.Header
	Body       string
	Statements int64
}

// serveRaw serves req through h, counting the SQL statements it runs.
func serveRaw(t *testing.T, h http.Handler, req *http.Request) *conditional {
	t.Helper()
	ctx := store.WithStatementCounter(req.Context())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req.WithContext(ctx))
	return &conditional{Status: rec.Code, Header: rec.Header(), Body: rec.Body.String(), Statements: store.StatementCount(ctx)}
}

// namesGet is a GET of campaignNames for the first n campaigns.
func namesGet(n int) *http.Request {
	return getQuery(campaignNames, `{"first":`+strconv.Itoa(n)+`}`, "")
}

// etagOf fails the test unless c is a 200 with data and no errors, cacheable by anyone once
// revalidated, and returns its entity tag.
func etagOf(t *testing.T, c *conditional) string {
	t.Helper()
	var body struct {
		Data   json.RawMessage
		Errors []apitest.Error
	}
	if c.Status != http.StatusOK || json.Unmarshal([]byte(c.Body), &body) != nil || len(body.Errors) > 0 || len(body.Data) == 0 {
		t.Fatalf("status %d: %.400s", c.Status, c.Body)
	}
	if cc := c.Header.Get("Cache-Control"); cc != "public, no-cache" {
		t.Errorf("Cache-Control %q, want public, no-cache", cc)
	}
	tag := c.Header.Get("ETag")
	if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		t.Fatalf("ETag %q, want a strong entity tag (a quoted string without W/)", tag)
	}
	return tag
}

// TestETagIsTheSameOnEveryInstance: the same answer has the same strong tag on two instances
// with caches of their own, on one without a cache, by plain GET and by a persisted query's
// hash; another answer has another tag.
func TestETagIsTheSameOnEveryInstance(t *testing.T) {
	st := dbtest.Seeded(t)
	a, b := cachedInstance(t, st, 1<<20, false), cachedInstance(t, st, 1<<20, false)
	uncached := apitest.New(st)
	tag := etagOf(t, serveRaw(t, a.Handler, namesGet(5)))
	for name, h := range map[string]http.Handler{"A again (from its cache)": a.Handler, "B": b.Handler, "an instance without a cache": uncached.Handler} {
		if got := etagOf(t, serveRaw(t, h, namesGet(5))); got != tag {
			t.Errorf("%s: ETag %s, want A's %s", name, got, tag)
		}
	}
	hash := persisted.Hash(campaignNames)
	if res := send(t, a.Handler, postPersisted(t, campaignNames, hash, map[string]any{"first": 5})); res.Status != 200 || len(res.Errors) > 0 {
		t.Fatalf("register the query: %.300s", res.Body)
	}
	if got := etagOf(t, serveRaw(t, a.Handler, getPersisted(t, hash, `{"first":5}`))); got != tag {
		t.Errorf("by hash: ETag %s, want the plain GET's %s", got, tag)
	}
	if other := etagOf(t, serveRaw(t, b.Handler, namesGet(6))); other == tag {
		t.Errorf("another answer has the same ETag %s", tag)
	}
}

// TestNotModifiedExecutesNothing: a GET whose If-None-Match names the current tag is answered
// 304 without a body, running only the cache's freshness check, and is priced and charged as
// a hit is; a tag among others, or weak, matches too; another tag gets the answer.
func TestNotModifiedExecutesNothing(t *testing.T) {
	st := dbtest.Seeded(t)
	h := api.New(st, api.Options{
		// A budget that refills by a point in 9 s: nothing noticeable while the test runs.
		Limits:     limits.Config{MaxCost: apitest.TestMaxCost, AnonymousPoints: 10_000, Window: 24 * time.Hour},
		CacheBytes: 1 << 20, CacheMaxAge: time.Hour,
	})
	first := serveRaw(t, h, namesGet(5))
	tag := etagOf(t, first)
	var body struct {
		Extensions struct{ Cost struct{ Requested int } }
	}
	if err := json.Unmarshal([]byte(first.Body), &body); err != nil || body.Extensions.Cost.Requested < 2 {
		t.Fatalf("no cost in %.300s", first.Body)
	}
	cost := body.Extensions.Cost.Requested
	remaining := rateLimitOf(t, first.Header).Remaining

	for _, ifNoneMatch := range []string{tag, `"other", ` + tag, "W/" + tag} {
		res := serveRaw(t, h, withHeader(namesGet(5), "If-None-Match", ifNoneMatch))
		if res.Status != http.StatusNotModified || res.Body != "" {
			t.Fatalf("If-None-Match %s: status %d, want 304 without a body: %.300s", ifNoneMatch, res.Status, res.Body)
		}
		if res.Statements != 1 {
			t.Errorf("If-None-Match %s: %d statements, want only the freshness check", ifNoneMatch, res.Statements)
		}
		if got := res.Header.Get("ETag"); got != tag {
			t.Errorf("304 with ETag %q, want %s", got, tag)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, no-cache" {
			t.Errorf("304 with Cache-Control %q", cc)
		}
		if ct := res.Header.Get("Content-Type"); ct != "" {
			t.Errorf("304 with Content-Type %q and no content", ct)
		}
		// Charged what the operation costs, as a hit is (the budget refills a little meanwhile).
		rl := rateLimitOf(t, res.Header)
		if rl == nil || rl.Remaining > remaining-cost+1 || rl.Remaining < remaining-cost-1 {
			t.Errorf("304: RateLimit %+v, want about %d remaining after %d more points", rl, remaining-cost, cost)
		}
		remaining = rl.Remaining
	}
	other := serveRaw(t, h, withHeader(namesGet(5), "If-None-Match", `"not-the-tag"`))
	if got := etagOf(t, other); got != tag || other.Body != first.Body {
		t.Errorf("another tag: ETag %s and body %.200s, want the answer again", got, other.Body)
	}
	// A POST is not answered 304: caches do not keep POSTs.
	post := serveRaw(t, h, withHeader(postJSON(t, campaignNames, map[string]any{"first": 5}), "If-None-Match", tag))
	if post.Status != http.StatusOK || post.Header.Get("ETag") != "" {
		t.Errorf("POST with If-None-Match: status %d, ETag %q; want 200 and none", post.Status, post.Header.Get("ETag"))
	}
}

// TestWriteThroughAChangesTheTagOnB: after a rename through instance A returns, instance B's
// next GET, sent with the tag B gave before, is computed and answered in full with a new tag,
// whether or not B's change feed has told it; the one after is 304 again.
func TestWriteThroughAChangesTheTagOnB(t *testing.T) {
	st := dbtest.Seeded(t)
	a, b := cachedInstance(t, st, 1<<20, false), cachedInstance(t, st, 1<<20, false)
	editor := a.As(apitest.Key(t, st, "mtv-exit", "EDITOR"))
	var camp struct {
		Campaign struct {
			ID      string
			Version int
		}
	}
	a.Query(t, `{ campaign(slug: "mtv-exit") { id version } }`, nil).MustData(t, &camp)
	before := etagOf(t, serveRaw(t, b.Handler, namesGet(20)))
	if res := serveRaw(t, b.Handler, withHeader(namesGet(20), "If-None-Match", before)); res.Status != http.StatusNotModified {
		t.Fatalf("before the write: status %d, want 304", res.Status)
	}
	_, userErrors := mutate(t, editor, `mutation($id: ID!, $v: Int!) { m: updateCampaign(input: {id: $id, expectedVersion: $v, name: "Renamed for the tag"}) { campaign { id } userErrors { field code } } }`,
		map[string]any{"id": camp.Campaign.ID, "v": camp.Campaign.Version})
	if len(userErrors) > 0 {
		t.Fatalf("rename: %+v", userErrors)
	}
	after := serveRaw(t, b.Handler, withHeader(namesGet(20), "If-None-Match", before))
	tag := etagOf(t, after)
	if tag == before || !strings.Contains(after.Body, "Renamed for the tag") {
		t.Fatalf("after the write through A, B answered ETag %s (before %s): %.300s", tag, before, after.Body)
	}
	if res := serveRaw(t, b.Handler, withHeader(namesGet(20), "If-None-Match", tag)); res.Status != http.StatusNotModified || res.Statements != 1 {
		t.Errorf("the new tag: status %d, %d statements; want 304 from the cache", res.Status, res.Statements)
	}
}

// TestNoETagForKeysMutationsOrErrors: a caller with a key gets its answer in full with
// Cache-Control: private, no-store and no tag, whatever If-None-Match says; so do no
// mutation, nor an answer with errors, get a tag.
func TestNoETagForKeysMutationsOrErrors(t *testing.T) {
	st := dbtest.Seeded(t)
	c := cachedInstance(t, st, 1<<20, false)
	key := apitest.Key(t, st, "mtv-exit", "EDITOR")
	tag := etagOf(t, serveRaw(t, c.Handler, namesGet(5)))
	for _, ifNoneMatch := range []string{"", tag, "*"} {
		req := withHeader(namesGet(5), "Authorization", "Bearer "+key)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		res := serveRaw(t, c.Handler, req)
		if res.Status != http.StatusOK || res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "private, no-store" || !strings.Contains(res.Body, `"data"`) {
			t.Errorf("a key, If-None-Match %q: status %d, ETag %q, Cache-Control %q; want 200, no tag, private, no-store: %.200s",
				ifNoneMatch, res.Status, res.Header.Get("ETag"), res.Header.Get("Cache-Control"), res.Body)
		}
	}
	mutation := serveRaw(t, c.Handler, withHeader(withHeader(
		postJSON(t, `mutation { m: createMember(input: {displayName: "Aye", ageBand: AGE_18_24}) { member { id } } }`, nil),
		"Authorization", "Bearer "+key), "If-None-Match", "*"))
	if mutation.Status != http.StatusOK || mutation.Header.Get("ETag") != "" || mutation.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("a mutation: status %d, ETag %q, Cache-Control %q", mutation.Status, mutation.Header.Get("ETag"), mutation.Header.Get("Cache-Control"))
	}
	for _, q := range []string{`{ event(id: "not an id") { id } }`, `{ campaign(slug: 1) { id } }`} {
		res := serveRaw(t, c.Handler, withHeader(getQuery(q, "", ""), "If-None-Match", "*"))
		if res.Status == http.StatusNotModified || res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(res.Body, `"errors"`) {
			t.Errorf("%s: status %d, ETag %q, Cache-Control %q; want the errors, no tag, no-store: %.200s",
				q, res.Status, res.Header.Get("ETag"), res.Header.Get("Cache-Control"), res.Body)
		}
	}
}

// TestRateLimitInHeadersNotBody: two anonymous callers asking the same get byte-equal bodies,
// by POST and by GET, with the same tag; each learns its own budget from the RateLimit
// headers, which are right, and the body holds only the cost.
func TestRateLimitInHeadersNotBody(t *testing.T) {
	st := dbtest.Seeded(t)
	h := api.New(st, api.Options{
		Limits:     limits.Config{MaxCost: apitest.TestMaxCost, AnonymousPoints: 1000, Window: 24 * time.Hour},
		CacheBytes: 1 << 20, CacheMaxAge: time.Hour,
	})
	from := func(addr string, req *http.Request) *conditional {
		req.RemoteAddr = addr
		return serveRaw(t, h, req)
	}
	const one, two = "203.0.113.1:1000", "203.0.113.2:2000"
	for _, tt := range []struct {
		name string
		req  func() *http.Request
	}{
		{"POST", func() *http.Request { return postJSON(t, campaignNames, map[string]any{"first": 5}) }},
		{"GET", func() *http.Request { return namesGet(5) }},
	} {
		a, b := from(one, tt.req()), from(two, tt.req())
		if a.Status != 200 || a.Body != b.Body {
			t.Errorf("%s: two callers, statuses %d %d, bodies differ:\n%s\n%s", tt.name, a.Status, b.Status, a.Body, b.Body)
		}
		if a.Header.Get("ETag") != b.Header.Get("ETag") {
			t.Errorf("%s: two callers, ETags %q %q", tt.name, a.Header.Get("ETag"), b.Header.Get("ETag"))
		}
		if strings.Contains(a.Body, "rateLimit") || !strings.Contains(a.Body, `"cost":{`) {
			t.Errorf("%s: the body holds the budget, or not the cost: %s", tt.name, a.Body)
		}
	}
	// Each caller has paid, from its own budget, for the POST, the GET and this GET: 6 points
	// each (1 + 5 × 1), from the cache or not.
	for _, addr := range []string{one, two} {
		res := from(addr, namesGet(5))
		rl := rateLimitOf(t, res.Header)
		if rl == nil || rl.Limit != 1000 || rl.Remaining != 1000-3*6 || rl.Policy != "1000;w=86400" {
			t.Fatalf("%s: RateLimit %+v, want limit 1000, %d remaining, policy 1000;w=86400", addr, rl, 1000-3*6)
		}
		// 18 of 1,000 points refill in 18/1,000 of a day, 1,555.2 s (a little less, as the
		// budget refills while the test runs), told in whole seconds.
		if rl.Reset < 1469 || rl.Reset > 1556 {
			t.Errorf("%s: RateLimit-Reset %d, want about 1,556 seconds", addr, rl.Reset)
		}
	}
}

// TestVaryNamesWhatAnswersDependOn: /query answers, full, 304 and refused, name in Vary the
// caller's languages, content coding and key, each once.
func TestVaryNamesWhatAnswersDependOn(t *testing.T) {
	st := dbtest.Seeded(t)
	c := cachedInstance(t, st, 1<<20, false)
	full := serveRaw(t, c.Handler, namesGet(5))
	tag := etagOf(t, full)
	for name, res := range map[string]*conditional{
		"200":                  full,
		"304":                  serveRaw(t, c.Handler, withHeader(namesGet(5), "If-None-Match", tag)),
		"gzip":                 serveRaw(t, c.Handler, withHeader(namesGet(5), "Accept-Encoding", "gzip")),
		"POST":                 serveRaw(t, c.Handler, postJSON(t, campaignNames, nil)),
		"an unparsable query":  serveRaw(t, c.Handler, getQuery("{", "", "")),
		"a refused media type": serveRaw(t, c.Handler, withHeader(postJSON(t, campaignNames, nil), "Content-Type", "text/plain")),
	} {
		count := map[string]int{}
		for _, v := range res.Header.Values("Vary") {
			for field := range strings.SplitSeq(v, ",") {
				count[http.CanonicalHeaderKey(strings.TrimSpace(field))]++
			}
		}
		want := []string{"Accept-Encoding", "Authorization"}
		if res.Status < 400 {
			// A refusal before the request is read does not depend on the caller's
			// languages; every answer of GraphQL may.
			want = append(want, "Accept-Language")
		}
		for _, h := range want {
			if count[h] != 1 {
				t.Errorf("%s (status %d): Vary %q names %s %d times, want once", name, res.Status, res.Header.Values("Vary"), h, count[h])
			}
		}
	}
}
