package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

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
	// Scope narrows the sync; the zero Scope is the whole log.
	Scope SyncScope
	// Limit is the most changes returned.
	Limit int
	// Budget is the most changes of the log one page examines; DefaultSyncBudget when zero.
	Budget int
}

// SyncScope narrows a sync to a campaign, a country, some types of entity, or a mix (all
// given parts must hold). A scope is read through the change rows that carry its key
// (campaign_id, country_code; migration 00014), by an index range scan in log order, so
// that a field app's sync of one country costs the changes of that country, not the log.
type SyncScope struct {
	// CampaignID keeps the campaign and its events.
	CampaignID int64
	// Country keeps what is in the country (an ISO code): events held there, campaigns that
	// list it, youth networks and organizations based there.
	Country string
	// Types keeps these types of entity (Campaign, Event, YouthNetwork, Organization,
	// Member); the counts of an event or a network go with it. None keeps every type.
	Types []string
}

// keys is the part of the scope that an index reads: the rows (alias a) that carry its
// campaign and country.
func (sc SyncScope) keys(a string) cond {
	var c []cond
	if sc.CampaignID != 0 {
		c = append(c, cond{a + ".campaign_id = ?", []any{sc.CampaignID}})
	}
	if sc.Country != "" {
		c = append(c, cond{a + ".country_code = ?", []any{sc.Country}})
	}
	if len(c) == 0 {
		return cond{sql: "true"}
	}
	w, args := where(c)
	return cond{"(" + w + ")", args}
}

// after keeps the rows (alias a) after pos in the log.
func after(a string, pos Position) cond {
	return sqlOf(`(`+a+`.xid, `+a+`.seq) > (`, arg(strconv.FormatUint(pos.XID, 10)), `::text::xid8, `, arg(pos.Seq), `)`)
}

// types keeps the rows (alias a) of the scope's types of entity.
func (sc SyncScope) types(a string) cond {
	if len(sc.Types) == 0 {
		return cond{sql: "true"}
	}
	var types []string
	for _, t := range sc.Types {
		types = append(types, t)
		switch t {
		case "Event":
			types = append(types, "EventRegistrations")
		case "YouthNetwork":
			types = append(types, "NetworkMemberships")
		}
	}
	return cond{a + ".entity_type = ANY(?::text[])", []any{models.StringList(types)}}
}

// outside holds for a row (alias a) that says its entity left the scope: it left the
// campaign or the country that the scope names.
func (sc SyncScope) outside(a string) string {
	var or []string
	if sc.CampaignID != 0 {
		or = append(or, a+".left_campaign")
	}
	if sc.Country != "" {
		or = append(or, a+".left_country")
	}
	if len(or) == 0 {
		return "false"
	}
	return "(" + strings.Join(or, " OR ") + ")"
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
	// outside the snapshot, within the scope: the latest change of the entity at or before
	// After that the scope reads had an audience that included the reader, and did not say
	// that the entity left the scope. Only then may the sync tell the reader that the
	// entity left its sight.
	Held bool
	// Outside reports that the entity has left the scope (it is Held: the reader is told).
	Outside bool
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
// the reader within q.Scope, leaving out each change after which the reader may read the
// entity but that a later change of the entity in the scope supersedes: the entity is read
// as it is now, so the later change brings the same, and a first sync (which starts from
// the beginning of the log) is a snapshot with one change per entity the reader may read.
// An entity that changes while a sync pages comes again, later. A change after which the
// reader may not read the entity is never left out (its tombstone depends on what the
// reader could read at its token, and the token's position must mean that every such
// change up to it was told); the caller keeps each entity's last change of a page.
//
// A change concerns the reader when the reader may read the entity after it (the change's
// audience, migrations 00009 and, for members, 00011), or when the reader could read the
// entity at q.After within the scope (Held: the entity may have left its sight). A change
// that says the entity left the scope comes only when Held (Outside). Changes of records
// the reader cannot read and never could are left out here, not skipped later, so that
// neither the page's length, nor More, nor Next tells the reader that they happened: when
// the page is not full, Next is the bound, past every settled change, whatever they were.
// The one exception is a run of more than q.Budget changes of the scope that do not
// concern the reader, which ends the page at the last change examined, with More: a reader
// can tell that so many changes went by, not which.
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
	query := changesQuery(q, budget)
	var page SyncPage
	scan := func(row rowScanner) error {
		var bound string
		var seq, id *int64
		var xid, typ, op *string
		var isHeld, outside *bool
		if err := row.Scan(&bound, &seq, &xid, &typ, &id, &op, &isHeld, &outside); err != nil {
			return err
		}
		page.Bound, _ = strconv.ParseUint(bound, 10, 64) // PostgreSQL wrote it
		if seq == nil {
			return nil // no change: the left join's one row
		}
		pos := Position{Seq: *seq}
		pos.XID, _ = strconv.ParseUint(*xid, 10, 64)
		page.Changes = append(page.Changes, SyncChange{Pos: pos, EntityType: *typ, EntityID: *id, Op: *op, Held: *isHeld, Outside: *outside})
		return nil
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Two settings for these statements alone (BENCHMARKS.md, "Scoped delta sync"). JIT
		// compiling costs far more than running them: on a log of a million changes their
		// estimates pass jit_above_cost, and a page took 200-330 ms with JIT against 4-15 ms
		// without. And the page must walk an index in log order and stop when it is full:
		// the budget's LIMIT hides the page's from the planner, which then chose to read
		// every change of a small country by a bitmap scan and sort them, 67 ms for a page
		// of Brunei against 11 ms, and again for every page.
		if err := tx.Exec("SET LOCAL jit = off; SET LOCAL enable_bitmapscan = off").Error; err != nil {
			return err
		}
		if err := queryRows(ctx, tx, query.sql, query.args, scan); err != nil {
			return err
		}
		if page.More = len(page.Changes) > q.Limit; page.More {
			page.Changes = page.Changes[:q.Limit]
			page.Next = page.Changes[q.Limit-1].Pos
			return nil
		}
		// The page is not full: it holds every change for the reader up to the bound,
		// unless the budget ran out first.
		last, cut, err := budgetEnd(ctx, tx, q.After, page.Bound, budget, q.Scope)
		if err != nil {
			return err
		}
		page.More, page.Next = cut, last
		if end := (Position{XID: page.Bound - 1, Seq: math.MaxInt64}); !cut && q.After.Before(end) {
			page.Next = end // the bound may seem to go back a little: see syncBound
		}
		return nil
	})
	if err != nil {
		return SyncPage{}, fmt.Errorf("changes after %d/%d for organization %d: %w", q.After.XID, q.After.Seq, q.Reader, translate(err))
	}
	return page, nil
}

