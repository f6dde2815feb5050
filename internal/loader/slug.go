package loader

import (
	"context"
	"fmt"

	"campaigns/internal/store"
)

// slugKey asks for the ID of the record of a kind with a slug, as an organization may read
// it. The organization is part of the key, so that a batch never answers one caller with a
// draft only another may read.
type slugKey struct {
	kind   string
	viewer int64
	slug   string
}

// IDBySlug returns the ID of the record of kind (store.SlugCampaign…) with the slug, as the
// viewer may read it, or store.ErrNotFound. A filter names its records by ID or slug, and a
// nested list resolves its filter once per parent: the loader asks once for them all.
func (l *Loaders) IDBySlug(ctx context.Context, kind string, viewer int64, slug string) (int64, error) {
	id, err := l.get().slugs.Load(ctx, slugKey{kind, viewer, slug})
	if err == nil && id == 0 {
		return 0, fmt.Errorf("%s %q: %w", kind, slug, store.ErrNotFound)
	}
	return id, err
}

// slugsFetch asks the store, one statement per kind and viewer, for the IDs of the slugs.
func slugsFetch(s *store.Store) func(context.Context, []slugKey) (map[slugKey]int64, error) {
	return func(ctx context.Context, keys []slugKey) (map[slugKey]int64, error) {
		type group struct {
			kind   string
			viewer int64
		}
		groups := map[group][]string{}
		for _, k := range keys {
			g := group{k.kind, k.viewer}
			groups[g] = append(groups[g], k.slug)
		}
		out := make(map[slugKey]int64, len(keys))
		for g, slugs := range groups {
			ids, err := s.IDsBySlug(ctx, g.kind, g.viewer, slugs)
			if err != nil {
				return nil, err
			}
			for _, slug := range slugs {
				out[slugKey{g.kind, g.viewer, slug}] = ids[slug]
			}
		}
		return out, nil
	}
}
