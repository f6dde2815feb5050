package config

import (
	"strings"
	"testing"
)

// TestRedisURL takes a Redis URL, refuses anything else, and defaults to none.
func TestRedisURL(t *testing.T) {
	env := func(url string) func(string) string {
		return func(k string) string {
			if k == "REDIS_URL" {
				return url
			}
			return ""
		}
	}
	if c, err := Load(env("")); err != nil || c.RedisURL != "" {
		t.Fatalf("unset: %q, %v; want none", c.RedisURL, err)
	}
	if c, err := Load(env("redis://cache:6379/2")); err != nil || c.RedisURL != "redis://cache:6379/2" {
		t.Fatalf("set: %q, %v", c.RedisURL, err)
	}
	if _, err := Load(env("cache:6379")); err == nil || !strings.Contains(err.Error(), "REDIS_URL") {
		t.Fatalf("a bare address: %v, want an error naming REDIS_URL", err)
	}
}
