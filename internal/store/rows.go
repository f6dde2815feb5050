package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// queryRows runs a statement written with GORM's ? placeholders and calls each for every
// row. Outside a transaction it runs on one of the pool's connections through pgx itself:
// database/sql boxes every column value of every row into an interface and converts it
// again, which made a quarter of the allocations of the campaign list (BENCHMARKS.md);
// pgx scans straight into the destinations. The connection's tracer still counts and
// traces the statement. With read replicas, that pool is the one the operation reads
// (replicas.go), as dbresolver chooses for GORM's own reads. Inside a transaction it goes
// through database/sql, on the transaction's connection.
func queryRows(ctx context.Context, db *gorm.DB, query string, args []any, each func(rowScanner) error) error {
	var pool *sql.DB
	switch p := db.Statement.ConnPool.(type) {
	case *sql.DB:
		pool = p
	case *primaryPool:
		// With read replicas: where the router says (replicas.go), and again on the
		// primary when a replica fails before the first row.
		var rep *replica
		pool, rep = p.rt.pick(ctx)
		if rep == nil {
			break
		}
		started := false
		err := pgxRows(ctx, pool, query, args, func(r rowScanner) error { started = true; return each(r) })
		if err == nil || started || !p.rt.failed(ctx, rep, err) {
			return err
		}
		pool = p.DB
	default:
		rows, err := db.WithContext(ctx).Raw(query, args...).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		return eachRow(rows, each)
	}
	return pgxRows(ctx, pool, query, args, each)
}

// pgxRows runs query on one of pool's connections through pgx itself.
func pgxRows(ctx context.Context, pool *sql.DB, query string, args []any, each func(rowScanner) error) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		rows, err := driverConn.(*stdlib.Conn).Conn().Query(ctx, numbered(query), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		return eachRow(rows, each)
	})
}

// eachRow calls each for every row of database/sql's rows or pgx's.
func eachRow(rows interface {
	rowScanner
	Next() bool
	Err() error
}, each func(rowScanner) error) error {
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Numbered is one of the store's exported statements, written with GORM's ? placeholders,
// as pgx takes it ($1, $2…): the form the store itself sends (queryRows), for cmd/loadtest's
// floor, which runs the store's statements without the API.
func Numbered(query string) string { return numbered(query) }

// numbered turns GORM's ? placeholders into PostgreSQL's $1, $2…, leaving quoted text
// and identifiers alone.
func numbered(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
