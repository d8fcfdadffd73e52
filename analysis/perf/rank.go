package perf

import "math"

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
