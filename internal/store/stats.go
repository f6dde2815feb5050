package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"campaigns/models"
)

// TableStats are the planner's estimates of some tables: how many rows each holds, and how
// the values of some columns are spread. The cost model prices counts, aggregates and
// searches with them (internal/limits, Stats), so that a count over a long table costs what
// PostgreSQL expects it to read.
type TableStats struct {
	// Rows is the estimate of each table's rows, by table name.
	Rows map[string]float64
	// Columns are the distributions, by "table.column", of those that have been analyzed.
	Columns map[string]ColumnStats
}

// ColumnStats is a column's distribution as pg_stats has it.
type ColumnStats struct {
	// NullFrac is the fraction of rows where the column is null.
	NullFrac float64
	// Distinct is the number of distinct values, or, negative, minus their ratio to the rows.
	Distinct float64
	// Values are the most common values (the most common elements, for an array column) and
	// Freqs the fraction of rows that hold each.
	Values []string
	Freqs  []float64
}

// countedRows is the most rows TableStats counts in a table never analyzed.
const countedRows = 100_000

// TableStats returns the estimates of tables and of columns ("table.column"). The rows are
// the planner's own estimate of a scan of each table, as EXPLAIN shows it, so they follow the
// table as it grows between two ANALYZEs. A table never analyzed (new, or small and little
// written) is counted instead, up to countedRows, since the planner then assumes ten pages
// of rows whatever the table holds.
//
// The estimates wait for no lock: a table locked by a migration or a bulk load fails the
// read at once (statsLockTimeout), and the requests that wanted it are priced without it,
// rather than every one of them queueing behind the lock until the read's deadline.
func (s *Store) TableStats(ctx context.Context, tables, columns []string) (TableStats, error) {
	var out TableStats
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL lock_timeout = '" + statsLockTimeout + "'").Error; err != nil {
			return fmt.Errorf("table statistics: %w", translate(err))
		}
		var err error
		out, err = tableStats(ctx, tx, tables, columns)
		return err
	})
	return out, err
}

// statsLockTimeout is how long the statistics read waits for a lock on a table.
const statsLockTimeout = "100ms"

func tableStats(ctx context.Context, db *gorm.DB, tables, columns []string) (TableStats, error) {
	out := TableStats{Rows: map[string]float64{}, Columns: map[string]ColumnStats{}}
	if len(tables) > 0 {
		if err := tableRows(ctx, db, tables, out.Rows); err != nil {
			return TableStats{}, err
		}
	}
	if len(columns) > 0 {
		// The arrays come as text: the statement runs in a transaction (the lock timeout),
		// where database/sql, not pgx, scans the rows, and it cannot scan an array. An array
		// column (search_documents.country_codes) is narrowed by element, so its elements'
		// frequencies come first; PostgreSQL also keeps whole arrays as its common values.
		err := queryRows(ctx, db, `
			SELECT tablename || '.' || attname, null_frac, n_distinct,
			       coalesce(most_common_elems::text, most_common_vals::text, '{}'),
			       coalesce(most_common_elem_freqs, most_common_freqs, '{}')::text
			FROM pg_stats WHERE schemaname = current_schema() AND tablename || '.' || attname = ANY(?::text[])`,
			[]any{models.StringList(columns)}, func(r rowScanner) error {
				var name, values, freqText string
				var c ColumnStats
				if err := r.Scan(&name, &c.NullFrac, &c.Distinct, &values, &freqText); err != nil {
					return err
				}
				var vs, freqs models.StringList
				if err := vs.Scan(values); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				if err := freqs.Scan(freqText); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				c.Values = vs
				// An array column's element frequencies end with three more figures (the
				// least and most frequency and that of nulls): keep one per element.
				for _, f := range freqs[:min(len(freqs), len(c.Values))] {
					x, err := strconv.ParseFloat(f, 64)
					if err != nil {
						return fmt.Errorf("%s: frequency %q: %w", name, f, err)
					}
					c.Freqs = append(c.Freqs, x)
				}
				out.Columns[name] = c
				return nil
			})
		if err != nil {
			return TableStats{}, fmt.Errorf("column statistics: %w", translate(err))
		}
	}
	return out, nil
}

