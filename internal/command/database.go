package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"campaigns/internal/problem"
	"campaigns/internal/seed"
	"campaigns/internal/store"
)

// dbUse is what a command needs of the database before it runs, so that no command meets
// a database that does not exist or is not migrated with an error in SQL's words
// (`relation "organizations" does not exist`): it either migrates first and says so, or
// says in one line what to run.
type dbUse struct {
	// create creates the database when the server has none of that name; without it a
	// missing database is answered with what to run, and nothing is left behind.
	create bool
	// migrateFirst applies pending migrations before the command, in one line of the log.
	migrateFirst bool
	// migrated refuses, saying what to run, unless every migration is applied: for the
	// commands that read or change data an operator cares about (API keys), which should
	// not change the schema of a database behind the operator's back.
	migrated bool
	// serve migrates and loads the seed data, logging each, as the server does at start.
	serve bool
}

// needs says what cmd with args needs of the database; ok is false for a command
// that does not exist, which gets the usage before any database is touched.
func needs(cmd string, args []string) (use dbUse, ok bool) {
	sub := ""
	if len(args) > 1 {
		sub = args[1]
	}
	switch {
	case cmd == "serve":
		return dbUse{create: true, serve: true}, true
	case cmd == "seed" || cmd == "generate":
		return dbUse{create: true, migrateFirst: true}, true
	case cmd == "migrate" && len(args) == 2 && sub == "up":
		return dbUse{create: true}, true
	case cmd == "migrate" && len(args) == 2 && (sub == "down" || sub == "status"):
		return dbUse{}, true
	case cmd == "apikey" && (sub == "create" || sub == "list" || sub == "revoke"):
		return dbUse{migrated: true}, true
	}
	return dbUse{}, false
}

// toSetUp and toMigrate are what to run on a database that is missing or not migrated.
const (
	toSetUp   = "start the server once (go run .), which creates, migrates and seeds it, or run go run . migrate up, then go run . seed"
	toMigrate = "run go run . migrate up (the server applies migrations at start: go run .), then go run . seed if the database should hold the fact sheet's data"
)

// openError turns store.Open's error into the one line the command prints.
func openError(err error) string {
	switch {
	case errors.Is(err, store.ErrUnavailable):
		// Where it tried, why it failed, and what to do about it.
		return fmt.Sprintf("%s; start PostgreSQL there or set DATABASE_URL (e.g. DATABASE_URL=postgres://USER@HOST:5432/campaigns?sslmode=disable)",
			problem.Message(err))
	case errors.Is(err, store.ErrNoDatabase):
		return fmt.Sprintf("%s: %s", problem.Message(err), toSetUp)
	}
	return err.Error()
}

// prepare makes the database ready for a command as use says; an error is the one line
// to print.
func prepare(ctx context.Context, use dbUse, st *store.Store, log *slog.Logger) error {
	switch {
	case use.serve:
		n, err := st.MigrateUp(ctx)
		if err != nil {
			return err
		}
		log.Info("database migrated", "applied", n)
		return loadSeed(ctx, st, log)
	case use.migrateFirst:
		n, err := st.MigrateUp(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			log.Info(fmt.Sprintf("%s was not migrated: applied %d migrations first", st.Where(), n))
		}
	case use.migrated:
		current, err := st.MigrationsCurrent(ctx)
		if err != nil {
			return err
		}
		if !current {
			return fmt.Errorf("%s is not migrated (migrations are pending): %s", st.Where(), toMigrate)
		}
	}
	return nil
}

// migrate runs `migrate up|down|status`.
func migrate(ctx context.Context, st *store.Store, sub string, stdout io.Writer) error {
	switch sub {
	case "up":
		n, err := st.MigrateUp(ctx)
		if err == nil {
			fmt.Fprintf(stdout, "applied %d migrations\n", n)
		}
		return err
	case "down":
		err := st.MigrateDown(ctx)
		if err == nil {
			fmt.Fprintln(stdout, "rolled back the latest migration")
		}
		return err
	}
	return migrationStatus(ctx, st, stdout)
}

// loadSeed loads the built-in seed data unless this version of it is loaded, and logs which.
func loadSeed(ctx context.Context, st *store.Store, log *slog.Logger) error {
	loaded, err := seed.Load(ctx, st)
	if err != nil {
		return err
	}
	if loaded {
		log.Info("seed data loaded", "version", seed.Version)
	} else {
		log.Info("seed data already loaded", "version", seed.Version)
	}
	return nil
}

// migrationStatus lists the migrations and, when some are pending, says what applies them.
func migrationStatus(ctx context.Context, st *store.Store, stdout io.Writer) error {
	if err := st.MigrationStatus(ctx, stdout); err != nil {
		return err
	}
	current, err := st.MigrationsCurrent(ctx)
	if err != nil {
		return err
	}
	if !current {
		fmt.Fprintln(stdout, "migrations are pending: go run . migrate up applies them (the server applies them at start)")
	}
	return nil
}
