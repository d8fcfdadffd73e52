package stats

import (
	"cmp"
	"math"
	"slices"
)

// midranks returns the rank (1..n) of every xs[i], tied values sharing the
// mean of the ranks they span, and the tie term Σ(t³ - t) over the groups of
// t tied values that the rank tests' variance corrections need. It reports
// ErrNaN if xs holds a NaN.
func midranks(xs []float64) (ranks []float64, ties float64, err error) {
	n := len(xs)
	idx := make([]int, n)
	for i, x := range xs {
		if math.IsNaN(x) {
			return nil, 0, ErrNaN
		}
		idx[i] = i
	}
	// Stable on index so equal keys are visited in a fixed order; the
	// midrank makes the result independent of it anyway.
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(xs[a], xs[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	ranks = make([]float64, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && xs[idx[j]] == xs[idx[i]] {
			j++
		}
		// Positions i..j-1 hold ranks i+1..j; their mean is (i+1+j)/2.
		r := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			ranks[idx[k]] = r
		}
		if t := float64(j - i); t > 1 {
			ties += t*t*t - t
		}
		i = j
	}
	return ranks, ties, nil
}
