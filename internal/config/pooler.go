package config

import "errors"

// Pooler holds the settings of a connection pooler between the server and PostgreSQL
// (see internal/store/pooler.go and the README's "Behind PgBouncer").
type Pooler struct {
	// PgBouncer says that DatabaseURL leads to PgBouncer in transaction pooling mode.
	PgBouncer bool
	// ListenURL is a direct connection to PostgreSQL, for what needs a session of its own
	// (LISTEN, the migrations' lock); empty for DatabaseURL.
	ListenURL string
}

// poolerSettings are the pooler's settings. DATABASE_LISTEN_URL comes after
// DATABASE_POOLER, whose value it checks against.
var poolerSettings = []setting{
	{"DATABASE_POOLER", "none", "what DATABASE_URL leads to: none (PostgreSQL itself) or pgbouncer (PgBouncer, or another pooler, in transaction pooling mode: statements are described instead of prepared, pgx's default_query_exec_mode=cache_describe unless DATABASE_URL names another mode, and STATEMENT_TIMEOUT must be set on the PostgreSQL role, since PgBouncer refuses it as a startup parameter); pgbouncer needs DATABASE_LISTEN_URL",
		func(c *Config, v string) error {
			var mode string
			if err := oneOf(v, &mode, "none", "pgbouncer"); err != nil {
				return err
			}
			c.Pooler.PgBouncer = mode == "pgbouncer"
			return nil
		}},
	{"DATABASE_LISTEN_URL", "", "PostgreSQL URL of a direct connection, not through a pooler, for what needs a session of its own: the one LISTEN connection that feeds subscriptions, the migrations (which hold an advisory lock while they run) and creating the database; unset: DATABASE_URL",
		func(c *Config, v string) error {
			if v == "" {
				if c.Pooler.PgBouncer {
					return errors.New("DATABASE_POOLER=pgbouncer needs a direct connection to PostgreSQL for subscriptions and migrations: set DATABASE_LISTEN_URL")
				}
				return nil
			}
			c.Pooler.ListenURL = v
			return nil
		}},
}
