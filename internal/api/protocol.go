package api

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/graph/generated"
	"campaigns/internal/persisted"
	"campaigns/internal/problem"
)

// Protocol configures what the endpoint accepts beyond plain GraphQL over HTTP.
type Protocol struct {
	// CORSOrigins are the origins (scheme://host[:port], one * wildcard allowed) of the
	// partner frontends whose pages may read answers in a browser. None means same-origin
	// only. Credentials are never allowed: API keys travel in a header, not in cookies.
	CORSOrigins []string
	// CORSLocalhost also lets pages served from a loopback host (localhost, 127.0.0.1,
	// [::1]) on any port call the API: development's default, so that a frontend's
	// development server (http://localhost:3000) works without a setting.
	CORSLocalhost bool
	// Persisted holds the registered operations, served by hash; nil for none.
	Persisted *persisted.Registry
	// PersistedOnly refuses every operation that is not registered.
	PersistedOnly bool
}

// LoadPersisted loads the operations registered under dir and checks each against the
// schema, so that a deployment with a stale operation fails at start.
func LoadPersisted(dir string) (*persisted.Registry, error) {
	reg, err := persisted.Load(dir)
	if err != nil {
		return nil, err
	}
	if err := reg.Validate(generated.NewExecutableSchema(generated.Config{}).Schema()); err != nil {
		return nil, fmt.Errorf("persisted operations: %w", err)
	}
	return reg, nil
}

// protection is everything between the network and the resolvers that keeps one caller
// from hurting the others, and the protocol checks that go with it.
type protection struct {
	shield  *shield
	cors    *cors.Cors
	maxBody int64
	log     *slog.Logger
	// hinted is set once the log has said how to let a refused origin in.
	hinted atomic.Bool
}

// protect installs the gqlgen extensions on gql, in the order they must run: the
// persisted-only gate, then automatic persisted queries (which turn a hash into a text),
// then the limits (which need the text).
func protect(gql *handler.Server, opt Options) *protection {
	p := &protection{shield: newShield(opt.Limits, opt.Introspection), log: opt.Logger}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.maxBody = p.shield.cfg.MaxBodyBytes
	reg := opt.Protocol.Persisted
	if reg == nil {
		reg, _ = persisted.Load("") // empty; cannot fail
	}
	if opt.Protocol.PersistedOnly {
		gql.Use(persisted.Only{Registry: reg})
	}
	gql.Use(codedAPQ{extension.AutomaticPersistedQuery{Cache: &persisted.Cache{
		Registry: reg, Sent: sentQueries(opt, p.shield.cfg.MaxQueryBytes), Only: opt.Protocol.PersistedOnly,
	}}})
	gql.Use(p.shield)
	// The shield counts tokens itself to answer QUERY_TOO_LARGE; this is gqlparser's own
	// bound for any path around it.
	gql.SetParserTokenLimit(p.shield.cfg.MaxTokens)
	p.cors = newCORS(opt.Protocol)
	return p
}

// newCORS returns the CORS handler of the origins pr allows, nil for none (same-origin
// only).
func newCORS(pr Protocol) *cors.Cors {
	if len(pr.CORSOrigins) == 0 && !pr.CORSLocalhost {
		return nil
	}
	opts := cors.Options{
		AllowedOrigins: pr.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Accept", "Authorization", "Consistency-Token", "Content-Type", "Idempotency-Key", "If-None-Match", "X-Request-Id"},
		// A page reads its budget in the RateLimit headers, and the ETag and the
		// consistency token to send back.
		ExposedHeaders:   []string{"Consistency-Token", "ETag", "RateLimit-Limit", "RateLimit-Policy", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "X-Request-Id"},
		AllowCredentials: false,
		MaxAge:           600,
	}
	if pr.CORSLocalhost {
		var listed *cors.Cors // rs/cors allows every origin when given none, so only with some
		if len(pr.CORSOrigins) > 0 {
			listed = cors.New(cors.Options{AllowedOrigins: pr.CORSOrigins})
		}
		opts.AllowOriginVaryRequestFunc = func(r *http.Request, origin string) (bool, []string) {
			return loopbackOrigin(origin) || listed != nil && listed.OriginAllowed(r), nil
		}
	}
	return cors.New(opts)
}

// loopbackOrigin reports whether origin is a page served from this machine: http or https
// on localhost, 127.0.0.1 (or any of 127.0.0.0/8) or [::1], on any port.
func loopbackOrigin(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Path != "" || u.User != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackOriginPatterns are the websocket origins (coder/websocket's path.Match patterns
// of scheme://host[:port]) that CORSLocalhost lets in, as loopbackOrigin does for CORS.
var loopbackOriginPatterns = []string{
	"http://localhost", "http://localhost:*", "https://localhost", "https://localhost:*",
	"http://127.0.0.1", "http://127.0.0.1:*", "https://127.0.0.1", "https://127.0.0.1:*",
	`http://\[::1\]`, `http://\[::1\]:*`, `https://\[::1\]`, `https://\[::1\]:*`,
}

// outer wraps what comes before the caller is known: CORS, then the guard.
func (p *protection) outer(next http.Handler) http.Handler {
	h := guard(p.maxBody, next)
	if p.cors != nil {
		h = p.cors.Handler(h)
	}
	return p.hint(h)
}

// hint logs, once per process, how to let in the first page of another origin that the
// CORS settings refuse: without it a partner's frontend fails in the browser with nothing
// in the server's log to say why. A request without an Origin, or from the server's own
// origin (the playground), is no such page.
func (p *protection) hint(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && !p.hinted.Load() && !sameOrigin(origin, r.Host) &&
			(p.cors == nil || !p.cors.OriginAllowed(r)) && p.hinted.CompareAndSwap(false, true) {
			if origin == "null" {
				p.log.Warn("a browser page opened from a file (Origin: null) was refused: serve it over http, e.g. from localhost in development, and list its origin in CORS_ORIGINS elsewhere (logged once)")
			} else {
				p.log.Warn("a browser page of another origin was refused: to let it call the API, add its origin to CORS_ORIGINS (comma-separated; logged once)",
					"origin", origin, "example", "CORS_ORIGINS="+origin)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether origin names the host the request was sent to.
func sameOrigin(origin, host string) bool {
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, host)
}

// inner wraps what needs the caller: its budget and the exchange.
func (p *protection) inner(next http.Handler) http.Handler { return p.shield.track(next) }

// codedAPQ is gqlgen's automatic persisted queries with a code on every refusal: gqlgen
// leaves a hash that does not match its text without one, which the transports would answer
// with 200 and no data.
type codedAPQ struct {
	extension.AutomaticPersistedQuery
}

func (a codedAPQ) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	err := a.AutomaticPersistedQuery.MutateOperationParameters(ctx, raw)
	if err != nil {
		if _, ok := err.Extensions["code"]; !ok {
			errcode.Set(err, string(problem.BadRequest))
		}
	}
	return err
}
