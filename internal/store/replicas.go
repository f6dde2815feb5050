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
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/plugin/dbresolver"

	"campaigns/internal/metrics"
	"campaigns/internal/problem"
)

// Read replicas (Options.Replicas, DATABASE_REPLICA_URLS). GORM's dbresolver splits the
// statements: those it takes for reads (a query, raw SQL that begins with SELECT, or that
// the store marks as a read: reads) outside a transaction go to the replicas' side, everything else (writes, raw SQL that
// does not begin with SELECT, anything under a lock, every transaction) to the primary.
// The pgx path of queryRows makes the same choice. The replicas' side is one connection
// pool of ours (replicaPool) that picks, for each statement, where it runs:
//
//   - A statement whose context holds no Reads runs on the primary: only the GraphQL
//     queries and mutations of the API (internal/api) mark their context as one that may
//     read a replica. So the key lookups, background work, the change feed, subscriptions'
//     reads and anything added later read the primary unless they say otherwise.
//   - Every statement of one Reads runs on the one target chosen at its first statement
//     (pinned), so that an answer never goes back in time between its statements.
//   - Once an operation runs anything on the primary (a write, a transaction such as a
//     mutation's or sync's), every later statement of it reads the primary: what it read
//     there is newer than a replica may be, and going back in time within one answer (a
//     list from the primary, its items from a replica that has not replayed them) would
//     drop what it just saw.
//   - The answer cache's version and freshness check (snapshot.go) read the primary without
//     moving the operation there: they raise the position that its later reads must have
//     replayed (floor) to the primary's at that moment instead, so that an answer computed
//     from that version has read at least what the version says.
//   - A Reads that requires a position (a consistency token, Reads.Require) is served by a
//     replica that has replayed that position, waiting for one up to Options.ReplicaWait,
//     then by the primary. A position past the primary's own (a token not from this
//     database) reads the primary at once.
//   - A replica that fails its probe, is further behind than Options.ReplicaMaxLag, or
//     fails a statement with a connection error is skipped until its probe finds it well
//     again; the statement that met the error runs again on the primary.

// DefaultReplicaWait and DefaultReplicaMaxLag are used when the options are zero.
const (
	DefaultReplicaWait   = 500 * time.Millisecond
	DefaultReplicaMaxLag = 3 * time.Second
	replicaProbeEvery    = time.Second
)

// Token is a position in the primary's write-ahead log: what a consistency token says.
type Token uint64

// ParseToken reads a consistency token, a WAL position as PostgreSQL writes one
// (16/B374D848). Anything else is ErrInvalid.
func ParseToken(s string) (Token, error) {
	hi, lo, ok := strings.Cut(s, "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil || len(s) > 17 {
		return 0, problem.Wrap(ErrInvalid, "the consistency token %q is not one this API gave: send back the Consistency-Token of a mutation's answer as it came", truncate(s))
	}
	return Token(h<<32 | l), nil
}

// String writes t as PostgreSQL writes a WAL position.
func (t Token) String() string { return fmt.Sprintf("%X/%X", uint64(t)>>32, uint32(t)) }

// Reads is where one operation reads: pinned to one replica, or the primary, at its first
// statement (see above). A context without one reads the primary.
type Reads struct {
	mu     sync.Mutex
	need   Token
	chosen bool
	target *replica // nil: the primary
	// wrote is the position after the operation's last write, its consistency token.
	wrote atomic.Uint64
}

type readsKey struct{}

// WithReads returns ctx whose statements may read a replica, as r decides; nil r makes
// them read the primary (a subscription, whose re-reads must see each change it announces).
func WithReads(ctx context.Context, r *Reads) context.Context {
	return context.WithValue(ctx, readsKey{}, r)
}

func readsFrom(ctx context.Context) *Reads {
	r, _ := ctx.Value(readsKey{}).(*Reads)
	return r
}

