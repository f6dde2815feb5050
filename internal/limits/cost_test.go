package limits

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// costSchema has the shapes the cost model distinguishes: connections, plain lists,
// single objects, leaves, an interface and a mutation.
const costSchema = `
type Query {
  campaigns(first: Int, last: Int, after: String): CampaignConnection!
  campaign(slug: String): Campaign
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  tags: [String!]!
}
type Mutation { archive(id: ID!): Campaign }
interface Node { id: ID! }
type Campaign implements Node {
  id: ID!
  name: String!
  partners: [Partner!]!
  events(first: Int, last: Int): EventConnection!
  parent: Campaign
}
type Partner { role: String! organization: Organization! }
type Organization implements Node { id: ID! name: String! }
type Event implements Node { id: ID! title: String! }
type PageInfo { hasNextPage: Boolean! endCursor: String }
type CampaignConnection { edges: [CampaignEdge!]! nodes: [Campaign!]! pageInfo: PageInfo! totalCount: Int! }
type CampaignEdge { cursor: String! node: Campaign! }
type EventConnection { edges: [EventEdge!]! nodes: [Event!]! pageInfo: PageInfo! totalCount: Int! }
type EventEdge { cursor: String! node: Event! }
`

func TestCost(t *testing.T) {
	t.Parallel()
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "cost.graphqls", Input: costSchema})
	m := CostModel{DefaultPage: 20, MaxPage: 100, DefaultList: 10, Mutation: 10}
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  int
	}{
		{"leaves are free", `{ tags __typename }`, nil, 0},
		{"an object", `{ campaign(slug: "x") { name } }`, nil, 1},
		{"nested objects", `{ campaign(slug: "x") { parent { parent { name } } } }`, nil, 3},
		{"a connection's count alone", `{ campaigns { totalCount } }`, nil, 1},
		{"nodes at the default page", `{ campaigns { nodes { name } } }`, nil, 1 + 20},
		{"nodes with first", `{ campaigns(first: 10) { nodes { name } } }`, nil, 1 + 10},
		{"nodes with last", `{ campaigns(last: 5) { nodes { name } } }`, nil, 1 + 5},
		{"first from a variable", `query($n: Int) { campaigns(first: $n) { nodes { name } } }`, map[string]any{"n": 7}, 1 + 7},
		{"first over the bound costs the bound", `{ campaigns(first: 1000) { nodes { name } } }`, nil, 1 + 100},
		{"first below zero costs nothing more", `{ campaigns(first: -5) { nodes { name } } }`, nil, 1},
		{"pageInfo once per page", `{ campaigns(first: 10) { pageInfo { hasNextPage } } }`, nil, 1 + 1},
		{"edges and their nodes", `{ campaigns(first: 10) { edges { cursor node { name } } } }`, nil, 1 + 10*(1+1)},
		{"the package example", `{ campaigns(first: 10) { nodes { name partners { organization { name } } } } }`, nil, 211},
		{"nested connections multiply", `{ campaigns(first: 10) { nodes { events(first: 10) { nodes { title } } } } }`, nil, 1 + 10*(1+(1+10))},
		{"fragments count where spread", `{ campaigns(first: 2) { nodes { ...C } } } fragment C on Campaign { partners { role } }`, nil, 1 + 2*(1+10)},
		{"nodes by their ids", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []any{"a", "b", "c"}}, 3},
		{"inline fragments summed", `{ node(id: "x") { ... on Campaign { parent { name } } ... on Event { title } } }`, nil, 2},
		{"introspection is free", `{ __schema { types { fields { name } } } }`, nil, 0},
		{"a mutation", `mutation { archive(id: "x") { name } }`, nil, 10 + 1},
		{"deep nesting saturates", `{ campaigns(first: 100) { nodes { events(first: 100) { nodes { title } } partners { organization { name } } } }
			a: campaigns(first: 100) { nodes { events(first: 100) { nodes { title } } } } }`, nil, 1 + 100*(1+101+20) + 1 + 100*(1+101)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(schema, tt.query, nil)
			if errs != nil {
				t.Fatalf("invalid query: %v", errs)
			}
			if got := Cost(schema, doc.Operations[0], tt.vars, m); got != tt.want {
				t.Errorf("Cost = %d, want %d", got, tt.want)
			}
		})
	}

	t.Run("limit", func(t *testing.T) {
		doc, errs := gqlparser.LoadQueryWithRules(schema, `{ campaigns(first: 100) { nodes { events(first: 100) { nodes { title } } } } }`, nil)
		if errs != nil {
			t.Fatal(errs)
		}
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
}
