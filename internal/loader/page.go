package loader

import (
	"context"
	"encoding/json"

	"campaigns/internal/page"
	"campaigns/internal/store"
)

// pageKey names one nested page: the relation, the parent's key, and the page's arguments
// in canonical JSON. Parents that ask for the same arguments are fetched in one statement.
type pageKey struct {
	by    store.Parent
	key   string
	query string
}

// query is what a nested page asks for besides its parent.
type query[F any] struct {
	Filter F
	Order  store.Order
	Req    page.Request
}

// upTo is what a bounded count asks for besides its parent.
type upTo[F any] struct {
	Filter F
	Limit  int
}

func newPageKey(by store.Parent, key string, q any) pageKey {
	b, _ := json.Marshal(q) // filters, orders and requests are plain data and always marshal
	return pageKey{by: by, key: key, query: string(b)}
}

// batches groups keys by relation and arguments, each group with its distinct parent keys
// and the positions of the keys that asked for it.
func batches(keys []pageKey) map[[2]string]*batch {
	groups := map[[2]string]*batch{}
	for i, k := range keys {
		g := [2]string{string(k.by), k.query}
		b, ok := groups[g]
		if !ok {
			b = &batch{seen: map[string]bool{}}
			groups[g] = b
		}
		if !b.seen[k.key] {
			b.seen[k.key] = true
			b.parents = append(b.parents, k.key)
		}
		b.positions = append(b.positions, i)
	}
	return groups
}

type batch struct {
	parents   []string
	positions []int
	seen      map[string]bool
}

// pageSource makes a source of nested pages over a store method that pages many parents at once.
func pageSource[F, T any](k *kind[pageKey, page.Page[T]], fetch func(context.Context, store.Parent, []string, F, store.Order, page.Request) (map[string]page.Page[T], error)) *source[pageKey, page.Page[T]] {
	f := func(ctx context.Context, keys []pageKey) (map[pageKey]page.Page[T], error) {
		out := make(map[pageKey]page.Page[T], len(keys))
		for g, b := range batches(keys) {
			var q query[F]
			if err := json.Unmarshal([]byte(g[1]), &q); err != nil {
				return nil, err
			}
			pages, err := fetch(ctx, store.Parent(g[0]), b.parents, q.Filter, q.Order, q.Req)
			if err != nil {
				return nil, err
			}
			for _, i := range b.positions {
				out[keys[i]] = pages[keys[i].key]
			}
		}
		return out, nil
	}
	src := newSource(k, f, func(p page.Page[T]) []any { return records(p.Items) })
	src.paths = []string{".nodes", ".edges.node"}
	return src
}

// countSource makes a source of nested counts over a store method that counts for many
// parents. Its resolving field is a connection's totalCount, whose cousins are found one
// level up, among the connection's parents.
func countSource[F any](k *kind[pageKey, int], fetch func(context.Context, store.Parent, []string, F) (map[string]int, error)) *source[pageKey, int] {
	f := func(ctx context.Context, keys []pageKey) (map[pageKey]int, error) {
		out := make(map[pageKey]int, len(keys))
		for g, b := range batches(keys) {
			var filter F
			if err := json.Unmarshal([]byte(g[1]), &filter); err != nil {
				return nil, err
			}
			counts, err := fetch(ctx, store.Parent(g[0]), b.parents, filter)
			if err != nil {
				return nil, err
			}
			for _, i := range b.positions {
				out[keys[i]] = counts[keys[i].key]
			}
		}
		return out, nil
	}
	src := newSource(k, f, nil)
	src.up = 1
	return src
}
