package store_test

import (
	"context"
	"errors"
	"testing"

	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestSeedOnceRunsEachVersionOnce loads a version, skips it the second time, and rolls back
// a load that fails, leaving its version free to run again.
func TestSeedOnceRunsEachVersionOnce(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	var inserted *models.Country
	load := func(w *store.Writer) error {
		inserted = &models.Country{Code: "MM", Name: "Myanmar"}
		return w.Insert(inserted)
	}
	for i, want := range []bool{true, false} {
		ran, err := st.SeedOnce(ctx, "v1", load)
		if err != nil || ran != want {
			t.Errorf("SeedOnce call %d: ran %t, %v; want ran %t", i+1, ran, err, want)
		}
	}
	if got, _ := st.CountriesByCode(ctx, []string{"MM"}); len(got) != 1 {
		t.Errorf("countries after seeding: %v", got)
	}
	failing := func(w *store.Writer) error {
		if err := w.Insert(&models.Country{Code: "TH", Name: "Thailand"}); err != nil {
			return err
		}
		return w.Insert(&models.Country{Code: "MM", Name: "again"})
	}
	if ran, err := st.SeedOnce(ctx, "v2", failing); err == nil || ran {
		t.Errorf("a failing load: ran %t, %v", ran, err)
	}
	if got, _ := st.CountriesByCode(ctx, []string{"TH"}); len(got) != 0 {
		t.Error("a failed load left a country behind")
	}
	boom := errors.New("boom")
	if _, err := st.SeedOnce(ctx, "v2", func(*store.Writer) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("the failed version could not run again: %v", err)
	}
	if ran, err := st.SeedOnce(ctx, "v2", func(w *store.Writer) error { return nil }); err != nil || !ran {
		t.Errorf("after two failures, v2: ran %t, %v", ran, err)
	}
}
