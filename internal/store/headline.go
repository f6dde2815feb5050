package store

import (
	"context"
	"fmt"

	"campaigns/models"
)

// headlinePeriodEnd is the last day a period's end covers at its precision: an end known to the year
// runs to the year's last day, so that "2013" comes after "2013-06-30".
const headlinePeriodEnd = `CASE p.end_precision
	WHEN 'YEAR' THEN (p.period_end + interval '1 year' - interval '1 day')::date
	WHEN 'MONTH' THEN (p.period_end + interval '1 month' - interval '1 day')::date
	ELSE p.period_end END`

// HeadlineFigures returns, for each campaign, each of its indicators with its latest reported
// period: the one whose end is latest among those with an actual value or, where the source
// gives only words, a note. Indicators with no such period are left out; the rest come in the
// order they were recorded. One statement for all the campaigns. It does not check that the
// caller may read the campaigns: the figures are read through the campaign, as its
// indicators are.
func (s *Store) HeadlineFigures(ctx context.Context, campaignIDs []int64) (map[int64][]*models.HeadlineFigure, error) {
	var rows []*models.HeadlineFigure
	err := queryRows(ctx, s.db, `SELECT i.id, i.campaign_id, i.code, i.name, i.description, i.unit, i.created_at,
		       i.original_language, i.result_id, i.measure, i.ascending, i.baseline_year, i.baseline_value, i.baseline_comment,
		       p.id, p.indicator_id, p.period_start, p.start_precision, p.period_end, p.end_precision, p.baseline, p.target,
		       p.actual, p.actual_comparator, p.note, p.source, p.created_at
		  FROM indicators i
		  JOIN LATERAL (SELECT p.* FROM indicator_periods p
		                 WHERE p.indicator_id = i.id AND (p.actual IS NOT NULL OR p.note IS NOT NULL)
		                 ORDER BY `+headlinePeriodEnd+` DESC, p.period_start DESC, p.id DESC LIMIT 1) p ON TRUE
		 WHERE i.campaign_id = ANY(?::bigint[])
		 ORDER BY i.campaign_id, i.id`, []any{idList(campaignIDs)}, func(r rowScanner) error {
		h := &models.HeadlineFigure{Indicator: &models.Indicator{}, Period: &models.IndicatorPeriod{}}
		i, p := h.Indicator, h.Period
		if err := r.Scan(&i.ID, &i.CampaignID, &i.Code, &i.Name, &i.Description, &i.Unit, &i.CreatedAt,
			&i.OriginalLanguage, &i.ResultID, &i.Measure, &i.Ascending, &i.BaselineYear, &i.BaselineValue, &i.BaselineComment,
			&p.ID, &p.IndicatorID, &p.PeriodStart, &p.StartPrecision, &p.PeriodEnd, &p.EndPrecision, &p.Baseline, &p.Target,
			&p.Actual, &p.ActualComparator, &p.Note, &p.Source, &p.CreatedAt); err != nil {
			return err
		}
		rows = append(rows, h)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("headline figures of %d campaigns: %w", len(campaignIDs), translate(err))
	}
	return groupBy(campaignIDs, rows, func(h *models.HeadlineFigure) int64 { return h.Indicator.CampaignID }), nil
}
