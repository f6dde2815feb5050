package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"campaigns/internal/limits"
)

// Protocol holds the settings of what the endpoint accepts beyond plain GraphQL over HTTP.
type Protocol struct {
	CORSOrigins         []string
	CORSLocalhost       bool // pages served from localhost may call the API too (development)
	PersistedQueriesDir string
	PersistedOnly       bool
}

// limitSettings are the settings of the limits and the protocol; their defaults are
// limits.Defaults.
var limitSettings = []setting{
	{"MAX_BODY_BYTES", "1048576", "largest request body read, in bytes (413 BODY_TOO_LARGE past it)",
		func(c *Config, v string) error { return positive64(v, &c.Limits.MaxBodyBytes) }},
	{"MAX_QUERY_BYTES", "65536", "longest GraphQL document, in bytes (QUERY_TOO_LARGE)",
		func(c *Config, v string) error { return positive(v, &c.Limits.MaxQueryBytes) }},
	{"MAX_QUERY_TOKENS", "5000", "most lexical tokens in a GraphQL document (QUERY_TOO_LARGE)",
		func(c *Config, v string) error { return positive(v, &c.Limits.MaxTokens) }},
	{"MAX_QUERY_DEPTH", "12", "deepest nesting of fields, fragments expanded, introspection not counted (QUERY_TOO_DEEP)",
		func(c *Config, v string) error { return positive(v, &c.Limits.MaxDepth) }},
	{"MAX_QUERY_ALIASES", "50", "most aliased fields, fragments expanded (TOO_MANY_ALIASES)",
		func(c *Config, v string) error { return positive(v, &c.Limits.MaxAliases) }},
	{"MAX_QUERY_FIELDS", "500", "most fields, fragments expanded (TOO_MANY_FIELDS)",
		func(c *Config, v string) error { return positive(v, &c.Limits.MaxFields) }},
	{"MAX_QUERY_COST", "5000", "most points one operation may cost (QUERY_TOO_COMPLEX)",
		func(c *Config, v string) error { return positive(v, &c.Limits.MaxCost) }},
	{"MAX_VARIABLE_VALUES", "1000", "most values in a request's variables, every list element counted (VARIABLES_TOO_LARGE)",
		func(c *Config, v string) error { return positive(v, &c.Limits.MaxVariableValues) }},
	{"RATE_LIMIT_KEY_POINTS", "50000", "points each API key may spend per RATE_LIMIT_WINDOW (RATE_LIMITED, 429); 0 for no limit",
		func(c *Config, v string) error { return natural(v, &c.Limits.KeyPoints) }},
	{"RATE_LIMIT_ANONYMOUS_POINTS", "10000", "points each client address without a key may spend per RATE_LIMIT_WINDOW; 0 for no limit",
		func(c *Config, v string) error { return natural(v, &c.Limits.AnonymousPoints) }},
	{"RATE_LIMIT_WINDOW", "1m", "time in which a spent budget refills completely",
		func(c *Config, v string) error {
			if err := duration(v, &c.Limits.Window); err != nil || c.Limits.Window == 0 {
				return fmt.Errorf("want a positive duration such as 1m, got %q", v)
			}
			return nil
		}},
	{"TRUSTED_PROXIES", "", "comma-separated addresses or networks of reverse proxies whose X-Forwarded-For names the client; none when empty",
		func(c *Config, v string) error {
			p, err := limits.ParsePrefixes(v)
			c.Limits.TrustedProxies = p
			return err
		}},
	{"CORS_ORIGINS", "", "comma-separated origins of partner frontends that browsers may let call the API, e.g. https://partner.example.org; when empty, none but localhost's in development (CORS_LOCALHOST), and same-origin only in production",
		func(c *Config, v string) error { return origins(v, &c.Protocol.CORSOrigins) }},
	{"CORS_LOCALHOST", "true", "also let pages served from localhost, 127.0.0.1 or [::1], on any port, call the API from a browser (a frontend's development server such as http://localhost:3000)",
		func(c *Config, v string) error { return boolean(v, &c.Protocol.CORSLocalhost) }},
	{"PERSISTED_QUERIES_DIR", "", "directory of registered .graphql operations, served by their SHA-256",
		func(c *Config, v string) error { c.Protocol.PersistedQueriesDir = v; return nil }},
	{"PERSISTED_ONLY", "false", "run registered operations only (needs PERSISTED_QUERIES_DIR)",
		func(c *Config, v string) error { return boolean(v, &c.Protocol.PersistedOnly) }},
}

// checkLimits reports settings that cannot work together.
func checkLimits(c Config) error {
	if c.Protocol.PersistedOnly && c.Protocol.PersistedQueriesDir == "" {
		return fmt.Errorf("PERSISTED_ONLY: needs PERSISTED_QUERIES_DIR, or every request would be refused")
	}
	if err := c.Limits.Check(); err != nil {
		return fmt.Errorf("RATE_LIMIT_*_POINTS: %w", err)
	}
	return nil
}

func natural(v string, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return fmt.Errorf("want a whole number, 0 or more, got %q", v)
	}
	*dst = n
	return nil
}

func positive64(v string, dst *int64) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("want a positive whole number, got %q", v)
	}
	*dst = n
	return nil
}

// origins reads a comma-separated list of origins: scheme://host[:port], with no path.
func origins(v string, dst *[]string) error {
	*dst = nil
	for _, o := range strings.Split(v, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o != "*" {
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
				return fmt.Errorf("want origins such as https://partner.example.org, got %q", o)
			}
			o = strings.TrimSuffix(o, "/")
		}
		*dst = append(*dst, o)
	}
	return nil
}
