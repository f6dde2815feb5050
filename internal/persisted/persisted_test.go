package persisted

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// write creates files under a temporary directory and returns it.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := write(t, map[string]string{
		"campaigns.graphql":        "\nquery Campaigns { campaigns { name } }\n\n",
		"web/event.graphql":        "query Event($id: ID!) { event(id: $id) { title } }",
		"README.md":                "not an operation",
		"web/fragments.graphql.bk": "{",
	})
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != 2 {
		t.Fatalf("%d operations, want 2", r.Len())
	}
	// The text is the file's without surrounding white space, and the ID is its hash.
	text := "query Campaigns { campaigns { name } }"
	if got, ok := r.Get(Hash(text)); !ok || got != text {
		t.Errorf("Get(hash of the trimmed text) = %q, %t", got, ok)
	}
	if _, ok := r.Get(Hash("\n" + text + "\n\n")); ok {
		t.Error("the untrimmed text's hash is registered too")
	}
	if Hash("{ __typename }") != "7f56e67dd21ab3f30d1ff8b7bed08893f0a0db86449836189b361dd1e56ddb4b" {
		t.Errorf("Hash is not SHA-256 in hex (as sha256sum prints it): %s", Hash("{ __typename }"))
	}

	if r, err := Load(""); err != nil || r.Len() != 0 {
		t.Errorf("Load(\"\") = %v, %v; want an empty registry", r, err)
	}
	if _, err := Load(write(t, map[string]string{"bad.graphql": "query { campaigns { "})); err == nil || !strings.Contains(err.Error(), "bad.graphql") {
		t.Errorf("a file that does not parse: %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing directory loaded")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `type Query { campaigns: [Campaign!]! } type Campaign { name: String! }`})
	good, err := Load(write(t, map[string]string{"a.graphql": "{ campaigns { name } }"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := good.Validate(schema); err != nil {
		t.Errorf("a valid operation: %v", err)
	}
	stale, err := Load(write(t, map[string]string{"stale.graphql": "{ campaigns { title } }"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := stale.Validate(schema); err == nil || !strings.Contains(err.Error(), "stale.graphql") {
		t.Errorf("a stale operation: %v", err)
	}
}

func TestCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r, err := Load(write(t, map[string]string{"a.graphql": "{ registered }"}))
	if err != nil {
		t.Fatal(err)
	}
	open := &Cache{Registry: r, Sent: lru.New[string](10)}
	only := &Cache{Registry: r, Sent: lru.New[string](10), Only: true}
	for _, c := range []*Cache{open, only} {
		if q, ok := c.Get(ctx, Hash("{ registered }")); !ok || q != "{ registered }" {
			t.Errorf("only=%t: registered operation: %q, %t", c.Only, q, ok)
		}
		c.Add(ctx, Hash("{ sent }"), "{ sent }")
	}
	if _, ok := open.Get(ctx, Hash("{ sent }")); !ok {
		t.Error("a sent text is not kept")
	}
	if _, ok := only.Get(ctx, Hash("{ sent }")); ok {
		t.Error("a sent text is kept by a server that runs registered operations only")
	}
}

func TestOnly(t *testing.T) {
	t.Parallel()
	r, err := Load(write(t, map[string]string{"a.graphql": "{ registered }"}))
	if err != nil {
		t.Fatal(err)
	}
	ext := func(hash string) map[string]any {
		return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
	}
	tests := []struct {
		name string
		raw  graphql.RawParams
		code string
	}{
		{"registered hash", graphql.RawParams{Extensions: ext(Hash("{ registered }"))}, ""},
		{"registered text", graphql.RawParams{Query: "{ registered }"}, ""},
		{"registered text with its hash", graphql.RawParams{Query: "{ registered }", Extensions: ext(Hash("{ registered }"))}, ""},
		{"unknown hash", graphql.RawParams{Extensions: ext(Hash("{ other }"))}, CodeNotFound},
		{"other text", graphql.RawParams{Query: "{ other }"}, CodeRequired},
		{"other text with its hash", graphql.RawParams{Query: "{ other }", Extensions: ext(Hash("{ other }"))}, CodeRequired},
		{"registered text changed by a space", graphql.RawParams{Query: "{ registered } "}, CodeRequired},
		{"nothing", graphql.RawParams{}, CodeRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Only{Registry: r}.MutateOperationParameters(context.Background(), &tt.raw)
			code := ""
			if err != nil {
				code, _ = err.Extensions["code"].(string)
			}
			if code != tt.code {
				t.Errorf("code %q (%v), want %q", code, err, tt.code)
			}
		})
	}
}
