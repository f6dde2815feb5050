package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"campaigns/internal/page"
	"campaigns/internal/problem"
	"campaigns/models"
)

// Order is a requested ordering: the name of an order field of the list, and its direction.
type Order struct {
	Field string
	Desc  bool
}

// Token names the ordering of a list in its cursors, so that a cursor is refused by any
// other list or ordering, where it would silently give a wrong page.
func (o Order) Token(list string) string {
	if o.Desc {
		return list + "." + o.Field + ".DESC"
	}
	return list + "." + o.Field
}

// The lists' names, for Order.Token.
const (
	ListCampaigns     = "campaigns"
	ListCountries     = "countries"
	ListEvents        = "events"
	ListNetworks      = "youthNetworks"
	ListOrganizations = "organizations"
)

// valueKind says how a cursor value is checked before it reaches SQL, so that a tampered
// cursor is refused as bad input instead of failing inside PostgreSQL.
type valueKind int

const (
	kindText valueKind = iota
	kindTime
	kindDate
	kindInt
)

// sortKey is one way to order a list: an SQL expression with its type. descExpr, when set,
// replaces expr in descending order, so that rows without a value can stay last both ways.
type sortKey struct {
	expr     string
	cast     string
	kind     valueKind
	descExpr string
}

// listSpec describes a keyset-paginated list of one table. Every ordering ends with the
// unique tiebreaker, so pages are stable under ties and under concurrent inserts.
type listSpec struct {
	name   string             // the list's name in cursors
	from   string             // the FROM clause, with the table's alias
	cols   string             // the selected columns
	joins  string             // joins of the tables that cols read besides from's, for pages only
	tie    sortKey            // the unique tiebreaker, e.g. the primary key
	orders map[string]sortKey // by order field name
	// scan, when set, makes for each statement a rowScan[T] that reads cols into a record,
	// instead of GORM's reflective scan.
	scan func() any
	// branches, when set, split the rows the conditions match into disjoint parts, each one
	// index range in the list's order (events: those from a bound on, and the few periods
	// that straddle the bound). A page reads the first rows of each part, in order and
	// limited, and merges them: PostgreSQL merges the parts of a UNION ALL in order only when
	// they have no conditions of their own, so one statement over the union would read every
	// row of the parts and sort them.
	branches []cond
}

// alias is the table's alias in from.
func (l listSpec) alias() string {
	f := strings.Fields(l.from)
	return f[len(f)-1]
}

// rowScanner is a row of a result, such as *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// rowScan reads a list's rows into records without GORM's reflection. A statement scans
// every row into one scratch record through one slice of destinations, and keeps a copy:
// a slice of destinations per row was the largest allocation of the campaign list.
type rowScan[T any] interface {
	// dest gives the destinations of the list's cols in a record at that address.
	dest(item *T) []any
	// done finishes the record just scanned, before it is copied.
	done(item *T) error
}

