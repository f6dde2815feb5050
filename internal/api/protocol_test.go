package api_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/store"
)

// getQuery returns a GET of a query with optional variables and extensions (JSON texts).
func getQuery(query, variables, extensions string) *http.Request {
	q := url.Values{}
	if query != "" {
		q.Set("query", query)
	}
	if variables != "" {
		q.Set("variables", variables)
	}
	if extensions != "" {
		q.Set("extensions", extensions)
	}
	return httptest.NewRequest(http.MethodGet, "/query?"+q.Encode(), nil)
}

// withHeader sets a header on req and returns it.
func withHeader(req *http.Request, name, value string) *http.Request {
	req.Header.Set(name, value)
	return req
}

// TestGraphQLOverHTTP checks the media types, status codes and data member of the
// GraphQL-over-HTTP specification (graphql-http's audit, TestGraphQLHTTPAudit, checks the
// same from outside): application/graphql-response+json when the client accepts it, with
// 400 for a request that cannot run (parse, validation and variable errors, limits) and 200
// when it ran; application/json otherwise, with 200 for both. A request that never ran has
// no data member in either; a body that is no GraphQL request at all is 400 in both.
func TestGraphQLOverHTTP(t *testing.T) {
	t.Parallel()
	h := api.New(dbtest.Seeded(t), api.Options{Limits: limits.Defaults()})
	const gqlResponse, jsonType = "application/graphql-response+json", "application/json"
	post := func(query string, vars map[string]any, accept string) *http.Request {
		req := postJSON(t, query, vars)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		return req
	}
	postRaw := func(body, accept string) *http.Request {
		req := postBody([]byte(body))
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		return req
	}
	// The data member: data for an object, null for a member that is null, absent for none.
	const data, null, absent = "data", "null", "absent"
	tests := []struct {
		name        string
		req         *http.Request
		status      int
		contentType string
		code        string
		data        string
	}{
		{"query", post(`{ campaigns { totalCount } }`, nil, gqlResponse), 200, gqlResponse, "", data},
		{"parse error", post(`{ campaigns {`, nil, gqlResponse), 400, gqlResponse, "GRAPHQL_PARSE_FAILED", absent},
		{"validation error", post(`{ campaigns { bogus } }`, nil, gqlResponse), 400, gqlResponse, "GRAPHQL_VALIDATION_FAILED", absent},
		{"variable of the wrong type", post(`query($n: Int) { campaigns(first: $n) { totalCount } }`, map[string]any{"n": "ten"}, gqlResponse), 400, gqlResponse, "GRAPHQL_VALIDATION_FAILED", absent},
		{"variable out of range", post(`query($n: Int) { campaigns(first: $n) { totalCount } }`, map[string]any{"n": 4294967297}, gqlResponse), 400, gqlResponse, "BAD_USER_INPUT", absent},
		{"missing required variable", post(`query($id: ID!) { event(id: $id) { id } }`, nil, gqlResponse), 400, gqlResponse, "GRAPHQL_VALIDATION_FAILED", absent},
		{"null for a required variable", post(`query($id: ID!) { event(id: $id) { id } }`, map[string]any{"id": nil}, gqlResponse), 400, gqlResponse, "GRAPHQL_VALIDATION_FAILED", absent},
		{"unknown operation name", withHeader(postBody([]byte(`{"query": "query A { __typename }", "operationName": "B"}`)), "Accept", gqlResponse), 400, gqlResponse, "GRAPHQL_VALIDATION_FAILED", absent},
		{"empty document", post(``, nil, gqlResponse), 400, gqlResponse, "GRAPHQL_VALIDATION_FAILED", absent},
		{"no query member", postRaw(`{"qeury": "{ __typename }"}`, gqlResponse), 400, gqlResponse, api.CodeBadRequest, absent},
		{"over a limit", post(nested(20), nil, gqlResponse), 400, gqlResponse, limits.CodeQueryTooDeep, absent},
		{"error in a field: ran, so 200", post(`{ campaigns(filter: {country: "Atlantis"}) { totalCount } }`, nil, gqlResponse), 200, gqlResponse, "BAD_USER_INPUT", null},
		{"error beside data", post(`{ a: campaign(slug: "mtv-exit-southeast-asia") { id } b: event(id: "bad") { id } }`, nil, gqlResponse), 200, gqlResponse, "BAD_USER_INPUT", data},
		{"preferred of two", post(`{ __typename }`, nil, gqlResponse+", application/json;q=0.9"), 200, gqlResponse, "", data},
		{"GET query", withHeader(getQuery(`{ campaigns { totalCount } }`, "", ""), "Accept", gqlResponse), 200, gqlResponse, "", data},
		{"GET parse error", withHeader(getQuery(`{`, "", ""), "Accept", gqlResponse), 400, gqlResponse, "GRAPHQL_PARSE_FAILED", absent},
		{"GET variable of the wrong type", withHeader(getQuery(`query($n: Int) { campaigns(first: $n) { totalCount } }`, `{"n": "ten"}`, ""), "Accept", gqlResponse), 400, gqlResponse, "GRAPHQL_VALIDATION_FAILED", absent},

		{"legacy: no Accept", post(`{ campaigns { totalCount } }`, nil, ""), 200, jsonType, "", data},
		{"legacy: any type", post(`{ campaigns { totalCount } }`, nil, "*/*"), 200, jsonType, "", data},
		{"legacy: application/json", post(`{ campaigns { totalCount } }`, nil, jsonType), 200, jsonType, "", data},
		{"legacy: field error", post(`{ campaigns(filter: {country: "Atlantis"}) { totalCount } }`, nil, jsonType), 200, jsonType, "BAD_USER_INPUT", null},
		{"legacy: parse error", post(`{`, nil, jsonType), 200, jsonType, "GRAPHQL_PARSE_FAILED", absent},
		{"legacy: validation error", post(`{ campaigns { bogus } }`, nil, jsonType), 200, jsonType, "GRAPHQL_VALIDATION_FAILED", absent},
		{"legacy: null for a required variable", post(`query($id: ID!) { __typename }`, map[string]any{"id": nil}, jsonType), 200, jsonType, "GRAPHQL_VALIDATION_FAILED", absent},
		{"legacy: over a limit", post(nested(20), nil, ""), 200, jsonType, limits.CodeQueryTooDeep, absent},
		{"legacy: no query member", postRaw(`{"qeury": "{ __typename }"}`, ""), 400, jsonType, api.CodeBadRequest, absent},
		{"legacy: query null", postRaw(`{"query": null}`, jsonType), 400, jsonType, api.CodeBadRequest, absent},
		{"legacy: body null", postRaw(`null`, jsonType), 400, jsonType, api.CodeBadRequest, absent},
		{"legacy: query not a string", postRaw(`{"query": 7}`, jsonType), 400, jsonType, api.CodeBadRequest, absent},
		{"legacy: variables not an object", postRaw(`{"query": "{ __typename }", "variables": [1]}`, jsonType), 400, jsonType, api.CodeBadRequest, absent},
		{"legacy: variable out of range", post(`query($n: Int) { campaigns(first: $n) { totalCount } }`, map[string]any{"n": 4294967297}, jsonType), 200, jsonType, "BAD_USER_INPUT", absent},
		{"legacy: GET parse error", getQuery(`{`, "", ""), 200, jsonType, "GRAPHQL_PARSE_FAILED", absent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, h, tt.req)
			if a.Status != tt.status || a.code() != tt.code {
				t.Fatalf("status %d, code %q; want %d, %q: %.400s", a.Status, a.code(), tt.status, tt.code, a.Body)
			}
			if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %s", ct, tt.contentType)
			}
			got := data
			switch {
			case len(a.Data) == 0:
				got = absent
			case string(a.Data) == "null":
				got = null
			}
			if got != tt.data {
				t.Errorf("data member %s, want %s: %.400s", got, tt.data, a.Body)
			}
			checkRequestID(t, a)
		})
	}
}