// changesQuery is the statement of one page of Changes, examining at most budget changes.
func changesQuery(q SyncQuery, budget int) cond {
	sc := q.Scope
	x, snap := strconv.FormatUint(q.After.XID, 10), strconv.FormatUint(q.Snapshot, 10)
	held := sqlOf(`(c.xid >= `, arg(snap), `::text::xid8 AND EXISTS (
		SELECT 1 FROM (SELECT p.audience_all, p.audience, `, sc.outside("p"), ` AS outside FROM changes p
			WHERE p.entity_type = `+baseType("c")+`
			  AND p.entity_id = c.entity_id AND (p.xid, p.seq) <= (`, arg(x), `::text::xid8, `, arg(q.After.Seq), `)
			  AND `, sc.keys("p"), `
			ORDER BY p.xid DESC, p.seq DESC LIMIT 1) l
		WHERE NOT l.outside AND (l.audience_all OR l.audience @> ARRAY[`, arg(q.Reader), `]::bigint[])))`)
	// wanted holds for a change (alias a) of the scope that the reader may be given.
	wanted := func(a string) cond {
		return sqlOf(sc.keys(a), ` AND `, sc.types(a), ` AND (`+a+`.entity_type NOT IN ('EventRegistrations', 'NetworkMemberships') OR `,
			ownCounts(a, q.Reader), `)`)
	}
	// The examined changes are a subquery with its own LIMIT, which PostgreSQL reads only
	// as far as the outer LIMIT needs: a full page stops early, as without the budget. A
	// change after which the reader may read the entity is left out when a later change of
	// the entity in the scope exists (committed, settled or not): that one will stand for
	// it, with the entity as it is then; a change after which the reader may not read it is
	// never left out, since the tombstone it may bring depends on what the reader could read
	// at its token.
	return sqlOf(`WITH b AS MATERIALIZED (`+syncBound+`)
		SELECT b.bound::text, c.seq, c.xid, c.entity_type, c.entity_id, c.op, c.held, c.outside
		FROM b LEFT JOIN LATERAL (
			SELECT c.seq, c.xid::text AS xid, c.entity_type, c.entity_id, c.op, `, held, ` AS held, `, sc.outside("c"), ` AS outside
			FROM (SELECT * FROM changes c
				WHERE `, sc.keys("c"), ` AND `, after("c", q.After), ` AND c.xid < b.bound
				ORDER BY c.xid, c.seq
				LIMIT `, arg(budget), `) c
			WHERE `, wanted("c"), `
			  AND CASE WHEN `, sc.outside("c"), ` THEN `, held, `
				WHEN c.audience_all OR c.audience @> ARRAY[`, arg(q.Reader), `]::bigint[] THEN NOT EXISTS (SELECT 1 FROM changes l
					WHERE l.entity_type = ANY(`+familyTypes("c")+`) AND l.entity_id = c.entity_id
					  AND (l.xid, l.seq) > (c.xid, c.seq) AND `, wanted("l"), `)
				ELSE `, held, ` END
			ORDER BY c.xid, c.seq
			LIMIT `, arg(q.Limit+1), `) c ON true`)
}

