package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"campaigns/models"
)

// ChangesChannel is the channel that migration 00004's triggers notify on each change.
const ChangesChannel = "changes"

// Position is a place in the change log: the last change a client has, ordered by the
// writing transaction's ID and then by seq. The zero Position is before every change.
type Position struct {
	XID uint64
	Seq int64
}

// Changes returns up to limit changes after pos, in (xid, seq) order, and whether more are
// settled behind them.
//
// Only changes of settled transactions are returned: those below the bound of syncBound,
// which have all ended, so that their changes are all visible if they committed and never
// will be if they aborted. A transaction still running may commit later with a smaller seq
// or an earlier timestamp than rows already read, which is why neither seq nor time can be
// a sync position; (xid, seq) below the bound is final, so a client that comes back with
// the last position it got misses nothing. The price is that a change shows in sync only
// once every older transaction of this database has ended, normally milliseconds.
func (s *Store) Changes(ctx context.Context, pos Position, limit int) ([]models.Change, bool, error) {
	var out []models.Change
	err := s.db.WithContext(ctx).Raw(`
		SELECT seq, xid::text AS xid, entity_type, entity_id, op, campaign_id, country_code,
		       event_id, network_id, at
		FROM changes
		WHERE (xid, seq) > (?::text::xid8, ?) AND xid < (`+syncBound+`)
		ORDER BY xid, seq
		LIMIT ?`, strconv.FormatUint(pos.XID, 10), pos.Seq, limit+1).Scan(&out).Error
	if err != nil {
		return nil, false, fmt.Errorf("changes after %d/%d: %w", pos.XID, pos.Seq, translate(err))
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// syncBound is the oldest transaction that may still add changes, as of the statement's
// snapshot: the oldest transaction the snapshot sees running (its xip list), leaving out
// those that pg_stat_activity shows running in another database of the server, which never
// write this database's changes; the snapshot's xmax when there is none. A plain snapshot
// xmin would work too, but a long bulk load in any other database would hold every sync of
// this one back for its whole length. pg_stat_activity is read after the snapshot is
// taken, so a transaction that ends in between is missing from it and counts as one of
// ours: the error can only make the bound lower, never let a change slip past.
const syncBound = `
	SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot()))
	FROM pg_snapshot_xip(pg_current_snapshot()) AS x
	WHERE x::xid NOT IN (SELECT backend_xid FROM pg_stat_activity
		WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database())`

// Settled reports whether every change written so far has settled and shows in a sync.
func (s *Store) Settled(ctx context.Context) (bool, error) {
	var ok bool
	err := s.db.WithContext(ctx).Raw(`SELECT coalesce(max(xid) < (` + syncBound + `), true) FROM changes`).Scan(&ok).Error
	if err != nil {
		return false, fmt.Errorf("changes settled: %w", translate(err))
	}
	return ok, nil
}

// PositionOf returns the position of change c, for the token of the next sync.
func PositionOf(c models.Change) Position {
	x, _ := strconv.ParseUint(c.XID, 10, 64) // PostgreSQL wrote it
	return Position{XID: x, Seq: c.Seq}
}

// Notice is one change as announced on ChangesChannel: the keys subscribers filter on.
type Notice struct {
	Seq        int64  `json:"s"`
	Type       string `json:"t"`
	ID         int64  `json:"i"`
	Op         string `json:"o"`
	CampaignID *int64 `json:"c"`
	Country    string `json:"k"`
	EventID    *int64 `json:"e"`
	NetworkID  *int64 `json:"n"`
}

// Listener is one connection that listens on ChangesChannel. A server instance holds one,
// whatever the number of its subscribers.
type Listener struct {
	conn *pgx.Conn
}

// Listen opens a connection of its own (not from the pool, which would take it back) and
// listens on ChangesChannel.
func (s *Store) Listen(ctx context.Context) (*Listener, error) {
	conn, err := pgx.ConnectConfig(ctx, s.cfg.Copy())
	if err != nil {
		return nil, fmt.Errorf("listen: %w", unreachable(s.cfg, err))
	}
	if _, err := conn.Exec(ctx, "LISTEN "+ChangesChannel); err != nil {
		_ = conn.Close(ctx)
		return nil, fmt.Errorf("listen: %w", err)
	}
	return &Listener{conn: conn}, nil
}

// Next waits for the next notice. An error other than ctx's means the connection is lost.
func (l *Listener) Next(ctx context.Context) (Notice, error) {
	n, err := l.conn.WaitForNotification(ctx)
	if err != nil {
		return Notice{}, fmt.Errorf("wait for notification: %w", err)
	}
	var nt Notice
	if err := json.Unmarshal([]byte(n.Payload), &nt); err != nil {
		return Notice{}, fmt.Errorf("notification %q: %w", n.Payload, err)
	}
	return nt, nil
}

// Close closes the listening connection.
func (l *Listener) Close(ctx context.Context) error { return l.conn.Close(ctx) }

// IsMalformedNotice reports whether err is a notice that did not decode, which leaves the
// connection usable.
func IsMalformedNotice(err error) bool {
	var se *json.SyntaxError
	var ue *json.UnmarshalTypeError
	var pe *pgconn.PgError
	return (errors.As(err, &se) || errors.As(err, &ue)) && !errors.As(err, &pe)
}
