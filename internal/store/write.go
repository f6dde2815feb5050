package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Writer inserts records inside one transaction; it is handed to a function by a method
// of the store that owns the transaction.
type Writer struct {
	tx *gorm.DB
}

// Insert inserts each record, a pointer to a model, and fills in its generated ID.
func (w *Writer) Insert(records ...any) error {
	for _, r := range records {
		if err := w.tx.Create(r).Error; err != nil {
			return fmt.Errorf("insert %T: %w", r, translate(err))
		}
	}
	return nil
}

// SeedOnce runs load in one transaction unless the seed version has already been loaded,
// and reports whether it ran. Recording the version in the same transaction makes a second
// start, or a second instance starting at the same moment, add nothing.
func (s *Store) SeedOnce(ctx context.Context, version string, load func(w *Writer) error) (bool, error) {
	ran := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec("INSERT INTO seed_versions (version) VALUES (?) ON CONFLICT DO NOTHING", version)
		if res.Error != nil {
			return translate(res.Error)
		}
		if res.RowsAffected == 0 {
			return nil
		}
		ran = true
		return load(&Writer{tx: tx})
	})
	if err != nil {
		return false, fmt.Errorf("seed %s: %w", version, err)
	}
	return ran, nil
}
