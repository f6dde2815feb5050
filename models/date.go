package models

import (
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"campaigns/internal/problem"
)

// Date precisions, the values of the schema's DatePrecision enum.
const (
	PrecisionYear   = "YEAR"
	PrecisionMonth  = "MONTH"
	PrecisionDay    = "DAY"
	PrecisionMinute = "MINUTE"
)

// Date qualifiers, the values of the schema's DateQualifier enum: which third of a month or
// a year the source points at.
const (
	QualifierEarly = "EARLY"
	QualifierMid   = "MID"
	QualifierLate  = "LATE"
)

// The event statuses that reading and writing treat specially.
const (
	EventScheduled = "SCHEDULED"
	EventCompleted = "COMPLETED"
	EventCancelled = "CANCELLED"
)

// LocalPeriod returns the days a partial date stands for, as the first day and the day after
// the last (midnight UTC, as calendar dates): a year, a month or a day, narrowed by a
// qualifier to a third of it. A month's thirds are the 1st to the 10th, the 11th to the 20th
// and the 21st to its end; a year's, January to April, May to August and September to
// December. A qualifier on a day is ignored. Migration 00013's event_local_period is the
// same rule in SQL, which the store's tests hold together.
func LocalPeriod(d PartialDate, qualifier *string) (first, after time.Time) {
	y, m, day := d.Date.Date()
	q := ""
	if qualifier != nil {
		q = *qualifier
	}
	switch d.Precision {
	case PrecisionYear:
		first = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		switch q {
		case QualifierEarly:
			return first, first.AddDate(0, 4, 0)
		case QualifierMid:
			return first.AddDate(0, 4, 0), first.AddDate(0, 8, 0)
		case QualifierLate:
			return first.AddDate(0, 8, 0), first.AddDate(1, 0, 0)
		}
		return first, first.AddDate(1, 0, 0)
	case PrecisionMonth:
		first = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		switch q {
		case QualifierEarly:
			return first, first.AddDate(0, 0, 10)
		case QualifierMid:
			return first.AddDate(0, 0, 10), first.AddDate(0, 0, 20)
		case QualifierLate:
			return first.AddDate(0, 0, 20), first.AddDate(0, 1, 0)
		}
		return first, first.AddDate(0, 1, 0)
	}
	first = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	return first, first.AddDate(0, 0, 1)
}

// PartialDate is a calendar date known only to a precision: "since 2006" is the year 2006,
// not 1 January 2006. It is the Go side of the schema's Date scalar, and marshals to ISO 8601
// at its own precision (2006, 2012-12, 2012-11-19) so no client is shown an invented day.
type PartialDate struct {
	// Date is the first day of the period, at midnight UTC.
	Date time.Time
	// Precision is YEAR, MONTH or DAY.
	Precision string
}

// NewPartialDate returns the date d at precision p; it returns nil when d is nil, so that an
// unknown date stays null.
func NewPartialDate(d *time.Time, p string) *PartialDate {
	if d == nil {
		return nil
	}
	return &PartialDate{Date: *d, Precision: p}
}

// precisionOf returns the precision of a date that may be missing: a missing date has none.
func precisionOf(d *time.Time, p string) *string {
	if d == nil {
		return nil
	}
	return &p
}

// String formats the date in ISO 8601 at its precision.
func (d PartialDate) String() string {
	switch d.Precision {
	case PrecisionYear:
		return d.Date.Format("2006")
	case PrecisionMonth:
		return d.Date.Format("2006-01")
	default:
		return d.Date.Format("2006-01-02")
	}
}

// MarshalGQL writes the date as a JSON string.
func (d PartialDate) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(d.String()))
}

// UnmarshalGQL reads YYYY, YYYY-MM or YYYY-MM-DD and keeps the precision it was given in.
func (d *PartialDate) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return problem.Wrap(ErrInvalidValue, "a Date must be a string such as \"2012-11-19\", \"2012-12\" or \"2006\"")
	}
	p, err := ParsePartialDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// ParsePartialDate parses an ISO 8601 calendar date of year, month or day precision.
func ParsePartialDate(s string) (PartialDate, error) {
	for _, f := range []struct{ layout, precision string }{
		{"2006-01-02", PrecisionDay}, {"2006-01", PrecisionMonth}, {"2006", PrecisionYear},
	} {
		if len(s) != len(f.layout) {
			continue
		}
		if t, err := time.Parse(f.layout, s); err == nil {
			return PartialDate{Date: t, Precision: f.precision}, nil
		}
	}
	return PartialDate{}, problem.Wrap(ErrInvalidValue, "%q is not a date: use YYYY-MM-DD, YYYY-MM or YYYY", truncate(s))
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// zones caches loaded time zones: time.LoadLocation reads and parses the zone file on every
// call, and every event in a page needs its venue's zone.
var zones sync.Map

// Location returns the IANA zone name's location, or UTC for an empty or unknown name.
func Location(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	zones.Store(name, loc)
	return loc
}

// ErrInvalidValue is returned when a scalar value sent by a client cannot be read; the error
// presenter answers it as BAD_USER_INPUT.
var ErrInvalidValue error = problem.New(problem.BadUserInput, "invalid value")

// MarshalDateTime writes an instant in RFC 3339 with the offset of its location, so that an
// event's time reads as the venue's local time.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.Format(time.RFC3339)))
	})
}

// UnmarshalDateTime reads an RFC 3339 instant; the offset is required, because a time with
// no zone means different instants to partners in different countries.
func UnmarshalDateTime(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, problem.Wrap(ErrInvalidValue, "a DateTime must be a string such as \"2012-12-08T19:00:00+06:30\"")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, problem.Wrap(ErrInvalidValue, "%q is not an RFC 3339 date and time with an offset, such as \"2012-12-08T19:00:00+06:30\"", truncate(s))
	}
	return t, nil
}
