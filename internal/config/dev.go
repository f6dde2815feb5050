package config

import "fmt"

// devSettings configure the private PostgreSQL that `go run .` starts for a developer who
// has none (see internal/devdb).
var devSettings = []setting{
	{"DEV_POSTGRES", "auto", "auto: when DATABASE_URL is unset and no PostgreSQL answers at its default address, start a private one from the machine's PostgreSQL binaries, its data in the user cache directory; off: never",
		func(c *Config, v string) error { return oneOf(v, &c.DevPostgres, "auto", "off") }},
	{"DEV_POSTGRES_PORT", "55432", "loopback port of that private PostgreSQL",
		func(c *Config, v string) error {
			if err := positive(v, &c.DevPostgresPort); err != nil || c.DevPostgresPort > 65535 {
				return fmt.Errorf("want a TCP port, 1 to 65535, got %q", v)
			}
			return nil
		}},
}
