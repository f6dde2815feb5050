package config

import "campaigns/internal/shared"

// sharedSettings are the settings of the state instances share (see internal/shared).
var sharedSettings = []setting{
	{"REDIS_URL", "", "Redis (redis://[:password@]host:6379/0, rediss:// for TLS) in which several instances behind one load balancer share the rate-limit budgets and the automatic persisted queries; when it does not answer, each instance falls back to its own (a warning in the log, redis_up 0 in /metrics). Unset: each instance keeps its own, as one instance needs",
		func(c *Config, v string) error {
			if v != "" {
				if err := shared.CheckURL(v); err != nil {
					return err
				}
			}
			c.RedisURL = v
			return nil
		}},
}
