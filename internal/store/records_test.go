package store_test

import (
	"context"
	"reflect"
	"testing"

	"campaigns/internal/dbtest"
)

// TestRecordsByIDEqualsEachTypesOwnLookup checks the one-statement lookup of nodes(ids:)
// against the lookups by type, field by field, with an ID of each type that has no record.
func TestRecordsByIDEqualsEachTypesOwnLookup(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	ctx := context.Background()
	ids := func(n int64) []int64 {
		out := []int64{987654321}
		for i := int64(1); i <= n; i++ {
			out = append(out, i)
		}
		return out
	}
	cs, os, ns := ids(10), ids(20), ids(10)
	got, err := st.RecordsByID(ctx, cs, os, ns)
	if err != nil {
		t.Fatal(err)
	}
	wantC, err := st.CampaignsByID(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	wantO, err := st.OrganizationsByID(ctx, os)
	if err != nil {
		t.Fatal(err)
	}
	wantN, err := st.NetworksByID(ctx, ns)
	if err != nil {
		t.Fatal(err)
	}
	if len(wantC) == 0 || len(wantO) == 0 || len(wantN) == 0 {
		t.Fatalf("the seed has %d campaigns, %d organizations and %d networks among the IDs", len(wantC), len(wantO), len(wantN))
	}
	for name, pair := range map[string][2]any{
		"campaigns":     {got.Campaigns, wantC},
		"organizations": {got.Organizations, wantO},
		"networks":      {got.Networks, wantN},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, pair[0], pair[1])
		}
	}
}
