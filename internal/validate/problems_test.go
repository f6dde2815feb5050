package validate_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"campaigns/internal/validate"
)

func ptr(s string) *string { return &s }

// check runs one checker on a fresh Problems and returns the codes it added, with the field
// path of the first, so that a case says both what was refused and where.
func check(t *testing.T, fn func(p *validate.Problems)) (codes []string, field string) {
	t.Helper()
	var p validate.Problems
	fn(&p)
	for _, pr := range p {
		codes = append(codes, pr.Code)
	}
	if len(p) > 0 {
		field = strings.Join(p[0].Field, ".")
	}
	return codes, field
}

// TestText checks lengths in characters rather than bytes, blank as empty, and refuses
// what is not plain text before anything else.
func TestText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		s        string
		min, max int
		want     []string
	}{
		{"within", "Youth Session", 1, 20, nil},
		{"at max in runes, over in bytes", strings.Repeat("ဗ", 5), 1, 5, nil},
		{"one rune over", strings.Repeat("ဗ", 6), 1, 5, []string{validate.Length}},
		{"empty required", "", 1, 5, []string{validate.Required}},
		{"blank required", "   ", 1, 5, []string{validate.Required}},
		{"empty optional", "", 0, 5, nil},
		{"below min", "ab", 3, 5, []string{validate.Length}},
		{"NUL", "a\x00b", 0, 5, []string{validate.Invalid}},
		{"invalid UTF-8", "a\xffb", 0, 5, []string{validate.Invalid}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := check(t, func(p *validate.Problems) { p.Text("title", tc.s, tc.min, tc.max) })
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Text(%q, %d, %d) codes (-want +got):\n%s", tc.s, tc.min, tc.max, d)
			}
		})
	}
}

