package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Bulk loads rows with PostgreSQL's COPY protocol inside one transaction. The data generator
// uses it to fill a database with a million events in minutes: row-by-row inserts through
// GORM would take hours, and one transaction means a failed load leaves nothing behind.
type Bulk struct {
	ctx context.Context
	tx  pgx.Tx
}

// BulkLoad runs fn in one transaction on a connection of its own, committing when fn
// returns nil and rolling back otherwise.
func (s *Store) BulkLoad(ctx context.Context, fn func(b *Bulk) error) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return fmt.Errorf("bulk load: connect: %w", translate(err))
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		sc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("bulk load: the driver connection is a %T, not pgx's", driverConn)
		}
		tx, err := sc.Conn().Begin(ctx)
		if err != nil {
			return fmt.Errorf("bulk load: begin: %w", translate(err))
		}
		// The load's changes go into the change log for the sync, unannounced: a million
		// notifications would flood every instance's listener (migration 00004).
		if _, err := tx.Exec(ctx, "SET LOCAL campaigns.capture = 'quiet'"); err != nil {
			_ = tx.Rollback(ctx)
			return fmt.Errorf("bulk load: %w", translate(err))
		}
		if err := fn(&Bulk{ctx: ctx, tx: tx}); err != nil {
			_ = tx.Rollback(ctx)
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("bulk load: commit: %w", translate(err))
		}
		return nil
	})
}

// Copy streams rows into table with COPY. next returns one row at a time, its values in the
// order of columns (Go values pgx can encode; nil for NULL), and a nil row at the end; rows
// are made as they are sent, so a million of them never sit in memory at once. COPY writes
// the identity columns' values as given; call SyncIdentity afterwards.
func (b *Bulk) Copy(table string, columns []string, next func() ([]any, error)) (int64, error) {
	n, err := b.tx.CopyFrom(b.ctx, pgx.Identifier{table}, columns, pgx.CopyFromFunc(next))
	if err != nil {
		return n, fmt.Errorf("copy into %s: %w", table, translate(err))
	}
	return n, nil
}

// MaxID returns the largest id of table, 0 when it is empty, so that generated rows can be
// given their ids before they are sent.
func (b *Bulk) MaxID(table string) (int64, error) {
	var n int64
	err := b.tx.QueryRow(b.ctx, "SELECT coalesce(max(id), 0) FROM "+pgx.Identifier{table}.Sanitize()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("max id of %s: %w", table, translate(err))
	}
	return n, nil
}

// SyncIdentity moves table's id sequence past the largest id, so that the API's next
// insert does not collide with a copied row.
func (b *Bulk) SyncIdentity(table string) error {
	_, err := b.tx.Exec(b.ctx, "SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM "+
		pgx.Identifier{table}.Sanitize()+"))", table)
	if err != nil {
		return fmt.Errorf("sync id sequence of %s: %w", table, translate(err))
	}
	return nil
}

// CampaignsNotFrom counts the campaigns whose source is not source, nor source followed by a
// note ("…; owner: …"): the generator refuses
// to add its volume to a database that holds more than the built-in seed.
func (b *Bulk) CampaignsNotFrom(source string) (int64, error) {
	var n int64
	if err := b.tx.QueryRow(b.ctx, `SELECT count(*) FROM campaigns
		WHERE source IS NULL OR (source <> $1 AND NOT starts_with(source, $1 || '; '))`, source).Scan(&n); err != nil {
		return 0, fmt.Errorf("count campaigns: %w", translate(err))
	}
	return n, nil
}

// CountryCodes returns which of codes the countries table holds.
func (b *Bulk) CountryCodes(codes []string) ([]string, error) {
	rows, err := b.tx.Query(b.ctx, "SELECT code FROM countries WHERE code = ANY($1) ORDER BY code", codes)
	if err != nil {
		return nil, fmt.Errorf("countries: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("countries: %w", translate(err))
	}
	return out, nil
}

// VacuumAnalyze vacuums and analyzes tables after a bulk load: the planner gets statistics
// at once instead of when autovacuum comes round, and the visibility map lets counts use
// index-only scans, so the first measurements after a load are the same as later ones.
func (s *Store) VacuumAnalyze(ctx context.Context, tables ...string) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	for _, t := range tables {
		if _, err := sqlDB.ExecContext(ctx, "VACUUM (ANALYZE) "+pgx.Identifier{t}.Sanitize()); err != nil {
			return fmt.Errorf("vacuum %s: %w", t, translate(err))
		}
	}
	return nil
}
