package loader

import (
	"context"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"
)

// Look-ahead loading. A time window cannot promise one statement per level: under load
// gqlgen starts the resolvers of a list's items over more than the window, and a level's
// batch splits (26–28 statements for a query that needs 7 at 32 clients, BENCHMARKS.md).
// So the loaders here do not wait for their siblings to ask; the first resolver of a field
// to run loads that field for every record at the same place in the answer (its cousins:
// the same path, list indices aside), primes the loader with the results, and registers
// what it loaded as the cousins of the next level. The records at a path are known because
// whoever produced them registered them: a root field of the relation table (rooted) or the
// batch of the level above. A resolver whose path has no registered records, or whose field
// has no row in the relation table (relations.go), falls back to the loader's window, which
// is still correct.

// source is a loader with what look-ahead needs to fill it for a whole level at once.
type source[K comparable, V any] struct {
	*dataloadgen.Loader[K, V]
	name  string
	fetch func(context.Context, []K) (map[K]V, error)
	// keyOf gives, by the resolving field ("Event.venue"), the key a cousin record would
	// ask for; self is the key of the resolver that runs the batch, for keys that carry
	// arguments (a page's filter) besides the parent.
	keyOf map[string]func(obj any, self K) (K, bool)
	// spread lists the records a loaded value holds, the next level's cousins.
	spread func(V) []any
	// paths are the suffixes under which spread's records sit below the field: "" for a
	// record or list, ".nodes" and ".edges.node" for a connection's page.
	paths []string
	// up is how many field levels above the resolving field the parent is: 1 for a
	// connection's totalCount, whose records are the connection's parents.
	up int
	// perRecord says that every field reading src asks a record for the same key, so that
	// one batch at a place serves them all: the fields of a record that resolve at once
	// would otherwise each see the keys missing and fetch them again.
	perRecord bool

	mu     sync.Mutex
	loaded map[K]bool // the keys fetched so far, which a batch need not fetch again
}

// newSource makes a source over a mapped batch function.
func newSource[K comparable, V any](k *kind[K, V], fetch func(context.Context, []K) (map[K]V, error), spread func(V) []any) *source[K, V] {
	src := &source[K, V]{name: k.name, keyOf: k.keyOf, spread: spread, paths: []string{""}, loaded: map[K]bool{}}
	src.fetch = func(ctx context.Context, keys []K) (map[K]V, error) {
		vals, err := fetch(ctx, keys)
		if err == nil {
			src.mu.Lock()
			for _, k := range keys {
				src.loaded[k] = true
			}
			src.mu.Unlock()
		}
		return vals, err
	}
	src.Loader = dataloadgen.NewMappedLoader(src.fetch, dataloadgen.WithWait(Wait))
	return src
}

// prime puts a value fetched elsewhere into the loader, as if fetched by it.
func (src *source[K, V]) prime(k K, v V) {
	src.Prime(k, v)
	src.mu.Lock()
	src.loaded[k] = true
	src.mu.Unlock()
}

// missing keeps the keys not fetched yet.
func (src *source[K, V]) missing(keys []K) []K {
	src.mu.Lock()
	defer src.mu.Unlock()
	out := keys[:0]
	for _, k := range keys {
		if !src.loaded[k] {
			out = append(out, k)
		}
	}
	return out
}

// tree holds, for one request and loader generation, the records at each path of the
// answer and the batches already run.
type tree struct {
	mu      sync.Mutex
	records map[string][]any
	batches map[batchKey]*sync.Once
	paths   map[*graphql.FieldContext]string
	derived map[string]*sync.Once // paths where attachedAt registers attached records
}

// batchKey names one batch: a field at a path, on a type, through a loader.
type batchKey struct {
	parent, alias, object, source string
}

func newTree() *tree {
	return &tree{records: map[string][]any{}, batches: map[batchKey]*sync.Once{}, paths: map[*graphql.FieldContext]string{},
		derived: map[string]*sync.Once{}}
}

func (t *tree) add(path string, recs []any) {
	if len(recs) == 0 {
		return
	}
	t.mu.Lock()
	t.records[path] = append(t.records[path], recs...)
	t.mu.Unlock()
}

func (t *tree) at(path string) []any {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.records[path]
}

func (t *tree) once(k batchKey) *sync.Once {
	t.mu.Lock()
	defer t.mu.Unlock()
	o, ok := t.batches[k]
	if !ok {
		o = new(sync.Once)
		t.batches[k] = o
	}
	return o
}

// pathOf is the index-free path of a field's parent record, from the response keys
// (aliases) of the fields above it: "campaigns.nodes.events.nodes" ("" at the root). The
// path of each list field is kept, so that the items of a list, which share it, build it
// once.
func (t *tree) pathOf(fc *graphql.FieldContext) string {
	up := fc.Parent
	for up != nil && (up.Index != nil || up.Field.Field == nil) {
		up = up.Parent
	}
	if up == nil {
		return ""
	}
	t.mu.Lock()
	p, ok := t.paths[up]
	t.mu.Unlock()
	if ok {
		return p
	}
	p = fieldPath(t.pathOf(up), up)
	t.mu.Lock()
	t.paths[up] = p
	t.mu.Unlock()
	return p
}

// fieldPath is the index-free path of the field itself.
func fieldPath(parent string, fc *graphql.FieldContext) string {
	if parent == "" {
		return fc.Field.Alias
	}
	return parent + "." + fc.Field.Alias
}

