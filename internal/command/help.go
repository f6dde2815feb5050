package command

import (
	"fmt"

	"campaigns/internal/gen"
)

// help is each command's --help: what it does, its arguments, and what it needs of the
// database, printed on stdout with exit code 0 and before any setting is read or database
// opened, so that it works anywhere.
var help = map[string]string{
	"serve": `usage: campaigns [serve]

Serves the GraphQL API on ADDR (the default command). At start it creates the database if
the server has none of that name, applies pending migrations and loads the built-in seed
data unless this version of it is loaded. On SIGINT or SIGTERM it answers /readyz with 503,
keeps serving for SHUTDOWN_DELAY, then lets requests in flight finish within
SHUTDOWN_TIMEOUT. Settings come from the environment: go run . --help lists them.
`,
	"migrate": `usage: campaigns migrate up|down|status

  up      applies every pending migration, creating the database if the server has none
          of that name (the server applies them at start too)
  down    rolls back the latest migration
  status  lists the migrations, applied or pending

down and status need the database to exist; they say what to run when it does not.
`,
	"seed": `usage: campaigns seed

Loads the built-in seed data (the fact sheet's partners, campaigns and events) unless this
version of it is loaded, upgrading an older one. It creates and migrates the database first
if need be, and says so.
`,
	"generate": fmt.Sprintf(`usage: campaigns generate [--seed N] [--campaigns N] [--events N] [--networks N] [--organizations N] [--force]

Fills the database with reproducible load-test volume: the same seed and sizes give the same
rows. It creates and migrates the database first if need be, loads the seed data, and
refuses a database that holds campaigns other than the seed's unless --force is given.

  --seed N            the seed (default 1)
  --campaigns N       campaigns to generate (default %d)
  --events N          events to generate (default %d)
  --networks N        youth networks, chapters and local groups to generate (default %d)
  --organizations N   organizations to generate (default %d)
  --force             add to a database that already holds campaigns other than the seed's
`, gen.Full.Campaigns, gen.Full.Events, gen.Full.Networks, gen.Full.Organizations),
	"apikey": `usage: campaigns apikey create --org SLUG --role viewer|editor|admin|platform [--name TEXT]
       campaigns apikey list [--org SLUG]
       campaigns apikey revoke PREFIX

  create   makes a key for the organization with that slug and prints its secret on stdout,
           this once: only its hash is kept. --name says what the key is for.
  list     lists the keys, of one organization with --org: prefix, role, organization,
           last use, revocation and name
  revoke   revokes the key with that prefix (as apikey list shows it); requests with it
           are refused from then on

The database must exist and be migrated; the commands say what to run when it is not.
`,
	"healthcheck": `usage: campaigns healthcheck

Exits 0 when the server on ADDR's port of this machine answers /readyz with 200 within
3 seconds, and 1 otherwise, saying why on stderr: a container's health check on an image
that has no shell or curl.
`,
	"schema": `usage: campaigns schema [check]

  schema         prints the GraphQL schema as SDL: go run . schema > schema.graphql
  schema check   compares it with schema.graphql and the last release (breaking changes
                 must be listed in schema/intended-changes.txt), and lints it; run it from
                 the repository's root

Needs neither settings nor a database.
`,
}
