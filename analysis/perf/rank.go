package perf

import (
	"math"

	"github.com/pmx-dev/pmx/analysis/stats"
)

// mannWhitneySubset tests one subset (n1 values with rank sum r1 within a
// ranked sample of n) against the rest: the Mann–Whitney U test with the
// normal approximation, tie and continuity corrections (as
// scipy.stats.mannwhitneyu(method="asymptotic")). It returns the two-sided
// p-value and the rank-biserial correlation 2·U1/(n1·n2) − 1, positive when
// the subset's values are larger. Ranking once and summing per subset makes
// testing many subsets of a million values cheap.
func mannWhitneySubset(r1 float64, n1, n int, tieTerm float64) (p, effect float64) {
	n2 := n - n1
	if n1 == 0 || n2 == 0 {
		return math.NaN(), math.NaN()
	}
	f1, f2, fn := float64(n1), float64(n2), float64(n)
	u1 := r1 - f1*(f1+1)/2
	mu := f1 * f2 / 2
	sigma := math.Sqrt(f1 * f2 / 12 * ((fn + 1) - tieTerm/(fn*(fn-1))))
	effect = 2*u1/(f1*f2) - 1
	if sigma == 0 {
		return 1, effect
	}
	z := (math.Abs(u1-mu) - 0.5) / sigma
	if z < 0 {
		z = 0
	}
	return math.Erfc(z / math.Sqrt2), effect
}

// rankedGroups is several samples ranked together once, so that each can
// be tested against all the others (their union) without a sort per test.
type rankedGroups struct {
	sorted  []float64 // every value, ascending
	group   []uint32  // the sample of sorted[i]
	rankSum []float64 // per sample, the sum of its mid-ranks
	ties    float64   // Σ(t³ − t) over the runs of equal values
	buf     []float64
}

// rankGroups ranks the samples gs together (NaN-free).
func rankGroups(gs [][]float64) *rankedGroups {
	n := 0
	for _, g := range gs {
		n += len(g)
	}
	keys, group := make([]uint64, 0, n), make([]uint32, 0, n)
	for k, g := range gs {
		for _, x := range g {
			keys, group = append(keys, floatKey(x)), append(group, uint32(k))
		}
	}
	sortKeyed(keys, group)
	r := &rankedGroups{sorted: make([]float64, n), group: group, rankSum: make([]float64, len(gs))}
	for i, k := range keys {
		r.sorted[i] = keyFloat(k)
	}
	for i := 0; i < n; {
		j := i + 1
		for j < n && keys[j] == keys[i] {
			j++
		}
		if t := float64(j - i); t > 1 {
			r.ties += t*t*t - t
		}
		mid := float64(i+1+j) / 2 // mid-ranks are halves of integers: exact sums
		for _, k := range group[i:j] {
			r.rankSum[k] += mid
		}
		i = j
	}
	return r
}

// medians returns the median of sample k and of all the other samples
// together (type 7, as stats.Quantile on the sorted values).
func (r *rankedGroups) medians(k int) (mine, rest float64) {
	r.buf = r.buf[:0]
	for i, g := range r.group {
		if g == uint32(k) {
			r.buf = append(r.buf, r.sorted[i])
		}
	}
	mine = stats.Quantile(r.buf, 0.5)
	r.buf = r.buf[:0]
	for i, g := range r.group {
		if g != uint32(k) {
			r.buf = append(r.buf, r.sorted[i])
		}
	}
	return mine, stats.Quantile(r.buf, 0.5)
}
