// Package contract treats the GraphQL schema as a promise to the partners who build clients
// against it: it prints the schema as one deterministic SDL file (schema.graphql, committed, so
// a review sees every change to the contract), compares it with the last release to find
// changes that would break a client that works today (Diff), holds those to a committed list of
// intended ones (CheckIntended), and lints naming, descriptions and deprecations (Lint).
//
// It reads schemas only through gqlparser, the parser gqlgen itself uses, so the file it
// prints is exactly what the server executes.
package contract

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// header opens the printed file; it names the command that rewrites it, because the test
// that finds the file stale points people here.
const header = `# The full GraphQL schema of the campaign-partner API: the contract with client developers.
# Generated from graph/schema/*.graphqls; do not edit. Regenerate with:
#
#	go run . schema > schema.graphql
#
# Breaking changes against the last release (schema/releases/) fail the tests unless
# schema/intended-changes.txt lists them with a reason; see docs/schema-contract.md.

`

// Print renders schema as SDL: the schema block, then directives and types sorted by name,
// one blank line apart, fields in their order of definition, builtin types and directives
// left out. The same schema always prints the same bytes.
func Print(schema *ast.Schema) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	// The formatter drops the schema's own description and, when the root types have
	// their default names, the schema block; print both so the description is kept.
	if schema.Description != "" {
		b.WriteString(blockString(schema.Description))
	}
	b.WriteString("schema {\n")
	for _, op := range []struct {
		name string
		def  *ast.Definition
	}{{"query", schema.Query}, {"mutation", schema.Mutation}, {"subscription", schema.Subscription}} {
		if op.def != nil {
			fmt.Fprintf(&b, "\t%s: %s\n", op.name, op.def.Name)
		}
	}
	b.WriteString("}\n")
	// One definition at a time, so that a blank line can separate them: the formatter
	// writes a whole schema without any.
	for _, name := range sortedKeys(schema.Directives) {
		if d := schema.Directives[name]; !builtinDirective(d) {
			b.WriteString("\n")
			formatter.NewFormatter(&b).FormatSchemaDocument(&ast.SchemaDocument{Directives: ast.DirectiveDefinitionList{d}})
		}
	}
	for _, name := range sortedKeys(schema.Types) {
		if d := schema.Types[name]; !d.BuiltIn {
			b.WriteString("\n")
			formatter.NewFormatter(&b).FormatSchemaDocument(&ast.SchemaDocument{Definitions: ast.DefinitionList{d}})
		}
	}
	return b.Bytes()
}

// builtinDirective tells @skip, @include, @deprecated and the like (which every schema has)
// from the schema's own directives.
func builtinDirective(d *ast.DirectiveDefinition) bool {
	return d.Position != nil && d.Position.Src != nil && d.Position.Src.BuiltIn
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// blockString writes s as a GraphQL block string on lines of its own.
func blockString(s string) string {
	return "\"\"\"\n" + strings.ReplaceAll(s, `"""`, `\"""`) + "\n\"\"\"\n"
}

// Load parses and validates an SDL document, as printed by Print or written by hand, into a
// schema with the builtin types and directives added. name is used in error messages.
func Load(name string, sdl []byte) (*ast.Schema, error) {
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: name, Input: string(sdl)})
	if err != nil {
		return nil, fmt.Errorf("load schema %s: %w", name, err)
	}
	return schema, nil
}
