package store_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"campaigns/internal/dbtest"
	"campaigns/internal/pgbouncertest"
	"campaigns/internal/store"
	"campaigns/models"
)

// TestPooled opens a store through PgBouncer in transaction pooling mode, with a pool of 2
// server connections under 8 of the store's: statements run from every connection at once
// (none is prepared by name, which another server connection would not know), the
// migrations take their lock on the direct connection, Listen hears a change written
// through the pool, and Open warns that STATEMENT_TIMEOUT is not PostgreSQL's own.
func TestPooled(t *testing.T) {
	_, direct := dbtest.NewWithURL(t)
	pgb := pgbouncertest.Start(t, direct, pgbouncertest.Options{PoolSize: 2})
	var logged bytes.Buffer
	ctx := context.Background()
	st, err := store.Open(ctx, pgb.URL(direct), store.Options{MaxOpenConns: 8, Pooled: true, DirectURL: direct,
		StatementTimeout: 5 * time.Second, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if err != nil {
		t.Fatalf("open through pgbouncer: %v\n%s", err, pgb.Log())
	}
	t.Cleanup(func() { _ = st.Close() })
	if !strings.Contains(logged.String(), "statement_timeout") {
		t.Errorf("no warning that the server's statement_timeout is not STATEMENT_TIMEOUT:\n%s", logged.String())
	}

	if _, err := st.MigrateUp(ctx); err != nil {
		t.Fatalf("migrate through the direct connection: %v", err)
	}
	l, err := st.Listen(ctx)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { _ = l.Close(context.Background()) })

	if _, err := st.SeedOnce(ctx, "org-pooled", func(w *store.Writer) error {
		return w.Insert(&models.Organization{Slug: "pooled", Name: "Pooled", Kind: "CIVIL_SOCIETY"})
	}); err != nil {
		t.Fatalf("write through the pool: %v", err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if n, err := l.Next(waitCtx); err != nil || n.Type != "Organization" {
		t.Fatalf("the direct listener heard %+v, %v; want the organization written through the pool", n, err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for range 5 {
				if o, err := st.OrganizationBySlug(ctx, "pooled"); err != nil || o.Name != "Pooled" {
					errs <- fmt.Errorf("%+v, %w", o, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a read through the pool: %v", err)
	}
}
