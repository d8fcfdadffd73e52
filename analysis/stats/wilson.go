package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Wilson returns the Wilson score interval for a binomial proportion: the
// set of p for which the score test of successes out of n does not reject
// at the given level (0.95 for 95%). With p̂ = successes/n and z the
// (1+level)/2 quantile of the standard normal,
//
//	centre = (p̂ + z²/(2n)) / (1 + z²/n)
//	half   = z/(1 + z²/n) · √(p̂(1-p̂)/n + z²/(4n²))
//
// and the interval is centre ± half, clamped to [0, 1] (so 0 successes give
// lo = 0 exactly and n successes hi = 1). Unlike the Wald interval it stays
// inside [0, 1] and keeps its coverage near 0 and 1.
//
// It returns NaN, NaN when n ≤ 0, successes is outside [0, n], or level is
// outside (0, 1). References: E. B. Wilson, JASA 22(158), 1927; R. G.
// Newcombe, Statistics in Medicine 17, 1998 (method 3); statsmodels'
// proportion_confint(method="wilson").
func Wilson(successes, n int64, level float64) (lo, hi float64) {
	if n <= 0 || successes < 0 || successes > n || !(level > 0 && level < 1) {
		return math.NaN(), math.NaN()
	}
	z := distuv.UnitNormal.Quantile((1 + level) / 2)
	fn := float64(n)
	p := float64(successes) / fn
	z2n := z * z / fn
	centre := (p + z2n/2) / (1 + z2n)
	half := z / (1 + z2n) * math.Sqrt(p*(1-p)/fn+z2n/(4*fn))
	lo, hi = math.Max(0, centre-half), math.Min(1, centre+half)
	if successes == 0 {
		lo = 0
	}
	if successes == n {
		hi = 1
	}
	return lo, hi
}
