package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Replicas holds the settings of PostgreSQL's streaming read replicas (see
// internal/store/replicas.go and the README's "Read replicas").
type Replicas struct {
	// URLs are the replicas' PostgreSQL URLs; none: every statement reads the primary.
	URLs []string
	// Wait is how long a request that carries a consistency token waits for a replica to
	// replay it before it reads the primary.
	Wait time.Duration
	// MaxLag is how far behind the primary a replica may be and still serve reads.
	MaxLag time.Duration
}

// replicaSettings are the read replicas' settings.
var replicaSettings = []setting{
	{"DATABASE_REPLICA_URLS", "", "comma-separated PostgreSQL URLs of streaming read replicas (hot standbys of DATABASE_URL's server, each reached directly, not through a pooler): queries outside transactions read them, while writes, transactions, locks, the change feed's LISTEN, migrations, the answer cache's freshness check, sync and subscriptions use DATABASE_URL; every mutation's answer carries a Consistency-Token that a later request sends back to read its own write. Unset: everything reads DATABASE_URL, as one machine needs",
		func(c *Config, v string) error {
			c.Replicas.URLs = nil
			for _, u := range strings.Split(v, ",") {
				if u = strings.TrimSpace(u); u == "" {
					continue
				}
				p, err := url.Parse(u)
				if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") || p.Host == "" {
					return fmt.Errorf("want postgres:// URLs separated by commas; replica %d is not one", len(c.Replicas.URLs)+1)
				}
				c.Replicas.URLs = append(c.Replicas.URLs, u)
			}
			return nil
		}},
	{"REPLICA_WAIT", "500ms", "with DATABASE_REPLICA_URLS: how long a request that sends a Consistency-Token waits for a replica to replay that position before it reads the primary instead",
		func(c *Config, v string) error { return duration(v, &c.Replicas.Wait) }},
	{"REPLICA_MAX_LAG", "3s", "with DATABASE_REPLICA_URLS: a replica further behind the primary than this, or one that does not answer, serves no reads until it catches up (each is probed every second)",
		func(c *Config, v string) error {
			if err := duration(v, &c.Replicas.MaxLag); err != nil {
				return err
			}
			if c.Replicas.MaxLag == 0 {
				return errors.New("want a positive duration such as 3s")
			}
			return nil
		}},
}
