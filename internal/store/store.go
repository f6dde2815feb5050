// Package store owns every SQL statement of the API. It speaks in its own errors and
// types, so that no GORM or driver detail leaks to the GraphQL layer.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"campaigns/internal/problem"
)

// Errors the store speaks in. Callers match them with errors.Is.
var (
	// ErrNotFound is returned when a looked-up record does not exist.
	ErrNotFound error = problem.New(problem.NotFound, "not found")
	// ErrInvalid is returned for arguments the store cannot use, such as an unknown country
	// or a tampered cursor; its message is safe to show to the client.
	ErrInvalid error = problem.New(problem.BadUserInput, "invalid input")
	// ErrUnavailable is returned when the database cannot be reached.
	ErrUnavailable error = problem.New(problem.ServiceUnavailable, "database unavailable")
	// ErrNoDatabase is returned by Open with Options.NoCreate when the server has no
	// database of that name.
	ErrNoDatabase error = problem.New(problem.ServiceUnavailable, "no such database")
)

// Store reads and writes the campaign database.
type Store struct {
	db *gorm.DB
	// cfg is the connection configuration, for the migrations' own pool (migrate.go).
	cfg *pgx.ConnConfig
	// direct is that of the direct connection (Options.DirectURL): cfg unless set.
	direct *pgx.ConnConfig
	// rt holds the read replicas (replicas.go); nil without them.
	rt *router
}

// Options tune the connection pool.
type Options struct {
	MaxOpenConns int
	Logger       *slog.Logger
	// StatementTimeout, when positive, is the longest PostgreSQL runs any one statement of
	// this store before cancelling it (ErrTimeout): one careless or hostile query must not
	// hold a connection and a CPU that every other request needs. It is set on each
	// connection as it opens, so it holds for every statement without a round trip.
	StatementTimeout time.Duration
	// TracerProvider, when set, gives every SQL statement run under a sampled span a span
	// of its own (see statementTracer).
	TracerProvider trace.TracerProvider
	// NoCreate leaves a missing database missing, and Open answers ErrNoDatabase: for the
	// commands that work on what is there (apikey, migrate status), which must not leave an
	// empty database behind.
	NoCreate bool
	// Pooled says that url leads to a pooler in transaction pooling mode, such as PgBouncer
	// (see pooler.go): statements are not prepared by name, and StatementTimeout is left to
	// PostgreSQL's own setting.
	Pooled bool
	// DirectURL, when set, is a connection straight to PostgreSQL for what needs a session of
	// its own: LISTEN (Listen), the migrations' lock, creating the database.
	DirectURL string
	// Replicas are the URLs of streaming read replicas of url's server (replicas.go):
	// queries outside transactions of an operation that may read one (WithReads) go there.
	Replicas []string
	// ReplicaWait is how long an operation that requires a WAL position (Reads.Require)
	// waits for a replica to replay it before reading the primary; DefaultReplicaWait when
	// zero.
	ReplicaWait time.Duration
	// ReplicaMaxLag is how far behind the primary a replica may be and still serve reads;
	// DefaultReplicaMaxLag when zero.
	ReplicaMaxLag time.Duration
}

