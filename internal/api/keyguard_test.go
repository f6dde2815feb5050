package api_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/limits"
)

// guessedKey returns a well-formed key that no one was issued.
func guessedKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "cpk_" + base64.RawURLEncoding.EncodeToString(b)
}

// TestRefusedKeysNeverLockOutAWorkingKey floods one address (a NAT that a partner shares with
// an attacker) with refused keys: past the allowance its guesses are refused with 429, while
// the partner's working keys from the same address are served on their own budget, a key
// made after the flood began included, and a key revoked during it stops working. Requests
// with working keys are never counted against their address, and another address is
// unaffected. The window is a day long, so nothing refills while the test runs.
func TestRefusedKeysNeverLockOutAWorkingKey(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	good := apitest.Key(t, st, "org-a", "VIEWER")
	soonRevoked := apitest.Key(t, st, "org-a", "EDITOR")
	cfg := limits.Defaults()
	cfg.Window = 24 * time.Hour
	h := api.New(st, api.Options{Limits: cfg})
	type answer struct {
		status     int
		retryAfter string
		code       string
		keyBudget  int
	}
	send := func(authorization, addr string) answer {
		t.Helper()
		r := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(`{"query":"{ __typename }"}`))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", authorization)
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var body struct{ Errors []apitest.Error }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("not a JSON answer (status %d): %s", w.Code, w.Body)
		}
		a := answer{status: w.Code, retryAfter: w.Header().Get("Retry-After")}
		a.keyBudget, _ = strconv.Atoi(w.Header().Get("RateLimit-Limit"))
		if len(body.Errors) > 0 {
			a.code = body.Errors[0].Code()
		}
		return a
	}
	const nat, elsewhere, office = "203.0.113.9:5000", "192.0.2.44:6000", "198.51.100.7:4000"
	works := func(key, why string) {
		t.Helper()
		if a := send("Bearer "+key, nat); a.status != http.StatusOK || a.keyBudget != cfg.KeyPoints {
			t.Fatalf("%s from the flooded address: %+v, want 200 on the key's own budget of %d", why, a, cfg.KeyPoints)
		}
	}
	refused := func(authorization, why string) {
		t.Helper()
		a := send(authorization, nat)
		if s, err := strconv.Atoi(a.retryAfter); a.status != http.StatusTooManyRequests || a.code != limits.CodeRateLimited || err != nil || s < 1 {
			t.Fatalf("%s past the allowance: %+v, want 429 %s with Retry-After", why, a, limits.CodeRateLimited)
		}
	}

	// Working keys are not counted against their address: after many, the address still has
	// its whole allowance of refused keys.
	for i := range 2 * api.FailedKeysPerWindow {
		if a := send("Bearer "+good, office); a.status != http.StatusOK {
			t.Fatalf("working key request %d: %+v", i, a)
		}
	}
	for i := range api.FailedKeysPerWindow {
		if a := send("Bearer "+guessedKey(), office); a.status != http.StatusUnauthorized {
			t.Fatalf("refused key %d from an address of working keys: %+v, want 401", i, a)
		}
	}

	for i := range api.FailedKeysPerWindow {
		if a := send("Bearer "+guessedKey(), nat); a.status != http.StatusUnauthorized {
			t.Fatalf("refused key %d: %+v, want 401", i, a)
		}
	}
	refused("Bearer "+guessedKey(), "a guessed key")
	works(good, "a working key")
	works(soonRevoked, "another working key")
	refused("Bearer "+guessedKey(), "a guessed key after a working one")
	works(apitest.Key(t, st, "org-b", "VIEWER"), "a key made after the flood began")
	refused("Bearer not-a-key", "a malformed key")

	if _, err := st.RevokeAPIKeyByPrefix(context.Background(), soonRevoked[:10]); err != nil {
		t.Fatal(err)
	}
	if a := send("Bearer "+soonRevoked, nat); a.status != http.StatusUnauthorized && a.status != http.StatusTooManyRequests {
		t.Fatalf("a revoked key: %+v, want 401 or 429", a)
	}
	refused("Bearer "+soonRevoked, "a revoked key, once refused")
	works(good, "the working key, still")

	if a := send("Bearer "+guessedKey(), elsewhere); a.status != http.StatusUnauthorized {
		t.Errorf("a guessed key from another address: %+v, want 401", a)
	}
}

// TestInitPayloadKeysAreGuarded sends guessed keys in websockets' init payloads, where
// browsers put them: they are charged to the address like keys in headers, and past the
// allowance a guess is closed with 4429 without a lookup, while a working key still connects.
func TestInitPayloadKeysAreGuarded(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	good := apitest.Key(t, st, "org-a", "VIEWER")
	cfg := limits.Defaults()
	cfg.Window = 24 * time.Hour
	srv := httptest.NewServer(api.New(st, api.Options{Limits: cfg}))
	t.Cleanup(srv.Close)
	// connect opens a graphql-transport-ws connection with key in its init payload and returns
	// the close code it gets, or 0 when the server acknowledges the connection.
	connect := func(key string) websocket.StatusCode {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/query",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		init, _ := json.Marshal(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + key}})
		if err := c.Write(ctx, websocket.MessageText, init); err != nil {
			t.Fatal(err)
		}
		_, msg, err := c.Read(ctx)
		if err != nil {
			return websocket.CloseStatus(err)
		}
		if !strings.Contains(string(msg), "connection_ack") {
			t.Fatalf("answered %s", msg)
		}
		return 0
	}
	for i := range api.FailedKeysPerWindow {
		if code := connect(guessedKey()); code != 4403 {
			t.Fatalf("guess %d closed with %d, want 4403", i+1, code)
		}
	}
	if code := connect(guessedKey()); code != 4429 {
		t.Errorf("a guess past the allowance closed with %d, want 4429", code)
	}
	if code := connect(good); code != 0 {
		t.Errorf("a working key from the same address closed with %d, want it to connect", code)
	}
}
