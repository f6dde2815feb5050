package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"campaigns/models"
)

// SeedStep is one version of a seed: the version's name and what it adds.
type SeedStep struct {
	Version string
	Load    func(w *Writer) error
}

// SeedVersions runs, in one transaction and in order, each step whose version has not been
// loaded yet, and returns the versions it ran. A database seeded with the first version gets
// only the later steps on its next start; a new one gets them all. One transaction for all
// the steps keeps two instances starting at once from splitting them: the second waits on the
// first's version rows and then finds every version recorded.
func (s *Store) SeedVersions(ctx context.Context, steps []SeedStep) ([]string, error) {
	var ran []string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ran = ran[:0]
		for _, step := range steps {
			res := tx.Exec("INSERT INTO seed_versions (version) VALUES (?) ON CONFLICT DO NOTHING", step.Version)
			if res.Error != nil {
				return fmt.Errorf("seed %s: %w", step.Version, translate(res.Error))
			}
			if res.RowsAffected == 0 {
				continue
			}
			if err := step.Load(&Writer{tx: tx}); err != nil {
				return fmt.Errorf("seed %s: %w", step.Version, err)
			}
			ran = append(ran, step.Version)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ran, nil
}

// The methods below let a later version of a seed amend what an earlier one loaded, found by
// its natural key, without overwriting what partners have changed since: each changes a field
// only while it still holds what the earlier seed wrote, and a record that is gone is skipped.

// CampaignBySlug returns the campaign with the slug, or nil when there is none.
func (w *Writer) CampaignBySlug(slug string) (*models.Campaign, error) {
	return findOne[models.Campaign](w.tx, "campaign "+slug, "slug = ?", slug)
}

// NetworkBySlug returns the youth network with the slug, or nil when there is none.
func (w *Writer) NetworkBySlug(slug string) (*models.YouthNetwork, error) {
	return findOne[models.YouthNetwork](w.tx, "youth network "+slug, "slug = ?", slug)
}

// IndicatorByCode returns the campaign's indicator with the code, or nil when there is none.
func (w *Writer) IndicatorByCode(campaignID int64, code string) (*models.Indicator, error) {
	return findOne[models.Indicator](w.tx, fmt.Sprintf("indicator %s of campaign %d", code, campaignID),
		"campaign_id = ? AND code = ?", campaignID, code)
}

// SeededEvent returns the first event of the campaign of the kind whose source is source:
// events have no slug, and a seed knows its events by these.
func (w *Writer) SeededEvent(campaignID int64, kind, source string) (*models.Event, error) {
	return findOne[models.Event](w.tx, fmt.Sprintf("%s event of campaign %d", kind, campaignID),
		"campaign_id = ? AND kind = ? AND source = ?", campaignID, kind, source)
}

func findOne[T any](tx *gorm.DB, what, where string, args ...any) (*T, error) {
	var v T
	err := tx.Where(where, args...).Order("id").Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, translate(err))
	}
	return &v, nil
}

// SetSeededCampaignOwner gives the campaign with the slug the organization with ownerSlug as
// its owner, if it has none, and replaces its source with source if it is still oldSource.
// The campaign's version goes up, as for any change of it. It reports whether it changed it.
func (w *Writer) SetSeededCampaignOwner(slug, ownerSlug, oldSource, source string) (bool, error) {
	res := w.tx.Exec(`UPDATE campaigns c SET owner_id = o.id,
		    source = CASE WHEN c.source = ? THEN ? ELSE c.source END,
		    version = c.version + 1, updated_at = ?
		FROM organizations o WHERE o.slug = ? AND c.slug = ? AND c.owner_id IS NULL`,
		oldSource, source, time.Now(), ownerSlug, slug)
	if res.Error != nil {
		return false, fmt.Errorf("owner of campaign %s: %w", slug, translate(res.Error))
	}
	return res.RowsAffected == 1, nil
}

// SetSeededWebsite gives the organization with the slug its website, if it has none, and
// replaces its source with source if it is still oldSource. It reports whether it changed it.
func (w *Writer) SetSeededWebsite(slug, website, oldSource, source string) (bool, error) {
	res := w.tx.Exec(`UPDATE organizations SET website = ?,
		    source = CASE WHEN source = ? THEN ? ELSE source END, updated_at = ?
		WHERE slug = ? AND website IS NULL`,
		website, oldSource, source, time.Now(), slug)
	if res.Error != nil {
		return false, fmt.Errorf("website of organization %s: %w", slug, translate(res.Error))
	}
	return res.RowsAffected == 1, nil
}

// AddTranslations inserts translations in one statement, keeping any that a record already
// has in the same field and language: a partner's translation wins over a seed's.
func (w *Writer) AddTranslations(ts []models.Translation) error {
	if len(ts) == 0 {
		return nil
	}
	if err := w.tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&ts).Error; err != nil {
		return fmt.Errorf("insert %d translations: %w", len(ts), translate(err))
	}
	return nil
}
