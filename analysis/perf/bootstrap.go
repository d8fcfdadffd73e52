package perf

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/pmx-dev/pmx/analysis/stats"
)

// column is one candidate's non-zero waiting per case: vals[j] seconds in
// case cases[j], cases ascending.
type column struct {
	cases []int32
	vals  []float64
}

// Bootstrap layout: resamples are drawn lanes at a time, and the cases a
// segment at a time.
const (
	lanes   = 8
	segment = 1 << 14 // cases whose weights (lanes × 8 bytes each) stay in cache
)

// shareCIs returns, for every candidate k, a bootstrap confidence interval
// of its share Σ_c num_k(c) / Σ_c den(c), resampling cases; cols[k] holds
// the non-zero num_k.
//
// It is the Poisson bootstrap (Hanley and MacGibbon 2006; Chamandy et al.
// 2012, "Estimating uncertainty for massive data streams"): each resample
// gives every case an independent Poisson(1) weight instead of drawing n
// cases with replacement. The two agree as n grows, and the Poisson form
// resamples every candidate in one pass over the cases, so all intervals
// together cost B·(cases + entries) rather than B·cases per candidate.
// Percentile intervals; resamples run on workers goroutines, each with its
// own PCG stream derived from seed, so results do not depend on scheduling.
//
// At ten million instances the entries are a hundred megabytes and the
// bootstrap billions of multiply-adds, so the work is laid out for the
// machine: eight resamples at a time, their weights drawn for a segment of
// cases into a table that stays in cache, and each candidate's entries of
// that segment summed into eight accumulators held in registers. Every
// resample still draws its weights from its own stream and adds its terms
// in case order, as a pass of its own would. A weight of 0 adds +0, which
// changes no sum (every term is finite and non-negative).
func shareCIs(cols []column, den []float64, level float64, resamples int, seed uint64, workers int) [][2]float64 {
	shares := make([][]float64, len(cols)) // [cand][resample]
	for k := range shares {
		shares[k] = make([]float64, resamples)
	}
	workers = max(1, min(workers, (resamples+lanes-1)/lanes))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			var src [lanes]rand.PCG
			var bits [lanes]uint64
			weights := make([][lanes]float64, segment)
			num := make([][lanes]float64, len(cols))
			pos := make([]int, len(cols))
			for b0 := w * lanes; b0 < resamples; b0 += workers * lanes {
				for k := range lanes {
					src[k].Seed(seed, uint64(b0+k)+1)
				}
				clear(num)
				clear(pos)
				var d [lanes]float64
				for c0 := 0; c0 < len(den); c0 += segment {
					c1 := min(len(den), c0+segment)
					wt := weights[:c1-c0]
					for c := c0; c < c1; c++ {
						// Four 16-bit draws per 64-bit random number.
						if c&3 == 0 {
							for k := range lanes {
								bits[k] = src[k].Uint64()
							}
						}
						shift := 16 * (c & 3)
						for k := range lanes {
							wt[c-c0][k] = float64(poisson1LUT[uint16(bits[k]>>shift)])
						}
					}
					d = addDense(d, wt, den[c0:c1])
					for k, col := range cols {
						j, e := pos[k], pos[k]
						for e < len(col.cases) && int(col.cases[e]) < c1 {
							e++
						}
						num[k] = addSparse(num[k], wt, c0, col.cases[j:e], col.vals[j:e])
						pos[k] = e
					}
				}
				for k := 0; k < min(lanes, resamples-b0); k++ {
					for ci := range shares {
						// A resample that drew no waiting at all has no
						// share: it is dropped, not counted as 0 (which
						// would drag the lower bound of small logs down to
						// 0).
						shares[ci][b0+k] = math.NaN()
						if d[k] > 0 {
							shares[ci][b0+k] = num[ci][k] / d[k]
						}
					}
				}
			}
		})
	}
	wg.Wait()
	out := make([][2]float64, len(cols))
	alpha := (1 - level) / 2
	for k, s := range shares {
		s = slices.DeleteFunc(s, math.IsNaN)
		slices.Sort(s)
		out[k] = [2]float64{stats.Quantile(s, alpha), stats.Quantile(s, 1-alpha)}
	}
	return out
}

// addDense returns acc plus, lane by lane, Σ_c w[c]·v[c].
func addDense(acc [lanes]float64, w [][lanes]float64, v []float64) [lanes]float64 {
	a0, a1, a2, a3, a4, a5, a6, a7 := acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]
	w = w[:len(v)]
	for c, x := range v {
		wc := &w[c]
		a0 += wc[0] * x
		a1 += wc[1] * x
		a2 += wc[2] * x
		a3 += wc[3] * x
		a4 += wc[4] * x
		a5 += wc[5] * x
		a6 += wc[6] * x
		a7 += wc[7] * x
	}
	return [lanes]float64{a0, a1, a2, a3, a4, a5, a6, a7}
}

// addSparse returns acc plus, lane by lane, Σ_j w[cases[j]−c0]·vals[j]:
// the innermost loop of the bootstrap, written out so that the eight sums
// live in registers.
func addSparse(acc [lanes]float64, w [][lanes]float64, c0 int, cases []int32, vals []float64) [lanes]float64 {
	a0, a1, a2, a3, a4, a5, a6, a7 := acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]
	vals = vals[:len(cases)]
	for j, c := range cases {
		wc, x := &w[int(c)-c0], vals[j]
		a0 += wc[0] * x
		a1 += wc[1] * x
		a2 += wc[2] * x
		a3 += wc[3] * x
		a4 += wc[4] * x
		a5 += wc[5] * x
		a6 += wc[6] * x
		a7 += wc[7] * x
	}
	return [lanes]float64{a0, a1, a2, a3, a4, a5, a6, a7}
}

// poisson1LUT maps a uniform 16-bit number to a Poisson(1) draw: entry u
// is the smallest k with P(X <= k) > (u + 0.5) / 65536. The quantisation
// moves each probability by less than 2e-5, far below bootstrap noise, and
// makes a weight one table lookup.
var poisson1LUT = func() *[65536]uint8 {
	var cdf []float64
	p, c := math.Exp(-1), 0.0
	for k := 0; k < 12; k++ {
		c += p
		cdf = append(cdf, c)
		p /= float64(k + 1)
	}
	var t [65536]uint8
	k := 0
	for u := range t {
		x := (float64(u) + 0.5) / 65536
		for k < len(cdf)-1 && x >= cdf[k] {
			k++
		}
		t[u] = uint8(k)
	}
	return &t
}()
