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
// Only changes of transactions below the reading snapshot's xmin are returned. Every
// transaction below xmin has ended: its changes are all visible if it committed, and
// never will be if it aborted. A transaction at or above xmin may still commit later with
// a smaller seq or an earlier timestamp than rows already read, which is why neither seq
// nor time can be a sync position; (xid, seq) below xmin is final, so a client that comes
// back with the last position it got misses nothing. The price is that a change shows in
// sync only once every transaction older than it has ended, normally milliseconds.
func (s *Store) Changes(ctx context.Context, pos Position, limit int) ([]models.Change, bool, error) {
	var out []models.Change
	err := s.db.WithContext(ctx).Raw(`
		SELECT seq, xid::text AS xid, entity_type, entity_id, op, campaign_id, country_code,
		       event_id, network_id, at
		FROM changes
		WHERE (xid, seq) > (?::text::xid8, ?) AND xid < pg_snapshot_xmin(pg_current_snapshot())
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
