package page

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeCursor feeds any string to DecodeCursor, as a client may send any cursor. It
// must never panic; an accepted cursor must be of the ordering asked for and round-trip;
// a refused one must be ErrInvalid with a message of bounded length. The seed corpus is
// in testdata/fuzz/FuzzDecodeCursor and runs with the regular tests.
func FuzzDecodeCursor(f *testing.F) {
	good := Cursor{Order: "NAME", Value: "Tie", Key: "7"}.Encode()
	for _, s := range []string{
		good, Cursor{Order: "START", Value: "2012-12-08 12:30:00+00", Key: "1"}.Encode(),
		"", "bm90IGEgY3Vyc29y", raw(`{"o":"NAME","v":"x"}`), raw(`{"o":"NAME","v":"x","k":""}`), raw(`[]`), raw(`null`),
		raw(`{"o":"NAME","v":"x","k":"1","extra":true}`), std(`{"o":"NAME","v":"x","k":"1"}`), raw(`{"o":"NAME","v":"\u0000","k":"1"}`),
		strings.Repeat("A", 1025), "' OR 1=1 --", "%", "\xff",
	} {
		f.Add(s, "NAME")
	}
	f.Fuzz(func(t *testing.T, s, order string) {
		c, err := DecodeCursor(s, order)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("DecodeCursor(%q): %v is not ErrInvalid", s, err)
			}
			// The message quotes the cursor cut short, and the server's own ordering.
			if n := utf8.RuneCountInString(err.Error()); n > 300+utf8.RuneCountInString(order) {
				t.Fatalf("DecodeCursor(%q, %q): message of %d characters", s, order, n)
			}
			return
		}
		if c.Order != order || c.Key == "" {
			t.Fatalf("DecodeCursor(%q, %q) = %+v", s, order, c)
		}
		again, err := DecodeCursor(c.Encode(), order)
		if err != nil || again != c {
			t.Fatalf("DecodeCursor(Encode(%+v)) = %+v, %v", c, again, err)
		}
	})
}
