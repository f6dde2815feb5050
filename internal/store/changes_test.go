package store_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/dbtest"
	"campaigns/internal/store"
)

// changesWorld is an owner organization with a public and a draft campaign, a stranger
// organization, and a member of the owner's.
type changesWorld struct {
	st                      *store.Store
	conn                    *pgx.Conn
	owner, stranger         int64
	public, draft, memberID int64
}

func newChangesWorld(t *testing.T) *changesWorld {
	t.Helper()
	st, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	w := &changesWorld{st: st, conn: conn}
	w.owner = w.scalar(t, `INSERT INTO organizations (slug, name, kind) VALUES ('owner', 'Owner', 'CIVIL_SOCIETY') RETURNING id`)
	w.stranger = w.scalar(t, `INSERT INTO organizations (slug, name, kind) VALUES ('stranger', 'Stranger', 'MEDIA') RETURNING id`)
	w.public = w.scalar(t, fmt.Sprintf(`INSERT INTO campaigns (slug, name, status, owner_id) VALUES ('open', 'Open', 'ACTIVE', %d) RETURNING id`, w.owner))
	w.draft = w.scalar(t, fmt.Sprintf(`INSERT INTO campaigns (slug, name, status, owner_id) VALUES ('plan', 'Plan', 'DRAFT', %d) RETURNING id`, w.owner))
	w.memberID = w.scalar(t, fmt.Sprintf(`INSERT INTO members (display_name, age_band, organization_id) VALUES ('Aye', 'AGE_16_17', %d) RETURNING id`, w.owner))
	return w
}

