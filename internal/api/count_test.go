package api_test

import (
	"testing"

	"campaigns/internal/apitest"
	"campaigns/internal/dbtest"
)

// TestBoundedCountStopsAtItsBound checks count(atMost:), the events' count that stops at a
// bound: exact below it, the bound and exact: false above it, at the root and nested, in
// statements within the query's depth + 1; and a bound out of range is bad input.
func TestBoundedCountStopsAtItsBound(t *testing.T) {
	t.Parallel()
	st := dbtest.New(t)
	fill(t, st, "counts", 3, 15)
	c := apitest.New(st)
	const q = `{
		events(first: 1) { totalCount few: count(atMost: 5) { value exact } all: count(atMost: 100) { value exact } edge: count(atMost: 45) { value exact } }
		campaigns(first: 10) { nodes { events(first: 1) { totalCount count(atMost: 10) { value exact } } } }
	}`
	type bounded struct {
		Value int
		Exact bool
	}
	var got struct {
		Events struct {
			TotalCount     int
			Few, All, Edge bounded
		}
		Campaigns struct {
			Nodes []struct {
				Events struct {
					TotalCount int
					Count      bounded
				}
			}
		}
	}
	c.Query(t, q, nil).MustData(t, &got)
	e := got.Events
	if e.TotalCount != 45 || e.Few != (bounded{5, false}) || e.All != (bounded{45, true}) || e.Edge != (bounded{45, true}) {
		t.Errorf("root: %+v, want totalCount 45, few {5 false}, all and edge {45 true}", e)
	}
	if len(got.Campaigns.Nodes) != 3 {
		t.Fatalf("%d campaigns, want 3", len(got.Campaigns.Nodes))
	}
	for _, n := range got.Campaigns.Nodes {
		if n.Events.TotalCount != 15 || n.Events.Count != (bounded{10, false}) {
			t.Errorf("nested: %+v, want totalCount 15 and count {10 false}", n.Events)
		}
	}
	// Each alias at the root is a statement of its own; nested, a count is one statement for
	// all the parents.
	const nested = `{ campaigns(first: 10) { nodes { events(first: 1) { nodes { title } count(atMost: 10) { value exact } } } } }`
	if res, bound := c.Query(t, nested, nil), depthOf(t, nested)+1; len(res.Errors) > 0 || res.Statements > bound {
		t.Errorf("nested: %d statements (errors %+v), want at most depth + 1 = %d", res.Statements, res.Errors, bound)
	}
	for _, atMost := range []string{"0", "-1", "100001"} {
		res := c.Query(t, `{ events(first: 1) { count(atMost: `+atMost+`) { value } } }`, nil)
		if code := res.ErrorCode(t); code != "BAD_USER_INPUT" {
			t.Errorf("atMost %s: code %q, want BAD_USER_INPUT", atMost, code)
		}
	}
}
