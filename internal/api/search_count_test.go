package api_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"campaigns/internal/apitest"
	"campaigns/internal/limits"
	"campaigns/internal/store"
)

const searchCountQuery = `query($q: String!, $types: [SearchType!], $first: Int, $after: String) {
	search(query: $q, types: $types, first: $first, after: $after) {
		totalCount totalCountIsExact edges { node { __typename } } pageInfo { hasNextPage endCursor } } }`

type searchCount struct {
	Search struct {
		TotalCount        int
		TotalCountIsExact bool
		Edges             []any
		PageInfo          struct {
			HasNextPage bool
			EndCursor   *string
		}
	}
}

func countSearch(t *testing.T, c *apitest.Client, vars map[string]any) (searchCount, *apitest.Response) {
	t.Helper()
	var p searchCount
	res := c.Query(t, searchCountQuery, vars)
	res.MustData(t, &p)
	return p, res
}

// TestSearchCountsItsMatches counts a search's matches as its pages hold them: the same
// count on every page, after the last one too, only what the caller may find (a draft for its
// owner alone), and in the search's own statement.
func TestSearchCountsItsMatches(t *testing.T) {
	t.Parallel()
	w := newSearchWorld(t)
	var after any
	seen, pages := 0, 0
	for {
		p, _ := countSearch(t, w.c, map[string]any{"q": "trafficking", "first": 2, "after": after})
		seen += len(p.Search.Edges)
		pages++
		if pages == 1 && (p.Search.TotalCount < 3 || !p.Search.TotalCountIsExact) {
			t.Fatalf("totalCount %d, exact %v: want an exact count of at least 3", p.Search.TotalCount, p.Search.TotalCountIsExact)
		}
		if !p.Search.PageInfo.HasNextPage {
			break
		}
		after = *p.Search.PageInfo.EndCursor
	}
	first, _ := countSearch(t, w.c, map[string]any{"q": "trafficking", "first": 2})
	if seen != first.Search.TotalCount {
		t.Errorf("the pages hold %d results, totalCount says %d", seen, first.Search.TotalCount)
	}
	// Past the last page: nothing more, and the same count.
	last, _ := countSearch(t, w.c, map[string]any{"q": "trafficking", "first": 100, "after": after})
	beyond, _ := countSearch(t, w.c, map[string]any{"q": "trafficking", "first": 2, "after": *last.Search.PageInfo.EndCursor})
	if len(beyond.Search.Edges) != 0 || beyond.Search.TotalCount != first.Search.TotalCount {
		t.Errorf("past the end: %d results, totalCount %d; want none and %d", len(beyond.Search.Edges), beyond.Search.TotalCount, first.Search.TotalCount)
	}

	for name, tc := range map[string]struct {
		c    *apitest.Client
		want int
	}{"anonymous": {w.c, 0}, "a stranger": {w.c.As(w.stranger), 0}, "the owner": {w.c.As(w.owner), 2}} {
		p, _ := countSearch(t, tc.c, map[string]any{"q": "zebra"})
		if p.Search.TotalCount != tc.want || !p.Search.TotalCountIsExact || len(p.Search.Edges) != tc.want {
			t.Errorf("%s: zebra counts %d (exact %v) with %d results, want %d", name, p.Search.TotalCount, p.Search.TotalCountIsExact, len(p.Search.Edges), tc.want)
		}
	}

	_, counted := countSearch(t, w.c, map[string]any{"q": "trafficking"})
	plain := w.c.Query(t, `query($q: String!) { search(query: $q) { edges { node { __typename } } pageInfo { hasNextPage } } }`, map[string]any{"q": "trafficking"})
	if counted.Statements != plain.Statements {
		t.Errorf("the search with its count ran %d statements, without %d", counted.Statements, plain.Statements)
	}
}

// TestSearchCountStopsAtItsCap counts a search of more matches than the cap: totalCount is
// the cap and not exact; narrowed to a kind with fewer, it is exact again.
func TestSearchCountStopsAtItsCap(t *testing.T) {
	t.Parallel()
	if limits.SearchCountRows != store.SearchCountCap+1 {
		t.Fatalf("the cost model prices a search's count at %d rows; it reads up to %d", limits.SearchCountRows, store.SearchCountCap+1)
	}
	st, url := seededWithURL(t)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `INSERT INTO organizations (slug, name, kind)
		SELECT 'quokka-' || g, 'Quokka alliance ' || g, 'CIVIL_SOCIETY' FROM generate_series(1, $1::int) g`, store.SearchCountCap+5); err != nil {
		t.Fatal(err)
	}
	c := apitest.New(st)
	p, _ := countSearch(t, c, map[string]any{"q": "quokka alliance", "first": 5})
	if p.Search.TotalCount != store.SearchCountCap || p.Search.TotalCountIsExact || len(p.Search.Edges) != 5 {
		t.Errorf("totalCount %d, exact %v, %d results; want %d, not exact, 5", p.Search.TotalCount, p.Search.TotalCountIsExact, len(p.Search.Edges), store.SearchCountCap)
	}
	p, _ = countSearch(t, c, map[string]any{"q": "quokka alliance", "types": []string{"CAMPAIGN"}})
	if p.Search.TotalCount != 0 || !p.Search.TotalCountIsExact {
		t.Errorf("campaigns: totalCount %d, exact %v; want 0, exact", p.Search.TotalCount, p.Search.TotalCountIsExact)
	}
}
