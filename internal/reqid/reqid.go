// Package reqid gives every request an ID that appears in its log lines and in any error
// it returns, so that a partner who reports an error can be matched with its log.
package reqid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"
)

// Header is the header that carries the ID in both directions.
const Header = "X-Request-Id"

type ctxKey struct{}

// valid is what an ID taken from a client may look like: short and plain, so it cannot
// forge a log line.
var valid = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// Middleware takes the client's X-Request-Id when it is a plain token, makes one otherwise,
// puts it in the context and echoes it in the response.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(Header)
		if !valid.MatchString(id) {
			id = New()
		}
		w.Header().Set(Header, id)
		next.ServeHTTP(w, r.WithContext(With(r.Context(), id)))
	})
}

// New returns a new random ID.
func New() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// With returns a context carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From returns the request's ID, or "" outside a request.
func From(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}
