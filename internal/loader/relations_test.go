package loader_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"campaigns/graph"
	"campaigns/graph/generated"
	"campaigns/internal/loader"
	"campaigns/models"
)

// TestRelationsMatchSchema holds the relation table to the executable schema: every row
// names a field of the schema, once; its parent and record types are the Go types the
// resolvers bind the field's object and type to; and every field that a resolver resolves
// to stored records (a record, a list of them or a connection) has a row. A renamed field
// or a missing row fails here instead of quietly loading through the loader's window.
func TestRelationsMatchSchema(t *testing.T) {
	problems := checkRelations(table())
	for _, p := range problems {
		t.Error(p)
	}
}

// TestRelationsCheckFails makes sure the check above can fail: it finds a removed row, a
// row whose field the schema does not have, and a row of the wrong types.
func TestRelationsCheckFails(t *testing.T) {
	var without []row
	removed := ""
	for _, r := range table() {
		if r.Field() == "Campaign.events" {
			removed = r.Field()
			continue
		}
		without = append(without, r)
	}
	if removed == "" {
		t.Fatal("no row for Campaign.events")
	}
	for name, c := range map[string]struct {
		rows []row
		want string
	}{
		"removed row":  {without, "Campaign.events: no row"},
		"renamed":      {append(table(), fake{"Campaign.happenings", tf[*models.Campaign](), tf[*models.Event]()}), "Campaign.happenings: no such field"},
		"wrong parent": {append(clone(without), fake{"Campaign.events", tf[*models.Event](), tf[*models.Event]()}), "Campaign.events: parent"},
		"wrong record": {append(clone(without), fake{"Campaign.events", tf[*models.Campaign](), tf[*models.Campaign]()}), "Campaign.events: records"},
		"twice":        {append(table(), fake{"Campaign.events", tf[*models.Campaign](), tf[*models.Event]()}), "Campaign.events: 2 rows"},
	} {
		t.Run(name, func(t *testing.T) {
			problems := checkRelations(c.rows)
			for _, p := range problems {
				if strings.Contains(p, c.want) {
					return
				}
			}
			t.Errorf("no problem %q among %q", c.want, problems)
		})
	}
}

// table is the relation table, as rows the check reads.
func table() []row {
	rows := make([]row, len(loader.Relations))
	for i, r := range loader.Relations {
		rows[i] = r
	}
	return rows
}

func clone(rows []row) []row { return append([]row(nil), rows...) }

func tf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// fake is a row made up by TestRelationsCheckFails.
type fake struct {
	field            string
	parent, children reflect.Type
}

func (f fake) Field() string                       { return f.field }
func (f fake) Types() (reflect.Type, reflect.Type) { return f.parent, f.children }

// row is what the check reads of a row of the table.
type row interface {
	Field() string
	Types() (parent, records reflect.Type)
}

// checkRelations lists what is wrong with rows against the executable schema.
func checkRelations(rows []row) []string {
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &graph.Resolver{}}).Schema()
	goTypes, resolved := bindings(schema)
	var problems []string
	count, reads := map[string]int{}, map[string]int{}
	for _, r := range rows {
		name := r.Field()
		count[name]++
		if _, recs := r.Types(); recs == reflect.TypeFor[loader.None]() {
			reads[name]++ // a field may read through several loaders
		}
		typ, field, _ := strings.Cut(name, ".")
		def := schema.Types[typ]
		if def == nil || def.Fields.ForName(field) == nil {
			problems = append(problems, name+": no such field in the schema")
			continue
		}
		parent, recs := r.Types()
		wantParent := goTypes[typ]
		if typ == "Query" {
			wantParent = reflect.TypeFor[loader.None]()
		}
		if parent != wantParent {
			problems = append(problems, name+": parent is "+str(parent)+", the schema's "+typ+" is "+str(wantParent))
		}
		wantRecs := goTypes[def.Fields.ForName(field).Type.Name()]
		if rf, ok := resolved[name]; ok {
			wantRecs = rf.records
		}
		if recs == reflect.TypeFor[loader.None]() {
			// A field that only reads records (a text in the caller's language): it must
			// not be a relation.
			if isRecord(wantRecs) {
				problems = append(problems, name+": records are none, the field resolves to "+str(wantRecs))
			}
			continue
		}
		if recs != wantRecs {
			problems = append(problems, name+": records are "+str(recs)+", the field resolves to "+str(wantRecs))
		}
	}
	for name, n := range count {
		if n-reads[name] > 1 {
			problems = append(problems, fmt.Sprintf("%s: %d rows", name, n))
		}
	}
	for name, rf := range resolved {
		if rf.relation && count[name] == 0 {
			problems = append(problems, name+": no row in the relation table (internal/loader/relations.go), though a resolver reads its records")
		}
	}
	return problems
}

