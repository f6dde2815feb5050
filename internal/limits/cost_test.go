package limits

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// costSchema has the shapes the cost model distinguishes: connections, a change set, plain
// lists with and without a bound, counts, a search, single objects, leaves, an interface, a
// union and a mutation.
const costSchema = `
type Query {
  campaigns(first: Int, last: Int, after: String, filter: CampaignFilter): CampaignConnection!
  campaign(slug: String): Campaign
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  tags: [String!]!
  changes(first: Int): ChangeSet!
  search(query: String!, types: [Kind!], first: Int): SearchConnection!
}
input CampaignFilter { country: String }
enum Kind { CAMPAIGN EVENT }
type Mutation { archive(id: ID!): Campaign }
interface Node { id: ID! }
type Campaign implements Node {
  id: ID!
  name: String!
  partners: [Partner!]!
  coordinators: [Organization!]!
  events(first: Int, last: Int): EventConnection!
  parent: Campaign
}
type Partner { role: String! organization: Organization! }
type Organization implements Node { id: ID! name: String! }
type Event implements Node { id: ID! title: String! campaign: Campaign! }
type PageInfo { hasNextPage: Boolean! endCursor: String }
type CampaignConnection { edges: [CampaignEdge!]! nodes: [Campaign!]! pageInfo: PageInfo! totalCount: Int! }
type CampaignEdge { cursor: String! node: Campaign! }
type EventConnection { edges: [EventEdge!]! nodes: [Event!]! pageInfo: PageInfo! totalCount: Int! count(atMost: Int! = 1000): BoundedCount! }
type EventEdge { cursor: String! node: Event! }
type BoundedCount { value: Int! exact: Boolean! }
type ChangeSet { changes: [Change!]! token: String! }
type Change { id: ID! node: Node }
union SearchResult = Campaign | Event
type SearchConnection { edges: [SearchEdge!]! nodes: [SearchResult!]! pageInfo: PageInfo! totalCount: Int! }
type SearchEdge { cursor: String! node: SearchResult! }
`

// costFields price costSchema as Fields price the API's.
var costFields = map[string]Field{
	"Query.campaigns":       {Rows: &Rows{Table: "campaigns", Narrow: map[string]string{"filter.country": "country_code"}}},
	"Campaign.events":       {Rows: &Rows{Table: "events", Per: "campaign_id"}},
	"EventConnection.count": {Reads: []Read{{Work: Counted, AtMost: "atMost"}}},
	"Campaign.partners":     {Rows: &Rows{Table: "campaign_partners", Per: "campaign_id"}},
	"Campaign.coordinators": {Size: &Size{Max: 50}},
	"Query.changes":         {Size: &Size{Args: []string{"first"}, Default: 100, Max: 500, Of: []string{"changes"}}},
	"Query.nodes":           {Size: &Size{IDs: "ids", Max: 100}},
	"Query.search": {Rows: &Rows{Table: "search_documents", Values: map[string]string{"types": "entity_type"}, Cap: 1001},
		Reads: []Read{{Work: Ranked, Rows: &Rows{Table: "search_documents", Values: map[string]string{"types": "entity_type"}}}}},
}

// costStats: 200 campaigns, 100,000 events of which the biggest campaign has 30%, campaigns
// with up to 50 partners, and 50,000 search documents, nearly all of events.
var costStats = &Stats{
	Rows: map[string]float64{"campaigns": 200, "events": 100_000, "campaign_partners": 1000, "search_documents": 50_000},
	Columns: map[string]Column{
		"events.campaign_id":            {Shares: map[string]float64{"1": 0.3, "2": 0.1}, Rest: 0.001},
		"campaign_partners.campaign_id": {Rest: 0.05},
		"campaigns.country_code":        {Rest: 0.1},
		"search_documents.entity_type":  {Shares: map[string]float64{"EVENT": 0.996, "CAMPAIGN": 0.004}},
	},
}

func costModel(stats *Stats) CostModel {
	m := CostModel{DefaultPage: 20, MaxPage: 100, Mutation: 10,
		RowsPerPoint: [works]float64{Counted: 20, Aggregated: 5, Ranked: 1}, Fields: costFields}
	if stats != nil {
		m.Stats = func() *Stats { return stats }
	}
	return m
}

