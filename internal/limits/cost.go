package limits

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"campaigns/internal/problem"
)

// CostModel prices a query, before it runs, by the most work it may make: a point for each
// object it may return, and a point for each so many rows PostgreSQL may read for it without
// returning them (counts, aggregates, a search's ranking).
//
//   - A field of an object type costs 1 plus its selections; a leaf (scalar or enum) costs
//     nothing unless it counts, and neither does introspection, which reads no data.
//   - A list repeats its items' cost once per item it may return: a connection's edges and
//     nodes once per item of the page asked for (first or last, at most MaxPage, DefaultPage
//     when neither is given), `changes` once per change asked for, `nodes(ids:)` once per ID,
//     a list that the writes bound at that bound, and any other list at the longest such
//     list in the data (Stats: the share of the most common parent, or the whole table
//     while the column is not analyzed), DefaultPage without statistics. Nested lists
//     multiply.
//   - A field of an abstract type costs what its costliest possible type would.
//   - A count (totalCount, count(atMost:), memberCount, registrationCounts), an aggregate
//     (reach) and a search cost the rows PostgreSQL estimates they read (Stats), at the rate
//     of their kind of work (RowsPerPoint); a count under a parent (a campaign's events) is
//     priced at the parent with the most rows, since which parent is not known before the
//     query runs. A search's matches are counted before it runs (Estimate).
//   - A mutation field costs Mutation more, for the transaction it writes.
//
// So `campaigns(first: 10) { nodes { name partners { organization { name } } } }` costs
// 1 + 10 × (1 + 8 × (1 + 1)) = 171 while the campaign with the most partners has 8.
type CostModel struct {
	DefaultPage int
	// MaxPage is the largest page a connection serves; a larger first or last is refused
	// when the field runs, and costs MaxPage here so that its refusal is the clearer one.
	MaxPage  int
	Mutation int
	// RowsPerPoint is, for each kind of work, how many rows cost a point: as long as
	// returning one object takes (see DefaultCostModel).
	RowsPerPoint [works]float64
	// Fields are the fields priced beyond their objects (see Field); nil for none.
	Fields map[string]Field
	// Stats returns PostgreSQL's current estimates; nil, or a nil result, prices every
	// table it reads as unknownRows long and every list without a bound at DefaultPage.
	Stats func() *Stats
	// Coarse are the tables whose length is rounded up to a power of two, at least
	// coarseRows, before it prices anything: those of members' data, whose exact length a
	// price would otherwise let anyone watch change as young people register and join.
	Coarse map[string]bool
	// Estimate, when set, counts the rows that a Read naming an estimator reads for the
	// field's arguments, by asking the database (a search's matches); false falls back to
	// Stats.
	Estimate func(name string, args map[string]any) (rows float64, ok bool)
}

// DefaultCostModel is the model with the page bounds of internal/page, this API's Fields,
// and the rates measured on the development machine (README, "Limits and protocol"): the API
// returns an object in 10–20 µs (the campaign list, about 1,000 objects, in 10 ms); an
// index-only count reads an entry in 0.1–0.6 µs (866,000 in 0.5 s, BENCHMARKS.md); reach adds
// up a row in 2–3 µs; and a search scores a matching document in 45–70 µs.
func DefaultCostModel() CostModel {
	return CostModel{DefaultPage: 20, MaxPage: 100, Mutation: 10,
		RowsPerPoint: [works]float64{Counted: 20, Aggregated: 5, Ranked: 1.0 / 3}, Fields: Fields, Coarse: MembersTables}
}

// CheckCost refuses an operation that costs more than max, and returns the cost.
func CheckCost(schema *ast.Schema, op *ast.OperationDefinition, vars map[string]any, m CostModel, max int) (int, *gqlerror.Error) {
	cost := Cost(schema, op, vars, m)
	if cost > max {
		return cost, refusal(problem.QueryTooComplex, "the operation may cost %d points; the limit is %d: ask for smaller pages, "+
			"fewer nested lists, or count(atMost:) instead of an exact totalCount of a long list", cost, max)
	}
	return cost, nil
}

// Cost returns the cost of op, a validated operation, with its coerced variables. Counts
// saturate rather than overflow.
func Cost(schema *ast.Schema, op *ast.OperationDefinition, vars map[string]any, m CostModel) int {
	c := &coster{schema: schema, vars: vars, model: m}
	root := schema.Query
	switch op.Operation {
	case ast.Mutation:
		root = schema.Mutation
	case ast.Subscription:
		root = schema.Subscription
	}
	total := c.selectionSet(op.SelectionSet, scope{}, root)
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
	// st holds the statistics once asked for; asked tells whether they were.
	st    *Stats
	asked bool
}