// TestMutationOverGETIsRefused: GET is for queries only, so that a link or an image cannot
// write. The refusal is 405 with Allow: POST, and nothing is written.
func TestMutationOverGETIsRefused(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	key := apitest.Key(t, st, "mtv-exit", "EDITOR")
	h := api.New(st, api.Options{Limits: limits.Defaults()})
	create := `mutation { createCampaign(input: {slug: "exit-burma-2013", name: "MTV EXIT Burma 2013", startsOn: "2013"}) { campaign { id } userErrors { code } } }`
	before := dbtest.Snapshot(t, url)
	for _, accept := range []string{"", "application/graphql-response+json"} {
		req := withHeader(getQuery(create, "", ""), "Authorization", "Bearer "+key)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		a := send(t, h, req)
		if a.Status != http.StatusMethodNotAllowed || a.code() != api.CodeMethodNotAllowed || a.Header.Get("Allow") != "POST" {
			t.Fatalf("Accept %q: status %d, code %q, Allow %q: %.300s", accept, a.Status, a.code(), a.Header.Get("Allow"), a.Body)
		}
		checkRequestID(t, a)
	}
	after := dbtest.Snapshot(t, url)
	// Using a key records when it was last used; nothing else may change.
	delete(before, "api_keys")
	delete(after, "api_keys")
	unchangedSnapshots(t, before, after)
	// The same mutation over POST is written: the refusal above was for the method alone.
	a := send(t, h, withHeader(postJSON(t, create, nil), "Authorization", "Bearer "+key))
	if a.Status != 200 || len(a.Errors) > 0 || !strings.Contains(string(a.Data), `"id"`) {
		t.Fatalf("over POST: %d %.300s", a.Status, a.Body)
	}
}

