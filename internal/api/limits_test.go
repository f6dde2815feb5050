package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/relay"
	"campaigns/internal/seed"
	"campaigns/internal/store"
)

// answer is a GraphQL response with what the limit and protocol tests look at.
type answer struct {
	Status     int
	Header     http.Header
	Body       string
	Data       json.RawMessage `json:"data"`
	Errors     []apitest.Error `json:"errors"`
	Extensions struct {
		Cost *struct {
			Requested int `json:"requested"`
			Limit     int `json:"limit"`
		} `json:"cost"`
		// RateLimit is what the body no longer holds: send fails the test when it does.
		RateLimit json.RawMessage `json:"rateLimit"`
	} `json:"extensions"`
	// RateLimit is the caller's budget as the RateLimit headers tell it; nil without them.
	RateLimit *rateLimit `json:"-"`
}

// rateLimit is what the RateLimit headers of an answer say.
type rateLimit struct {
	Limit, Remaining int
	// Reset is the seconds until the budget is full again.
	Reset  int
	Policy string
}

// rateLimitOf reads the RateLimit headers of h, nil when there are none, and fails the test
// when only some are there or one is not a whole number.
func rateLimitOf(t testing.TB, h http.Header) *rateLimit {
	t.Helper()
	names := []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"}
	var present int
	for _, name := range names {
		if h.Get(name) != "" {
			present++
		}
	}
	if present == 0 {
		return nil
	}
	if present != len(names) {
		t.Fatalf("only some of the RateLimit headers: %v", h)
	}
	rl := &rateLimit{Policy: h.Get("RateLimit-Policy")}
	for i, dst := range []*int{&rl.Limit, &rl.Remaining, &rl.Reset} {
		n, err := strconv.Atoi(h.Get(names[i]))
		if err != nil || n < 0 {
			t.Fatalf("%s %q, want a whole number of at least 0", names[i], h.Get(names[i]))
		}
		*dst = n
	}
	return rl
}

// code is the first error's code, or "" when there is none.
func (a *answer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	return a.Errors[0].Code()
}

// hasData reports whether the answer carries non-null data.
func (a *answer) hasData() bool { return len(a.Data) > 0 && string(a.Data) != "null" }

// send serves req and decodes the answer, failing the test if it is not a JSON object.
func send(t testing.TB, h http.Handler, req *http.Request) *answer {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	a := &answer{Status: rec.Code, Header: rec.Header(), Body: rec.Body.String()}
	if err := json.Unmarshal(rec.Body.Bytes(), a); err != nil {
		t.Fatalf("not a JSON answer (status %d): %v\n%.500s", rec.Code, err, rec.Body.String())
	}
	if a.Extensions.RateLimit != nil {
		t.Fatalf("the body tells the caller's budget, which the RateLimit headers tell: %.500s", a.Body)
	}
	a.RateLimit = rateLimitOf(t, a.Header)
	return a
}

// postJSON returns a POST of a GraphQL request with variables.
func postJSON(t testing.TB, query string, vars map[string]any) *http.Request {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return postBody(b)
}

// postBody returns a POST of a raw JSON body.
func postBody(body []byte) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// seededWorld is the seed data in a database of its own, with its URL for snapshots.
func seededWorld(t *testing.T) (*store.Store, string) {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatalf("load seed: %v", err)
	}
	return st, url
}

// healthy fails the test unless an ordinary query still answers with data.
func healthy(t *testing.T, h http.Handler) {
	t.Helper()
	a := send(t, h, postJSON(t, `{ campaigns(first: 3) { totalCount nodes { slug } } }`, nil))
	var got struct{ Campaigns struct{ TotalCount int } }
	if a.Status != http.StatusOK || len(a.Errors) > 0 || json.Unmarshal(a.Data, &got) != nil || got.Campaigns.TotalCount == 0 {
		t.Fatalf("the server is no longer healthy: status %d, %s", a.Status, a.Body)
	}
}

// unchanged fails the test if any table differs from before.
func unchanged(t *testing.T, url string, before map[string]string) {
	t.Helper()
	if diff := cmp.Diff(before, dbtest.Snapshot(t, url)); diff != "" {
		t.Errorf("the requests wrote to the database (-before +after):\n%.2000s", diff)
	}
}

