package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/api"
	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
	"campaigns/internal/gen"
	"campaigns/internal/limits"
	"campaigns/internal/relay"
)

// objects counts the JSON objects in v, v included: each is a record, or a part of one,
// that the answer returned.
func objects(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		n++
		for _, e := range v {
			n += objects(e)
		}
	case []any:
		for _, e := range v {
			n += objects(e)
		}
	}
	return n
}

// values collects every number under v at a key named key.
func values(v any, key string) []float64 {
	var out []float64
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if n, ok := e.(float64); ok && k == key {
				out = append(out, n)
			}
			out = append(out, values(e, key)...)
		}
	case []any:
		for _, e := range v {
			out = append(out, values(e, key)...)
		}
	}
	return out
}

// scanned runs EXPLAIN ANALYZE of query and returns the rows its scans fetched: the work of
// a count or an aggregate over those rows. It logs the planner's estimate beside them.
func scanned(t *testing.T, conn *pgx.Conn, query string, args ...any) float64 {
	t.Helper()
	var plan string
	if err := conn.QueryRow(context.Background(), "EXPLAIN (ANALYZE, FORMAT JSON) "+query, args...).Scan(&plan); err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	type node struct {
		Relation string  `json:"Relation Name"`
		Rows     float64 `json:"Plan Rows"`
		Actual   float64 `json:"Actual Rows"`
		Loops    float64 `json:"Actual Loops"`
		Plans    []node  `json:"Plans"`
	}
	var plans []struct{ Plan node }
	if err := json.Unmarshal([]byte(plan), &plans); err != nil {
		t.Fatal(err)
	}
	var estimated, fetched float64
	var walk func(n node)
	walk = func(n node) {
		if n.Relation != "" {
			estimated += n.Rows * max(n.Loops, 1)
			fetched += n.Actual * max(n.Loops, 1)
		}
		for _, p := range n.Plans {
			walk(p)
		}
	}
	walk(plans[0].Plan)
	t.Logf("%s: %.0f rows fetched, %.0f estimated", query, fetched, estimated)
	return fetched
}

