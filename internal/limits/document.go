package limits

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"

	"campaigns/internal/problem"
)

// Shape is what the document limits measure, fragments expanded. Counts stop growing at a
// bound far above any limit, so that a document of nested fragments that would expand
// exponentially is measured in linear time.
type Shape struct {
	Depth   int
	Aliases int
	Fields  int
}

// CheckDocument refuses a document that is too long, has too many tokens, is too deep, or has too many aliases
// or fields. It runs before gqlgen validates the document, because validation itself is
// what a hostile document attacks: comparing every pair of fields that may merge is
// quadratic in their number. A document that does not parse passes, for gqlgen to answer
// with its own parse error.
func CheckDocument(query string, c Config) *gqlerror.Error {
	if len(query) > c.MaxQueryBytes {
		return refusal(problem.QueryTooLarge, "the document is %d bytes long; the limit is %d", len(query), c.MaxQueryBytes)
	}
	if n, over := CountTokens(query, c.MaxTokens); over {
		return refusal(problem.QueryTooLarge, "the document has more than %d tokens; the limit is %d", n-1, c.MaxTokens)
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return nil
	}
	s := Measure(doc)
	switch {
	case s.Depth > c.MaxDepth:
		return refusal(problem.QueryTooDeep, "the document nests fields %d deep; the limit is %d", s.Depth, c.MaxDepth)
	case s.Aliases > c.MaxAliases:
		return refusal(problem.TooManyAliases, "the document has %d aliases; the limit is %d", s.Aliases, c.MaxAliases)
	case s.Fields > c.MaxFields:
		return refusal(problem.TooManyFields, "the document selects %d fields; the limit is %d", s.Fields, c.MaxFields)
	}
	return nil
}

// CountTokens counts the lexical tokens of query, stopping at max+1: it returns how many
// it read and whether that is more than max. A lexical error stops the count; the parser
// reports it.
func CountTokens(query string, max int) (n int, over bool) {
	// A token is at least one byte long, so a short document cannot be over.
	if len(query) <= max {
		return 0, false
	}
	lex := lexer.New(&ast.Source{Input: query})
	for n <= max {
		tok, err := lex.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return n, false
		}
		n++
	}
	return n, true
}

// saturation is where counts stop: far above any sensible limit, far below overflow.
const saturation = 1 << 30

func satAdd(a, b int) int {
	if a+b > saturation {
		return saturation
	}
	return a + b
}

// Measure returns the shape of a parsed, not yet validated document: the depth of its
// deepest operation, and its aliases and fields summed over its operations and its unused
// fragments (a fragment that no operation uses still costs its validation). A fragment spread inside its own expansion
// (a cycle, which validation refuses) adds nothing, so a cycle cannot hang the walk.
func Measure(doc *ast.QueryDocument) Shape {
	m := measurer{fragments: map[string]*ast.FragmentDefinition{}, memo: map[string]Shape{}, active: map[string]bool{}}
	for _, f := range doc.Fragments {
		if _, dup := m.fragments[f.Name]; !dup {
			m.fragments[f.Name] = f
		}
	}
	var total Shape
	add := func(s Shape) {
		total.Depth = max(total.Depth, s.Depth)
		total.Aliases = satAdd(total.Aliases, s.Aliases)
		total.Fields = satAdd(total.Fields, s.Fields)
	}
	for _, op := range doc.Operations {
		add(m.selections(op.SelectionSet))
	}
	// Unused fragments are counted too; used ones are already in the operations' counts.
	for _, f := range doc.Fragments {
		if _, ok := m.memo[f.Name]; ok {
			continue
		}
		add(m.fragment(f.Name))
	}
	return total
}

type measurer struct {
	fragments map[string]*ast.FragmentDefinition
	// memo holds each fragment's shape once measured: a fragment spread many times is
	// walked once.
	memo map[string]Shape
	// active holds the fragments being expanded, to cut cycles.
	active map[string]bool
}

func (m *measurer) selections(set ast.SelectionSet) Shape {
	var s Shape
	for _, sel := range set {
		var child Shape
		switch sel := sel.(type) {
		case *ast.Field:
			child = m.selections(sel.SelectionSet)
			child.Fields = satAdd(child.Fields, 1)
			if sel.Alias != "" && sel.Alias != sel.Name {
				child.Aliases = satAdd(child.Aliases, 1)
			}
			// Introspection nests __Type in __Type; gqlparser's MaxIntrospectionDepth
			// rule bounds it, and GraphiQL's own query is 15 deep.
			if sel.Name == "__schema" || sel.Name == "__type" {
				child.Depth = 0
			} else {
				child.Depth++
			}
		case *ast.InlineFragment:
			child = m.selections(sel.SelectionSet)
		case *ast.FragmentSpread:
			child = m.fragment(sel.Name)
		}
		s.Depth = max(s.Depth, child.Depth)
		s.Aliases = satAdd(s.Aliases, child.Aliases)
		s.Fields = satAdd(s.Fields, child.Fields)
	}
	return s
}

func (m *measurer) fragment(name string) Shape {
	if s, ok := m.memo[name]; ok {
		return s
	}
	f, ok := m.fragments[name]
	if !ok || m.active[name] {
		return Shape{} // unknown (validation reports it) or a cycle
	}
	m.active[name] = true
	s := m.selections(f.SelectionSet)
	delete(m.active, name)
	m.memo[name] = s
	return s
}
