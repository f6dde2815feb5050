package seed

import (
	"context"

	"campaigns/internal/store"
)

// LoadFirstVersion loads only the first version of the seed, as a database seeded before the
// later versions existed holds it.
func LoadFirstVersion(ctx context.Context, st *store.Store) error {
	_, err := LoadThrough(ctx, st, FirstVersion)
	return err
}

// Versions are the seed's versions in order.
func Versions() []string {
	var out []string
	for _, s := range steps() {
		out = append(out, s.Version)
	}
	return out
}

// Texts returns, for each text of the seed's translations, its kind, its record's key, its
// field, its English original and its translations by language.
func Texts() []Text {
	out := make([]Text, len(texts))
	for i, t := range texts {
		out[i] = Text{Kind: t.kind, Campaign: t.campaign, EventKind: t.event, Network: t.network, Code: t.code,
			Field: t.field, English: t.en, Translations: t.tr}
	}
	return out
}

// Text is a text of the seed's translations, for tests.
type Text struct {
	Kind, Campaign, EventKind, Network, Code, Field, English string
	Translations                                             map[string]string
}