func (w *changesWorld) scalar(t *testing.T, sql string) int64 {
	t.Helper()
	var v int64
	if err := w.conn.QueryRow(context.Background(), sql).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func (w *changesWorld) exec(t *testing.T, sql string) {
	t.Helper()
	if _, err := w.conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// page reads one page and names its changes as type:id:op, with a * when held.
func (w *changesWorld) page(t *testing.T, q store.SyncQuery) (store.SyncPage, []string) {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = 100
	}
	p, err := w.st.Changes(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range p.Changes {
		n := fmt.Sprintf("%s:%d:%s", c.EntityType, c.EntityID, c.Op)
		if c.Held {
			n += "*"
		}
		names = append(names, n)
	}
	return p, names
}

// TestChangesLeaveOutWhatTheReaderCannotRead: a page holds the changes after which the
// reader may read the entity, the changes of an entity it could read at its position
// (held), and an organization's own members; nothing else, and a first sync holds nothing
// held.
func TestChangesLeaveOutWhatTheReaderCannotRead(t *testing.T) {
	w := newChangesWorld(t)
	first := store.SyncQuery{Snapshot: math.MaxUint64}
	orgs := []string{fmt.Sprintf("Organization:%d:CREATED", w.owner), fmt.Sprintf("Organization:%d:CREATED", w.stranger)}
	public := append(orgs, fmt.Sprintf("Campaign:%d:CREATED", w.public))
	for _, c := range []struct {
		reader int64
		want   []string
	}{
		{0, public},
		{w.stranger, public},
		{w.owner, append(slices.Clone(public), fmt.Sprintf("Campaign:%d:CREATED", w.draft), fmt.Sprintf("Member:%d:CREATED", w.memberID))},
	} {
		q := first
		q.Reader = c.reader
		if _, got := w.page(t, q); !slices.Equal(got, c.want) {
			t.Errorf("reader %d, first sync: %v, want %v", c.reader, got, c.want)
		}
	}

	end, _ := w.page(t, first)
	w.exec(t, fmt.Sprintf(`UPDATE campaigns SET status = 'DRAFT' WHERE id = %d`, w.public))
	w.exec(t, fmt.Sprintf(`UPDATE campaigns SET name = 'Plan B' WHERE id = %d`, w.draft))
	next := map[int64]store.Position{}
	for _, c := range []struct {
		reader int64
		want   []string
	}{
		{0, []string{fmt.Sprintf("Campaign:%d:UPDATED*", w.public)}},
		{w.stranger, []string{fmt.Sprintf("Campaign:%d:UPDATED*", w.public)}},
		{w.owner, []string{fmt.Sprintf("Campaign:%d:UPDATED*", w.public), fmt.Sprintf("Campaign:%d:UPDATED*", w.draft)}},
	} {
		p, got := w.page(t, store.SyncQuery{After: end.Next, Reader: c.reader})
		if !slices.Equal(got, c.want) {
			t.Errorf("reader %d, after the public campaign went to draft: %v, want %v", c.reader, got, c.want)
		}
		next[c.reader] = p.Next
	}
	// Once past the change that hid it, the campaign is no reader's but its owner's.
	w.exec(t, fmt.Sprintf(`UPDATE campaigns SET name = 'Quiet' WHERE id = %d`, w.public))
	for reader, pos := range next {
		_, got := w.page(t, store.SyncQuery{After: pos, Reader: reader})
		if want := fmt.Sprintf("Campaign:%d:UPDATED*", w.public); reader == w.owner != slices.Equal(got, []string{want}) || reader != w.owner && len(got) != 0 {
			t.Errorf("reader %d, after a change of the hidden campaign: %v", reader, got)
		}
	}
}

// TestChangesPageStopsAtItsBudget: a run of changes that do not concern the reader longer
// than the budget ends a page with no changes, More, and Next at the last change examined;
// the pages after it go on to the bound.
func TestChangesPageStopsAtItsBudget(t *testing.T) {
	w := newChangesWorld(t)
	start, _ := w.page(t, store.SyncQuery{Snapshot: math.MaxUint64})
	for i := range 7 {
		w.exec(t, fmt.Sprintf(`UPDATE campaigns SET name = 'Plan %d' WHERE id = %d`, i, w.draft))
	}
	w.exec(t, fmt.Sprintf(`UPDATE campaigns SET name = 'News' WHERE id = %d`, w.public))
	q := store.SyncQuery{After: start.Next, Budget: 3}
	var pages []string
	for range 10 {
		p, got := w.page(t, q)
		pages = append(pages, fmt.Sprint(got, p.More))
		if !p.More {
			break
		}
		if !q.After.Before(p.Next) {
			t.Fatalf("the page did not advance: %+v", p)
		}
		q.After = p.Next
	}
	want := []string{"[] true", "[] true", fmt.Sprintf("[Campaign:%d:UPDATED*] false", w.public)}
	if !slices.Equal(pages, want) {
		t.Errorf("pages %v, want %v", pages, want)
	}
}

// TestChangesScopedPageCountsItsBudgetInTheScope: under a country scope, the budget counts
// the changes of that country only: a run of changes elsewhere costs a scoped page nothing,
// and a run of the country's changes that the reader may not read ends pages early, with
// More, as without a scope; the page after them brings the country's public change.
func TestChangesScopedPageCountsItsBudgetInTheScope(t *testing.T) {
	w := newChangesWorld(t)
	w.exec(t, `INSERT INTO countries (code, name) VALUES ('MM', 'Myanmar'), ('TH', 'Thailand')`)
	event := func(campaign int64, title, country string) int64 {
		return w.scalar(t, fmt.Sprintf(`INSERT INTO events (campaign_id, title, kind, status, starts_at, organizer_id, country_code)
			VALUES (%d, '%s', 'CONCERT', 'SCHEDULED', now(), %d, '%s') RETURNING id`, campaign, title, w.owner, country))
	}
	hidden, public, elsewhere := event(w.draft, "Hidden", "MM"), event(w.public, "Public", "MM"), event(w.public, "Elsewhere", "TH")
	mm := store.SyncScope{Country: "MM"}
	start, _ := w.page(t, store.SyncQuery{Snapshot: math.MaxUint64, Scope: mm})
	for i := range 7 {
		w.exec(t, fmt.Sprintf(`UPDATE events SET title = 'Hidden %d' WHERE id = %d`, i, hidden))
		w.exec(t, fmt.Sprintf(`UPDATE events SET title = 'Elsewhere %d' WHERE id = %d`, i, elsewhere))
	}
	w.exec(t, fmt.Sprintf(`UPDATE events SET title = 'News' WHERE id = %d`, public))
	q := store.SyncQuery{After: start.Next, Budget: 3, Scope: mm, Reader: w.stranger}
	var pages []string
	for range 10 {
		p, got := w.page(t, q)
		pages = append(pages, fmt.Sprint(got, p.More))
		if !p.More {
			break
		}
		if !q.After.Before(p.Next) {
			t.Fatalf("the page did not advance: %+v", p)
		}
		q.After = p.Next
	}
	want := []string{"[] true", "[] true", fmt.Sprintf("[Event:%d:UPDATED*] false", public)}
	if !slices.Equal(pages, want) {
		t.Errorf("pages %v, want %v", pages, want)
	}
}
