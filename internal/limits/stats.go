package limits

import (
	"maps"
	"slices"
)

// Stats are PostgreSQL's own estimates of the tables that the API reads, which price what
// the schema does not bound: how many rows a count or an aggregate reads, how many documents
// a search ranks, how long a list without a page size is. They come from the planner's
// statistics (internal/store, TableStats), so a price follows the data as it grows, as the
// planner's estimates do.
type Stats struct {
	// Rows is the planner's estimate of each table's rows, by table name.
	Rows map[string]float64
	// Columns are the distributions of the columns by which rows hang off a parent record or
	// are filtered, by "table.column".
	Columns map[string]Column
}

// Column is the distribution of a column's values (of its elements, for an array column).
type Column struct {
	// Shares are the fractions of the table's rows that hold each of the most common values.
	Shares map[string]float64
	// Rest is the largest fraction of the rows that a value outside Shares may hold.
	Rest float64
}

// rows is the estimate of table's rows; a table the statistics do not know (when they could
// not be read) is taken to be unknownRows long: longer than most, short enough that a count
// still fits the cost limit, so that a database that does not answer is told as such rather
// than as a query too complex.
func (s *Stats) rows(table string) float64 {
	if s != nil {
		if n, ok := s.Rows[table]; ok {
			return max(n, 0)
		}
	}
	return unknownRows
}

// unknownRows is the length of a table without statistics.
const unknownRows = 10_000

// share is the largest fraction of table's rows that rows hanging off one parent by column
// may be: the share of the most common value, or the whole table without statistics.
func (s *Stats) share(table, column string) float64 {
	c, ok := s.column(table, column)
	if !ok {
		return 1
	}
	most := c.Rest
	for _, f := range c.Shares {
		most = max(most, f)
	}
	return min(most, 1)
}

// shareOf is the fraction of table's rows whose column holds one of values.
func (s *Stats) shareOf(table, column string, values []string) float64 {
	c, ok := s.column(table, column)
	if !ok {
		return 1
	}
	total := 0.0
	for _, v := range values {
		if f, ok := c.Shares[v]; ok {
			total += f
		} else {
			total += c.Rest
		}
	}
	return min(total, 1)
}

func (s *Stats) column(table, column string) (Column, bool) {
	if s == nil {
		return Column{}, false
	}
	c, ok := s.Columns[table+"."+column]
	return c, ok
}

// NewColumn makes a Column from what pg_stats holds of a column of a table of rows rows:
// the fraction of nulls, the number of distinct values (negative: minus their ratio to the
// rows) and the most common values with their frequencies. A value outside them is taken to
// be as common as the least common of them, or, without them, as the average value.
func NewColumn(rows, nullFrac, distinct float64, values []string, freqs []float64) Column {
	c := Column{Shares: map[string]float64{}}
	for i, v := range values {
		if i < len(freqs) {
			c.Shares[v] = freqs[i]
		}
	}
	if len(c.Shares) > 0 {
		c.Rest = 1
		for _, f := range c.Shares {
			c.Rest = min(c.Rest, f)
		}
		return c
	}
	n := distinct
	if n < 0 {
		n = -distinct * rows
	}
	c.Rest = (1 - nullFrac) / max(n, 1)
	return c
}

// Wanted returns the tables and the columns ("table.column") whose statistics fields use.
func Wanted(fields map[string]Field) (tables, columns []string) {
	ts, cs := map[string]bool{}, map[string]bool{}
	add := func(r *Rows) {
		if r == nil {
			return
		}
		ts[r.Table] = true
		if r.Per != "" {
			cs[r.Table+"."+r.Per] = true
		}
		for _, m := range []map[string]string{r.Narrow, r.Values} {
			for _, column := range m {
				cs[r.Table+"."+column] = true
			}
		}
	}
	for _, f := range fields {
		add(f.Rows)
		for _, rd := range f.Reads {
			add(rd.Rows)
			add(rd.For)
		}
	}
	return slices.Sorted(maps.Keys(ts)), slices.Sorted(maps.Keys(cs))
}