// planNode is a node of EXPLAIN's JSON plan.
type planNode struct {
	Relation string     `json:"Relation Name"`
	Rows     float64    `json:"Plan Rows"`
	Plans    []planNode `json:"Plans"`
}

// scans adds the estimated rows of every scan under n to rows, by table.
func (n planNode) scans(rows map[string]float64) {
	if n.Relation != "" {
		rows[n.Relation] += n.Rows
	}
	for _, p := range n.Plans {
		p.scans(rows)
	}
}

// tableRows sets the rows of each of tables in rows.
func tableRows(ctx context.Context, db *gorm.DB, tables []string, rows map[string]float64) error {
	scans := make([]string, len(tables))
	for i, t := range tables {
		scans[i] = "SELECT 1 FROM " + pgx.Identifier{t}.Sanitize()
	}
	var plan string
	err := queryRows(ctx, db, "EXPLAIN (FORMAT JSON) "+strings.Join(scans, " UNION ALL "), nil, func(r rowScanner) error {
		return r.Scan(&plan)
	})
	if err != nil {
		return fmt.Errorf("table estimates: %w", translate(err))
	}
	var plans []struct{ Plan planNode }
	if err := json.Unmarshal([]byte(plan), &plans); err != nil || len(plans) != 1 {
		return fmt.Errorf("table estimates: unexpected plan %.200q: %v", plan, err)
	}
	plans[0].Plan.scans(rows)

	var unanalyzed []string
	err = queryRows(ctx, db, `SELECT relname FROM pg_class
		WHERE relnamespace = current_schema()::regnamespace AND relname = ANY(?::text[]) AND reltuples < 0`,
		[]any{models.StringList(tables)}, func(r rowScanner) error {
			var t string
			err := r.Scan(&t)
			unanalyzed = append(unanalyzed, t)
			return err
		})
	if err != nil {
		return fmt.Errorf("tables never analyzed: %w", translate(err))
	}
	if len(unanalyzed) == 0 {
		return nil
	}
	counts := make([]string, len(unanalyzed))
	for i, t := range unanalyzed {
		counts[i] = fmt.Sprintf("SELECT %s::text, (SELECT count(*) FROM (SELECT 1 FROM %s LIMIT %d) x)",
			quoteLiteral(t), pgx.Identifier{t}.Sanitize(), countedRows+1)
	}
	return queryRows(ctx, db, strings.Join(counts, " UNION ALL "), nil, func(r rowScanner) error {
		var t string
		var n float64
		if err := r.Scan(&t, &n); err != nil {
			return fmt.Errorf("count table: %w", err)
		}
		if n <= countedRows {
			rows[t] = n
		}
		return nil
	})
}

// quoteLiteral quotes s as an SQL string literal.
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// SearchMatches counts the documents that Search ranks for q, stopping past limit: a search
// scores every document that matches before it pages, so this is its work, which the cost
// model prices before the search runs. A text Search would refuse counts as none.
func (s *Store) SearchMatches(ctx context.Context, q SearchQuery, limit int) (int, error) {
	if CheckSearchText(q.Text) != nil {
		return 0, nil
	}
	a, err := s.analyze(ctx, q.Text)
	if err != nil || len(a.patterns) == 0 {
		return 0, err
	}
	w, args := where(searchConds(a, q))
	var n int
	err = queryRows(ctx, s.db, fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM search_documents d WHERE %s LIMIT %d) x", w, max(limit, 0)+1),
		args, func(r rowScanner) error { return r.Scan(&n) })
	if err != nil {
		return 0, fmt.Errorf("search matches %q: %w", truncate(q.Text), translate(err))
	}
	return n, nil
}
