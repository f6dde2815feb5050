package export

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"campaigns/internal/store"
	"campaigns/models"
)

// Calendar writes an iCalendar (RFC 5545) feed: CRLF line endings, lines folded at 75
// octets without splitting a character, and texts escaped. An event known to the minute
// starts at its local time with TZID, its zone described by a VTIMEZONE; in UTC where the
// zone is unknown. An event known only to the day, month or year is an all-day event
// (VALUE=DATE) over that period, as narrowed by its qualifier ("late November 2012": the 21st
// to the 30th, the days the API's filters and order give it), so that no calendar shows an
// invented hour.
type Calendar struct {
	buf *bufio.Writer
	err error
}

// NewCalendar starts a calendar named name on w.
func NewCalendar(w io.Writer, name string) *Calendar {
	c := &Calendar{buf: newBuf(w)}
	c.line("BEGIN:VCALENDAR")
	c.line("VERSION:2.0")
	c.line("PRODID:-//campaigns//Campaign partner API//EN")
	c.line("CALSCALE:GREGORIAN")
	c.line("METHOD:PUBLISH")
	c.line("X-WR-CALNAME:" + escape(name))
	return c
}

// TimeZone writes the VTIMEZONE of an IANA zone over the years from and to: one observance
// for the offset in force when the span begins, then one for each change of offset within
// it, read from Go's copy of the IANA database. Asia/Yangon has had +06:30 since 1945, so it
// gets a single STANDARD observance.
func (c *Calendar) TimeZone(zone string, from, to int) {
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "UTC" {
		return // events in an unknown zone, and in UTC, are written in UTC
	}
	start := time.Date(from-1, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(to+2, 1, 1, 0, 0, 0, 0, loc)
	c.line("BEGIN:VTIMEZONE")
	c.line("TZID:" + zone)
	name, offset := start.Zone()
	c.observance(start.IsDST(), start, offset, offset, name)
	for t := start; ; {
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			break
		}
		_, before := next.Add(-time.Second).Zone()
		at := next.In(loc)
		name, after := at.Zone()
		// DTSTART is the onset in the local time of the offset before it.
		c.observance(at.IsDST(), next.In(time.FixedZone("", before)), before, after, name)
		t = next
	}
	c.line("END:VTIMEZONE")
}

func (c *Calendar) observance(dst bool, onset time.Time, from, to int, name string) {
	kind := "STANDARD"
	if dst {
		kind = "DAYLIGHT"
	}
	c.line("BEGIN:" + kind)
	c.line("DTSTART:" + onset.Format("20060102T150405"))
	c.line("TZOFFSETFROM:" + utcOffset(from))
	c.line("TZOFFSETTO:" + utcOffset(to))
	if name != "" && !strings.ContainsAny(name[:1], "+-") {
		c.line("TZNAME:" + escape(name))
	}
	c.line("END:" + kind)
}

// utcOffset writes an offset in seconds as RFC 5545's UTC-OFFSET, e.g. +0630.
func utcOffset(s int) string {
	sign := '+'
	if s < 0 {
		sign, s = '-', -s
	}
	if s%60 != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%c%02d%02d", sign, s/3600, s/60%60)
}

// Event writes one event; host makes its UID unique beyond this API.
func (c *Calendar) Event(e *store.ExportEvent, host string) {
	c.line("BEGIN:VEVENT")
	c.line("UID:" + e.GlobalID() + "@" + host)
	c.line("DTSTAMP:" + e.UpdatedAt.UTC().Format("20060102T150405Z"))
	c.line("LAST-MODIFIED:" + e.UpdatedAt.UTC().Format("20060102T150405Z"))
	c.line(fmt.Sprintf("SEQUENCE:%d", max(e.Version-1, 0)))
	zone := ""
	if e.TimeZone != nil {
		if _, err := time.LoadLocation(*e.TimeZone); err == nil && *e.TimeZone != "UTC" {
			zone = *e.TimeZone
		}
	}
	if start := e.StartsAt(); start != nil {
		c.line(dateTime("DTSTART", *start, zone))
		if end := e.EndsAt(); end != nil {
			c.line(dateTime("DTEND", *end, zone))
		}
	} else if first, after, ok := e.Period(); ok {
		c.line("DTSTART;VALUE=DATE:" + first.Format("20060102"))
		c.line("DTEND;VALUE=DATE:" + after.Format("20060102"))
	}
	c.line("SUMMARY:" + escape(e.Title))
	// An all-day event over a month or a year says in words what its source says: the days
	// of "late November 2012" are a reading of it, not the source's.
	var desc []string
	if e.DatePrecision != models.PrecisionMinute && e.DatePrecision != models.PrecisionDay {
		desc = append(desc, "When: "+e.DateLabel())
	}
	if e.Summary != nil {
		desc = append(desc, *e.Summary)
	}
	if len(desc) > 0 {
		c.line("DESCRIPTION:" + escape(strings.Join(desc, "\n")))
	}
	if loc := place(e); loc != "" {
		c.line("LOCATION:" + escape(loc))
	}
	if e.Latitude != nil && e.Longitude != nil {
		c.line(fmt.Sprintf("GEO:%.6f;%.6f", *e.Latitude, *e.Longitude))
	}
	if e.OnlineURL != nil {
		c.line("URL:" + *e.OnlineURL)
	}
	c.line("CATEGORIES:" + e.Kind)
	c.line("STATUS:" + status(e.DisplayStatus()))
	c.line("END:VEVENT")
}

// Close ends the calendar and flushes it.
func (c *Calendar) Close() error {
	c.line("END:VCALENDAR")
	if c.err != nil {
		return c.err
	}
	return c.buf.Flush()
}

func dateTime(prop string, t time.Time, zone string) string {
	if zone == "" {
		return prop + ":" + t.UTC().Format("20060102T150405Z")
	}
	return prop + ";TZID=" + zone + ":" + t.Format("20060102T150405")
}

func place(e *store.ExportEvent) string {
	var parts []string
	for _, s := range []*string{e.VenueName, e.City, e.CountryName} {
		if s != nil && *s != "" {
			parts = append(parts, *s)
		}
	}
	return strings.Join(parts, ", ")
}

func status(s string) string {
	switch s {
	case "CANCELLED":
		return "CANCELLED"
	case "POSTPONED":
		return "TENTATIVE"
	}
	return "CONFIRMED"
}

// escape escapes a TEXT value (RFC 5545 3.3.11).
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// line writes a content line folded at 75 octets: each continuation starts with a space,
// which counts towards its 75, and no UTF-8 sequence is split.
func (c *Calendar) line(s string) {
	if c.err != nil {
		return
	}
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		c.write(s[:cut], "\r\n ")
		s = s[cut:]
		limit = 74
	}
	c.write(s, "\r\n")
}

func (c *Calendar) write(parts ...string) {
	for _, p := range parts {
		if _, err := c.buf.WriteString(p); err != nil {
			c.err = err
			return
		}
	}
}

func newBuf(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, bufferSize) }
