package graph_test

import (
	"strings"
	"testing"

	"campaigns/graph"
	"campaigns/graph/generated"
	"campaigns/internal/contract"
)

// TestSchemaContract holds the schema the server executes to its contract with client
// developers (internal/contract): schema.graphql at the repository's root is current, every
// breaking change since the last release in schema/releases is listed in
// schema/intended-changes.txt with a reason, and the lint passes: names, a description on
// every type, field, argument, input field and enum value (for the people exploring the API
// in the playground), deprecations with a reason and a removal date, Relay connections.
func TestSchemaContract(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{}}).Schema()
	if n := len(schema.Types); n < 50 {
		t.Fatalf("the schema has only %d types; is it loaded?", n)
	}
	r, err := contract.Check("..", schema)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("file is current", func(t *testing.T) {
		if r.Stale {
			t.Errorf("%s is not the current schema; from the repository's root run:\n\t%s\nand commit the result (then `go run . schema check` lists what changed)",
				contract.SchemaFile, contract.UpdateCommand)
		}
	})
	t.Run("no unintended breaking changes", func(t *testing.T) {
		for _, p := range r.Unintended {
			t.Errorf("against release %s: %s", r.Release, p)
		}
		if t.Failed() {
			t.Logf("a breaking change may ship only when %s lists it as `KIND Path: reason` (see docs/schema-contract.md); better, keep the old field and deprecate it", contract.IntendedFile)
		}
	})
	t.Run("lint", func(t *testing.T) {
		for _, p := range r.Lint {
			t.Error(p)
		}
	})
	t.Logf("changes since %s: %d, of them breaking: %d", r.Release, len(r.Changes), len(contract.Breaking(r.Changes)))
	if testing.Verbose() {
		for _, c := range r.Changes {
			t.Log(strings.TrimSpace(c.String()))
		}
	}
}