// unchangedSnapshots fails the test if two snapshots differ.
func unchangedSnapshots(t *testing.T, before, after map[string]string) {
	t.Helper()
	for table, rows := range before {
		if after[table] != rows {
			t.Errorf("table %s changed:\nbefore %.500s\nafter  %.500s", table, rows, after[table])
		}
	}
}

// TestMalformedHTTPRequests: anything that is not a GraphQL request is a 4xx with a code.
func TestMalformedHTTPRequests(t *testing.T) {
	t.Parallel()
	h := api.New(dbtest.New(t), api.Options{})
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.WriteField("operations", `{"query": "{ __typename }"}`)
	_ = mw.Close()
	raw := func(method, target, contentType string, body io.Reader) *http.Request {
		req := httptest.NewRequest(method, target, body)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		return req
	}
	tests := []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"multipart body", raw("POST", "/query", mw.FormDataContentType(), &form), 415},
		{"text/plain body", raw("POST", "/query", "text/plain", strings.NewReader(`{"query": "{ __typename }"}`)), 415},
		{"form body", raw("POST", "/query", "application/x-www-form-urlencoded", strings.NewReader(`query=%7B__typename%7D`)), 415},
		{"GraphQL body", raw("POST", "/query", "application/graphql", strings.NewReader(`{ __typename }`)), 415},
		{"JSON in Latin-1", raw("POST", "/query", "application/json; charset=iso-8859-1", strings.NewReader(`{"query": "{ __typename }"}`)), 415},
		{"empty body", raw("POST", "/query", "application/json", nil), 400},
		{"JSON that is not an object", raw("POST", "/query", "application/json", strings.NewReader(`"{ __typename }"`)), 400},
		{"DELETE", raw("DELETE", "/query", "", nil), 405},
		{"PATCH", raw("PATCH", "/query", "application/json", strings.NewReader(`{"query": "{ __typename }"}`)), 405},
		{"GET with invalid UTF-8", raw("GET", "/query?query=%7B%20a%FF%20%7D", "", nil), 400},
		{"GET with extensions but no hash", getQuery("", "", `{"persistedQuery": {"version": 1}}`), 400},
		{"GET with variables not an object", getQuery(`{ __typename }`, `[1]`, ""), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, h, tt.req)
			if a.Status != tt.status || a.code() != api.CodeBadRequest {
				t.Fatalf("status %d, code %q; want %d, BAD_REQUEST: %.300s", a.Status, a.code(), tt.status, a.Body)
			}
			checkRequestID(t, a)
			if tt.status == 405 && a.Header.Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
		})
	}
}

// TestNoRequestForgeryThroughSimpleBodies sends a mutation the ways a foreign page can
// without a preflight (a text/plain, form or multipart POST): each is refused and nothing
// is written, even with a partner's key.
func TestNoRequestForgeryThroughSimpleBodies(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	key := apitest.Key(t, st, "mtv-exit", "EDITOR")
	h := api.New(st, api.Options{Protocol: api.Protocol{CORSOrigins: []string{"https://partner.example.org"}}})
	body := `{"query": "mutation { createCampaign(input: {slug: \"forged\", name: \"Forged\", startsOn: \"2013\"}) { campaign { id } } }"}`
	before := dbtest.Snapshot(t, url)
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
		req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Origin", "https://evil.example.com")
		req.Header.Set("Authorization", "Bearer "+key)
		a := send(t, h, req)
		if a.Status != http.StatusUnsupportedMediaType || a.code() != api.CodeBadRequest {
			t.Errorf("%s: status %d, code %q", ct, a.Status, a.code())
		}
		if acao := a.Header.Get("Access-Control-Allow-Origin"); acao != "" {
			t.Errorf("%s: a foreign origin may read the answer: %q", ct, acao)
		}
	}
	after := dbtest.Snapshot(t, url)
	unchangedSnapshots(t, before, after)
}

