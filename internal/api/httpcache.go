package api

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"campaigns/internal/auth"
)

// HTTP caching of answers to GET queries, for the browsers, mobile apps and CDNs in front of
// the API: an anonymous answer without errors carries a strong ETag and Cache-Control:
// public, no-cache, so that any cache may keep it but asks again each time, and a request
// whose If-None-Match names the current tag gets 304 Not Modified and no body. The answer is
// worked out as any other (read, priced, charged, and taken from the answer cache when fresh
// there, which executes nothing: see answerCache), so a 304 is never staler than a 200
// would be; what it saves is the body on the wire, which on a slow mobile network is most
// of the time a request takes.
//
// Callers with a key get Cache-Control: private, no-store: their answers may show what
// only they may read, and are no cache's business. POST answers are left as they were
// (nothing caches a POST without being told to), and so are answers with errors and
// answers to GETs with a status of their own (429, 405, 503), which get no-store.

const (
	cachePublic  = "public, no-cache"
	cachePrivate = "private, no-store"
	cacheNone    = "no-store"
)

// varyHeaders are the request headers a /query answer depends on besides its URL and body,
// beyond Accept-Language, which lang.Middleware names itself on the answers it serves: the
// content coding (gzhttp names it too, before this runs, so this only makes sure) and the
// caller's key.
var varyHeaders = []string{"Accept-Encoding", "Authorization"}

// varies names in Vary, on every answer of next and before next runs, the headers an answer
// of /query depends on, each once: a cache that ignored Authorization could hand one
// partner's answer to another caller, or an anonymous one to a partner.
func varies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addVary(w.Header(), varyHeaders...)
		next.ServeHTTP(w, r)
	})
}

// addVary adds to h's Vary those of names it does not list yet (compared without regard to
// case), so that middleware that each add what they need never list a header twice.
func addVary(h http.Header, names ...string) {
	for _, name := range names {
		if !varyLists(h, name) {
			h.Add("Vary", name)
		}
	}
}

// varyLists reports whether h's Vary lists name or *.
func varyLists(h http.Header, name string) bool {
	for _, v := range h.Values("Vary") {
		for field := range strings.SplitSeq(v, ",") {
			field = strings.TrimSpace(field)
			if field == "*" || strings.EqualFold(field, name) {
				return true
			}
		}
	}
	return false
}

// keyed reports whether the request in ctx, with headers h, carries a key, working or not:
// its answer is then the caller's own, which neither the answer cache nor a shared HTTP cache
// may hold (answers.go and cacheHeaders ask the same question here).
func keyed(ctx context.Context, h http.Header) bool {
	return !auth.FromContext(ctx).Anonymous() || h.Get("Authorization") != ""
}

// cacheHeaders sets Cache-Control (and, for a public answer, ETag) on the answer resp to r,
// and reports whether r's If-None-Match names the answer's tag, in which case the caller
// answers 304 and writes no body.
func cacheHeaders(w http.ResponseWriter, r *http.Request, resp *graphql.Response) (notModified bool) {
	ctx := r.Context()
	h := w.Header()
	switch {
	case keyed(ctx, r.Header):
		h.Set("Cache-Control", cachePrivate)
		return false
	case r.Method != http.MethodGet:
		return false
	}
	ex := exchangeFrom(ctx)
	if resp == nil || len(resp.Errors) > 0 || len(resp.Data) == 0 || string(resp.Data) == "null" ||
		resp.Label != "" || resp.Path != nil || resp.HasNext != nil || ex != nil && ex.status != 0 {
		h.Set("Cache-Control", cacheNone)
		return false
	}
	tag := entityTag(resp)
	h.Set("Cache-Control", cachePublic)
	h.Set("ETag", tag)
	return matches(r.Header.Values("If-None-Match"), tag)
}

// entityTag is the strong entity tag of an answer: a digest of its data and its cost, the
// whole of its body (the caller's budget travels in headers, see rateLimitHeaders), so that
// every instance gives an answer the same tag, and two answers with the same tag are the
// same bytes, as a strong tag promises. The statement count of STATS_EXTENSION is left out:
// it tells how the answer was made (from the cache or not), not what it is, and is for load
// tests only. 128 bits of SHA-256: no two answers meet by chance.
func entityTag(resp *graphql.Response) string {
	h := sha256.New()
	h.Write(resp.Data)
	if cost, ok := resp.Extensions["cost"]; ok {
		b, _ := json.Marshal(cost) // a map of two ints, in sorted order
		h.Write([]byte{0})
		h.Write(b)
	}
	var sum [sha256.Size]byte
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(sum[:0])[:16]) + `"`
}

// matches reports whether If-None-Match, in any of its lines, names tag or is *. It
// compares weakly, as RFC 9110 (13.1.2) asks for If-None-Match: W/"x" names "x", which
// matters because some proxies weaken the tags of answers they compress.
func matches(ifNoneMatch []string, tag string) bool {
	for _, line := range ifNoneMatch {
		for t := range strings.SplitSeq(line, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == tag {
				return true
			}
		}
	}
	return false
}

// notModified answers 304: the headers a 200 would have had that say how to cache it
// (ETag, Cache-Control, Vary, the caller's budget), and no body nor its type.
func notModified(w http.ResponseWriter) {
	w.Header().Del("Content-Type")
	w.WriteHeader(http.StatusNotModified)
}
