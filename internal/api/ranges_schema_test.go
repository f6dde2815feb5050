package api_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"campaigns/graph"
	"campaigns/graph/generated"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// intPlace is one place of the schema where a client writes an Int: an argument of a field,
// itself an Int or an input object that holds one at the end of inputPath.
type intPlace struct {
	parent    *ast.Definition
	field     *ast.FieldDefinition
	arg       *ast.ArgumentDefinition
	inputPath []*ast.FieldDefinition
}

func (p intPlace) String() string {
	s := p.parent.Name + "." + p.field.Name + "(" + p.arg.Name
	for _, f := range p.inputPath {
		s += "." + f.Name
	}
	return s + ")"
}

// intPlaces lists every Int argument and every Int field of an input type that an argument
// takes, at any depth, in a stable order.
func intPlaces(schema *ast.Schema) []intPlace {
	var out []intPlace
	var walk func(p intPlace, t *ast.Type, seen map[string]bool)
	walk = func(p intPlace, t *ast.Type, seen map[string]bool) {
		name := t.Name()
		if name == "Int" {
			out = append(out, p)
			return
		}
		def := schema.Types[name]
		if def == nil || def.Kind != ast.InputObject || seen[name] {
			return
		}
		seen[name] = true
		defer delete(seen, name)
		for _, f := range def.Fields {
			next := p
			next.inputPath = append(append([]*ast.FieldDefinition(nil), p.inputPath...), f)
			walk(next, f.Type, seen)
		}
	}
	for _, def := range schema.Types {
		if def.Kind != ast.Object || strings.HasPrefix(def.Name, "__") {
			continue
		}
		for _, f := range def.Fields {
			for _, a := range f.Arguments {
				walk(intPlace{parent: def, field: f, arg: a}, a.Type, map[string]bool{})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// routes finds, for each object type, a selection from the root that reaches it through
// fields that answer without arguments: the lists of the seeded data, and their fields.
func routes(schema *ast.Schema) map[string][]string {
	route := map[string][]string{schema.Query.Name: nil}
	queue := []string{schema.Query.Name}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, f := range schema.Types[name].Fields {
			next := schema.Types[f.Type.Name()]
			if next == nil || next.Kind != ast.Object || strings.HasPrefix(f.Name, "__") || !listsAll(f) {
				continue
			}
			if _, ok := route[next.Name]; ok {
				continue
			}
			route[next.Name] = append(append([]string(nil), route[name]...), f.Name)
			queue = append(queue, next.Name)
		}
	}
	return route
}

// listsAll reports whether a field answers without arguments: one that takes none, or a
// list or connection whose arguments all may be left out. A field such as campaign(id, slug)
// takes only optional arguments, yet answers nothing without one.
func listsAll(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return false
		}
	}
	return len(f.Arguments) == 0 || f.Type.Elem != nil || strings.HasSuffix(f.Type.Name(), "Connection")
}

// dummy is a literal of type t that passes validation, for the required arguments and
// fields around the Int under test.
func dummy(schema *ast.Schema, t *ast.Type) string {
	if t.Elem != nil {
		return "[" + dummy(schema, t.Elem) + "]"
	}
	def := schema.Types[t.NamedType]
	switch {
	case def.Kind == ast.Enum:
		return def.EnumValues[0].Name
	case def.Kind == ast.InputObject:
		return "{" + requiredFields(schema, def, "") + "}"
	}
	switch t.NamedType {
	case "Int", "Float":
		return "1"
	case "Boolean":
		return "true"
	case "DateTime":
		return `"2012-12-08T19:00:00Z"`
	case "Date":
		return `"2012"`
	default:
		return `"x"`
	}
}

// requiredFields writes an input object's required fields other than skip.
func requiredFields(schema *ast.Schema, def *ast.Definition, skip string) string {
	var parts []string
	for _, f := range def.Fields {
		if f.Name != skip && f.Type.NonNull && f.DefaultValue == nil {
			parts = append(parts, f.Name+": "+dummy(schema, f.Type))
		}
	}
	return strings.Join(parts, ", ")
}

// request writes a document that sends value to the place, as a variable $v (whose value is
// then vars) or written in the document.
func (p intPlace) request(schema *ast.Schema, route []string, value string, asVariable bool) (string, map[string]any) {
	var arg string
	var vars map[string]any
	if asVariable {
		arg = "$v"
		var v any = jsonNumber(value)
		for i := len(p.inputPath) - 1; i >= 0; i-- {
			v = map[string]any{p.inputPath[i].Name: v}
		}
		if p.arg.Type.Elem != nil && len(p.inputPath) > 0 {
			v = []any{v}
		}
		vars = map[string]any{"v": v}
	} else {
		arg = value
		for i := len(p.inputPath) - 1; i >= 0; i-- {
			owner := schema.Types[typeAt(p, i).Name()]
			fields := requiredFields(schema, owner, p.inputPath[i].Name)
			if fields != "" {
				fields += ", "
			}
			arg = "{" + fields + p.inputPath[i].Name + ": " + arg + "}"
			if typeAt(p, i).Elem != nil {
				arg = "[" + arg + "]"
			}
		}
	}
	args := []string{p.arg.Name + ": " + arg}
	for _, a := range p.field.Arguments {
		if a.Name != p.arg.Name && a.Type.NonNull && a.DefaultValue == nil {
			args = append(args, a.Name+": "+dummy(schema, a.Type))
		}
	}
	sel := p.field.Name + "(" + strings.Join(args, ", ") + ")"
	if def := schema.Types[p.field.Type.Name()]; def.Kind == ast.Object || def.Kind == ast.Interface || def.Kind == ast.Union {
		sel += " { __typename }"
	}
	op := "query"
	if p.parent == schema.Mutation {
		op = "mutation"
	} else {
		for i := len(route) - 1; i >= 0; i-- {
			sel = route[i] + " { " + sel + " }"
		}
	}
	if asVariable {
		return fmt.Sprintf("%s($v: %s) { %s }", op, p.arg.Type.String(), sel), vars
	}
	return fmt.Sprintf("%s { %s }", op, sel), nil
}

// typeAt is the type of the input object holding inputPath[i]: the argument's for the first.
func typeAt(p intPlace, i int) *ast.Type {
	if i == 0 {
		return p.arg.Type
	}
	return p.inputPath[i-1].Type
}

type jsonNumber string

func (n jsonNumber) MarshalJSON() ([]byte, error) { return []byte(n), nil }

// TestEveryIntInRange walks every Int a client can send, argument or input field at any
// depth, as the executable schema declares them, and sends each out-of-range values both
// as a variable and written in the document, over the seed data: each is answered
// BAD_USER_INPUT in our words, never an internal error, and never reaches a resolver (which
// would have answered NOT_FOUND for the made-up IDs around it).
func TestEveryIntInRange(t *testing.T) {
	t.Parallel()
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{}}).Schema()
	places := intPlaces(schema)
	if len(places) < 40 {
		t.Fatalf("found %d places for an Int in the schema, want at least 40: %v", len(places), places)
	}
	route := routes(schema)
	st := dbtest.Seeded(t)
	// A key, so that viewer and what hangs from it answer; its organization owns nothing.
	c := apitest.New(st).As(apitest.Key(t, st, "ranges-partner", "EDITOR"))
	for _, p := range places {
		r, reachable := route[p.parent.Name]
		if p.parent == schema.Subscription {
			reachable = false // subscriptions do not run over POST; their variables are checked all the same
		}
		if p.parent == schema.Mutation {
			reachable = true
		}
		for _, value := range []string{"2147483648", "-2147483649", "4294967297", "9223372036854775807", "-9223372036854775808", "1e20"} {
			for _, asVariable := range []bool{true, false} {
				if !asVariable && !reachable {
					continue
				}
				name := fmt.Sprintf("%s=%s/variable=%t", p, value, asVariable)
				t.Run(name, func(t *testing.T) {
					query, vars := p.request(schema, r, value, asVariable)
					res := c.Query(t, query, vars)
					if res.Status >= 500 || len(res.Errors) == 0 {
						t.Fatalf("%s: status %d, errors %+v, data %s", query, res.Status, res.Errors, res.Data)
					}
					for _, e := range res.Errors {
						if e.Code() != "BAD_USER_INPUT" || !strings.Contains(e.Message, " must be a whole number between -2147483648 and 2147483647; got ") {
							t.Fatalf("%s: error %q (%s), want BAD_USER_INPUT", query, e.Message, e.Code())
						}
					}
				})
			}
		}
	}
}
