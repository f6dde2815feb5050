// Package validate checks inputs field by field and collects every problem, so that a
// partner's form can show all of them at once rather than one per attempt.
package validate

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/currency"
)

// The codes of the schema's UserErrorCode enum.
const (
	Required          = "REQUIRED"
	Invalid           = "INVALID"
	Length            = "LENGTH"
	OutOfRange        = "OUT_OF_RANGE"
	EndBeforeStart    = "END_BEFORE_START"
	UnknownTimeZone   = "UNKNOWN_TIME_ZONE"
	UnknownCountry    = "UNKNOWN_COUNTRY"
	UnknownCurrency   = "UNKNOWN_CURRENCY"
	NotFound          = "NOT_FOUND"
	Taken             = "TAKEN"
	ConsentRequired   = "CONSENT_REQUIRED"
	InvalidState      = "INVALID_STATE"
	RegistrationShut  = "REGISTRATION_CLOSED"
	EventFull         = "EVENT_FULL"
	AlreadyRegistered = "ALREADY_REGISTERED"
)

// Problem is one refused input field.
type Problem struct {
	Field   []string
	Message string
	Code    string
}

// Problems are an input's problems. As an error, returned from a write, it rolls the
// transaction back and reaches the client as the payload's userErrors.
type Problems []Problem

func (p Problems) Error() string {
	msgs := make([]string, len(p))
	for i, pr := range p {
		msgs[i] = strings.Join(pr.Field, ".") + ": " + pr.Message
	}
	return "invalid input: " + strings.Join(msgs, "; ")
}

// Err returns the problems as an error, or nil when there are none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return p
}

// Add records a problem with the field named by path (under "input").
func (p *Problems) Add(field, code, format string, args ...any) {
	path := []string{"input"}
	if field != "" {
		path = append(path, strings.Split(field, ".")...)
	}
	*p = append(*p, Problem{Field: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Text checks a text's length in characters, and that it holds no NUL or invalid UTF-8.
func (p *Problems) Text(field, s string, min, max int) {
	n := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		p.Add(field, Invalid, "%s must be plain text", field)
	case min >= 1 && strings.TrimSpace(s) == "":
		p.Add(field, Required, "%s must not be empty", last(field))
	case n < min || n > max:
		p.Add(field, Length, "%s must be %d to %d characters long, not %d", last(field), min, max, n)
	}
}

// OptionalText checks a text that may be absent.
func (p *Problems) OptionalText(field string, s *string, max int) {
	if s != nil {
		p.Text(field, *s, 0, max)
	}
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Slug checks a URL-safe short name.
func (p *Problems) Slug(field, s string) {
	if len(s) > 100 || !slugPattern.MatchString(s) {
		p.Add(field, Invalid, "%s must be 1 to 100 lower-case letters, digits and single hyphens, such as mtv-exit-2013", last(field))
	}
}

// URL checks an http or https URL.
func (p *Problems) URL(field string, s *string) {
	if s == nil {
		return
	}
	u, err := url.Parse(*s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(*s) > 2000 {
		p.Add(field, Invalid, "%s must be an http or https URL", last(field))
	}
}

// HTTPSURL checks an https URL that a browser will load by itself, such as an image's: a
// page served over https may not load it over http, and an address with a user name or
// password in it would hand them to every reader.
func (p *Problems) HTTPSURL(field string, s *string) {
	if s == nil {
		return
	}
	u, err := url.Parse(*s)
	switch {
	case len(*s) > 2000:
		p.Add(field, Length, "%s must be at most 2000 characters long, not %d", last(field), len(*s))
	case err != nil || !strings.HasPrefix(*s, "https://") || u.Host == "" || u.Opaque != "" || strings.IndexFunc(*s, unicode.IsSpace) >= 0 || !utf8.ValidString(*s):
		p.Add(field, Invalid, "%s must be an https URL, such as https://example.org/picture.jpg", last(field))
	case u.User != nil:
		p.Add(field, Invalid, "%s must not hold a user name or password", last(field))
	}
}

// TimeZone checks an IANA time zone name.
func (p *Problems) TimeZone(field, name string) {
	// LoadLocation would take "" and "Local" as the server's own zone.
	if _, err := time.LoadLocation(name); err != nil || name == "" || name == "Local" || len(name) > 64 {
		p.Add(field, UnknownTimeZone, "%q is not an IANA time zone such as Asia/Yangon", name)
	}
}

// Currency checks an ISO 4217 code and returns its number of minor-unit digits.
func (p *Problems) Currency(field, code string) int {
	unit, err := currency.ParseISO(code)
	if err != nil || len(code) != 3 || strings.ToUpper(code) != code {
		p.Add(field, UnknownCurrency, "%q is not an ISO 4217 currency code such as USD", code)
		return 0
	}
	scale, _ := currency.Standard.Rounding(unit)
	return scale
}

// Range checks that an optional number is within [min, max].
func (p *Problems) Range(field string, n *int, min, max int) {
	if n != nil && (*n < min || *n > max) {
		p.Add(field, OutOfRange, "%s must be between %d and %d", last(field), min, max)
	}
}

// The window of dates the API stores: every date a partner writes (an event's start, end
// and registration window, a campaign's dates, a funding commitment, an indicator's period)
// falls between 1900-01-01 and 2200-12-31, as an instant in UTC. A date outside it is a typing
// mistake (0000, 9999, 20013), and it would otherwise be stored and shown to every partner.
var (
	EarliestDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	// AfterLatestDate is the first instant after the window.
	AfterLatestDate = time.Date(2201, 1, 1, 0, 0, 0, 0, time.UTC)
)

// DateWindow is the window in words, for messages and documentation.
const DateWindow = "between 1900-01-01 and 2200-12-31"

// Date checks that an optional date or instant falls within the window.
func (p *Problems) Date(field string, t *time.Time) {
	if t != nil && (t.Before(EarliestDate) || !t.Before(AfterLatestDate)) {
		p.Add(field, OutOfRange, "%s must be %s (UTC); got %s", last(field), DateWindow, t.UTC().Format("2006-01-02"))
	}
}

// Order checks that an optional end is not before its start.
func (p *Problems) Order(field string, start, end *time.Time) {
	if start != nil && end != nil && end.Before(*start) {
		p.Add(field, EndBeforeStart, "%s must not be before the start", last(field))
	}
}

func last(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		return field[i+1:]
	}
	return field
}
