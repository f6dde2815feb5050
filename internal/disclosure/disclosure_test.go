package disclosure

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func exactly(n int) Figure { return Figure{Value: &n, Exact: true, Label: itoa(n)} }
func about(n int) Figure   { return Figure{Value: &n, Label: "about " + itoa(n)} }

var fewer = Figure{Suppressed: true, Label: "fewer than 5"}

func itoa(n int) string { return exact(n).Label }

// TestOf checks one part's figure: exact for its owner, 0 as 0, 1 to 4 withheld, and the
// rest to the nearest multiple of 5.
func TestOf(t *testing.T) {
	for _, tt := range []struct {
		n    int
		own  bool
		want Figure
	}{
		{0, false, exactly(0)},
		{1, false, fewer}, {2, false, fewer}, {4, false, fewer},
		{5, false, about(5)}, {7, false, about(5)}, {8, false, about(10)}, {12, false, about(10)}, {13, false, about(15)},
		{100, false, about(100)}, {102, false, about(100)}, {103, false, about(105)},
		{0, true, exactly(0)}, {2, true, exactly(2)}, {8, true, exactly(8)},
	} {
		if diff := cmp.Diff(tt.want, Of(tt.n, tt.own)); diff != "" {
			t.Errorf("Of(%d, %v) (-want +got):\n%s", tt.n, tt.own, diff)
		}
	}
}

// TestTotal checks sums of parts, the case among them: a campaign of an event of 6
// and one of 2 is about 10, not 8.
func TestTotal(t *testing.T) {
	others := func(ns ...int) Parts {
		var p Parts
		for _, n := range ns {
			p.Add(n, false)
		}
		return p
	}
	for _, tt := range []struct {
		name string
		p    Parts
		want Figure
	}{
		{"nothing", Parts{}, exactly(0)},
		{"only zeros", others(0, 0), exactly(0)},
		{"own only", Parts{Own: 9}, exactly(9)},
		{"own and others' zeros", Parts{Own: 3, Others: map[Part]int{{0, 0}: 4}}, exactly(3)},
		{"one withheld part", others(3), fewer},
		{"one withheld part and zeros", others(3, 0), fewer},
		{"two withheld parts may reach 8", others(1, 1), about(5)},
		{"own 1 and a withheld part may reach 5", Parts{Own: 1, Others: map[Part]int{{2, 0}: 1}}, about(5)},
		{"6 and 2", others(6, 2), about(10)},
		{"6, 2 and 3", others(6, 2, 3), about(10)},
		{"parts over 5 add up their roundings", others(6, 8, 13), about(30)},
		{"own 6 with others' 2", Parts{Own: 6, Others: map[Part]int{{2, 0}: 1}}, about(10)},
	} {
		if diff := cmp.Diff(tt.want, Total(tt.p)); diff != "" {
			t.Errorf("%s: Total(%+v) (-want +got):\n%s", tt.name, tt.p, diff)
		}
	}
}

// TestTotalTellsNoMoreThanItsParts checks, for every set of up to three others' parts of 0
// to 14 and the caller's own 0 to 6, that the total is the same whatever counts stand behind
// the parts' published figures: a caller who reads every part's figure learns nothing more
// from any total, so no subtraction can recover a withheld or rounded count.
func TestTotalTellsNoMoreThanItsParts(t *testing.T) {
	const most = 14
	class := map[string][]int{} // a published figure's label → the counts it stands for
	for n := range most + 1 {
		l := Of(n, false).Label
		class[l] = append(class[l], n)
	}
	for own := range 7 {
		for a := range most + 1 {
			for b := a; b <= most; b++ {
				for c := b; c <= most; c++ {
					want := Total(Parts{Own: own}.with(a, b, c))
					for _, a2 := range class[Of(a, false).Label] {
						for _, b2 := range class[Of(b, false).Label] {
							for _, c2 := range class[Of(c, false).Label] {
								got := Total(Parts{Own: own}.with(a2, b2, c2))
								if !cmp.Equal(want, got) {
									t.Fatalf("own %d with %d, %d, %d is %+v, but with %d, %d, %d, which publish the same, %+v", own, a, b, c, want, a2, b2, c2, got)
								}
							}
						}
					}
				}
			}
		}
	}
}

// with adds others' parts to a copy of p; Others counts them, so the same count may come twice.
func (p Parts) with(ns ...int) Parts {
	out := Parts{Own: p.Own}
	for part, k := range p.Others {
		for range k {
			out.AddAtMost(part.N, part.Most, false)
		}
	}
	for _, n := range ns {
		out.Add(n, false)
	}
	return out
}

