package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"campaigns/internal/problem"
)

// ErrTimeout is a statement that PostgreSQL cancelled because it ran longer than the
// statement timeout (Options.StatementTimeout): a query too heavy to answer, which a retry
// of the same query will not fix, unlike ErrUnavailable.
var ErrTimeout error = problem.New(problem.QueryTimeout, "query timed out")

// fault returns err wrapped in ErrUnavailable when it means that PostgreSQL could not be
// reached or dropped the connection, wrapped in ErrTimeout when PostgreSQL cancelled the
// statement, and nil otherwise. The original error stays in the chain for the log.
//
// A database restart shows up in many shapes depending on the moment it hits: a refused
// dial, a FATAL "terminating connection" from a backend being shut down, "the database
// system is starting up" while it recovers, an EOF or reset on a socket that went away,
// pgx's "conn closed" on a connection it already knows is dead, or database/sql's
// ErrBadConn when its retries ran out. Every one of them must reach the client as
// SERVICE_UNAVAILABLE rather than an internal error, so every one is listed here.
func fault(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrUnavailable), errors.Is(err, ErrTimeout):
		return err // already classified
	case unavailable(err):
		sawFault()
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "57014" { // query_canceled
		// Both the statement timeout and a cancel request sent because the request's
		// context ended give 57014; the error presenter tells them apart by the context.
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return nil
}

// lastFault is when this process last saw PostgreSQL fail a connection, in Unix
// nanoseconds; zero when never.
var lastFault atomic.Int64

// sawFault records that PostgreSQL failed a connection now.
func sawFault() { lastFault.Store(time.Now().UnixNano()) }

// suspectFor is how long after a fault every pooled connection is pinged before reuse.
// Long enough to cover a restart and the retries that follow it (DefaultRetryWait in
// internal/api is 5 s); a ping is one round trip, paid only in that window.
const suspectFor = 10 * time.Second

// shouldPing decides, for database/sql's pool, whether a connection is pinged before it
// is reused. pgx pings one idle for over a second; a crash or an immediate restart kills
// the pooled connections without a word, and one idle for less would run the next
// statement on a dead socket and fail it with an EOF. The read that met the restart is
// retried once PostgreSQL answers (internal/api's retryReads); that retry, and the
// requests after it, must not draw one of the other dead connections, so after a fault
// every connection is pinged, and a dead one is dropped for another.
func shouldPing(_ context.Context, p stdlib.ShouldPingParams) bool {
	if p.IdleDuration > time.Second {
		return true
	}
	last := lastFault.Load()
	return last != 0 && time.Since(time.Unix(0, last)) < suspectFor
}

// unavailable reports whether err means the connection to PostgreSQL failed or broke. An
// error caused by the request's own context being cancelled (its client went away) is not:
// the database was fine, and pgx closes a connection it could not cancel cleanly.
func unavailable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection_exception
			return true
		case strings.HasPrefix(pgErr.Code, "53"): // insufficient_resources: too many connections, disk full
			return true
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // admin shutdown, crash shutdown, cannot connect now
			return true
		}
		return false // any other answer from the server means it is there
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr),
		errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, driver.ErrBadConn),
		errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &netErr):
		// A socket error, or pgx's own timeout on one; a query that ran past the request's
		// deadline is a timeout, not an outage (context.DeadlineExceeded is a net.Error too).
		return !errors.Is(err, context.DeadlineExceeded)
	}
	return false
}

// dialector is GORM's PostgreSQL dialector with fault in front of its error translation.
// GORM passes every error of every statement through Translate (gorm.Config.TranslateError),
// so a store method that returns a driver error without calling translate still speaks in
// ErrUnavailable and ErrTimeout when the database fails.
type dialector struct {
	*postgres.Dialector
}

// Translate classifies faults first, then lets GORM's dialector map constraint violations.
func (d dialector) Translate(err error) error {
	if f := fault(err); f != nil {
		return f
	}
	return d.Dialector.Translate(err)
}

// translate maps driver errors onto the store's own.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	if f := fault(err); f != nil { // unreachable database or statement timeout (fault.go)
		return f
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22") { // data exception: a value PostgreSQL cannot take
		return problem.Wrap(ErrInvalid, "%s", pgErr.Message)
	}
	return err
}
