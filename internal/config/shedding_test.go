package config

import (
	"testing"
	"time"
)

func TestSheddingSettings(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Shedding
		bad  bool
	}{
		{name: "defaults", want: Shedding{AdmitMaxWait: 2 * time.Second, CacheBytes: 64 << 20, CacheMaxAge: time.Second}},
		{name: "set", env: map[string]string{"ADMIT_CONCURRENCY": "16", "ADMIT_MAX_WAIT": "500ms", "CACHE_BYTES": "0", "CACHE_MAX_AGE": "5s"},
			want: Shedding{AdmitConcurrency: 16, AdmitMaxWait: 500 * time.Millisecond, CacheMaxAge: 5 * time.Second}},
		{name: "no wait is refused", env: map[string]string{"ADMIT_MAX_WAIT": "0s"}, bad: true},
		{name: "negative concurrency is refused", env: map[string]string{"ADMIT_CONCURRENCY": "-1"}, bad: true},
		{name: "negative cache is refused", env: map[string]string{"CACHE_BYTES": "-1"}, bad: true},
		{name: "no max age is refused", env: map[string]string{"CACHE_MAX_AGE": "0s"}, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := loaded(t, tt.env, tt.bad)
			if ok && c.Shedding != tt.want {
				t.Errorf("got %+v, want %+v", c.Shedding, tt.want)
			}
		})
	}
}
