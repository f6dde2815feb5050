package scalar

import (
	"context"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"campaigns/internal/problem"
)

// Variables is a gqlgen extension that checks the Int and enum values among a request's
// variables before gqlgen coerces them, at any depth of an input object or list.
//
// gqlparser's coercion would answer 2.5 with "cannot use value 0 as Int" and let 4294967297
// through to the resolvers; here every Int is read as the Int scalar reads it. A value that is
// not a whole number is refused as gqlparser refuses a variable of the wrong type
// (GRAPHQL_VALIDATION_FAILED), a whole number outside 32 bits with BAD_USER_INPUT, and both
// with a sentence naming the variable: "first must be a whole number between -2147483648 and
// 2147483647; got 2.5". Whole numbers written as 2.0 or "2" are rewritten to integers for
// gqlparser, which takes only those.
//
// gqlparser also takes an enum variable in any case ("concert" for CONCERT), and the models
// hold enums as plain strings, so "concert" would reach the database, whose CHECK
// constraint refuses it with an internal error, and a filter on "active" would quietly match
// nothing. An enum value must be one of the enum's own, as it must in a document.
//
// It must be used after any extension that fills in the query, such as persisted queries.
type Variables struct {
	// Documents, when set, is gqlgen's query cache: a document seen before is found there
	// instead of being parsed again.
	Documents graphql.Cache[*ast.QueryDocument]
	schema    *ast.Schema
	// checked names the types this reads: Int, the enums, and the input types that hold
	// either at some depth.
	checked map[string]bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*Variables)(nil)

// ExtensionName names the extension for gqlgen.
func (v *Variables) ExtensionName() string { return "IntVariables" }

// Validate keeps the schema, whose input types say where the Ints are.
func (v *Variables) Validate(es graphql.ExecutableSchema) error {
	v.schema = es.Schema()
	v.checked = map[string]bool{"Int": true}
	for _, def := range v.schema.Types {
		if def.Kind == ast.Enum {
			v.checked[def.Name] = true
		}
	}
	for _, def := range v.schema.Types {
		if def.Kind == ast.InputObject && v.reaches(def, map[string]bool{}) {
			v.checked[def.Name] = true
		}
	}
	return nil
}

// MutateOperationParameters checks, and where needed rewrites, the request's Int variables.
// A document that does not parse is left for gqlgen to refuse.
func (v *Variables) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	if len(raw.Variables) == 0 || raw.Query == "" {
		return nil
	}
	op := v.operation(ctx, raw)
	if op == nil {
		return nil
	}
	for _, def := range op.VariableDefinitions {
		val, ok := raw.Variables[def.Variable]
		if !ok || !v.checked[def.Type.Name()] {
			continue
		}
		c := checker{schema: v.schema, path: ast.Path{ast.PathName("variable"), ast.PathName(def.Variable)}, name: def.Variable}
		fixed, err := c.check(def.Type, val)
		if err != nil {
			return err
		}
		raw.Variables[def.Variable] = fixed
	}
	return nil
}

// operation returns the operation the request names, or nil when the document does not
// parse or does not say which operation to run.
func (v *Variables) operation(ctx context.Context, raw *graphql.RawParams) *ast.OperationDefinition {
	var doc *ast.QueryDocument
	if v.Documents != nil {
		doc, _ = v.Documents.Get(ctx, raw.Query)
	}
	if doc == nil {
		var err error
		if doc, err = parser.ParseQuery(&ast.Source{Input: raw.Query}); err != nil {
			return nil
		}
	}
	if raw.OperationName == "" && len(doc.Operations) != 1 {
		return nil
	}
	return doc.Operations.ForName(raw.OperationName)
}

// reaches reports whether an input type holds an Int or an enum in any of its fields, at any
// depth.
func (v *Variables) reaches(def *ast.Definition, seen map[string]bool) bool {
	seen[def.Name] = true
	for _, f := range def.Fields {
		name := f.Type.Name()
		d := v.schema.Types[name]
		switch {
		case name == "Int", d != nil && d.Kind == ast.Enum:
			return true
		case d != nil && d.Kind == ast.InputObject && !seen[name] && v.reaches(d, seen):
			return true
		}
	}
	return false
}

// checker walks one variable's value along its type.
type checker struct {
	schema *ast.Schema
	path   ast.Path
	name   string
}

// check returns the value with its Ints as int64, or the error for the first one refused.
func (c checker) check(t *ast.Type, val any) (any, *gqlerror.Error) {
	if val == nil {
		return nil, nil
	}
	if t.Elem != nil {
		list, ok := val.([]any)
		if !ok {
			return c.check(t.Elem, val) // a single value stands for a list of one
		}
		for i, item := range list {
			fixed, err := c.at(ast.PathIndex(i), "["+strconv.Itoa(i)+"]").check(t.Elem, item)
			if err != nil {
				return nil, err
			}
			list[i] = fixed
		}
		return list, nil
	}
	if t.NamedType == "Int" {
		n, err := Int32(val)
		if err != nil {
			return nil, c.refuse(err.(*Error))
		}
		return int64(n), nil
	}
	def := c.schema.Types[t.NamedType]
	if def != nil && def.Kind == ast.Enum {
		if s, ok := val.(string); !ok || def.EnumValues.ForName(s) == nil {
			return nil, c.refuse(&Error{Problem: "must be one of " + enumValues(def) + "; got " + Show(val)})
		}
		return val, nil
	}
	obj, ok := val.(map[string]any)
	if def == nil || def.Kind != ast.InputObject || !ok {
		return val, nil // gqlparser says what is wrong with it
	}
	for _, f := range def.Fields {
		fv, ok := obj[f.Name]
		if !ok {
			continue
		}
		fixed, err := c.at(ast.PathName(f.Name), "."+f.Name).check(f.Type, fv)
		if err != nil {
			return nil, err
		}
		obj[f.Name] = fixed
	}
	return obj, nil
}

// enumValues lists an enum's values for a message.
func enumValues(def *ast.Definition) string {
	names := make([]string, len(def.EnumValues))
	for i, e := range def.EnumValues {
		names[i] = e.Name
	}
	return strings.Join(names, ", ")
}

func (c checker) at(elem ast.PathElement, suffix string) checker {
	path := make(ast.Path, len(c.path), len(c.path)+1)
	copy(path, c.path)
	return checker{schema: c.schema, path: append(path, elem), name: c.name + suffix}
}

// refuse is the error for a refused Int: out of range is the client's input, anything else
// a variable of the wrong type, as gqlparser calls it.
func (c checker) refuse(e *Error) *gqlerror.Error {
	err := gqlerror.ErrorPathf(c.path, "%s %s", c.name, e.Problem)
	if e.OutOfRange {
		errcode.Set(err, string(problem.BadUserInput))
	} else {
		errcode.Set(err, errcode.ValidationFailed)
	}
	return err
}
