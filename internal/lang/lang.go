// Package lang chooses the language of each text an answer carries. A caller names the
// languages it reads, in order of preference, with Accept-Language or a field's language
// argument (the same syntax: "km, th;q=0.8, en;q=0.5"); each text then comes in the first
// of them it has been written in, or else in its original language.
package lang

import (
	"context"
	"net/http"
	"strings"

	"golang.org/x/text/language"

	"campaigns/internal/problem"
)

// ErrInvalid is a language tag or list that cannot be read.
var ErrInvalid error = problem.New(problem.BadUserInput, "invalid language")

// maxPrefs bounds a preference list, so that a long header cannot make every text costly.
const maxPrefs = 10

// Prefs are the languages a caller reads, most preferred first; empty for no preference,
// which gives every text in its original language.
type Prefs []language.Tag

// Parse reads a list of languages in Accept-Language syntax; a single tag is such a list.
// Weights order the list; a weight of zero removes its language; "*" adds nothing, since
// the original language is every text's last resort anyway.
func Parse(s string) (Prefs, error) {
	tags, _, err := language.ParseAcceptLanguage(s)
	if err != nil {
		return nil, problem.Wrap(ErrInvalid, "%q is not a list of languages such as \"km, en;q=0.5\"", truncate(s))
	}
	out := make(Prefs, 0, len(tags))
	for _, t := range tags {
		if t != language.Und && len(out) < maxPrefs {
			out = append(out, t)
		}
	}
	return out, nil
}

// Canonical returns the stored form of one language tag (km, fil, zh-Hant), refusing
// anything that is not a single well-formed tag of a known language.
func Canonical(s string) (string, error) {
	t, err := language.Parse(s)
	if err != nil || t == language.Und || strings.ContainsAny(s, ",;*") {
		return "", problem.Wrap(ErrInvalid, "%q is not a BCP 47 language tag such as km, th or fil", truncate(s))
	}
	return t.String(), nil
}

// Choose picks the text to show among the original (in language original) and translations
// in the languages available: the index in available of the translation to show, or -1 for
// the original. The matcher of golang.org/x/text/language does the work, so that "fil-PH"
// finds "fil" and regional or script variants find their nearest kin; a preference list
// that matches none of them gives the original.
func (p Prefs) Choose(original string, available []string) int {
	if len(p) == 0 || len(available) == 0 {
		return -1
	}
	supported := make([]language.Tag, 0, len(available)+1)
	supported = append(supported, language.Make(original))
	for _, a := range available {
		supported = append(supported, language.Make(a))
	}
	_, i, conf := language.NewMatcher(supported).Match(p...)
	if conf == language.No || i == 0 {
		return -1
	}
	return i - 1
}

// Prefers reports whether the first preference is exactly original, in which case every
// text of that record comes in its original language and no translation need be read.
func (p Prefs) Prefers(original string) bool {
	return len(p) == 0 || p[0].String() == original
}

type ctxKey struct{}

// With returns a context carrying the caller's preferences.
func With(ctx context.Context, p Prefs) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the request's preferences: those of its Accept-Language header.
func FromContext(ctx context.Context) Prefs {
	p, _ := ctx.Value(ctxKey{}).(Prefs)
	return p
}

// Middleware reads Accept-Language once per request. A header that cannot be read is
// ignored, as HTTP asks, rather than failing the request: the texts come in their original
// languages. Answers vary by the header, which caches must know.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Language")
		if h := r.Header.Get("Accept-Language"); h != "" {
			if p, err := Parse(h); err == nil {
				r = r.WithContext(With(r.Context(), p))
			}
		}
		next.ServeHTTP(w, r)
	})
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
