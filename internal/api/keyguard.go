package api

import (
	"fmt"
	"net/http"

	"campaigns/internal/limits"
	"campaigns/internal/metrics"
	"campaigns/internal/reqid"
)

// FailedKeysPerWindow is how many refused API keys one client address may send per
// rate-limit window before its requests with keys are refused unread.
const FailedKeysPerWindow = 100

// guardKeys stops a flood of guessed or revoked API keys: each refused key (HTTP 401) is
// charged to the client's address, and an address that has spent its allowance gets 429
// before its key is looked up, so the flood costs the database nothing. Requests whose keys
// work are never charged here. It is off when anonymous rate limits are off.
func (s *shield) guardKeys(next http.Handler) http.Handler {
	if s.failedKeys == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			next.ServeHTTP(w, r)
			return
		}
		addr := limits.ClientKey(limits.ClientAddress(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), s.cfg.TrustedProxies))
		if d := s.failedKeys.Charge(addr, 0, s.now()); d.Remaining < 1 {
			metrics.RateLimited.WithLabelValues("refused_keys").Inc()
			w.Header().Set("Retry-After", retryAfter(d))
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"errors": []map[string]any{{
				"message":    fmt.Sprintf("too many refused API keys from this address; retry after %s seconds", retryAfter(d)),
				"extensions": map[string]any{"code": limits.CodeRateLimited, "requestId": reqid.From(r.Context())},
			}}})
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		if sw.status == http.StatusUnauthorized {
			s.failedKeys.Charge(addr, 1, s.now())
		}
	})
}
