package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"campaigns/migrations"
)

// provider returns a goose provider over the embedded migrations. It holds a PostgreSQL
// advisory lock while it migrates, so that several instances starting at once migrate once.
func (s *Store) provider() (*goose.Provider, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return providerOn(sqlDB)
}

// providerOn returns a goose provider that runs on sqlDB.
func providerOn(sqlDB *sql.DB) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// migrator returns a provider on a pool of its own without the statement timeout, and a
// function that closes that pool: a migration may rewrite or index a table of a million
// rows, and a server that cancels its own migration at start-up never starts. The pool is
// on the direct connection (Options.DirectURL): goose's lock is a session-level advisory
// lock, which behind a transaction pooler would stay held by a server connection that the
// unlock never reaches, and every later migration would wait for it.
func (s *Store) migrator() (*goose.Provider, func(), error) {
	if _, limited := s.cfg.RuntimeParams["statement_timeout"]; !limited && s.direct == s.cfg {
		p, err := s.provider()
		return p, func() {}, err
	}
	cfg := s.direct.Copy()
	// None, even where the role has one: behind a pooler, STATEMENT_TIMEOUT is the role's.
	cfg.RuntimeParams["statement_timeout"] = "0"
	sqlDB := stdlib.OpenDB(*cfg)
	sqlDB.SetMaxOpenConns(2) // goose's session lock holds one connection
	p, err := providerOn(sqlDB)
	if err != nil {
		_ = sqlDB.Close()
		return nil, nil, err
	}
	return p, func() { _ = sqlDB.Close() }, nil
}

// MigrateUp applies every pending migration and returns how many it applied.
func (s *Store) MigrateUp(ctx context.Context) (int, error) {
	p, done, err := s.migrator()
	if err != nil {
		return 0, err
	}
	defer done()
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate up: %w", err)
	}
	return len(res), nil
}

// MigrateDown rolls back the latest migration.
func (s *Store) MigrateDown(ctx context.Context) error {
	p, done, err := s.migrator()
	if err != nil {
		return err
	}
	defer done()
	if _, err := p.Down(ctx); errors.Is(err, goose.ErrNoNextVersion) {
		return fmt.Errorf("migrate down: no migration of %s is applied, so there is nothing to roll back", s.Where())
	} else if err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// MigrationStatus writes each migration with whether and when it was applied.
func (s *Store) MigrationStatus(ctx context.Context, w io.Writer) error {
	p, done, err := s.migrator() // goose's status takes the lock too
	if err != nil {
		return err
	}
	defer done()
	statuses, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migration status: %w", err)
	}
	for _, st := range statuses {
		applied := "pending"
		if st.State == goose.StateApplied {
			applied = "applied " + st.AppliedAt.Format("2006-01-02 15:04:05Z07:00")
		}
		fmt.Fprintf(w, "%05d  %-40s %s\n", st.Source.Version, st.Source.Path, applied)
	}
	return nil
}

// MigrationsCurrent reports whether every migration has been applied.
func (s *Store) MigrationsCurrent(ctx context.Context) (bool, error) {
	p, err := s.provider()
	if err != nil {
		return false, err
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return false, fmt.Errorf("pending migrations: %w", err)
	}
	return !pending, nil
}
