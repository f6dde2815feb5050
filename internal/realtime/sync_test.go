package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"campaigns/internal/dbtest"
	"campaigns/internal/realtime"
	"campaigns/internal/relay"
	"campaigns/internal/store"
)

const syncDoc = `query($since: String, $first: Int) { changes(since: $since, first: $first) {
	token hasMore changes { op type id node { id ... on Campaign { name } ... on Event { title } } } } }`

type changeSet struct {
	Changes struct {
		Token   string
		HasMore bool
		Changes []struct {
			Op, Type, ID string
			Node         *struct{ ID, Name, Title string }
		}
	}
}

// replica is an offline copy built from the delta sync alone: global ID → name or title.
type replica struct {
	token string
	items map[string]string
	pages int
}

// sync pulls one page and applies it; it reports whether more are ready.
func (r *replica) sync(t *testing.T, base string, first int) bool {
	t.Helper()
	vars := map[string]any{"first": first}
	if r.token != "" {
		vars["since"] = r.token
	}
	set := decode[changeSet](t, post(t, base, "", syncDoc, vars)).Changes
	for _, c := range set.Changes {
		if c.Node == nil {
			delete(r.items, c.ID)
			continue
		}
		r.items[c.ID] = c.Node.Name + c.Node.Title
	}
	r.token = set.Token
	r.pages++
	return set.HasMore
}

