package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"campaigns/internal/api"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
	"campaigns/internal/persisted"
)

// persistedExt returns extensions naming a persisted query by hash, in Apollo's protocol.
func persistedExt(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

// postPersisted posts a hash, with the query text unless it is empty.
func postPersisted(t *testing.T, query, hash string, vars map[string]any) *http.Request {
	t.Helper()
	body := map[string]any{"extensions": persistedExt(hash), "variables": vars}
	if query != "" {
		body["query"] = query
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return postBody(b)
}

// getPersisted sends a hash over GET, as a CDN can cache it.
func getPersisted(t *testing.T, hash, variables string) *http.Request {
	t.Helper()
	ext, err := json.Marshal(persistedExt(hash))
	if err != nil {
		t.Fatal(err)
	}
	return getQuery("", variables, string(ext))
}

// slugs decodes the campaign slugs of an answer to `campaigns { nodes { slug } }`.
func slugs(t *testing.T, a *answer) []string {
	t.Helper()
	if a.Status != 200 || len(a.Errors) > 0 {
		t.Fatalf("status %d: %.400s", a.Status, a.Body)
	}
	var got struct {
		Campaigns struct{ Nodes []struct{ Slug string } }
	}
	if err := json.Unmarshal(a.Data, &got); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range got.Campaigns.Nodes {
		out = append(out, n.Slug)
	}
	if len(out) == 0 {
		t.Fatalf("no campaigns: %.300s", a.Body)
	}
	return out
}

// TestAutomaticPersistedQueries follows Apollo's protocol: a hash alone is not known until
// the client has sent its text once; then the hash alone is served, over POST and GET.
func TestAutomaticPersistedQueries(t *testing.T) {
	t.Parallel()
	h := api.New(dbtest.Seeded(t), api.Options{Limits: limits.Defaults()})
	const q = `query($n: Int) { campaigns(first: $n) { nodes { slug } } }`
	hash := persisted.Hash(q)
	vars := map[string]any{"n": 2}

	for _, req := range []*http.Request{postPersisted(t, "", hash, vars), getPersisted(t, hash, `{"n": 2}`)} {
		a := send(t, h, req)
		if a.code() != persisted.CodeNotFound || a.Errors[0].Message != "PersistedQueryNotFound" || a.Status != 200 || len(a.Data) > 0 {
			t.Fatalf("%s of an unknown hash: status %d, %.300s", req.Method, a.Status, a.Body)
		}
		checkRequestID(t, a)
	}
	want := slugs(t, send(t, h, postPersisted(t, q, hash, vars)))
	for _, req := range []*http.Request{postPersisted(t, "", hash, vars), getPersisted(t, hash, `{"n": 2}`)} {
		if got := slugs(t, send(t, h, req)); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s by hash: %v, want %v", req.Method, got, want)
		}
	}

	refusals := []struct {
		name   string
		req    *http.Request
		code   string
		status int
	}{
		{"hash of another text", postPersisted(t, q, persisted.Hash("{ __typename }"), vars), api.CodeBadRequest, 400},
		{"unsupported version", postBody([]byte(fmt.Sprintf(`{"query": %q, "extensions": {"persistedQuery": {"version": 2, "sha256Hash": %q}}}`, q, hash))), api.CodeBadRequest, 400},
		{"malformed extension", postBody([]byte(`{"extensions": {"persistedQuery": "yes"}}`)), api.CodeBadRequest, 400},
		{"limits hold for texts sent by hash", postPersisted(t, nested(20), persisted.Hash(nested(20)), nil), limits.CodeQueryTooDeep, 200},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, h, tt.req)
			if a.code() != tt.code || a.Status != tt.status {
				t.Errorf("status %d, code %q; want %d, %s: %.300s", a.Status, a.code(), tt.status, tt.code, a.Body)
			}
			checkRequestID(t, a)
		})
	}

	t.Run("a mutation by hash over GET", func(t *testing.T) {
		const m = `mutation($id: ID!) { archiveCampaign(input: {id: $id, expectedVersion: 1}) { userErrors { code } } }`
		// Sending the text over POST registers it (the anonymous caller may not run it).
		if a := send(t, h, postPersisted(t, m, persisted.Hash(m), map[string]any{"id": "Q2FtcGFpZ246MQ"})); a.code() != "UNAUTHENTICATED" {
			t.Fatalf("over POST: %.300s", a.Body)
		}
		a := send(t, h, getPersisted(t, persisted.Hash(m), `{"id": "Q2FtcGFpZ246MQ"}`))
		if a.Status != http.StatusMethodNotAllowed || a.code() != api.CodeMethodNotAllowed {
			t.Errorf("by hash over GET: status %d, %.300s", a.Status, a.Body)
		}
	})
}

