package store

import (
	"context"
	"fmt"

	"campaigns/internal/problem"
	"campaigns/models"
)

// The kinds of record a filter may name by slug.
const (
	SlugCampaign     = "campaign"
	SlugOrganization = "organization"
	SlugNetwork      = "youth network"
)

// slugTables are the tables of the records that have slugs, with the condition that keeps
// those the viewer may read: a draft campaign is, to anyone but its owner and partners, a
// slug nobody has.
var slugTables = map[string]struct{ from, public, rule string }{
	SlugCampaign:     {"campaigns c", campaignPublic, campaignVisible},
	SlugOrganization: {"organizations c", "TRUE", "TRUE"},
	SlugNetwork:      {"youth_networks c", "TRUE", "TRUE"},
}

// IDsBySlug returns the IDs of the records of kind (SlugCampaign, SlugOrganization,
// SlugNetwork) with the given slugs that viewer's organization (0 for anonymous) may read,
// by slug; a slug that no such record has is left out.
func (s *Store) IDsBySlug(ctx context.Context, kind string, viewer int64, slugs []string) (map[string]int64, error) {
	t, ok := slugTables[kind]
	if !ok {
		return nil, problem.Wrap(ErrInvalid, "no %s has a slug", kind)
	}
	c := visibleTo(t.public, t.rule, viewer)
	var rows []struct {
		ID   int64
		Slug string
	}
	err := s.db.WithContext(ctx).Raw(`SELECT c.id, c.slug FROM `+t.from+` WHERE c.slug = ANY(?::text[]) AND (`+c.sql+`)`,
		append([]any{models.StringList(slugs)}, c.args...)...).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("%s IDs of %d slugs: %w", kind, len(slugs), translate(err))
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Slug] = r.ID
	}
	return out, nil
}
