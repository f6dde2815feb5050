package command

import (
	"fmt"
	"io"
	"strings"

	"campaigns/graph"
	"campaigns/graph/generated"
	"campaigns/internal/contract"
)

// schemaCommand runs `schema` (print the executable schema as SDL, which refreshes the
// committed contract: go run . schema > schema.graphql) and `schema check` (compare it with
// the committed file and the last release, and lint it, as the tests do; run from the
// repository's root). It returns the exit code.
func schemaCommand(args []string, stdout, stderr io.Writer) int {
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{}}).Schema()
	switch {
	case len(args) == 0:
		if _, err := stdout.Write(contract.Print(schema)); err != nil {
			fmt.Fprintln(stderr, "print schema:", err)
			return 1
		}
		return 0
	case len(args) == 1 && args[0] == "check":
	default:
		fmt.Fprintln(stderr, "usage: campaigns schema [check]")
		return 2
	}
	r, err := contract.Check(".", schema)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "changes since %s: %d (%d breaking)\n", r.Release, len(r.Changes), len(contract.Breaking(r.Changes)))
	for _, c := range r.Changes {
		mark := "  "
		if c.Breaking {
			mark = "! "
		}
		fmt.Fprintln(stdout, mark+c.String())
	}
	if r.Stale {
		fmt.Fprintf(stdout, "%s is not the current schema; run: %s\n", contract.SchemaFile, contract.UpdateCommand)
	}
	if len(r.Unintended) > 0 {
		fmt.Fprintf(stdout, "%s:\n  %s\n", contract.IntendedFile, strings.Join(r.Unintended, "\n  "))
	}
	if len(r.Lint) > 0 {
		fmt.Fprintf(stdout, "schema lint:\n  %s\n", strings.Join(r.Lint, "\n  "))
	}
	if !r.OK() {
		fmt.Fprintln(stderr, "schema contract: FAILED (see above)")
		return 1
	}
	fmt.Fprintln(stdout, "schema contract: ok")
	return 0
}
