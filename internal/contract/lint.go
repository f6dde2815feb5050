package contract

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// The naming rules of the schema: what a client developer in any language can guess.
var (
	pascalCase = regexp.MustCompile(`^[A-Z][a-zA-Z0-9]*$`)
	camelCase  = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)
	upperSnake = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)
	// removal is how a deprecation reason names the day the field goes:
	// `Use name instead. Removal: 2027-06-30`.
	removal = regexp.MustCompile(`Removal: (\d{4}-\d{2}-\d{2})\b`)
)

// inputSuffixes are the endings an input type may have: Input for the argument of a
// mutation, Filter and Order for the arguments of a list that say which items and in what
// order.
var inputSuffixes = []string{"Input", "Filter", "Order"}

// Lint returns the schema's breaches of the house rules, sorted: names (types PascalCase,
// fields and arguments camelCase, enum values UPPER_SNAKE, input types ending in Input,
// Filter or Order, mutation results in Payload), a description on every type, field,
// argument, input field, enum value and directive, deprecations with a reason and a removal
// date, and connections by the Relay Cursor Connections rules.
func Lint(schema *ast.Schema) []string {
	l := &linter{schema: schema}
	for _, name := range sortedKeys(schema.Types) {
		def := schema.Types[name]
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		l.definition(def)
	}
	for _, name := range sortedKeys(schema.Directives) {
		d := schema.Directives[name]
		if builtinDirective(d) {
			continue
		}
		l.described("directive @"+name, d.Description)
		for _, a := range d.Arguments {
			l.described(fmt.Sprintf("argument @%s(%s)", name, a.Name), a.Description)
		}
	}
	if schema.Mutation != nil {
		for _, f := range schema.Mutation.Fields {
			if t := f.Type.Name(); !strings.HasSuffix(t, "Payload") {
				l.addf("mutation %s returns %s; a mutation returns a type named …Payload, so fields can be added to its result later", f.Name, t)
			}
		}
	}
	sort.Strings(l.problems)
	return l.problems
}

type linter struct {
	schema   *ast.Schema
	problems []string
}

func (l *linter) addf(format string, args ...any) {
	l.problems = append(l.problems, fmt.Sprintf(format, args...))
}

func (l *linter) described(what, description string) {
	if strings.TrimSpace(description) == "" {
		l.addf("%s has no description", what)
	}
}

func (l *linter) definition(def *ast.Definition) {
	kind := strings.ToLower(string(def.Kind))
	if def.Kind == ast.InputObject {
		kind = "input"
	}
	what := kind + " " + def.Name
	l.described(what, def.Description)
	if !pascalCase.MatchString(def.Name) {
		l.addf("%s: type names are PascalCase", what)
	}
	if def.Kind == ast.InputObject && !hasAnySuffix(def.Name, inputSuffixes) {
		l.addf("%s: input type names end in %s", what, strings.Join(inputSuffixes, ", "))
	}
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		path := def.Name + "." + f.Name
		l.described(path, f.Description)
		if !camelCase.MatchString(f.Name) {
			l.addf("%s: field names are camelCase", path)
		}
		l.deprecation(path, f.Directives)
		for _, a := range f.Arguments {
			apath := fmt.Sprintf("%s(%s)", path, a.Name)
			l.described("argument "+apath, a.Description)
			if !camelCase.MatchString(a.Name) {
				l.addf("argument %s: argument names are camelCase", apath)
			}
			l.deprecation("argument "+apath, a.Directives)
		}
		if def.Kind == ast.Object || def.Kind == ast.Interface {
			l.connectionField(path, f)
		}
	}
	for _, v := range def.EnumValues {
		path := def.Name + "." + v.Name
		l.described("enum value "+path, v.Description)
		if !upperSnake.MatchString(v.Name) {
			l.addf("enum value %s: enum values are UPPER_SNAKE_CASE", path)
		}
		l.deprecation("enum value "+path, v.Directives)
	}
	switch {
	case def.Kind == ast.Object && strings.HasSuffix(def.Name, "Connection"):
		l.connection(def)
	case def.Kind == ast.Object && strings.HasSuffix(def.Name, "Edge"):
		l.edge(def)
	}
}

// deprecation holds an @deprecated to a reason that says what to use instead and the day
// the element goes away, so a client developer can plan the move.
func (l *linter) deprecation(what string, dirs ast.DirectiveList) {
	d := dirs.ForName("deprecated")
	if d == nil {
		return
	}
	reason := ""
	if a := d.Arguments.ForName("reason"); a != nil && a.Value != nil {
		reason = a.Value.Raw
	}
	if strings.TrimSpace(reason) == "" || reason == "No longer supported" {
		l.addf(`%s is deprecated without a reason: say what to use instead and when it goes, e.g. @deprecated(reason: "Use x. Removal: 2027-06-30")`, what)
		return
	}
	m := removal.FindStringSubmatch(reason)
	if m == nil {
		l.addf(`%s: the deprecation reason names no removal date ("Removal: YYYY-MM-DD")`, what)
		return
	}
	if _, err := time.Parse(time.DateOnly, m[1]); err != nil {
		l.addf("%s: the removal date %s is not a date", what, m[1])
	}
}

// connection checks an XConnection type: `edges: [XEdge!]!` (or nullable), `pageInfo:
// PageInfo!`, as the Relay Cursor Connections spec has them.
func (l *linter) connection(def *ast.Definition) {
	base := strings.TrimSuffix(def.Name, "Connection")
	edges := def.Fields.ForName("edges")
	if edges == nil || edges.Type.Elem == nil || edges.Type.Name() != base+"Edge" {
		l.addf("type %s: a connection has a field edges: [%sEdge]", def.Name, base)
	}
	if p := def.Fields.ForName("pageInfo"); p == nil || p.Type.String() != "PageInfo!" {
		l.addf("type %s: a connection has a field pageInfo: PageInfo!", def.Name)
	}
}

// edge checks an XEdge type: `cursor: String!` and a `node` field that is not a list.
func (l *linter) edge(def *ast.Definition) {
	if c := def.Fields.ForName("cursor"); c == nil || c.Type.String() != "String!" {
		l.addf("type %s: an edge has a field cursor: String!", def.Name)
	}
	if n := def.Fields.ForName("node"); n == nil || n.Type.Elem != nil {
		l.addf("type %s: an edge has a field node that is not a list", def.Name)
	}
}

// connectionField checks that a field returning a connection can be paged forward (first,
// after) or backward (last, before), as the spec asks.
func (l *linter) connectionField(path string, f *ast.FieldDefinition) {
	if !strings.HasSuffix(f.Type.Name(), "Connection") || l.schema.Types[f.Type.Name()] == nil {
		return
	}
	args := f.Arguments
	forward := hasArg(args, "first", "Int") && hasArg(args, "after", "String")
	backward := hasArg(args, "last", "Int") && hasArg(args, "before", "String")
	if !forward && !backward {
		l.addf("%s returns a connection but takes neither first: Int, after: String nor last: Int, before: String", path)
	}
}

func hasArg(args ast.ArgumentDefinitionList, name, typ string) bool {
	a := args.ForName(name)
	return a != nil && a.Type.Name() == typ && a.Type.Elem == nil
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, suf := range suffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}
