package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// TestMalformedRequestsGetACode sends requests that are not GraphQL requests at all: each
// gets an error with BAD_REQUEST and the request id, a 4xx status, and never the body back.
func TestMalformedRequestsGetACode(t *testing.T) {
	t.Parallel()
	c := apitest.New(dbtest.New(t))
	get := func(q string) *http.Request { return httptest.NewRequest(http.MethodGet, "/query?"+q, nil) }
	post := func(ct, body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		return r
	}
	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"body not JSON", post("application/json", `{"query": "secret-member-name`), http.StatusBadRequest},
		{"query not a string", post("application/json", `{"query": 5}`), http.StatusBadRequest},
		{"variables not an object", post("application/json", `{"query": "{ campaigns { totalCount } }", "variables": "x"}`), http.StatusBadRequest},
		{"text/plain body", post("text/plain", `{"query": "{ campaigns { totalCount } }"}`), http.StatusUnsupportedMediaType},
		{"form body", post("application/x-www-form-urlencoded", `query=x`), http.StatusUnsupportedMediaType},
		{"no content type", post("", `{"query": "{ campaigns { totalCount } }"}`), http.StatusUnsupportedMediaType},
		{"PUT", httptest.NewRequest(http.MethodPut, "/query", strings.NewReader(`{}`)), http.StatusMethodNotAllowed},
		{"GET without query", get(""), http.StatusBadRequest},
		{"GET with variables not JSON", get("query=" + url.QueryEscape("{ campaigns { totalCount } }") + "&variables=%7Bx"), http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c.Handler.ServeHTTP(rec, tc.req)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			var res struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Errors) == 0 {
				t.Fatalf("not a GraphQL error response: %v\n%s", err, rec.Body.String())
			}
			e := res.Errors[0]
			if e.Extensions["code"] != "BAD_REQUEST" {
				t.Errorf("code %v, want BAD_REQUEST (message %q)", e.Extensions["code"], e.Message)
			}
			if id := rec.Header().Get("X-Request-Id"); id == "" || e.Extensions["requestId"] != id {
				t.Errorf("requestId %v, header %q", e.Extensions["requestId"], id)
			}
			if strings.Contains(rec.Body.String(), "secret-member-name") {
				t.Errorf("the response repeats the body: %s", rec.Body.String())
			}
		})
	}
}
