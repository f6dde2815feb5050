package main

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"campaigns/internal/dbtest"
	"campaigns/internal/redistest"
	"campaigns/internal/reqid"
)

// TestServeChargesBudgetsInRedis starts the server with REDIS_URL: the budget of the client
// that queried it is in Redis, and /metrics says Redis is up.
func TestServeChargesBudgetsInRedis(t *testing.T) {
	srv := redistest.Start(t)
	name := "campaigns_redis_" + reqid.New()[:12]
	t.Cleanup(func() { dbtest.Drop(t, name) })
	vars := map[string]string{"DATABASE_URL": dbtest.DatabaseURL(t, name), "ADDR": freeAddr(t),
		"METRICS_ADDR": freeAddr(t), "REDIS_URL": srv.URL()}
	s := serveOnce(t, vars, `{ campaigns(first: 1) { totalCount } }`)
	if !strings.Contains(s.metrics, "\nredis_up 1\n") {
		t.Errorf("no redis_up 1 in /metrics:\n%.2000s", s.metrics)
	}
	opt, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	keys, err := c.Keys(context.Background(), "*addr:127.0.0.1").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("budget keys of 127.0.0.1 in Redis: %v, %v; want one", keys, err)
	}
}