// checkRequestID fails the test unless every error carries the response's request id.
func checkRequestID(t *testing.T, a *answer) {
	t.Helper()
	id := a.Header.Get("X-Request-Id")
	if id == "" {
		t.Fatal("no X-Request-Id header")
	}
	for _, e := range a.Errors {
		if e.Extensions["requestId"] != id {
			t.Errorf("error %q has requestId %v, want %s", e.Message, e.Extensions["requestId"], id)
		}
	}
}

// nested returns a query that nests campaign children levels deep.
func nested(levels int) string {
	return "{ campaigns { nodes { " + strings.Repeat("children { nodes { ", levels) + "name" + strings.Repeat(" } }", levels) + " } } }"
}

// aliases returns a query with n aliased fields.
func aliases(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: __typename", i)
	}
	b.WriteString(" }")
	return b.String()
}

// fragmentBomb returns a query whose fragments, each spreading the next twice, expand to
// 2^n fields; with deep set, each spread also nests one level deeper.
func fragmentBomb(n int, deep bool) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range n {
		if deep {
			fmt.Fprintf(&b, "fragment F%d on Campaign { parent { ...F%d } children { nodes { ...F%d } } }\n", i, i+1, i+1)
		} else {
			fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
		}
	}
	if deep {
		fmt.Fprintf(&b, "fragment F%d on Campaign { name }\n", n)
		return strings.Replace(b.String(), "{ ...F0 }", "{ campaigns { nodes { ...F0 } } }", 1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { __typename }\n", n)
	return b.String()
}

// TestAbuseIsRefusedWithItsCode sends one request per kind of abuse: each gets its own code
// and status, the server stays healthy, and nothing is written.
func TestAbuseIsRefusedWithItsCode(t *testing.T) {
	t.Parallel()
	st, url := seededWorld(t)
	h := api.New(st, api.Options{Introspection: true, Limits: limits.Defaults()})
	var cursor struct {
		Campaigns struct{ PageInfo struct{ EndCursor string } }
	}
	if a := send(t, h, postJSON(t, `{ campaigns(first: 1) { pageInfo { endCursor } } }`, nil)); json.Unmarshal(a.Data, &cursor) != nil || cursor.Campaigns.PageInfo.EndCursor == "" {
		t.Fatalf("no cursor: %s", a.Body)
	}
	manyIDs := make([]string, 5000)
	for i := range manyIDs {
		manyIDs[i] = relay.EncodeInt(relay.TypeCampaign, int64(i+1))
	}
	chunked := postBody([]byte(`{"query": "` + strings.Repeat(" ", 2<<20) + `{ campaigns { totalCount } }"}`))
	chunked.ContentLength = -1 // no Content-Length: the limit must hold while reading
	before := dbtest.Snapshot(t, url)

	tests := []struct {
		name   string
		req    *http.Request
		code   string
		status int
	}{
		{"deep nesting", postJSON(t, nested(30), nil), limits.CodeQueryTooDeep, 200},
		{"10,000 aliases", postJSON(t, aliases(10000), nil), limits.CodeQueryTooLarge, 200},
		{"100 aliases", postJSON(t, aliases(100), nil), limits.CodeTooManyAliases, 200},
		{"600 fields", postJSON(t, "{ campaigns { nodes {"+strings.Repeat(" name", 600)+" } } }", nil), limits.CodeTooManyFields, 200},
		{"fragment cycle", postJSON(t, `{ campaigns { nodes { ...A } } }
			fragment A on Campaign { parent { ...B } } fragment B on Campaign { parent { ...A } }`, nil), "GRAPHQL_VALIDATION_FAILED", 200},
		{"fragment spreading itself", postJSON(t, `{ ...A } fragment A on Query { __typename ...A }`, nil), "GRAPHQL_VALIDATION_FAILED", 200},
		{"flat fragment bomb (2^40 fields)", postJSON(t, fragmentBomb(40, false), nil), limits.CodeTooManyFields, 200},
		{"deep fragment bomb", postJSON(t, fragmentBomb(40, true), nil), limits.CodeQueryTooDeep, 200},
		{"10,201 points", postJSON(t, `{ campaigns(first: 100) { nodes { events(first: 100) { nodes { title } } } } }`, nil), limits.CodeQueryTooComplex, 200},
		{"5,003 tokens", postJSON(t, "{ __typename }"+strings.Repeat("\n#", 5000), nil), limits.CodeQueryTooLarge, 200},
		{"a 100 KB string in the document", postJSON(t, `{ campaign(slug: "`+strings.Repeat("x", 100<<10)+`") { id } }`, nil), limits.CodeQueryTooLarge, 200},
		{"5,000 IDs in the variables", postJSON(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": manyIDs}), limits.CodeVariablesTooLarge, 200},
		{"a 2 MiB body", postBody([]byte(`{"query": "{ campaigns { totalCount } }", "variables": {"x": "` + strings.Repeat("x", 2<<20) + `"}}`)), api.CodeBodyTooLarge, 413},
		{"a 2 MiB body without Content-Length", chunked, api.CodeBodyTooLarge, 413},
		{"invalid UTF-8", postBody([]byte("{\"query\": \"{ campaign(slug: \\\"\xff\xfe\\\") { id } }\"}")), api.CodeBadRequest, 400},
		{"malformed JSON", postBody([]byte(`{"query": "{ campaigns { totalCount } }"`)), api.CodeBadRequest, 400},
		{"JSON with trailing garbage", postBody([]byte(`{"query": "{ campaigns { totalCount } }"} {"query": "mutation"}`)), api.CodeBadRequest, 400},
		{"a batch (not supported)", postBody([]byte(`[{"query": "{ campaigns { totalCount } }"}]`)), api.CodeBadRequest, 400},
		{"wrong variable type", postJSON(t, `query($n: Int) { campaigns(first: $n) { totalCount } }`, map[string]any{"n": "ten"}), "GRAPHQL_VALIDATION_FAILED", 200},
		{"syntax error", postJSON(t, `{ campaigns { totalCount }`, nil), "GRAPHQL_PARSE_FAILED", 200},
		{"bad ID", postJSON(t, `{ event(id: "' OR 1=1 --") { id } }`, nil), "BAD_USER_INPUT", 200},
		{"ID of another type", postJSON(t, `query($id: ID!) { event(id: $id) { id } }`, map[string]any{"id": relay.EncodeInt(relay.TypeCampaign, 1)}), "BAD_USER_INPUT", 200},
		{"bad cursor", postJSON(t, `{ campaigns(after: "bm90IGEgY3Vyc29y") { totalCount } }`, nil), "BAD_USER_INPUT", 200},
		{"cursor of another list", postJSON(t, `query($c: String) { events(after: $c) { totalCount } }`, map[string]any{"c": cursor.Campaigns.PageInfo.EndCursor}), "BAD_USER_INPUT", 200},
		{"deep introspection", postJSON(t, `{ __type(name: "Campaign") { fields { type { fields { type { fields { type { fields { name } } } } } } } } }`, nil), "GRAPHQL_VALIDATION_FAILED", 200},
		{"anonymous mutation", postJSON(t, `mutation($id: ID!) { archiveCampaign(input: {id: $id, expectedVersion: 1}) { userErrors { code } } }`, map[string]any{"id": relay.EncodeInt(relay.TypeCampaign, 1)}), "UNAUTHENTICATED", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, h, tt.req)
			if a.code() != tt.code || a.Status != tt.status {
				t.Fatalf("status %d, code %q; want %d, %s\n%.600s", a.Status, a.code(), tt.status, tt.code, a.Body)
			}
			checkRequestID(t, a)
			if msg := a.Errors[0].Message; len(msg) > 400 {
				t.Errorf("message of %d bytes: a client's input must be cut short in it", len(msg))
			}
			// A refused request never ran: its answer has no data member, whatever its status.
			if ran := tt.code == "BAD_USER_INPUT" || tt.code == "UNAUTHENTICATED"; !ran && len(a.Data) > 0 {
				t.Errorf("refused with a data member: %.300s", a.Data)
			}
			// The budget is told on every GraphQL answer, refusals included; the HTTP refusals
			// made before the caller is known (413, 400 for a body that is not JSON) are not
			// GraphQL answers.
			if a.Status != 413 && tt.code != api.CodeBadRequest && a.RateLimit == nil {
				t.Errorf("no RateLimit headers: %v %.300s", a.Header, a.Body)
			}
		})
	}
	healthy(t, h)
	unchanged(t, url, before)
}

// injections are strings that would do harm if pasted into SQL or a LIKE pattern.
var injections = []struct{ name, s string }{
	{"quote and comment", `' OR 1=1 --`},
	{"statement", `x'); DROP TABLE campaigns; --`},
	{"percent", `%`},
	{"underscore", `_`},
	{"backslash", `\`},
	{"escaped percent", `\%`},
	{"NUL", "a\x00b"},
	{"very long", strings.Repeat("Burma' OR '1'='1", 6000)},
	{"right-to-left and emoji", "\u202eMM🦀"},
}

// TestInjectionInEveryStringArgument sends each injection to every string filter and
// lookup of the public reads: each is answered as data that matches nothing, a null, or
// BAD_USER_INPUT, never an internal error; nothing is written and the server stays healthy.
func TestInjectionInEveryStringArgument(t *testing.T) {
	t.Parallel()
	st, url := seededWorld(t)
	h := api.New(st, api.Options{Limits: limits.Defaults()})
	before := dbtest.Snapshot(t, url)
	const (
		empty = "matches nothing" // data whose path holds totalCount 0
		null  = "null"            // data whose path is null
		bad   = "BAD_USER_INPUT"
	)
	targets := []struct {
		name, query string
		want        string
	}{
		{"campaigns country filter", `query($s: String) { x: campaigns(filter: {country: $s}) { totalCount } }`, bad},
		{"events country filter", `query($s: String) { x: events(filter: {country: $s}) { totalCount } }`, bad},
		{"youthNetworks country filter", `query($s: String) { x: youthNetworks(filter: {country: $s}) { totalCount } }`, bad},
		{"organizations country filter", `query($s: String) { x: organizations(filter: {country: $s}) { totalCount } }`, bad},
		{"nested events country filter", `query($s: String) { campaign(slug: "mtv-exit-southeast-asia") { x: events(filter: {country: $s}) { totalCount } } }`, bad},
		{"countries search", `query($s: String) { x: countries(filter: {search: $s}) { totalCount } }`, empty},
		{"country lookup", `query($s: String!) { x: country(code: $s) { id } }`, null},
		{"campaign by slug", `query($s: String) { x: campaign(slug: $s) { id } }`, null},
		{"organization by slug", `query($s: String) { x: organization(slug: $s) { id } }`, null},
		{"youthNetwork by slug", `query($s: String) { x: youthNetwork(slug: $s) { id } }`, null},
		{"node by ID", `query($s: ID!) { x: node(id: $s) { id } }`, bad},
		{"event by ID", `query($s: ID!) { x: event(id: $s) { id } }`, bad},
		{"campaign filter by ID", `query($s: ID) { x: events(filter: {campaign: $s}) { totalCount } }`, bad},
		{"cursor", `query($s: String) { x: campaigns(after: $s) { totalCount } }`, bad},
	}
	for _, tt := range targets {
		for _, in := range injections {
			t.Run(tt.name+"/"+in.name, func(t *testing.T) {
				a := send(t, h, postJSON(t, tt.query, map[string]any{"s": in.s}))
				if a.Status != http.StatusOK {
					t.Fatalf("status %d: %.500s", a.Status, a.Body)
				}
				for _, e := range a.Errors {
					if e.Code() != bad || len(e.Message) > 400 {
						t.Errorf("error %q (%d bytes) with code %q; want a short BAD_USER_INPUT", e.Message[:min(len(e.Message), 200)], len(e.Message), e.Code())
					}
				}
				switch tt.want {
				case bad:
					if a.code() != bad {
						t.Errorf("code %q, want %s: %.300s", a.code(), bad, a.Body)
					}
				case empty, null:
					if len(a.Errors) > 0 && in.name != "NUL" {
						t.Fatalf("errors %+v", a.Errors)
					}
					var got map[string]json.RawMessage
					if len(a.Errors) == 0 {
						if err := json.Unmarshal(a.Data, &got); err != nil {
							t.Fatal(err)
						}
						want := `null`
						if tt.want == empty {
							want = `{"totalCount":0}`
						}
						if string(got["x"]) != want {
							t.Errorf("got %s, want %s", got["x"], want)
						}
					}
				}
			})
		}
	}
	healthy(t, h)
	unchanged(t, url, before)
}

// TestCostIsReported checks the cost every answer carries against the cost model's sums.
func TestCostIsReported(t *testing.T) {
	t.Parallel()
	st, url := seededWorld(t)
	h := api.New(st, api.Options{Introspection: true, Limits: limits.Config{MaxCost: 900}})
	// The seed's tables are never analyzed: a list without a page size is priced at its
	// whole table, which the statistics count.
	partners := countRows(t, url, "campaign_partners", "true")
	introspection, err := os.ReadFile("../limits/testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		query string
		cost  int
		code  string
	}{
		{"leaves only", `{ __typename }`, 0, ""},
		{"one page of names", `{ campaigns(first: 10) { nodes { name } } }`, 11, ""},
		{"default page", `{ campaigns { nodes { name } } }`, 21, ""},
		{"nested connection", `{ campaigns(first: 5) { nodes { events(first: 4) { edges { node { title } } } } } }`, 1 + 5*(1+1+4*2), ""},
		{"lists of partners", `{ campaigns(first: 2) { nodes { partners { organization { name } } } } }`, 1 + 2*(1+partners*2), ""},
		{"GraphiQL's introspection query", string(introspection), 0, ""},
		{"over the configured limit", `{ campaigns(first: 100) { nodes { events(first: 8) { nodes { title } } } } }`, 1 + 100*(1+1+8), limits.CodeQueryTooComplex},
		{"a parse error has no cost", `{`, -1, "GRAPHQL_PARSE_FAILED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, h, postJSON(t, tt.query, nil))
			if a.code() != tt.code {
				t.Fatalf("code %q, want %q: %.500s", a.code(), tt.code, a.Body)
			}
			c := a.Extensions.Cost
			if tt.cost < 0 {
				if c != nil {
					t.Errorf("cost %+v for a document that was never read", *c)
				}
				return
			}
			if c == nil || c.Requested != tt.cost || c.Limit != 900 {
				t.Errorf("extensions.cost %+v, want requested %d, limit 900", c, tt.cost)
			}
			if tt.code == "" && !a.hasData() {
				t.Errorf("no data: %.300s", a.Body)
			}
		})
	}
}

// TestRateLimits spends budgets down to refusal: by address for anonymous callers, by key
// for partners, each with its own budget, the answer telling what remains.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	key := apitest.Key(t, st, "usaid", "VIEWER")
	// A day's window: nothing refills noticeably while the test runs.
	cfg := limits.Config{MaxCost: 50, AnonymousPoints: 100, KeyPoints: 200, Window: 24 * time.Hour}
	h := api.New(st, api.Options{Limits: cfg})
	const cost10 = `{ campaigns(first: 9) { nodes { name } } }`  // 10 points
	const cost50 = `{ campaigns(first: 49) { nodes { name } } }` // 50 points
	const cost8 = `{ campaigns(first: 7) { nodes { name } } }`   // 8 points
	from := func(addr, query string, header ...string) *answer {
		req := postJSON(t, query, nil)
		req.RemoteAddr = addr
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return send(t, h, req)
	}
	expect := func(a *answer, status int, code string, limit, remaining int) {
		t.Helper()
		if a.Status != status || a.code() != code {
			t.Fatalf("status %d, code %q; want %d, %q: %.400s", a.Status, a.code(), status, code, a.Body)
		}
		rl := a.RateLimit
		if rl == nil || rl.Limit != limit || rl.Remaining != remaining {
			t.Fatalf("RateLimit headers %+v, want limit %d, remaining %d", rl, limit, remaining)
		}
		// A budget refills evenly over the window: what is spent is back in its share of it.
		// Remaining is rounded down, and the budget has refilled a little since the test
		// began, so what is spent is between limit-remaining-1 and limit-remaining points.
		window := int(cfg.Window / time.Second)
		if lo, hi := (limit-remaining-1)*window/limit, (limit-remaining)*window/limit+1; rl.Reset < lo || rl.Reset > hi {
			t.Errorf("RateLimit-Reset %d, want %d to %d: about %d of %d points refill in that share of %d seconds",
				rl.Reset, lo, hi, limit-remaining, limit, window)
		}
		if want := fmt.Sprintf("%d;w=%d", limit, window); rl.Policy != want {
			t.Errorf("RateLimit-Policy %q, want %q", rl.Policy, want)
		}
		if status == http.StatusTooManyRequests {
			if s, err := strconv.Atoi(a.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Errorf("Retry-After %q, want whole seconds", a.Header.Get("Retry-After"))
			}
			checkRequestID(t, a)
		}
	}

	const client = "203.0.113.1:40000"
	for i := 1; i <= 9; i++ {
		expect(from(client, cost10), 200, "", 100, 100-10*i)
	}
	// 10 points remain: a request of 50 pays its point at the door and is refused the rest.
	expect(from(client, cost50), 429, limits.CodeRateLimited, 100, 9)
	// A forged X-Forwarded-For from a peer that is no trusted proxy changes nothing.
	expect(from(client, cost10, "X-Forwarded-For", "198.51.100.7"), 429, limits.CodeRateLimited, 100, 8)
	expect(from(client, cost8), 200, "", 100, 0)
	// Nothing remains: the next request is refused at the door, before it is even read.
	expect(from(client, `{`), 429, limits.CodeRateLimited, 100, 0)

	// Another address, and a key from the same address, have budgets of their own.
	expect(from("203.0.113.2:40000", cost10), 200, "", 100, 90)
	expect(from(client, cost10, "Authorization", "Bearer "+key), 200, "", 200, 190)
	// Addresses of one IPv6 /64 share a budget.
	expect(from("[2001:db8:1:2::1]:443", cost10), 200, "", 100, 90)
	expect(from("[2001:db8:1:2::99]:443", cost10), 200, "", 100, 80)
	expect(from("[2001:db8:1:3::1]:443", cost10), 200, "", 100, 90)

	// Under application/graphql-response+json the refusal is 429 too.
	req := postJSON(t, cost10, nil)
	req.RemoteAddr = client
	req.Header.Set("Accept", "application/graphql-response+json")
	expect(send(t, h, req), 429, limits.CodeRateLimited, 100, 0)

	t.Run("behind a trusted proxy", func(t *testing.T) {
		cfg := cfg
		cfg.TrustedProxies, _ = limits.ParsePrefixes("10.0.0.0/8")
		h := api.New(st, api.Options{Limits: cfg})
		via := func(xff string) *answer {
			req := postJSON(t, cost50, nil)
			req.RemoteAddr = "10.0.0.2:8080"
			req.Header.Set("X-Forwarded-For", xff)
			return send(t, h, req)
		}
		expect(via("198.51.100.1"), 200, "", 100, 50)
		expect(via("198.51.100.1"), 200, "", 100, 0)
		expect(via("198.51.100.2"), 200, "", 100, 50)
		// A client cannot escape its budget by putting another address in front.
		expect(via("192.0.2.200, 198.51.100.1"), 429, limits.CodeRateLimited, 100, 0)
	})

	t.Run("off", func(t *testing.T) {
		h := api.New(st, api.Options{Limits: limits.Config{MaxCost: 50}})
		for range 30 {
			a := send(t, h, postJSON(t, cost50, nil))
			if a.Status != 200 || a.RateLimit != nil {
				t.Fatalf("status %d, RateLimit headers %+v with rate limits off", a.Status, a.RateLimit)
			}
		}
	})
}

// TestGraphiQLIntrospectionPasses runs the playground's own introspection query through
// the default limits.
func TestGraphiQLIntrospectionPasses(t *testing.T) {
	t.Parallel()
	q, err := os.ReadFile("../limits/testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	h := api.New(dbtest.New(t), api.Options{Playground: true, Introspection: true, Limits: limits.Defaults()})
	a := send(t, h, postJSON(t, string(q), nil))
	var got struct {
		Schema struct {
			QueryType struct{ Name string }
			Types     []struct{ Name string }
		} `json:"__schema"`
	}
	if a.Status != 200 || len(a.Errors) > 0 || json.Unmarshal(a.Data, &got) != nil || got.Schema.QueryType.Name != "Query" || len(got.Schema.Types) < 50 {
		t.Fatalf("status %d: %.500s", a.Status, a.Body)
	}
}
