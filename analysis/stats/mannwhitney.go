package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// MannWhitneyResult is the outcome of MannWhitney for samples A and B.
type MannWhitneyResult struct {
	// U is the Mann-Whitney statistic of A: the number of pairs (a, b) with
	// a > b, ties counting one half. U_B = n1·n2 - U. It equals the statistic
	// scipy.stats.mannwhitneyu(a, b) returns.
	U float64 `json:"u"`
	// Z is the tie- and continuity-corrected normal score of U, signed:
	// positive when A tends to be larger than B.
	Z float64 `json:"z"`
	// P is the two-sided p-value of the normal approximation with tie
	// correction and continuity correction.
	P float64 `json:"p"`
	// Exact reports whether PExact was computed: both samples have at most
	// 10 values and there are no ties.
	Exact bool `json:"exact"`
	// PExact is the two-sided exact p-value from the permutation
	// distribution of U when Exact is set, else 0.
	PExact float64 `json:"p_exact"`
	// RankBiserial is the signed rank-biserial correlation
	// r = 2U/(n1·n2) - 1 = P(A > B) - P(A < B), in [-1, 1]; positive when A
	// tends to be larger (Kerby 2014's simple difference formula; it equals
	// Cliff's delta).
	RankBiserial float64 `json:"rank_biserial"`
	// CommonLanguage is the probability of superiority U/(n1·n2) =
	// P(A > B) + ½·P(A = B) for a random pair (McGraw & Wong 1992; Vargha &
	// Delaney's A).
	CommonLanguage float64 `json:"common_language"`
}

// exactMax bounds the sample sizes for which MannWhitney computes PExact.
const exactMax = 10

// MannWhitney runs the two-sided Mann-Whitney U (Wilcoxon rank-sum) test of
// whether A and B come from the same distribution. Neither slice is
// modified. It returns ErrEmpty if either sample is empty and ErrNaN if one
// holds a NaN.
//
// With N = n1 + n2 values ranked together (midranks for ties), R1 the rank
// sum of A, and t the sizes of the groups of tied values:
//
//	U  = R1 - n1(n1+1)/2
//	σ² = n1·n2/12 · ((N+1) - Σ(t³-t)/(N(N-1)))
//	Z  = sign(U - n1·n2/2) · max(|U - n1·n2/2| - ½, 0) / σ
//	P  = 2·Φ(-|Z|), at most 1
//
// When every value is tied (σ = 0) there is no evidence of a difference and
// Z = 0, P = 1. References: H. B. Mann, D. R. Whitney, Ann. Math. Statist.
// 18(1), 1947; W. J. Conover, Practical Nonparametric Statistics, 3rd ed.,
// 1999, §5.1 (tie correction). This is what scipy.stats.mannwhitneyu(a, b,
// method="asymptotic", use_continuity=True) computes.
func MannWhitney(a, b []float64) (MannWhitneyResult, error) {
	n1, n2 := len(a), len(b)
	if n1 == 0 || n2 == 0 {
		return MannWhitneyResult{}, fmt.Errorf("mann-whitney: n1=%d, n2=%d: %w", n1, n2, ErrEmpty)
	}
	all := make([]float64, 0, n1+n2)
	all = append(append(all, a...), b...)
	ranks, ties, err := midranks(all)
	if err != nil {
		return MannWhitneyResult{}, fmt.Errorf("mann-whitney: %w", err)
	}
	var r1 float64
	for _, r := range ranks[:n1] {
		r1 += r
	}
	return MannWhitneyRanks(r1, n1, n2, ties), nil
}

// MannWhitneyRanks is MannWhitney from the ranks alone: R1, the rank sum
// of A's n1 values among the N = n1 + n2 ranked together, and the tie term
// Σ(t³ - t) of the N. Ranking a sample once and summing the ranks of many
// subsets tests each subset against the rest at the cost of one sort. n1
// and n2 must be positive.
func MannWhitneyRanks(r1 float64, n1, n2 int, ties float64) MannWhitneyResult {
	f1, f2, n := float64(n1), float64(n2), float64(n1+n2)
	u := r1 - f1*(f1+1)/2
	pairs := f1 * f2
	res := MannWhitneyResult{
		U:              u,
		P:              1,
		RankBiserial:   2*u/pairs - 1,
		CommonLanguage: u / pairs,
	}
	var variance float64
	if n > 1 {
		variance = pairs / 12 * ((n + 1) - ties/(n*(n-1)))
	}
	if variance > 0 {
		d := u - pairs/2
		z := math.Max(math.Abs(d)-0.5, 0) / math.Sqrt(variance)
		res.Z = math.Copysign(z, d)
		if z == 0 {
			res.Z = 0
		}
		res.P = math.Min(1, 2*distuv.UnitNormal.CDF(-z))
	}
	if ties == 0 && n1 <= exactMax && n2 <= exactMax {
		res.Exact = true
		res.PExact = exactMannWhitneyP(u, n1, n2)
	}
	return res
}

// exactMannWhitneyP returns the two-sided exact p-value of U for samples of
// n1 and n2 distinct values: 2·P(U' ≥ max(U, n1·n2 - U)) under H0, at most
// 1, as scipy's method="exact" defines it. The null distribution of U counts
// the arrangements of the ranks with Mann & Whitney's (1947) recurrence
//
//	c(m, n, u) = c(m-1, n, u-n) + c(m, n-1, u)
//
// (the largest value belongs to A, beating all n of B, or to B), over
// C(m+n, m) equally likely arrangements.
func exactMannWhitneyP(u float64, n1, n2 int) float64 {
	maxU := n1 * n2
	// prev[n][u] holds c(m-1, n, u), cur[n][u] holds c(m, n, u), for
	// n = 0..n2.
	prev := make([][]float64, n2+1)
	cur := make([][]float64, n2+1)
	for j := range prev {
		prev[j] = make([]float64, maxU+1)
		cur[j] = make([]float64, maxU+1)
		prev[j][0] = 1 // m = 0: one arrangement, U = 0.
	}
	for m := 1; m <= n1; m++ {
		for j := 0; j <= n2; j++ {
			for k := 0; k <= maxU; k++ {
				var c float64
				if k >= j {
					c = prev[j][k-j]
				}
				if j > 0 {
					c += cur[j-1][k]
				}
				cur[j][k] = c
			}
		}
		prev, cur = cur, prev
	}
	counts := prev[n2]
	var total, tail float64
	hi := int(math.Round(math.Max(u, float64(maxU)-u)))
	for k, c := range counts {
		total += c
		if k >= hi {
			tail += c
		}
	}
	return math.Min(1, 2*tail/total)
}
