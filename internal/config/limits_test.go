package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/limits"
)

// TestLimitDefaultsAreTheLimitsPackages: the documented defaults and limits.Defaults agree.
func TestLimitDefaultsAreTheLimitsPackages(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(limits.Defaults(), c.Limits); diff != "" {
		t.Errorf("defaults differ from limits.Defaults (-want +got):\n%s", diff)
	}
	if c.Protocol.PersistedOnly || c.Protocol.PersistedQueriesDir != "" || len(c.Protocol.CORSOrigins) != 0 {
		t.Errorf("protocol defaults %+v, want all off", c.Protocol)
	}
	for _, name := range []string{"MAX_QUERY_COST", "RATE_LIMIT_ANONYMOUS_POINTS", "TRUSTED_PROXIES", "CORS_ORIGINS", "PERSISTED_ONLY"} {
		if !strings.Contains(Help(), name) {
			t.Errorf("--help does not list %s", name)
		}
	}
}

func TestLimitSettings(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(c Config) bool
		bad   bool
	}{
		{name: "limits set", env: map[string]string{"MAX_QUERY_DEPTH": "8", "MAX_QUERY_COST": "900", "MAX_BODY_BYTES": "2048"},
			check: func(c Config) bool {
				return c.Limits.MaxDepth == 8 && c.Limits.MaxCost == 900 && c.Limits.MaxBodyBytes == 2048
			}},
		{name: "rate limits off", env: map[string]string{"RATE_LIMIT_KEY_POINTS": "0", "RATE_LIMIT_ANONYMOUS_POINTS": "0"},
			check: func(c Config) bool { return c.Limits.KeyPoints == 0 && c.Limits.AnonymousPoints == 0 }},
		{name: "window", env: map[string]string{"RATE_LIMIT_WINDOW": "1h"},
			check: func(c Config) bool { return c.Limits.Window.Hours() == 1 }},
		{name: "trusted proxies", env: map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1"},
			check: func(c Config) bool {
				return len(c.Limits.TrustedProxies) == 2 && c.Limits.TrustedProxies[1].String() == "192.0.2.1/32"
			}},
		{name: "CORS origins", env: map[string]string{"CORS_ORIGINS": "https://partner.example.org/, https://*.ngo.example, http://localhost:3000"},
			check: func(c Config) bool {
				return cmp.Equal(c.Protocol.CORSOrigins, []string{"https://partner.example.org", "https://*.ngo.example", "http://localhost:3000"})
			}},
		{name: "persisted only with a directory", env: map[string]string{"PERSISTED_ONLY": "true", "PERSISTED_QUERIES_DIR": "/srv/operations"},
			check: func(c Config) bool {
				return c.Protocol.PersistedOnly && c.Protocol.PersistedQueriesDir == "/srv/operations"
			}},
		{name: "persisted only without operations", env: map[string]string{"PERSISTED_ONLY": "true"}, bad: true},
		{name: "a budget below the largest request", env: map[string]string{"RATE_LIMIT_ANONYMOUS_POINTS": "100"}, bad: true},
		{name: "a depth of zero", env: map[string]string{"MAX_QUERY_DEPTH": "0"}, bad: true},
		{name: "negative points", env: map[string]string{"RATE_LIMIT_KEY_POINTS": "-1"}, bad: true},
		{name: "no window", env: map[string]string{"RATE_LIMIT_WINDOW": "0s"}, bad: true},
		{name: "a proxy by name", env: map[string]string{"TRUSTED_PROXIES": "proxy.internal"}, bad: true},
		{name: "an origin with a path", env: map[string]string{"CORS_ORIGINS": "https://partner.example.org/app"}, bad: true},
		{name: "an origin without a scheme", env: map[string]string{"CORS_ORIGINS": "partner.example.org"}, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := loaded(t, tt.env, tt.bad)
			if !ok {
				return
			}
			if !tt.check(c) {
				t.Errorf("Load(%v) = %+v %+v", tt.env, c.Limits, c.Protocol)
			}
		})
	}
}