// TestCORS: partner frontends on the allow-list may call the API from a browser, with the
// preflight answered; other origins get no CORS headers; credentials are never allowed.
func TestCORS(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	allowed := api.New(st, api.Options{Protocol: api.Protocol{CORSOrigins: []string{"https://partner.example.org", "https://*.ngo.example"}}})
	closed := api.New(st, api.Options{})
	preflight := func(origin, method, headers string) *http.Request {
		req := httptest.NewRequest(http.MethodOptions, "/query", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", method)
		if headers != "" {
			req.Header.Set("Access-Control-Request-Headers", headers)
		}
		return req
	}
	serve := func(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		name      string
		h         http.Handler
		req       *http.Request
		allowedAs string // the Access-Control-Allow-Origin wanted, "" for none
		preflight bool
	}{
		{"preflight from a partner", allowed, preflight("https://partner.example.org", "POST", "authorization,consistency-token,content-type,idempotency-key,if-none-match"), "https://partner.example.org", true},
		{"preflight from a wildcard subdomain", allowed, preflight("https://phnom-penh.ngo.example", "POST", "content-type"), "https://phnom-penh.ngo.example", true},
		{"preflight from elsewhere", allowed, preflight("https://evil.example.com", "POST", "content-type"), "", false},
		{"preflight for PUT", allowed, preflight("https://partner.example.org", "PUT", ""), "", false},
		{"preflight for an unknown header", allowed, preflight("https://partner.example.org", "POST", "x-evil"), "", false},
		{"preflight with no allow-list", closed, preflight("https://partner.example.org", "POST", "content-type"), "", false},
		{"POST from a partner", allowed, withHeader(postJSON(t, `{ __typename }`, nil), "Origin", "https://partner.example.org"), "https://partner.example.org", false},
		{"refusal to a partner is readable", allowed, withHeader(withHeader(postJSON(t, `{ __typename }`, nil), "Content-Type", "text/plain"), "Origin", "https://partner.example.org"), "https://partner.example.org", false},
		{"POST from elsewhere", allowed, withHeader(postJSON(t, `{ __typename }`, nil), "Origin", "https://evil.example.com"), "", false},
		{"POST with no allow-list", closed, withHeader(postJSON(t, `{ __typename }`, nil), "Origin", "https://partner.example.org"), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(tt.h, tt.req)
			h := rec.Header()
			if got := h.Get("Access-Control-Allow-Origin"); got != tt.allowedAs {
				t.Fatalf("Access-Control-Allow-Origin %q, want %q (status %d)", got, tt.allowedAs, rec.Code)
			}
			if h.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("credentials allowed: %q", h.Get("Access-Control-Allow-Credentials"))
			}
			if tt.allowedAs == "" {
				return
			}
			if vary := strings.Join(h.Values("Vary"), ", "); !strings.Contains(vary, "Origin") {
				t.Errorf("Vary %q: caches would serve one origin's answer to another", vary)
			}
			if tt.preflight {
				if rec.Code != http.StatusNoContent || !strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "content-type") || h.Get("Access-Control-Max-Age") != "600" {
					t.Errorf("preflight: status %d, headers %v", rec.Code, h)
				}
			} else {
				// The request id, the budget (which the body no longer tells), the tag and the
				// consistency token to send back; header names are compared without regard to case.
				for _, name := range []string{"X-Request-Id", "RateLimit-Remaining", "RateLimit-Reset", "ETag", "Consistency-Token"} {
					if !strings.Contains(strings.ToLower(h.Get("Access-Control-Expose-Headers")), strings.ToLower(name)) {
						t.Errorf("Access-Control-Expose-Headers %q: the frontend cannot read %s", h.Get("Access-Control-Expose-Headers"), name)
					}
				}
			}
		})
	}
}