func TestCost(t *testing.T) {
	t.Parallel()
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "cost.graphqls", Input: costSchema})
	var fifty strings.Builder
	for i := range 50 {
		fmt.Fprintf(&fifty, " a%d: campaigns { totalCount }", i)
	}
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		stats *Stats
		want  int
	}{
		{"leaves are free", `{ tags __typename }`, nil, costStats, 0},
		{"an object", `{ campaign(slug: "x") { name } }`, nil, costStats, 1},
		{"nested objects", `{ campaign(slug: "x") { parent { parent { name } } } }`, nil, costStats, 3},
		{"nodes at the default page", `{ campaigns { nodes { name } } }`, nil, costStats, 1 + 20},
		{"nodes with first", `{ campaigns(first: 10) { nodes { name } } }`, nil, costStats, 1 + 10},
		{"nodes with last", `{ campaigns(last: 5) { nodes { name } } }`, nil, costStats, 1 + 5},
		{"first from a variable", `query($n: Int) { campaigns(first: $n) { nodes { name } } }`, map[string]any{"n": 7}, costStats, 1 + 7},
		{"first over the bound costs the bound", `{ campaigns(first: 1000) { nodes { name } } }`, nil, costStats, 1 + 100},
		{"first below zero costs nothing more", `{ campaigns(first: -5) { nodes { name } } }`, nil, costStats, 1},
		{"pageInfo once per page", `{ campaigns(first: 10) { pageInfo { hasNextPage } } }`, nil, costStats, 1 + 1},
		{"edges and their nodes", `{ campaigns(first: 10) { edges { cursor node { name } } } }`, nil, costStats, 1 + 10*(1+1)},
		{"nested connections multiply", `{ campaigns(first: 10) { nodes { events(first: 10) { nodes { title } } } } }`, nil, costStats, 1 + 10*(1+(1+10))},
		{"a list at its largest in the data", `{ campaign(slug: "x") { partners { role } } }`, nil, costStats, 1 + 50},
		{"a list at the default page without statistics", `{ campaign(slug: "x") { partners { role } } }`, nil, nil, 1 + 20},
		{"a list the writes bound", `{ campaign(slug: "x") { coordinators { name } } }`, nil, costStats, 1 + 50},
		{"the package example", `{ campaigns(first: 10) { nodes { name partners { organization { name } } } } }`, nil, costStats, 1 + 10*(1+50*2)},
		{"fragments count where spread", `{ campaigns(first: 2) { nodes { ...C } } } fragment C on Campaign { partners { role } }`, nil, costStats, 1 + 2*(1+50)},
		{"nodes by their ids", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []any{"a", "b", "c"}}, costStats, 3},
		{"an abstract type costs its costliest type", `{ node(id: "x") { ... on Campaign { parent { name } } ... on Event { campaign { parent { name } } } } }`, nil, costStats, 1 + 2},
		{"changes at the default", `{ changes { changes { id } } }`, nil, costStats, 1 + 100},
		{"the issue's changes(first: 500)", `{ changes(first: 500) { changes { node { ... on Event { campaign { partners { organization { name } } } } } } } }`,
			nil, costStats, 1 + 500*(1+1+1+50*2)},
		{"changes over the bound cost the bound", `{ changes(first: 5000) { changes { id } } }`, nil, costStats, 1 + 500},
		{"a count over a table", `{ campaigns { totalCount } }`, nil, costStats, 1 + 200/20},
		{"a count narrowed by a filter", `{ campaigns(filter: {country: "MM"}) { totalCount } }`, nil, costStats, 1 + 1},
		{"a count under a parent is the parent with the most", `{ campaign(slug: "x") { events { totalCount } } }`, nil, costStats, 1 + 1 + 30_000/20},
		{"a bounded count", `{ campaign(slug: "x") { events { count { value } } } }`, nil, costStats, 1 + 1 + 1 + 51},
		{"a count bounded lower", `{ campaign(slug: "x") { events { count(atMost: 10) { value } } } }`, nil, costStats, 1 + 1 + 1 + 1},
		{"50 aliased counts", "{" + fifty.String() + " }", nil, costStats, 50 * (1 + 10)},
		{"a count without statistics", `{ campaigns { totalCount } }`, nil, nil, 1 + unknownRows/20},
		{"a search of one kind", `{ search(query: "x", types: [CAMPAIGN], first: 5) { nodes { ... on Campaign { name } } } }`, nil, costStats, 1 + 200 + 5},
		{"a search of every kind", `{ search(query: "x", first: 5) { nodes { ... on Event { title } } } }`, nil, costStats, 1 + 50_000 + 5},
		{"a search's count stops at its cap", `{ search(query: "x", first: 5) { totalCount } }`, nil, costStats, 1 + 50_000 + 1001/20 + 1},
		{"a search's count of fewer documents than its cap", `{ search(query: "x", types: [CAMPAIGN]) { totalCount } }`, nil, costStats, 1 + 200 + 200/20},
		{"introspection is free", `{ __schema { types { fields { name } } } }`, nil, costStats, 0},
		{"a mutation", `mutation { archive(id: "x") { name } }`, nil, costStats, 10 + 1},
		{"deep nesting saturates", `{ campaigns(first: 100) { nodes { events(first: 100) { nodes { title } } partners { organization { name } } } }
			a: campaigns(first: 100) { nodes { events(first: 100) { nodes { title } } } } }`, nil, costStats, 1 + 100*(1+101+100) + 1 + 100*(1+101)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(schema, tt.query, nil)
			if errs != nil {
				t.Fatalf("invalid query: %v", errs)
			}
			if got := Cost(schema, doc.Operations[0], tt.vars, costModel(tt.stats)); got != tt.want {
				t.Errorf("Cost = %d, want %d", got, tt.want)
			}
		})
	}

	t.Run("limit", func(t *testing.T) {
		doc, errs := gqlparser.LoadQueryWithRules(schema, `{ campaigns(first: 100) { nodes { events(first: 100) { nodes { title } } } } }`, nil)
		if errs != nil {
			t.Fatal(errs)
		}
		m := costModel(costStats)
		cost, err := CheckCost(schema, doc.Operations[0], nil, m, 5000)
		if cost != 1+100*(1+101) || err == nil || err.Extensions["code"] != CodeQueryTooComplex {
			t.Errorf("CheckCost = %d, %v; want %d and %s", cost, err, 1+100*102, CodeQueryTooComplex)
		}
		if cost, err := CheckCost(schema, doc.Operations[0], nil, m, cost); err != nil {
			t.Errorf("CheckCost at exactly the limit %d: %v", cost, err)
		}
	})
}

