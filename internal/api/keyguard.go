package api

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"campaigns/internal/auth"
	"campaigns/internal/limits"
	"campaigns/internal/metrics"
	"campaigns/internal/problem"
	"campaigns/internal/store"
)

// FailedKeysPerWindow is how many refused API keys one client address may have looked up
// per rate-limit window; past it, its keys are checked against the instance's copy of the
// live keys instead (see guardKeys).
const FailedKeysPerWindow = 100

// KeyringReload is the least time between two reads of the live keys into an instance's
// copy. A guessed key from an address past its allowance waits for the next read begun after
// it arrived, so such guesses cost the database one small statement per KeyringReload
// whatever their number, and each waits up to that long for its 429.
const KeyringReload = time.Second

// guardKeys stops a flood of guessed or revoked API keys without locking out the partners
// who share the flooding address (a NAT, an office, a mobile carrier's gateway). Each refused
// key (401) is charged to the client's address. While the address has allowance left, its
// keys are looked up as usual. Once it has spent it, a key goes on to the usual lookup only if
// it is in the keyring, the instance's copy of the live keys, read again when a key is not in
// it (at most once per KeyringReload): a working key from that address is therefore served as
// always, on its own key's budget, and anything else is answered 429, charged to the address,
// with no statement of its own. It is off when anonymous rate limits are off.
//
// That a key works can still be learnt by trying it, as with any credential; what keeps that
// from being useful is that a key has 256 random bits, so its hash needs no slow function
// (auth.NewKey), and that every guess past the allowance waits for a reload.
func (s *shield) guardKeys(next http.Handler) http.Handler {
	if s.failedKeys == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			next.ServeHTTP(w, r)
			return
		}
		addr := s.keyAddress(r)
		allowed, d, err := s.keyAllowed(r.Context(), addr, bearer(header))
		switch {
		case err != nil:
			refuseCode(w, r, http.StatusServiceUnavailable, problem.ServiceUnavailable, "cannot check the API key now; try again shortly")
			return
		case !allowed:
			w.Header().Set("Retry-After", retryAfter(d))
			refuseCode(w, r, http.StatusTooManyRequests, problem.RateLimited, fmt.Sprintf(
				"too many refused API keys from this address, and this one is not a working key; retry after %s seconds", retryAfter(d)))
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		if sw.status == http.StatusUnauthorized {
			s.keyRefused(addr, bearer(header))
		}
	})
}

// keyAddress is the client address that refused keys are charged to.
func (s *shield) keyAddress(r *http.Request) string {
	return limits.ClientKey(limits.ClientAddress(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), s.cfg.TrustedProxies))
}

// keyAllowed reports whether a key from addr may go on to the usual lookup: always while the
// address has allowance left, and past it only if the keyring holds the key. A refusal is
// charged to the address, and d says when it has allowance again.
func (s *shield) keyAllowed(ctx context.Context, addr, secret string) (bool, limits.Decision, error) {
	if s.failedKeys == nil {
		return true, limits.Decision{}, nil
	}
	arrived := s.now()
	d := s.failedKeys.Charge(addr, 0, arrived)
	if d.Remaining >= 1 {
		return true, d, nil
	}
	live, err := s.ring.holds(ctx, secret, arrived)
	if err != nil || live {
		return live, d, err
	}
	d = s.failedKeys.Charge(addr, 1, s.now())
	metrics.RateLimited.WithLabelValues("refused_keys").Inc()
	return false, d, nil
}

// keyRefused charges a key the lookup refused to addr. A key the keyring holds but the
// lookup refused was revoked since the last read, so the keyring forgets it.
func (s *shield) keyRefused(addr, secret string) {
	if s.failedKeys == nil {
		return
	}
	s.failedKeys.Charge(addr, 1, s.now())
	s.ring.forget(secret)
}

