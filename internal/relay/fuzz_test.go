package relay

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// FuzzDecode feeds any string to Decode and DecodeInt, as a client may send any ID. They
// must never panic; an accepted ID must round-trip; a refused one must be ErrInvalidID
// with a message short enough for a client (the 400 bytes the API's error tests allow),
// however long the ID. The seed corpus is in
// testdata/fuzz/FuzzDecode and runs with the regular tests.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		EncodeInt(TypeEvent, 1), EncodeInt(TypeCampaign, 9223372036854775807), Encode(TypeCountry, "MM"),
		"", "=", "garbage!", "' OR 1=1 --", "Q2FtcGFpZ246MQ==", "Q2FtcGFpZ246LTE", "Q2FtcGFpZ246", "OjE",
		strings.Repeat("QUFB", 60), "RXZlbnQ6MDE", "RXZlbnQ6KzE", "RXZlbnQ6MWUz", "\x00", "🦀",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		d, err := Decode(id)
		if err != nil {
			if !errors.Is(err, ErrInvalidID) {
				t.Fatalf("Decode(%q): %v is not ErrInvalidID", id, err)
			}
			if n := len(err.Error()); n > 400 {
				t.Fatalf("Decode(%q): message of %d bytes", id, n)
			}
		} else {
			if d.Type == "" || d.Key == "" {
				t.Fatalf("Decode(%q) = %+v: empty type or key", id, d)
			}
			again, err := Decode(Encode(d.Type, d.Key))
			if err != nil || again != d {
				t.Fatalf("Decode(Encode(%+v)) = %+v, %v", d, again, err)
			}
		}
		for _, typ := range []string{TypeEvent, TypeCampaign} {
			n, err := DecodeInt(typ, id)
			if err != nil {
				if !errors.Is(err, ErrInvalidID) {
					t.Fatalf("DecodeInt(%q): %v is not ErrInvalidID", id, err)
				}
				if n := len(err.Error()); n > 400 {
					t.Fatalf("DecodeInt(%q): message of %d bytes", id, n)
				}
				continue
			}
			if n <= 0 {
				t.Fatalf("DecodeInt(%q) = %d: not a key", id, n)
			}
			if d.Type != typ || d.Key != strconv.FormatInt(n, 10) {
				t.Fatalf("DecodeInt(%q) = %d, but the ID says %+v", id, n, d)
			}
		}
	})
}
