// Package limits bounds what one GraphQL request may ask of the server and what one client
// may spend over time: the size of the document in tokens, its depth, aliases and fields,
// the size of its variables, its cost in points, and a budget of points per API key or
// client address. The API is public and serves mobile apps; a single hostile or careless
// query must not slow the server down for everyone else.
//
// The package holds the rules and nothing of HTTP or of gqlgen's handler: internal/api
// applies them to each request.
package limits

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/problem"
)

// The refusals' codes as the strings extensions.code holds, for callers that compare them
// (problem declares them; these only name them for the tests of other packages).
const (
	CodeQueryTooLarge     = string(problem.QueryTooLarge)
	CodeQueryTooDeep      = string(problem.QueryTooDeep)
	CodeTooManyAliases    = string(problem.TooManyAliases)
	CodeTooManyFields     = string(problem.TooManyFields)
	CodeQueryTooComplex   = string(problem.QueryTooComplex)
	CodeVariablesTooLarge = string(problem.VariablesTooLarge)
	CodeRateLimited       = string(problem.RateLimited)
)

// Config holds every limit. A zero field of a document limit takes its default (see
// WithDefaults); a rate limit of zero points is off.
type Config struct {
	// MaxBodyBytes is the largest request body read.
	MaxBodyBytes int64
	// MaxQueryBytes is the longest document text: documents that pass are kept in caches,
	// and a few tokens can hold a long string.
	MaxQueryBytes int
	// MaxTokens is the most lexical tokens a document may have: it bounds the work of
	// parsing and validating before anything else is known about the document.
	MaxTokens int
	// MaxDepth is the deepest nesting of fields, fragments expanded; introspection
	// fields do not count (gqlparser bounds their depth itself).
	MaxDepth int
	// MaxAliases is the most aliased fields, fragments expanded.
	MaxAliases int
	// MaxFields is the most fields, fragments expanded.
	MaxFields int
	// MaxCost is the most points one request may cost (see Cost).
	MaxCost int
	// MaxVariableValues is the most values the variables may hold, counting every
	// element of every list and object.
	MaxVariableValues int

	// KeyPoints is the budget of each API key per Window; 0 turns the limit off.
	KeyPoints int
	// AnonymousPoints is the budget of each client address without a key per Window
	// (IPv6 addresses by their /64 network); 0 turns the limit off.
	AnonymousPoints int
	// Window is the time in which a spent budget refills completely.
	Window time.Duration
	// TrustedProxies are the networks of the reverse proxies whose X-Forwarded-For is
	// believed; without any, the connection's address is the client's.
	TrustedProxies []netip.Prefix
}

// Defaults returns the limits the server runs with unless configured otherwise. GraphiQL's
// introspection query fits within them (about 300 tokens and 230 fields).
func Defaults() Config {
	return Config{
		MaxBodyBytes:      1 << 20,
		MaxQueryBytes:     64 << 10,
		MaxTokens:         5000,
		MaxDepth:          12,
		MaxAliases:        50,
		MaxFields:         500,
		MaxCost:           5000,
		MaxVariableValues: 1000,
		KeyPoints:         50000,
		AnonymousPoints:   10000,
		Window:            time.Minute,
	}
}

// WithDefaults returns c with each zero document limit set to its default. The rate limits
// stay as they are: zero points means no rate limit.
func (c Config) WithDefaults() Config {
	d := Defaults()
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	set(&c.MaxQueryBytes, d.MaxQueryBytes)
	set(&c.MaxTokens, d.MaxTokens)
	set(&c.MaxDepth, d.MaxDepth)
	set(&c.MaxAliases, d.MaxAliases)
	set(&c.MaxFields, d.MaxFields)
	set(&c.MaxCost, d.MaxCost)
	set(&c.MaxVariableValues, d.MaxVariableValues)
	if c.Window <= 0 {
		c.Window = d.Window
	}
	return c
}

// Check reports a configuration that cannot work: a budget smaller than the most a
// single request may cost would refuse such a request forever.
func (c Config) Check() error {
	for _, b := range []struct {
		name   string
		points int
	}{{"the budget of an API key", c.KeyPoints}, {"the budget of an anonymous client", c.AnonymousPoints}} {
		if b.points > 0 && b.points < c.MaxCost {
			return fmt.Errorf("%s (%d points) is smaller than the most a request may cost (%d points)", b.name, b.points, c.MaxCost)
		}
	}
	return nil
}

// refusal returns a request error with code and a message for the client. Each limit has
// its own code, so that a client can tell which one it met without reading the message; a
// refusal is a request error (problem's request codes), answered without data.
func refusal(code problem.Code, format string, args ...any) *gqlerror.Error {
	return problem.New(code, format, args...).GraphQL()
}
