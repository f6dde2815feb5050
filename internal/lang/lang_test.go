package lang

import (
	"errors"
	"testing"
)

// TestChoose walks the fallback chain: each preference in the order of its weight, then the
// original language.
func TestChoose(t *testing.T) {
	available := []string{"th", "km", "fil", "vi"}
	for _, tc := range []struct {
		name, prefs, original string
		want                  int
	}{
		{"no preference gives the original", "", "en", -1},
		{"first choice", "km", "en", 1},
		{"weights order the list, not its order", "th;q=0.2, vi;q=0.9", "en", 3},
		{"a missing first choice falls to the second", "lo, fil;q=0.5", "en", 2},
		{"a regional tag finds its language", "fil-PH", "en", 2},
		{"nothing matching gives the original", "lo, my;q=0.5", "en", -1},
		{"the original named first wins over a translation", "en, th;q=0.9", "en", -1},
		{"a weight of zero removes a language", "km;q=0, lo", "en", -1},
		{"a wildcard adds nothing", "*", "en", -1},
		{"the original in a later place still beats what follows it", "lo, en;q=0.8, th;q=0.5", "en", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.prefs)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.prefs, err)
			}
			if got := p.Choose(tc.original, available); got != tc.want {
				t.Errorf("Choose(%q) = %d, want %d", tc.prefs, got, tc.want)
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{"km": "km", "KM": "km", "fil": "fil", "zh-hant": "zh-Hant", "vi-VN": "vi-VN"} {
		got, err := Canonical(in)
		if err != nil || got != want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "und", "english!", "km, th", "*", "xx-"} {
		if _, err := Canonical(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("Canonical(%q): err %v, want ErrInvalid", bad, err)
		}
	}
}

func TestParseRefusesGarbage(t *testing.T) {
	if _, err := Parse("km;q=banana"); !errors.Is(err, ErrInvalid) {
		t.Errorf("Parse: err %v, want ErrInvalid", err)
	}
}