// TestCORSLocalhost: with CORSLocalhost (development's default) pages served from this
// machine, on any port, may call the API beside the listed origins, and no look-alike of
// localhost may; without it (production's default) they are refused like any other origin.
func TestCORSLocalhost(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	development := api.New(st, api.Options{Protocol: api.Protocol{CORSLocalhost: true}})
	developmentAndPartner := api.New(st, api.Options{Protocol: api.Protocol{CORSLocalhost: true, CORSOrigins: []string{"https://partner.example.org"}}})
	production := api.New(st, api.Options{})
	productionAndPartner := api.New(st, api.Options{Protocol: api.Protocol{CORSOrigins: []string{"https://partner.example.org"}}})
	preflight := func(origin string) *http.Request {
		req := httptest.NewRequest(http.MethodOptions, "/query", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type") // as browsers send them: lower case, sorted
		return req
	}
	for _, tt := range []struct {
		name    string
		h       http.Handler
		origin  string
		allowed bool
	}{
		{"a dev server on localhost:3000", development, "http://localhost:3000", true},
		{"Vite on 127.0.0.1:5173", development, "http://127.0.0.1:5173", true},
		{"IPv6 loopback", development, "http://[::1]:8081", true},
		{"https on localhost without a port", development, "https://localhost", true},
		{"LOCALHOST in capitals", development, "http://LOCALHOST:3000", true},
		{"a subdomain that starts like localhost", development, "http://localhost.evil.example:3000", false},
		{"a domain that ends in localhost", development, "http://evil-localhost:3000", false},
		{"127.0.0.1 as a subdomain", development, "http://127.0.0.1.evil.example", false},
		{"another scheme", development, "file://localhost", false},
		{"a page opened from a file", development, "null", false},
		{"a machine on the network", development, "http://192.168.1.20:3000", false},
		{"elsewhere", development, "https://evil.example.com", false},
		{"localhost beside a listed partner", developmentAndPartner, "http://localhost:3000", true},
		{"the listed partner beside localhost", developmentAndPartner, "https://partner.example.org", true},
		{"elsewhere beside both", developmentAndPartner, "https://evil.example.com", false},
		{"production: localhost", production, "http://localhost:3000", false},
		{"production: localhost beside a partner", productionAndPartner, "http://localhost:3000", false},
		{"production: the partner", productionAndPartner, "https://partner.example.org", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, req := range []*http.Request{preflight(tt.origin), withHeader(postJSON(t, `{ __typename }`, nil), "Origin", tt.origin)} {
				rec := httptest.NewRecorder()
				tt.h.ServeHTTP(rec, req)
				want := ""
				if tt.allowed {
					want = tt.origin
				}
				if got := rec.Header().Get("Access-Control-Allow-Origin"); got != want {
					t.Errorf("%s: Access-Control-Allow-Origin %q, want %q (status %d)", req.Method, got, want, rec.Code)
				}
				if rec.Header().Get("Access-Control-Allow-Credentials") != "" {
					t.Errorf("%s: credentials allowed", req.Method)
				}
			}
		})
	}
}

// TestWebsocketFromLocalhost: a page on localhost may open a subscription's websocket in
// development, as it may POST; in production only a listed origin may.
func TestWebsocketFromLocalhost(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	dial := func(h http.Handler, origin string) error {
		srv := httptest.NewServer(h)
		defer srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/query",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Origin": {origin}}})
		if err == nil {
			c.CloseNow()
		}
		return err
	}
	development := api.New(st, api.Options{Protocol: api.Protocol{CORSLocalhost: true}})
	production := api.New(st, api.Options{Protocol: api.Protocol{CORSOrigins: []string{"https://partner.example.org"}}})
	for _, tt := range []struct {
		name    string
		h       http.Handler
		origin  string
		allowed bool
	}{
		{"development: localhost:3000", development, "http://localhost:3000", true},
		{"development: [::1]:3000", development, "http://[::1]:3000", true},
		{"development: 127.0.0.1", development, "https://127.0.0.1", true},
		{"development: elsewhere", development, "https://evil.example.com", false},
		{"development: a look-alike", development, "http://localhost.evil.example:3000", false},
		{"production: localhost", production, "http://localhost:3000", false},
		{"production: the partner", production, "https://partner.example.org", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := dial(tt.h, tt.origin); (err == nil) != tt.allowed {
				t.Errorf("dial from %s: %v; want allowed %t", tt.origin, err, tt.allowed)
			}
		})
	}
}

