// Package auth identifies callers by API key and holds the access rules. A caller is an
// organization acting through a key with a role; a request without a key is anonymous and
// reads published, public data only.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"campaigns/internal/problem"
)

// Errors of access, which the error presenter answers with their codes.
var (
	// ErrUnauthenticated is a key that is malformed, unknown or revoked, or a write without one.
	ErrUnauthenticated error = problem.New(problem.Unauthenticated, "unauthenticated")
	// ErrForbidden is a caller acting beyond its role or its organization's records.
	ErrForbidden error = problem.New(problem.Forbidden, "forbidden")
)

// Roles, from least to most.
const (
	RoleViewer   = "VIEWER"
	RoleEditor   = "EDITOR"
	RoleAdmin    = "ADMIN"
	RolePlatform = "PLATFORM"
)

var rank = map[string]int{RoleViewer: 1, RoleEditor: 2, RoleAdmin: 3, RolePlatform: 4}

// ValidRole reports whether role is one of the roles.
func ValidRole(role string) bool { return rank[role] > 0 }

// Caller is who is calling. The zero Caller is anonymous.
type Caller struct {
	KeyID  int64
	OrgID  int64
	Role   string
	Prefix string
}

// Anonymous reports whether the caller sent no key.
func (c Caller) Anonymous() bool { return c.KeyID == 0 }

// AtLeast reports whether the caller's role is role or above it.
func (c Caller) AtLeast(role string) bool { return !c.Anonymous() && rank[c.Role] >= rank[role] }

type ctxKey struct{}

// With returns a context carrying the caller.
func With(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// FromContext returns the request's caller; anonymous when there is none.
func FromContext(ctx context.Context) Caller {
	c, _ := ctx.Value(ctxKey{}).(Caller)
	return c
}

// keyPrefix starts every key, so that a leaked key is recognisable by secret scanners.
const keyPrefix = "cpk_"

// NewKey returns a new secret key, its hash to store and a prefix to show. The secret has
// 256 bits of randomness, so a plain SHA-256 is a safe way to store it: there is nothing
// to guess that a slow hash would protect.
func NewKey() (secret string, hash []byte, prefix string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	secret = keyPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, Hash(secret), secret[:len(keyPrefix)+6]
}

// Hash returns the stored form of a key.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// WellFormed reports whether a secret has the shape NewKey gives, so that a malformed key
// is refused before any lookup.
func WellFormed(secret string) bool {
	rest, ok := strings.CutPrefix(secret, keyPrefix)
	if !ok || len(rest) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}
