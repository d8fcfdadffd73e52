package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
)

// ChangePointResult is the outcome of ChangePoint.
type ChangePointResult struct {
	// Index is the first index of the new regime: xs[:Index] is before the
	// change, xs[Index:] after; 1 ≤ Index ≤ n-1.
	Index int `json:"index"`
	// K is Pettitt's statistic max_t |U_t|.
	K float64 `json:"k"`
	// P is Pettitt's approximate p-value 2·exp(-6K²/(n³+n²)), at most 1.
	P float64 `json:"p"`
	// MeanBefore and MeanAfter are the means of xs[:Index] and xs[Index:].
	MeanBefore float64 `json:"mean_before"`
	MeanAfter  float64 `json:"mean_after"`
}

// ChangePoint runs Pettitt's non-parametric test for a single change in the
// level of the series xs (in time order), which it does not modify. It needs
// at least two values (ErrEmpty otherwise) and no NaN (ErrNaN).
//
// For each split t = 1..n-1 (xs[:t] before, xs[t:] after) Pettitt's
// Mann-Whitney-type statistic is
//
//	U_t = Σ_{i<t} Σ_{j≥t} sgn(x_i - x_j) = 2·Σ_{i<t} r_i - t(n+1)
//
// where r_i are the midranks of the whole series (the rank form, O(n log n)
// instead of O(n²), follows from Σ_j sgn(x_i - x_j) = 2r_i - n - 1 and the
// within-block terms cancelling). The change is placed at the first t that
// maximises |U_t|, K = |U_t| there, and the significance of K is
// approximately
//
//	P ≈ 2·exp(-6K² / (n³ + n²))
//
// which is accurate for P ≤ 0.5 and conservative above. Index is that t. A
// series with no change in rank (for example a constant one) has K = 0,
// P = 1 and Index = 1. Reference: A. N. Pettitt, "A non-parametric approach
// to the change-point problem", Applied Statistics 28(2), 126–135, 1979.
func ChangePoint(xs []float64) (ChangePointResult, error) {
	n := len(xs)
	if n < 2 {
		return ChangePointResult{}, fmt.Errorf("change point: n=%d, need 2: %w", n, ErrEmpty)
	}
	ranks, _, err := midranks(xs)
	if err != nil {
		return ChangePointResult{}, fmt.Errorf("change point: %w", err)
	}
	fn := float64(n)
	var prefix, k float64
	best := 1
	for t := 1; t < n; t++ {
		prefix += ranks[t-1]
		// Ranks are multiples of ½, so U_t is an exact integer in float64.
		if u := math.Abs(2*prefix - float64(t)*(fn+1)); u > k {
			k, best = u, t
		}
	}
	return ChangePointResult{
		Index:      best,
		K:          k,
		P:          math.Min(1, 2*math.Exp(-6*k*k/(fn*fn*fn+fn*fn))),
		MeanBefore: stat.Mean(xs[:best], nil),
		MeanAfter:  stat.Mean(xs[best:], nil),
	}, nil
}
