package perf

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/pmx-dev/pmx/analysis/stats"
)

// entry is one case's waiting time at one candidate (activity or handover).
type entry struct {
	cand int32
	val  float64
}

// shareCIs returns, for every candidate k, a bootstrap confidence interval
// of its share Σ_c num_k(c) / Σ_c den(c), resampling cases. caseEntries[c]
// lists case c's non-zero num_k(c).
//
// It is the Poisson bootstrap (Hanley and MacGibbon 2006; Chamandy et al.
// 2012, "Estimating uncertainty for massive data streams"): each resample
// gives every case an independent Poisson(1) weight instead of drawing n
// cases with replacement. The two agree as n grows, and the Poisson form
// resamples every candidate in one pass over the cases, so all intervals
// together cost B·(cases + entries) rather than B·cases per candidate.
// Percentile intervals; resamples run on workers goroutines, each with its
// own PCG stream derived from seed, so results do not depend on scheduling.
func shareCIs(caseEntries [][]entry, den []float64, cands int, level float64, resamples int, seed uint64, workers int) [][2]float64 {
	// Flatten into one array with per-case offsets: the resampling loop then
	// streams through memory instead of chasing a slice header per case.
	off := make([]int32, len(caseEntries)+1)
	var flat []entry
	for c, es := range caseEntries {
		flat = append(flat, es...)
		off[c+1] = int32(len(flat))
	}
	shares := make([][]float64, cands) // [cand][resample]
	for k := range shares {
		shares[k] = make([]float64, resamples)
	}
	if workers < 1 {
		workers = 1
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			num := make([]float64, cands)
			for b := w; b < resamples; b += workers {
				rng := rand.New(rand.NewPCG(seed, uint64(b)+1))
				clear(num)
				var d float64
				var bits uint64
				for c := range den {
					// Four 16-bit draws per 64-bit random number.
					if c&3 == 0 {
						bits = rng.Uint64()
					}
					wt := poisson1LUT[uint16(bits>>(16*(c&3)))]
					if wt == 0 {
						continue
					}
					fw := float64(wt)
					d += fw * den[c]
					for _, e := range flat[off[c]:off[c+1]] {
						num[e.cand] += fw * e.val
					}
				}
				for k := range num {
					// A resample that drew no waiting at all has no share:
					// it is dropped, not counted as 0 (which would drag the
					// lower bound of small logs down to 0).
					shares[k][b] = math.NaN()
					if d > 0 {
						shares[k][b] = num[k] / d
					}
				}
			}
		}(w)
	}
	wg.Wait()
	out := make([][2]float64, cands)
	alpha := (1 - level) / 2
	for k, s := range shares {
		s = slices.DeleteFunc(s, math.IsNaN)
		slices.Sort(s)
		out[k] = [2]float64{stats.Quantile(s, alpha), stats.Quantile(s, 1-alpha)}
	}
	return out
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

// ranks holds the mid-ranks of a sample (ties share their average rank) and
// the tie term Σ(t³ − t) the Mann–Whitney variance needs.
type ranks struct {
	r       []float64
	tieTerm float64
}

func rankAll(xs []float64) ranks {
	// Sorting a copy of the values and looking each one up is several times
	// faster than sorting indices with a comparison closure.
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	r := ranks{r: make([]float64, len(xs))}
	runEnd := make([]int32, len(sorted)) // at a run's first index: one past its last
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j] == sorted[i] {
			j++
		}
		runEnd[i] = int32(j)
		if t := float64(j - i); t > 1 {
			r.tieTerm += t*t*t - t
		}
		i = j
	}
	for k, x := range xs {
		lo, _ := slices.BinarySearch(sorted, x)    // first index of x
		r.r[k] = float64(lo+int(runEnd[lo])+1) / 2 // ranks lo+1..end averaged
	}
	return r
}

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