// TestRoundedFiguresStayHonest checks what a figure promises: a withheld count is from 1 to
// 4, a rounded one of a single part within 2 of its value, and an exact one is the count.
func TestRoundedFiguresStayHonest(t *testing.T) {
	for n := range 1000 {
		f := Of(n, false)
		switch {
		case f.Suppressed:
			if n < 1 || n > 4 || f.Value != nil || f.Exact {
				t.Errorf("Of(%d) = %+v", n, f)
			}
		case f.Exact:
			if *f.Value != n || n != 0 {
				t.Errorf("Of(%d) = %+v: only 0 is exact for a stranger", n, f)
			}
		default:
			if d := *f.Value - n; d < -2 || d > 2 || *f.Value%Base != 0 {
				t.Errorf("Of(%d) = %+v", n, f)
			}
		}
	}
}

// TestOfAtMost checks the classes a public bound (an event's capacity) changes: a class the
// bound leaves a single count is merged with the one below, for every count in either.
func TestOfAtMost(t *testing.T) {
	rangeOf := func(l string) Figure { return Figure{Suppressed: true, Label: l} }
	for _, tt := range []struct {
		n, most int
		want    Figure
	}{
		{0, 0, exactly(0)},
		{0, 1, rangeOf("0 or 1")}, {1, 1, rangeOf("0 or 1")},
		{1, 2, fewer}, {2, 2, fewer}, {0, 2, exactly(0)},
		{0, 5, exactly(0)}, {1, 5, rangeOf("1 to 5")}, {4, 5, rangeOf("1 to 5")}, {5, 5, rangeOf("1 to 5")},
		{5, 6, about(5)}, {6, 6, about(5)}, {4, 6, fewer},
		{4, 8, fewer}, {5, 8, rangeOf("5 to 8")}, {8, 8, rangeOf("5 to 8")},
		{9, 9, about(10)}, {12, 13, rangeOf("8 to 13")}, {13, 13, rangeOf("8 to 13")},
		{6, 100, about(5)},
		{9, 5, about(10)}, // over the bound: the bound is wrong, so it is not used
	} {
		if diff := cmp.Diff(tt.want, OfAtMost(tt.n, tt.most, false)); diff != "" {
			t.Errorf("OfAtMost(%d, %d) (-want +got):\n%s", tt.n, tt.most, diff)
		}
		if got := OfAtMost(tt.n, tt.most, true); !got.Exact || *got.Value != tt.n {
			t.Errorf("OfAtMost(%d, %d) for its owner = %+v", tt.n, tt.most, got)
		}
	}
}

// TestBoundsPinNoCount checks, for every bound up to 60, that each figure of a count within
// the bound leaves at least two counts within the bound possible, 0 shown as 0 aside.
func TestBoundsPinNoCount(t *testing.T) {
	for most := 1; most <= 60; most++ {
		counts := map[string][]int{}
		for n := 0; n <= most; n++ {
			l := OfAtMost(n, most, false).Label
			counts[l] = append(counts[l], n)
		}
		for l, ns := range counts {
			if len(ns) < 2 && l != "0" {
				t.Errorf("with room for %d, %q can only be %v", most, l, ns)
			}
		}
	}
}

// TestBoundedTotalsTellNoMoreThanTheirParts is TestTotalTellsNoMoreThanItsParts for parts
// with bounds: two parts of any count within bounds of 0 (none), 1, 2, 5, 6, 8 and 13.
func TestBoundedTotalsTellNoMoreThanTheirParts(t *testing.T) {
	bounds := []int{0, 1, 2, 5, 6, 8, 13}
	type part struct{ n, most int }
	var all []part
	for _, most := range bounds {
		top := most
		if most == 0 {
			top = 14
		}
		for n := 0; n <= top; n++ {
			all = append(all, part{n, most})
		}
	}
	total := func(own int, ps ...part) Figure {
		p := Parts{Own: own}
		for _, x := range ps {
			p.AddAtMost(x.n, x.most, false)
		}
		return Total(p)
	}
	same := func(a, b part) bool {
		return a.most == b.most && cmp.Equal(OfAtMost(a.n, a.most, false), OfAtMost(b.n, b.most, false))
	}
	for own := range 3 {
		for _, a := range all {
			for _, b := range all {
				want := total(own, a, b)
				for _, a2 := range all {
					if !same(a, a2) {
						continue
					}
					for _, b2 := range all {
						if same(b, b2) && !cmp.Equal(want, total(own, a2, b2)) {
							t.Fatalf("own %d with %+v and %+v is %+v, but with %+v and %+v %+v", own, a, b, want, a2, b2, total(own, a2, b2))
						}
					}
				}
			}
		}
	}
}
