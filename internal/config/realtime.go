package config

import "time"

// Realtime holds the settings of subscriptions (see internal/realtime).
type Realtime struct {
	PerKey    int
	Buffer    int
	KeepAlive time.Duration
}

// realtimeSettings are the settings of subscriptions; their defaults are realtime's.
var realtimeSettings = []setting{
	{"SUBSCRIPTIONS_PER_KEY", "20", "most subscriptions one API key, or one anonymous client address, may hold open at once on one instance (TOO_MANY_SUBSCRIPTIONS beyond)",
		func(c *Config, v string) error { return positive(v, &c.Realtime.PerKey) }},
	{"SUBSCRIPTION_BUFFER", "64", "changes that may wait for one subscriber before it is closed as a slow consumer (SLOW_CONSUMER)",
		func(c *Config, v string) error { return positive(v, &c.Realtime.Buffer) }},
	{"SUBSCRIPTION_KEEPALIVE", "15s", "how often an idle websocket or server-sent-events stream gets a keep-alive",
		func(c *Config, v string) error { return duration(v, &c.Realtime.KeepAlive) }},
}
