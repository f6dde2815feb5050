package store

import (
	"context"
	"fmt"

	"campaigns/models"
)

// Indicators returns the indicators of each campaign, in the order they were recorded.
func (s *Store) Indicators(ctx context.Context, campaignIDs []int64) (map[int64][]*models.Indicator, error) {
	var rows []*models.Indicator
	if err := s.db.WithContext(ctx).Where("campaign_id = ANY(?::bigint[])", idList(campaignIDs)).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("indicators of %d campaigns: %w", len(campaignIDs), translate(err))
	}
	return groupBy(campaignIDs, rows, func(r *models.Indicator) int64 { return r.CampaignID }), nil
}

// IndicatorsByID returns the indicators with the given IDs.
func (s *Store) IndicatorsByID(ctx context.Context, ids []int64) (map[int64]*models.Indicator, error) {
	return byIDs(ctx, s.db, "indicators", ids, func(i *models.Indicator) int64 { return i.ID })
}

// IndicatorPeriods returns the periods of each indicator, oldest first.
func (s *Store) IndicatorPeriods(ctx context.Context, ids []int64) (map[int64][]*models.IndicatorPeriod, error) {
	var rows []*models.IndicatorPeriod
	if err := s.db.WithContext(ctx).Where("indicator_id = ANY(?::bigint[])", idList(ids)).Order("period_start, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("periods of %d indicators: %w", len(ids), translate(err))
	}
	return groupBy(ids, rows, func(r *models.IndicatorPeriod) int64 { return r.IndicatorID }), nil
}
