package dbtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Snapshot returns every row of every table of the database at url, each table as one JSON
// text in a fixed order, so that two snapshots are equal exactly when no row changed. Tests
// use it to prove that a refused request wrote nothing.
func Snapshot(t testing.TB, url string) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("snapshot: connect: %v", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		t.Fatalf("snapshot: list tables: %v", err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("snapshot: list tables: %v", err)
	}
	out := make(map[string]string, len(tables))
	for _, table := range tables {
		var dump string
		q := `SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]')::text FROM ` + pgx.Identifier{table}.Sanitize() + ` t`
		if err := conn.QueryRow(ctx, q).Scan(&dump); err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		out[table] = dump
	}
	return out
}

// AuditRow is one entry of the audit log, as tests read it.
type AuditRow struct {
	Action, EntityType, EntityID string
	KeyID                        int64
	Before, After                map[string]any
}

// AuditLog returns the audit log of the database at url, oldest first.
func AuditLog(t testing.TB, url string) []AuditRow {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("audit log: connect: %v", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT action, entity_type, entity_id, coalesce(api_key_id, 0), before, after FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatalf("read audit log: %v", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditRow, error) {
		var a AuditRow
		return a, r.Scan(&a.Action, &a.EntityType, &a.EntityID, &a.KeyID, &a.Before, &a.After)
	})
	if err != nil {
		t.Fatalf("read audit log: %v", err)
	}
	return out
}
