package config

import "testing"

func env(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

// loaded runs Load over kv and checks that it refuses kv exactly when bad; it returns the
// configuration of a good kv, and reports ok false for a bad one, which needs no more checks.
func loaded(t *testing.T, kv map[string]string, bad bool) (c Config, ok bool) {
	t.Helper()
	c, err := Load(env(kv))
	if bad {
		if err == nil {
			t.Fatalf("Load accepted %v", kv)
		}
		return c, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return c, true
}

func TestProfilingAndStatsSettings(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		pprof string
		stats bool
		bad   bool
	}{
		{name: "off by default"},
		{name: "stats on", env: map[string]string{"STATS_EXTENSION": "true"}, stats: true},
		{name: "stats not a boolean", env: map[string]string{"STATS_EXTENSION": "yes please"}, bad: true},
		{name: "pprof on IPv4 loopback", env: map[string]string{"PPROF_ADDR": "127.0.0.1:6060"}, pprof: "127.0.0.1:6060"},
		{name: "pprof on IPv6 loopback", env: map[string]string{"PPROF_ADDR": "[::1]:6060"}, pprof: "[::1]:6060"},
		{name: "pprof on localhost", env: map[string]string{"PPROF_ADDR": "localhost:6060"}, pprof: "localhost:6060"},
		{name: "pprof on every interface is refused", env: map[string]string{"PPROF_ADDR": ":6060"}, bad: true},
		{name: "pprof on a public address is refused", env: map[string]string{"PPROF_ADDR": "10.1.2.3:6060"}, bad: true},
		{name: "pprof without a port is refused", env: map[string]string{"PPROF_ADDR": "127.0.0.1"}, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := loaded(t, tt.env, tt.bad)
			if !ok {
				return
			}
			if c.PprofAddr != tt.pprof || c.StatsExtension != tt.stats {
				t.Errorf("got PprofAddr %q, StatsExtension %t; want %q, %t", c.PprofAddr, c.StatsExtension, tt.pprof, tt.stats)
			}
		})
	}
}
