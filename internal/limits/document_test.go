package limits

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// introspectionQuery is GraphiQL's introspection query, which the default limits must let
// through.
func introspectionQuery(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMeasure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		query string
		want  Shape
	}{
		{"one field", `{ a }`, Shape{Depth: 1, Fields: 1}},
		{"nested", `{ a { b { c } d } }`, Shape{Depth: 3, Fields: 4}},
		{"aliases", `{ x: a y: a a: a }`, Shape{Depth: 1, Fields: 3, Aliases: 2}},
		{"fragment expanded where spread", `{ a { ...F } b { ...F } } fragment F on T { c { d } }`, Shape{Depth: 3, Fields: 6}},
		{"inline fragment", `{ a { ... on T { b { c } } } }`, Shape{Depth: 3, Fields: 3}},
		{"unused fragment counted", `{ a } fragment F on T { b c d }`, Shape{Depth: 1, Fields: 4}},
		{"two operations summed", `query A { a { b } } query B { c }`, Shape{Depth: 2, Fields: 3}},
		{"introspection depth not counted", `{ __schema { types { fields { type { ofType { ofType { name } } } } } } }`, Shape{Depth: 0, Fields: 7}},
		{"introspection beside data", `{ a { b } __type(name: "T") { fields { type { ofType { name } } } } }`, Shape{Depth: 2, Fields: 7}},
		{"fragment cycle ends", `{ ...A } fragment A on Query { a { ...B } } fragment B on T { b { ...A } }`, Shape{Depth: 2, Fields: 2}},
		{"self-spread ends", `{ ...A } fragment A on Query { a ...A }`, Shape{Depth: 1, Fields: 1}},
		{"unknown fragment is nothing", `{ a { ...Missing } }`, Shape{Depth: 1, Fields: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if got := Measure(doc); got != tt.want {
				t.Errorf("Measure(%s) = %+v, want %+v", tt.query, got, tt.want)
			}
		})
	}
}

// TestMeasureFragmentBomb: each fragment spreads the next one twice, so the expanded
// document has 2^60 fields; it is measured without expanding it, and saturates.
func TestMeasureFragmentBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range 60 {
		fmt.Fprintf(&b, "fragment F%d on Query { a: x { ...F%d } b: x { ...F%d } }\n", i, i+1, i+1)
	}
	b.WriteString("fragment F60 on Query { leaf }\n")
	doc, err := parser.ParseQuery(&ast.Source{Input: b.String()})
	if err != nil {
		t.Fatal(err)
	}
	s := Measure(doc)
	if s.Fields != saturation || s.Aliases != saturation || s.Depth != 61 {
		t.Errorf("Measure = %+v, want fields and aliases saturated at %d and depth 61", s, saturation)
	}
	if err := CheckDocument(b.String(), Defaults()); err == nil || err.Extensions["code"] != CodeQueryTooDeep {
		t.Errorf("CheckDocument = %v, want %s", err, CodeQueryTooDeep)
	}
}

func TestCountTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query    string
		max      int
		wantN    int
		wantOver bool
	}{
		{`{ a }`, 10, 0, false},                                        // shorter than max bytes: not lexed
		{`{ a b c d e f g h i j }`, 11, 12, true},                      // 12 tokens
		{`{ a b c d e f g h i j }`, 12, 12, false},                     // exactly max
		{`{ a(s: "` + strings.Repeat("x", 500) + `") }`, 10, 8, false}, // a long string is one token
		{`{ a } # ` + strings.Repeat("comment ", 50), 5, 4, false},     // a comment is one token
		{"{ a \x00 b c d e f g h }", 5, 2, false},                      // a lexical error stops the count
	}
	for _, tt := range tests {
		n, over := CountTokens(tt.query, tt.max)
		if over != tt.wantOver || (tt.wantN != 0 && n != tt.wantN) {
			t.Errorf("CountTokens(%.40q, %d) = %d, %t; want %d, %t", tt.query, tt.max, n, over, tt.wantN, tt.wantOver)
		}
	}
}

func TestCheckDocument(t *testing.T) {
	t.Parallel()
	small := Config{MaxQueryBytes: 1000, MaxTokens: 100, MaxDepth: 3, MaxAliases: 2, MaxFields: 6}
	tests := []struct {
		name  string
		query string
		cfg   Config
		code  string
	}{
		{"fits", `{ a { b { c } } x: d y: d }`, small, ""},
		{"too many bytes", `{ a }` + strings.Repeat(" ", 1000), small, CodeQueryTooLarge},
		{"too many tokens", "{" + strings.Repeat(" a", 100) + " }", small, CodeQueryTooLarge},
		{"too deep", `{ a { b { c { d } } } }`, small, CodeQueryTooDeep},
		{"too deep through a fragment", `{ a { ...F } } fragment F on T { b { c { d } } }`, small, CodeQueryTooDeep},
		{"too many aliases", `{ x: a y: a z: a }`, small, CodeTooManyAliases},
		{"too many fields", `{ a b c d e f g }`, small, CodeTooManyFields},
		{"too many fields once expanded", `{ a { ...F } b { ...F } } fragment F on T { c d }`, small, ""},
		{"too many fields once expanded thrice", `{ a { ...F } b { ...F } c { ...F } } fragment F on T { c d }`, small, CodeTooManyFields},
		{"syntax error passes to the parser", `{ a { b `, small, ""},
		{"GraphiQL's introspection query fits the defaults", introspectionQuery(t), Defaults(), ""},
		{"10,000 aliases", "{" + strings.Repeat(" a: __typename", 10000) + " }", Defaults(), CodeQueryTooLarge},
		{"10,000 aliases with room for the tokens", "{" + strings.Repeat(" a: __typename", 10000) + " }",
			Config{MaxQueryBytes: 1 << 20, MaxTokens: 50000, MaxDepth: 10, MaxAliases: 50, MaxFields: 100000}, CodeTooManyAliases},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDocument(tt.query, tt.cfg)
			code := ""
			if err != nil {
				code, _ = err.Extensions["code"].(string)
			}
			if code != tt.code {
				t.Errorf("code %q (%v), want %q", code, err, tt.code)
			}
		})
	}
}

// TestIntrospectionShape records how far GraphiQL's introspection query is from the
// defaults, so that lowering a default below it fails here first.
func TestIntrospectionShape(t *testing.T) {
	t.Parallel()
	q := introspectionQuery(t)
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		t.Fatal(err)
	}
	s := Measure(doc)
	n, _ := CountTokens(q, len(q)-1)
	t.Logf("GraphiQL's introspection query: %d bytes, %d tokens, %+v", len(q), n, s)
	d := Defaults()
	if len(q) > d.MaxQueryBytes || n > d.MaxTokens || s.Depth > d.MaxDepth || s.Aliases > d.MaxAliases || s.Fields > d.MaxFields {
		t.Errorf("the introspection query exceeds the defaults %+v", d)
	}
}
