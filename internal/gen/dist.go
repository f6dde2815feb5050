package gen

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// picker draws indexes with probability proportional to their weights.
type picker struct{ cum []float64 }

func newPicker(weights []float64) *picker {
	cum := make([]float64, len(weights))
	total := 0.0
	for i, w := range weights {
		total += w
		cum[i] = total
	}
	return &picker{cum: cum}
}

func (p *picker) pick(r *rand.Rand) int {
	x := r.Float64() * p.cum[len(p.cum)-1]
	i := sort.SearchFloat64s(p.cum, x)
	if i >= len(p.cum) {
		i = len(p.cum) - 1
	}
	return i
}

// zipfWeights returns n weights proportional to rank^-s, the ranks shuffled so that size
// does not follow id, each weight scattered by a log-normal factor of spread noise so that
// the sizes do not fall on one smooth curve. The first few weights in rank order are the
// "few big" of a skewed distribution; the long tail is the "many small".
func zipfWeights(r *rand.Rand, n int, s, noise float64) []float64 {
	ranks := r.Perm(n)
	w := make([]float64, n)
	for i := range w {
		w[i] = math.Pow(float64(ranks[i]+1), -s) * math.Exp(noise*r.NormFloat64())
	}
	return w
}

// allocate splits total into counts proportional to weights that add up to total exactly:
// each gets the whole part of its share, and the remainder goes one by one to the largest
// fractional parts (ties to the lower index, so the split is reproducible).
func allocate(total int, weights []float64) []int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	counts := make([]int, len(weights))
	if sum == 0 || total <= 0 {
		return counts
	}
	frac := make([]float64, len(weights))
	given := 0
	for i, w := range weights {
		share := float64(total) * w / sum
		counts[i] = int(share)
		frac[i] = share - float64(counts[i])
		given += counts[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case frac[a] > frac[b]:
			return -1
		case frac[a] < frac[b]:
			return 1
		}
		return 0
	})
	for i := 0; given < total; i = (i + 1) % len(order) {
		counts[order[i]]++
		given++
	}
	return counts
}

// pickWeighted draws one value of ws.
func pickWeighted(r *rand.Rand, ws []weighted) string {
	total := 0.0
	for _, w := range ws {
		total += w.weight
	}
	x := r.Float64() * total
	for _, w := range ws {
		if x < w.weight {
			return w.value
		}
		x -= w.weight
	}
	return ws[len(ws)-1].value
}

// some draws between lo and hi distinct values of from, in from's order.
func some(r *rand.Rand, from []string, lo, hi int) []string {
	n := lo + r.IntN(hi-lo+1)
	idx := r.Perm(len(from))[:min(n, len(from))]
	slices.Sort(idx)
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}

// chance is true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between draws an integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// before returns the earlier of two instants.
func before(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