// OnPrimary returns Reads that read the primary from the start, for an operation that
// writes: what it checks before its transaction must be what the transaction will find,
// and its answer must show its write. It still gets the write's token (Written).
func OnPrimary() *Reads {
	return &Reads{chosen: true}
}

// Require makes r read only what has replayed t: it must be called before r's first
// statement.
func (r *Reads) Require(t Token) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.need = max(r.need, t)
}

// Written returns the consistency token of r's writes: the primary's WAL position after
// the last of them committed; false when r wrote nothing (or there are no replicas).
func (r *Reads) Written() (Token, bool) {
	t := Token(r.wrote.Load())
	return t, t != 0
}

// toPrimary makes every later statement of ctx's Reads read the primary.
func toPrimary(ctx context.Context) {
	if r := readsFrom(ctx); r != nil {
		r.mu.Lock()
		r.chosen, r.target = true, nil
		r.mu.Unlock()
	}
}

// replica is one read replica and what its probe last found.
type replica struct {
	addr string // host:port, for logs and metrics: never the URL, which may hold a password
	db   *sql.DB
	// fit says that the replica answered its last probe within maxLag, so it serves reads.
	fit    atomic.Bool
	replay atomic.Uint64 // the WAL position it had replayed at its last probe
	// history is the primary's WAL position at the last probes, oldest first; only the
	// replica's prober touches it.
	history []walAt
}

type walAt struct {
	at  time.Time
	pos Token
}

// router holds the replicas and picks where each statement runs.
type router struct {
	primary  *sql.DB
	replicas []*replica
	next     atomic.Uint64
	// written is the latest WAL position of the primary that the router has read.
	written atomic.Uint64
	wait    time.Duration
	maxLag  time.Duration
	log     *slog.Logger
	stop    context.CancelFunc
	probes  sync.WaitGroup
}

// openReplicas opens a pool to each replica URL, a direct connection to a hot standby
// with the primary's tracer and statement timeout, and starts their probes.
func openReplicas(primary *sql.DB, cfg *pgx.ConnConfig, opt Options) (*router, error) {
	rt := &router{primary: primary, wait: opt.ReplicaWait, maxLag: opt.ReplicaMaxLag, log: opt.Logger}
	if rt.wait <= 0 {
		rt.wait = DefaultReplicaWait
	}
	if rt.maxLag <= 0 {
		rt.maxLag = DefaultReplicaMaxLag
	}
	if rt.log == nil {
		rt.log = slog.New(slog.DiscardHandler)
	}
	for i, url := range opt.Replicas {
		rc, err := pgx.ParseConfig(url)
		if err != nil {
			rt.close()
			return nil, fmt.Errorf("parse replica %d of DATABASE_REPLICA_URLS: %w", i+1, redact(err))
		}
		// A direct connection to the standby, whatever DATABASE_URL leads to: it takes the
		// statement timeout as a startup parameter, and keeps its prepared statements.
		rc.Tracer = cfg.Tracer
		if opt.StatementTimeout > 0 {
			rc.RuntimeParams["statement_timeout"] = strconv.FormatInt(opt.StatementTimeout.Milliseconds(), 10)
		}
		db := stdlib.OpenDB(*rc, stdlib.OptionShouldPing(shouldPing))
		if opt.MaxOpenConns > 0 {
			db.SetMaxOpenConns(opt.MaxOpenConns)
			db.SetMaxIdleConns(opt.MaxOpenConns)
		}
		db.SetConnMaxIdleTime(5 * time.Minute)
		rt.replicas = append(rt.replicas, &replica{addr: net.JoinHostPort(rc.Host, strconv.Itoa(int(rc.Port))), db: db})
	}
	ctx, cancel := context.WithCancel(context.Background())
	rt.stop = cancel
	for _, rep := range rt.replicas {
		metrics.ReplicaUp.WithLabelValues(rep.addr).Set(0)
		rt.probes.Add(1)
		go rt.probe(ctx, rep)
	}
	return rt, nil
}