// scope is what a selection set lies within: the lists of its type that repeat (a
// connection's edges and nodes) and how often, and the connection whose rows its counts count.
type scope struct {
	sized map[string]int
	// perItem is what each item of those lists costs beyond its selections.
	perItem int
	conn    *connection
}

// connection is a connection field being priced: the rows it pages through, with the
// arguments that narrow them.
type connection struct {
	rows *Rows
	args map[string]any
}

// stats returns the statistics, asking for them once.
func (c *coster) stats() *Stats {
	if !c.asked {
		c.asked = true
		if c.model.Stats != nil {
			c.st = c.model.Stats()
		}
	}
	return c.st
}

// selectionSet prices a selection set on typ: for an abstract type, the costliest of its
// possible types, when type conditions make them differ.
func (c *coster) selectionSet(set ast.SelectionSet, sc scope, typ *ast.Definition) int {
	if typ == nil || !typ.IsAbstractType() || !hasFragments(set) {
		return c.selections(set, sc, typ)
	}
	most := 0
	for _, t := range c.schema.GetPossibleTypes(typ) {
		most = max(most, c.selections(set, sc, t))
	}
	return most
}

// selections prices the selections of set that apply to typ (nil: all of them).
func (c *coster) selections(set ast.SelectionSet, sc scope, typ *ast.Definition) int {
	total := 0
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			total = satAdd(total, c.field(sel, sc))
		case *ast.InlineFragment:
			if c.applies(sel.TypeCondition, typ) {
				total = satAdd(total, c.selections(sel.SelectionSet, sc, typ))
			}
		case *ast.FragmentSpread:
			if sel.Definition != nil && c.applies(sel.Definition.TypeCondition, typ) {
				total = satAdd(total, c.selections(sel.Definition.SelectionSet, sc, typ))
			}
		}
	}
	return total
}

// applies reports whether a fragment on the type named cond applies to an object of typ.
func (c *coster) applies(cond string, typ *ast.Definition) bool {
	if cond == "" || typ == nil || typ.IsAbstractType() || cond == typ.Name {
		return true
	}
	def := c.schema.Types[cond]
	if def == nil || !def.IsAbstractType() {
		return false
	}
	for _, t := range c.schema.GetPossibleTypes(def) {
		if t.Name == typ.Name {
			return true
		}
	}
	return false
}

func hasFragments(set ast.SelectionSet) bool {
	for _, sel := range set {
		if _, ok := sel.(*ast.Field); !ok {
			return true
		}
	}
	return false
}

func (c *coster) field(f *ast.Field, sc scope) int {
	if strings.HasPrefix(f.Name, "__") || f.Definition == nil {
		return 0
	}
	var rule Field
	if f.ObjectDefinition != nil {
		rule = c.model.Fields[f.ObjectDefinition.Name+"."+f.Name]
	}
	if len(f.SelectionSet) == 0 && len(rule.Reads) == 0 {
		if f.Name == "totalCount" && sc.conn != nil {
			return c.read(Read{Work: Counted}, nil, sc.conn)
		}
		return 0 // a leaf, most fields: no arguments to read
	}
	args := f.ArgumentMap(c.vars)
	reads := 0
	for _, rd := range rule.Reads {
		if !rd.PerItem {
			reads = satAdd(reads, c.read(rd, args, sc.conn))
		}
	}
	if len(f.SelectionSet) == 0 {
		if f.Name == "totalCount" && sc.conn != nil {
			reads = satAdd(reads, c.read(Read{Work: Counted}, args, sc.conn))
		}
		return reads
	}

	typ := c.schema.Types[f.Definition.Type.Name()]
	child := scope{}
	size := rule.Size
	if size == nil && c.isConnection(typ) {
		size = &Size{Args: []string{"first", "last"}, Default: c.model.DefaultPage, Max: c.model.MaxPage, Of: []string{"edges", "nodes"}}
	}
	if size != nil && len(size.Of) > 0 {
		n := c.size(size, args)
		child.sized = map[string]int{}
		for _, name := range size.Of {
			child.sized[name] = n
		}
		if rule.Rows != nil {
			child.conn = &connection{rows: rule.Rows, args: args}
		}
		for _, rd := range rule.Reads {
			if rd.PerItem {
				child.perItem = satAdd(child.perItem, c.read(rd, args, child.conn))
			}
		}
	}
	each := satAdd(1, c.selectionSet(f.SelectionSet, child, typ))
	if f.Definition.Type.Elem == nil {
		return satAdd(reads, each)
	}
	n, ok := sc.sized[f.Name]
	if ok {
		each = satAdd(each, sc.perItem)
	} else {
		n = c.listSize(rule, args)
	}
	return satAdd(reads, satMul(n, each))
}

