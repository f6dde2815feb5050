package store_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/dbtest"
	"campaigns/internal/reqid"
	"campaigns/internal/store"
)

// The write tests share one database: a database of their own costs each test a second to
// clone and two to drop, which for thirty tests on two cores is most of the package's time.
// Each test keeps to records of its own, under organizations and slugs with a prefix of its
// own (campaignWorld), so that no test sees another's rows. Tests that read whole tables, or
// change the schema, still take a database of their own from dbtest.
var shared struct {
	once sync.Once
	name string
	st   *store.Store
	err  error
	// worlds numbers the tests' prefixes.
	worlds atomic.Int64
}

// sharedStore returns the package's shared, migrated database, creating it on first use.
func sharedStore(t *testing.T) *store.Store {
	t.Helper()
	shared.once.Do(func() {
		ctx := context.Background()
		cfg, err := pgx.ParseConfig(dbtest.AdminURL())
		if err != nil {
			shared.err = err
			return
		}
		shared.name = "campaigns_shared_" + reqid.New()[:16]
		url := fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, shared.name)
		if shared.st, shared.err = store.Open(ctx, url, store.Options{MaxOpenConns: 10}); shared.err != nil {
			return
		}
		_, shared.err = shared.st.MigrateUp(ctx)
	})
	if shared.err != nil {
		t.Fatalf("shared test database: %v", shared.err)
	}
	return shared.st
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.st != nil {
		_ = shared.st.Close()
	}
	if shared.name != "" {
		ctx := context.Background()
		if conn, err := pgx.Connect(ctx, dbtest.AdminURL()); err == nil {
			if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+shared.name+" WITH (FORCE)"); err != nil {
				fmt.Fprintf(os.Stderr, "drop %s: %v\n", shared.name, err)
			}
			_ = conn.Close(ctx)
		}
	}
	os.Exit(code)
}