// Open connects to the database at url, creating the database first if the server has
// none of that name (unless opt.NoCreate), and checks that it answers. An unreachable server gives an error
// wrapping ErrUnavailable that names the address tried, and nothing else.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", redact(err))
	}
	cfg.Tracer = newStatementTracer(opt.TracerProvider)
	if opt.Pooled {
		pooled(cfg, url)
	} else if opt.StatementTimeout > 0 {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(opt.StatementTimeout.Milliseconds(), 10)
	}
	direct, err := directConfig(cfg, url, opt)
	if err != nil {
		return nil, err
	}
	if err := ensureDatabase(ctx, direct, !opt.NoCreate); err != nil {
		return nil, err
	}
	sqlDB := stdlib.OpenDB(*cfg, stdlib.OptionShouldPing(shouldPing))
	if opt.MaxOpenConns > 0 {
		sqlDB.SetMaxOpenConns(opt.MaxOpenConns)
		sqlDB.SetMaxIdleConns(opt.MaxOpenConns)
	}
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	gormLog := logger.Discard
	if opt.Logger != nil {
		// Parameterized: a slow query's arguments may hold personal data, so they are never logged.
		gormLog = logger.New(slogWriter{opt.Logger}, logger.Config{
			SlowThreshold: 500 * time.Millisecond, LogLevel: logger.Warn,
			IgnoreRecordNotFoundError: true, ParameterizedQueries: true,
		})
	}
	var pool gorm.ConnPool = sqlDB
	var rt *router
	if len(opt.Replicas) > 0 {
		if rt, err = openReplicas(sqlDB, cfg, opt); err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
		pool = &primaryPool{DB: sqlDB, rt: rt}
	}
	db, err := gorm.Open(dialector{&postgres.Dialector{Config: &postgres.Config{Conn: pool}}}, &gorm.Config{
		SkipDefaultTransaction: true,
		Logger:                 gormLog,
		TranslateError:         true,
	})
	if err == nil && rt != nil {
		err = rt.use(db)
	}
	if err != nil {
		rt.closeIf()
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		rt.closeIf()
		_ = sqlDB.Close()
		return nil, unreachable(cfg, err)
	}
	if opt.Pooled && opt.StatementTimeout > 0 {
		if err := checkPooledTimeout(ctx, sqlDB, opt.StatementTimeout.Milliseconds(), opt.Logger); err != nil {
			rt.closeIf()
			_ = sqlDB.Close()
			return nil, err
		}
	}
	return &Store{db: db, cfg: cfg, direct: direct, rt: rt}, nil
}

// Close closes the connection pool, and the replicas' pools.
func (s *Store) Close() error {
	s.rt.closeIf()
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return sqlDB.Close()
}

// Stats returns the connection pool's statistics, for /metrics.
func (s *Store) Stats() sql.DBStats {
	sqlDB, err := s.db.DB()
	if err != nil {
		return sql.DBStats{}
	}
	return sqlDB.Stats()
}

// Where names the database for a person: its name and the server's address.
func (s *Store) Where() string {
	return describe(s.cfg)
}

func describe(cfg *pgx.ConnConfig) string {
	return fmt.Sprintf("database %s on %s", cfg.Database, net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)))
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		if unavailable(err) {
			sawFault()
		}
		return fmt.Errorf("ping database: %w: %v", ErrUnavailable, err)
	}
	return nil
}

// ensureDatabase creates cfg's database when the server does not have it, so that a new
// user's first `go run .` needs nothing prepared by hand.
func ensureDatabase(ctx context.Context, cfg *pgx.ConnConfig, create bool) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err == nil {
		return conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return unreachable(cfg, err)
	}
	if !create {
		return problem.Wrap(ErrNoDatabase, "%s does not exist", describe(cfg))
	}
	admin := cfg.Copy()
	admin.Database = "postgres"
	conn, err = pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return unreachable(cfg, err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.Database}.Sanitize())
	if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42P04") { // duplicate_database: another process won
		return fmt.Errorf("create database %q: %w", cfg.Database, err)
	}
	return nil
}

// unreachable turns a connection failure into one line naming the address and the cause.
func unreachable(cfg *pgx.ConnConfig, err error) error {
	cause := "no answer"
	var pgErr *pgconn.PgError
	var netErr *net.OpError
	switch {
	case errors.As(err, &pgErr):
		cause = pgErr.Message
	case errors.As(err, &netErr):
		cause = netErr.Err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		cause = "timed out"
	}
	return problem.Wrap(ErrUnavailable, "cannot reach PostgreSQL at %s (database %q, user %q): %s", net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)), cfg.Database, cfg.User, cause)
}

// redact keeps a password out of a URL parse error.
func redact(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "://"); i >= 0 {
		if j := strings.Index(msg[i:], "@"); j >= 0 {
			return errors.New(msg[:i+3] + "…" + msg[i+j:])
		}
	}
	return err
}

type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Printf(format string, args ...any) {
	w.l.Warn("sql", "detail", fmt.Sprintf(format, args...))
}
