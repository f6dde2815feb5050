package validate_test

import (
	"testing"
	"time"

	"campaigns/internal/validate"
)

// TestDate holds the date window to its edges, in UTC, whatever offset the date was sent in.
func TestDate(t *testing.T) {
	at := func(s string) *time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	for s, ok := range map[string]bool{
		"1900-01-01T00:00:00Z":      true,
		"2200-12-31T23:59:59Z":      true,
		"2012-12-08T19:00:00+06:30": true,
		"1899-12-31T23:59:59Z":      false,
		"1900-01-01T06:00:00+07:00": false, // 1899-12-31T23:00Z
		"2201-01-01T00:00:00Z":      false,
		"0000-01-01T00:00:00Z":      false,
		"9999-12-31T23:59:59Z":      false,
	} {
		var p validate.Problems
		p.Date("startsAt", at(s))
		if ok != (len(p) == 0) {
			t.Errorf("%s: problems %v, want accepted %t", s, p, ok)
		}
		if !ok && (len(p) != 1 || p[0].Code != validate.OutOfRange || p[0].Field[1] != "startsAt") {
			t.Errorf("%s: problems %+v, want OUT_OF_RANGE on input.startsAt", s, p)
		}
	}
	var p validate.Problems
	p.Date("endsAt", nil)
	if len(p) != 0 {
		t.Errorf("a date left out: %v", p)
	}
}
