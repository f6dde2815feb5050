// Package dbtest gives tests a real PostgreSQL database of their own. Each call clones a
// fresh database from a template that has every migration applied, which takes a fraction
// of the time of migrating, so every test starts from the same clean schema.
package dbtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/reqid"
	"campaigns/internal/seed"
	"campaigns/internal/store"
	"campaigns/migrations"
)

// AdminURL is the server that tests use: TEST_DATABASE_URL, or the local PostgreSQL.
func AdminURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// New returns a store on a new, migrated, empty database that is dropped after the test.
func New(t testing.TB) *store.Store {
	t.Helper()
	st, _ := NewWithURL(t)
	return st
}

// Seeded returns a store like New's with the built-in seed data loaded.
func Seeded(t testing.TB) *store.Store {
	t.Helper()
	st := New(t)
	if _, err := seed.Load(context.Background(), st); err != nil {
		t.Fatalf("load seed: %v", err)
	}
	return st
}

// NewWithURL is New that also returns the database's URL, for tests that open their own
// connections (the server command, the schema comparison).
func NewWithURL(t testing.TB) (*store.Store, string) {
	t.Helper()
	share(t) // within the server's max_connections (share.go)
	ctx := context.Background()
	admin := connect(t, AdminURL())
	defer admin.Close(ctx)
	tmpl := ensureTemplate(t, admin)
	name := "campaigns_test_" + reqid.New()[:16]
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl)); err != nil {
		t.Fatalf("clone test database: %v", err)
	}
	t.Cleanup(func() { Drop(t, name) })
	url := DatabaseURL(t, name)
	st, err := store.Open(ctx, url, store.Options{MaxOpenConns: PoolSize})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st, url
}

// DatabaseURL returns the URL of database name on the test server.
func DatabaseURL(t testing.TB, name string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(AdminURL())
	if err != nil {
		t.Fatalf("parse %s: %v", AdminURL(), err)
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
}

// Drop drops database name, closing any connection still open to it.
func Drop(t testing.TB, name string) {
	t.Helper()
	ctx := context.Background()
	admin := connect(t, AdminURL())
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
		t.Errorf("drop test database %s: %v", name, err)
	}
}

func connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect to the test PostgreSQL at %s (set TEST_DATABASE_URL to use another): %v", url, err)
	}
	return conn
}

// ensureTemplate creates the migrated template database once per set of migrations. Test
// packages run in parallel processes, so an advisory lock makes one of them build it.
func ensureTemplate(t testing.TB, admin *pgx.Conn) string {
	t.Helper()
	ctx := context.Background()
	name := "campaigns_template_" + migrationsHash(t)
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(7202611)"); err != nil {
		t.Fatalf("lock template: %v", err)
	}
	defer admin.Exec(ctx, "SELECT pg_advisory_unlock(7202611)")
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&exists); err != nil {
		t.Fatalf("look for template: %v", err)
	}
	if exists {
		return name
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
		t.Fatalf("drop half-built template: %v", err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create template: %v", err)
	}
	st, err := store.Open(ctx, DatabaseURL(t, name), store.Options{MaxOpenConns: 1})
	if err != nil {
		t.Fatalf("open template: %v", err)
	}
	_, err = st.MigrateUp(ctx)
	_ = st.Close()
	if err != nil {
		t.Fatalf("migrate template: %v", err)
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s IS_TEMPLATE true", name)); err != nil {
		t.Fatalf("mark template: %v", err)
	}
	return name
}

// migrationsHash names the template after the migrations' contents, so a changed migration
// gets a new template rather than a stale one.
func migrationsHash(t testing.TB) string {
	t.Helper()
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".sql") {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		t.Fatalf("hash migrations: %v", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// EmptyURL creates a database with no tables at all, dropped after the test, and returns
// its URL: for the test that builds a schema from the models to compare with the migrations.
func EmptyURL(t testing.TB) string {
	t.Helper()
	share(t) // its test opens a store on it (share.go)
	ctx := context.Background()
	admin := connect(t, AdminURL())
	defer admin.Close(ctx)
	name := "campaigns_empty_" + reqid.New()[:16]
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create empty database: %v", err)
	}
	t.Cleanup(func() { Drop(t, name) })
	return DatabaseURL(t, name)
}
