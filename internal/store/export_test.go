package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"campaigns/internal/page"
)

// ExplainEventsNear returns the plan of EventsNear's page statement, with sequential scans
// turned off so that the plan shows whether the index can serve the search at all: on a
// test's handful of venues the planner would rightly read the whole table instead.
func (s *Store) ExplainEventsNear(ctx context.Context, n Near, f EventFilter) (string, error) {
	sql, args, err := nearList.pageSQL(append(f.conds(), n.cond()), NearOrder, page.Request{Size: 20})
	if err != nil {
		return "", err
	}
	var plan []string
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
			return err
		}
		return tx.Raw("EXPLAIN "+sql, args...).Scan(&plan).Error
	})
	if err != nil {
		return "", fmt.Errorf("explain events near: %w", err)
	}
	return strings.Join(plan, "\n"), nil
}