// registeredOperations writes a deployment's operations and returns their directory.
func registeredOperations(t *testing.T, ops map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range ops {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestPersistedOnly runs a server in production mode: registered operations are served by
// hash, over POST and GET, and by their exact text; nothing else runs, and clients cannot
// register anything.
func TestPersistedOnly(t *testing.T) {
	t.Parallel()
	const list = `query Campaigns($n: Int) { campaigns(first: $n) { nodes { ...Slug } } } fragment Slug on Campaign { slug }`
	const other = `{ campaigns { nodes { slug } } }`
	reg, err := api.LoadPersisted(registeredOperations(t, map[string]string{"campaigns.graphql": list}))
	if err != nil {
		t.Fatal(err)
	}
	st := dbtest.Seeded(t)
	h := api.New(st, api.Options{Introspection: true, Limits: limits.Defaults(), Protocol: api.Protocol{Persisted: reg, PersistedOnly: true}})

	for _, req := range []*http.Request{
		postPersisted(t, "", persisted.Hash(list), map[string]any{"n": 2}),
		getPersisted(t, persisted.Hash(list), `{"n": 2}`),
		postJSON(t, list, map[string]any{"n": 2}),
		postPersisted(t, list, persisted.Hash(list), map[string]any{"n": 2}),
	} {
		if got := slugs(t, send(t, h, req)); len(got) != 2 {
			t.Errorf("%s: %v, want 2 campaigns", req.Method, got)
		}
	}

	introspection, err := os.ReadFile("../limits/testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	refusals := []struct {
		name   string
		req    *http.Request
		code   string
		status int
	}{
		{"another text", postJSON(t, other, nil), persisted.CodeRequired, 200},
		{"another text, graphql-response+json", withHeader(postJSON(t, other, nil), "Accept", "application/graphql-response+json"), persisted.CodeRequired, 400},
		{"another text over GET", getQuery(other, "", ""), persisted.CodeRequired, 200},
		{"GraphiQL's introspection", postJSON(t, string(introspection), nil), persisted.CodeRequired, 200},
		{"an unknown hash", postPersisted(t, "", persisted.Hash(other), nil), persisted.CodeNotFound, 200},
		{"registering a text", postPersisted(t, other, persisted.Hash(other), nil), persisted.CodeRequired, 200},
		{"its hash afterwards", getPersisted(t, persisted.Hash(other), ""), persisted.CodeNotFound, 200},
		{"neither text nor hash", postBody([]byte(`{}`)), api.CodeBadRequest, 400},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			a := send(t, h, tt.req)
			if a.code() != tt.code || a.Status != tt.status || len(a.Data) > 0 {
				t.Errorf("status %d, code %q; want %d, %s: %.300s", a.Status, a.code(), tt.status, tt.code, a.Body)
			}
			checkRequestID(t, a)
		})
	}

	t.Run("registered operations are known by hash without PERSISTED_ONLY", func(t *testing.T) {
		h := api.New(st, api.Options{Protocol: api.Protocol{Persisted: reg}})
		slugs(t, send(t, h, getPersisted(t, persisted.Hash(list), `{"n": 1}`)))
		slugs(t, send(t, h, postJSON(t, other, nil)))
	})
}

// TestLoadPersistedChecksTheSchema: a deployment whose operations do not fit the schema
// fails at start, naming the file.
func TestLoadPersistedChecksTheSchema(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, text string }{
		{"unknown field", `{ campaigns { nodes { nickname } } }`},
		{"syntax error", `{ campaigns { nodes `},
		{"unknown argument", `{ campaigns(sortBy: NAME) { totalCount } }`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.LoadPersisted(registeredOperations(t, map[string]string{"stale.graphql": tt.text}))
			if err == nil || !strings.Contains(err.Error(), "stale.graphql") {
				t.Errorf("LoadPersisted = %v, want an error naming stale.graphql", err)
			}
		})
	}
	if reg, err := api.LoadPersisted(""); err != nil || reg.Len() != 0 {
		t.Errorf("no directory: %v, %v", reg, err)
	}
}
