package main

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/dbtest"
)

// TestFloorRunsTheStoresStatements sends the statements the floor takes from the store, in
// the form it sends them, to a test database, and checks that each answers with the
// columns the floor scans by name: a store change that renames one fails here, not in a
// load test.
func TestFloorRunsTheStoresStatements(t *testing.T) {
	t.Parallel()
	_, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	ids := []int64{1, 2, 3}
	for _, tc := range []struct {
		name string
		sql  string
		args []any
		cols []string
	}{
		{"records", sqlRecords, []any{[]string{"c", "o", "n"}, ids}, []string{"kind", "c_id", "c_name", "c_status", "o_id", "o_name", "o_kind", "n_id", "n_name", "n_scope"}},
		{"partners", sqlPartners, []any{ids}, []string{"campaign_id", "organization_id", "role", "name"}},
		{"co-hosts", sqlCoHosts, []any{ids}, []string{"id", "name"}},
		{"coordinators", sqlCoordinators, []any{ids}, []string{"id", "name"}},
		{"channels", sqlChannels, []any{ids}, []string{"network_id", "platform", "url"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := conn.Query(ctx, tc.sql, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, fd := range rows.FieldDescriptions() {
				got = append(got, fd.Name)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			for _, c := range tc.cols {
				if !slices.Contains(got, c) {
					t.Errorf("no column %s among %v", c, got)
				}
			}
		})
	}
}