func str(t reflect.Type) string {
	if t == nil {
		return "unknown"
	}
	return t.String()
}

// resolvedField is a field that a resolver resolves.
type resolvedField struct {
	records  reflect.Type // the records the resolver returns (one, or each of a list or page)
	relation bool         // a relation: from the root or a stored record to stored records
}

// bindings reads, from the resolver interfaces of the generated code, the Go type each
// schema type is bound to, and what each resolver-backed field resolves to.
func bindings(schema *ast.Schema) (map[string]reflect.Type, map[string]resolvedField) {
	goTypes := map[string]reflect.Type{}
	resolved := map[string]resolvedField{}
	root := reflect.TypeFor[generated.ResolverRoot]()
	type method struct {
		def *ast.Definition
		m   reflect.Method
	}
	var methods []method
	for i := range root.NumMethod() {
		typ := root.Method(i).Name
		if typ == "Mutation" || typ == "Subscription" {
			continue
		}
		def := schemaType(schema, typ)
		iface := root.Method(i).Type.Out(0)
		for j := range iface.NumMethod() {
			m := iface.Method(j)
			if typ != "Query" && m.Type.NumIn() > 1 {
				goTypes[def.Name] = m.Type.In(1)
			}
			methods = append(methods, method{def, m})
		}
	}
	for _, m := range methods {
		for _, f := range m.def.Fields {
			if !strings.EqualFold(f.Name, m.m.Name) {
				continue
			}
			recs := elem(m.m.Type.Out(0))
			if _, ok := goTypes[f.Type.Name()]; !ok {
				goTypes[f.Type.Name()] = recs
			}
			parentIsRecord := m.def.Name == "Query" || isRecord(goTypes[m.def.Name])
			resolved[m.def.Name+"."+f.Name] = resolvedField{recs, parentIsRecord && isRecord(recs)}
		}
	}
	return goTypes, resolved
}

// schemaType finds the schema type a resolver interface is named after (ApiKey for ApiKey,
// which gqlgen spells as the schema does).
func schemaType(schema *ast.Schema, name string) *ast.Definition {
	if d := schema.Types[name]; d != nil {
		return d
	}
	for n, d := range schema.Types {
		if strings.EqualFold(n, name) {
			return d
		}
	}
	panic("no schema type for resolver " + name)
}

// elem is the record type of a resolver's result: the element of a list, the node of a
// connection, or the result itself.
func elem(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Slice {
		return t.Elem()
	}
	if m, ok := t.MethodByName("Nodes"); ok && m.Type.NumOut() == 1 && m.Type.Out(0).Kind() == reflect.Slice {
		return m.Type.Out(0).Elem()
	}
	return t
}

// isRecord reports whether t is a stored record: a pointer to a struct of package models
// with a primary key (an ID, or gorm's primaryKey columns), or the Node interface that
// records implement.
func isRecord(t reflect.Type) bool {
	if t == nil {
		return false
	}
	if t == reflect.TypeFor[models.Node]() {
		return true
	}
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct || t.Elem().PkgPath() != reflect.TypeFor[models.Campaign]().PkgPath() {
		return false
	}
	st := t.Elem()
	for i := range st.NumField() {
		if f := st.Field(i); f.Name == "ID" || strings.Contains(f.Tag.Get("gorm"), "primaryKey") {
			return true
		}
	}
	return false
}
