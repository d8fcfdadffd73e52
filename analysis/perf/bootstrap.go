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
	// Where each column's entries of each segment end, found once.
	segments := (len(den) + segment - 1) / segment
	ends := make([][]int, len(cols))
	for k, col := range cols {
		ends[k] = make([]int, segments)
		e := 0
		for s := range segments {
			for e < len(col.cases) && int(col.cases[e]) < (s+1)*segment {
				e++
			}
			ends[k][s] = e
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			var src [lanes]rand.PCG
			weights := make([][lanes]float64, segment)
			num := make([][lanes]float64, len(cols))
			for b0 := w * lanes; b0 < resamples; b0 += workers * lanes {
				for k := range lanes {
					src[k].Seed(seed, uint64(b0+k)+1)
				}
				clear(num)
				var d [lanes]float64
				for s := range segments {
					c0, c1 := s*segment, min(len(den), (s+1)*segment)
					drawWeights(weights[:c1-c0], &src)
					d = addDense(d, weights, den[c0:c1])
					for k, col := range cols {
						j := 0
						if s > 0 {
							j = ends[k][s-1]
						}
						e := ends[k][s]
						num[k] = addSparse(num[k], weights, c0, col.cases[j:e], col.vals[j:e])
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

// drawWeights fills w with the Poisson(1) weights of the next len(w)
// cases in each lane, four 16-bit draws per 64-bit random number (the
// lowest bits for the first case). Segments start at multiples of four
// cases, so every lane's stream is cut as in a pass of its own.
func drawWeights(w [][lanes]float64, src *[lanes]rand.PCG) {
	lut := poisson1LUT
	c := 0
	for ; c+4 <= len(w); c += 4 {
		w0, w1, w2, w3 := &w[c], &w[c+1], &w[c+2], &w[c+3]
		for k := range lanes {
			b := src[k].Uint64()
			w0[k] = float64(lut[uint16(b)])
			w1[k] = float64(lut[uint16(b>>16)])
			w2[k] = float64(lut[uint16(b>>32)])
			w3[k] = float64(lut[uint16(b>>48)])
		}
	}
	if c < len(w) { // the last cases of the log
		for k := range lanes {
			b := src[k].Uint64()
			for q := c; q < len(w); q++ {
				w[q][k] = float64(lut[uint16(b>>(16*(q-c)))])
			}
		}
	}
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
