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

// TestDrainingServesAndClosesConnections: once the server drains, /readyz answers 503 and
// every request is still served, each answer ending its connection cleanly (Connection:
// close), so that a client's next request never races the server closing an idle one.
func TestDrainingServesAndClosesConnections(t *testing.T) {
	t.Parallel()
	rd := new(api.Readiness)
	srv := httptest.NewServer(api.New(dbtest.New(t), api.Options{Readiness: rd}))
	t.Cleanup(srv.Close)
	hc := srv.Client()
	post := func() *http.Response {
		t.Helper()
		res, err := hc.Post(srv.URL+"/query", "application/json", strings.NewReader(`{"query":"{ campaigns { totalCount } }"}`))
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		return res
	}
	if res := post(); res.StatusCode != http.StatusOK || res.Close {
		t.Fatalf("before draining: status %d, close %t; want 200 on a kept-alive connection", res.StatusCode, res.Close)
	}
	rd.Drain()
	for range 3 {
		if res := post(); res.StatusCode != http.StatusOK || !res.Close {
			t.Errorf("draining: status %d, Connection: close %t; want 200 with Connection: close", res.StatusCode, res.Close)
		}
	}
	res, err := hc.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz while draining: %d, want 503", res.StatusCode)
	}
}
