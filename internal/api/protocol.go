package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/graph/generated"
	"campaigns/internal/persisted"
)

// Protocol configures what the endpoint accepts beyond plain GraphQL over HTTP.
type Protocol struct {
	// CORSOrigins are the origins (scheme://host[:port], one * wildcard allowed) of the
	// partner frontends whose pages may read answers in a browser. None means same-origin
	// only. Credentials are never allowed: API keys travel in a header, not in cookies.
	CORSOrigins []string
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
}

// protect installs the gqlgen extensions on gql, in the order they must run: the
// persisted-only gate, then automatic persisted queries (which turn a hash into a text),
// then the limits (which need the text).
func protect(gql *handler.Server, opt Options) *protection {
	p := &protection{shield: newShield(opt.Limits, opt.Introspection)}
	p.maxBody = p.shield.cfg.MaxBodyBytes
	reg := opt.Protocol.Persisted
	if reg == nil {
		reg, _ = persisted.Load("") // empty; cannot fail
	}
	if opt.Protocol.PersistedOnly {
		gql.Use(persisted.Only{Registry: reg})
	}
	gql.Use(codedAPQ{extension.AutomaticPersistedQuery{Cache: &persisted.Cache{
		Registry: reg, Sent: lru.New[string](1000), Only: opt.Protocol.PersistedOnly,
	}}})
	gql.Use(p.shield)
	// The shield counts tokens itself to answer QUERY_TOO_LARGE; this is gqlparser's own
	// bound for any path around it.
	gql.SetParserTokenLimit(p.shield.cfg.MaxTokens)
	if len(opt.Protocol.CORSOrigins) > 0 {
		p.cors = cors.New(cors.Options{
			AllowedOrigins:   opt.Protocol.CORSOrigins,
			AllowedMethods:   []string{http.MethodGet, http.MethodPost},
			AllowedHeaders:   []string{"Accept", "Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"},
			ExposedHeaders:   []string{"Retry-After", "X-Request-Id"},
			AllowCredentials: false,
			MaxAge:           600,
		})
	}
	return p
}

// outer wraps what comes before the caller is known: CORS, then the guard.
func (p *protection) outer(next http.Handler) http.Handler {
	h := guard(p.maxBody, next)
	if p.cors != nil {
		h = p.cors.Handler(h)
	}
	return h
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
			errcode.Set(err, CodeBadRequest)
		}
	}
	return err
}

func init() {
	errcode.RegisterErrorType(CodeBadRequest, errcode.KindProtocol)
}