// listSize is how many items a list that is no connection's page may return.
func (c *coster) listSize(rule Field, args map[string]any) int {
	if s := rule.Size; s != nil && len(s.Of) == 0 {
		return c.size(s, args)
	}
	r, st := rule.Rows, c.stats()
	if r == nil || st == nil {
		return c.model.DefaultPage
	}
	if _, known := st.column(r.Table, r.Per); known {
		return max(1, ceil(c.estimate(r, args)))
	}
	if _, known := st.Rows[r.Table]; known {
		// Without the column's distribution, the list is at most the whole table; a table
		// that is not small is analyzed soon after it is written.
		return ceil(c.rows(r.Table))
	}
	return c.model.DefaultPage
}

// size is the number of items a Size allows for the arguments given.
func (c *coster) size(s *Size, args map[string]any) int {
	if s.IDs != "" {
		ids, _ := args[s.IDs].([]any)
		if s.Max > 0 {
			return min(len(ids), s.Max)
		}
		return len(ids)
	}
	n, given := 0, false
	for _, name := range s.Args {
		if v, ok := intValue(args[name]); ok {
			n, given = max(n, v), true
		}
	}
	switch {
	case !given && len(s.Args) > 0:
		return s.Default
	case !given:
		return s.Max
	case s.Max > 0:
		return min(max(n, 0), s.Max)
	}
	return max(n, 0)
}

// read prices a read: the rows it may read at its work's rate.
func (c *coster) read(rd Read, args map[string]any, conn *connection) int {
	var rows float64
	estimated := false
	if rd.Estimate != "" && c.model.Estimate != nil {
		rows, estimated = c.model.Estimate(rd.Estimate, args)
	}
	switch {
	case estimated:
	case rd.Rows != nil:
		rows = c.estimate(rd.Rows, args)
	case conn != nil:
		rows = c.estimate(conn.rows, conn.args)
	default:
		return 0
	}
	if rd.For != nil && rd.Rows != nil && !estimated {
		rows = min(c.rows(rd.Rows.Table), rows*c.estimate(rd.For, args))
	}
	if rd.AtMost != "" {
		if n, ok := intValue(args[rd.AtMost]); ok {
			rows = min(rows, float64(max(n, 0)+1))
		}
	}
	rate := c.model.RowsPerPoint[rd.Work]
	if !(rate > 0) {
		rate = 1
	}
	return ceil(rows / rate)
}

// estimate is how many of r's rows a field with args may read.
func (c *coster) estimate(r *Rows, args map[string]any) float64 {
	st := c.stats()
	share := 1.0
	if r.Per != "" {
		share = min(share, st.share(r.Table, r.Per))
	}
	for arg, column := range r.Narrow {
		if argument(args, arg) != nil {
			share = min(share, st.share(r.Table, column))
		}
	}
	for arg, column := range r.Values {
		if vs, ok := argument(args, arg).([]any); ok && len(vs) > 0 {
			values := make([]string, 0, len(vs))
			for _, v := range vs {
				if s, ok := v.(string); ok {
					values = append(values, s)
				}
			}
			share = min(share, st.shareOf(r.Table, column, values))
		}
	}
	rows := c.rows(r.Table) * share
	if r.Cap > 0 {
		rows = min(rows, float64(r.Cap))
	}
	return rows
}

// rows is the estimate of table's rows, coarse if the table is.
func (c *coster) rows(table string) float64 {
	n := c.stats().rows(table)
	if c.model.Coarse[table] {
		p := float64(coarseRows)
		for p < n {
			p *= 2
		}
		n = p
	}
	return n
}

// coarseRows is the least length of a Coarse table.
const coarseRows = 64

// argument returns the argument at path ("filter.country"), nil when it is not given.
func argument(args map[string]any, path string) any {
	var v any = args
	for _, name := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[name]
	}
	return v
}

// isConnection reports whether typ is a Relay connection.
func (c *coster) isConnection(typ *ast.Definition) bool {
	return typ != nil && typ.Kind == ast.Object && typ.Fields.ForName("edges") != nil && typ.Fields.ForName("pageInfo") != nil
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

// ceil rounds a non-negative estimate up to a whole count, saturating.
func ceil(x float64) int {
	if !(x > 0) {
		return 0
	}
	if x >= saturation {
		return saturation
	}
	return int(math.Ceil(x))
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
