package main

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// documents are the GraphQL documents of the kinds, by kind.
var documents = map[string]string{
	"campaigns": qCampaigns, "event": qEvent, "networks": qNetwork, "country": qCountry,
	"nodes": qNodes, "page1": qEvents, "deep": qEvents,
}

// depthOf returns a query's depth: the most fields on a path from the root to a leaf, the
// leaf included (`{ a { b } }` is 2). Inline fragments add no level. This is the depth the
// issue's bound of "depth + 1" statements is read against.
func depthOf(doc string) (int, error) {
	q, err := parser.ParseQuery(&ast.Source{Input: doc})
	if err != nil {
		return 0, err
	}
	d := 0
	for _, op := range q.Operations {
		d = max(d, depth(op.SelectionSet))
	}
	return d, nil
}

func depth(set ast.SelectionSet) int {
	d := 0
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			d = max(d, 1+depth(s.SelectionSet))
		case *ast.InlineFragment:
			d = max(d, depth(s.SelectionSet))
		}
	}
	return d
}
