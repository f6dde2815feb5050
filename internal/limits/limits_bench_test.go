package limits

import (
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// The checks run on every request whose document the handler has not seen (CheckDocument)
// or on every request (Cost, Charge); these say what they add.

func BenchmarkCheckDocumentIntrospection(b *testing.B) {
	q := introspectionQuery(b)
	cfg := Defaults()
	b.ReportAllocs()
	for b.Loop() {
		if err := CheckDocument(q, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCost(b *testing.B) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: costSchema})
	doc, errs := gqlparser.LoadQueryWithRules(schema, `{ campaigns(first: 20) { totalCount nodes { name partners { role organization { name } } events(first: 10) { nodes { title } } } } }`, nil)
	if errs != nil {
		b.Fatal(errs)
	}
	m := costModel(costStats)
	b.ReportAllocs()
	for b.Loop() {
		Cost(schema, doc.Operations[0], nil, m)
	}
}

func BenchmarkCharge(b *testing.B) {
	budgets := NewBudgets(1_000_000_000, time.Minute)
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		budgets.Charge("addr:203.0.113.9", 10, now)
	}
}
