package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// documented returns the codes of the README's table of error codes, in its order.
func documented(t *testing.T) []Code {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "<!-- codes:start -->")
	table, _, ok2 := strings.Cut(rest, "<!-- codes:end -->")
	if !ok || !ok2 {
		t.Fatal("the README has no table of error codes between <!-- codes:start --> and <!-- codes:end -->")
	}
	row := regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\|")
	var codes []Code
	for _, m := range row.FindAllStringSubmatch(table, -1) {
		codes = append(codes, Code(m[1]))
	}
	return codes
}

// TestCodesDocumented holds the README's table of error codes to Codes, the codes the API
// can answer with: a code in one and not the other fails, either way.
func TestCodesDocumented(t *testing.T) {
	docs := documented(t)
	if len(docs) == 0 {
		t.Fatal("the README's table of error codes has no rows")
	}
	for _, c := range Codes {
		if !slices.Contains(docs, c) {
			t.Errorf("%s can be answered but the README's table of error codes does not document it", c)
		}
	}
	for _, c := range docs {
		if !slices.Contains(Codes, c) {
			t.Errorf("the README documents %s, which no code declares (problem.Codes)", c)
		}
	}
	for _, list := range [][]Code{Codes, docs} {
		seen := map[Code]bool{}
		for _, c := range list {
			if seen[c] {
				t.Errorf("%s is listed twice", c)
			}
			seen[c] = true
		}
	}
}

var errSentinel = New(BadUserInput, "invalid input")

// TestWrap: a wrapped sentinel reads as fmt.Errorf("%w: …") did, errors.Is still finds the
// sentinel, and Message gives back the client's words however many operations wrap it.
func TestWrap(t *testing.T) {
	err := fmt.Errorf("load campaign 3: %w", Wrap(errSentinel, "no country is called %q", "Atlantis"))
	if got, want := err.Error(), `load campaign 3: invalid input: no country is called "Atlantis"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, errSentinel) {
		t.Error("errors.Is does not find the sentinel")
	}
	if got, want := Message(err), `no country is called "Atlantis"`; got != want {
		t.Errorf("Message = %q, want %q", got, want)
	}
	if e, ok := As(err); !ok || e.Code != BadUserInput {
		t.Errorf("As = %v, %v; want the code of the sentinel", e, ok)
	}
	bare := fmt.Errorf("campaign 3: %w", errSentinel)
	if got := Message(bare); got != bare.Error() {
		t.Errorf("Message of a bare sentinel = %q, want its whole text %q", got, bare.Error())
	}
	if got := Message(errors.New("plain")); got != "plain" {
		t.Errorf("Message of a plain error = %q", got)
	}
}

// TestWrite writes the one shape of an error body.
func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	e := New(RateLimited, "slow down")
	e.Extensions = map[string]any{"retryAfter": 3}
	WriteWith(rec, 429, "req-1", e, map[string]any{"extensions": map[string]any{"rateLimit": 1}})
	if rec.Code != 429 || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	want := `{"errors":[{"extensions":{"code":"RATE_LIMITED","requestId":"req-1","retryAfter":3},"message":"slow down"}],"extensions":{"rateLimit":1}}` + "\n"
	if got := rec.Body.String(); got != want {
		t.Errorf("body\n%s\nwant\n%s", got, want)
	}
	if !json.Valid(rec.Body.Bytes()) {
		t.Error("not JSON")
	}
}

// TestGraphQL: a refusal made in a gqlgen extension carries its code as a string, which is
// what the presenter and the tests compare.
func TestGraphQL(t *testing.T) {
	g := New(QueryTooDeep, "too deep: %d", 9).GraphQL()
	if g.Message != "too deep: 9" || g.Extensions["code"] != "QUERY_TOO_DEEP" {
		t.Errorf("GraphQL() = %q %v", g.Message, g.Extensions)
	}
}

// TestSchemaCodes: a code the schema's descriptions name (the realtime fields name
// SLOW_CONSUMER, for one) is one the API can answer with; a word in capitals that is
// neither a code nor one of the schema's enum values or directive locations is a code that
// does not exist.
func TestSchemaCodes(t *testing.T) {
	b, err := os.ReadFile("../../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	doc, gerr := parser.ParseSchema(&ast.Source{Name: "schema.graphql", Input: string(b)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	known := map[string]bool{}
	for _, c := range Codes {
		known[string(c)] = true
	}
	var descriptions []string
	add := func(d string) { descriptions = append(descriptions, d) }
	for _, defs := range [][]*ast.Definition{doc.Definitions, doc.Extensions} {
		for _, d := range defs {
			add(d.Description)
			for _, v := range d.EnumValues {
				known[v.Name] = true
				add(v.Description)
			}
			for _, f := range d.Fields {
				add(f.Description)
				for _, a := range f.Arguments {
					add(a.Description)
				}
			}
		}
	}
	for _, d := range doc.Directives {
		add(d.Description)
		for _, l := range d.Locations {
			known[string(l)] = true
		}
	}
	word := regexp.MustCompile(`\b[A-Z]{2,}(?:_[A-Z]+)+\b`)
	named := 0
	for _, d := range descriptions {
		for _, w := range word.FindAllString(d, -1) {
			if !known[w] {
				t.Errorf("the schema's descriptions name %s, which is no error code (problem.Codes) and no enum value", w)
			}
			if slices.Contains(Codes, Code(w)) {
				named++
			}
		}
	}
	if named == 0 {
		t.Error("the schema's descriptions name no error code; has the schema moved?")
	}
}
