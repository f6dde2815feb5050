// Package persisted serves GraphQL operations by the SHA-256 of their text: the automatic
// persisted queries of Apollo's protocol, where a client sends the hash first and the text
// only when the server does not know it yet, and the registered operations that a
// deployment loads at start, which a production server may restrict itself to.
//
// Mobile apps on poor networks send a 64-character hash instead of a query of kilobytes,
// and a GET with a hash can be cached by a CDN. A server that runs only registered
// operations cannot be sent a hostile query at all.
package persisted

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"campaigns/internal/problem"
)

// The refusals' codes as the strings extensions.code holds, for callers that compare them
// (problem declares them; these only name them for the tests of other packages). Both are
// request errors: answered 4xx, never 200 without data.
const (
	CodeNotFound = string(problem.PersistedQueryNotFound)
	CodeRequired = string(problem.PersistedQueryRequired)
)

// Hash returns the ID of an operation's text: its SHA-256 in lower-case hex.
func Hash(query string) string {
	sum := sha256.Sum256([]byte(query))
	return hex.EncodeToString(sum[:])
}

// Registry holds the registered operations by hash.
type Registry struct {
	docs map[string]string
	// files names the file of each hash, for error messages.
	files map[string]string
}

// Load reads every .graphql file under dir. The text of an operation is its file's content
// without leading and trailing white space, and its ID is the Hash of that text; a client
// that sends the text must send exactly it. Each file must parse; an empty dir name gives
// an empty registry.
func Load(dir string) (*Registry, error) {
	r := &Registry{docs: map[string]string{}, files: map[string]string{}}
	if dir == "" {
		return r, nil
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".graphql" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		text := strings.TrimSpace(string(b))
		if _, err := parser.ParseQuery(&ast.Source{Name: path, Input: text}); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		h := Hash(text)
		r.docs[h] = text
		r.files[h] = path
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load persisted operations from %s: %w", dir, err)
	}
	return r, nil
}

// Len returns how many operations are registered.
func (r *Registry) Len() int { return len(r.docs) }

// Get returns the text registered under hash.
func (r *Registry) Get(hash string) (string, bool) {
	q, ok := r.docs[hash]
	return q, ok
}

// Validate checks every registered operation against the schema, so that a deployment
// whose operations no longer match its schema fails at start rather than on each request.
func (r *Registry) Validate(schema *ast.Schema) error {
	hashes := make([]string, 0, len(r.docs))
	for h := range r.docs {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	for _, h := range hashes {
		doc, err := parser.ParseQuery(&ast.Source{Name: r.files[h], Input: r.docs[h]})
		if err != nil {
			return fmt.Errorf("%s: %w", r.files[h], err)
		}
		if errs := validator.ValidateWithRules(schema, doc, rules.NewDefaultRules()); len(errs) > 0 {
			return fmt.Errorf("%s does not fit the schema: %w", r.files[h], errs)
		}
	}
	return nil
}

// Cache is the store of automatic persisted queries: registered operations first, then an
// LRU of texts clients have sent. With Only set, clients' texts are never added.
type Cache struct {
	Registry *Registry
	// Sent holds texts clients have sent with their hash; nil when Only.
	Sent graphql.Cache[string]
	Only bool
}

var _ graphql.Cache[string] = (*Cache)(nil)

// Get returns the text of hash.
func (c *Cache) Get(ctx context.Context, hash string) (string, bool) {
	if q, ok := c.Registry.Get(hash); ok {
		return q, true
	}
	if c.Only || c.Sent == nil {
		return "", false
	}
	return c.Sent.Get(ctx, hash)
}

// Add keeps a text a client sent, unless the server runs registered operations only.
func (c *Cache) Add(ctx context.Context, hash, query string) {
	if c.Only || c.Sent == nil {
		return
	}
	if _, ok := c.Registry.Get(hash); ok {
		return
	}
	c.Sent.Add(ctx, hash, query)
}

// Only is the gqlgen extension of a server that runs registered operations only: a
// request must name a registered hash, or send a registered text exactly.
type Only struct {
	Registry *Registry
}

var _ interface {
	graphql.OperationParameterMutator
	graphql.HandlerExtension
} = Only{}

// ExtensionName names the extension for gqlgen.
func (Only) ExtensionName() string { return "PersistedOnly" }

// Validate accepts any schema.
func (Only) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters refuses anything but a registered operation. It runs before
// the automatic persisted queries extension, which then fills in the text of a hash.
func (o Only) MutateOperationParameters(_ context.Context, raw *graphql.RawParams) *gqlerror.Error {
	hash := RequestedHash(raw.Extensions)
	if raw.Query != "" || hash == "" {
		if _, ok := o.Registry.Get(Hash(raw.Query)); ok && raw.Query != "" {
			return nil
		}
		return problem.New(problem.PersistedQueryRequired, "this server runs registered operations only: send the sha256Hash of one in extensions.persistedQuery").GraphQL()
	}
	if _, ok := o.Registry.Get(hash); ok {
		return nil
	}
	// The message is the one Apollo's clients compare, as gqlgen's own extension sends it.
	return problem.New(problem.PersistedQueryNotFound, "PersistedQueryNotFound").GraphQL()
}

// RequestedHash returns extensions.persistedQuery.sha256Hash, or "".
func RequestedHash(ext map[string]any) string {
	pq, _ := ext["persistedQuery"].(map[string]any)
	h, _ := pq["sha256Hash"].(string)
	return h
}
