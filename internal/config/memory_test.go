package config

import (
	"math"
	"testing"
)

func TestMemorySettings(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		percent int
		limit   int64
		bad     bool
	}{
		{name: "defaults", percent: 200, limit: 150 << 20},
		{name: "set", env: map[string]string{"GOGC": "100", "GOMEMLIMIT": "1GiB"}, percent: 100, limit: 1 << 30},
		{name: "plain bytes", env: map[string]string{"GOMEMLIMIT": "52428800"}, percent: 200, limit: 50 << 20},
		{name: "off", env: map[string]string{"GOGC": "off", "GOMEMLIMIT": "off"}, percent: -1, limit: math.MaxInt64},
		{name: "GOGC not a number", env: map[string]string{"GOGC": "lots"}, bad: true},
		{name: "GOGC zero", env: map[string]string{"GOGC": "0"}, bad: true},
		{name: "limit in MB, not MiB", env: map[string]string{"GOMEMLIMIT": "150MB"}, bad: true},
		{name: "limit overflows", env: map[string]string{"GOMEMLIMIT": "99999999999TiB"}, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := loaded(t, tt.env, tt.bad)
			if !ok {
				return
			}
			if c.GCPercent != tt.percent || c.MemoryLimit != tt.limit {
				t.Errorf("GCPercent %d, MemoryLimit %d; want %d, %d", c.GCPercent, c.MemoryLimit, tt.percent, tt.limit)
			}
		})
	}
}
