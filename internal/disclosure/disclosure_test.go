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
		{"own and others' zeros", Parts{Own: 3, Others: map[int]int{0: 4}}, exactly(3)},
		{"one withheld part", others(3), fewer},
		{"one withheld part and zeros", others(3, 0), fewer},
		{"two withheld parts may reach 8", others(1, 1), about(5)},
		{"own 1 and a withheld part may reach 5", Parts{Own: 1, Others: map[int]int{2: 1}}, about(5)},
		{"6 and 2", others(6, 2), about(10)},
		{"6, 2 and 3", others(6, 2, 3), about(10)},
		{"parts over 5 add up their roundings", others(6, 8, 13), about(30)},
		{"own 6 with others' 2", Parts{Own: 6, Others: map[int]int{2: 1}}, about(10)},
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
					want := Total(Parts{Own: own, Others: map[int]int{a: 1}}.with(b, c))
					for _, a2 := range class[Of(a, false).Label] {
						for _, b2 := range class[Of(b, false).Label] {
							for _, c2 := range class[Of(c, false).Label] {
								got := Total(Parts{Own: own, Others: map[int]int{a2: 1}}.with(b2, c2))
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

// with adds others' parts; Others counts them, so the same count may come twice.
func (p Parts) with(ns ...int) Parts {
	for _, n := range ns {
		p.Add(n, false)
	}
	return p
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
