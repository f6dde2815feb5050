package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ChangesChannel is the channel that migration 00004's triggers notify on each change.
const ChangesChannel = "changes"

// Position is a place in the change log: the last change a client has, ordered by the
// writing transaction's ID and then by seq. The zero Position is before every change.
type Position struct {
	XID uint64
	Seq int64
}

// Before reports whether p comes before q in the log.
func (p Position) Before(q Position) bool {
	return p.XID < q.XID || p.XID == q.XID && p.Seq < q.Seq
}

// SyncQuery asks for one page of the delta sync, for one reader.
type SyncQuery struct {
	// After is the position of the reader's token; zero for a first sync.
	After Position
	// Snapshot is the transaction ID below which changes belong to the reader's first sync:
	// they were all settled before that sync read anything, so the reader has never been
	// shown an entity in a state older than they describe and needs no tombstone for them.
	// Zero when there is no such sync in the token; a first sync passes math.MaxUint64.
	Snapshot uint64
	// Reader is the reader's organization; 0 for an anonymous caller.
	Reader int64
	// Limit is the most changes returned.
	Limit int
	// Budget is the most changes of the log one page examines; DefaultSyncBudget when zero.
	Budget int
}

// DefaultSyncBudget bounds the changes one page of the sync examines, so that a page
// after a long run of changes that do not concern the reader (a partner's bulk load of
// drafts) still answers within the statement timeout: about a quarter of a second.
const DefaultSyncBudget = 100_000

// SyncChange is one change of a sync page.
type SyncChange struct {
	Pos        Position
	EntityType string
	EntityID   int64
	Op         string
	// Held reports that the reader could read the entity at the query's After position,
	// outside the snapshot: the audience of its latest change at or before After included
	// the reader. Only then may the sync tell the reader that the entity left its sight.
	Held bool
}

// SyncPage is one page of the delta sync.
type SyncPage struct {
	Changes []SyncChange
	// More reports that more changes are settled behind Next: sync again at once.
	More bool
	// Next is the position the next page starts after.
	Next Position
	// Bound is the transaction ID below which changes had settled when the page was read:
	// a first sync keeps it as its Snapshot.
	Bound uint64
}

// Changes returns, in (xid, seq) order, up to q.Limit changes after q.After that concern
// the reader: those after which the reader may read the entity (the change's audience,
// migrations 00009 and, for members, 00011), and those of an entity it could read at
// q.After (Held: the entity may have left its sight). Changes of records the reader cannot read and never could are left
// out here, not skipped later, so that neither the page's length, nor More, nor Next
// tells the reader that they happened: when the page is not full, Next is the bound, past
// every settled change, whatever they were. The one exception is a run of more than
// q.Budget changes that do not concern the reader, which ends the page at the last change
// examined, with More: a reader can tell that so many changes went by, not which.
//
// Only changes of settled transactions are returned: those below the bound of syncBound,
// which have all ended, so that their changes are all visible if they committed and never
// will be if they aborted. A transaction still running may commit later with a smaller seq
// or an earlier timestamp than rows already read, which is why neither seq nor time can be
// a sync position; (xid, seq) below the bound is final, so a client that comes back with
// the last position it got misses nothing. The price is that a change shows in sync only
// once every older transaction of this database has ended, normally milliseconds.
func (s *Store) Changes(ctx context.Context, q SyncQuery) (SyncPage, error) {
	budget := q.Budget
	if budget <= 0 {
		budget = DefaultSyncBudget
	}
	x, snap := strconv.FormatUint(q.After.XID, 10), strconv.FormatUint(q.Snapshot, 10)
	held := `(c.xid >= ?::text::xid8 AND EXISTS (
		SELECT 1 FROM (SELECT p.audience_all, p.audience FROM changes p
			WHERE p.entity_type = CASE c.entity_type WHEN 'EventRegistrations' THEN 'Event'
				WHEN 'NetworkMemberships' THEN 'YouthNetwork' ELSE c.entity_type END
			  AND p.entity_id = c.entity_id AND (p.xid, p.seq) <= (?::text::xid8, ?)
			ORDER BY p.xid DESC, p.seq DESC LIMIT 1) l
		WHERE l.audience_all OR l.audience @> ARRAY[?]::bigint[]))`
	heldArgs := []any{snap, x, q.After.Seq, q.Reader}
	// The examined changes are a subquery with its own LIMIT, which PostgreSQL reads only
	// as far as the outer LIMIT needs: a full page stops early, as without the budget.
	query := `WITH b AS MATERIALIZED (` + syncBound + `)
		SELECT b.bound::text, c.seq, c.xid, c.entity_type, c.entity_id, c.op, c.held
		FROM b LEFT JOIN LATERAL (
			SELECT c.seq, c.xid::text AS xid, c.entity_type, c.entity_id, c.op, ` + held + ` AS held
			FROM (SELECT * FROM changes c
				WHERE (c.xid, c.seq) > (?::text::xid8, ?) AND c.xid < b.bound
				ORDER BY c.xid, c.seq
				LIMIT ?) c
			WHERE (c.entity_type NOT IN ('EventRegistrations', 'NetworkMemberships') OR ` + ownCounts + `)
			  AND (c.audience_all OR c.audience @> ARRAY[?]::bigint[]
			   OR ` + held + `)
			ORDER BY c.xid, c.seq
			LIMIT ?) c ON true`
	args := append(append([]any{}, heldArgs...), x, q.After.Seq, budget, q.Reader, q.Reader, q.Reader)
	args = append(append(args, heldArgs...), q.Limit+1)
	var page SyncPage
	err := queryRows(ctx, s.db, query, args, func(row rowScanner) error {
		var bound string
		var seq, id *int64
		var xid, typ, op *string
		var isHeld *bool
		if err := row.Scan(&bound, &seq, &xid, &typ, &id, &op, &isHeld); err != nil {
			return err
		}
		page.Bound, _ = strconv.ParseUint(bound, 10, 64) // PostgreSQL wrote it
		if seq == nil {
			return nil // no change: the left join's one row
		}
		pos := Position{Seq: *seq}
		pos.XID, _ = strconv.ParseUint(*xid, 10, 64)
		page.Changes = append(page.Changes, SyncChange{Pos: pos, EntityType: *typ, EntityID: *id, Op: *op, Held: *isHeld})
		return nil
	})
	if err != nil {
		return SyncPage{}, fmt.Errorf("changes after %d/%d for organization %d: %w", q.After.XID, q.After.Seq, q.Reader, translate(err))
	}
	if page.More = len(page.Changes) > q.Limit; page.More {
		page.Changes = page.Changes[:q.Limit]
		page.Next = page.Changes[q.Limit-1].Pos
		return page, nil
	}
	// The page is not full: it holds every change for the reader up to the bound, unless
	// the budget ran out first.
	last, cut, err := s.budgetEnd(ctx, q.After, page.Bound, budget)
	if err != nil {
		return SyncPage{}, err
	}
	page.More, page.Next = cut, last
	if end := (Position{XID: page.Bound - 1, Seq: math.MaxInt64}); !cut && q.After.Before(end) {
		page.Next = end // the bound may seem to go back a little: see syncBound
	}
	return page, nil
}