// TestSyncUnderConcurrentWritesEqualsTheDatabase runs writers whose transactions overlap
// and commit out of the order of their IDs and sequence numbers, while a reader syncs in
// small pages; after the writers stop and a final sync, the reader's copy equals the
// database. A sync ordered by seq or by time would skip the rows of a transaction that
// committed after a later one had been read.
func TestSyncUnderConcurrentWritesEqualsTheDatabase(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, w.url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	const writers, ops = 4, 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for g := range writers {
		wg.Go(func() {
			rnd := rand.New(rand.NewPCG(uint64(g), 7))
			var mine []int64
			for i := range ops {
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					var err error
					switch k := rnd.IntN(10); {
					case k < 4 || len(mine) == 0:
						var id int64
						err = tx.QueryRow(ctx, `INSERT INTO campaigns (slug, name, status, owner_id) VALUES ($1, $2, 'ACTIVE', $3) RETURNING id`,
							fmt.Sprintf("w%d-%d", g, i), fmt.Sprintf("Campaign %d.%d", g, i), w.org.ID).Scan(&id)
						mine = append(mine, id)
					case k < 9:
						_, err = tx.Exec(ctx, `UPDATE campaigns SET name = $1, version = version + 1 WHERE id = $2`,
							fmt.Sprintf("Renamed %d.%d", g, i), mine[rnd.IntN(len(mine))])
					default:
						j := rnd.IntN(len(mine))
						_, err = tx.Exec(ctx, `DELETE FROM campaigns WHERE id = $1`, mine[j])
						mine = append(mine[:j], mine[j+1:]...)
					}
					if err != nil {
						return err
					}
					// Hold the transaction open for a while: others that began later commit first.
					time.Sleep(time.Duration(rnd.IntN(25)) * time.Millisecond)
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	r := &replica{items: map[string]string{}}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
			r.sync(t, in.srv.URL, 7)
			time.Sleep(2 * time.Millisecond)
		}
	}
	close(errs)
	for err := range errs {
		t.Fatalf("writer: %v", err)
	}
	// Changes show in the sync once every older transaction of the server has ended; wait
	// for that, then sync to the end.
	settled(t, w.st)
	for r.sync(t, in.srv.URL, 50) {
	}

	want := map[string]string{}
	rows, _ := pool.Query(ctx, `SELECT 'Campaign', id, name FROM campaigns UNION ALL SELECT 'Event', id, title FROM events`)
	for rows.Next() {
		var typ, name string
		var id int64
		if err := rows.Scan(&typ, &id, &name); err != nil {
			t.Fatal(err)
		}
		want[relay.EncodeInt(typ, id)] = name
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	// The last sync's bound may stop short of the newest changes, when a transaction of
	// another database ended at the wrong moment (store.syncBound; see firstSync): the next
	// sync brings them, as a client's would. Sync on while the copy lags, within a bound.
	copied := func() map[string]string {
		got := map[string]string{}
		for id, v := range r.items {
			if d, _ := relay.Decode(id); d.Type == relay.TypeCampaign || d.Type == relay.TypeEvent {
				got[id] = v
			}
		}
		return got
	}
	got := copied()
	for deadline := time.Now().Add(wait); !maps.Equal(got, want) && time.Now().Before(deadline); got = copied() {
		time.Sleep(20 * time.Millisecond)
		for r.sync(t, in.srv.URL, 50) {
		}
	}
	if len(want) < 20 {
		t.Fatalf("only %d rows written", len(want))
	}
	for id, name := range want {
		if got[id] != name {
			t.Errorf("%s: copy has %q, database %q", id, got[id], name)
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("%s: in the copy, not in the database", id)
		}
	}
	t.Logf("%d rows, %d sync pages", len(want), r.pages)
}

// settled waits until every transaction that wrote a change has ended, as the sync sees it.
func settled(t *testing.T, st *store.Store) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		ok, err := st.Settled(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the transactions of this database have not settled; is one held open?")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSyncWaitsForOlderTransactionsOfItsDatabaseOnly: a change committed while an older
// transaction of the same database is still open is held back until that one ends, then
// both come; a transaction open in another database of the server holds nothing back.
func TestSyncWaitsForOlderTransactionsOfItsDatabaseOnly(t *testing.T) {
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	_, otherURL := dbtest.NewWithURL(t)
	ctx := context.Background()
	hold := func(url, sql string) pgx.Tx {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(ctx) })
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	settled(t, w.st)
	r := &replica{items: map[string]string{}}
	for r.sync(t, in.srv.URL, 500) {
	}

	// Another database's open write, older than everything below: no effect on this sync.
	foreign := hold(otherURL, `CREATE TABLE held (id int)`)
	defer foreign.Rollback(ctx)
	w.exec(t, true, `UPDATE campaigns SET name = 'One' WHERE slug = 'mtv-exit'`)
	r.sync(t, in.srv.URL, 500)
	if r.items[w.campaign.GlobalID()] != "One" {
		t.Fatalf("a transaction of another database held the sync back: %q", r.items[w.campaign.GlobalID()])
	}

	// This database's open write, older than the next commit: the commit waits for it.
	older := hold(w.url, `UPDATE events SET title = 'Older' WHERE title = 'Concert 1'`)
	w.exec(t, true, `UPDATE campaigns SET name = 'Two' WHERE slug = 'mtv-exit'`)
	r.sync(t, in.srv.URL, 500)
	if r.items[w.campaign.GlobalID()] != "One" {
		t.Fatalf("a change newer than an open transaction was synced: %q", r.items[w.campaign.GlobalID()])
	}
	if err := older.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	settled(t, w.st)
	r.sync(t, in.srv.URL, 500)
	if r.items[w.campaign.GlobalID()] != "Two" || r.items[w.events[0].GlobalID()] != "Older" {
		t.Fatalf("after the older transaction ended: %q, %q", r.items[w.campaign.GlobalID()], r.items[w.events[0].GlobalID()])
	}
}

// TestSyncTokenRefusesTampering: an edited, truncated or foreign token is bad input, not a
// silent restart; a good token round-trips.
func TestSyncTokenRefusesTampering(t *testing.T) {
	good := realtime.EncodeToken(store.Position{XID: 1234, Seq: 56})
	pos, err := realtime.DecodeToken(good)
	if err != nil || pos != (store.Position{XID: 1234, Seq: 56}) {
		t.Fatalf("round trip: %+v %v", pos, err)
	}
	raw, _ := json.Marshal(map[string]any{"v": 1, "x": "9999", "s": 1})
	for _, tok := range []string{good[:len(good)-2], good + "A", "not a token", string(raw), good[1:]} {
		if _, err := realtime.DecodeToken(tok); err == nil {
			t.Errorf("%q decoded", tok)
		}
	}
	w := newWorld(t)
	in := startInstance(t, w.st, realtime.Options{})
	if code := post(t, in.srv.URL, "", syncDoc, map[string]any{"since": good[:len(good)-3]}).code(); code != "BAD_USER_INPUT" {
		t.Errorf("tampered token: code %q", code)
	}
	if code := post(t, in.srv.URL, "", syncDoc, map[string]any{"first": 501}).code(); code != "BAD_USER_INPUT" {
		t.Errorf("first: 501: code %q", code)
	}
}
