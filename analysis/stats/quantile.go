package stats

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// Quantile returns the p-quantile of sorted (ascending, no NaN) by linear
// interpolation between order statistics: Hyndman & Fan (1996) definition 7,
// the default of numpy.quantile, R's quantile and PM4Py. With n values and
// h = (n-1)·p,
//
//	Q(p) = x[⌊h⌋] + (h - ⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋])   (0-based x)
//
// so Q(0) is the minimum, Q(1) the maximum and, for an even n, Q(0.5) is the
// mean of the middle two values, as Python's statistics.median gives.
//
// It returns NaN for an empty slice or p outside [0, 1]. gonum's
// stat.Quantile offers only definitions 1 and 4, hence this one.
//
// Reference: R. J. Hyndman, Y. Fan, "Sample quantiles in statistical
// packages", The American Statistician 50(4), 1996.
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 || !(p >= 0 && p <= 1) {
		return math.NaN()
	}
	h := float64(n-1) * p
	lo := int(h)
	frac := h - float64(lo)
	if frac == 0 || lo >= n-1 {
		// Exact order statistic; also keeps ±Inf values out of 0·Inf.
		return sorted[min(lo, n-1)]
	}
	a, b := sorted[lo], sorted[lo+1]
	return a + frac*(b-a)
}

// Summary describes a sample. It is NaN-free so it always marshals to JSON.
type Summary struct {
	// N counts the non-NaN values summarised.
	N int `json:"n"`
	// Mean is the arithmetic mean.
	Mean float64 `json:"mean"`
	// StdDev is the sample standard deviation (divisor N-1, as Python's
	// statistics.stdev and numpy.std(ddof=1)); 0 when N < 2.
	StdDev float64 `json:"std_dev"`
	// CV is the coefficient of variation StdDev/|Mean|; 0 when Mean is 0.
	CV float64 `json:"cv"`
	// Min, P50, P90, P95 and Max are Quantile (type 7) at 0, .5, .9, .95, 1.
	Min float64 `json:"min"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
}

// Summarize summarises xs, which it does not modify (it sorts a copy). NaN
// values are skipped; an input with no other values gives the zero Summary.
// Finite input gives finite figures.
func Summarize(xs []float64) Summary {
	s := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		return Summary{}
	}
	slices.Sort(s)
	out := Summary{
		N:   len(s),
		Min: s[0],
		P50: Quantile(s, 0.5),
		P90: Quantile(s, 0.9),
		P95: Quantile(s, 0.95),
		Max: s[len(s)-1],
	}
	if len(s) == 1 {
		out.Mean = s[0]
		return out
	}
	out.Mean, out.StdDev = stat.MeanStdDev(s, nil)
	if out.Mean != 0 {
		out.CV = out.StdDev / math.Abs(out.Mean)
	}
	return out
}
