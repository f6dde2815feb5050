package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"campaigns/internal/problem"
	"campaigns/internal/reqid"
)

// Lookup finds the live key with the given hash, recording that it was used; it returns
// ErrUnauthenticated for an unknown or revoked key.
type Lookup func(ctx context.Context, hash []byte) (Caller, error)

// Middleware identifies the caller from `Authorization: Bearer <key>`. No header means an
// anonymous caller; a header that is malformed, or a key that is unknown or revoked, is
// answered 401 UNAUTHENTICATED at once and never treated as anonymous, so that a partner
// whose key stopped working finds out rather than silently seeing less.
func Middleware(lookup Lookup, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			next.ServeHTTP(w, r)
			return
		}
		scheme, secret, ok := strings.Cut(header, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || !WellFormed(strings.TrimSpace(secret)) {
			refuse(w, r, "the Authorization header must be `Bearer <API key>`, with a key this API issued")
			return
		}
		c, err := lookup(r.Context(), Hash(strings.TrimSpace(secret)))
		if errors.Is(err, ErrUnauthenticated) {
			refuse(w, r, "the API key is unknown or revoked")
			return
		}
		if err != nil {
			problem.Write(w, http.StatusServiceUnavailable, reqid.From(r.Context()),
				problem.New(problem.ServiceUnavailable, "cannot check the API key now; try again shortly"))
			return
		}
		next.ServeHTTP(w, r.WithContext(With(r.Context(), c)))
	})
}

func refuse(w http.ResponseWriter, r *http.Request, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="campaigns"`)
	problem.Write(w, http.StatusUnauthorized, reqid.From(r.Context()), problem.New(problem.Unauthenticated, "%s", msg))
}
