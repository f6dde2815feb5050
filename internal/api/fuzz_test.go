package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"campaigns/internal/api"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
)

// checkAnswer fails unless rec holds a GraphQL answer fit for a client: a status below 500,
// a JSON object with data or errors, and a code and the request id on every error.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder, input any) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d for %q: %.500s", rec.Code, input, rec.Body.String())
	}
	var a struct {
		Data   *json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		t.Fatalf("not JSON (status %d) for %q: %v\n%.500s", rec.Code, input, err, rec.Body.String())
	}
	if a.Data == nil && len(a.Errors) == 0 {
		t.Fatalf("neither data nor errors for %q: %.500s", input, rec.Body.String())
	}
	id := rec.Header().Get("X-Request-Id")
	for _, e := range a.Errors {
		if code, _ := e.Extensions["code"].(string); code == "" || code == "INTERNAL_SERVER_ERROR" {
			t.Fatalf("error %q has code %q for %q", e.Message, code, input)
		}
		if e.Extensions["requestId"] != id {
			t.Fatalf("error %q has requestId %v, want %s", e.Message, e.Extensions["requestId"], id)
		}
	}
}

// fuzzHandler is the real handler over the seed data with the default limits. Rate limits
// are off, so that the fuzzer explores the rest.
func fuzzHandler(f *testing.F) http.Handler {
	cfg := limits.Defaults()
	cfg.KeyPoints, cfg.AnonymousPoints = 0, 0
	return api.New(dbtest.Seeded(f), api.Options{Introspection: true, Limits: cfg})
}

// FuzzHandler posts any body to /query: the handler never panics and always answers JSON
// whose errors have codes. The seed corpus is in testdata/fuzz/FuzzHandler and runs with
// the regular tests.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{
		`{"query": "{ campaigns { totalCount } }"}`,
		`{"query": "query($id: ID!) { node(id: $id) { id ... on Campaign { name } } }", "variables": {"id": "Q2FtcGFpZ246MQ"}}`,
		`{"query": "{ events(first: 2, filter: {country: \"Burma\"}) { edges { cursor node { title } } } }"}`,
		`{"query": "mutation { createCampaign(input: {slug: \"x\", name: \"x\"}) { userErrors { code } } }"}`,
		`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}`,
		`{"query": "{ __schema { types { name } } }", "operationName": null}`,
		`{"query": "{", "variables": {}}`,
		`{"query": 5}`, `[]`, `{}`, `null`, `"x"`, `{"query": "{ campaigns { totalCount } }"} trailing`,
		"{\"query\": \"\xff\"}", "{\"query\": \"{ campaign(slug: \\\"\\u0000\\\") { id } }\"}",
	} {
		f.Add([]byte(s))
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, rec, body)
	})
}

// FuzzQuery sends any document and variables as a well-formed request, to reach the parser,
// the limits, validation and the resolvers, which FuzzHandler's bodies rarely get past.
// The seed corpus is in testdata/fuzz/FuzzQuery.
func FuzzQuery(f *testing.F) {
	for _, s := range [][2]string{
		{`{ campaigns(first: 3) { nodes { name events(first: 2) { nodes { title } } } } }`, `{}`},
		{`query($c: String) { countries(filter: {search: $c}) { nodes { code } } }`, `{"c": "%_\\"}`},
		{`query($id: ID!) { node(id: $id) { id } }`, `{"id": "RXZlbnQ6MDE"}`},
		{`query($a: String) { campaigns(after: $a) { totalCount } }`, `{"a": "eyJvIjoiTkFNRSIsInYiOiJ4IiwiayI6IjEifQ"}`},
		{`{ ...A } fragment A on Query { ...A }`, `{}`},
		{`{ youthNetworks { nodes { chapters { nodes { chapters { nodes { name } } } } } } }`, `{}`},
		{`query($n: Int) { events(last: $n) { pageInfo { hasPreviousPage startCursor } } }`, `{"n": -1}`},
		{`{ __type(name: "Campaign") { fields { name type { ofType { name } } } } }`, `{}`},
	} {
		f.Add(s[0], s[1])
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, query, variables string) {
		body := map[string]any{"query": query}
		var vars any
		if json.Unmarshal([]byte(variables), &vars) == nil {
			body["variables"] = vars
		}
		b, err := json.Marshal(body)
		if err != nil {
			t.Skip() // not representable as JSON
		}
		req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkAnswer(t, rec, query)
	})
}
