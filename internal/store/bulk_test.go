package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/dbtest"
	"campaigns/internal/store"
)

// TestBulkLoadCopiesInOneTransaction copies countries and organizations with COPY, moves the
// id sequence past the copied ids, and checks that a failing load leaves nothing behind.
func TestBulkLoadCopiesInOneTransaction(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	rowsOf := func(rows [][]any) func() ([]any, error) {
		i := 0
		return func() ([]any, error) {
			if i == len(rows) {
				return nil, nil
			}
			i++
			return rows[i-1], nil
		}
	}
	var maxBefore int64
	var present []string
	err := st.BulkLoad(ctx, func(b *store.Bulk) error {
		n, err := b.Copy("countries", []string{"code", "name", "aliases", "asean_member"}, rowsOf([][]any{
			{"MM", "Myanmar", []string{"Burma"}, true}, {"TH", "Thailand", []string{}, true},
		}))
		if err != nil || n != 2 {
			return errors.Join(err, errors.New("copied a wrong number of countries"))
		}
		if maxBefore, err = b.MaxID("organizations"); err != nil {
			return err
		}
		if _, err := b.Copy("organizations", []string{"id", "slug", "name", "kind", "source"}, rowsOf([][]any{
			{int64(41), "a", "A", "MEDIA", "fact sheet"}, {int64(42), "b", "B", "MEDIA", "fact sheet; owner: a"},
		})); err != nil {
			return err
		}
		if err := b.SyncIdentity("organizations"); err != nil {
			return err
		}
		if present, err = b.CountryCodes([]string{"TH", "US", "MM"}); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if maxBefore != 0 || cmp.Diff([]string{"MM", "TH"}, present) != "" {
		t.Errorf("MaxID of an empty table = %d; CountryCodes = %v", maxBefore, present)
	}
	got, err := st.CountriesByCode(ctx, []string{"MM", "TH"})
	if err != nil || len(got) != 2 || cmp.Diff([]string{"Burma"}, []string(got["MM"].AliasList)) != "" {
		t.Errorf("copied countries = %v, %v", got, err)
	}
	// The next organization the API creates takes the id after the copied ones.
	c := callerOf(t, st, "after-copy", "VIEWER")
	if c.OrgID != 43 {
		t.Errorf("the first organization after the copy has id %d, want 43", c.OrgID)
	}

	err = st.BulkLoad(ctx, func(b *store.Bulk) error {
		if _, err := b.Copy("countries", []string{"code", "name", "aliases", "asean_member"}, rowsOf([][]any{{"SG", "Singapore", []string{}, true}})); err != nil {
			return err
		}
		_, err := b.Copy("countries", []string{"code", "name", "aliases", "asean_member"}, rowsOf([][]any{{"MM", "again", []string{}, true}}))
		return err
	})
	if err == nil {
		t.Error("copying a country twice succeeded")
	}
	if got, _ := st.CountriesByCode(ctx, []string{"SG"}); len(got) != 0 {
		t.Error("a failed load left a country behind")
	}
	err = st.BulkLoad(ctx, func(b *store.Bulk) error {
		n, err := b.CampaignsNotFrom("fact sheet")
		if n != 0 || err != nil {
			t.Errorf("CampaignsNotFrom with no campaigns = %d, %v", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.VacuumAnalyze(ctx, "countries", "organizations"); err != nil {
		t.Errorf("VacuumAnalyze: %v", err)
	}
	if err := st.VacuumAnalyze(ctx, "no_such_table"); err == nil {
		t.Error("VacuumAnalyze of a missing table succeeded")
	}
}