// use adds the replicas to db through dbresolver, and makes db's own pool the primary's
// wrapper that sends a Reads to the primary once it runs anything there.
func (rt *router) use(db *gorm.DB) error {
	replicas := &postgres.Dialector{Config: &postgres.Config{Conn: replicaPool{rt}}}
	return db.Use(dbresolver.Register(dbresolver.Config{Replicas: []gorm.Dialector{dialector{replicas}}}))
}

// close stops the probes and closes the replicas' pools.
func (rt *router) close() {
	if rt.stop != nil {
		rt.stop()
	}
	rt.probes.Wait()
	for _, rep := range rt.replicas {
		_ = rep.db.Close()
	}
}

// closeIf closes rt when there is one.
func (rt *router) closeIf() {
	if rt != nil {
		rt.close()
	}
}

// primary returns db for ctx, made to run on the primary when there are replicas: what
// must see every committed write (sync's bound).
func (s *Store) primary(ctx context.Context) *gorm.DB {
	db := s.db.WithContext(ctx)
	if s.rt != nil {
		db = db.Clauses(dbresolver.Write)
	}
	return db
}

// reads returns db for ctx's read that dbresolver would not take for one: raw SQL that
// begins with WITH rather than SELECT (search, reach), which would otherwise run on the
// primary and move the rest of the operation there.
func (s *Store) reads(ctx context.Context) *gorm.DB {
	db := s.db.WithContext(ctx)
	if s.rt != nil {
		db = db.Clauses(dbresolver.Read)
	}
	return db
}

// atPrimary returns db for ctx's one statement on the primary that leaves the operation's
// later reads where they are; the caller then sets their floor (floor). There must be
// replicas.
func (s *Store) atPrimary(ctx context.Context) *gorm.DB {
	return s.db.WithContext(WithReads(ctx, nil)).Clauses(dbresolver.Write)
}

// walPosition is the primary's WAL insert position: past every commit record of the
// transactions a snapshot taken before it sees, even those committed without waiting for
// their flush (synchronous_commit = off).
const walPosition = `pg_current_wal_insert_lsn()::text`

// floor makes ctx's later reads read only what has replayed pos: a replica chosen for them
// that has not is left for the primary; one still to be chosen must have replayed it.
func floor(ctx context.Context, pos string) {
	r := readsFrom(ctx)
	t, err := ParseToken(pos)
	if r == nil || err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.need = max(r.need, t)
	if r.chosen && r.target != nil && Token(r.target.replay.Load()) < t {
		r.target = nil
	}
}

// pick returns the pool that a read of ctx runs on, and its replica (nil: the primary).
func (rt *router) pick(ctx context.Context) (*sql.DB, *replica) {
	r := readsFrom(ctx)
	if r == nil {
		metrics.Reads.WithLabelValues("primary", "").Inc()
		return rt.primary, nil
	}
	r.mu.Lock()
	if !r.chosen {
		r.target, r.chosen = rt.choose(ctx, r.need), true
	}
	if r.target != nil && !r.target.fit.Load() {
		r.target = nil // gone or behind since: the primary, newer still
	}
	rep := r.target
	r.mu.Unlock()
	if rep == nil {
		metrics.Reads.WithLabelValues("primary", "").Inc()
		return rt.primary, nil
	}
	metrics.Reads.WithLabelValues("replica", rep.addr).Inc()
	return rep.db, rep
}

