package limits

import (
	"encoding/json"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CostModel prices a query by the objects it may load: a rough count of the rows a
// request can touch, known before it runs.
//
//   - A field of an object type costs 1 plus its selections; a leaf (scalar or enum) costs
//     nothing, and neither does introspection, which reads no data.
//   - A connection's edges and nodes repeat their cost once per item of the page asked
//     for (first or last), DefaultPage when neither is given.
//   - Any other list of objects repeats its cost DefaultList times, or once per ID given
//     in an ids argument.
//   - A mutation field costs Mutation more, for the transaction it writes.
//
// So `campaigns(first: 10) { nodes { name partners { organization { name } } } }` costs
// 1 + 10 × (1 + 10 × (1 + 1)) = 211.
type CostModel struct {
	DefaultPage int
	// MaxPage is the largest page a connection serves; a larger first or last is refused
	// when the field runs, and costs MaxPage here so that its refusal is the clearer one.
	MaxPage     int
	DefaultList int
	Mutation    int
}

// DefaultCostModel is the model with the page bounds of internal/page.
func DefaultCostModel() CostModel {
	return CostModel{DefaultPage: 20, MaxPage: 100, DefaultList: 10, Mutation: 10}
}

// CheckCost refuses an operation that costs more than max, and returns the cost.
func CheckCost(schema *ast.Schema, op *ast.OperationDefinition, vars map[string]any, m CostModel, max int) (int, *gqlerror.Error) {
	cost := Cost(schema, op, vars, m)
	if cost > max {
		return cost, refusal(CodeQueryTooComplex, "the operation may cost %d points; the limit is %d: ask for smaller pages or fewer nested lists", cost, max)
	}
	return cost, nil
}

// Cost returns the cost of op, a validated operation, with its coerced variables. Counts
// saturate rather than overflow.
func Cost(schema *ast.Schema, op *ast.OperationDefinition, vars map[string]any, m CostModel) int {
	c := coster{schema: schema, vars: vars, model: m}
	total := c.selections(op.SelectionSet, notAPage)
	if op.Operation == ast.Mutation {
		for _, sel := range op.SelectionSet {
			if _, ok := sel.(*ast.Field); ok {
				total = satAdd(total, m.Mutation)
			}
		}
	}
	return total
}

type coster struct {
	schema *ast.Schema
	vars   map[string]any
	model  CostModel
}

// notAPage is the page size of a selection set that is not a connection's.
const notAPage = -1

// selections prices a selection set; page is the page size when the set is a
// connection's, whose edges and nodes repeat once per item, and notAPage otherwise.
func (c coster) selections(set ast.SelectionSet, page int) int {
	total := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			total = satAdd(total, c.field(sel, page))
		case *ast.InlineFragment:
			total = satAdd(total, c.selections(sel.SelectionSet, page))
		case *ast.FragmentSpread:
			if sel.Definition != nil {
				total = satAdd(total, c.selections(sel.Definition.SelectionSet, page))
			}
		}
	}
	return total
}

func (c coster) field(f *ast.Field, page int) int {
	if strings.HasPrefix(f.Name, "__") || f.Definition == nil || len(f.SelectionSet) == 0 {
		return 0
	}
	args := f.ArgumentMap(c.vars)
	childPage := notAPage
	if c.isConnection(f.Definition.Type.Name()) {
		childPage = c.pageSize(args)
	}
	each := satAdd(1, c.selections(f.SelectionSet, childPage))
	if f.Definition.Type.Elem == nil {
		return each
	}
	n := c.model.DefaultList
	if ids, ok := args["ids"].([]any); ok {
		n = len(ids)
	}
	if page != notAPage && (f.Name == "edges" || f.Name == "nodes") {
		n = page
	}
	return satMul(n, each)
}

// isConnection reports whether the type named name is a Relay connection.
func (c coster) isConnection(name string) bool {
	def := c.schema.Types[name]
	return def != nil && def.Kind == ast.Object && def.Fields.ForName("edges") != nil && def.Fields.ForName("pageInfo") != nil
}

// pageSize is the page a connection field asks for, within 0 and MaxPage.
func (c coster) pageSize(args map[string]any) int {
	size, given := 0, false
	for _, name := range []string{"first", "last"} {
		if n, ok := intValue(args[name]); ok {
			size, given = max(size, n), true
		}
	}
	if !given {
		return c.model.DefaultPage
	}
	return min(max(size, 0), c.model.MaxPage)
}

// intValue reads an Int argument, which arrives as int64 from a literal and in the
// variables' own types from a variable.
func intValue(v any) (int, bool) {
	switch v := v.(type) {
	case int:
		return v, true
	case int32:
		return int(v), true
	case int64:
		return int(max(min(v, saturation), -saturation)), true
	case float64:
		return int(max(min(v, saturation), -saturation)), true
	case json.Number:
		n, err := v.Int64()
		return int(max(min(n, saturation), -saturation)), err == nil
	}
	return 0, false
}

func satMul(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > saturation/b {
		return saturation
	}
	return a * b
}
