package config

import (
	"testing"

	"campaigns/internal/api"
	"campaigns/internal/realtime"
)

// TestRealtimeDefaultsAreTheRealtimePackages: the documented defaults of the subscription
// settings are the ones the broker and the handler fall back on, and bad values are refused.
func TestRealtimeDefaultsAreTheRealtimePackages(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Realtime{PerKey: realtime.DefaultPerKey, Buffer: realtime.DefaultBuffer, KeepAlive: api.DefaultKeepAlive}
	if c.Realtime != want {
		t.Errorf("defaults %+v, want %+v", c.Realtime, want)
	}
	for _, bad := range []map[string]string{{"SUBSCRIPTIONS_PER_KEY": "0"}, {"SUBSCRIPTION_BUFFER": "-1"}, {"SUBSCRIPTION_KEEPALIVE": "soon"}} {
		if _, err := Load(env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
