// Package scalar reads the schema's built-in scalars Int, String and ID for gqlgen
// (gqlgen.yml binds them here), so that every value a client sends is checked in one place
// before any resolver or SQL sees it: an Int is a signed 32-bit integer, as the GraphQL
// specification defines it, and never a larger number silently cut down to one; a String or
// an ID holds no NUL character, which PostgreSQL text cannot store.
//
// A value refused here is an *Error; the error presenter answers it as BAD_USER_INPUT, naming
// the argument or input field from the error's path. The same checks answer variables before
// gqlgen coerces them (Variables) and literals in documents (Rules), so a partner gets the
// same sentence wherever the value was written.
package scalar

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
)

// Error is a value a scalar refused. Problem reads after the name of the field, such as
// "must be a whole number between -2147483648 and 2147483647; got 2.5".
type Error struct {
	Problem string
	// OutOfRange is set for a whole number outside Int's range, as opposed to a value that
	// is not a whole number at all.
	OutOfRange bool
}

func (e *Error) Error() string { return e.Problem }

// IntProblem is what a refused Int value is told, before its value.
const IntProblem = "must be a whole number between -2147483648 and 2147483647"

// MarshalInt writes an Int.
func MarshalInt(i int) graphql.Marshaler { return graphql.MarshalInt(i) }

// UnmarshalInt reads an Int into an int, refusing anything outside 32 bits: on a 64-bit
// server an int holds 4294967297, which a conversion to int32 later turns into 1.
func UnmarshalInt(v any) (int, error) {
	n, err := Int32(v)
	return int(n), err
}

// MarshalInt32 writes an Int held in an int32.
func MarshalInt32(i int32) graphql.Marshaler { return graphql.MarshalInt32(i) }

// UnmarshalInt32 reads an Int into an int32.
func UnmarshalInt32(v any) (int32, error) { return Int32(v) }

// Int32 reads an Int from what a client may send: a JSON number (decoded as json.Number,
// float64 or an integer type), a literal of the document, or a string of decimal digits,
// which gqlgen has always taken. A whole number written with a fraction or an exponent
// (2.0, 1e3) is taken as JavaScript clients send it; 2.5 is not.
func Int32(v any) (int32, error) {
	n, whole := wholeNumber(v)
	switch {
	case !whole:
		return 0, &Error{Problem: IntProblem + "; got " + Show(v)}
	case n.big || n.i < math.MinInt32 || n.i > math.MaxInt32:
		return 0, &Error{Problem: IntProblem + "; got " + Show(v), OutOfRange: true}
	}
	return int32(n.i), nil
}

// number is a whole number: i, or one beyond int64 when big is set.
type number struct {
	i   int64
	big bool
}

// wholeNumber reads v as a whole number; whole is false when v is not one at all.
func wholeNumber(v any) (n number, whole bool) {
	switch v := v.(type) {
	case int:
		return number{i: int64(v)}, true
	case int32:
		return number{i: int64(v)}, true
	case int64:
		return number{i: v}, true
	case float64:
		return fromFloat(v)
	case json.Number:
		return fromText(string(v))
	case string:
		// Digits only: a string is taken for an Int as gqlgen always took it, as an integer,
		// not as "2.0" or "1e3", which only numbers may be written as.
		i, err := strconv.ParseInt(v, 10, 64)
		if errors.Is(err, strconv.ErrRange) {
			return number{big: true}, true
		}
		return number{i: i}, err == nil
	}
	return number{}, false
}

func fromText(s string) (number, bool) {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return number{i: i}, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if errors.Is(err, strconv.ErrRange) && !math.IsInf(f, 0) {
		return number{}, false // a fraction too small to hold
	}
	if errors.Is(err, strconv.ErrRange) {
		return number{big: true}, true // beyond float64 itself, such as 1e400
	}
	if err != nil {
		return number{}, false
	}
	if mantissa, _, _ := strings.Cut(strings.ToLower(s), "e"); f == 0 && strings.ContainsAny(mantissa, "123456789") {
		return number{}, false // a fraction so small it reads as 0, such as 1e-400
	}
	return fromFloat(f)
}

func fromFloat(f float64) (number, bool) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f):
		return number{}, false
	case f < math.MinInt64 || f >= math.MaxInt64:
		return number{big: true}, true
	}
	return number{i: int64(f)}, true
}

// Show writes a refused value for a message: numbers as sent, texts quoted, and anything
// long cut short, since a message repeats what a client sent and must stay small.
func Show(v any) string {
	var s string
	switch v := v.(type) {
	case json.Number:
		s = string(v)
	case float64:
		s = strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return strconv.Quote(cut(v))
	case nil:
		s = "null"
	case map[string]any:
		s = "an object"
	case []any:
		s = "a list"
	default:
		s = fmt.Sprint(v)
	}
	return cut(s)
}

func cut(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// MarshalString writes a String.
func MarshalString(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalString reads a String, refusing one that holds NUL.
func UnmarshalString(v any) (string, error) {
	s, err := graphql.UnmarshalString(v)
	if err != nil {
		return "", &Error{Problem: "must be a string; got " + Show(v)}
	}
	return s, Text(s)
}

// MarshalID writes an ID.
func MarshalID(s string) graphql.Marshaler { return graphql.MarshalID(s) }

// UnmarshalID reads an ID, refusing one that holds NUL.
func UnmarshalID(v any) (string, error) {
	s, err := graphql.UnmarshalID(v)
	if err != nil {
		return "", &Error{Problem: "must be a string; got " + Show(v)}
	}
	return s, Text(s)
}

// NULProblem is what a text holding NUL is told.
const NULProblem = "must not contain the NUL character (\\u0000), which no text field can hold"

// Text refuses a text that PostgreSQL text cannot hold: the database's encoding is UTF-8,
// which holds every character but NUL. A request's body is checked to be UTF-8 before it is
// read, and JSON decoding turns a lone surrogate escape into U+FFFD, so the UTF-8 check
// here only guards against a path that might skip those.
func Text(s string) error {
	switch {
	case strings.IndexByte(s, 0) >= 0:
		return &Error{Problem: NULProblem}
	case !utf8.ValidString(s):
		return &Error{Problem: "must be UTF-8 text"}
	}
	return nil
}
