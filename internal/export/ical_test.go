package export

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"campaigns/internal/store"
	"campaigns/models"
)

// TestTimeZoneWithDaylightSaving checks a zone with changes of offset, which no ASEAN zone
// has today: Australia/Sydney over 2013 begins in daylight time (+11:00), falls back to
// +10:00 on 7 April and springs forward on 6 October, each onset in the local time before it.
func TestTimeZoneWithDaylightSaving(t *testing.T) {
	var b bytes.Buffer
	c := NewCalendar(&b, "test")
	c.TimeZone("Australia/Sydney", 2013, 2013)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(b.String(), "\r\n", "\n")
	for _, want := range []string{
		"BEGIN:DAYLIGHT\nDTSTART:20120101T000000\nTZOFFSETFROM:+1100\nTZOFFSETTO:+1100\nTZNAME:AEDT\nEND:DAYLIGHT",
		"BEGIN:STANDARD\nDTSTART:20130407T030000\nTZOFFSETFROM:+1100\nTZOFFSETTO:+1000\nTZNAME:AEST\nEND:STANDARD",
		"BEGIN:DAYLIGHT\nDTSTART:20131006T020000\nTZOFFSETFROM:+1000\nTZOFFSETTO:+1100\nTZNAME:AEDT\nEND:DAYLIGHT",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing\n%s\nin\n%s", want, got)
		}
	}
}

// TestFolding checks lines of every length around the limit, in one-, two-, three- and
// four-octet characters: no physical line over 75 octets, no character split, and the
// unfolded text equal to what was written.
func TestFolding(t *testing.T) {
	for _, unit := range []string{"a", "é", "ก", "မ", "😀"} {
		for n := 60; n < 200; n++ {
			text := "SUMMARY:" + strings.Repeat(unit, n)
			var b bytes.Buffer
			c := &Calendar{buf: newBuf(&b)}
			c.line(text)
			if err := c.buf.Flush(); err != nil {
				t.Fatal(err)
			}
			raw := strings.TrimSuffix(b.String(), "\r\n")
			var unfolded strings.Builder
			for i, l := range strings.Split(raw, "\r\n") {
				if len(l) > 75 || !utf8.ValidString(l) {
					t.Fatalf("%q × %d: bad physical line %q", unit, n, l)
				}
				if i > 0 {
					if !strings.HasPrefix(l, " ") {
						t.Fatalf("%q × %d: continuation without a space: %q", unit, n, l)
					}
					l = l[1:]
				}
				unfolded.WriteString(l)
			}
			if unfolded.String() != text {
				t.Fatalf("%q × %d: unfolded text differs", unit, n)
			}
		}
	}
}

// TestPartialDates checks that an event known only to the day, month or year is an all-day
// event over its period, as its qualifier narrows it, whose description says what the
// source said; never an instant.
func TestPartialDates(t *testing.T) {
	zone := "Asia/Yangon"
	q := func(s string) *string { return &s }
	for _, tc := range []struct {
		name      string
		start     time.Time
		precision string
		qualifier *string
		want      []string
	}{
		{"late November", time.Date(2012, 10, 31, 17, 30, 0, 0, time.UTC), "MONTH", q("LATE"),
			[]string{"DTSTART;VALUE=DATE:20121121\n", "DTEND;VALUE=DATE:20121201\n", "DESCRIPTION:When: late November 2012\n"}},
		{"December", time.Date(2012, 11, 30, 17, 30, 0, 0, time.UTC), "MONTH", nil,
			[]string{"DTSTART;VALUE=DATE:20121201\n", "DTEND;VALUE=DATE:20130101\n", "DESCRIPTION:When: December 2012\n"}},
		{"mid-February of a leap year", time.Date(2012, 1, 31, 17, 30, 0, 0, time.UTC), "MONTH", q("MID"),
			[]string{"DTSTART;VALUE=DATE:20120211\n", "DTEND;VALUE=DATE:20120221\n"}},
		{"early 2013", time.Date(2012, 12, 31, 17, 30, 0, 0, time.UTC), "YEAR", q("EARLY"),
			[]string{"DTSTART;VALUE=DATE:20130101\n", "DTEND;VALUE=DATE:20130501\n", "DESCRIPTION:When: early 2013\n"}},
		{"a day", time.Date(2012, 11, 18, 17, 30, 0, 0, time.UTC), "DAY", nil,
			[]string{"DTSTART;VALUE=DATE:20121119\n", "DTEND;VALUE=DATE:20121120\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &store.ExportEvent{Event: models.Event{ID: 7, Title: "Youth Session", Kind: "YOUTH_SESSION", Status: "SCHEDULED",
				StartBound: tc.start, DatePrecision: tc.precision, DateQualifier: tc.qualifier, TimeZone: &zone}}
			var b bytes.Buffer
			c := NewCalendar(&b, "test")
			c.Event(e, "example.org")
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			got := strings.ReplaceAll(b.String(), "\r\n", "\n")
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("missing %q in\n%s", want, got)
				}
			}
			if strings.Contains(got, "DTSTART;TZID") || strings.Contains(got, "DTSTART:") {
				t.Errorf("a partial date written as an instant:\n%s", got)
			}
		})
	}
}
