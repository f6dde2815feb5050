package loader

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"campaigns/internal/dbtest"
	"campaigns/internal/page"
	"campaigns/internal/store"
	"campaigns/models"
)

// seeded is a store on a database with the seed data, and its first page of campaigns.
func seeded(t *testing.T) (*store.Store, []*models.Campaign) {
	t.Helper()
	st := dbtest.Seeded(t)
	p, err := st.Campaigns(context.Background(), store.CampaignFilter{}, store.Order{Field: "NAME"}, page.Request{Size: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) < 3 {
		t.Fatalf("the seed has %d campaigns, want at least 3", len(p.Items))
	}
	return st, p.Items
}

// counting returns a context that counts statements and carries fresh loaders over st.
func counting(st *store.Store) (context.Context, *Loaders) {
	l := New(st)
	return With(store.WithStatementCounter(context.Background()), l), l
}

// field enters a field named name on object, below the field of ctx, as gqlgen does.
func field(ctx context.Context, object, name string) context.Context {
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: object, Field: graphql.CollectedField{Field: &ast.Field{Name: name, Alias: name}}})
}

// item enters the i-th item of the list field of ctx.
func item(ctx context.Context, i int) context.Context {
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
}

// resolve gives the root field name the value it resolved to, where gqlgen keeps it (the
// field context's Result), and returns the context of its nodes (of a connection) or items.
func resolve(t *testing.T, ctx context.Context, name string, value any, below ...string) context.Context {
	t.Helper()
	ctx = field(ctx, "Query", name)
	graphql.GetFieldContext(ctx).Result = value
	for _, f := range below {
		ctx = field(ctx, "Connection", f)
	}
	return ctx
}

// TestBatchAnswersEachKey loads countries in an order of its own, one of them missing: the
// batch is one statement, each key gets its own record in the order asked, and only the
// missing key fails, with the store's ErrNotFound.
func TestBatchAnswersEachKey(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	ctx, l := counting(st)
	codes := []string{"VN", "KH", "TH", "LA"}
	got, err := l.Countries(ctx, codes)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range got {
		if c.Code != codes[i] {
			t.Errorf("country %d is %s, want %s", i, c.Code, codes[i])
		}
	}
	if n := store.StatementCount(ctx); n != 1 {
		t.Errorf("%d statements for a batch of %d countries, want 1", n, len(codes))
	}

	// A missing key in a batch fails alone.
	ctx, l = counting(st)
	keys := []string{"MY", "ZZ", "PH"}
	thunks := make([]func() (*models.Country, error), len(keys))
	for i, k := range keys {
		thunks[i] = l.get().countries.LoadThunk(ctx, k)
	}
	for i, th := range thunks {
		c, err := th()
		switch {
		case keys[i] == "ZZ" && !errors.Is(err, dataloadgen.ErrNotFound):
			t.Errorf("missing country: %v, %v; want not found", c, err)
		case keys[i] != "ZZ" && (err != nil || c.Code != keys[i]):
			t.Errorf("country %s: %v, %v", keys[i], c, err)
		}
	}
	if _, err := l.Country(ctx, "ZZ"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing country through Country: %v, want store.ErrNotFound", err)
	}
	if n := store.StatementCount(ctx); n != 1 {
		t.Errorf("%d statements for a batch of 3 countries, want 1", n)
	}
}

// TestLookAheadLoadsCousins resolves the owner of the first campaign of a page whose
// campaigns the root field resolved to (registered as the first field below asks): its owner and every other campaign's come
// in one statement, the others' from the cache, and the owners are registered as the next
// level's records. The window plays no part: it all happens before the first Load returns.
func TestLookAheadLoadsCousins(t *testing.T) {
	t.Parallel()
	st, campaigns := seeded(t)
	ctx, l := counting(st)
	owned := slices.DeleteFunc(slices.Clone(campaigns), func(c *models.Campaign) bool { return c.OwnerID == nil })
	if len(owned) < 2 {
		t.Fatalf("%d campaigns with an owner, want at least 2", len(owned))
	}

	list := resolve(t, ctx, "campaigns", nodes(owned), "nodes")
	owners := map[int64]bool{}
	for i, c := range owned {
		owners[*c.OwnerID] = true
		o, err := l.Organization(field(item(list, i), "Campaign", "owner"), *c.OwnerID)
		if err != nil || o.ID != *c.OwnerID {
			t.Fatalf("owner of campaign %d: %v, %v", c.ID, o, err)
		}
		if n := store.StatementCount(ctx); n != 1 {
			t.Fatalf("after %d owners: %d statements, want 1", i+1, n)
		}
	}
	if got := l.get().tree.at("campaigns.nodes"); len(got) != len(owned) {
		t.Errorf("%d records registered under the root page, want %d", len(got), len(owned))
	}
	next := l.get().tree.at("campaigns.nodes.owner")
	if len(next) != len(owners) {
		t.Errorf("%d owners registered as the next level, want %d", len(next), len(owners))
	}

	// A field with no row in the table is not read ahead: the organization of a campaign's
	// other field loads alone (through the window).
	if _, err := l.Organization(field(item(list, 0), "Campaign", "notARelation"), 1<<40); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a missing organization: %v", err)
	}
	if n := store.StatementCount(ctx); n != 2 {
		t.Errorf("%d statements after a lookup outside the table, want 2", n)
	}
}

