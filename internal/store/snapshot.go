package store

import (
	"context"
	"fmt"
)

// Version says which committed writes a reader has seen: PostgreSQL's snapshot at the
// moment it was read, and a digest of the tables whose writes the change log does not
// record but whose rows answers show (countries, which operators rename). The answer
// cache (internal/cache) keeps one with each answer, read before the answer is computed,
// and serves the answer again only while Fresh says nothing it could have read changed.
type Version struct {
	Snapshot  string
	Countries string
}

// version reads the statement's snapshot, which pg_current_snapshot() is in READ
// COMMITTED, and the digest of the countries (a few hundred rows: tens of microseconds).
const version = `pg_current_snapshot()::text,
	(SELECT coalesce(md5(string_agg(c::text, ',' ORDER BY c.code)), '') FROM countries c)`

// CurrentVersion returns what the next statement will see.
//
// With read replicas it reads the primary, and the operation's later reads (ctx's Reads)
// must have replayed the primary's WAL position read with it: a replica's own snapshot
// cannot stand in, since a standby's snapshot lists no running transactions (PostgreSQL
// keeps them apart, as subtransactions), so one that commits after it would seem visible
// and Fresh would keep a stale answer.
func (s *Store) CurrentVersion(ctx context.Context) (Version, error) {
	var v Version
	if s.rt != nil {
		var pos string
		err := s.atPrimary(ctx).Raw(`SELECT `+version+`, `+walPosition).Row().Scan(&v.Snapshot, &v.Countries, &pos)
		if err != nil {
			return Version{}, fmt.Errorf("current version: %w", translate(err))
		}
		floor(ctx, pos)
		return v, nil
	}
	err := s.db.WithContext(ctx).Raw(`SELECT `+version).Row().Scan(&v.Snapshot, &v.Countries)
	if err != nil {
		return Version{}, fmt.Errorf("current version: %w", translate(err))
	}
	return v, nil
}

// Fresh reports whether nothing recorded in the change log has committed since v was read
// and the countries are as they were, and returns the version it checked against, which
// replaces v when fresh (its older transactions settled, the next check reads fewer rows).
//
// A change is new when its transaction is not visible in v's snapshot: it committed after
// v was read. Neither seq nor xid order says that (both are taken before commit, and
// transactions commit in any order), which is why the snapshot is compared, as the sync
// compares its bound (Changes). The statement sees every transaction that committed before
// it started, so after a mutation returns to its caller on any instance, Fresh on every
// instance sees its change; a change notified but not yet delivered makes no difference.
// It reads the changes index from v's xmin on: a few rows, unless a transaction that was
// running when v was read writes many changes (a bulk load), whose rows are then read until
// it ends. It asks for the first such xid in xid order rather than EXISTS: PostgreSQL keeps
// no useful statistics of an xid8 column, so for EXISTS it guessed that a third of the log
// matches and scanned the whole table for the first match (190 ms per hit over the 1.4
// million changes of the generated data set, which made the cache ten times slower than no
// cache); the ordered LIMIT 1 walks the index from xmin (about a millisecond, cold).
//
// With read replicas it reads the primary, which has every committed change, and, like
// CurrentVersion, makes the operation's later reads (an answer computed again from the
// version returned) read only what has replayed the primary's position at that moment.
func (s *Store) Fresh(ctx context.Context, v Version) (bool, Version, error) {
	var now Version
	var changed bool
	query := `SELECT ` + version + `,
		(SELECT xid FROM changes WHERE xid >= pg_snapshot_xmin(?::pg_snapshot)
			AND NOT pg_visible_in_snapshot(xid, ?::pg_snapshot) ORDER BY xid LIMIT 1) IS NOT NULL`
	var err error
	if s.rt != nil {
		var pos string
		err = s.atPrimary(ctx).Raw(query+`, `+walPosition, v.Snapshot, v.Snapshot).Row().Scan(&now.Snapshot, &now.Countries, &changed, &pos)
		if err == nil {
			floor(ctx, pos)
		}
	} else {
		err = s.db.WithContext(ctx).Raw(query, v.Snapshot, v.Snapshot).Row().Scan(&now.Snapshot, &now.Countries, &changed)
	}
	if err != nil {
		return false, Version{}, fmt.Errorf("fresh since %s: %w", v.Snapshot, translate(err))
	}
	return !changed && now.Countries == v.Countries, now, nil
}
