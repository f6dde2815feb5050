package store

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestSnippet cuts long texts around the match, on character boundaries, with ellipses.
func TestSnippet(t *testing.T) {
	long := strings.Repeat("ក", 100) + "ជួញដូរ" + strings.Repeat("ខ", 200)
	for _, tc := range []struct {
		name, text string
		pos        int
		prefix     bool // whether the snippet starts with an ellipsis
		suffix     bool
	}{
		{"short text whole", "Hà Nội", 1, false, false},
		{"match in the middle", long, 101, true, true},
		{"no position: from the start", long, 0, false, true},
		{"match at the end", long, 300, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := snippet(tc.text, tc.pos)
			if !utf8.ValidString(got) {
				t.Fatalf("snippet %q is not valid UTF-8", got)
			}
			if strings.HasPrefix(got, "…") != tc.prefix || strings.HasSuffix(got, "…") != tc.suffix {
				t.Errorf("snippet %q: ellipses at start %v, end %v; want %v, %v", got, strings.HasPrefix(got, "…"), strings.HasSuffix(got, "…"), tc.prefix, tc.suffix)
			}
			if tc.pos == 101 && !strings.Contains(got, "ជួញដូរ") {
				t.Errorf("snippet %q misses the match", got)
			}
			if n := utf8.RuneCountInString(got); n > snippetRunes+2 {
				t.Errorf("snippet of %d characters", n)
			}
		})
	}
	if likePattern(`50%_a\b`) != `%50\%\_a\\b%` {
		t.Errorf("likePattern escapes badly: %s", likePattern(`50%_a\b`))
	}
}