// TestLookAheadPages reads the events of one campaign of a registered page: the pages of
// all of them come in one statement, their counts in one more, and the events are
// registered under both of a connection's paths.
func TestLookAheadPages(t *testing.T) {
	t.Parallel()
	st, campaigns := seeded(t)
	ctx, l := counting(st)
	list := resolve(t, ctx, "campaigns", nodes(campaigns), "nodes")
	f, o, req := store.EventFilter{}, store.Order{Field: "STARTS_AT"}, page.Request{Size: 3}
	total := 0
	for i, c := range campaigns {
		events := field(item(list, i), "Campaign", "events")
		p, err := Page(events, CampaignEvents.Of(c), f, o, req)
		if err != nil {
			t.Fatal(err)
		}
		want, err := st.EventPages(ctx, store.EventsOfCampaign, []string{campaignID(c)}, f, o, req)
		if err != nil {
			t.Fatal(err)
		}
		if !sameIDs(p.Items, want[campaignID(c)].Items) {
			t.Errorf("campaign %d: events %v, want %v", c.ID, ids(p.Items), ids(want[campaignID(c)].Items))
		}
		total += len(p.Items)
		// totalCount's parent is the connection, whose parent is the campaign.
		if _, err := Count(field(events, "EventConnection", "totalCount"), CampaignEvents.Of(c), f); err != nil {
			t.Fatal(err)
		}
	}
	// One statement for the pages, one for the counts, and one per campaign to compare.
	if n := store.StatementCount(ctx); n != int64(2+len(campaigns)) {
		t.Errorf("%d statements, want %d", n, 2+len(campaigns))
	}
	for _, path := range []string{"campaigns.nodes.events.nodes", "campaigns.nodes.events.edges.node"} {
		if got := len(l.get().tree.at(path)); got != total {
			t.Errorf("%d events registered at %s, want %d", got, path, total)
		}
	}
}

// TestAttachedRecords reads the images of the organizer of each event of a registered
// page: the organizers were read with the events, so no batch registered them; the
// attached row finds them from the events, and every organizer's images come at once.
func TestAttachedRecords(t *testing.T) {
	t.Parallel()
	st := dbtest.Seeded(t)
	p, err := st.Events(context.Background(), store.EventFilter{}, store.Order{Field: "STARTS_AT"}, page.Request{Size: 30})
	if err != nil {
		t.Fatal(err)
	}
	events := slices.DeleteFunc(p.Items, func(e *models.Event) bool { return e.Organizer == nil })
	organizers := map[int64]bool{}
	for _, e := range events {
		organizers[e.Organizer.ID] = true
	}
	if len(organizers) < 2 {
		t.Fatalf("the seed's events have %d organizers, want at least 2", len(organizers))
	}
	ctx, l := counting(st)
	list := resolve(t, ctx, "events", nodes(events), "nodes")
	for i, e := range events {
		images := field(field(item(list, i), "Event", "organizer"), "Organization", "images")
		if _, err := l.Images(images, e.Organizer); err != nil {
			t.Fatal(err)
		}
	}
	if n := store.StatementCount(ctx); n != 1 {
		t.Errorf("%d statements for the images of %d organizers, want 1", n, len(organizers))
	}
	if got := len(l.get().tree.at("events.nodes.organizer")); got != len(events) {
		t.Errorf("%d organizers registered, want %d", got, len(events))
	}
}

// TestRootsRegistersRecords registers what root fields resolve to, as soon as a field below
// them asks: a record, a list of nodes without its nulls, a page under both of a
// connection's paths, and nothing for a field outside the table.
func TestRootsRegistersRecords(t *testing.T) {
	t.Parallel()
	l := New(nil)
	ctx := With(context.Background(), l)
	c1, c2 := &models.Campaign{ID: 1}, &models.Campaign{ID: 2}
	for _, tc := range []struct {
		field string
		value any
		want  map[string]int
	}{
		{"campaign", c1, map[string]int{"campaign": 1}},
		{"campaign", (*models.Campaign)(nil), map[string]int{"campaign": 0}},
		{"nodes", []models.Node{c1, nil, c2}, map[string]int{"nodes": 2}},
		{"campaigns", nodes([]*models.Campaign{c1, c2}), map[string]int{"campaigns.nodes": 2, "campaigns.edges.node": 2}},
		{"viewer", c1, map[string]int{"viewer": 0}},
	} {
		l.Reset()
		below := field(item(resolve(t, ctx, tc.field, tc.value), 0), "Campaign", "events")
		l.get().tree.rooted(graphql.GetFieldContext(below))
		for path, n := range tc.want {
			if got := len(l.get().tree.at(path)); got != n {
				t.Errorf("%s = %v: %d records at %s, want %d", tc.field, tc.value, got, path, n)
			}
		}
	}
}

// nodes is a page of records as a connection presents it.
type connection[T any] []T

func (c connection[T]) Nodes() []T { return c }

func nodes[T any](items []T) connection[T] { return connection[T](items) }

func ids(events []*models.Event) []int64 {
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func sameIDs(a, b []*models.Event) bool { return slices.Equal(ids(a), ids(b)) }
