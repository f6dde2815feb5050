package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Behind a pooler in transaction pooling mode (PgBouncer's pool_mode = transaction), each
// transaction, and each statement outside one, may run on another server connection, and
// the server connection a client used goes on to serve other clients. So nothing of the
// store may rely on a session across statements. What it does, and how each holds there:
//
//   - pgx prepares and caches each statement by name on its connection (cache_statement,
//     its default); a named statement does not follow the client to the next server
//     connection, so the store describes statements instead (cache_describe, see pooled)
//     and sends each as an unnamed statement, parsed with the statement that runs it.
//   - STATEMENT_TIMEOUT travels as a startup parameter, which PgBouncer refuses
//     ("unsupported startup parameter"): behind it, the timeout is PostgreSQL's own setting
//     for the role or database (ALTER ROLE … SET statement_timeout), and Open warns when that
//     differs (checkPooledTimeout).
//   - SET LOCAL (export.go, stats.go, changes.go, bulk.go) and the export's server-side
//     cursor (DECLARE … FETCH) live inside one transaction, which holds one server
//     connection from BEGIN to COMMIT. No request uses a plain SET, a temporary table or a
//     session-level advisory lock.
//   - LISTEN needs a session that stays (Listen), and the migrations hold a session-level
//     advisory lock while they run (migrate.go): both use the direct connection of
//     Options.DirectURL, never the pooler.

// directConfig returns the configuration of the direct connection: that of
// opt.DirectURL, or cfg itself when it is empty or url.
func directConfig(cfg *pgx.ConnConfig, url string, opt Options) (*pgx.ConnConfig, error) {
	if opt.DirectURL == "" || opt.DirectURL == url {
		return cfg, nil
	}
	direct, err := pgx.ParseConfig(opt.DirectURL)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_LISTEN_URL: %w", redact(err))
	}
	direct.Tracer = cfg.Tracer
	return direct, nil
}

// pooled adapts cfg, parsed from url, to a pooler in transaction pooling mode: statements
// are described and cached by their text, never prepared by name (QueryExecModeCacheDescribe,
// which pgx recommends behind PgBouncer), unless url chose a mode of its own
// (default_query_exec_mode=exec or simple_protocol work as well).
func pooled(cfg *pgx.ConnConfig, url string) {
	if !strings.Contains(url, "default_query_exec_mode") {
		cfg.DefaultQueryExecMode = pgx.QueryExecModeCacheDescribe
	}
}

// checkPooledTimeout warns when the statement timeout that PostgreSQL applies behind the
// pooler is not want: the store cannot send its own (see above), so a server without one
// would let a runaway statement hold a server connection of the pooler's few.
func checkPooledTimeout(ctx context.Context, db *sql.DB, want int64, log *slog.Logger) error {
	var got int64
	err := db.QueryRowContext(ctx, "SELECT setting::bigint FROM pg_settings WHERE name = 'statement_timeout'").Scan(&got)
	if err != nil {
		return fmt.Errorf("read statement_timeout: %w", translate(err))
	}
	if got != want && log != nil {
		log.Warn("behind the pooler, PostgreSQL's statement_timeout is not STATEMENT_TIMEOUT: the pooler refuses it as a startup parameter, so set it on the role (ALTER ROLE … SET statement_timeout) or in PgBouncer's connect_query",
			"server_ms", got, "want_ms", want)
	}
	return nil
}
