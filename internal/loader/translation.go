package loader

import (
	"context"

	"campaigns/internal/store"
	"campaigns/models"
)

// Translations loads a record's translations; the records of one level of a query, of
// whatever kind, share one statement.
func (l *Loaders) Translations(ctx context.Context, kind string, id int64) ([]*models.Translation, error) {
	return load(ctx, l.get().tree, l.get().translations, store.TranslationKey{Kind: kind, ID: id})
}