// ownCounts holds for a change of an event's registrations or a network's memberships (c)
// that the reader (two ? arguments) sees the counts exactly: the event's organizer, the
// network's coordinators. Everyone else sees them rounded, and a sync item for each
// registration would count what the rounding hides, so those changes are not theirs: their
// sync brings an event or network again when the record itself changes, and they read its
// counts afresh when they show them.
const ownCounts = `(c.entity_type = 'EventRegistrations' AND EXISTS (SELECT 1 FROM events xe
		WHERE xe.id = c.entity_id AND xe.organizer_id = ?)
	OR c.entity_type = 'NetworkMemberships' AND EXISTS (SELECT 1 FROM network_coordinators xn
		WHERE xn.network_id = c.entity_id AND xn.organization_id = ?))`

// budgetEnd returns the position of the budget-th change after pos below bound, and
// whether there is one.
func (s *Store) budgetEnd(ctx context.Context, pos Position, bound uint64, budget int) (Position, bool, error) {
	var rows []struct {
		Seq int64
		XID string `gorm:"column:xid"`
	}
	err := s.db.WithContext(ctx).Raw(`SELECT seq, xid::text AS xid FROM changes
		WHERE (xid, seq) > (?::text::xid8, ?) AND xid < ?::text::xid8
		ORDER BY xid, seq OFFSET ? LIMIT 1`,
		strconv.FormatUint(pos.XID, 10), pos.Seq, strconv.FormatUint(bound, 10), budget-1).Scan(&rows).Error
	if err != nil {
		return Position{}, false, fmt.Errorf("changes after %d/%d: end of the budget: %w", pos.XID, pos.Seq, translate(err))
	}
	if len(rows) == 0 {
		return pos, false, nil
	}
	x, _ := strconv.ParseUint(rows[0].XID, 10, 64) // PostgreSQL wrote it
	return Position{XID: x, Seq: rows[0].Seq}, true, nil
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
	SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot())) AS bound
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
	// Everyone, Readers and ManyReaders are who may read the entity after the change
	// (migration 00009): everyone, or the organizations listed, or (ManyReaders) more
	// organizations than a notice holds, for whom the entity must be read to decide.
	Everyone    bool    `json:"v"`
	Readers     []int64 `json:"r"`
	ManyReaders bool    `json:"m"`
}

// MayRead reports whether the organization org (0 for an anonymous caller) may read the
// entity after the change, or, with ManyReaders, may be among those who may.
func (n Notice) MayRead(org int64) bool {
	return n.Everyone || org != 0 && (n.ManyReaders || slices.Contains(n.Readers, org))
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
