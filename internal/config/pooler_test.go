package config

import (
	"strings"
	"testing"
)

// TestPooler: no pooler and no direct URL by default; pgbouncer wants a direct URL for
// LISTEN and the migrations, and an unknown pooler is refused.
func TestPooler(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	c, err := Load(env(nil))
	if err != nil || c.Pooler != (Pooler{}) {
		t.Fatalf("unset: %+v, %v; want no pooler", c.Pooler, err)
	}
	c, err = Load(env(map[string]string{"DATABASE_LISTEN_URL": "postgres://db:5432/campaigns"}))
	if err != nil || c.Pooler != (Pooler{ListenURL: "postgres://db:5432/campaigns"}) {
		t.Fatalf("a direct URL alone: %+v, %v", c.Pooler, err)
	}
	c, err = Load(env(map[string]string{"DATABASE_POOLER": "PgBouncer", "DATABASE_URL": "postgres://bouncer:6432/campaigns",
		"DATABASE_LISTEN_URL": "postgres://db:5432/campaigns"}))
	if err != nil || c.Pooler != (Pooler{PgBouncer: true, ListenURL: "postgres://db:5432/campaigns"}) {
		t.Fatalf("pgbouncer: %+v, %v", c.Pooler, err)
	}
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"DATABASE_POOLER": "pgbouncer"}, "DATABASE_LISTEN_URL"},
		{map[string]string{"DATABASE_POOLER": "pgpool", "DATABASE_LISTEN_URL": "postgres://db/c"}, "DATABASE_POOLER"},
	} {
		if _, err := Load(env(tc.vars)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error naming %s", tc.vars, err, tc.want)
		}
	}
}