// scanRows reads a list's rows, with the list's rowScan for T when it has one, else with
// GORM; parent says whether the rows end with a parent_key column, and most is how many
// rows the statement can give.
func scanRows[T any](ctx context.Context, db *gorm.DB, l listSpec, sql string, args []any, parent bool, most int) ([]row[T], error) {
	var sc rowScan[T]
	if l.scan != nil {
		sc, _ = l.scan().(rowScan[T])
	}
	if b, ok := sc.(contextual); ok {
		b.bind(ctx)
	}
	if sc == nil {
		var out []row[T]
		err := db.WithContext(ctx).Raw(sql, args...).Scan(&out).Error
		return out, err
	}
	var r row[T]
	dest := append(sc.dest(&r.Item), &r.SortValue, &r.SortKey)
	if parent {
		dest = append(dest, &r.ParentKey)
	}
	// Sized for a full page, up to a bound: a nested list of many parents is often sparse.
	out := make([]row[T], 0, min(most, 256))
	err := queryRows(ctx, db, sql, args, func(rows rowScanner) error {
		r = row[T]{} // pointers the scan fills are allocated afresh, not shared with the last row
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := sc.done(&r.Item); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// contextual is a rowScan that reads something of the request, such as its clock, before
// it scans.
type contextual interface {
	bind(ctx context.Context)
}

// scanAll reads every row of query into a record of its own through sc, with one scratch
// record and one slice of destinations for the statement, as scanRows does for a list.
func scanAll[T any](ctx context.Context, db *gorm.DB, sc rowScan[T], query string, args ...any) ([]*T, error) {
	if b, ok := sc.(contextual); ok {
		b.bind(ctx)
	}
	var scratch T
	dest := sc.dest(&scratch)
	var out []*T
	err := queryRows(ctx, db, query, args, func(rows rowScanner) error {
		var zero T
		scratch = zero
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := sc.done(&scratch); err != nil {
			return err
		}
		rec := scratch
		out = append(out, &rec)
		return nil
	})
	return out, err
}

// cond is one WHERE condition with its arguments.
type cond struct {
	sql  string
	args []any
}

// visibleTo makes a visibility condition: the public rule for anonymous callers (org 0), and
// for an organization its rule with the @org placeholders filled in.
func visibleTo(public, rule string, org int64) cond {
	if org == 0 {
		return cond{sql: public}
	}
	n := strings.Count(rule, "@org")
	args := make([]any, n)
	for i := range args {
		args[i] = org
	}
	return cond{sql: strings.ReplaceAll(rule, "@org", "?"), args: args}
}

// where joins conditions with AND.
func where(conds []cond) (string, []any) {
	if len(conds) == 0 {
		return "TRUE", nil
	}
	parts := make([]string, len(conds))
	var args []any
	for i, c := range conds {
		parts[i] = "(" + c.sql + ")"
		args = append(args, c.args...)
	}
	return strings.Join(parts, " AND "), args
}

// pageSQL builds the statement for one page: the filtered rows after (or before) the cursor,
// in order, one more than asked so that the page knows whether the list goes on.
func (l listSpec) pageSQL(conds []cond, o Order, req page.Request) (string, []any, error) {
	key, ok := l.orders[o.Field]
	if !ok {
		return "", nil, problem.Wrap(ErrInvalid, "cannot order by %q", o.Field)
	}
	if o.Desc && key.descExpr != "" {
		key.expr = key.descExpr
	}
	desc := o.Desc != req.Backward
	dir, op := "ASC", ">"
	if desc {
		dir, op = "DESC", "<"
	}
	if req.From != nil {
		if err := checkValue(key.kind, req.From.Value); err != nil {
			return "", nil, err
		}
		if err := checkValue(l.tie.kind, req.From.Key); err != nil {
			return "", nil, err
		}
		conds = append(conds, cond{
			sql:  fmt.Sprintf("(%s, %s) %s (?::%s, ?::%s)", key.expr, l.tie.expr, op, key.cast, l.tie.cast),
			args: []any{req.From.Value, req.From.Key},
		})
	}
	if len(l.branches) > 0 {
		var parts []string
		var args []any
		for _, b := range l.branches {
			w, bargs := where(append(slices.Clip(conds), b))
			parts = append(parts, fmt.Sprintf("(SELECT %s.* FROM %s WHERE %s ORDER BY %s %s, %s %s LIMIT %d)",
				l.alias(), l.from, w, key.expr, dir, l.tie.expr, dir, req.Size+1))
			args = append(args, bargs...)
		}
		sql := fmt.Sprintf(
			"SELECT %s, to_json(%s)#>>'{}' AS sort_value, (%s)::text AS sort_key FROM (%s) %s%s ORDER BY %s %s, %s %s LIMIT %d",
			l.cols, key.expr, l.tie.expr, strings.Join(parts, " UNION ALL "), l.alias(), l.joins, key.expr, dir, l.tie.expr, dir, req.Size+1)
		return sql, args, nil
	}
	w, args := where(conds)
	sql := fmt.Sprintf(
		"SELECT %s, to_json(%s)#>>'{}' AS sort_value, (%s)::text AS sort_key FROM %s WHERE %s ORDER BY %s %s, %s %s LIMIT %d",
		l.cols, key.expr, l.tie.expr, l.from+l.joins, w, key.expr, dir, l.tie.expr, dir, req.Size+1)
	return sql, args, nil
}

// row is a scanned list row: the record and what its cursor and parent are made of.
type row[T any] struct {
	Item      T `gorm:"embedded"`
	SortValue string
	SortKey   string
	ParentKey string
}

// toPage trims the extra row, turns a backward page round, and keeps the positions.
func toPage[T any](rows []row[T], token string, req page.Request) page.Page[*T] {
	more := len(rows) > req.Size
	if more {
		rows = rows[:req.Size]
	}
	if req.Backward {
		slices.Reverse(rows)
	}
	p := page.Page[*T]{Items: make([]*T, len(rows)), Positions: make([]page.Cursor, len(rows))}
	for i := range rows {
		p.Items[i] = &rows[i].Item
		p.Positions[i] = page.Cursor{Order: token, Value: rows[i].SortValue, Key: rows[i].SortKey}
	}
	if req.Backward {
		p.HasPreviousPage, p.HasNextPage = more, req.From != nil
	} else {
		p.HasNextPage, p.HasPreviousPage = more, req.From != nil
	}
	return p
}

// listPage runs one page of a list.
func listPage[T any](ctx context.Context, db *gorm.DB, l listSpec, conds []cond, o Order, req page.Request) (page.Page[*T], error) {
	sql, args, err := l.pageSQL(conds, o, req)
	if err != nil {
		return page.Page[*T]{}, err
	}
	rows, err := scanRows[T](ctx, db, l, sql, args, false, req.Size+1)
	if err != nil {
		return page.Page[*T]{}, translate(err)
	}
	return toPage(rows, o.Token(l.name), req), nil
}

// listCount counts the rows a list's conditions match, or, with a limit above 0, up to the limit.
func listCount(ctx context.Context, db *gorm.DB, l listSpec, conds []cond, limit int) (int, error) {
	sql, args := countSQL(l, conds, limit)
	var n int
	err := queryRows(ctx, db, sql, args, func(r rowScanner) error { return r.Scan(&n) })
	return n, translate(err)
}

// countSQL counts the rows of a list, stopping at limit when it is above 0: a count that
// stops reads at most limit index entries, whatever the length of the list.
func countSQL(l listSpec, conds []cond, limit int) (string, []any) {
	if len(l.branches) > 0 {
		var parts []string
		var args []any
		for _, b := range l.branches {
			w, bargs := where(append(slices.Clip(conds), b))
			parts = append(parts, fmt.Sprintf("SELECT 1 FROM %s WHERE %s", l.from, w))
			args = append(args, bargs...)
		}
		stop := ""
		if limit > 0 {
			stop = fmt.Sprintf(" LIMIT %d", limit)
		}
		return fmt.Sprintf("SELECT count(*) FROM (%s%s) counted", strings.Join(parts, " UNION ALL "), stop), args
	}
	w, args := where(conds)
	if limit > 0 {
		return fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) counted", l.from, w, limit), args
	}
	return fmt.Sprintf("SELECT count(*) FROM %s WHERE %s", l.from, w), args
}

// listPages runs the same page request for many parents in one statement: a LATERAL join
// runs the page query once per parent key, each with its own LIMIT, using the index of
// the parent column. This is what keeps nested connections from costing a query per parent.
func listPages[T any](ctx context.Context, db *gorm.DB, l listSpec, parent Parent, keys []string,
	conds []cond, o Order, req page.Request) (map[string]page.Page[*T], error) {
	inner, args, err := l.pageSQL(append([]cond{{sql: string(parent)}}, conds...), o, req)
	if err != nil {
		return nil, err
	}
	sql := fmt.Sprintf(
		"SELECT x.*, par.key AS parent_key FROM unnest(?::text[]) WITH ORDINALITY AS par(key, ord) CROSS JOIN LATERAL (%s) x ORDER BY par.ord",
		inner)
	rows, err := scanRows[T](ctx, db, l, sql, append([]any{models.StringList(keys)}, args...), true, len(keys)*(req.Size+1))
	if err != nil {
		return nil, translate(err)
	}
	// Rows come grouped by parent in the order of keys, each group in page order.
	out := make(map[string]page.Page[*T], len(keys))
	for start := 0; start < len(rows); {
		end := start + 1
		for end < len(rows) && rows[end].ParentKey == rows[start].ParentKey {
			end++
		}
		out[rows[start].ParentKey] = toPage(rows[start:end:end], o.Token(l.name), req)
		start = end
	}
	for _, k := range keys {
		if _, ok := out[k]; !ok {
			out[k] = toPage[T](nil, o.Token(l.name), req)
		}
	}
	return out, nil
}

// listCounts counts a nested list for many parents in one statement, each up to limit
// when it is above 0.
func listCounts(ctx context.Context, db *gorm.DB, l listSpec, parent Parent, keys []string, conds []cond, limit int) (map[string]int, error) {
	count, args := countSQL(l, append([]cond{{sql: string(parent)}}, conds...), limit)
	sql := fmt.Sprintf("SELECT par.key AS parent_key, (%s) AS n FROM unnest(?::text[]) AS par(key)", count)
	out := make(map[string]int, len(keys))
	err := queryRows(ctx, db, sql, append(args, models.StringList(keys)), func(r rowScanner) error {
		var key string
		var n int
		if err := r.Scan(&key, &n); err != nil {
			return err
		}
		out[key] = n
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// checkValue refuses a cursor value that is not of its column's type.
func checkValue(kind valueKind, v string) error {
	var err error
	switch kind {
	case kindTime:
		_, err = time.Parse(time.RFC3339Nano, v)
	case kindDate:
		if v != "infinity" && v != "-infinity" {
			_, err = time.Parse(time.DateOnly, v)
		}
	case kindInt:
		_, err = strconv.ParseInt(v, 10, 64)
	}
	if err != nil || strings.ContainsRune(v, 0) {
		return problem.Wrap(page.ErrInvalid, "the cursor is not one of this list")
	}
	return nil
}

// idList is a bigint[] parameter. GORM would expand a plain slice into a list of
// parameters, which makes a new statement shape for every length; one array keeps one shape.
type idList []int64

// Value writes the list in PostgreSQL's array syntax.
func (l idList) Value() (driver.Value, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, id := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte('}')
	return b.String(), nil
}

// byIDs loads the rows of table with the given primary keys.
func byIDs[T any](ctx context.Context, db *gorm.DB, table string, ids []int64, id func(*T) int64) (map[int64]*T, error) {
	var items []*T
	if err := db.WithContext(ctx).Table(table).Where("id = ANY(?::bigint[])", idList(ids)).Find(&items).Error; err != nil {
		return nil, fmt.Errorf("%s by id: %w", table, translate(err))
	}
	out := make(map[int64]*T, len(items))
	for _, it := range items {
		out[id(it)] = it
	}
	return out, nil
}

// groupBy groups items by a key, keeping their order, with an empty group for every key
// asked for, so that a parent with no children gets an empty list rather than an error.
func groupBy[K comparable, T any](keys []K, items []*T, key func(*T) K) map[K][]*T {
	out := make(map[K][]*T, len(keys))
	for _, k := range keys {
		out[k] = []*T{}
	}
	for _, it := range items {
		k := key(it)
		out[k] = append(out[k], it)
	}
	return out
}