// TestRefusedOriginIsLoggedOnce: the first page of another origin that the settings refuse
// gets one log line that says how to let it in (CORS_ORIGINS); later ones, the server's own
// origin and allowed origins get none.
func TestRefusedOriginIsLoggedOnce(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	for _, tc := range []struct {
		name     string
		protocol api.Protocol
	}{
		{"development", api.Protocol{CORSLocalhost: true}},
		{"production", api.Protocol{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log syncBuffer
			h := api.New(st, api.Options{Logger: slog.New(slog.NewTextHandler(&log, nil)), Protocol: tc.protocol})
			post := func(origin, host string) {
				req := withHeader(postJSON(t, `{ __typename }`, nil), "Origin", origin)
				req.Host = host
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
			post("http://api.example.org", "api.example.org") // the playground, same origin
			if tc.protocol.CORSLocalhost {
				post("http://localhost:3000", "localhost:8080") // allowed
			}
			if strings.Contains(log.String(), "CORS_ORIGINS") {
				t.Fatalf("logged a hint for a page that was let in:\n%s", log.String())
			}
			post("http://192.168.1.20:3000", "192.168.1.10:8080")
			post("https://other.example.org", "192.168.1.10:8080")
			text := log.String()
			if n := strings.Count(text, "CORS_ORIGINS"); n == 0 || !strings.Contains(text, "CORS_ORIGINS=http://192.168.1.20:3000") {
				t.Fatalf("no hint that names the refused origin and CORS_ORIGINS:\n%s", text)
			}
			if strings.Contains(text, "other.example.org") {
				t.Errorf("hinted more than once:\n%s", text)
			}
		})
	}
}

// TestIntrospectionAndPlaygroundTurnOff: with both off, as in production, the playground
// is not served and no form of introspection answers; with both on, both work, so the
// refusals come from the settings.
func TestIntrospectionAndPlaygroundTurnOff(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	introspections := []string{
		`{ __schema { queryType { name } } }`,
		`{ __type(name: "Campaign") { name fields { name } } }`,
		`{ ...S } fragment S on Query { __schema { types { name } } }`,
		`{ ... on Query { a: __type(name: "Event") { name } } }`,
	}
	for _, on := range []bool{true, false} {
		h := api.New(st, api.Options{Playground: on, Introspection: on})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if served := rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), "graphiql"); served != on {
			t.Errorf("playground on=%t: status %d, served %t", on, rec.Code, served)
		}
		for _, q := range introspections {
			a := send(t, h, postJSON(t, q, nil))
			if on && (a.Status != 200 || len(a.Errors) > 0 || !a.hasData()) {
				t.Errorf("introspection on: %s: %d %.300s", q, a.Status, a.Body)
			}
			if !on && (a.code() != api.CodeIntrospectionDisabled || len(a.Data) > 0 || a.Status != http.StatusOK) {
				t.Errorf("introspection off: %s: status %d, code %q: %.300s", q, a.Status, a.code(), a.Body)
			}
		}
		// __typename is not introspection of the schema, and clients need it.
		if a := send(t, h, postJSON(t, `{ __typename campaigns { nodes { __typename } } }`, nil)); len(a.Errors) > 0 {
			t.Errorf("__typename with introspection on=%t: %.300s", on, a.Body)
		}
	}
}

// TestFailuresUnderLimits: an internal error and a recovered panic keep their masks, their
// request ids and the budget report when the limits are on.
func TestFailuresUnderLimits(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	logger := slog.New(slog.NewJSONHandler(&log, nil))
	closedStore := dbtest.New(t)
	if err := closedStore.Close(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		st    *store.Store
		codes []string
	}{
		{"database closed", closedStore, []string{"SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR"}},
		// No store at all: the resolver dereferences nil and panics.
		{"panic in a resolver", nil, []string{"INTERNAL_SERVER_ERROR"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := api.New(tt.st, api.Options{Logger: logger, Limits: limits.Defaults()})
			a := send(t, h, postJSON(t, `{ campaigns { totalCount } }`, nil))
			checkRequestID(t, a)
			code := a.code()
			if !contains(tt.codes, code) || a.Status >= 500 && a.Status != 503 {
				t.Fatalf("status %d, code %q; want one of %v: %.300s", a.Status, code, tt.codes, a.Body)
			}
			for _, leak := range []string{"nil pointer", "runtime error", "goroutine", "SELECT", "sql:"} {
				if strings.Contains(a.Body, leak) {
					t.Errorf("the answer shows %q: %.300s", leak, a.Body)
				}
			}
			if a.RateLimit == nil || a.Extensions.Cost == nil {
				t.Errorf("no budget or cost reported: %.300s", a.Body)
			}
			if !strings.Contains(log.String(), a.Header.Get("X-Request-Id")) {
				t.Errorf("the log does not name request %s", a.Header.Get("X-Request-Id"))
			}
			healthyAfterPanic := send(t, h, postJSON(t, `{ __typename }`, nil))
			if healthyAfterPanic.Status != 200 || len(healthyAfterPanic.Errors) > 0 {
				t.Errorf("after the failure: %.300s", healthyAfterPanic.Body)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
