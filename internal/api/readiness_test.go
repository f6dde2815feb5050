package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"campaigns/internal/api"
	"campaigns/internal/dbtest"
	"campaigns/internal/store"
)

// TestReadyzWaitsForMigrations serves a database whose migrations have not run: the
// process is healthy but not ready until they have.
func TestReadyzWaitsForMigrations(t *testing.T) {
	t.Parallel()
	st, err := store.Open(t.Context(), dbtest.EmptyURL(t), store.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	h := api.New(st, api.Options{})
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: %d %s", code, body)
	}
	if code, body := get("/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "migrations pending") {
		t.Errorf("/readyz before migrating: %d %s, want 503 migrations pending", code, body)
	}
	if _, err := st.MigrateUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz after migrating: %d %s, want 200", code, body)
	}
}
