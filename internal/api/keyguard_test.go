package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
)

// TestAFloodOfBadKeysIsCutOff sends more refused API keys from one address than it may: past
// the allowance the address gets 429 without a lookup, another address is unaffected, and
// requests with a working key are never counted against their address.
func TestAFloodOfBadKeysIsCutOff(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	good := apitest.Key(t, st, "org-a", "VIEWER")
	h := api.New(st, api.Options{Limits: limits.Defaults()})
	send := func(key, addr string) int {
		r := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(`{"query":"{ __typename }"}`))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+key)
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	bad := "cpk_" + strings.Repeat("A", 43)
	for i := range 2 * api.FailedKeysPerWindow {
		if code := send(good, "198.51.100.7:4000"); code != http.StatusOK {
			t.Fatalf("good key request %d: status %d", i, code)
		}
	}
	for i := range api.FailedKeysPerWindow {
		if code := send(bad, "203.0.113.9:5000"); code != http.StatusUnauthorized {
			t.Fatalf("bad key %d: status %d, want 401", i, code)
		}
	}
	if code := send(bad, "203.0.113.9:5000"); code != http.StatusTooManyRequests {
		t.Errorf("bad key past the allowance: status %d, want 429", code)
	}
	if code := send(bad, "192.0.2.44:6000"); code != http.StatusUnauthorized {
		t.Errorf("bad key from another address: status %d, want 401", code)
	}
	if code := send(good, "198.51.100.7:4000"); code != http.StatusOK {
		t.Errorf("good key after the flood from another address: status %d, want 200", code)
	}
}
