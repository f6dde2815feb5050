// Package disclosure decides how a count of people (registrations, attendance, members of a
// network) is published to a caller who may not see the people behind it.
//
// The method is rounding to base 5, as official statisticians publish small-area counts
// (the UK's Office for National Statistics and Higher Education Statistics Agency among
// them): a count is shown to the nearest multiple of 5, and a count of 1 to 4 is withheld
// ("fewer than 5"). Zero is shown as 0: it singles no one out.
//
// Rounding each figure on its own is not enough where figures overlap, as a campaign's total
// overlaps its events' counts: a caller who adds its own known registrations to an event's
// total, one at a time, watches the rounded total cross a boundary and learns the other
// registrations exactly. So a figure that adds up several parts, each the records of one
// organization (an event's registrations, a network's members), is computed from the parts'
// published figures alone: the caller's own parts exactly, everyone else's as rounded, a
// withheld part as 2.5 (the middle of 1 to 4), and the sum is rounded again. A total then
// tells nothing that its parts' own figures do not, whatever totals are set side by side.
package disclosure

import (
	"fmt"
	"strconv"
)

// Base is the rounding base; counts from 1 to Base-1 are withheld.
const Base = 5

// Figure is a count as one caller may see it.
type Figure struct {
	// Value is nil when the count is withheld.
	Value *int
	// Exact is true when Value is the count itself rather than a rounding of it.
	Exact bool
	// Suppressed is true when the count is withheld: from 1 to Base-1.
	Suppressed bool
	// Label is the figure for display: "12", "about 10" or "fewer than 5".
	Label string
}

// Parts are the counts a figure adds up. Each part is the records of one organization: an
// event's registrations belong to its organizer, a network's memberships to its
// coordinators. The caller's own parts are added up exactly; of everyone else's, Others
// holds how many parts have each count (parts of 0 may be left out).
type Parts struct {
	Own    int
	Others map[int]int
}

// Add counts one part of n, the caller's own when own is true.
func (p *Parts) Add(n int, own bool) {
	if own {
		p.Own += n
		return
	}
	if p.Others == nil {
		p.Others = map[int]int{}
	}
	p.Others[n]++
}

// Of publishes the count n of one part: exactly when the part is the caller's own.
func Of(n int, own bool) Figure {
	var p Parts
	p.Add(n, own)
	return Total(p)
}

// Total publishes the sum of parts. It is exact when every part with people in it is the
// caller's own; otherwise it is the estimate the parts' published figures give (the
// caller's own parts exact, others' rounded, a withheld one as 2.5), rounded to the nearest
// multiple of Base with halves up, and withheld when the sum may be under Base.
func Total(p Parts) Figure {
	hidden := false
	est2 := 2 * p.Own // twice the estimate, so that 2.5 stays a whole number
	most := p.Own     // the largest sum the published figures allow
	for n, k := range p.Others {
		switch {
		case n <= 0 || k <= 0:
			continue
		case n < Base:
			est2 += k * Base
			most += k * (Base - 1)
		default:
			r := Round(n)
			est2 += k * 2 * r
			most += k * (r + Base/2)
		}
		hidden = true
	}
	switch {
	case !hidden:
		return exact(p.Own)
	case most < Base:
		return withheld()
	}
	return rounded((est2 + Base) / (2 * Base) * Base)
}

// Round rounds n to the nearest multiple of Base; Base is odd, so there is no tie.
func Round(n int) int {
	return (n + Base/2) / Base * Base
}

func exact(n int) Figure {
	return Figure{Value: &n, Exact: true, Label: strconv.Itoa(n)}
}

func rounded(n int) Figure {
	return Figure{Value: &n, Label: "about " + strconv.Itoa(n)}
}

func withheld() Figure {
	return Figure{Suppressed: true, Label: fmt.Sprintf("fewer than %d", Base)}
}
