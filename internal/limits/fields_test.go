package limits

import (
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// countTypes are the types whose fields count or add up rows: a field returning one is a
// count, priced by its Reads, unless it lies within another (a reach's registrations).
var countTypes = map[string]bool{"Reach": true, "RegistrationCounts": true, "BoundedCount": true, "MemberCount": true}

// TestFieldsMatchTheSchema holds Fields to the API's schema, so that a new list or count
// cannot be priced by a default without anyone deciding it: every entry names a field and
// arguments that exist, every list of objects has a size (its own, its connection's or its
// table's), every connection that can be counted has its rows, and every count has its reads.
func TestFieldsMatchTheSchema(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "schema.graphql", Input: string(b)})
	c := &coster{schema: schema}

	for key, f := range Fields {
		typ, name, _ := strings.Cut(key, ".")
		def := schema.Types[typ]
		if def == nil || def.Fields.ForName(name) == nil {
			t.Errorf("Fields[%q]: no such field", key)
			continue
		}
		field := def.Fields.ForName(name)
		hasArg := func(path string) bool {
			arg, rest, nested := strings.Cut(path, ".")
			a := field.Arguments.ForName(arg)
			if a == nil {
				return false
			}
			return !nested || schema.Types[a.Type.Name()].Fields.ForName(rest) != nil
		}
		var args []string
		if f.Size != nil {
			args = append(args, f.Size.Args...)
			if f.Size.IDs != "" {
				args = append(args, f.Size.IDs)
			}
			for _, of := range f.Size.Of {
				if ft := schema.Types[field.Type.Name()]; ft.Fields.ForName(of) == nil || ft.Fields.ForName(of).Type.Elem == nil {
					t.Errorf("Fields[%q]: %s is not a list of %s", key, of, ft.Name)
				}
			}
		}
		rows := []*Rows{f.Rows}
		for _, rd := range f.Reads {
			rows = append(rows, rd.Rows)
			if rd.AtMost != "" {
				args = append(args, rd.AtMost)
			}
		}
		for _, r := range rows {
			if r == nil {
				continue
			}
			for _, m := range []map[string]string{r.Narrow, r.Values} {
				for arg := range m {
					args = append(args, arg)
				}
			}
		}
		for _, arg := range args {
			if !hasArg(arg) {
				t.Errorf("Fields[%q]: no argument %s", key, arg)
			}
		}
	}

	for _, def := range schema.Types {
		if def.BuiltIn || (def.Kind != ast.Object && def.Kind != ast.Interface) || strings.HasPrefix(def.Name, "__") {
			continue
		}
		sized := map[string]bool{}
		if c.isConnection(def) {
			sized["edges"], sized["nodes"] = true, true
		}
		for key, f := range Fields {
			if f.Size != nil {
				if typ, name, _ := strings.Cut(key, "."); schema.Types[typ] != nil {
					if field := schema.Types[typ].Fields.ForName(name); field != nil && field.Type.Name() == def.Name {
						for _, of := range f.Size.Of {
							sized[of] = true
						}
					}
				}
			}
		}
		for _, field := range def.Fields {
			key := def.Name + "." + field.Name
			ft := schema.Types[field.Type.Name()]
			rule, declared := Fields[key]
			switch {
			case strings.HasPrefix(field.Name, "__") || ft == nil:
			case field.Type.Elem != nil && ft.Kind != ast.Scalar && ft.Kind != ast.Enum &&
				!sized[field.Name] && ft.Name != "UserError" && (rule.Size == nil && rule.Rows == nil):
				// A mutation's userErrors are its input's problems, not rows: the default page
				// prices them.
				t.Errorf("%s is a list of %s without a size: add it to Fields", key, ft.Name)
			case c.isConnection(ft) && ft.Fields.ForName("totalCount") != nil && rule.Rows == nil:
				t.Errorf("%s returns %s, whose totalCount needs the rows it counts: add them to Fields", key, ft.Name)
			case countTypes[ft.Name] && !countTypes[def.Name] && (!declared || len(rule.Reads) == 0):
				t.Errorf("%s is a count (%s) without the rows it reads: add them to Fields", key, ft.Name)
			}
		}
	}

	tables, columns := Wanted(Fields)
	if len(tables) < 10 || len(columns) < 10 {
		t.Errorf("Wanted(Fields) = %d tables and %d columns, want the API's", len(tables), len(columns))
	}
}
