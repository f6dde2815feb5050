package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"campaigns/internal/dbtest"
	"campaigns/internal/reqid"
	"campaigns/internal/store"
)

// TestOpen opens a database that is missing (created unless told not to), one on a server
// that does not answer, and a malformed URL, and checks what each error tells and hides.
func TestOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	name := "campaigns_open_" + reqid.New()[:12]
	url := dbtest.DatabaseURL(t, name)
	t.Cleanup(func() { dbtest.Drop(t, name) })

	if _, err := store.Open(ctx, url, store.Options{NoCreate: true}); !errors.Is(err, store.ErrNoDatabase) || !strings.Contains(err.Error(), name) {
		t.Errorf("NoCreate on a missing database: %v, want ErrNoDatabase naming it", err)
	}
	st, err := store.Open(ctx, url, store.Options{MaxOpenConns: 3})
	if err != nil {
		t.Fatalf("Open of a missing database did not create it: %v", err)
	}
	if err := st.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if got := st.Where(); !strings.HasPrefix(got, "database "+name+" on ") {
		t.Errorf("Where() = %q", got)
	}
	if got := st.Stats().MaxOpenConnections; got != 3 {
		t.Errorf("the pool holds at most %d connections, want 3", got)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(ctx); err == nil {
		t.Error("Ping after Close succeeded")
	}
	again, err := store.Open(ctx, url, store.Options{NoCreate: true})
	if err != nil {
		t.Fatalf("NoCreate on the database now there: %v", err)
	}
	_ = again.Close()

	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = store.Open(short, "postgres://someone@127.0.0.1:1/nowhere?sslmode=disable&connect_timeout=2", store.Options{})
	if !errors.Is(err, store.ErrUnavailable) || !strings.Contains(err.Error(), "127.0.0.1:1") || !strings.Contains(err.Error(), `"nowhere"`) {
		t.Errorf("Open of a server that does not answer: %v, want ErrUnavailable naming the address and database", err)
	}
	_, err = store.Open(ctx, "postgres://user:hunter2@[bad/x", store.Options{})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open of a malformed URL with a password: %v", err)
	}
}