func TestSaturatingArithmetic(t *testing.T) {
	t.Parallel()
	if got := satMul(saturation, 100); got != saturation {
		t.Errorf("satMul overflowed to %d", got)
	}
	if got := satAdd(saturation, saturation); got != saturation {
		t.Errorf("satAdd overflowed to %d", got)
	}
	if got := satMul(3, 4); got != 12 {
		t.Errorf("satMul(3, 4) = %d", got)
	}
	if got := ceil(1e300); got != saturation {
		t.Errorf("ceil(1e300) = %d", got)
	}
}

// TestMembersTablesPriceCoarsely checks that a count over members' data does not tell how
// many rows the table holds to within a row, so that watching a price cannot time a young
// person's registration: 1 and 64 memberships price alike, 65 as 128.
func TestMembersTablesPriceCoarsely(t *testing.T) {
	t.Parallel()
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "cost.graphqls", Input: costSchema})
	doc, errs := gqlparser.LoadQueryWithRules(schema, `{ campaigns { totalCount } }`, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	price := func(rows float64) int {
		m := costModel(&Stats{Rows: map[string]float64{"campaigns": rows}})
		m.Coarse = map[string]bool{"campaigns": true}
		return Cost(schema, doc.Operations[0], nil, m)
	}
	for _, tt := range []struct {
		rows float64
		want int
	}{{0, 1 + 64/20 + 1}, {1, 1 + 64/20 + 1}, {64, 1 + 64/20 + 1}, {65, 1 + 128/20 + 1}, {1000, 1 + 1024/20 + 1}} {
		if got := price(tt.rows); got != tt.want {
			t.Errorf("%v rows: Cost = %d, want %d", tt.rows, got, tt.want)
		}
	}
}
