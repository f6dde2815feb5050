package scalar_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"campaigns/internal/scalar"
)

// TestInt32 reads every form a client's Int may take, in and out of range.
func TestInt32(t *testing.T) {
	for _, tc := range []struct {
		in         any
		want       int32
		outOfRange bool // refused as a whole number outside 32 bits
		notWhole   bool // refused as no whole number at all
	}{
		{in: 0, want: 0},
		{in: int64(math.MaxInt32), want: math.MaxInt32},
		{in: int64(math.MinInt32), want: math.MinInt32},
		{in: int32(7), want: 7},
		{in: 2.0, want: 2},
		{in: json.Number("20"), want: 20},
		{in: json.Number("2.0"), want: 2},
		{in: json.Number("1e3"), want: 1000},
		{in: json.Number("-0"), want: 0},
		{in: "42", want: 42},
		{in: int64(math.MaxInt32) + 1, outOfRange: true},
		{in: int64(math.MinInt32) - 1, outOfRange: true},
		{in: 4294967297, outOfRange: true},
		{in: json.Number("4294967297"), outOfRange: true},
		{in: json.Number("9223372036854775808"), outOfRange: true},
		{in: json.Number("1e400"), outOfRange: true},
		{in: 1e20, outOfRange: true},
		{in: "99999999999999999999", outOfRange: true},
		{in: 2.5, notWhole: true},
		{in: json.Number("2.5"), notWhole: true},
		{in: json.Number("1e-400"), notWhole: true},
		{in: math.NaN(), notWhole: true},
		{in: math.Inf(1), notWhole: true},
		{in: "2.0", notWhole: true},
		{in: "ten", notWhole: true},
		{in: true, notWhole: true},
		{in: nil, notWhole: true},
		{in: map[string]any{"a": 1}, notWhole: true},
		{in: []any{1}, notWhole: true},
	} {
		got, err := scalar.Int32(tc.in)
		var refused *scalar.Error
		switch {
		case tc.outOfRange || tc.notWhole:
			if !errors.As(err, &refused) || refused.OutOfRange != tc.outOfRange || !strings.HasPrefix(refused.Problem, scalar.IntProblem+"; got ") {
				t.Errorf("Int32(%#v) = %d, %v; want refused, out of range %t", tc.in, got, err, tc.outOfRange)
			}
		case err != nil || got != tc.want:
			t.Errorf("Int32(%#v) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

// TestShow keeps what a message repeats short and unambiguous.
func TestShow(t *testing.T) {
	for in, want := range map[any]string{
		2.5:                                  "2.5",
		json.Number("4294967297"):            "4294967297",
		"ten":                                `"ten"`,
		strings.Repeat("é", 50):              `"` + strings.Repeat("é", 20) + `…"`,
		true:                                 "true",
		json.Number(strings.Repeat("9", 60)): strings.Repeat("9", 40) + "…",
	} {
		if got := scalar.Show(in); got != want {
			t.Errorf("Show(%#v) = %s, want %s", in, got, want)
		}
	}
}

// TestText refuses what PostgreSQL text cannot hold and nothing else.
func TestText(t *testing.T) {
	for _, s := range []string{"", "mtv-exit", "ယုံကြည်ချက်", "tab\tand\nnewline", "\u00ff", "😀"} {
		if err := scalar.Text(s); err != nil {
			t.Errorf("Text(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"\x00", "mtv\x00exit", "\xff", "a\xc3"} {
		if err := scalar.Text(s); err == nil {
			t.Errorf("Text(%q) took it", s)
		}
	}
	if _, err := scalar.UnmarshalString("a\x00"); err == nil {
		t.Error("UnmarshalString took NUL")
	}
	if _, err := scalar.UnmarshalID("a\x00"); err == nil {
		t.Error("UnmarshalID took NUL")
	}
	if got, err := scalar.UnmarshalID(json.Number("12")); err != nil || got != "12" {
		t.Errorf("UnmarshalID(12) = %q, %v", got, err)
	}
}

// TestRules gives Int literals the sentence variables get, and leaves the rest of
// gqlparser's rule as it was.
func TestRules(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		enum Color { RED }
		input Page { size: Int! color: Color }
		type Query { list(first: Int, pages: [Page!], color: Color, name: String): Int }`})
	for query, want := range map[string]string{
		`{ list(first: 2.5) }`:                      "first " + scalar.IntProblem + "; got 2.5",
		`{ list(first: "3") }`:                      "first " + scalar.IntProblem + `; got "3"`,
		`{ list(first: RED) }`:                      "first " + scalar.IntProblem + "; got RED",
		`{ list(first: 99999999999999999999) }`:     "first " + scalar.IntProblem + "; got 99999999999999999999",
		`{ list(pages: [{size: 1}, {size: 1.5}]) }`: "pages[1].size " + scalar.IntProblem + "; got 1.5",
		`query($n: Int = 0.5) { list(first: $n) }`:  "n " + scalar.IntProblem + "; got 0.5",
		`{ list(color: BLUE) }`:                     `Value "BLUE" does not exist in "Color" enum.`,
		`{ list(name: 3) }`:                         "String cannot represent a non string value: 3",
	} {
		_, err := gqlparser.LoadQueryWithRules(schema, query, scalar.Rules())
		if len(err) != 1 || err[0].Message != want {
			t.Errorf("%s: %v, want %q", query, err, want)
		}
	}
	for _, query := range []string{`{ list(first: 2147483648) }`, `{ list(first: 3.0) }`, `{ list(first: 1e20) }`, `{ list(first: null) }`} {
		if _, errs := gqlparser.LoadQueryWithRules(schema, query, scalar.Rules()); len(errs) != 0 {
			t.Errorf("%s: %v; whole numbers are left to the scalar", query, errs)
		}
	}
	// A fragment's fields are walked where it is spread and where it is defined; its value
	// is judged once.
	q := `{ ...F } fragment F on Query { list(first: 2.5) }`
	if _, errs := gqlparser.LoadQueryWithRules(schema, q, scalar.Rules()); len(errs) != 1 {
		t.Errorf("%s: %v, want one error", q, errs)
	}
}