// choose returns a fit replica that has replayed need, in turn, waiting up to rt.wait
// for one; nil for the primary.
func (rt *router) choose(ctx context.Context, need Token) *replica {
	fit := make([]*replica, 0, len(rt.replicas))
	for _, rep := range rt.replicas {
		if rep.fit.Load() {
			fit = append(fit, rep)
		}
	}
	if len(fit) == 0 {
		return nil
	}
	start := int(rt.next.Add(1))
	for i := range fit {
		if rep := fit[(start+i)%len(fit)]; Token(rep.replay.Load()) >= need {
			return rep
		}
	}
	// A position the primary has not reached would be waited for in vain: the primary
	// serves it at once.
	if need > Token(rt.written.Load()) {
		var pos string
		if err := rt.primary.QueryRowContext(ctx, "SELECT "+walPosition).Scan(&pos); err != nil {
			return nil
		}
		if t, err := ParseToken(pos); err != nil || need > rt.saw(t) {
			return nil
		}
	}
	// The probes' positions are up to a second old: ask the replicas until one has
	// replayed need or the wait is over.
	ctx, cancel := context.WithTimeout(ctx, rt.wait)
	defer cancel()
	pause := 2 * time.Millisecond
	for {
		for i := range fit {
			rep := fit[(start+i)%len(fit)]
			var pos string
			if err := rep.db.QueryRowContext(ctx, "SELECT coalesce(pg_last_wal_replay_lsn(), '0/0')::text").Scan(&pos); err != nil {
				continue
			}
			if t, err := ParseToken(pos); err == nil && t >= need {
				return rep
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
		pause = min(2*pause, 25*time.Millisecond)
	}
}

// saw records t as a position the primary has written, and returns the latest one.
func (rt *router) saw(t Token) Token {
	for {
		old := rt.written.Load()
		if uint64(t) <= old {
			return Token(old)
		}
		if rt.written.CompareAndSwap(old, uint64(t)) {
			return t
		}
	}
}

// failed takes rep out of service after a statement met err on it, if err says that the
// replica is unreachable or cancelled the statement for its recovery (a conflict with the
// WAL it replays), and reports whether the statement should run again on the primary.
func (rt *router) failed(ctx context.Context, rep *replica, err error) bool {
	var pgErr *pgconn.PgError
	conflict := errors.As(err, &pgErr) && pgErr.Code == "40001"
	if !unavailable(err) && !conflict || ctx.Err() != nil {
		return false
	}
	if !conflict && rep.fit.Swap(false) {
		metrics.ReplicaUp.WithLabelValues(rep.addr).Set(0)
		rt.log.Warn("read replica failed a statement: reading the primary until it answers its probe again", "replica", rep.addr, "err", err)
	}
	toPrimary(ctx)
	metrics.Reads.WithLabelValues("primary", "").Inc()
	return true
}

// probe checks rep every second until ctx ends: whether it answers, is a replica, and how
// far behind the primary it is.
func (rt *router) probe(ctx context.Context, rep *replica) {
	defer rt.probes.Done()
	tick := time.NewTicker(replicaProbeEvery)
	defer tick.Stop()
	for {
		rt.probeOnce(ctx, rep)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// probeOnce reads the primary's WAL position, then the position rep has replayed. The
// replica's lag is the time since the primary first held WAL beyond that position (0 when
// it has replayed all the primary had a moment before): unlike the age of the last
// replayed transaction, it does not grow while the primary is idle, and it needs no clock
// shared by the two servers.
func (rt *router) probeOnce(ctx context.Context, rep *replica) {
	ctx, cancel := context.WithTimeout(ctx, replicaProbeEvery)
	defer cancel()
	var primaryPos, replayPos string
	var recovering bool
	err := rt.primary.QueryRowContext(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&primaryPos)
	if err == nil {
		err = rep.db.QueryRowContext(ctx, "SELECT pg_is_in_recovery(), coalesce(pg_last_wal_replay_lsn(), '0/0')::text").Scan(&recovering, &replayPos)
	}
	if err == nil && !recovering {
		err = errors.New("it is not in recovery: a primary, not a replica")
	}
	var now, replay Token
	if err == nil {
		now, _ = ParseToken(primaryPos)
		rt.saw(now)
		replay, err = ParseToken(replayPos)
	}
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return // the store is closing
		}
		if rep.fit.Swap(false) {
			rt.log.Warn("read replica skipped: its probe failed", "replica", rep.addr, "err", err)
		}
		metrics.ReplicaUp.WithLabelValues(rep.addr).Set(0)
		return
	}
	at := time.Now()
	rep.history = append(rep.history, walAt{at, now})
	if len(rep.history) > 64 {
		rep.history = rep.history[1:]
	}
	var lag time.Duration
	if replay < now {
		for _, h := range rep.history {
			if h.pos > replay {
				lag = at.Sub(h.at)
				break
			}
		}
	}
	rep.replay.Store(uint64(replay))
	metrics.ReplicaLag.WithLabelValues(rep.addr).Set(lag.Seconds())
	fit := lag <= rt.maxLag
	if was := rep.fit.Swap(fit); was != fit {
		if fit {
			rt.log.Info("read replica serves reads", "replica", rep.addr, "lag", lag)
		} else {
			rt.log.Warn("read replica skipped: too far behind the primary", "replica", rep.addr, "lag", lag, "max", rt.maxLag)
		}
	}
	metrics.ReplicaUp.WithLabelValues(rep.addr).Set(map[bool]float64{false: 0, true: 1}[fit])
}

// noteWrite records, after a write of ctx committed, the primary's WAL insert position as
// the consistency token of ctx's Reads: past its commit record. Without replicas there is
// nothing to note.
func (s *Store) noteWrite(ctx context.Context) {
	r := readsFrom(ctx)
	if s.rt == nil || r == nil {
		return
	}
	var pos string
	if err := s.rt.primary.QueryRowContext(ctx, "SELECT "+walPosition).Scan(&pos); err != nil {
		// The write committed; without a token the caller reads a replica as any other.
		s.rt.log.Warn("no consistency token for a write", "err", err)
		return
	}
	if t, err := ParseToken(pos); err == nil {
		s.rt.saw(t)
		for {
			old := r.wrote.Load()
			if uint64(t) <= old || r.wrote.CompareAndSwap(old, uint64(t)) {
				break
			}
		}
	}
}

// Replicated reports whether the store reads replicas (DATABASE_REPLICA_URLS); false for
// no store at all.
func (s *Store) Replicated() bool { return s != nil && s.rt != nil }

// replicaPool is the replicas' side of dbresolver: each statement runs where pick says, and
// again on the primary when a replica fails it (failed).
type replicaPool struct{ rt *router }

func (p replicaPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	db, _ := p.rt.pick(ctx)
	return db.PrepareContext(ctx, query)
}

// ExecContext runs on the primary: dbresolver sends no write here, and a statement that
// writes must not meet a read-only replica.
func (p replicaPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	toPrimary(ctx)
	return p.rt.primary.ExecContext(ctx, query, args...)
}

func (p replicaPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	db, rep := p.rt.pick(ctx)
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil && rep != nil && p.rt.failed(ctx, rep, err) {
		return p.rt.primary.QueryContext(ctx, query, args...)
	}
	return rows, err
}

func (p replicaPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	db, rep := p.rt.pick(ctx)
	row := db.QueryRowContext(ctx, query, args...)
	if err := row.Err(); err != nil && rep != nil && p.rt.failed(ctx, rep, err) {
		return p.rt.primary.QueryRowContext(ctx, query, args...)
	}
	return row
}

// primaryPool is the primary's pool as the store's GORM handle holds it when there are
// replicas: whatever runs on it, a transaction included, makes the rest of its operation
// read the primary (toPrimary).
type primaryPool struct {
	*sql.DB
	rt *router
}

func (p *primaryPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	toPrimary(ctx)
	return p.DB.PrepareContext(ctx, query)
}

func (p *primaryPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	toPrimary(ctx)
	return p.DB.ExecContext(ctx, query, args...)
}

func (p *primaryPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	toPrimary(ctx)
	return p.DB.QueryContext(ctx, query, args...)
}

func (p *primaryPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	toPrimary(ctx)
	return p.DB.QueryRowContext(ctx, query, args...)
}

func (p *primaryPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	toPrimary(ctx)
	return p.DB.BeginTx(ctx, opts)
}

// GetDBConn gives GORM's DB() the primary's *sql.DB (pool statistics, Ping, Close).
func (p *primaryPool) GetDBConn() (*sql.DB, error) { return p.DB, nil }