// ahead loads, in one batch, what the resolving field asks of src for every cousin of its
// record, and primes src with it, unless a cousin ran that batch already. It does nothing
// where it cannot tell the cousins; the Load that follows then runs as before.
func ahead[K comparable, V any](ctx context.Context, t *tree, src *source[K, V], key K) {
	fc := graphql.GetFieldContext(ctx)
	for i := 0; i < src.up && fc != nil; i++ {
		fc = fc.Parent
	}
	if fc == nil || fc.Field.Field == nil {
		return
	}
	keyOf := src.keyOf[fc.Object+"."+fc.Field.Name]
	if keyOf == nil {
		return
	}
	parent := t.pathOf(fc)
	alias := fc.Field.Alias
	if src.perRecord {
		alias = "" // one batch for all the fields that read src here (perRecord)
	}
	t.once(batchKey{parent, alias, fc.Object, src.name}).Do(func() {
		field := fieldPath(parent, fc)
		cousins := t.attachedAt(fc, parent)
		keys := make([]K, 0, len(cousins)+1)
		seen := make(map[K]bool, len(cousins)+1)
		for _, o := range cousins {
			if k, ok := keyOf(o, key); ok && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		if !seen[key] {
			return // this record is not among those registered: leave it to the window
		}
		// Keys fetched before (by a lookup's own Load) are not fetched again; their values
		// come from the loader's cache, to be the next level's cousins all the same.
		fresh := src.missing(slices.Clone(keys))
		var vals map[K]V
		if len(fresh) > 0 {
			var err error
			if vals, err = src.fetch(ctx, fresh); err != nil {
				return // the Load that follows runs the batch again and reports its error
			}
			for k, v := range vals {
				src.Prime(k, v)
			}
		}
		if src.spread == nil {
			return
		}
		var next []any
		for _, k := range keys {
			v, ok := vals[k]
			if !ok && !slices.Contains(fresh, k) {
				var err error
				v, err = src.Load(ctx, k)
				ok = err == nil
			}
			if ok {
				next = append(next, src.spread(v)...)
			}
		}
		for _, p := range src.paths {
			t.add(field+p, next)
		}
	})
}

// orNil keeps a nil pointer from becoming a non-nil interface.
func orNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

// attachedAt returns the records registered at path, the parent path of fc; where none are
// and fc's record was attached to its own parent, it registers the attached records of the
// parent's cousins there first, so that the fields below attached records load for all of
// them at once too.
func (t *tree) attachedAt(fc *graphql.FieldContext, path string) []any {
	if recs := t.at(path); len(recs) > 0 {
		return recs
	}
	if t.rooted(fc) {
		if recs := t.at(path); len(recs) > 0 {
			return recs
		}
	}
	holder := fc.Parent // the field whose value fc's record is
	for holder != nil && holder.Index != nil {
		holder = holder.Parent
	}
	if holder == nil || holder.Field.Field == nil {
		return nil
	}
	get := attachedTo[holder.Object+"."+holder.Field.Name]
	if get == nil {
		return nil
	}
	t.mu.Lock()
	once := t.derived[path]
	if once == nil {
		once = new(sync.Once)
		t.derived[path] = once
	}
	t.mu.Unlock()
	once.Do(func() {
		var recs []any
		for _, o := range t.attachedAt(holder, t.pathOf(holder)) {
			if r := get(o); r != nil {
				recs = append(recs, r)
			}
		}
		t.add(path, recs)
	})
	return t.at(path)
}

// rooted registers the records that the root field above fc resolved to, when the relation
// table names that root field (a root row), the first time a field below it asks; it
// reports whether there is such a root. gqlgen keeps a field's value in its FieldContext
// (Result) before it resolves the fields below, so no field middleware has to register
// it: one would cost every field of every answer a call and an allocation (issue 16).
func (t *tree) rooted(fc *graphql.FieldContext) bool {
	var root *graphql.FieldContext
	for up := fc.Parent; up != nil; up = up.Parent {
		if up.Field.Field != nil {
			root = up
		}
	}
	if root == nil {
		return false
	}
	get := roots[root.Object+"."+root.Field.Name]
	if get == nil {
		return false
	}
	t.register(root, get)
	return true
}

// register adds, once per root field of the answer, the records of its value at their paths.
func (t *tree) register(root *graphql.FieldContext, get func(any) ([]any, []string)) {
	key := "\x00root\x00" + root.Field.Alias
	t.mu.Lock()
	once := t.derived[key]
	if once == nil {
		once = new(sync.Once)
		t.derived[key] = once
	}
	t.mu.Unlock()
	once.Do(func() {
		recs, paths := get(root.Result)
		for _, p := range paths {
			t.add(root.Field.Alias+p, recs)
		}
	})
}

// load is Load with look-ahead.
func load[K comparable, V any](ctx context.Context, t *tree, src *source[K, V], key K) (V, error) {
	ahead(ctx, t, src, key)
	return src.Load(ctx, key)
}

// records are the items of a list or page, as the next level's cousins.
func records[T any](items []T) []any {
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

// by makes a key function from a typed one, for records of type O.
func by[O, K any](f func(O) (K, bool)) func(any, K) (K, bool) {
	return func(o any, _ K) (K, bool) {
		r, ok := o.(O)
		if !ok {
			var zero K
			return zero, false
		}
		return f(r)
	}
}
