package store_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"campaigns/internal/dbtest"
	"campaigns/internal/store"
	"campaigns/migrations"
)

// TestMigrations reads the status of a migrated database, rolls the latest migration back
// and applies it again, and refuses to roll back a database with none applied.
func TestMigrations(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	ctx := context.Background()
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v, %v", files, err)
	}
	status := func() []string {
		t.Helper()
		var b strings.Builder
		if err := st.MigrationStatus(ctx, &b); err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(b.String()), "\n")
	}
	lines := status()
	if len(lines) != len(files) {
		t.Fatalf("status has %d lines for %d migrations:\n%s", len(lines), len(files), strings.Join(lines, "\n"))
	}
	for i, l := range lines {
		if !strings.Contains(l, files[i]) || !strings.Contains(l, " applied ") {
			t.Errorf("status line %d = %q, want %s applied", i, l, files[i])
		}
	}
	if ok, err := st.MigrationsCurrent(ctx); err != nil || !ok {
		t.Errorf("MigrationsCurrent of a migrated database = %t, %v", ok, err)
	}
	if n, err := st.MigrateUp(ctx); err != nil || n != 0 {
		t.Errorf("MigrateUp of a migrated database applied %d, %v", n, err)
	}
	if err := st.MigrateDown(ctx); err != nil {
		t.Fatal(err)
	}
	if l := status(); !strings.HasSuffix(l[len(l)-1], "pending") || !strings.Contains(l[len(l)-2], " applied ") {
		t.Errorf("after a rollback, the last two lines:\n%s", strings.Join(l[len(l)-2:], "\n"))
	}
	if ok, err := st.MigrationsCurrent(ctx); err != nil || ok {
		t.Errorf("MigrationsCurrent after a rollback = %t, %v", ok, err)
	}
	if n, err := st.MigrateUp(ctx); err != nil || n != 1 {
		t.Errorf("MigrateUp after a rollback applied %d, %v; want 1", n, err)
	}

	empty, err := store.Open(ctx, dbtest.EmptyURL(t), store.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = empty.Close() })
	if err := empty.MigrateDown(ctx); err == nil || !strings.Contains(err.Error(), "nothing to roll back") {
		t.Errorf("MigrateDown of an empty database: %v", err)
	}
	if ok, err := empty.MigrationsCurrent(ctx); err != nil || ok {
		t.Errorf("MigrationsCurrent of an empty database = %t, %v", ok, err)
	}
}
