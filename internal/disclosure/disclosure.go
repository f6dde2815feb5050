// Package disclosure decides how a count of people (registrations, attendance, members of a
// network) is published to a caller who may not see the people behind it.
//
// The method is rounding to base 5, as official statisticians publish small counts (the
// UK's Office for National Statistics for small-area tables, the Higher Education Statistics
// Agency for every figure): a count is shown to the nearest multiple of 5, and a count of 1
// to 4 is withheld ("fewer than 5"). Zero is shown as 0: it singles no one out.
//
// A published count must leave more than one value possible given everything else that is
// public. Two things would otherwise pin it:
//
//   - A bound that is public, such as an event's capacity: with room for 5, "about 5" (5 to
//     7) can only be 5. Where the bound leaves a class a single value, that class is merged
//     with the one below it for every count of the part ("1 to 5"), whatever the count is.
//   - Totals set against their parts: rounding each total on its own lets a caller add its
//     own known registrations, one at a time, and watch the rounded total step up, which
//     gives the rest away. So a total is computed from its parts' published figures alone:
//     the caller's own parts exactly, everyone else's by their published class (a rounded
//     one as its value, a withheld one as the middle of its range), and the sum is rounded
//     again. A total then tells nothing its parts' own figures do not.
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
	// Suppressed is true when the count is withheld, as a range given in Label.
	Suppressed bool
	// Label is the figure for display: "12", "about 10", "fewer than 5" or "5 to 8".
	Label string
}

// Part is one part's count and the most it can be by what is public of it (an event's
// capacity for its registrations), or 0 when nothing public bounds it.
type Part struct {
	N, Most int
}

// Parts are the counts a figure adds up. Each part is the records of one organization: an
// event's registrations belong to its organizer, a network's memberships to its
// coordinators. The caller's own parts are added up exactly; of everyone else's, Others
// holds how many parts there are of each count and bound (parts of 0 may be left out).
type Parts struct {
	Own    int
	Others map[Part]int
}

// Add counts one part of n, the caller's own when own is true.
func (p *Parts) Add(n int, own bool) {
	p.AddAtMost(n, 0, own)
}

// AddAtMost counts one part of n that is public to be at most most (0: no bound).
func (p *Parts) AddAtMost(n, most int, own bool) {
	if own {
		p.Own += n
		return
	}
	if p.Others == nil {
		p.Others = map[Part]int{}
	}
	p.Others[Part{n, most}]++
}

// Of publishes the count n of one part: exactly when the part is the caller's own.
func Of(n int, own bool) Figure {
	return OfAtMost(n, 0, own)
}

// OfAtMost publishes the count n of one part that is public to be at most most (0: no bound).
func OfAtMost(n, most int, own bool) Figure {
	var p Parts
	p.AddAtMost(n, most, own)
	return Total(p)
}

// Total publishes the sum of parts. It is exact when every part with people in it is the
// caller's own. Otherwise it is the estimate its parts' published figures give (the
// caller's own exactly, a rounded part as its value, a withheld one as the middle of its
// range), rounded to the nearest multiple of Base with halves up, or withheld when the sum
// may be under Base; a total of a single withheld part shows that part's range.
func Total(p Parts) Figure {
	est2 := 2 * p.Own // twice the estimate, so that halves stay whole numbers
	most := p.Own     // the largest sum the published figures allow
	parts, last := 0, class{}
	for part, k := range p.Others {
		c := classOf(part.N, part.Most)
		if k <= 0 || c.hi == 0 {
			continue
		}
		est2 += k * c.twice()
		most += k * c.hi
		parts, last = parts+k, c
	}
	switch {
	case parts == 0:
		return exact(p.Own)
	case parts == 1 && p.Own == 0:
		return last.figure()
	case most < Base:
		return withheld(fmt.Sprintf("fewer than %d", Base))
	}
	return rounded((est2 + Base) / (2 * Base) * Base)
}

// Unpublished is a count not published at all, where any figure of it would tell another
// count exactly (an event's waitlist, which says whether the event is full).
func Unpublished() Figure {
	return withheld("withheld")
}

// Round rounds n to the nearest multiple of Base; Base is odd, so there is no tie.
func Round(n int) int {
	return (n + Base/2) / Base * Base
}

// class is the range of counts that publish the same figure: lo to hi; for a rounded class,
// value is the multiple of Base shown; merged is true for a class joined with the one below
// it because a public bound left it a single count.
type class struct {
	lo, hi, value int
	merged        bool
}

// plain is the class of n with no bound: 0; 1 to Base-1; or the counts that round to the
// same multiple of Base (5 to 7 for 5, then 8 to 12 for 10, and so on).
func plain(n int) class {
	switch {
	case n <= 0:
		return class{}
	case n < Base:
		return class{lo: 1, hi: Base - 1}
	}
	r := Round(n)
	return class{lo: max(r-Base/2, Base), hi: r + Base/2, value: r}
}

// classOf is the class of n, which is public to be at most most (0: no bound). The classes
// depend on the bound alone, never on n, so that the figure tells only the class.
func classOf(n, most int) class {
	c := plain(n)
	if most <= 0 || n > most {
		return c
	}
	if top := plain(most); top.lo == most && most > 0 {
		below := plain(most - 1)
		if n >= below.lo {
			return class{lo: below.lo, hi: most, merged: true}
		}
	}
	c.hi = min(c.hi, most)
	return c
}

// twice is twice the estimate of a count of the class.
func (c class) twice() int {
	if c.value > 0 && !c.merged {
		return 2 * c.value
	}
	return c.lo + c.hi
}

// figure is the class as published.
func (c class) figure() Figure {
	switch {
	case c.hi == 0:
		return exact(0)
	case c.merged && c.lo == 0:
		return withheld(fmt.Sprintf("0 or %d", c.hi))
	case c.merged:
		return withheld(fmt.Sprintf("%d to %d", c.lo, c.hi))
	case c.value > 0:
		return rounded(c.value)
	}
	return withheld(fmt.Sprintf("fewer than %d", Base))
}

func exact(n int) Figure {
	return Figure{Value: &n, Exact: true, Label: strconv.Itoa(n)}
}

func rounded(n int) Figure {
	return Figure{Value: &n, Label: "about " + strconv.Itoa(n)}
}

func withheld(label string) Figure {
	return Figure{Suppressed: true, Label: label}
}
