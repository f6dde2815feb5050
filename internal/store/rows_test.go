package store

import (
	"context"
	"os"
	"testing"

	"gorm.io/gorm"
)

func TestNumberedLeavesQuotedQuestionMarksAlone(t *testing.T) {
	got := numbered(`SELECT '?', "a?b" FROM t WHERE x = ? AND y = ANY(?::bigint[]) AND z = 'it''s?'`)
	want := `SELECT '?', "a?b" FROM t WHERE x = $1 AND y = ANY($2::bigint[]) AND z = 'it''s?'`
	if got != want {
		t.Errorf("numbered:\n got %s\nwant %s", got, want)
	}
}

// TestQueryRowsKeepsToTheTransaction checks both ways queryRows runs a statement: through
// pgx on a pool connection, counted like any other statement, and, inside a transaction,
// on the transaction's own connection, where it sees what the transaction set.
func TestQueryRowsKeepsToTheTransaction(t *testing.T) {
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx := WithStatementCounter(context.Background())
	s, err := Open(ctx, url, Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	setting := func(db *gorm.DB) string {
		var v string
		err := queryRows(ctx, db, "SELECT current_setting('application_name') || ?", []any{"!"}, func(r rowScanner) error { return r.Scan(&v) })
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := StatementCount(ctx)
	if got := setting(s.db); got == "inside!" {
		t.Fatalf("outside the transaction, application_name is already %q", got)
	}
	if n := StatementCount(ctx) - before; n != 1 {
		t.Errorf("the statement through pgx counted %d times, want 1", n)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL application_name = 'inside'").Error; err != nil {
			return err
		}
		if got := setting(tx); got != "inside!" {
			t.Errorf("inside the transaction, queryRows saw application_name %q, want inside!", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