// bearer returns the secret of `Bearer <secret>`, or "" when header is not of that form.
func bearer(header string) string {
	scheme, secret, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(secret)
}

// keyring is an instance's copy of the live API keys: for each key, the prefix it is shown by
// (not secret: key lists show it) and the hash of its secret. A key is found by its prefix and
// then its hash compared in constant time, so the time an answer takes says nothing of the
// stored hashes beyond whether a prefix exists.
type keyring struct {
	// load reads the live keys; nil holds none (every key is then refused past the allowance).
	load  func(context.Context) ([]store.LiveKey, error)
	every time.Duration
	now   func() time.Time

	mu      sync.Mutex
	live    map[string][][]byte // hashes by prefix
	lengths map[int]bool        // the lengths of the prefixes held
	// loadedAt is when the read that filled live began; zero before the first.
	loadedAt time.Time
	// started is when the last read began; a read under way closes loading when it ends.
	started time.Time
	loading chan struct{}
	failed  error // the error of the last read, nil when it worked
}

// holds reports whether secret is a key that was live at a read of the keys begun no earlier
// than since, reading them again if need be, at most once per k.every for all callers.
func (k *keyring) holds(ctx context.Context, secret string, since time.Time) (bool, error) {
	if k == nil || k.load == nil || !auth.WellFormed(secret) {
		return false, nil
	}
	hash := auth.Hash(secret)
	waited := false
	for {
		k.mu.Lock()
		if k.has(secret, hash) {
			k.mu.Unlock()
			return true, nil
		}
		if !k.loadedAt.IsZero() && !k.loadedAt.Before(since) {
			k.mu.Unlock()
			return false, nil
		}
		if ch := k.loading; ch != nil {
			k.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				return false, ctx.Err()
			}
			k.mu.Lock()
			err := k.failed
			k.mu.Unlock()
			if err != nil {
				return false, err
			}
			continue
		}
		if wait := k.started.Add(k.every).Sub(k.now()); !waited && !k.started.IsZero() && wait > 0 {
			k.mu.Unlock()
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return false, ctx.Err()
			}
			waited = true
			continue
		}
		if err := k.reload(ctx); err != nil {
			return false, err
		}
	}
}

// reload reads the keys; it is called with k.mu held, and returns with it released.
func (k *keyring) reload(ctx context.Context) error {
	ch := make(chan struct{})
	start := k.now()
	k.loading, k.started = ch, start
	k.mu.Unlock()
	// The read serves every caller waiting on it, so one caller's cancelled request does not
	// cancel it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	keys, err := k.load(ctx)
	cancel()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.failed = err
	if err == nil {
		k.live, k.lengths, k.loadedAt = map[string][][]byte{}, map[int]bool{}, start
		for _, key := range keys {
			k.live[key.Prefix] = append(k.live[key.Prefix], key.Hash)
			k.lengths[len(key.Prefix)] = true
		}
	}
	k.loading = nil
	close(ch)
	return err
}

// has reports whether the keyring holds secret, whose hash is given; k.mu is held.
func (k *keyring) has(secret string, hash []byte) bool {
	found := 0
	for n := range k.lengths {
		if n > len(secret) {
			continue
		}
		for _, h := range k.live[secret[:n]] {
			found |= subtle.ConstantTimeCompare(h, hash)
		}
	}
	return found == 1
}

// forget drops secret from the keyring, when the lookup found it revoked.
func (k *keyring) forget(secret string) {
	if k == nil || !auth.WellFormed(secret) {
		return
	}
	hash := auth.Hash(secret)
	k.mu.Lock()
	defer k.mu.Unlock()
	for n := range k.lengths {
		if n > len(secret) {
			continue
		}
		p := secret[:n]
		hs := k.live[p][:0:0]
		for _, h := range k.live[p] {
			if subtle.ConstantTimeCompare(h, hash) == 0 {
				hs = append(hs, h)
			}
		}
		k.live[p] = hs
	}
}
