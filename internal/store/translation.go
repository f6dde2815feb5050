package store

import (
	"context"
	"fmt"
	"sort"

	"campaigns/models"
)

// The kinds of record whose texts can be translated, as translations.entity_type names them.
const (
	TranslateCampaign  = "CAMPAIGN"
	TranslateEvent     = "EVENT"
	TranslateNetwork   = "YOUTH_NETWORK"
	TranslateIndicator = "INDICATOR"
)

// TranslationKey names a translatable record.
type TranslationKey struct {
	Kind string
	ID   int64
}

// TranslationsOf loads the translations of many records in one statement, each record's
// ordered by field and language, with an empty list for a record that has none.
func (s *Store) TranslationsOf(ctx context.Context, keys []TranslationKey) (map[TranslationKey][]*models.Translation, error) {
	kinds := make([]string, len(keys))
	ids := make(idList, len(keys))
	for i, k := range keys {
		kinds[i], ids[i] = k.Kind, k.ID
	}
	var rows []*models.Translation
	err := s.db.WithContext(ctx).Raw(`SELECT t.* FROM translations t
		JOIN unnest(?::text[], ?::bigint[]) AS k(kind, id) ON t.entity_type = k.kind AND t.entity_id = k.id
		ORDER BY t.entity_type, t.entity_id, t.field, t.language`, models.StringList(kinds), ids).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("translations of %d records: %w", len(keys), translate(err))
	}
	return groupBy(keys, rows, func(t *models.Translation) TranslationKey { return TranslationKey{t.EntityType, t.EntityID} }), nil
}

// fieldsOf lists the fields of a kind of record that can be translated, in schema order.
var fieldsOf = map[string][]string{
	TranslateCampaign:  {"NAME", "SUMMARY", "DESCRIPTION"},
	TranslateEvent:     {"TITLE", "SUMMARY", "DESCRIPTION"},
	TranslateNetwork:   {"NAME", "DESCRIPTION"},
	TranslateIndicator: {"NAME", "DESCRIPTION"},
}

// TranslatableFields reports the fields of a kind of record that can be translated.
func TranslatableFields(kind string) []string { return fieldsOf[kind] }

// maxTextLength is the longest each field may be, in a translation as in the original.
var maxTextLength = map[string]int{"NAME": 300, "TITLE": 300, "SUMMARY": 1000, "DESCRIPTION": 20000}

func sortTranslations(ts []models.Translation) {
	sort.Slice(ts, func(i, j int) bool {
		if ts[i].Field != ts[j].Field {
			return ts[i].Field < ts[j].Field
		}
		return ts[i].Language < ts[j].Language
	})
}