// TestProblemsNameTheField names the field under input, with its last part in the message, and read as
// one error with every problem in it.
func TestProblemsNameTheField(t *testing.T) {
	t.Parallel()
	var p validate.Problems
	if p.Err() != nil {
		t.Fatalf("no problems: Err() = %v, want nil", p.Err())
	}
	p.Text("venue.name", "", 1, 10)
	p.Add("", validate.Invalid, "the input is %s", "wrong")
	want := validate.Problems{
		{Field: []string{"input", "venue", "name"}, Code: validate.Required, Message: "name must not be empty"},
		{Field: []string{"input"}, Code: validate.Invalid, Message: "the input is wrong"},
	}
	if d := cmp.Diff(want, p); d != "" {
		t.Errorf("problems (-want +got):\n%s", d)
	}
	err := p.Err()
	var got validate.Problems
	if !errors.As(err, &got) || len(got) != 2 {
		t.Fatalf("Err() = %v, want the two problems as validate.Problems", err)
	}
	if msg := "invalid input: input.venue.name: name must not be empty; input: the input is wrong"; err.Error() != msg {
		t.Errorf("Error() = %q, want %q", err.Error(), msg)
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for s, ok := range map[string]bool{
		"mtv-exit-2013":          true,
		"a":                      true,
		strings.Repeat("a", 100): true,
		strings.Repeat("a", 101): false,
		"":                       false,
		"-a":                     false,
		"a-":                     false,
		"a--b":                   false,
		"Upper":                  false,
		"a_b":                    false,
		"ü":                      false,
	} {
		got, _ := check(t, func(p *validate.Problems) { p.Slug("slug", s) })
		if ok != (got == nil) || !ok && got[0] != validate.Invalid {
			t.Errorf("Slug(%q): codes %v, want accepted %t", s, got, ok)
		}
	}
}

func TestURLs(t *testing.T) {
	t.Parallel()
	long := "https://example.org/" + strings.Repeat("a", 1990)
	for _, tc := range []struct {
		s          *string
		url, https []string
	}{
		{nil, nil, nil},
		{ptr("https://example.org/a.jpg"), nil, nil},
		{ptr("http://example.org/"), nil, []string{validate.Invalid}},
		{ptr("ftp://example.org/"), []string{validate.Invalid}, []string{validate.Invalid}},
		{ptr("https://"), []string{validate.Invalid}, []string{validate.Invalid}},
		{ptr("example.org"), []string{validate.Invalid}, []string{validate.Invalid}},
		{ptr("https://user:pw@example.org/"), nil, []string{validate.Invalid}},
		{ptr("https://example.org/a b"), nil, []string{validate.Invalid}},
		{&long, []string{validate.Invalid}, []string{validate.Length}},
	} {
		name := "<nil>"
		if tc.s != nil {
			name = (*tc.s)[:min(len(*tc.s), 40)]
		}
		got, _ := check(t, func(p *validate.Problems) { p.URL("website", tc.s) })
		if d := cmp.Diff(tc.url, got); d != "" {
			t.Errorf("URL(%s) (-want +got):\n%s", name, d)
		}
		got, _ = check(t, func(p *validate.Problems) { p.HTTPSURL("url", tc.s) })
		if d := cmp.Diff(tc.https, got); d != "" {
			t.Errorf("HTTPSURL(%s) (-want +got):\n%s", name, d)
		}
	}
}

func TestTimeZone(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{
		"Asia/Yangon": true, "UTC": true, "": false, "Local": false, "Mars/Olympus": false,
		"asia/yangon/extra": false, strings.Repeat("A", 65): false,
	} {
		got, _ := check(t, func(p *validate.Problems) { p.TimeZone("timeZone", name) })
		if ok != (got == nil) || !ok && got[0] != validate.UnknownTimeZone {
			t.Errorf("TimeZone(%q): codes %v, want accepted %t", name, got, ok)
		}
	}
}

// TestCurrency returns each currency's minor-unit digits, and refuses a code in lower case
// or of another length that the ISO parser would otherwise take.
func TestCurrency(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code  string
		scale int
		ok    bool
	}{
		{"USD", 2, true}, {"JPY", 0, true}, {"MMK", 0, true}, {"KWD", 3, true},
		{"usd", 0, false}, {"US", 0, false}, {"XYZ", 0, false}, {"", 0, false},
	} {
		var scale int
		got, _ := check(t, func(p *validate.Problems) { scale = p.Currency("currency", tc.code) })
		if tc.ok != (got == nil) || !tc.ok && got[0] != validate.UnknownCurrency || scale != tc.scale {
			t.Errorf("Currency(%q) = %d, codes %v; want %d, accepted %t", tc.code, scale, got, tc.scale, tc.ok)
		}
	}
}

func TestRangeAndOrder(t *testing.T) {
	t.Parallel()
	n := func(i int) *int { return &i }
	for _, tc := range []struct {
		n    *int
		want []string
	}{{nil, nil}, {n(0), nil}, {n(10), nil}, {n(-1), []string{validate.OutOfRange}}, {n(11), []string{validate.OutOfRange}}} {
		got, field := check(t, func(p *validate.Problems) { p.Range("event.capacity", tc.n, 0, 10) })
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("Range(%v) (-want +got):\n%s", tc.n, d)
		}
		if got != nil && field != "input.event.capacity" {
			t.Errorf("Range field = %s", field)
		}
	}
	start := validate.EarliestDate.AddDate(100, 0, 0)
	before, same := start.Add(-time.Nanosecond), start
	for _, tc := range []struct {
		name       string
		start, end *time.Time
		want       []string
	}{
		{"end before start", &start, &before, []string{validate.EndBeforeStart}},
		{"end at start", &start, &same, nil},
		{"no end", &start, nil, nil},
		{"no start", nil, &before, nil},
	} {
		got, _ := check(t, func(p *validate.Problems) { p.Order("endsAt", tc.start, tc.end) })
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("Order, %s (-want +got):\n%s", tc.name, d)
		}
	}
}
