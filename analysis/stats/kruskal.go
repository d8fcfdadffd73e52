package stats

import (
	"fmt"

	"gonum.org/v1/gonum/stat/distuv"
)

// KWResult is the outcome of KruskalWallis.
type KWResult struct {
	// H is the tie-corrected Kruskal-Wallis statistic.
	H float64 `json:"h"`
	// DF is the degrees of freedom, the number of non-empty groups less one.
	DF int `json:"df"`
	// P is the upper tail of the χ²(DF) distribution at H.
	P float64 `json:"p"`
	// EpsilonSquared is the effect size ε² = H/(N-1), in [0, 1] (Tomczak &
	// Tomczak 2014, "The need to report effect size estimates revisited",
	// Trends in Sport Sciences 21(1): ε²_R = H / ((N²-1)/(N+1))).
	EpsilonSquared float64 `json:"epsilon_squared"`
}

// KruskalWallis runs the Kruskal-Wallis H test of whether the groups come
// from the same distribution. Empty groups carry no information and are
// dropped, as R's kruskal.test does; it returns ErrEmpty if fewer than two
// groups remain and ErrNaN if a value is NaN. No group is modified.
//
// With N values ranked together (midranks), R_i the rank sum and n_i the
// size of group i, and t the sizes of the groups of tied values:
//
//	H₀ = 12/(N(N+1)) · Σ R_i²/n_i - 3(N+1)
//	H  = H₀ / (1 - Σ(t³-t)/(N³-N))
//
// and P = Pr(χ²(k-1) ≥ H) through gonum's distuv.ChiSquared. When every
// value is tied the correction divides 0 by 0; there is no evidence of a
// difference and H = 0, P = 1. References: W. H. Kruskal, W. A. Wallis,
// JASA 47(260), 1952; Conover (1999) §5.2. scipy.stats.kruskal computes the
// same H and P.
func KruskalWallis(groups [][]float64) (KWResult, error) {
	var nonEmpty [][]float64
	var total int
	for _, g := range groups {
		if len(g) > 0 {
			nonEmpty = append(nonEmpty, g)
			total += len(g)
		}
	}
	if len(nonEmpty) < 2 {
		return KWResult{}, fmt.Errorf("kruskal-wallis: %d non-empty groups, need 2: %w", len(nonEmpty), ErrEmpty)
	}
	all := make([]float64, 0, total)
	for _, g := range nonEmpty {
		all = append(all, g...)
	}
	ranks, ties, err := midranks(all)
	if err != nil {
		return KWResult{}, fmt.Errorf("kruskal-wallis: %w", err)
	}
	rankSums, sizes := make([]float64, len(nonEmpty)), make([]int, len(nonEmpty))
	off := 0
	for i, g := range nonEmpty {
		for _, x := range ranks[off : off+len(g)] {
			rankSums[i] += x
		}
		sizes[i] = len(g)
		off += len(g)
	}
	return KruskalWallisRanks(rankSums, sizes, ties)
}

// KruskalWallisRanks is KruskalWallis from the ranks alone: each group's
// rank sum and size among all values ranked together, and the tie term
// Σ(t³ - t) of all values. Empty groups are dropped; it returns ErrEmpty
// if fewer than two remain.
func KruskalWallisRanks(rankSums []float64, sizes []int, ties float64) (KWResult, error) {
	var total, groups int
	var sum float64 // Σ R_i²/n_i
	for i, r := range rankSums {
		if sizes[i] > 0 {
			sum += r * r / float64(sizes[i])
			total += sizes[i]
			groups++
		}
	}
	if groups < 2 {
		return KWResult{}, fmt.Errorf("kruskal-wallis: %d non-empty groups, need 2: %w", groups, ErrEmpty)
	}
	n := float64(total)
	res := KWResult{DF: groups - 1, P: 1}
	correction := 1 - ties/(n*n*n-n)
	if correction <= 0 {
		return res, nil
	}
	h := (12/(n*(n+1))*sum - 3*(n+1)) / correction
	// Rounding can leave a tiny negative H for identical rank sums.
	res.H = max(h, 0)
	res.P = distuv.ChiSquared{K: float64(res.DF)}.Survival(res.H)
	res.EpsilonSquared = res.H / (n - 1)
	return res, nil
}
