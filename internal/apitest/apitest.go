// Package apitest sends GraphQL requests through the API's real HTTP handler and reads the
// answers, for end-to-end tests.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"campaigns/internal/api"
	"campaigns/internal/limits"
	"campaigns/internal/store"
	"campaigns/models"
)

// Client sends requests to one handler, as one caller.
type Client struct {
	Handler http.Handler
	// Key is sent as `Authorization: Bearer <Key>` when set.
	Key string
	// Header holds further headers sent with every request, such as Idempotency-Key.
	Header http.Header
}

// As returns a client that sends the given API key.
func (c *Client) As(key string) *Client {
	return &Client{Handler: c.Handler, Key: key, Header: c.Header.Clone()}
}

// WithHeader returns a client that also sends the header name: value.
func (c *Client) WithHeader(name, value string) *Client {
	h := c.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set(name, value)
	return &Client{Handler: c.Handler, Key: c.Key, Header: h}
}

// Key creates an API key with role for the organization with slug orgSlug, creating the
// organization first if it does not exist, and returns the secret.
func Key(t testing.TB, st *store.Store, orgSlug, role string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := st.OrganizationBySlug(ctx, orgSlug); errors.Is(err, store.ErrNotFound) {
		_, err := st.SeedOnce(ctx, "org-"+orgSlug, func(w *store.Writer) error {
			return w.Insert(&models.Organization{Slug: orgSlug, Name: "Test organization " + orgSlug, Kind: "CIVIL_SOCIETY"})
		})
		if err != nil {
			t.Fatalf("create organization %s: %v", orgSlug, err)
		}
	}
	k, err := st.CreateAPIKey(ctx, orgSlug, role, nil)
	if err != nil {
		t.Fatalf("create %s key for %s: %v", role, orgSlug, err)
	}
	return k.Secret
}

// New returns a client of the full handler over st, playground and introspection on, with
// the default limits but a cost limit of TestMaxCost: tests read whole data sets at once
// (first: 100 with nested lists), which the public limit refuses. The limits' own tests
// build handlers with the limits they test.
func New(st *store.Store) *Client {
	return &Client{Handler: api.New(st, api.Options{Playground: true, Introspection: true,
		Limits: limits.Config{MaxCost: TestMaxCost}})}
}

// At is New with the server's clock stopped at t: for data of a given time, such as events
// of 2013 that a test means to be still to come.
func At(st *store.Store, t time.Time) *Client {
	return &Client{Handler: api.New(st, api.Options{Playground: true, Introspection: true,
		Limits: limits.Config{MaxCost: TestMaxCost}, Clock: func() time.Time { return t }})}
}

// TestMaxCost is the cost limit of New's handler.
const TestMaxCost = 1_000_000

// Error is one GraphQL error of a response.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code returns extensions.code.
func (e Error) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// Response is a decoded GraphQL response with its HTTP status.
type Response struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
	// Statements is how many SQL statements the request ran.
	Statements int64
}

// Query posts a query with variables and decodes the answer.
func (c *Client) Query(t testing.TB, query string, vars map[string]any) *Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatalf("marshal request: %v", err)
	}
	return c.Post(t, "application/json", body)
}

// Post posts a raw body with a content type and decodes the answer.
func (c *Client) Post(t testing.TB, contentType string, body []byte) *Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return c.Do(t, req)
}

// Do sends req, counting the SQL statements it runs, and decodes the answer.
func (c *Client) Do(t testing.TB, req *http.Request) *Response {
	t.Helper()
	if c.Key != "" {
		req.Header.Set("Authorization", "Bearer "+c.Key)
	}
	for name, values := range c.Header {
		req.Header[name] = values
	}
	ctx := store.WithStatementCounter(req.Context())
	rec := httptest.NewRecorder()
	c.Handler.ServeHTTP(rec, req.WithContext(ctx))
	res := &Response{Status: rec.Code, Statements: store.StatementCount(ctx)}
	if err := json.Unmarshal(rec.Body.Bytes(), res); err != nil {
		t.Fatalf("decode response (status %d): %v\n%s", rec.Code, err, rec.Body.String())
	}
	return res
}

// MustData fails the test on any error and decodes data into v.
func (r *Response) MustData(t testing.TB, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode data: %v\n%s", err, r.Data)
	}
}

// ErrorCode fails the test unless the response has errors, and returns the first one's code.
func (r *Response) ErrorCode(t testing.TB) string {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Fatalf("expected an error, got data %s", r.Data)
	}
	return r.Errors[0].Code()
}