// TestPriceBoundsTheWork runs a query of each kind of field against a generated database,
// its statistics analyzed as autovacuum would, and checks that the price is at least the work
// the query made: each object returned is a point; each count, aggregate or search costs the
// rows PostgreSQL read for it (EXPLAIN ANALYZE of a statement over the same rows or more, the
// count the answer gives, or the matches a search pages through), at the cost model's rates.
// Where a price depends on a parent, the test asks for the parent with the most rows.
func TestPriceBoundsTheWork(t *testing.T) {
	t.Parallel()
	st, url := dbtest.NewWithURL(t)
	ctx := context.Background()
	if _, err := gen.Generate(ctx, st, gen.Options{Seed: 7, Campaigns: 30, Events: 4000, Networks: 300, Organizations: 200}); err != nil {
		t.Fatalf("generate: %v", err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	most := func(typ, query string) (string, int64) {
		t.Helper()
		var id int64
		if err := conn.QueryRow(ctx, query).Scan(&id); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return relay.EncodeInt(typ, id), id
	}
	biggest, biggestID := most(relay.TypeCampaign, `SELECT campaign_id FROM events GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)
	partnered, _ := most(relay.TypeCampaign, `SELECT campaign_id FROM campaign_partners GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)
	hosted, _ := most(relay.TypeEvent, `SELECT event_id FROM event_cohosts GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)
	regional, _ := most(relay.TypeYouthNetwork, `SELECT parent_id FROM youth_networks WHERE parent_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`)

	h := api.New(st, api.Options{Limits: limits.Config{MaxCost: apitest.TestMaxCost}})
	m := limits.DefaultCostModel()
	rate := func(w limits.Work, rows float64) int { return int(math.Ceil(rows / m.RowsPerPoint[w])) }
	counted := func(rows ...float64) int {
		n := 0
		for _, r := range rows {
			n += rate(limits.Counted, r)
		}
		return n
	}
	eventsOf := func(campaign int64) float64 {
		return scanned(t, conn, `SELECT count(*) FROM events WHERE campaign_id = $1`, campaign)
	}
	// hits pages through a search to its end: the documents it ranked.
	hits := func(query string, types ...string) float64 {
		n, after := 0, any(nil)
		for {
			a := send(t, h, postJSON(t, `query($q: String!, $types: [SearchType!], $after: String) {
				search(query: $q, types: $types, first: 100, after: $after) { nodes { __typename } pageInfo { hasNextPage endCursor } } }`,
				map[string]any{"q": query, "types": types, "after": after}))
			var got struct {
				Search struct {
					Nodes    []any
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
			}
			if err := json.Unmarshal(a.Data, &got); err != nil || len(a.Errors) > 0 {
				t.Fatalf("search %q: %s", query, a.Body)
			}
			n += len(got.Search.Nodes)
			if !got.Search.PageInfo.HasNextPage {
				return float64(n)
			}
			after = got.Search.PageInfo.EndCursor
		}
	}
	var aliased strings.Builder
	for i := range 20 {
		fmt.Fprintf(&aliased, " a%d: campaign(id: $id) { events { totalCount } }", i)
	}

	tests := []struct {
		kind, query string
		vars        map[string]any
		// work is the points of what the query read beyond its objects.
		work func(data any) int
	}{
		{"a connection with first", `{ events(first: 60) { nodes { title venue { name country { name } } organizer { name } } } }`, nil, nil},
		{"a connection with last", `{ events(last: 40) { edges { cursor node { title campaign { name } } } pageInfo { hasPreviousPage } } }`, nil, nil},
		{"a connection at its default page", `{ organizations { nodes { name country { name } } } }`, nil, nil},
		{"a list without a page size: partners", `query($id: ID) { campaign(id: $id) { partners { role organization { name } } } }`,
			map[string]any{"id": partnered}, nil},
		{"a list without a page size: co-hosts", `query($id: ID!) { event(id: $id) { coHosts { name } } }`, map[string]any{"id": hosted}, nil},
		{"lists the writes bound", `{ youthNetworks(first: 50) { nodes { coordinators { name } channels { url } } } }`, nil, nil},
		{"the changes sync list (the issue's query)",
			`{ changes(first: 500) { changes { node { ... on Event { campaign { partners { organization { name } } } } } } } }`, nil, nil},
		{"the changes sync list at its default", `{ changes { changes { id node { id } } } }`, nil, nil},
		{"a search", `{ search(query: "concert", first: 10) { nodes { ... on Event { title } } } }`, nil,
			func(any) int { return rate(limits.Ranked, hits("concert")) }},
		{"a search of one kind", `{ search(query: "training", types: [CAMPAIGN], first: 10) { nodes { ... on Campaign { name } } } }`, nil,
			func(any) int { return rate(limits.Ranked, hits("training", "CAMPAIGN")) }},
		{"a search with its count", `{ search(query: "concert", first: 10) { totalCount totalCountIsExact nodes { ... on Event { title } } } }`, nil,
			func(any) int {
				n := hits("concert")
				return rate(limits.Ranked, n) + counted(min(n, limits.SearchCountRows))
			}},
		{"totalCount over a table", `{ events { totalCount } }`, nil,
			func(any) int { return counted(scanned(t, conn, `SELECT count(*) FROM events`)) }},
		{"totalCount under the parent with the most", `query($id: ID) { campaign(id: $id) { events { totalCount } } }`,
			map[string]any{"id": biggest}, func(any) int { return counted(eventsOf(biggestID)) }},
		{"totalCount narrowed by a filter", `query($id: ID) { events(filter: {campaign: $id}) { totalCount } }`,
			map[string]any{"id": biggest}, func(any) int { return counted(eventsOf(biggestID)) }},
		{"a bounded count", `query($id: ID) { campaign(id: $id) { events { count(atMost: 500) { value exact } } } }`,
			map[string]any{"id": biggest}, func(any) int { return counted(min(501, eventsOf(biggestID))) }},
		{"20 aliased counts", `query($id: ID) {` + aliased.String() + ` }`, map[string]any{"id": biggest},
			func(any) int { return 20 * counted(eventsOf(biggestID)) }},
		{"fragments, spread in a list", `{ campaigns(first: 30) { nodes { ...C } } }
			fragment C on Campaign { partners { organization { ...O } } events(first: 3) { totalCount nodes { title organizer { ...O } } } }
			fragment O on Organization { name country { name } }`, nil,
			func(data any) int { return counted(values(data, "totalCount")...) }},
		{"nested lists", `{ youthNetworks(first: 10, filter: {topLevel: true}) { nodes { name
			chapters(first: 20) { totalCount nodes { name chapters(first: 20) { nodes { name country { name } } } } } } } }`, nil,
			func(data any) int { return counted(values(data, "totalCount")...) }},
		{"a network's chapters, the parent with the most", `query($id: ID) { youthNetwork(id: $id) { chapters(first: 100) { totalCount nodes { name } } } }`,
			map[string]any{"id": regional}, func(data any) int { return counted(values(data, "totalCount")...) }},
		{"a reach", `query($id: ID) { campaign(id: $id) { reach { events byKind { key events } byYear { key events } byCountry { key } } } }`,
			map[string]any{"id": biggest}, func(any) int {
				return rate(limits.Aggregated, eventsOf(biggestID)) +
					rate(limits.Aggregated, scanned(t, conn, `SELECT count(*) FROM registrations`)) +
					rate(limits.Aggregated, scanned(t, conn, `SELECT count(*) FROM memberships`))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			a := send(t, h, postJSON(t, tt.query, tt.vars))
			if len(a.Errors) > 0 || a.Extensions.Cost == nil {
				t.Fatalf("%s", a.Body)
			}
			var data any
			if err := json.Unmarshal(a.Data, &data); err != nil {
				t.Fatal(err)
			}
			work := objects(data) - 1 // the answer's data object is no record
			if tt.work != nil {
				work += tt.work(data)
			}
			price := a.Extensions.Cost.Requested
			t.Logf("price %d, work %d (%d objects)", price, work, objects(data)-1)
			if price < work {
				t.Errorf("the price %d is less than the work %d", price, work)
			}
		})
	}
}