// baseType is the entity type whose audience a change (alias a) shares: an event's for the
// changes of its registrations, a network's for those of its memberships.
func baseType(a string) string {
	return `CASE ` + a + `.entity_type WHEN 'EventRegistrations' THEN 'Event'
		WHEN 'NetworkMemberships' THEN 'YouthNetwork' ELSE ` + a + `.entity_type END`
}

// familyTypes are the entity types of the log that a client sees as the entity of a change
// (alias a): an event is synced again for a change of its registrations, a network for one
// of its memberships.
func familyTypes(a string) string {
	return `CASE WHEN ` + a + `.entity_type IN ('Event', 'EventRegistrations') THEN ARRAY['Event', 'EventRegistrations']
		WHEN ` + a + `.entity_type IN ('YouthNetwork', 'NetworkMemberships') THEN ARRAY['YouthNetwork', 'NetworkMemberships']
		ELSE ARRAY[` + a + `.entity_type] END`
}

// ownCounts holds for a change of an event's registrations or a network's memberships
// (alias a) that the reader sees the counts exactly: the event's organizer, the network's
// coordinators. Everyone else sees them rounded, and a sync item for each registration
// would count what the rounding hides, so those changes are not theirs: their sync brings
// an event or network again when the record itself changes, and they read its counts
// afresh when they show them.
func ownCounts(a string, reader int64) cond {
	return cond{`(` + a + `.entity_type = 'EventRegistrations' AND EXISTS (SELECT 1 FROM events xe
		WHERE xe.id = ` + a + `.entity_id AND xe.organizer_id = ?)
	OR ` + a + `.entity_type = 'NetworkMemberships' AND EXISTS (SELECT 1 FROM network_coordinators xn
		WHERE xn.network_id = ` + a + `.entity_id AND xn.organization_id = ?))`, []any{reader, reader}}
}

// sqlOf joins SQL text (strings) and conditions (cond) into one condition, the arguments in
// the order of their placeholders.
func sqlOf(parts ...any) cond {
	var b strings.Builder
	var args []any
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			b.WriteString(p)
		case cond:
			b.WriteString(p.sql)
			args = append(args, p.args...)
		default:
			panic(fmt.Sprintf("sqlOf: %T", p))
		}
	}
	return cond{b.String(), args}
}

// arg is one placeholder and its argument.
func arg(v any) cond { return cond{"?", []any{v}} }

// budgetEnd returns the position of the budget-th change of scope sc after pos below
// bound, and whether there is one.
func budgetEnd(ctx context.Context, db *gorm.DB, pos Position, bound uint64, budget int, sc SyncScope) (Position, bool, error) {
	var rows []struct {
		Seq int64
		XID string `gorm:"column:xid"`
	}
	q := sqlOf(`SELECT c.seq, c.xid::text AS xid FROM changes c
		WHERE `, sc.keys("c"), ` AND `, after("c", pos), `
		  AND c.xid < `, arg(strconv.FormatUint(bound, 10)), `::text::xid8
		ORDER BY c.xid, c.seq OFFSET `, arg(budget-1), ` LIMIT 1`)
	if err := db.WithContext(ctx).Raw(q.sql, q.args...).Scan(&rows).Error; err != nil {
		return Position{}, false, fmt.Errorf("end of the budget: %w", err)
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
	err := s.primary(ctx).Raw(`SELECT coalesce(max(xid) < (` + syncBound + `), true) FROM changes`).Scan(&ok).Error
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
// listens on ChangesChannel. The connection is the direct one (Options.DirectURL): behind a
// transaction pooler, the session that ran LISTEN would go on to serve other clients, and
// the notifications would reach none of them.
func (s *Store) Listen(ctx context.Context) (*Listener, error) {
	conn, err := pgx.ConnectConfig(ctx, s.direct.Copy())
	if err != nil {
		return nil, fmt.Errorf("listen: %w", unreachable(s.direct, err))
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
