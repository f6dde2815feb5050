// Package page holds the pieces of Relay cursor pagination that the store and the GraphQL
// layer share: the page arguments with their bounds, opaque cursors, and a page of results.
package page

import (
	"encoding/base64"
	"encoding/json"

	"campaigns/internal/problem"
)

// Bounds of a page: partners' mobile apps on slow networks should get small pages unless
// they ask, and nobody may ask for an unbounded one.
const (
	DefaultSize = 20
	MaxSize     = 100
)

// ErrInvalid is returned for page arguments or cursors that cannot be used.
var ErrInvalid error = problem.New(problem.BadUserInput, "invalid page arguments")

// Args are the Relay arguments first/after/last/before, as the client sent them.
type Args struct {
	First  *int
	After  *string
	Last   *int
	Before *string
}

// Request is a validated page request: which way to read, how many, and from which cursor.
type Request struct {
	// Backward is set for last/before: the store reads in reverse order and the page is
	// turned back round before it is returned.
	Backward bool
	// Size is the number of items wanted, 0 to MaxSize.
	Size int
	// From is the decoded cursor to start after (or before, when Backward); nil from the start.
	From *Cursor
}

// Validate checks the arguments and decodes the cursor. order names the ordering the
// cursor must have been made for, so a cursor from another ordering is refused rather than
// silently giving a wrong page.
func (a Args) Validate(order string) (Request, error) {
	if a.First != nil && a.Last != nil {
		return Request{}, problem.Wrap(ErrInvalid, "give first or last, not both")
	}
	if a.After != nil && a.Before != nil {
		return Request{}, problem.Wrap(ErrInvalid, "give after or before, not both")
	}
	r := Request{Size: DefaultSize, Backward: a.Last != nil || (a.Before != nil && a.First == nil)}
	if a.First != nil && a.Before != nil {
		return Request{}, problem.Wrap(ErrInvalid, "before goes with last; use after with first")
	}
	if a.Last != nil && a.After != nil {
		return Request{}, problem.Wrap(ErrInvalid, "after goes with first; use before with last")
	}
	for name, n := range map[string]*int{"first": a.First, "last": a.Last} {
		if n == nil {
			continue
		}
		if *n < 0 || *n > MaxSize {
			return Request{}, problem.Wrap(ErrInvalid, "%s must be between 0 and %d, got %d", name, MaxSize, *n)
		}
		r.Size = *n
	}
	cursor := a.After
	if r.Backward {
		cursor = a.Before
	}
	if cursor != nil {
		c, err := DecodeCursor(*cursor, order)
		if err != nil {
			return Request{}, err
		}
		r.From = &c
	}
	return r, nil
}

// Cursor is a position in an ordered list: the value of the order column and the value of
// the unique tiebreaker, both in PostgreSQL's text form so any column type round-trips.
type Cursor struct {
	Order string `json:"o"`
	Value string `json:"v"`
	Key   string `json:"k"`
}

// Encode returns the cursor as an opaque string.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // three strings cannot fail to marshal
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor decodes a cursor and checks that it was made for the ordering order.
func DecodeCursor(s, order string) (Cursor, error) {
	bad := problem.Wrap(ErrInvalid, "%q is not a cursor of this list", short(s))
	if len(s) > 1024 {
		return Cursor{}, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	var c Cursor
	if err := json.Unmarshal(raw, &c); err != nil || c.Key == "" {
		return Cursor{}, bad
	}
	if c.Order != order {
		return Cursor{}, problem.Wrap(ErrInvalid, "the cursor was made for another ordering (%s, not %s)", short(c.Order), order)
	}
	return c, nil
}

func short(s string) string {
	if len(s) > 48 {
		return s[:48] + "…"
	}
	return s
}

// Page is one page of a list: its items in order with their positions, and whether the
// list goes on either side. A position becomes a cursor (Cursor) only when an answer asks
// for it: most lists show their items without their edges' cursors.
type Page[T any] struct {
	Items           []T
	Positions       []Cursor
	HasNextPage     bool
	HasPreviousPage bool
}

// Cursor returns the cursor of the i-th item.
func (p Page[T]) Cursor(i int) string { return p.Positions[i].Encode() }
