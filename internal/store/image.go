package store

import (
	"context"
	"fmt"

	"campaigns/models"
)

// The kinds of record that have images, as images.entity_type names them.
const (
	ImagesOfCampaign     = "CAMPAIGN"
	ImagesOfEvent        = "EVENT"
	ImagesOfOrganization = "ORGANIZATION"
)

// ImageOwner names a record whose images are read.
type ImageOwner struct {
	Kind string
	ID   int64
}

// ImagesOf loads the images of many records in one statement, each record's logo first and
// then its images in their order, with an empty list for a record that has none. It does not
// check that the caller may read the records: images are read through their record, which
// the caller has read already.
func (s *Store) ImagesOf(ctx context.Context, keys []ImageOwner) (map[ImageOwner][]*models.Image, error) {
	kinds := make([]string, len(keys))
	ids := make(idList, len(keys))
	for i, k := range keys {
		kinds[i], ids[i] = k.Kind, k.ID
	}
	var rows []*models.Image
	err := s.db.WithContext(ctx).Raw(`SELECT i.* FROM images i
		JOIN unnest(?::text[], ?::bigint[]) AS k(kind, id) ON i.entity_type = k.kind AND i.entity_id = k.id
		ORDER BY i.entity_type, i.entity_id, i.role DESC, i.position`, models.StringList(kinds), ids).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("images of %d records: %w", len(keys), translate(err))
	}
	return groupBy(keys, rows, func(i *models.Image) ImageOwner { return ImageOwner{i.EntityType, i.EntityID} }), nil
}
